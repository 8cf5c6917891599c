// Shared helpers for the browser tests: paths, the command line as the independent source of
// truth, and reading what the page shows.

import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW = join(ROOT, 'www');
export const DIST = join(ROOT, 'dist');
export const DEMO_FILES = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'].map(
  (name) => join(WWW, 'demo', name),
);
const BIN = process.env.DRIFTLINE_BIN ?? join(ROOT, 'target', 'debug', 'driftline');

/** Records a console listener for CSP violations before any page script runs. */
export const RECORD_CSP_VIOLATIONS = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });
};

/**
 * Runs `driftline analyze FILE... --as-at DATE --format json [EXTRA...]` and resolves to
 * `{ code, report, stderr }` (`report` is `null` when the command failed).
 */
export function cliAnalyze(files, asAt, extra = []) {
  return new Promise((resolve, reject) => {
    execFile(
      BIN,
      ['analyze', ...files, '--as-at', asAt, '--format', 'json', ...extra],
      { maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        const code = error === null ? 0 : error.code;
        resolve({ code, report: code === 0 ? JSON.parse(stdout) : null, stderr });
      },
    );
  });
}

/**
 * The "as at" date the page used: the date control's value once something is loaded, else
 * today's date in the browser (the page's default), written YYYY-MM-DD.
 */
export function pageAsAt(page) {
  return page.evaluate(() => {
    const shown = document.getElementById('as-at-input')?.value;
    if (shown) {
      return shown;
    }
    const now = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  });
}

/** Waits until a load has finished, successfully or not, and returns the status text. */
export async function waitForLoad(page) {
  await page.waitForFunction(() => {
    const status = document.getElementById('status');
    return status.classList.contains('is-done') || status.classList.contains('is-error');
  });
  return page.textContent('#status');
}

/**
 * Opens a view by its tab and waits until it is rendered and every chart in it is drawn
 * (charts are drawn after their view).
 */
export async function openView(page, name) {
  await page.click(`#tab-${name}`);
  await page.waitForSelector(`#view-${name}[data-rendered="yes"]:not([hidden])`);
  // The problem list follows the same settings (Pseudonymise, say) and is redrawn beside.
  await page.waitForFunction(() => document.getElementById('problem-table')?.dataset.rendered !== 'no');
  await page.waitForFunction(
    (id) => [...document.querySelectorAll(`#${id} figure.chart`)].every((f) => f.hidden || f.dataset.drawn === 'yes'),
    `view-${name}`,
  );
}

/**
 * Starts recording the page's long main-thread tasks (the Long Tasks API) from now on;
 * resolves to a function that returns their durations so far, in milliseconds.
 */
export async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__longTasks.push(entry.duration);
      }
    }).observe({ type: 'longtask', buffered: false });
  });
  return () => page.evaluate(() => window.__longTasks);
}

/** The numbers in the load summary, parsed from their en-GB form ("1,234"). */
export async function shownCounts(page) {
  const entries = await page.$$eval('[data-count]', (nodes) =>
    nodes.map((node) => [node.dataset.count, node.textContent]),
  );
  return Object.fromEntries(
    entries.map(([key, text]) => {
      assert.match(text, /^[0-9,]+$/, `${key} shows ${JSON.stringify(text)}`);
      return [key, Number(text.replaceAll(',', ''))];
    }),
  );
}

/** The problem table's rows as arrays of cell texts, after showing every page of it. */
export async function shownProblems(page) {
  // The latest query's rows: a sort or filter just clicked re-renders the table, and until
  // then it shows the previous order.
  await page.waitForSelector('#problem-table[data-rendered="yes"]', { state: 'attached' });
  while (await page.isVisible('#problems-more')) {
    const before = await page.$$eval('#problem-table tbody tr', (rows) => rows.length);
    await page.click('#problems-more');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#problem-table tbody tr').length > n,
      before,
    );
  }
  return page.$$eval('#problem-table tbody tr', (rows) =>
    rows.map((row) => [...row.cells].map((cell) => cell.textContent)),
  );
}

