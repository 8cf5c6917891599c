// End-to-end tests of the forecasts and England's adoption scorecard in the page, in headless
// Chromium, each figure checked against the command line's report for the same files, date
// and basis (`driftline analyze --format json [--breakdown ID]`, `driftline chart --kind
// decomposition`): a child's forecasts in words and the caveats, the children table's
// likely-by column, the Forecast view's expected completions and "where the days go" with and
// without a split, the QI view's completions chart with forecast months, and the scorecard.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  WWW,
  assertPageMatchesCli,
  cli,
  cliAnalyze,
  downloadText,
  networkRequests,
  openRecorded,
  openView,
  parseCsv,
  pickFiles,
} from './helpers.mjs';

const AS_AT = '2024-03-31';

let server;
let browser;
let dir;
let ssda903;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-forecast-'));
  const out = join(dir, 'ssda903');
  const generated = await cli(['generate', '--children', '400', '--seed', '21', '--as-at', AS_AT, '--format', 'ssda903', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  ssda903 = readdirSync(out).filter((f) => f.endsWith('.csv')).sort().map((f) => join(out, f));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// --- The page's words, written out independently --------------------------------------------

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const date = (iso, format = longDate) => {
  const [y, m, d] = iso.split('-').map(Number);
  return format.format(new Date(Date.UTC(y, m - 1, d)));
};
const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });
const tenth = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const expected = (e) => `${tenth.format(e.expected)} (${tenth.format(e.interval[0])} to ${tenth.format(e.interval[1])})`;

/** Loads the demo data "as at" AS_AT; resolves to the command line's report for the same. */
async function loadDemo(page, extra = []) {
  await page.click('#demo-button');
  await assertPageMatchesCli(page, DEMO_FILES);
  if ((await page.inputValue('#as-at-input')) !== AS_AT) {
    await page.fill('#as-at-input', AS_AT);
    await page.dispatchEvent('#as-at-input', 'change');
    await page.waitForFunction(() => document.getElementById('status').classList.contains('is-done'));
    await page.waitForFunction((d) => document.getElementById('as-at-input').value === d, AS_AT);
  }
  const cliReport = await cliAnalyze(DEMO_FILES, AS_AT, extra);
  assert.equal(cliReport.code, 0, cliReport.stderr);
  return cliReport.report;
}

/** The stage row a child waits in now, by the children table's rule, or null. */
function currentStage(report, journey) {
  const periods = journey.care_periods;
  let latest = null;
  periods.forEach((p, i) => {
    if (p.start <= report.as_at) latest = i;
  });
  if (latest === null) return null;
  const p = periods[latest];
  if (p.end !== null && p.end < report.as_at) return null;
  const order = report.profile.stages.map((s) => s.id);
  const waiting = journey.stages.filter(
    (r) => r.care_period_index === latest && r.end === null && r.censored_by === 'as_at',
  );
  waiting.sort((a, b) => (a.start === b.start ? order.indexOf(a.stage) - order.indexOf(b.stage) : a.start < b.start ? 1 : -1));
  return waiting[0] ?? null;
}

async function openChild(page, id) {
  await openView(page, 'children');
  await page.fill('#children-search', id);
  await page.waitForFunction(
    (want) => [...document.querySelectorAll('#children-table tbody [data-child]')].some((b) => b.textContent === want),
    id,
  );
  await page.click(`#children-table tbody [data-child] >> text="${id}"`);
  await page.waitForSelector('#child-detail:not([hidden]) #child-heading');
  await page.waitForFunction((want) => document.getElementById('child-heading').textContent === want, id);
}

// --- Tests ------------------------------------------------------------------------------------

