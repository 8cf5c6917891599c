// End-to-end tests of the statistical charts in the page, in headless Chromium: the Overview's
// "Where delay builds up" and "Time to permanence" (Kaplan–Meier) charts are drawn with real
// pixels; their text alternatives (the numbers behind them) and their CSV exports equal what
// `driftline chart` writes for the same files, split by a breakdown, and for a filter equal
// what the command line finds for exactly the children the filter chooses; the PNG and SVG
// exports download; a child's timeline shows its stage brackets; the pseudonymise switch
// changes what the chart exports hold; the print layout puts one child's timeline and
// chronology on A4 landscape; the ES module's `drawChart` draws the statistical charts of a
// report with the command line's numbers, and `paintChart` paints the same layout on the page's
// main thread; a waiting child's timeline shows its forecast bracket.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  WWW,
  assertPageMatchesCli,
  cli,
  downloadBy,
  downloadText,
  evaluateOutside,
  networkRequests,
  openRecorded,
  pageAsAt,
  parseCsv,
  openView,
} from './helpers.mjs';

let server;
let browser;
let dir;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-charts-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const openPage = () => openRecorded(browser, `${server.origin}/`);
/** Where tests leave screenshots to look at (ignored by git). */
const ROOT_RESULTS = join(WWW, '..', 'tests', 'e2e', 'test-results');


/** Waits until the Overview's two statistical charts have been drawn again after `change`. */
async function redrawn(page, change) {
  await page.evaluate(() => {
    for (const f of document.querySelectorAll('#view-overview figure.chart')) delete f.dataset.drawn;
  });
  await change();
  await page.waitForFunction(() => {
    const figures = ['overview-delay', 'overview-km'].map((slot) => document.querySelector(`figure[data-slot="${slot}"]`));
    return figures.every((f) => f !== null && f.dataset.drawn === 'yes' && !f.hidden);
  });
}

/** The non-white pixels of the chart canvas in `slot`, and all its pixels. */
function ink(page, slot) {
  return page.$eval(`figure[data-slot="${slot}"] canvas`, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) n += 1;
    }
    return { ink: n, pixels: data.length / 4, colours: new Set(Array.from({ length: data.length / 4 }, (_, k) => `${data[4 * k]},${data[4 * k + 1]},${data[4 * k + 2]}`)).size };
  });
}

