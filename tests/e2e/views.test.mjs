// End-to-end tests of the page's features in headless Chromium: a workbook and a set of CSVs,
// the mapping step, the problem table, the children list and one child's journey, the
// exports, the pseudonymise switch, spreadsheet text shown as text, CSV injection, Cancel,
// Clear and the embed page. Every number checked is compared with the command line's report
// for the same files.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  WWW,
  assertPageMatchesCli,
  assertSameReport,
  cli,
  cliAnalyze,
  downloadText,
  networkRequests,
  openChildRow,
  openRecorded,
  pageAsAt,
  parseCsv,
  pickFiles,
  readCsvStrictly,
  shownProblems,
  waitForLoad,
} from './helpers.mjs';

let server;
let browser;
let dir;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-views-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const openPage = () => openRecorded(browser, `${server.origin}/`);

/** Every child row's cells in the children table, after showing every page. */
async function shownChildren(page) {
  while (await page.isVisible('#children-more')) {
    const before = await page.$$eval('#children-table tbody tr', (rows) => rows.length);
    await page.click('#children-more');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#children-table tbody tr').length > n,
      before,
    );
  }
  return page.$$eval('#children-table tbody tr', (rows) =>
    rows.map((row) => [...row.cells].map((cell) => cell.textContent)),
  );
}

async function openView(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#view-${name}[data-rendered="yes"]:not([hidden])`);
}

