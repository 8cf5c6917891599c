// End-to-end tests of what a new user met walking through the page (issue 17), in headless
// Chromium at 1440×900: the Cohort chart opens the child clicked, a pseudonym names one child
// everywhere, "as at" starts at the extract's date and the timescales follow the data, one
// child prints on one A4 landscape page, the QI, children list and accessibility details, and
// the "for sharing" exports (no count of 1–4, nothing recoverable from the totals). Every
// child and date checked is compared with the command line's report for the same files.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  WWW,
  cli,
  cliAnalyze,
  downloadText,
  openRecorded,
  openView,
  pageAsAt,
  parseCsv,
  pickFiles,
  waitForLoad,
} from './helpers.mjs';

let server;
let browser;
let dir;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-walkthrough-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const openPage = () =>
  openRecorded(browser, `${server.origin}/`, { contextOptions: { viewport: { width: 1440, height: 900 } } });

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "2021-03-03" as the page writes it: "3 March 2021". */
const longDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
};
/** "2021-03-03" as the charts write it: "3 Mar 2021". */
const chartDate = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`;
};

async function loadDemo(page) {
  await page.click('#demo-button');
  await waitForLoad(page);
  const asAt = await pageAsAt(page);
  const { code, report, stderr } = await cliAnalyze(DEMO_FILES, asAt);
  assert.equal(code, 0, stderr);
  return report;
}

/**
 * Moves the pointer down the middle of a chart's canvas, `step` CSS pixels at a time
 * (scrolling it into view as needed), and returns each distinct tooltip seen with where it
 * was seen on the canvas: `[{ canvas, x, y, label }]`.
 */
async function tooltipsDown(page, canvasSelector, step = 5) {
  const canvas = page.locator(canvasSelector);
  const box = await canvas.boundingBox();
  const x = Math.round(box.width / 2);
  const seen = [];
  for (let y = 2; y < box.height - 2; y += step) {
    await canvas.hover({ position: { x, y } });
    await page.waitForTimeout(30);
    const label = await page.evaluate(() => {
      const tip = document.getElementById('tooltip');
      return tip.hidden ? null : tip.textContent;
    });
    if (label !== null && label !== seen.at(-1)?.label) {
      seen.push({ canvas, x, y, label });
    }
  }
  return seen;
}

/** Clicks a cohort row and resolves to the heading of the child that opens. */
async function openFromCohort(page, { canvas, x, y }) {
  // The child open before, if any: the one the click opens is another (each row is a child).
  const before = await page.evaluate(() => document.getElementById('child-detail')?.dataset.child ?? null);
  await canvas.click({ position: { x, y } });
  await page.waitForSelector('#view-children[data-rendered="yes"]:not([hidden])');
  await page.waitForFunction(
    (was) => {
      const detail = document.getElementById('child-detail');
      return detail !== null && !detail.hidden && detail.dataset.child !== undefined && detail.dataset.child !== was;
    },
    before,
  );
  return page.textContent('#child-heading');
}

test('a click on a Cohort row opens the child of that row, for rows all down the chart', async () => {
  const { context, page, errors } = await openPage();
  try {
    const report = await loadDemo(page);
    await openView(page, 'cohort');
    // Sorted by the longest wait, the rows' order is nothing like the children's order.
    await page.selectOption('#cohort-sort', 'wait');
    await page.waitForSelector('#view-cohort figure.chart[data-drawn="yes"]');
    const rows = (await tooltipsDown(page, '#view-cohort canvas')).filter((r) => r.label.includes(' · entered care '));
    assert.ok(rows.length >= 20, `${rows.length} rows found under the pointer`);
    const picks = [0, 1, 7, Math.floor(rows.length / 2), rows.length - 1].map((i) => rows[i]);
    for (const row of picks) {
      const [name] = row.label.split(' · ');
      const entry = /entered care (.+?) · /.exec(row.label)[1];
      const heading = await openFromCohort(page, row);
      // The child opened is the one the row is about: its name, and (from the command line's
      // report, not the page) the date its first care period began.
      assert.equal(heading, name, row.label);
      const journey = report.journeys.find((j) => j.child_id === heading);
      assert.ok(journey !== undefined, `${heading} is not in the report`);
      assert.equal(chartDate(journey.care_periods[0].start), entry, row.label);
      // The children table marks the same child as selected.
      const selected = await page.$eval('#children-table tr.is-selected [data-child]', (b) => b.textContent).catch(() => null);
      if (selected !== null) {
        assert.equal(selected, heading);
      }
      await openView(page, 'cohort');
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('pseudonymised, one child has one name in every view and export', async () => {
  const { context, page, errors } = await openPage();
  try {
    const report = await loadDemo(page);
    const ids = report.journeys.map((j) => j.child_id);
    await page.check('#pseudonymise');
    // Cohort (sorted by the longest wait, so that a row's rank is not the child's number):
    // each row's tooltip names a child, and the row is that child's (its entry date, from
    // the command line's report); the SVG export names the same children.
    await openView(page, 'cohort');
    await page.selectOption('#cohort-sort', 'wait');
    await page.waitForSelector('#view-cohort figure.chart[data-drawn="yes"]');
    const rows = (await tooltipsDown(page, '#view-cohort canvas')).filter((r) => r.label.includes(' · entered care '));
    assert.ok(rows.length >= 20, `${rows.length} rows`);
    for (const r of rows) {
      const [, n] = /^Child (\d+) · /.exec(r.label) ?? [];
      assert.ok(n !== undefined, `a row named otherwise: ${r.label}`);
      const entry = /entered care (.+?) · /.exec(r.label)[1];
      assert.equal(chartDate(report.journeys[Number(n) - 1].care_periods[0].start), entry, r.label);
    }
    const cohortSvg = (await downloadText(page, '#view-cohort [data-export="svg"]')).text;
    const svgNames = new Set(cohortSvg.match(/Child \d+/g));
    for (const r of rows) {
      assert.ok(svgNames.has(r.label.split(' · ')[0]), `the cohort SVG does not name ${r.label.split(' · ')[0]}`);
    }
    // One of those children, followed through every other view.
    const row = rows[7];
    const name = row.label.split(' · ')[0];
    const k = Number(name.slice('Child '.length)) - 1;
    // Children: the list, the detail (opened from the cohort row) and its exports.
    assert.equal(await openFromCohort(page, row), name);
    // The list names child k the same (searched for, since it may be past the first page).
    await page.fill('#children-search', name);
    await page.waitForSelector(`#children-table [data-child="${k}"]`);
    assert.equal(await page.textContent(`#children-table [data-child="${k}"]`), name);
    const chronology = (await downloadText(page, '#chronology-csv')).text;
    const stagesCsv = (await downloadText(page, '#child-stages-csv')).text;
    await page.waitForSelector('#child-detail figure.chart[data-drawn="yes"]');
    const timelineSvg = (await downloadText(page, '#child-detail [data-export="svg"]')).text;
    assert.ok(timelineSvg.includes(name), `the timeline SVG does not name ${name}`);
    assert.ok(stagesCsv.includes(name) || parseCsv(stagesCsv).length <= 1, 'the stages export names another child');
    const childrenCsv = parseCsv((await downloadText(page, '#children-csv')).text);
    assert.ok(childrenCsv.some((r) => r[0] === name));
    // No export or view shows a real ID.
    for (const [what, text] of [['cohort SVG', cohortSvg], ['timeline SVG', timelineSvg], ['chronology', chronology], ['stages', stagesCsv]]) {
      assert.ok(!text.includes(ids[k]) || ids[k] === name, `${what} shows ${ids[k]}`);
    }
    // Problems name children once: never "Child Child 6".
    await openView(page, 'read');
    const problems = await page.$$eval('#problem-table tbody td:last-child', (cells) => cells.map((c) => c.textContent));
    assert.ok(!problems.some((m) => /Child Child/.test(m)), problems.find((m) => /Child Child/.test(m)));
    // The mapping step hides the IDs and dates of birth too.
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    const mapping = await page.textContent('#mapping');
    for (const id of ids) {
      assert.ok(!new RegExp(`(^|[^A-Za-z0-9])${id}([^A-Za-z0-9]|$)`).test(mapping), `the mapping step shows ${id}`);
    }
    // (In the children table: other tables' dates may fall on someone's birthday.)
    const childrenSheet = await page.textContent('#mapping .sheet-mapping[data-file="children.csv"] tbody');
    const born = report.journeys.map((j) => j.date_of_birth).filter((d) => d !== null);
    for (const dob of born) {
      const [y, m, d] = dob.split('-');
      assert.ok(!childrenSheet.includes(`${d}/${m}/${y}`), `the mapping step shows the date of birth ${dob}`);
    }
    assert.ok(mapping.includes('(hidden)'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('"as at" starts at the latest date in the files, says so, and clearing it goes back', async () => {
  const out = join(dir, 'asat');
  const generated = await cli(['generate', '--children', '60', '--seed', '9', '--as-at', '2025-03-31',
    '--format', 'template-csv', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const files = readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => join(out, f));
  // The command line without --as-at is the independent answer.
  const plain = await cli(['analyze', ...files, '--format', 'json']);
  assert.equal(plain.code, 0, plain.stderr);
  const expected = JSON.parse(plain.stdout);
  assert.equal(expected.as_at_basis, 'latest_date_in_data');
  const { context, page, errors } = await openPage();
  try {
    await pickFiles(page, files);
    assert.equal(await page.inputValue('#as-at-input'), expected.as_at);
    const note = await page.textContent('#as-at-note');
    assert.equal(note, `As at ${longDate(expected.as_at)}, the latest date in your files; change it if your extract is newer.`);
    assert.match(await page.textContent('#as-at'), new RegExp(longDate(expected.as_at)));
    // Another date: the page follows it and says it was chosen.
    await page.fill('#as-at-input', '2024-12-31');
    await page.dispatchEvent('#as-at-input', 'change');
    await page.waitForFunction(() => document.getElementById('as-at')?.textContent.includes('31 December 2024'));
    assert.match(await page.textContent('#as-at-note'), /the date chosen/);
    // Cleared: back to the files' date, in the field and on the page.
    await page.fill('#as-at-input', '');
    await page.dispatchEvent('#as-at-input', 'change');
    await page.waitForFunction((d) => document.getElementById('as-at-input').value === d, expected.as_at);
    assert.match(await page.textContent('#as-at'), new RegExp(longDate(expected.as_at)));
    assert.match(await page.textContent('#as-at-note'), /the latest date in your files/);
    // Reading again (the mapping step's Apply) keeps taking the date from the files.
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    await page.evaluate(() => {
      document.getElementById('status').className = 'status';
    });
    await page.click('#mapping-apply');
    await waitForLoad(page);
    assert.match(await page.textContent('#as-at-note'), /the latest date in your files/);
    assert.equal(await page.inputValue('#as-at-input'), expected.as_at);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an SSDA903 return selects England\'s timescales, says why, and names its tables', async () => {
  const out = join(dir, '903');
  const generated = await cli(['generate', '--children', '40', '--seed', '4', '--as-at', '2024-03-31',
    '--format', 'ssda903', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const files = readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => join(out, f));
  const plain = await cli(['analyze', ...files, '--format', 'json']);
  assert.equal(plain.code, 0, plain.stderr);
  const expected = JSON.parse(plain.stdout);
  assert.equal(expected.profile_basis, 'ssda903_input');
  const { context, page, errors } = await openPage();
  try {
    await pickFiles(page, files);
    const read = await page.textContent('#file-list');
    assert.match(read, /SSDA903 Episodes table/);
    assert.doesNotMatch(read, /ssda903_|Ssda903/);
    await openView(page, 'overview');
    const intro = await page.textContent('#view-overview .as-at');
    assert.ok(intro.includes(`Timescales: ${expected.profile.label}, because your files are an SSDA903 return (England).`), intro);
    await openView(page, 'timescales');
    assert.match(await page.textContent('#profile-in-use'), /because your files are an SSDA903 return/);
    assert.equal(await page.isChecked('#profile-england'), true);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('one child prints on one A4 landscape page, with the timeline as vector graphics', async () => {
  const { context, page, errors } = await openPage();
  try {
    const report = await loadDemo(page);
    await openView(page, 'children');
    // The child with the most placements: the longest timeline.
    const longest = report.journeys
      .map((j, i) => [j.care_periods.reduce((n, p) => n + p.placements.length, 0), i])
      .sort((a, b) => b[0] - a[0])[0][1];
    await page.fill('#children-search', report.journeys[longest].child_id);
    await page.waitForSelector(`#children-table [data-child="${longest}"]`);
    await page.click(`#children-table [data-child="${longest}"]`);
    await page.waitForSelector('#child-detail figure.chart[data-drawn="yes"]');
    await page.evaluate(() => {
      window.print = () => {
        window.__printed = true;
      };
      // The type of every object URL made from now on.
      const make = URL.createObjectURL;
      window.__blobs = new Map();
      URL.createObjectURL = (blob) => {
        const url = make(blob);
        window.__blobs.set(url, blob.type);
        return url;
      };
    });
    await page.click('#print-child');
    await page.waitForFunction(() => window.__printed === true);
    // The timeline prints from its SVG: vector, at any resolution.
    const image = await page.$eval('#child-detail .print-timeline', (img) => ({ src: img.src, width: img.naturalWidth }));
    assert.match(image.src, /^blob:/);
    const type = await page.evaluate((src) => window.__blobs.get(src), image.src);
    assert.equal(type, 'image/svg+xml');
    // Printed: the facts and the timeline (its legend is part of it), not the tables.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const visible = (el) => el !== null && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
      return {
        facts: visible(document.querySelector('#child-detail .facts')),
        chronology: visible(document.querySelector('#chronology-table')),
        timeline: visible(document.querySelector('#child-detail .print-timeline')),
      };
    });
    assert.deepEqual(printed, { facts: true, chronology: false, timeline: true });
    // (Printing to PDF ends the print, as closing the print dialog does.)
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, 1, `${pages} pages`);
    // A4 landscape: 842 × 595 points.
    const [, w, h] = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    assert.ok(Math.abs(Number(w) - 841.9) < 1 && Math.abs(Number(h) - 595.3) < 1, `page ${w} × ${h} points`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('QI: the XmR numbers export limits as numbers, and Add with no date says so', async () => {
  const { context, page, errors } = await openPage();
  try {
    await loadDemo(page);
    await openView(page, 'qi');
    await page.waitForSelector('#view-qi figure.chart[data-slot="qi-xmr"][data-drawn="yes"]');
    const csv = parseCsv((await downloadText(page, '#view-qi figure[data-slot="qi-xmr"] [data-export="csv"]')).text);
    const lower = csv[0].indexOf('lower_limit');
    assert.ok(lower >= 0, csv[0].join(','));
    const cells = csv.slice(1).filter((r) => r.length > lower && !r[0].startsWith('#')).map((r) => r[lower]);
    assert.ok(cells.length > 0);
    for (const cell of cells) {
      assert.ok(cell === '' || /^-?\d+(\.\d+)?$/.test(cell), `lower limit written as text: ${JSON.stringify(cell)}`);
    }
    await page.click('#qi-annotations-add');
    assert.equal(await page.isVisible('#qi-annotations-problem'), true);
    assert.match(await page.textContent('#qi-annotations-problem'), /Enter a date/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the children list fills the window, ids stay on one line, sorting shows, the load panel shrinks', async () => {
  const { context, page, errors } = await openPage();
  try {
    const before = await page.$eval('#load', (el) => el.getBoundingClientRect().height);
    await loadDemo(page);
    const loaded = await page.$eval('#load', (el) => el.getBoundingClientRect().height);
    assert.ok(loaded < before * 0.7, `the load panel is ${loaded}px after loading (${before}px before)`);
    // Focus is on what was loaded, not the page's body.
    const focused = await page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
    assert.notEqual(focused, 'BODY');
    assert.ok(await page.evaluate(() => document.getElementById('results').contains(document.activeElement)), focused);
    await openView(page, 'children');
    const { rows, box, heights } = await page.evaluate(() => {
      const scroll = document.querySelector('#view-children .table-scroll');
      const rect = scroll.getBoundingClientRect();
      const all = [...scroll.querySelectorAll('tbody tr')];
      const inView = all.filter((tr) => {
        const r = tr.getBoundingClientRect();
        return r.top >= rect.top && r.bottom <= rect.bottom;
      });
      const ids = all.map((tr) => {
        const button = tr.querySelector('[data-child]');
        const lines = button.getClientRects().length;
        return lines;
      });
      return { rows: inView.length, box: rect.height, heights: ids };
    });
    assert.ok(rows >= 12, `${rows} rows in view in a box of ${box}px`);
    assert.ok(heights.every((n) => n === 1), 'an ID wraps onto two lines');
    const arrows = await page.$$eval('#children-table thead th button', (buttons) =>
      buttons.map((b) => getComputedStyle(b, '::after').content),
    );
    assert.ok(arrows.every((c) => c.includes('↕')), arrows.join(' '));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('accessible names contain the visible words, landmarks are named once, headers have text', async () => {
  const { context, page, errors } = await openPage();
  try {
    await loadDemo(page);
    await openView(page, 'timescales');
    const buttons = await page.$$eval('#view-timescales button', (all) =>
      all.map((b) => [b.textContent.trim(), b.getAttribute('aria-label') ?? b.textContent.trim()]),
    );
    for (const [text, name] of buttons) {
      assert.ok(name.toLowerCase().includes(text.toLowerCase()), `"${text}" is named "${name}"`);
    }
    assert.ok(buttons.some(([t]) => t === 'Add another ending'));
    for (const view of ['overview', 'children', 'cohort', 'qi', 'timescales']) {
      await openView(page, view);
      const names = await page.evaluate(() =>
        [...document.querySelectorAll('[role="region"]:not([hidden]), section[aria-labelledby], nav, main, header, footer, form[aria-label]')]
          .filter((el) => el.getClientRects().length > 0)
          .map((el) => {
            const by = el.getAttribute('aria-labelledby');
            const name = by ? by.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ') : el.getAttribute('aria-label') ?? '';
            return `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${name.trim()}`;
          })
          .filter((n) => !n.endsWith(':')),
      );
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      assert.deepEqual(twice, [], `${view}: landmarks named twice`);
      const empty = await page.$$eval('th', (ths) => ths.filter((th) => th.getClientRects().length > 0 && th.textContent.trim() === '').length);
      assert.equal(empty, 0, `${view}: an empty table header`);
    }
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    const empty = await page.$$eval('#mapping th', (ths) => ths.filter((th) => th.textContent.trim() === '').length);
    assert.equal(empty, 0, 'the mapping step has an empty table header');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the embed example never keeps a real ID under "Selected child" once pseudonymised', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/embed.html`, { ready: 'driftline-view' });
  try {
    await page.setInputFiles('#embed-files', DEMO_FILES);
    await page.waitForSelector('body[data-loaded]');
    const { report } = await cliAnalyze(DEMO_FILES, '2024-03-31');
    await page.click('driftline-view tbody button');
    await page.waitForFunction(() => /entries in the chronology/.test(document.getElementById('selected').textContent));
    const first = report.journeys[0].child_id;
    assert.match(await page.textContent('#selected'), new RegExp(`^${first}:`));
    await page.check('#embed-pseudonymise');
    await page.waitForFunction(() =>
      document.querySelector('driftline-view').shadowRoot.querySelector('tbody button')?.textContent.startsWith('Child '),
    );
    const ids = report.journeys.map((j) => j.child_id);
    const shown = await page.textContent('#selected');
    assert.ok(!ids.some((id) => shown.includes(id)), shown);
    // Chosen again, the child is named as the list names it.
    await page.click('driftline-view tbody button');
    await page.waitForFunction(() => /entries in the chronology/.test(document.getElementById('selected').textContent));
    assert.match(await page.textContent('#selected'), /^Child 1:/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