/** `driftline chart FILES --kind KIND [EXTRA…] --out X.csv`: the chart's table as CSV text. */
async function cliChartCsv(files, asAt, kind, extra = []) {
  const out = join(dir, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
  const run = await cli(['chart', ...files, '--as-at', asAt, '--kind', kind, ...extra, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const csv = readFileSync(out, 'utf8');
  // The table's notes are not in the CSV but beside it, in NAME.notes.txt.
  const notes = out.replace(/\.csv$/, '.notes.txt');
  cliNotes.set(csv, existsSync(notes) ? readFileSync(notes, 'utf8').split('\n').filter((l) => l) : []);
  return csv;
}

/** The notes the command line wrote beside each CSV it wrote, by the CSV's text. */
const cliNotes = new Map();

/** The table rows of CSV text (the header first). */
const tableRows = (text) => parseCsv(text);
const noteLines = (text) => cliNotes.get(text) ?? [];

const twoDecimals = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/**
 * What the page's table of a chart's numbers should show for the command line's CSV: the
 * columns except `hide`, numbers written the en-GB way, group ids as the stage table's labels.
 */
function expectedShown(csvText, { hide = [], groups = new Map() } = {}) {
  const [header, ...rows] = tableRows(csvText);
  const keep = header.map((c, i) => (hide.includes(c) ? -1 : i)).filter((i) => i >= 0);
  return rows.map((row) =>
    keep.map((i) => {
      const cell = row[i];
      if (header[i] === 'group') return groups.get(cell) ?? cell;
      return /^-?\d+(\.\d+)?$/.test(cell) ? twoDecimals.format(Number(cell)) : cell;
    }),
  );
}

/** The page's table of a chart's numbers (opened under its disclosure), as cell texts. */
async function shownTable(page, slot) {
  await page.$eval(`#${slot}-numbers`, (d) => {
    d.open = true;
  });
  await page.waitForSelector(`#${slot}-table`);
  return page.$$eval(`#${slot}-table tbody tr`, (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
}

/** Group id → the label the stage table gives it, from the command line's report. */
function groupLabels(report, breakdown, all = 'All children') {
  const labels = new Map([['all', all]]);
  const words = {
    placement: { home_with_parents: 'At home with parents', kinship: 'Kinship care', foster: 'Foster care', residential: 'Residential care' },
  };
  for (const stage of report.stages) {
    for (const value of Object.keys(stage.groups[breakdown] ?? {})) {
      labels.set(value, words[breakdown]?.[value] ?? (value === 'unknown' ? 'Not recorded' : value));
    }
  }
  return labels;
}

test('the Overview charts are drawn, and their numbers and exports equal driftline chart, split or not', async () => {
  const { context, page, errors, requests } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    const asAt = await pageAsAt(page);
    const before = requests.length;
    await openView(page, 'overview');
    for (const slot of ['overview-delay', 'overview-km', 'overview-spread']) {
      const { ink: n, pixels, colours } = await ink(page, slot);
      assert.ok(n > pixels * 0.02, `${slot}: only ${n} of ${pixels} pixels drawn`);
      assert.ok(colours > 20, `${slot}: ${colours} colours`);
      // The canvas names the chart and is described by its description.
      const { label, description } = await page.$eval(`figure[data-slot="${slot}"] canvas`, (c) => ({
        label: c.getAttribute('aria-label'),
        description: document.getElementById(c.getAttribute('aria-describedby')).textContent,
      }));
      assert.ok(label.length > 10 && description.length > 20, `${slot}: ${label} / ${description}`);
    }
    assert.match(await page.getAttribute('figure[data-slot="overview-delay"] canvas', 'aria-label'), /Where delay builds up/);
    assert.match(await page.getAttribute('figure[data-slot="overview-km"] canvas', 'aria-label'), /Time to permanence/);
    assert.match(await page.getAttribute('figure[data-slot="overview-spread"] canvas', 'aria-label'), /Time to permanence: how many days it takes/);

    // Everyone together: the numbers behind each chart are the command line's.
    const delay = await cliChartCsv(DEMO_FILES, asAt, 'delay');
    const km = await cliChartCsv(DEMO_FILES, asAt, 'km', ['--stage', 'time_to_permanence']);
    assert.equal(tableRows(delay).length - 1, report.stages.length, 'one delay row per stage');
    assert.deepEqual(await shownTable(page, 'overview-delay'), expectedShown(delay, { hide: ['stage'], groups: groupLabels(report, 'placement') }));
    assert.deepEqual(await shownTable(page, 'overview-km'), expectedShown(km, { groups: groupLabels(report, 'placement') }));
    const spread = await cliChartCsv(DEMO_FILES, asAt, 'histogram', ['--stage', 'time_to_permanence']);
    assert.deepEqual(await shownTable(page, 'overview-spread'), expectedShown(spread, { groups: groupLabels(report, 'placement') }));
    assert.deepEqual(await page.$$eval('#overview-delay-numbers .note', (ps) => ps.map((p) => p.textContent)), noteLines(delay));
    // The delay table's medians are the report's, stage by stage.
    const shownDelay = await shownTable(page, 'overview-delay');
    assert.deepEqual(
      shownDelay.map((r) => [r[0], r[2], r[5]]),
      report.stages.map((s) => [s.label, twoDecimals.format(s.started), s.median_days === null ? '' : twoDecimals.format(s.median_days)]),
    );
    // CSV exports: exactly what `driftline chart --out x.csv` writes.
    const delayCsv = await downloadText(page, 'figure[data-slot="overview-delay"] [data-export="csv"]');
    assert.equal(delayCsv.name, 'driftline-delay.csv');
    assert.equal(delayCsv.text, delay);
    assert.equal((await downloadText(page, 'figure[data-slot="overview-km"] [data-export="csv"]')).text, km);
    // The notes download beside it: exactly what the command line writes as NAME.notes.txt.
    assert.ok(noteLines(delay).length > 0, 'the delay chart has notes');
    const delayNotes = await downloadText(page, 'figure[data-slot="overview-delay"] [data-export="notes"]');
    assert.equal(delayNotes.name, 'driftline-delay.notes.txt');
    assert.equal(delayNotes.text, `${noteLines(delay).join('\n')}\n`);
    assert.equal((await downloadText(page, 'figure[data-slot="overview-km"] [data-export="notes"]')).text, `${noteLines(km).join('\n')}\n`);
    // The medians and quartiles table downloads as shown, each figure as the core gave it
    // (the page's rounding and grouping left out: views.test.mjs reads it strictly).
    const kmSummary = parseCsv((await downloadText(page, '#km-table-csv')).text);
    const kmShown = await page.$$eval('#km-table tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.dataset.value ?? c.textContent)));
    assert.deepEqual(kmSummary, kmShown);
    assert.equal(kmSummary[1][0], 'Everyone');

    // PNG at three times the CSS size, and SVG with the chart's title.
    const png = await downloadBy(page, () => page.click('figure[data-slot="overview-km"] [data-export="png"]'));
    const bytes = readFileSync(await png.path());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const cssWidth = await page.$eval('figure[data-slot="overview-km"] canvas', (c) => parseFloat(c.style.width));
    assert.equal(bytes.readUInt32BE(16), Math.round(cssWidth * 3));
    const svg = await downloadText(page, 'figure[data-slot="overview-delay"] [data-export="svg"]');
    assert.equal(svg.name, 'driftline-delay.svg');
    const parsed = await evaluateOutside(page, (text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror') !== null, title: doc.querySelector('title')?.textContent };
    }, svg.text);
    assert.equal(parsed.error, false);
    assert.match(parsed.title, /Where delay builds up/);

    // Split by placement: one bar and one curve per group, as the command line draws them.
    await redrawn(page, () => page.selectOption('#stage-breakdown', 'placement'));
    const delayBy = await cliChartCsv(DEMO_FILES, asAt, 'delay', ['--breakdown', 'placement']);
    const kmBy = await cliChartCsv(DEMO_FILES, asAt, 'km', ['--stage', 'time_to_permanence', '--breakdown', 'placement']);
    const labels = groupLabels(report, 'placement');
    assert.deepEqual(await shownTable(page, 'overview-delay'), expectedShown(delayBy, { hide: ['stage'], groups: labels }));
    assert.deepEqual(await shownTable(page, 'overview-km'), expectedShown(kmBy, { groups: labels }));
    const kmGroups = new Set(tableRows(kmBy).slice(1).map((r) => r[0]));
    assert.ok(kmGroups.size >= 3, `curves for ${[...kmGroups].join(', ')}`);
    assert.match(await page.getAttribute('figure[data-slot="overview-km"] canvas', 'aria-label'), /placement/i);
    assert.equal((await downloadText(page, 'figure[data-slot="overview-delay"] [data-export="csv"]')).text, delayBy);
    assert.equal((await downloadText(page, 'figure[data-slot="overview-km"] [data-export="svg"]')).name, 'driftline-km-time_to_permanence-by-placement.svg');
    const { ink: n, pixels } = await ink(page, 'overview-km');
    assert.ok(n > pixels * 0.02);

    assert.deepEqual(networkRequests(requests.slice(before)), [], 'requests while drawing and exporting');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** Writes the rows of the demo files whose child is in `ids` to `out`; resolves to the paths. */
function subsetOfDemo(ids, out) {
  mkdirSync(out, { recursive: true });
  return DEMO_FILES.map((file) => {
    const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l !== '');
    const kept = lines.filter((line) => ids.has(line.split(',')[0]));
    const path = join(out, basename(file));
    writeFileSync(path, `${[header, ...kept].join('\n')}\n`);
    return path;
  });
}

test('with a filter, the charts are of exactly the children it chooses', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    const asAt = await pageAsAt(page);
    await openView(page, 'overview');
    // A team is a child's own detail: the command line, given only that team's rows, sees the
    // same children.
    const team = report.journeys.find((j) => j.team !== null).team;
    const ids = new Set(report.journeys.filter((j) => j.team === team).map((j) => j.child_id));
    assert.ok(ids.size > 5 && ids.size < report.children);
    await redrawn(page, () => page.selectOption('[data-filter="team"]', team));
    const files = subsetOfDemo(ids, join(dir, 'team'));
    const delay = await cliChartCsv(files, asAt, 'delay');
    const km = await cliChartCsv(files, asAt, 'km', ['--stage', 'time_to_permanence']);
    const groups = new Map([['all', 'All children in view']]);
    assert.deepEqual(await shownTable(page, 'overview-delay'), expectedShown(delay, { hide: ['stage'], groups }));
    assert.deepEqual(await shownTable(page, 'overview-km'), expectedShown(km, { groups }));
    // And split by age on entering care, still of that team alone.
    await redrawn(page, () => page.selectOption('#stage-breakdown', 'age_at_entry'));
    const delayBy = await cliChartCsv(files, asAt, 'delay', ['--breakdown', 'age_at_entry']);
    const shownGroups = (await shownTable(page, 'overview-delay')).map((r) => [r[0], r[1], r[2]]);
    const cliRows = tableRows(delayBy).slice(1);
    assert.equal(shownGroups.length, cliRows.length);
    assert.deepEqual(shownGroups.map((r) => r[2]), cliRows.map((r) => twoDecimals.format(Number(r[3]))));
    assert.equal((await downloadText(page, 'figure[data-slot="overview-delay"] [data-export="csv"]')).text, delayBy);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a child's timeline shows its stage brackets", async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    // A child with several stages, one of them completed after its target.
    const child = report.journeys.find((j) => j.stages.length >= 5 && j.stages.some((s) => s.within_target === false));
    assert.ok(child !== undefined);
    await openView(page, 'children');
    await page.fill('#children-search', child.child_id);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const description = await page.$eval('#child-detail canvas', (c) => document.getElementById(c.getAttribute('aria-describedby')).textContent);
    assert.match(description, new RegExp(`${child.stages.length} timescale stages`));
    const svg = (await downloadText(page, '#child-detail [data-export="svg"]')).text;
    const labels = Object.fromEntries(report.profile.stages.map((s) => [s.id, s.label]));
    for (const stage of child.stages) {
      const words = `${labels[stage.stage]}: ${stage.days} day${stage.days === 1 ? '' : 's'}`;
      assert.ok(svg.includes(words), `the timeline has the bracket "${words}"`);
    }
    const late = child.stages.find((s) => s.within_target === false);
    const over = Math.round((Date.parse(late.end) - Date.parse(late.target_date)) / 86_400_000);
    assert.ok(svg.includes(`${over} days over`), `the late stage is marked ${over} days over`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('pseudonymised, chart exports and text alternatives hold no ID, carer or date of birth', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await page.check('#pseudonymise');
    const child = report.journeys.find((j) => j.date_of_birth !== null && j.care_periods.some((p) => p.placements.some((pl) => pl.carer)));
    const index = report.journeys.indexOf(child);
    await openView(page, 'children');
    await page.fill('#children-search', `Child ${index + 1}`);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length >= 1);
    await page.click(`#children-table [data-child="${index}"]`);
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const exports = [];
    exports.push(await page.evaluate(() => document.body.innerText));
    exports.push((await downloadText(page, '#placements-csv')).text);
    exports.push((await downloadText(page, '#child-detail [data-export="svg"]')).text);
    exports.push(await page.$eval('#child-detail canvas', (c) => `${c.getAttribute('aria-label')} ${document.getElementById(c.getAttribute('aria-describedby')).textContent}`));
    await openView(page, 'cohort');
    exports.push((await downloadText(page, '#view-cohort [data-export="svg"]')).text);
    await openView(page, 'overview');
    for (const slot of ['overview-delay', 'overview-km', 'overview-cohort']) {
      exports.push((await downloadText(page, `figure[data-slot="${slot}"] [data-export="svg"]`)).text);
    }
    for (const slot of ['overview-delay', 'overview-km']) {
      exports.push((await downloadText(page, `figure[data-slot="${slot}"] [data-export="csv"]`)).text);
    }
    const [y, m, d] = child.date_of_birth.split('-');
    const born = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(+y, +m - 1, +d)));
    const carers = child.care_periods.flatMap((p) => p.placements.map((pl) => pl.carer)).filter(Boolean);
    for (const text of exports) {
      for (const j of report.journeys) {
        assert.ok(!text.includes(j.child_id), `${j.child_id} exported`);
      }
      for (const hidden of [born, child.date_of_birth, `${d}/${m}/${y}`, ...carers]) {
        assert.ok(!text.includes(hidden), `${hidden} exported`);
      }
    }
    // The same timeline without the switch names the child, its carers and its birthday: the
    // check above can fail.
    await page.uncheck('#pseudonymise');
    await openView(page, 'children');
    // The detail drawn again, under the child's own ID.
    await page.waitForFunction((id) => document.getElementById('child-heading')?.textContent === id, child.child_id);
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const named = (await downloadText(page, '#child-detail [data-export="svg"]')).text;
    assert.ok(named.includes(child.child_id) && named.includes(born) && carers.some((c) => named.includes(c)));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the print layout puts one child's facts and timeline on one A4 landscape page", async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    await assertPageMatchesCli(page, DEMO_FILES);
    await openView(page, 'children');
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    // The button asks the browser to print with the print layout chosen (the dialog itself
    // is replaced here: headless Chromium cannot show it and print to PDF at once).
    await page.evaluate(() => {
      window.print = () => {
        window.__printedWith = document.body.className;
      };
    });
    await page.click('#print-child');
    await page.waitForFunction(() => window.__printedWith !== undefined);
    assert.match(await page.evaluate(() => window.__printedWith), /\bprint-child\b/);
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => {
      const visible = (el) => el !== null && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      return {
        // The timeline prints from its SVG (vector), not the screen's bitmap.
        timeline: visible(document.querySelector('#child-detail .print-timeline')),
        bitmap: visible(document.querySelector('#child-detail canvas')),
        facts: visible(document.querySelector('#child-detail .facts')),
        chronology: visible(document.getElementById('chronology-table')),
        title: visible(document.getElementById('child-heading')),
        children: visible(document.getElementById('children-table')),
        overview: visible(document.getElementById('view-overview')),
        load: visible(document.querySelector('.load')),
        filters: visible(document.querySelector('.filters')),
        tools: visible(document.querySelector('#child-detail .chart-tools')),
        placements: visible(document.getElementById('placements-table')),
        legal: visible(document.getElementById('legal-table')),
      };
    });
    assert.deepEqual(shown, {
      timeline: true,
      bitmap: false,
      facts: true,
      chronology: false,
      title: true,
      children: false,
      overview: false,
      load: false,
      filters: false,
      tools: false,
      placements: false,
      legal: false,
    });
    // At the printable width of A4 landscape (297 mm less two 12 mm margins), nothing is wider
    // than the page: the timeline shrinks to fit.
    const printable = Math.floor(((297 - 24) / 25.4) * 96);
    await page.setViewportSize({ width: printable, height: Math.floor(((210 - 24) / 25.4) * 96) });
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      timeline: document.querySelector('#child-detail .print-timeline').getBoundingClientRect().width,
    }));
    assert.ok(widths.page <= printable, `the page is ${widths.page}px wide at ${printable}px`);
    assert.ok(widths.timeline <= printable && widths.timeline > printable * 0.8, `the timeline is ${widths.timeline}px`);
    // (Printing to PDF ends the print, as closing the print dialog does.)
    // A4 landscape with 12 mm margins: the timeline fits the printable width.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const text = pdf.toString('latin1');
    if (process.env.PRINT_PDF) writeFileSync(process.env.PRINT_PDF, pdf);
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(text);
    assert.ok(box !== null, 'the PDF has a page size');
    // 297 × 210 mm in points, every page.
    const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
    assert.equal(boxes.length, 1, `${boxes.length} pages`);
    for (const [, w, h] of boxes) {
      assert.ok(Math.abs(Number(w) - 841.89) < 2 && Math.abs(Number(h) - 595.28) < 2, `page ${w} × ${h}`);
    }
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the module's drawChart draws the statistical charts of a report, as driftline chart does", async () => {
  const { context, page, errors } = await openPage();
  try {
    const asAt = '2024-03-31';
    const drawn = await page.evaluate(async (asAt) => {
      const { analyze, drawChart } = await import('./driftline.js');
      const names = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
      const files = await Promise.all(names.map(async (name) => ({ name, bytes: await (await fetch(`demo/${name}`)).arrayBuffer() })));
      const report = await analyze(files, { asAt });
      const out = {};
      for (const [kind, breakdown] of [['delay', 'sex'], ['km', null], ['histogram', null]]) {
        const canvas = document.createElement('canvas');
        document.body.append(canvas);
        const info = await drawChart(canvas, report, { kind, breakdown, width: 800, slot: `api-${kind}` });
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let ink = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) ink += 1;
        }
        out[kind] = { table: info.table, title: info.title, ink: ink / (data.length / 4) };
        canvas.remove();
      }
      return out;
    }, asAt);
    for (const [kind, extra] of [['delay', ['--breakdown', 'sex']], ['km', []], ['histogram', []]]) {
      const csv = await cliChartCsv(DEMO_FILES, asAt, kind, extra);
      const [columns, ...rows] = tableRows(csv);
      assert.deepEqual(drawn[kind].table.columns, columns, kind);
      assert.deepEqual(drawn[kind].table.rows, rows, kind);
      assert.deepEqual(drawn[kind].table.notes, noteLines(csv), kind);
      assert.ok(drawn[kind].ink > 0.01, `${kind}: ink ${drawn[kind].ink}`);
    }
    assert.match(drawn.delay.title, /Where delay builds up, by sex/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("the module's paintChart paints on the page's main thread the layout the worker draws", async () => {
  const { context, page, errors } = await openPage();
  try {
    const result = await page.evaluate(async () => {
      const { analyze, drawChart, paintChart, sessionFor } = await import('./driftline.js');
      const names = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
      const files = await Promise.all(names.map(async (name) => ({ name, bytes: await (await fetch(`demo/${name}`)).arrayBuffer() })));
      const report = await analyze(files, { asAt: '2024-03-31' });
      const pixels = (canvas) => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const out = {};
      for (const spec of [{ kind: 'timeline', child: 3 }, { kind: 'cohort' }, { kind: 'km' }]) {
        const worker = document.createElement('canvas');
        const main = document.createElement('canvas');
        document.body.append(worker, main);
        const a = await drawChart(worker, report, { ...spec, width: 900, scale: 2, slot: 'api-worker' });
        const b = await paintChart(main, report, { ...spec, width: 900, scale: 2, slot: 'api-main' });
        const [p, q] = [pixels(worker), pixels(main)];
        let differ = 0;
        let ink = 0;
        for (let i = 0; i < p.length; i += 4) {
          if (Math.max(Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2])) > 24) differ += 1;
          if (q[i] < 240 || q[i + 1] < 240 || q[i + 2] < 240) ink += 1;
        }
        // The chart painted on the main thread answers hit tests from the layout it painted.
        const hit = await sessionFor(report).hitTest('api-main', b.width / 2, b.height / 2);
        out[spec.kind] = {
          sizes: [worker.width, worker.height, main.width, main.height],
          css: [main.style.width, main.style.height, `${b.width}px`, `${b.height}px`],
          titles: [a.title, b.title],
          differ: differ / (p.length / 4),
          ink: ink / (q.length / 4),
          hit: hit === null ? null : typeof hit.label,
        };
        worker.remove();
        main.remove();
      }
      // The drawing code runs on this page: the core's glue was loaded here.
      out.mainCore = typeof globalThis.wasm_bindgen === 'function' || typeof wasm_bindgen === 'function'; // eslint-disable-line no-undef
      return out;
    });
    for (const kind of ['timeline', 'cohort', 'km']) {
      const r = result[kind];
      const [ww, wh, mw, mh] = r.sizes;
      assert.deepEqual([mw, mh], [ww, wh], `${kind}: the same backing store`);
      assert.equal(r.css[0], r.css[2], kind);
      assert.equal(r.css[1], r.css[3], kind);
      assert.equal(r.titles[0], r.titles[1], kind);
      assert.ok(r.ink > 0.01, `${kind}: ink ${r.ink}`);
      assert.ok(r.differ < 0.005, `${kind}: ${(r.differ * 100).toFixed(2)}% of pixels differ from the worker's`);
    }
    assert.ok(result.mainCore, 'the core was loaded on the main thread');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('charts are drawn in the bundled font: text on the canvas is as wide as the core measured it', async () => {
  // The core lays charts out with Liberation Sans's advance widths (src/chart/font_metrics.rs).
  // "Permanence" at 12px, worked by hand from them: regular P 1366 + e 1139 × 3 + r 682 +
  // m 1706 + a 1139 + n 1139 × 2 + c 1024 = 11612 units; bold P 1366 + e 1139 × 3 + r 797 +
  // m 1821 + a 1139 + n 1251 × 2 + c 1139 = 12181 units; 2048 units to the em.
  const want = { regular: (11612 / 2048) * 12, bold: (12181 / 2048) * 12 };
  // What the painters ask the canvas for (src/chart/text.rs FONT_STACK; no kerning).
  const measure = (family) => {
    // A worker has OffscreenCanvas; the page paints on its own canvas elements.
    const canvas = typeof document === 'undefined' ? new OffscreenCanvas(8, 8) : document.createElement('canvas');
    const ctx = canvas.getContext('2d');
    ctx.fontKerning = 'none';
    const width = (weight) => {
      ctx.font = `${weight} 12px ${family}`;
      return ctx.measureText('Permanence').width;
    };
    return { regular: width('normal'), bold: width('bold') };
  };
  const family = 'Liberation Sans, Arial, Helvetica, sans-serif';
  const { context, page, errors, requests } = await openPage();
  try {
    await page.click('#demo-button');
    await page.waitForSelector('body[data-loaded]');
    // The decomposition chart (column headings and a legend side by side) and a QI chart
    // (a long subtitle beside the icons), drawn in the worker.
    await openView(page, 'forecast');
    const decomposition = page.locator('figure[data-slot="forecast-decomposition"]');
    assert.equal(await decomposition.getAttribute('data-drawn'), 'yes');
    mkdirSync(join(ROOT_RESULTS), { recursive: true });
    await decomposition.screenshot({ path: join(ROOT_RESULTS, 'chart-font-decomposition.png') });
    await openView(page, 'qi');
    const qi = page.locator('#view-qi figure.chart:not([hidden])').first();
    assert.equal(await qi.getAttribute('data-drawn'), 'yes');
    await qi.screenshot({ path: join(ROOT_RESULTS, 'chart-font-qi.png') });

    // Every worker that drew (or may draw) a chart has the font, from the page's own files.
    const workers = page.workers();
    assert.ok(workers.length > 0, 'the page runs the core in a worker');
    for (const worker of workers) {
      const got = await worker.evaluate(measure, family);
      assert.ok(Math.abs(got.regular - want.regular) < 0.01, `worker ${worker.url()}: regular ${got.regular}, want ${want.regular}`);
      assert.ok(Math.abs(got.bold - want.bold) < 0.01, `worker ${worker.url()}: bold ${got.bold}, want ${want.bold}`);
    }
    // The main-thread painter (`paintChart`) registers it on the page too.
    await page.evaluate(async () => {
      const { analyze, paintChart } = await import('./driftline.js');
      const names = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
      const files = await Promise.all(names.map(async (name) => ({ name, bytes: await (await fetch(`demo/${name}`)).arrayBuffer() })));
      const report = await analyze(files, { asAt: '2024-03-31' });
      const canvas = document.createElement('canvas');
      document.body.append(canvas);
      await paintChart(canvas, report, { kind: 'km', width: 700, slot: 'font-main' });
      canvas.remove();
    });
    const main = await page.evaluate(measure, family);
    assert.ok(Math.abs(main.regular - want.regular) < 0.01, `page: regular ${main.regular}, want ${want.regular}`);
    assert.ok(Math.abs(main.bold - want.bold) < 0.01, `page: bold ${main.bold}, want ${want.bold}`);
    // The font came from the page's own files, fetched once.
    const fonts = networkRequests(requests).filter((url) => url.endsWith('.ttf')).map((url) => new URL(url).pathname);
    assert.deepEqual([...new Set(fonts)].sort(), ['/fonts/LiberationSans-Bold.ttf', '/fonts/LiberationSans-Regular.ttf']);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a waiting child's timeline shows the stage's forecast as a bracket, marked as a forecast", async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    // A child waiting in a stage whose forecast has a likely date and a range.
    const child = report.journeys.find((j) => j.stages.some((s) => s.forecast?.expected_date && s.forecast.range));
    assert.ok(child !== undefined, 'the demo data has a waiting child with a forecast');
    const stage = child.stages.find((s) => s.forecast?.expected_date && s.forecast.range);
    await openView(page, 'children');
    await page.fill('#children-search', child.child_id);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const svg = (await downloadText(page, '#child-detail [data-export="svg"]')).text;
    const month = (iso) => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    assert.ok(svg.includes(`forecast: likely by ${month(stage.forecast.expected_date)}`), 'the likely month, from the report');
    assert.ok(svg.includes('middle half'), 'the range is shown');
    assert.ok(svg.includes('forecast: likely date, middle half of likely dates'), 'the legend says what the bracket is');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