/** What the load summary should show for a report (full or `--format json-summary`). */
export function expectedCounts(report) {
  return {
    files: report.input.files.length,
    tables: report.input.tables.length,
    rows_read: report.input.rows_read,
    rows_used: report.input.rows_used,
    rows_rejected: report.input.rows_rejected,
    children: report.children,
    care_periods: report.care_periods,
  };
}

/** What the problem table should show for these diagnostics. */
export function expectedProblemRows(diagnostics) {
  const number = new Intl.NumberFormat('en-GB');
  return diagnostics.map((d) => [
    d.file ?? '',
    d.sheet ?? '',
    d.row === null ? '' : number.format(d.row),
    d.column ?? '',
    d.message,
  ]);
}

/**
 * Asserts that the page shows what the command line reports for the same files and date:
 * the same counts and the same problems. With `{ readable: false }`, asserts instead that
 * nothing could be read and that the page lists the same fatal problems as the command line.
 */
export async function assertPageMatchesCli(page, files, { readable = true } = {}) {
  const statusText = await waitForLoad(page);
  const cli = await cliAnalyze(files, await pageAsAt(page));
  if (readable) {
    assert.equal(cli.code, 0, cli.stderr);
    const report = cli.report;
    assert.deepEqual(await shownCounts(page), expectedCounts(report));
    assert.deepEqual(await shownProblems(page), expectedProblemRows(report.input.diagnostics));
    assert.equal(await page.isVisible('#summary'), true);
    const unknown = await page.$$eval('#unknown-labels li', (items) => items.length);
    assert.equal(unknown, report.input.unknown_labels.length);
    return { report, statusText };
  }
  // Nothing usable: the command line exits 2 and lists each fatal problem as "file: message".
  assert.equal(cli.code, 2, cli.stderr);
  assert.equal(await page.isVisible('#summary'), false);
  const shown = (await shownProblems(page)).map(
    ([file, , , , message]) => `driftline: ${file === '' ? '' : `${file}: `}${message}`,
  );
  const printed = cli.stderr.trim().split('\n').slice(1);
  assert.deepEqual(shown, printed);
  return { report: null, statusText };
}

/**
 * Opens `path` on `origin` in a fresh browser context and records everything the privacy
 * tests look at: every request (workers' included), console messages, page errors and CSP
 * violations. Resolves once the core is ready (for the Driftline page).
 */
export async function openRecorded(browser, url, { ready = 'body[data-engine="ready"]', contextOptions = {} } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB', ...contextOptions });
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors = [];
  const consoleMessages = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => consoleMessages.push(message.text()));
  await page.addInitScript(RECORD_CSP_VIOLATIONS);
  await page.goto(url);
  if (ready !== null) {
    await page.waitForSelector(ready);
  }
  return { context, page, requests, errors, consoleMessages };
}

/** Requests that are not `blob:` object URLs made by the page itself. */
export function networkRequests(requests) {
  return requests.filter((url) => !url.startsWith('blob:') && !url.startsWith('data:'));
}

/**
 * Runs `fn(arg)` in a blank page of `page`'s browser context, outside the page's Content
 * Security Policy and Trusted Types (which refuse `DOMParser` on text): to parse a download.
 */
export async function evaluateOutside(page, fn, arg) {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(fn, arg);
  } finally {
    await blank.close();
  }
}

/**
 * When each page last started a download. Headless Chromium drops a download, with no event,
 * no file and no message, when a page starts an eleventh within about a second (measured with
 * a bare page whose button downloads a blob at once: clicks 1-10 download, the 11th does not,
 * and none is lost when the 11th waits a second or each click takes 30 ms). A person never
 * clicks that fast; a test does, so tests start downloads through `downloadBy`.
 */
const downloadStarts = new WeakMap();

/**
 * Does `action` (a click) and resolves to the download it starts, starting at most 8 downloads
 * in any 1.5 seconds on one page, well inside Chromium's limit.
 */
export async function downloadBy(page, action) {
  const recent = (downloadStarts.get(page) ?? []).filter((t) => Date.now() - t < 1500);
  if (recent.length >= 8) {
    await page.waitForTimeout(1500 - (Date.now() - recent[0]));
    recent.shift();
  }
  recent.push(Date.now());
  downloadStarts.set(page, recent);
  const [download] = await Promise.all([page.waitForEvent('download'), action()]);
  return download;
}