test("a child's waiting stages show their forecasts in words, as the command line reports them, with the caveats one click away", async () => {
  const { context, page, errors, requests } = await openRecorded(browser, `${server.origin}/`);
  try {
    const report = await loadDemo(page);
    const before = requests.length;
    // A child with a likely date, a range and a chance by the target.
    const journey = report.journeys.find((j) =>
      j.stages.some((r) => r.forecast?.expected_date && r.forecast.range && r.forecast.chance_by_target !== null),
    );
    assert.ok(journey, 'the demo has a child with a full forecast');
    await openChild(page, journey.child_id);
    const rows = journey.stages.filter((r) => r.forecast !== null);
    const shown = await page.$$eval('#child-forecast-list li', (items) =>
      items.map((li) => ({ stage: li.dataset.stage, words: li.querySelector('.forecast-words').textContent })),
    );
    assert.deepEqual(shown.map((s) => s.stage), rows.map((r) => r.stage));
    for (const [i, r] of rows.entries()) {
      const f = r.forecast;
      const words = shown[i].words;
      if (f.chance_30_days === null) {
        assert.equal(words, f.note);
        continue;
      }
      if (f.expected_date !== null) {
        assert.ok(words.includes(`Likely by ${date(f.expected_date)}`), words);
        assert.ok(words.includes(f.note), words);
      }
      if (f.range !== null) {
        assert.ok(words.includes(`between ${date(f.range[0])} and ${date(f.range[1])}`), words);
      }
      if (f.chance_by_target !== null) {
        assert.ok(words.includes(`${percent.format(f.chance_by_target)} chance by the target date (${date(r.target_date)})`), words);
      } else {
        assert.ok(words.includes(`${percent.format(f.chance_30_days)} chance within 30 days, ${percent.format(f.chance_90_days)} within 90 days`), words);
      }
    }
    // The caveats: hidden until asked for, then exactly the report's.
    assert.equal(await page.isVisible('#child-forecast-caveats li'), false);
    await page.click('#child-forecast-caveats summary');
    const caveats = await page.$$eval('#child-forecast-caveats li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(caveats, report.forecast_caveats);
    assert.deepEqual(networkRequests(requests.slice(before)), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the children table sorts by the likely date, as the command line dates each current stage', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    const report = await loadDemo(page);
    await openView(page, 'children');
    const headers = await page.$$eval('#children-table thead th', (ths) => ths.map((th) => th.textContent));
    const likely = headers.indexOf('Likely to finish by');
    const chance = headers.indexOf('Chance by target');
    assert.ok(likely > 0 && chance > 0, headers.join(' | '));
    const dates = report.journeys
      .map((j) => currentStage(report, j)?.forecast?.expected_date ?? null)
      .filter((d) => d !== null)
      .sort();
    assert.ok(dates.length > 0, 'some child has a likely date');
    await page.click('#children-table button[data-sort="likely_by"]');
    await page.waitForFunction(
      ([k, want]) => document.querySelector('#children-table tbody tr')?.cells[k].textContent === want,
      [likely, date(dates[0], shortDate)],
    );
    const cells = await page.$$eval('#children-table tbody tr', (rows, k) => rows.map((r) => r.cells[k].textContent), likely);
    // The first rows are the earliest likely dates, in order.
    const n = Math.min(dates.length, cells.length, 10);
    assert.deepEqual(cells.slice(0, n), dates.slice(0, n).map((d) => date(d, shortDate)));
    // Filtered to those likely to finish within 3 months (by 30 June 2024).
    const soon = dates.filter((d) => d <= '2024-06-30').length;
    await page.selectOption('#children-likely', '3');
    await page.waitForFunction(
      (want) => document.getElementById('children-shown').textContent.includes(`of ${want} matching`),
      new Intl.NumberFormat('en-GB').format(soon),
    );
    const filtered = await page.$$eval('#children-table tbody tr', (rows, k) => rows.map((r) => r.cells[k].textContent), likely);
    assert.deepEqual(filtered, dates.slice(0, Math.min(soon, 50)).map((d) => date(d, shortDate)));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the Forecast view's expected completions and where the days go equal the command line's, with and without a split", async () => {
  const { context, page, errors, requests } = await openRecorded(browser, `${server.origin}/`);
  try {
    const report = await loadDemo(page);
    const before = requests.length;
    await openView(page, 'forecast');

    const shownExpected = () =>
      page.$$eval('#forecast-expected-table tbody tr', (rows) =>
        rows.map((r) => ({ stage: r.dataset.stage, cells: [...r.cells].map((c) => c.textContent) })),
      );
    const wanted = (r) =>
      r.profile.stages.map((s) => {
        const mine = r.expected_completions.filter((e) => e.stage === s.id);
        const none = mine[0].waiting === mine[0].without_forecast;
        return {
          stage: s.id,
          cells: [
            s.label,
            String(mine[0].waiting),
            ...[3, 6, 12].map((m) => (none ? '–' : expected(mine.find((e) => e.months === m)))),
            String(mine[0].without_forecast),
          ],
        };
      });
    assert.deepEqual(await shownExpected(), wanted(report));
    assert.match(await page.textContent('#forecast-basis'), /whole cohort/);
    // The caveats are one click away here too.
    await page.click('#forecast-caveats summary');
    assert.deepEqual(await page.$$eval('#forecast-caveats li', (items) => items.map((li) => li.textContent)), report.forecast_caveats);

    // Where the days go: the chart's numbers are `driftline chart --kind decomposition`'s.
    const decompositionCsv = async (extra) => {
      const out = join(dir, `decomposition-${extra.join('-') || 'all'}.csv`);
      const drawn = await cli(['chart', ...DEMO_FILES, '--as-at', AS_AT, '--kind', 'decomposition', ...extra, '--out', out]);
      assert.equal(drawn.code, 0, drawn.stderr);
      return readFileSync(out, 'utf8');
    };
    assert.equal((await downloadText(page, '#decomposition-csv')).text, await decompositionCsv([]));
    // The table shows the report's decomposition: time to permanence and the counterfactual.
    // Columns: children, stage, on the path, journeys, median, mean, days over target, children.
    const table = await page.$$eval('#decomposition-table tbody tr', (rows) =>
      rows.map((r) => ({ part: r.dataset.part, cells: [...r.cells].map((c) => c.textContent) })),
    );
    const ttp = table.find((r) => r.part === 'time_to_permanence').cells;
    const cf = table.find((r) => r.part === 'counterfactual').cells;
    const one = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
    assert.equal(ttp[3], String(report.decomposition.journeys));
    assert.equal(ttp[5], one.format(Math.round(report.decomposition.time_to_permanence.mean_days * 100) / 100));
    assert.equal(cf[5], one.format(Math.round(report.decomposition.counterfactual.mean_days * 100) / 100));
    // Each stage's days over target and children over target, as the report has them.
    for (const s of report.decomposition.stages) {
      const row = table.find((r) => r.part === s.stage).cells;
      assert.equal(row[6], s.days_over_target === null ? '' : new Intl.NumberFormat('en-GB').format(s.days_over_target), s.stage);
      assert.equal(row[7], s.children_over_target === null ? '' : String(s.children_over_target), s.stage);
    }

    // Split by age at entry: the basis and every figure follow, as --breakdown age_at_entry.
    const split = await cliAnalyze(DEMO_FILES, AS_AT, ['--breakdown', 'age_at_entry']);
    assert.equal(split.code, 0, split.stderr);
    await page.selectOption('#forecast-breakdown', 'age_at_entry');
    await page.waitForFunction(() => /group by age at entry/i.test(document.getElementById('forecast-basis')?.textContent ?? ''));
    await page.waitForSelector('#view-forecast[data-rendered="yes"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#view-forecast figure.chart')].every((f) => f.hidden || f.dataset.drawn === 'yes'));
    assert.deepEqual(await shownExpected(), wanted(split.report));
    assert.equal((await downloadText(page, '#decomposition-csv')).text, await decompositionCsv(['--breakdown', 'age_at_entry']));
    // The Overview's split is the same choice; Scotland's timescales have no scorecard, and
    // the Overview says so, naming the timescales in force and how to see it.
    await openView(page, 'overview');
    assert.equal(await page.inputValue('#stage-breakdown'), 'age_at_entry');
    assert.equal(await page.$('#scorecard'), null);
    assert.equal(report.profile.label, 'Scotland (PACE)');
    assert.equal(
      await page.textContent('#scorecard-absent'),
      `The adoption scorecard (the DfE's A1, A2, A10 and A3) is England's, and the timescales in force, ${report.profile.label}, do not ask for it. Choose England's timescales on the Timescales tab to see it.`,
    );
    // A child's forecast now says its basis as the command line does.
    const journey = split.report.journeys.find((j) => j.stages.some((r) => r.forecast?.expected_date));
    await openChild(page, journey.child_id);
    const row = journey.stages.find((r) => r.forecast?.expected_date);
    const words = await page.textContent(`#child-forecast-list li[data-stage="${row.stage}"] .forecast-words`);
    assert.ok(words.includes(row.forecast.note), `${words} / ${row.forecast.note}`);
    assert.deepEqual(networkRequests(requests.slice(before)), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the QI view can show forecast months after the run chart of completions, and they add up to the expected completions', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    const report = await loadDemo(page);
    // The stage with the most completions expected in 6 months.
    const best = report.expected_completions.filter((e) => e.months === 6).sort((a, b) => b.expected - a.expected)[0];
    assert.ok(best.expected > 0, 'something is expected');
    await openView(page, 'qi');
    await page.selectOption('#qi-stage', best.stage);
    await page.waitForSelector('#view-qi figure[data-slot="qi-completions"]');
    await page.waitForFunction(() => [...document.querySelectorAll('#view-qi figure.chart')].every((f) => f.hidden || f.dataset.drawn === 'yes'));
    await page.check('#qi-forecast');
    await page.click('#qi-completions-numbers summary');
    await page.waitForFunction(() => document.querySelectorAll('#qi-completions-table tbody tr.forecast-row').length === 6);
    const rows = await page.$$eval('#qi-completions-table tbody tr', (trs) => trs.map((r) => [...r.cells].map((c) => c.textContent)));
    const observed = rows.filter((r) => r[1] === 'observed');
    const forecast = rows.filter((r) => r[1] === 'forecast');
    // Observed: the stage's completions per month, counted from the command line's rows.
    const counts = new Map();
    for (const j of report.journeys) {
      for (const r of j.stages) {
        if (r.stage === best.stage && r.end !== null && r.end <= AS_AT && !r.start_unknown && !r.before_data) {
          const month = `${r.end.slice(0, 7)}-01`;
          counts.set(month, (counts.get(month) ?? 0) + 1);
        }
      }
    }
    const months = [...counts.keys()].sort();
    assert.equal(observed[0][0], months[0]);
    assert.equal(observed.at(-1)[0], '2024-03-01');
    assert.deepEqual(
      observed.filter((r) => r[2] !== '0').map((r) => [r[0], Number(r[2])]),
      months.map((m) => [m, counts.get(m)]),
    );
    // Forecast: April to September 2024. "As at" is the last day of March, so the first three
    // months are the 3-month horizon (91 days) and all six the 6-month one (183 days).
    assert.deepEqual(forecast.map((r) => r[0]), ['2024-04-01', '2024-05-01', '2024-06-01', '2024-07-01', '2024-08-01', '2024-09-01']);
    const sum = (rs) => rs.reduce((t, r) => t + Number(r[2]), 0);
    const three = report.expected_completions.find((e) => e.stage === best.stage && e.months === 3).expected;
    assert.ok(Math.abs(sum(forecast.slice(0, 3)) - three) < 0.02, `${sum(forecast.slice(0, 3))} vs ${three}`);
    assert.ok(Math.abs(sum(forecast) - best.expected) < 0.035, `${sum(forecast)} vs ${best.expected}`);
    // The run chart's rules read only the observed months.
    const description = await page.textContent('#qi-completions-description');
    assert.match(description, new RegExp(`${observed.length} points`));
    assert.match(description, /6 forecast points after the data, outside the rules/);
    // Unticked, the forecast goes.
    await page.uncheck('#qi-forecast');
    await page.waitForFunction(() => document.querySelectorAll('#qi-completions-table tbody tr.forecast-row').length === 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("England's adoption scorecard is on the Overview for an SSDA903 return, with the DfE's window and counts, and exports as CSV", async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    await pickFiles(page, ssda903);
    await page.fill('#as-at-input', AS_AT);
    await page.dispatchEvent('#as-at-input', 'change');
    await page.waitForFunction(() => document.getElementById('status').classList.contains('is-done'));
    const { report } = await cliAnalyze(ssda903, AS_AT);
    assert.equal(report.profile.id, 'england');
    const s = report.adoption_scorecard;
    await openView(page, 'overview');
    await page.waitForSelector('#scorecard-table');
    assert.equal(await page.$('#scorecard-absent'), null);
    assert.match(await page.textContent('#scorecard-window'), new RegExp(`${s.adopted} child(ren)? adopted from ${date(s.window_from)} to ${date(s.window_to)}`));
    const rows = await page.$$eval('#scorecard-table tbody tr', (trs) =>
      trs.map((r) => ({ measure: r.dataset.measure, cells: [...r.cells].map((c) => c.textContent) })),
    );
    assert.deepEqual(rows.map((r) => r.measure), ['A1', 'A2', 'A10', 'A3']);
    const num = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
    const f = (v) => (v === null ? '' : num.format(Math.round(v * 10) / 10));
    for (const [i, m] of [s.a1, s.a2, s.a10].entries()) {
      const c = rows[i].cells;
      assert.equal(c[2], num.format(m.children), `${m.id} children`);
      assert.equal(c[3], f(m.mean_days), `${m.id} mean`);
      assert.equal(c[4], m.mean_days_rounded === null ? '' : num.format(m.mean_days_rounded), `${m.id} published mean`);
      assert.equal(c[6], num.format(m.threshold_days));
      assert.equal(c[7], m.within_threshold === null ? '' : m.within_threshold ? 'Yes' : 'No');
      assert.equal(c[10], num.format(m.excluded.start_unknown));
      assert.equal(c[11], num.format(m.excluded.not_placed_for_adoption));
    }
    assert.equal(rows[3].cells[2], num.format(s.a3.children));
    assert.equal(rows[3].cells[8], f(s.a3.pct));
    assert.equal(rows[3].cells[9], num.format(s.a3.moved_in_within));
    // The CSV: the same figures, unformatted.
    const csv = parseCsv((await downloadText(page, '#scorecard-csv')).text);
    assert.equal(csv[0][0], 'measure');
    assert.deepEqual(csv.slice(1, 5).map((r) => [r[0], Number(r[2])]), [
      ['A1', s.a1.children],
      ['A2', s.a2.children],
      ['A10', s.a10.children],
      ['A3', s.a3.children],
    ]);
    // Its notes beside it, as the command line writes NAME.notes.txt: the DfE's window and
    // the number of children adopted in it, from the report.
    const notes = await downloadText(page, '#scorecard-notes');
    assert.equal(notes.name, 'driftline-adoption-scorecard.notes.txt');
    const lines = notes.text.split('\n');
    assert.equal(lines.at(-1), '', 'one line each, ending in a newline');
    assert.ok(lines[0].startsWith(`Children adopted from ${s.window_from} to ${s.window_to} (${s.adopted} in all).`), lines[0]);
    const shownNotes = await page.$$eval('section[aria-labelledby="scorecard-heading"] .note', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(lines.slice(0, -1), shownNotes);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
