// Robustness in headless Chromium: every file of the bad corpus (tests/fixtures/bad/) gives
// in the page exactly what the command line gives, and the page stays usable after each; a
// file over the size limit is refused before it is read; a million-row load does not crash
// the tab and its report equals the command line's.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  ROOT,
  WWW,
  assertPageMatchesCli,
  cli,
  cliAnalyze,
  expectedCounts,
  networkRequests,
  openRecorded,
  pageAsAt,
  shownCounts,
  shownProblems,
  waitForLoad,
} from './helpers.mjs';

const BAD = join(ROOT, 'tests', 'fixtures', 'bad');

let server;
let browser;
let dir;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'driftline-robust-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Clears the page (so the next status is the next load's) and drops `files` into it. */
async function dropAfterClear(page, files) {
  await page.evaluate(() => document.getElementById('clear-button').click());
  await page.waitForFunction(() => !document.getElementById('status').classList.contains('is-done'));
  await page.setInputFiles('#file-input', files);
}

test('every bad file gives the command line’s answer in the page, and the page stays usable', async () => {
  const files = readdirSync(BAD)
    .filter((name) => !name.endsWith('.py'))
    .sort();
  assert.ok(files.length >= 30, `the bad corpus has ${files.length} files`);
  const { context, page, errors, requests } = await openRecorded(browser, `${server.origin}/`);
  const afterLoad = requests.length;
  try {
    let readable = 0;
    for (const name of files) {
      const path = join(BAD, name);
      await dropAfterClear(page, [path]);
      await waitForLoad(page);
      const cliResult = await cliAnalyze([path], await pageAsAt(page));
      assert.ok(cliResult.code === 0 || cliResult.code === 2, `${name}: the command line exited ${cliResult.code}`);
      try {
        await assertPageMatchesCli(page, [path], { readable: cliResult.code === 0 });
      } catch (error) {
        error.message = `${name}: ${error.message}`;
        throw error;
      }
      if (cliResult.code === 0) {
        readable += 1;
        const { input } = cliResult.report;
        assert.equal(input.rows_read, input.rows_used + input.rows_rejected, `${name}: rows are lost`);
      } else {
        // Refused with a specific message, never a bare failure.
        const problems = await shownProblems(page);
        assert.ok(problems.length > 0, `${name}: refused without a problem listed`);
        for (const [file, , , , message] of problems) {
          assert.equal(file, name);
          assert.ok(message.length > 30, `${name}: "${message}" says too little`);
        }
      }
    }
    // Some files load what they can, others are refused: both paths were exercised.
    assert.ok(readable > 0 && readable < files.length, `${readable} of ${files.length} readable`);
    // After all of them the page still works.
    await dropAfterClear(page, DEMO_FILES);
    await assertPageMatchesCli(page, DEMO_FILES);
    assert.deepEqual(errors, []);
    assert.deepEqual(networkRequests(requests.slice(afterLoad)), []);
  } finally {
    await context.close();
  }
});

test('a file over the size limit is refused before it is read, with the core’s message', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    // The host lowers the limit to 1 MiB in its meta tag; the file is just over it.
    await page.evaluate(() => {
      document.querySelector('meta[name="driftline-limits"]').content = '{"maxFileBytes": 1048576}';
    });
    const rows = ['child_id,date_of_birth,sex'];
    let size = rows[0].length + 1;
    for (let n = 1; size <= 1024 * 1024; n += 1) {
      const row = `C${String(n).padStart(7, '0')},2015-01-01,F`;
      rows.push(row);
      size += row.length + 1;
    }
    const buffer = Buffer.from(`${rows.join('\n')}\n`);
    await page.setInputFiles('#file-input', { name: 'children.csv', mimeType: 'text/csv', buffer });
    const status = await waitForLoad(page);
    assert.match(status, /Nothing usable could be read/);
    const problems = await shownProblems(page);
    assert.deepEqual(problems, [
      ['children.csv', '', '', '', 'The file is 1 MB, more than the limit of 1 MB. Split it, or remove columns and rows that are not needed.'],
    ]);
    // The command line says the same with the same limit.
    const path = join(dir, 'children.csv');
    writeFileSync(path, buffer);
    const refused = await cli(['analyze', path, '--as-at', '2024-03-31', '--max-file-mb', '1']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /children\.csv: The file is 1 MB, more than the limit of 1 MB\. Split it/);
    // With the default limit the same file loads.
    await page.evaluate(() => {
      document.querySelector('meta[name="driftline-limits"]').content = '{"maxFileBytes": 268435456}';
    });
    await dropAfterClear(page, [path]);
    await assertPageMatchesCli(page, [path]);
    assert.equal((await shownCounts(page)).rows_read, rows.length - 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a million-row load does not crash the tab and its counts equal the command line', async () => {
  // 70,000 generated children in the template layout are just over a million rows.
  const out = join(dir, 'million');
  const generated = await cli(['generate', '--children', '70000', '--seed', '11', '--as-at', '2024-03-31', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  const files = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'].map((f) => join(out, f));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  try {
    await page.setInputFiles('#file-input', files);
    const status = await waitForLoad(page);
    assert.equal(crashed, false);
    assert.doesNotMatch(status, /could not|error/i, status);
    const shown = await shownCounts(page);
    assert.ok(shown.rows_read >= 1_000_000, `only ${shown.rows_read} rows in ${bytes} bytes`);
    // The full report of 70,000 journeys is too large to compare as JSON text; the summary is
    // the same report without the journeys.
    const asAt = await pageAsAt(page);
    const summary = await cli(['analyze', ...files, '--as-at', asAt, '--format', 'json-summary']);
    assert.equal(summary.code, 0, summary.stderr);
    const report = JSON.parse(summary.stdout);
    assert.deepEqual(shown, expectedCounts(report));
    assert.equal(report.input.rows_read, report.input.rows_used + report.input.rows_rejected);
    // The tab still answers after the load: the demo replaces the million rows.
    await page.evaluate(() => document.getElementById('clear-button').click());
    await page.click('#demo-button');
    await assertPageMatchesCli(page, DEMO_FILES);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