test('a workbook (xlsx) loads and shows what the command line reports', async () => {
  const out = join(dir, 'xlsx');
  const generated = await cli(['generate', '--children', '40', '--seed', '3', '--as-at', '2024-03-31',
    '--format', 'template-xlsx', '--messy-rate', '0.05', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const workbook = join(out, 'driftline.xlsx');
  const { context, page, errors } = await openPage();
  try {
    await page.setInputFiles('#file-input', workbook);
    const { report } = await assertPageMatchesCli(page, [workbook]);
    assert.equal(report.input.files[0].format, 'xlsx');
    assert.equal(report.input.tables.length, 4);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the mapping step reads a table whose headers were not recognised, and saves the mapping', async () => {
  // Headers nobody would guess: Driftline cannot recognise this as a placements table.
  const csv = join(dir, 'moves.csv');
  writeFileSync(
    csv,
    'Export of moves\n' +
      'Kid,Moved in,Moved out,Kind of home\n' +
      'A1,01/02/2022,,Foster care\n' +
      'A2,05/06/2021,01/01/2023,Kinship care\n' +
      'A2,01/01/2023,,Granny Smith house\n',
  );
  const { context, page, errors } = await openPage();
  try {
    const status = await pickFiles(page, [csv]);
    assert.match(status, /Nothing usable could be read/);
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    await page.selectOption('.sheet-mapping [data-role="kind"]', 'placements');
    await page.fill('.sheet-mapping [data-role="header-row"]', '2');
    // The column choosers offer the fields of the kind chosen.
    await page.waitForSelector('#mapping:not([hidden]) [data-role="column"]:not([disabled])');
    const choosers = await page.$$('.sheet-mapping [data-role="column"]');
    await choosers[0].selectOption('child_id');
    await choosers[1].selectOption('start_date');
    await choosers[2].selectOption('end_date');
    await choosers[3].selectOption('placement_type');
    const saved = await downloadText(page, '#mapping-save');
    const mapping = JSON.parse(saved.text);
    assert.equal(mapping.version, 1);
    assert.equal(mapping.tables[0].kind, 'placements');
    assert.equal(mapping.tables[0].header_row, 2);
    // A mapping holds names, never data.
    for (const value of ['01/02/2022', 'A1', 'A2']) {
      assert.ok(!saved.text.includes(value), `${value} in the saved mapping`);
    }
    await page.click('#mapping-apply');
    await waitForLoad(page);
    // The unknown label can now be mapped too.
    await page.click('#mapping-button');
    await page.waitForSelector('[data-role="label"][data-label="Granny Smith house"]');
    await page.selectOption('[data-role="label"][data-label="Granny Smith house"]', 'kinship');
    const final = JSON.parse((await downloadText(page, '#mapping-save')).text);
    assert.equal(final.labels.placement_type['Granny Smith house'], 'kinship');
    await page.click('#mapping-apply');
    await waitForLoad(page);
    // The command line with the saved mapping gives the same report.
    const mappingPath = join(dir, 'mapping.json');
    writeFileSync(mappingPath, JSON.stringify(final));
    const asAt = await pageAsAt(page);
    const run = await cli(['analyze', csv, '--as-at', asAt, '--mapping', mappingPath, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.children, 2);
    const shown = await page.$$eval('[data-count]', (nodes) =>
      Object.fromEntries(nodes.map((n) => [n.dataset.count, Number(n.textContent.replaceAll(',', ''))])),
    );
    assert.equal(shown.children, report.children);
    assert.equal(shown.rows_used, report.input.rows_used);
    assert.equal(shown.rows_rejected, report.input.rows_rejected);
    assert.equal(await page.isVisible('#unknown'), false, 'no label is left unknown');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the problem table sorts, filters and downloads every problem as CSV', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    const diagnostics = report.input.diagnostics;
    assert.ok(diagnostics.length > 3, 'the demo data has problems to show');
    // Sort by row, descending: the rows are in the CLI's order of row numbers.
    await page.click('#problem-table [data-sort="row"]');
    await page.click('#problem-table [data-sort="row"]');
    await page.waitForSelector('#problem-table th[aria-sort="descending"]');
    const rows = (await shownProblems(page)).map((cells) => cells[2]);
    const expected = diagnostics
      .map((d) => d.row)
      .sort((a, b) => (a === null) - (b === null) || b - a)
      .map((r) => (r === null ? '' : r.toLocaleString('en-GB')));
    assert.deepEqual(rows, expected);
    // Filter: only rejected rows.
    await page.selectOption('#problem-severity', 'rejected');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#problem-table tbody tr').length === n,
      diagnostics.filter((d) => d.severity === 'rejected').length,
    );
    // Search narrows further to one file.
    await page.fill('#problem-search', 'placements.csv');
    const wanted = diagnostics.filter((d) => d.severity === 'rejected' && d.file === 'placements.csv');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#problem-table tbody tr').length === n,
      wanted.length,
    );
    await page.selectOption('#problem-severity', '');
    await page.fill('#problem-search', '');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#problem-table tbody tr').length === Math.min(n, 50),
      diagnostics.length,
    );
    const { name, text } = await downloadText(page, '#problems-csv');
    assert.equal(name, 'driftline-problems.csv');
    const csv = parseCsv(text);
    assert.deepEqual(csv[0], ['severity', 'code', 'file', 'sheet', 'row', 'column', 'child_id', 'message']);
    assert.equal(csv.length - 1, diagnostics.length);
    const messages = csv.slice(1).map((r) => r[7]).sort();
    const inert = (m) => (/^[=+\-@\t\r]/.test(m) ? `'${m}` : m);
    assert.deepEqual(messages, diagnostics.map((d) => inert(d.message)).sort());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the children list and one child match the command line, and export as CSV', async () => {
  const { context, page, errors, requests } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    const before = requests.length;
    await openView(page, 'children');
    const rows = await shownChildren(page);
    assert.equal(rows.length, report.children);
    assert.deepEqual(
      rows.map((r) => r[0]).sort(),
      report.journeys.map((j) => j.child_id).sort(),
    );
    // The moves column equals the CLI's moves for each child.
    const moves = Object.fromEntries(
      report.journeys.map((j) => [j.child_id, j.care_periods.reduce((n, p) => n + p.moves, 0)]),
    );
    for (const r of rows) {
      assert.equal(Number(r[5]), moves[r[0]], `moves of ${r[0]}`);
    }
    // Sorting by moves, most first.
    await page.click('#children-table [data-sort="moves"]');
    await page.click('#children-table [data-sort="moves"]');
    await page.waitForSelector('#children-table th[aria-sort="descending"]');
    // The rows arrive from the worker after the header changes: wait for the most moves first.
    const most = Math.max(...Object.values(moves));
    await page.waitForFunction(
      (n) => Number(document.querySelector('#children-table tbody tr')?.cells[5].textContent) === n,
      most,
    );
    const tops = await page.$$eval('#children-table tbody tr', (trs) => trs.map((tr) => Number(tr.cells[5].textContent)));
    assert.deepEqual(tops, [...tops].sort((a, b) => b - a), 'sorted by moves, most first');
    // Search for one child.
    const target = report.journeys.find((j) => j.legal.length > 1 && j.care_periods.length > 0);
    await page.fill('#children-search', target.child_id);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click(`#children-table [data-child]`);
    await page.waitForSelector('#child-detail:not([hidden]) #chronology-table');
    assert.equal(await page.textContent('#child-heading'), target.child_id);
    // The chronology lists every event of the child, on its date, in date order.
    const chronology = await page.$$eval('#chronology-table tbody tr', (trs) =>
      trs.map((tr) => ({ date: tr.cells[0].textContent, event: tr.cells[2].textContent })),
    );
    const events = [
      ...target.events_outside_care,
      ...target.care_periods.flatMap((p) => p.events),
    ];
    const short = (iso) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
      .format(new Date(`${iso}T00:00:00Z`));
    for (const e of events) {
      assert.ok(
        chronology.some((row) => row.date === short(e.date) && row.event.includes(e.label)),
        `${e.date} ${e.label} is not in the chronology`,
      );
    }
    const expected = chronology.length;
    assert.ok(expected >= events.length);
    const legalRows = await page.$$eval('#legal-table tbody tr', (trs) => trs.map((tr) => tr.cells[3].textContent));
    assert.deepEqual(legalRows, target.legal.map((l) => l.legal_status));
    const chronologyCsv = await downloadText(page, '#chronology-csv');
    assert.equal(parseCsv(chronologyCsv.text).length - 1, expected);
    // The whole list as CSV.
    await page.fill('#children-search', '');
    await page.waitForFunction((n) => document.querySelectorAll('#children-table tbody tr').length === Math.min(n, 50), report.children);
    const list = parseCsv((await downloadText(page, '#children-csv')).text);
    assert.equal(list.length - 1, report.children);
    assert.deepEqual(list.slice(1).map((r) => r[0]).sort(), report.journeys.map((j) => j.child_id).sort());
    // The print layout: one child's facts and timeline on A4 landscape, without the page
    // around it (the chronology stays on screen and in its CSV).
    await page.evaluate(() => document.body.classList.add('print-child'));
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#child-detail .facts'), true);
    assert.equal(await page.isVisible('#chronology-table'), false);
    assert.equal(await page.isVisible('#children-table'), false);
    assert.equal(await page.isVisible('#drop-zone'), false);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.body.classList.remove('print-child'));
    assert.deepEqual(networkRequests(requests.slice(before)), [], 'requests after the load');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('tables downloaded as shown hold plain numbers and ISO dates, read back strictly', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    // A child with a placement that ended and one still going, and more than one legal status.
    const target = report.journeys.find(
      (j) => j.legal.length > 1 && j.care_periods.flatMap((p) => p.placements).some((pl) => pl.end === null) &&
        j.care_periods.flatMap((p) => p.placements).some((pl) => pl.end !== null),
    );
    assert.ok(target, 'the demo has such a child');
    await openView(page, 'children');
    await page.fill('#children-search', target.child_id);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail:not([hidden]) #placements-table');
    // Shown as "12 Mar 2024" and "Ongoing"; downloaded as the report's ISO dates, blank for none.
    const shownFrom = await page.$eval('#placements-table tbody tr', (tr) => tr.cells[0].textContent);
    assert.match(shownFrom, /^\d{1,2} [A-Z][a-z]{2} \d{4}$/);
    const placements = readCsvStrictly('placements', (await downloadText(page, '#placements-csv')).text, { dates: ['From', 'To'] });
    assert.deepEqual(
      placements.slice(1).map((r) => [r[0], r[1], r[3]]),
      target.care_periods.flatMap((p) => p.placements).map((pl) => [pl.start, pl.end ?? '', pl.placement_type]),
    );
    const legal = readCsvStrictly('legal', (await downloadText(page, '#legal-csv')).text, { dates: ['From', 'To'] });
    assert.deepEqual(
      legal.slice(1).map((r) => [r[0], r[1], r[3]]),
      target.legal.map((l) => [l.start, l.end ?? '', l.legal_status]),
    );

    // The medians and quartiles of time to permanence: counts and days as plain numbers.
    await openView(page, 'overview');
    const ttp = report.stages.find((st) => st.id === 'time_to_permanence');
    const km = readCsvStrictly('km medians', (await downloadText(page, '#km-table-csv')).text, {
      numbers: ['Started', 'Reached it', 'A quarter had reached it by (days)', 'Three quarters had reached it by (days)'],
    });
    assert.deepEqual(km[1].slice(0, 3), ['Everyone', String(ttp.started), String(ttp.completed)]);
    // Each raw figure is the one shown, before the page rounded and grouped it.
    const shownKm = await page.$$eval('#km-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
    km.slice(1).forEach((row, i) => {
      for (const j of [1, 2, 4, 5]) {
        assert.equal(row[j] === '' ? '–' : oneDecimal.format(Number(row[j])), shownKm[i][j], `km row ${i + 1}, column ${j}`);
      }
    });

    // The Forecast view's expected completions: the counts of children as plain numbers.
    await openView(page, 'forecast');
    const expected = readCsvStrictly('expected completions', (await downloadText(page, '#forecast-expected-csv')).text, {
      numbers: ['Waiting now', 'Without a forecast'],
    });
    const waiting = report.profile.stages.map((st) => {
      const mine = report.expected_completions.find((e) => e.stage === st.id);
      return [st.label, String(mine.waiting), String(mine.without_forecast)];
    });
    assert.deepEqual(expected.slice(1).map((r) => [r[0], r[1], r.at(-1)]), waiting);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a filter narrows the children to those the command line finds in that team', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    const team = report.journeys.find((j) => j.team !== null).team;
    await openView(page, 'children');
    await page.selectOption('[data-filter="team"]', team);
    const expected = report.journeys.filter((j) => j.team === team).map((j) => j.child_id).sort();
    await page.waitForFunction(
      (n) => document.getElementById('children-shown').textContent.includes(`of ${n} matching`),
      expected.length,
    );
    const rows = await shownChildren(page);
    assert.deepEqual(rows.map((r) => r[0]).sort(), expected);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('pseudonymise hides every ID and date of birth in what is shown and exported', async () => {
  const { context, page, errors } = await openPage();
  try {
    await page.click('#demo-button');
    const { report } = await assertPageMatchesCli(page, DEMO_FILES);
    await page.check('#pseudonymise');
    await openView(page, 'children');
    const rows = await shownChildren(page);
    assert.deepEqual(
      rows.map((r) => r[0]).sort(),
      report.journeys.map((_, i) => `Child ${i + 1}`).sort(),
    );
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail:not([hidden]) #chronology-table');
    const ids = report.journeys.map((j) => j.child_id);
    const text = await page.evaluate(() => document.body.innerText);
    for (const id of ids) {
      assert.ok(!text.includes(id), `${id} is shown`);
    }
    assert.ok(!text.includes('Date of birth'), 'a date of birth is shown');
    const children = (await downloadText(page, '#children-csv')).text;
    const chronology = (await downloadText(page, '#chronology-csv')).text;
    await openView(page, 'read');
    const problems = (await downloadText(page, '#problems-csv')).text;
    for (const csv of [children, chronology, problems]) {
      for (const id of ids) {
        assert.ok(!csv.includes(id), `${id} exported`);
      }
    }
    // No date of birth: an empty column, no "Born" entry, none quoted in a problem.
    assert.ok(parseCsv(children).slice(1).every((r) => r[1] === ''));
    assert.ok(!parseCsv(chronology).some((r) => r[1] === 'Born'));
    const byName = Object.fromEntries(report.journeys.map((j, i) => [`Child ${i + 1}`, j.date_of_birth]));
    for (const row of parseCsv(problems).slice(1)) {
      const dob = byName[row[6]];
      if (dob) {
        const [y, m, d] = dob.split('-');
        assert.ok(!row[7].includes(`${d}/${m}/${y}`) && !row[7].includes(dob), row[7]);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('cell text with HTML or formulas is shown literally and exported inert', async () => {
  const hostile = {
    img: '<img src=x onerror="window.__injected=1">',
    script: '<script>window.__injected=2</script>',
    formula: '=HYPERLINK("http://example.org","x")',
    plus: '+SUM(1,2)',
    minus: '-2+3',
    at: '@SUM(A1)',
  };
  const placements =
    'child_id,start_date,end_date,placement_type,carer\n' +
    Object.values(hostile)
      .map((id, i) => `"${id.replaceAll('"', '""')}",0${i + 1}/02/2022,,Foster care,"${hostile.img.replaceAll('"', '""')}"`)
      .join('\n') +
    '\n';
  const events = `child_id,date,event,detail\n"${hostile.formula.replaceAll('"', '""')}",03/03/2022,LAC review,"${hostile.script}"\n`;
  const files = [join(dir, 'hostile-placements.csv'), join(dir, 'hostile-events.csv')];
  writeFileSync(files[0], placements);
  writeFileSync(files[1], events);
  const { context, page, errors } = await openPage();
  try {
    await pickFiles(page, files);
    await openView(page, 'children');
    const rows = await shownChildren(page);
    assert.deepEqual(rows.map((r) => r[0]).sort(), Object.values(hostile).sort());
    for (const button of await page.$$('#children-table [data-child]')) {
      await openChildRow(page, button);
    }
    assert.equal(await page.$('main img'), null);
    assert.equal(await page.$('main script'), null);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
    const detail = await page.textContent('#child-detail');
    assert.ok(detail.includes(hostile.img), 'the carer text is shown literally');
    const csv = parseCsv((await downloadText(page, '#children-csv')).text);
    const exported = csv.slice(1).map((r) => r[0]).sort();
    assert.deepEqual(exported, Object.values(hostile).map((v) => (/^[=+\-@]/.test(v) ? `'${v}` : v)).sort());
    const chronology = (await downloadText(page, '#chronology-csv')).text;
    for (const line of parseCsv(chronology).flat()) {
      assert.ok(!/^[=+\-@]/.test(line), `a live formula in the chronology export: ${line}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Cancel stops a large load and Clear drops the data and its worker', async () => {
  const out = join(dir, 'large');
  const generated = await cli(['generate', '--children', '20000', '--seed', '5', '--as-at', '2024-03-31', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const files = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'].map((f) => join(out, f));
  const { context, page, errors } = await openPage();
  try {
    // Press Cancel from inside the page as soon as the progress bar shows, so the click
    // cannot arrive after a fast load has finished.
    const pressed = page.evaluate(
      () =>
        new Promise((done) => {
          const poll = setInterval(() => {
            if (!document.getElementById('progress').hidden) {
              clearInterval(poll);
              document.getElementById('cancel-button').click();
              done(true);
            }
          }, 1);
        }),
    );
    await page.setInputFiles('#file-input', files);
    assert.equal(await pressed, true);
    await page.waitForFunction(() => /cancelled/.test(document.getElementById('status').textContent));
    assert.match(await page.textContent('#status'), /Nothing is loaded/);
    assert.equal(await page.isVisible('#results'), false);
    // The page is still usable: the demo loads.
    await page.click('#demo-button');
    await assertPageMatchesCli(page, DEMO_FILES);
    // Every worker running now holds (or could hold) the data; Clear ends each of them (the
    // page then starts a fresh, empty one for the next load).
    const loadedWorkers = page.workers();
    assert.ok(loadedWorkers.length >= 1, 'a worker holds the data');
    const closed = loadedWorkers.map((w) => new Promise((done) => w.once('close', done)));
    await page.click('#clear-button');
    assert.match(await page.textContent('#status'), /Cleared/);
    assert.equal(await page.isVisible('#results'), false);
    assert.equal(await page.$$eval('#problem-table tbody tr', (r) => r.length), 0);
    let timer;
    const late = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error('a worker that held the data still runs 5 s after Clear')), 5000);
    });
    await Promise.race([Promise.all(closed), late]).finally(() => clearTimeout(timer));
    assert.ok(page.workers().every((w) => !loadedWorkers.includes(w)), 'no worker from before Clear is left');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the embed page shows the element, its events and the same numbers as the command line', async () => {
  const { context, page, errors, requests } = await openRecorded(browser, `${server.origin}/embed.html`, {
    ready: 'driftline-view',
  });
  try {
    const before = requests.length;
    await page.setInputFiles('#embed-files', DEMO_FILES);
    await page.waitForSelector('body[data-loaded]');
    const cli = await cliAnalyze(DEMO_FILES, '2024-03-31');
    assert.equal(await page.getAttribute('body', 'data-loaded'), String(cli.report.children));
    const report = await page.evaluate(() => document.getElementById('driftline').report);
    assertSameReport(report, cli.report);
    const rows = await page.$$eval('driftline-view tbody tr', (trs) => trs.length);
    assert.equal(rows, cli.report.children);
    await page.click('driftline-view tbody button');
    await page.waitForFunction(() => /entries in the chronology/.test(document.getElementById('selected').textContent));
    await page.check('#embed-pseudonymise');
    await page.waitForFunction(() =>
      document.querySelector('driftline-view').shadowRoot.querySelector('tbody button')?.textContent.startsWith('Child '),
    );
    // The core was loaded lazily, on the first load, from the page's own origin.
    assert.deepEqual(
      networkRequests(requests.slice(before)).map((url) => new URL(url).pathname).sort(),
      ['/fonts/LiberationSans-Bold.ttf', '/fonts/LiberationSans-Regular.ttf', '/pkg/driftline.js', '/pkg/driftline_bg.wasm', '/worker.js'],
    );
    // A second load makes no request at all.
    const again = requests.length;
    await page.setInputFiles('#embed-files', DEMO_FILES.slice(0, 2));
    await page.waitForFunction(() => document.body.dataset.loaded !== undefined);
    await page.waitForFunction(() =>
      document.querySelector('driftline-view').report?.input.files.length === 2,
    );
    assert.deepEqual(networkRequests(requests.slice(again)), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("a child without a legal status says so in the legal-status table, and its CSV has only the header", async () => {
  // The demo files, with the first child's legal rows taken out.
  const legal = readFileSync(join(WWW, 'demo', 'legal.csv'), 'utf8').split('\n');
  const child = legal[1].split(',')[0];
  const files = ['children.csv', 'placements.csv', 'events.csv'].map((f) => join(WWW, 'demo', f));
  const trimmed = join(dir, 'legal.csv');
  writeFileSync(trimmed, legal.filter((line) => !line.startsWith(`${child},`)).join('\n'));
  files.push(trimmed);
  const { context, page, errors } = await openPage();
  try {
    await pickFiles(page, files);
    await openView(page, 'children');
    await page.fill('#children-search', child);
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail:not([hidden]) #legal-table');
    const rows = await page.$$eval('#legal-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => [c.textContent, c.colSpan])));
    assert.deepEqual(rows, [[['None recorded: the files hold no legal status for this child.', 4]]]);
    const csv = parseCsv((await downloadText(page, '#legal-csv')).text);
    assert.deepEqual(csv, [['From', 'To', 'Legal status', 'As written']]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
