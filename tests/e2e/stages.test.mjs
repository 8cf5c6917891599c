// End-to-end tests of the stage statistics in the page, in headless Chromium: the Overview's
// stage table and Kaplan–Meier figures against the command line's report for the same files
// and profile (Scotland, England, and an edited profile saved from the page), breakdowns and
// filters, the children's current stage and flags, each child's stage table, the exports,
// and the QI view's run and XmR charts against `driftline spc` over the same waits.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
  pageAsAt,
  parseCsv,
  pickFiles,
  waitForLoad,
  openView,
} from './helpers.mjs';

let server;
let browser;
let dir;
let ssda903;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-stages-'));
  // An English authority's SSDA903 return, with placement orders and matches for A2.
  const out = join(dir, 'ssda903');
  const generated = await cli(['generate', '--children', '400', '--seed', '21', '--as-at', '2024-03-31',
    '--format', 'ssda903', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  ssda903 = readdirSync(out).filter((f) => f.endsWith('.csv')).sort().map((f) => join(out, f));
  assert.ok(ssda903.length >= 3, 'the SSDA903 tables were written');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const openPage = () => openRecorded(browser, `${server.origin}/`);


// --- What the page should show, written out from the command line's report ------------------

const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const num = (v) => (v === null || v === undefined ? '–' : oneDecimal.format(v));

function kmWords(km) {
  const [lower, upper] = km.median_ci;
  if (km.median_days === null) {
    return lower === null ? 'Not reached' : `Not reached (at least ${num(lower)})`;
  }
  return `${num(km.median_days)} (${lower === null ? '–' : num(lower)} to ${upper === null ? 'not reached' : num(upper)})`;
}

function figureCells(f) {
  return [
    num(f.started),
    num(f.completed),
    num(f.censored),
    num(f.median_days),
    f.q1_days === null ? '–' : `${num(f.q1_days)} to ${num(f.q3_days)}`,
    f.within_target === null ? '–' : f.within_target_pct === null ? num(f.within_target) : `${num(f.within_target)} (${num(f.within_target_pct)}%)`,
    num(f.waiting_overdue),
    kmWords(f.km),
  ];
}

/** The stage rows the Overview should show for a report's stages. */
function expectedStageRows(stages) {
  return stages.map((s) => ({ stage: s.id, cells: [s.label, s.target ?? 'None', ...figureCells(s)] }));
}

async function shownStageRows(page, selector = 'tr.stage-row') {
  return page.$$eval(`#stage-table tbody ${selector}`, (rows) =>
    rows.map((row) => ({
      stage: row.dataset.stage,
      ...(row.dataset.group === undefined ? {} : { group: row.dataset.group }),
      cells: [...row.cells].map((cell) => cell.textContent),
    })),
  );
}

/** Waits for the Overview to show stage rows for exactly these stage ids. */
async function waitForStages(page, ids) {
  await page.waitForFunction(
    (want) => {
      const rows = [...document.querySelectorAll('#stage-table tbody tr.stage-row')].map((r) => r.dataset.stage);
      return rows.join(',') === want.join(',');
    },
    ids,
  );
}

/** Type-7 quantile of sorted values (R's default), as the statistics define the median. */
function quantile(sorted, p) {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The latest care period started on or before "as at", or null. */
function latestPeriod(journey, asAt) {
  let latest = null;
  journey.care_periods.forEach((p, i) => {
    if (p.start <= asAt) latest = i;
  });
  return latest;
}

// --- Tests ------------------------------------------------------------------------------------

test('the Overview stage table, its breakdowns and the Kaplan–Meier figures equal the command line (Scotland)', async () => {
  const { context, page, errors, requests } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    assert.equal(report.profile.id, 'scotland');
    const before = requests.length;
    await openView(page, 'overview');
    assert.deepEqual(await shownStageRows(page), expectedStageRows(report.stages));
    // PACE Aim 1: the check's count is shown as the command line counts it.
    const check = report.checks[0];
    assert.match(await page.textContent(`[data-check="${check.id}"]`), new RegExp(`${check.current} children are in this situation now; ${check.over} ha`));
    // Time to permanence: the Kaplan–Meier median and interval, quartiles and restricted mean.
    const ttp = report.stages.find((s) => s.id === 'time_to_permanence');
    const km = await page.$$eval('#km-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(km[0], [
      'Everyone',
      num(ttp.started),
      num(ttp.completed),
      kmWords(ttp.km),
      num(ttp.km.q1_days),
      num(ttp.km.q3_days),
      `${num(ttp.km.restricted_mean.mean)} (up to ${num(ttp.km.restricted_mean.horizon)} days)`,
    ]);
    // Split by team: every group of every stage, in the command line's order.
    await page.selectOption('#stage-breakdown', 'team');
    await page.waitForSelector('#stage-table tr.group-row');
    const groups = await shownStageRows(page, 'tr.group-row');
    const expected = report.stages.flatMap((s) =>
      Object.entries(s.groups.team ?? {}).map(([value, g]) => ({
        stage: s.id,
        group: value,
        cells: [value === 'unknown' ? 'Not recorded' : value, '', ...figureCells(g)],
      })),
    );
    assert.deepEqual(groups, expected);
    // The table as CSV: the same figures, cells safe for spreadsheets.
    const csv = parseCsv((await downloadText(page, '#stages-csv')).text);
    assert.deepEqual(csv[0].slice(0, 8), ['stage', 'stage_label', 'target', 'breakdown', 'group', 'started', 'completed', 'censored']);
    const total = csv.filter((r) => r[3] === '');
    assert.deepEqual(
      total.map((r) => [r[0], Number(r[5]), Number(r[6]), r[8] === '' ? null : Number(r[8]), r[14] === '' ? null : Number(r[14])]),
      report.stages.map((s) => [s.id, s.started, s.completed, s.median_days, s.km.median_days]),
    );
    assert.equal(csv.filter((r) => r[3] === 'team').length, expected.length);
    // Every child's stages: exactly what `driftline analyze --format csv` writes.
    const rows = await downloadText(page, '#stage-rows-csv');
    const asAt = await pageAsAt(page);
    const table = await cli(['analyze', ...DEMO_FILES, '--as-at', asAt, '--format', 'csv']);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(rows.text, table.stdout);
    assert.deepEqual(networkRequests(requests.slice(before)), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('filters recompute the stage statistics over exactly the children they choose', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await openView(page, 'overview');
    // A team is a child's own detail, so the filtered cohort is the command line's team group.
    const team = report.journeys.find((j) => j.team !== null).team;
    await page.selectOption('[data-filter="team"]', team);
    await page.waitForFunction(() => /Filters show/.test(document.querySelector('#view-overview .as-at').textContent));
    const shown = await shownStageRows(page);
    const expected = report.stages.map((s) => {
      const g = s.groups.team?.[team];
      return g === undefined
        ? { stage: s.id, cells: [s.label, s.target ?? 'None', '0', '0', '0', '–', '–', '–', '0', 'Not reached'] }
        : { stage: s.id, cells: [s.label, s.target ?? 'None', ...figureCells(g)] };
    });
    assert.deepEqual(shown, expected);
    await page.click('#filters-reset');
    await page.waitForFunction(() => /Showing all/.test(document.querySelector('#view-overview .as-at').textContent));

    // A route is chosen by each child's most recent care period: recount the command line's
    // stage rows of exactly those children.
    const asAt = report.as_at;
    const routeOf = (j) => {
      const i = latestPeriod(j, asAt);
      return i === null ? 'unknown' : j.care_period_stats[i].route;
    };
    const route = 'still_looked_after';
    const chosen = report.journeys.filter((j) => routeOf(j) === route);
    assert.ok(chosen.length > 5 && chosen.length < report.children, 'the route splits the demo cohort');
    await page.selectOption('[data-filter="route"]', route);
    await page.waitForFunction(
      (n) => document.querySelector('#view-overview .as-at').textContent.includes(`Filters show ${n} children`),
      chosen.length,
    );
    const filtered = await shownStageRows(page);
    for (const [i, stage] of report.profile.stages.entries()) {
      const rows = chosen.flatMap((j) => j.stages.filter((r) => r.stage === stage.id));
      const done = rows.filter((r) => r.end !== null).map((r) => r.days).sort((a, b) => a - b);
      const within = rows.filter((r) => r.within_target === true).length;
      const cells = filtered[i].cells;
      assert.equal(filtered[i].stage, stage.id);
      assert.deepEqual(cells.slice(2, 6), [num(rows.length), num(done.length), num(rows.length - done.length), num(quantile(done, 0.5))], stage.id);
      assert.equal(cells[6], done.length === 0 ? '–' : `${num(quantile(done, 0.25))} to ${num(quantile(done, 0.75))}`, stage.id);
      const pct = done.length === 0 ? null : Math.round((1000 * within) / done.length) / 10;
      const withinWords = pct === null ? num(within) : `${num(within)} (${num(pct)}%)`;
      assert.equal(cells[7], stage.target === undefined ? '–' : withinWords, stage.id);
      assert.equal(cells[8], num(rows.filter((r) => r.overdue).length), stage.id);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the children list shows each child's current stage, days waiting, flags and stage table as the command line", async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await openView(page, 'children');
    while (await page.isVisible('#children-more')) {
      const n = await page.$$eval('#children-table tbody tr', (r) => r.length);
      await page.click('#children-more');
      await page.waitForFunction((k) => document.querySelectorAll('#children-table tbody tr').length > k, n);
    }
    const rows = await page.$$eval('#children-table tbody tr', (trs) =>
      trs.map((tr) => ({ child: tr.cells[0].textContent, cells: [...tr.cells].map((c) => c.textContent), tags: [...tr.querySelectorAll('.tag')].map((t) => t.textContent) })),
    );
    assert.equal(rows.length, report.children);
    const asAt = report.as_at;
    const stageIndex = Object.fromEntries(report.profile.stages.map((s, i) => [s.id, i]));
    const labelOf = Object.fromEntries(report.profile.stages.map((s) => [s.id, s.label]));
    const byId = Object.fromEntries(report.journeys.map((j) => [j.child_id, j]));
    let waitingChildren = 0;
    let overdueChildren = 0;
    for (const row of rows) {
      const j = byId[row.child];
      assert.equal(row.cells[6], num(j.placements_last_12_months), `${row.child} placements in 12 months`);
      // Waiting now: of the stages still running at "as at" in the care period in force, the
      // one that started last (the first in the profile on a tie).
      const current = j.current.in_care ? j.current.care_period_index : null;
      const open = j.stages.filter((r) => r.care_period_index === current && r.end === null && r.censored_by === 'as_at');
      open.sort((a, b) => b.start.localeCompare(a.start) || stageIndex[a.stage] - stageIndex[b.stage]);
      const waiting = open[0];
      const days = (n) => `${num(n)} ${n === 1 ? 'day' : 'days'}`;
      assert.equal(row.cells[7], waiting === undefined ? '' : `${labelOf[waiting.stage]}: ${days(waiting.days)}`, `${row.child} waiting`);
      const overdue = open.filter((r) => r.overdue).map((r) => `Overdue: ${labelOf[r.stage]}`);
      const expectedTags = [...overdue.sort(), ...(j.unstable ? [`Unstable: ${num(j.placements_last_12_months)} placements in 12 months`] : [])];
      const tags = row.tags.filter((t) => t.startsWith('Overdue') || t.startsWith('Unstable'));
      assert.deepEqual([...tags.filter((t) => t.startsWith('Overdue')).sort(), ...tags.filter((t) => t.startsWith('Unstable'))], expectedTags, `${row.child} flags`);
      waitingChildren += waiting === undefined ? 0 : 1;
      overdueChildren += overdue.length > 0 ? 1 : 0;
    }
    assert.ok(waitingChildren > 10 && overdueChildren > 0, 'the demo has children waiting and overdue');

    // One child's stage table: every stage row of the command line's journey.
    const child = report.journeys.find((j) => j.stages.some((r) => r.overdue)) ?? report.journeys[0];
    await page.fill('#children-search', child.child_id);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail:not([hidden]) #child-stages-table');
    const short = (iso) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    const shown = await page.$$eval('#child-stages-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(
      shown.map((r) => r.slice(0, 5)),
      child.stages.map((r) => [labelOf[r.stage], String(r.care_period_index + 1), short(r.start), r.end === null ? '' : short(r.end), num(r.days)]),
    );
    const overdueRows = shown.filter((r) => r[7] === 'Waiting, beyond target').length;
    assert.equal(overdueRows, child.stages.filter((r) => r.overdue).length);
    // The child's stages as CSV: the command line's rows for this child.
    const csv = parseCsv((await downloadText(page, '#child-stages-csv')).text.replace(/^\uFEFF/, ''));
    const all = parseCsv((await cli(['analyze', ...DEMO_FILES, '--as-at', asAt, '--format', 'csv'])).stdout.replace(/^\uFEFF/, ''));
    assert.deepEqual(csv, [all[0], ...all.slice(1).filter((r) => r[0] === child.child_id)]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('England: choosing, editing, saving and loading timescales recalculate as the command line does', async () => {
  const { context, page, errors, requests } = await openPage();
  try {
    await pickFiles(page, ssda903);
    // An SSDA903 return is England's without being asked, on the page as on the command line.
    const { report: fromData } = await assertPageMatchesCli(page, ssda903);
    assert.equal(fromData.profile.id, 'england');
    assert.equal(fromData.profile_basis, 'ssda903_input');
    const asAt = await pageAsAt(page);
    const loaded = requests.length;
    await openView(page, 'timescales');
    assert.ok(await page.isChecked('#profile-england'), 'England is chosen for an SSDA903 return');
    // Scotland's by choosing it, then England's again: each recalculates as the command line.
    await page.check('#profile-scotland');
    await page.waitForFunction(() => /Recalculated/.test(document.getElementById('status').textContent));
    await openView(page, 'overview');
    const scotland = (await cliAnalyze(ssda903, asAt, ['--profile', 'scotland'])).report;
    assert.equal(scotland.profile.id, 'scotland');
    await waitForStages(page, scotland.stages.map((s) => s.id));
    assert.deepEqual(await shownStageRows(page), expectedStageRows(scotland.stages));
    await openView(page, 'timescales');
    await page.check('#profile-england');
    await openView(page, 'overview');
    const england = (await cliAnalyze(ssda903, asAt, ['--profile', 'england'])).report;
    assert.equal(england.profile.id, 'england');
    assert.ok(england.stages.find((s) => s.id === 'a2').completed > 0, 'the SSDA903 data has A2 matches');
    await waitForStages(page, england.stages.map((s) => s.id));
    assert.deepEqual(await shownStageRows(page), expectedStageRows(england.stages));
    // The counts of what was read did not change: the files were not read again.
    assert.equal(Number((await page.textContent('[data-count="rows_read"]')).replaceAll(',', '')), scotland.input.rows_read);

    // Edit: A2's target from 4 to 6 months, drop A10, add a stage from entry to the match.
    await openView(page, 'timescales');
    await page.fill('[data-stage="a2"] [data-field="target-count"]', '6');
    await page.click('[data-stage="a10"] [data-action="remove-stage"]');
    await page.click('#profile-add-stage');
    const added = page.locator('#profile-stages tbody tr').last();
    await added.locator('[data-field="label"]').fill('Entering care to match');
    await added.locator('[data-field="from"]').selectOption('became_looked_after');
    await added.locator('[data-field="to"]').selectOption('matched');
    await added.locator('[data-field="target-count"]').fill('10');
    await added.locator('[data-field="target-unit"]').selectOption('months');
    // A target that is not a whole number is refused with the core's own message.
    await page.fill('[data-stage="a1"] [data-field="target-count"]', '1.5');
    await page.click('#profile-apply');
    await page.waitForSelector('#profile-message:not([hidden])');
    assert.match(await page.textContent('#profile-message'), /1\.5 months/);
    await page.fill('[data-stage="a1"] [data-field="target-count"]', '14');
    await page.waitForFunction(() => document.getElementById('profile-message').hidden);
    const saved = await downloadText(page, '#profile-save');
    assert.match(saved.name, /^driftline-timescales-.*\.json$/);
    const profile = JSON.parse(saved.text);
    assert.deepEqual(profile.stages.map((s) => s.id), ['a1', 'a2', 'time_to_permanence', 'stage_4']);
    // A profile holds names and durations, never data.
    for (const value of [asAt, ...scotland.journeys.slice(0, 50).map((j) => j.child_id)]) {
      assert.ok(!saved.text.includes(value), `${value} in the saved profile`);
    }
    await page.click('#profile-apply');
    const path = join(dir, 'edited.json');
    writeFileSync(path, saved.text);
    const edited = (await cliAnalyze(ssda903, asAt, ['--profile', path])).report;
    await openView(page, 'overview');
    await waitForStages(page, ['a1', 'a2', 'time_to_permanence', 'stage_4']);
    assert.deepEqual(await shownStageRows(page), expectedStageRows(edited.stages));

    // Another "as at" date keeps the edited timescales (the files are read again for it).
    await page.fill('#as-at-input', '2023-09-30');
    await page.dispatchEvent('#as-at-input', 'change');
    await openView(page, 'overview');
    const earlier = (await cliAnalyze(ssda903, '2023-09-30', ['--profile', path])).report;
    await page.waitForFunction(() => /30 September 2023/.test(document.querySelector('#view-overview .as-at')?.textContent));
    await waitForStages(page, earlier.stages.map((s) => s.id));
    assert.deepEqual(await shownStageRows(page), expectedStageRows(earlier.stages));

    // Loading a saved file: a mistake is reported in plain words and changes nothing; a good
    // file is applied.
    await openView(page, 'timescales');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, saved.text.replace('"target"', '"traget"'));
    await page.setInputFiles('#profile-file', bad);
    await page.waitForSelector('#profile-message:not([hidden])');
    assert.match(await page.textContent('#profile-message'), /bad\.json: .*traget/);
    await page.setInputFiles('#profile-file', join(dir, 'edited.json'));
    await page.waitForFunction(() => /Recalculated/.test(document.getElementById('status').textContent));
    // Scotland again, by choosing it.
    await page.check('#profile-scotland');
    await openView(page, 'overview');
    // (Chosen, not followed from the data: without --profile an SSDA903 return is England's.)
    const back = (await cliAnalyze(ssda903, '2023-09-30', ['--profile', 'scotland'])).report;
    await waitForStages(page, back.stages.map((s) => s.id));
    assert.deepEqual(await shownStageRows(page), expectedStageRows(back.stages));
    assert.deepEqual(networkRequests(requests.slice(loaded)), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the QI charts plot each stage as `driftline spc` does, with rules, baseline, rebase and tests of change', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await openView(page, 'qi');
    const stage = report.profile.stages[0];
    assert.equal(await page.inputValue('#qi-stage'), stage.id);
    // The stage's own target, in days, is offered as the chart's target (6 weeks = 42).
    assert.equal(await page.inputValue('#qi-target'), '42');
    // The waits: every completed stage row, dated when it ended, in date order.
    const waits = report.journeys
      .flatMap((j) => j.stages.filter((r) => r.stage === stage.id && r.end !== null).map((r) => [r.end, r.days]))
      .sort((a, b) => a[0].localeCompare(b[0]));
    const series = join(dir, 'waits.csv');
    writeFileSync(series, `date,days\n${waits.map(([d, v]) => `${d},${v}`).join('\n')}\n`);
    const spc = async (args) => {
      const run = await cli(['spc', series, '--column', 'days', '--date-column', 'date', '--format', 'json', ...args]);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout);
    };
    const short = (iso) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    const table = (id) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const run = await spc(['--chart', 'run', '--rules', 'anhoej', '--target', '42']);
    const shownRun = await table('qi-run-table');
    assert.equal(shownRun.length, waits.length);
    assert.deepEqual(shownRun.map((r) => r.slice(0, 3)), run.points.map((p) => [short(p.date), num(p.value), num(p.centre)]));
    assert.deepEqual(shownRun.map((r) => r[3] !== ''), run.points.map((p) => p.special_cause !== null));
    // Under the table, the notes `driftline chart --kind run` writes beside its CSV.
    const chartDir = mkdtempSync(join(dir, 'run-'));
    const drawn = await cli(['chart', ...DEMO_FILES, '--as-at', report.as_at, '--kind', 'run', '--stage', stage.id, '--out', join(chartDir, 'run.csv')]);
    assert.equal(drawn.code, 0, drawn.stderr);
    const runNotes = readFileSync(join(chartDir, 'run.notes.txt'), 'utf8').trimEnd().split('\n');
    assert.ok(runNotes.some((n) => /Variation: /.test(n)), runNotes.join(' / '));
    assert.deepEqual(await page.$$eval('details:has(#qi-run-table) p.note', (ps) => ps.map((p) => p.textContent)), runNotes);

    // XmR under the NHS England 2024 rules, a 20-point baseline, a rebase and a test of change.
    await page.selectOption('#qi-xmr-rules', 'nhse-2024');
    await page.fill('#qi-baseline', '20');
    await page.dispatchEvent('#qi-baseline', 'change');
    const rebase = waits[Math.floor(waits.length / 2)][0];
    await page.fill('#qi-rebase-date', rebase);
    await page.click('#qi-rebase-add');
    await page.fill('#qi-annotations-date', waits[10][0]);
    await page.fill('#qi-annotations-label', '=PDSA 1 <b>two-week meeting</b>');
    await page.click('#qi-annotations-add');
    const xmr = await spc(['--chart', 'xmr', '--rules', 'nhse-2024', '--baseline', '20', '--rebase', rebase,
      '--annotate', `${waits[10][0]}=PDSA 1`, '--target', '42']);
    assert.ok(xmr.segments.length === 2, 'the rebase made a second segment');
    const expectedXmr = xmr.points.map((p) => [short(p.date), num(p.value), num(p.centre), num(p.lower), num(p.upper)]);
    await page.waitForFunction(
      (want) => {
        const rows = [...document.querySelectorAll('#qi-xmr-table tbody tr')].map((tr) => [...tr.cells].slice(0, 5).map((c) => c.textContent));
        return JSON.stringify(rows) === JSON.stringify(want);
      },
      expectedXmr,
    );
    const signals = await table('qi-xmr-table');
    assert.deepEqual(signals.map((r) => r[5] !== ''), xmr.points.map((p) => p.special_cause !== null));
    assert.ok(xmr.points.some((p) => p.special_cause !== null), 'the demo waits have a signal to show');
    // The annotation is text on the chart, and its label a plain list item.
    assert.equal(await page.$('#view-qi b'), null);
    assert.match(await page.textContent('#qi-annotations li'), /=PDSA 1 <b>two-week meeting<\/b>/);
    // The numbers as CSV, with a live formula made inert nowhere needed: numbers and words only.
    const csv = parseCsv((await downloadText(page, '#view-qi figure[data-slot="qi-xmr"] [data-export="csv"]')).text);
    assert.deepEqual(csv[0], ['date', 'waits', 'days', 'centre', 'lower_limit', 'upper_limit', 'segment', 'variation', 'special_cause']);
    assert.deepEqual(csv.slice(1).map((r) => [r[0], Number(r[2]), Number(r[3]), Number(r[6])]), xmr.points.map((p, i) => [p.date, p.value, p.centre, xmr.segments.findIndex((s) => s.start <= i && i <= s.end) + 1]));
    const svg = (await downloadText(page, '#view-qi figure[data-slot="qi-xmr"] [data-export="svg"]')).text;
    assert.ok(svg.includes('=PDSA 1 &lt;b&gt;two-week meeting&lt;/b&gt;'), 'the test of change is escaped text in the SVG');

    // By month: one point per month with the median of that month's waits.
    await page.selectOption('#qi-aggregation', 'month');
    const months = new Map();
    for (const [date, days] of waits) {
      const key = `${date.slice(0, 7)}-01`;
      months.set(key, [...(months.get(key) ?? []), days]);
    }
    await page.waitForFunction((n) => document.querySelectorAll('#qi-run-table tbody tr').length === n, months.size);
    const monthly = await table('qi-run-table');
    assert.deepEqual(
      monthly.map((r) => [r[1], r[2]]),
      [...months.values()].map((v) => [num(v.length), num(quantile([...v].sort((a, b) => a - b), 0.5))]),
    );
    // Real pixels on both charts.
    const ink = await page.$$eval('#view-qi figure.chart canvas', (canvases) =>
      canvases.map((canvas) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200)) n += 1;
        }
        return n / (data.length / 4);
      }),
    );
    // The run and XmR charts, and the completions per month.
    assert.equal(ink.length, 3);
    for (const share of ink) {
      assert.ok(share > 0.01, `only ${share} of the chart is drawn`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('pseudonymised, the stage exports and the check lists name no child', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await page.check('#pseudonymise');
    await openView(page, 'overview');
    const rows = (await downloadText(page, '#stage-rows-csv')).text;
    const table = parseCsv(rows.replace(/^\uFEFF/, ''));
    assert.ok(table.length > report.children, 'one row per child, period and stage');
    for (const j of report.journeys) {
      assert.ok(!rows.includes(j.child_id), `${j.child_id} in the stage rows`);
    }
    assert.ok(table.slice(1).every((r) => /^Child \d+$/.test(r[0])));
    const text = await page.textContent('#view-overview');
    for (const j of report.journeys) {
      assert.ok(!text.includes(j.child_id), `${j.child_id} on the Overview`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