/** Clicks `selector` and resolves to the downloaded file's name and text. */
export async function downloadText(page, selector) {
  const download = await downloadBy(page, () => page.click(selector));
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/**
 * Clicks a child's button (`[data-child]`, a locator) in the children table and waits until
 * the detail shows that child, its timeline drawn. Waiting for any drawn timeline is not
 * enough: the previous child's stays drawn until the new one replaces it, and a test that
 * then reads its canvas can find it gone.
 */
export async function openChildRow(page, button) {
  const index = await button.getAttribute('data-child');
  await button.click();
  await page.waitForSelector(`#child-detail[data-child="${index}"] figure[data-drawn="yes"]`);
}

/** Parses CSV text (RFC 4180 quoting, after the byte-order mark every export starts with) into rows of cells. */
export function parseCsv(csv) {
  const text = csv.startsWith('\ufeff') ? csv.slice(1) : csv;
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i += 1;
      }
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Reads an exported CSV as tests/cli_csv.rs reads the command line's: a byte-order mark, every
 * record as wide as the header, an ISO date (or nothing) in each of `dates`, a plain number
 * (no grouping, no unit; or nothing) in each of `numbers`, and no cell a spreadsheet would run
 * as a formula. Returns the rows, the header first.
 */
export function readCsvStrictly(name, csv, { dates = [], numbers = [] } = {}) {
  assert.ok(csv.startsWith('\ufeff'), `${name}: no byte-order mark`);
  const rows = parseCsv(csv);
  const [header, ...body] = rows;
  for (const column of [...dates, ...numbers]) {
    assert.ok(header.includes(column), `${name}: no ${column} in ${header.join(', ')}`);
  }
  const plainNumber = (cell) => /^-?\d+(\.\d+)?$/.test(cell);
  body.forEach((cells, i) => {
    assert.equal(cells.length, header.length, `${name}, row ${i + 2}: ${cells.length} cells for ${header.length} columns`);
    cells.forEach((cell, j) => {
      if (cell === '') return;
      const at = `${name}, row ${i + 2}, ${header[j]}: ${JSON.stringify(cell)}`;
      if (dates.includes(header[j])) {
        assert.match(cell, /^\d{4}-\d{2}-\d{2}$/, `${at} is not an ISO date`);
        assert.equal(new Date(`${cell}T00:00:00Z`).toISOString().slice(0, 10), cell, `${at} is not a date`);
      }
      if (numbers.includes(header[j])) {
        assert.ok(plainNumber(cell), `${at} is not a plain number`);
      }
      if (/^[=+\-@\t\r]/.test(cell)) {
        assert.ok(plainNumber(cell), `${at} could run as a formula`);
      }
    });
  });
  return rows;
}

/** Runs the command line with any arguments; resolves to `{ code, stdout, stderr }`. */
export function cli(args) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error === null ? 0 : error.code, stdout, stderr });
    });
  });
}

/** Loads files into the page with the file picker and waits for the load to finish. */
export async function pickFiles(page, files) {
  await page.setInputFiles('#file-input', files);
  return waitForLoad(page);
}

/**
 * Asserts that two reports are the same: equal in every key, string and integer, and every
 * other number equal to within 1e-12 of its size. The Kaplan–Meier confidence bands use `exp`
 * and `ln`, whose last bit can differ between the browser's WebAssembly core and the native
 * command line (each uses its own maths library); everything the page shows is rounded far
 * above that.
 */
export function assertSameReport(actual, expected, path = 'report') {
  if (typeof expected === 'number' && typeof actual === 'number' && !(Number.isInteger(expected) && Number.isInteger(actual))) {
    const tolerance = 1e-12 * Math.max(1, Math.abs(expected), Math.abs(actual));
    assert.ok(Math.abs(actual - expected) <= tolerance, `${path}: ${actual} is not ${expected}`);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    assert.strictEqual(actual, expected, path);
    return;
  }
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${path}: array or object`);
  assert.ok(actual !== null && typeof actual === 'object', `${path}: ${JSON.stringify(actual)} is not an object`);
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
  for (const key of Object.keys(expected)) {
    assertSameReport(actual[key], expected[key], `${path}.${key}`);
  }
}
