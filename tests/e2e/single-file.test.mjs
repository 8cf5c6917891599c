// The single-file page (dist/driftline.html, built by `make dist`) opened from disk: it starts
// with no network at all, its inlined demo data loads, and it shows what the command line
// reports for the same files, and draws the Overview's charts.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './browser.mjs';
import { DEMO_FILES, DIST, RECORD_CSP_VIOLATIONS, assertPageMatchesCli } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('dist/driftline.html works from file:// with no network', async () => {
  const url = pathToFileURL(join(DIST, 'driftline.html')).href;
  const context = await browser.newContext({ offline: true });
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(RECORD_CSP_VIOLATIONS);
    await page.goto(url);
    await page.waitForSelector('body[data-engine="ready"]');
    await page.click('#demo-button');
    await assertPageMatchesCli(page, DEMO_FILES);
    // The Overview's charts are drawn from file:// too.
    await page.click('#tab-overview');
    await page.waitForFunction(() =>
      ['overview-delay', 'overview-km', 'overview-spread', 'overview-cohort'].every(
        (slot) => document.querySelector(`figure[data-slot="${slot}"]`)?.dataset.drawn === 'yes',
      ),
    );
    const ink = await page.$$eval('#view-overview figure.chart canvas', (canvases) =>
      canvases.map((canvas) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) n += 1;
        }
        return n / (data.length / 4);
      }),
    );
    assert.equal(ink.length, 4);
    assert.ok(ink.every((share) => share > 0.01), `ink: ${ink.join(', ')}`);
    // The charts were drawn in the inlined chart font: in the worker, "Permanence" at 12px is
    // as wide as the core measures it (11612 units of 2048 to the em in Liberation Sans, worked
    // by hand from its advance widths), under a policy that allows no font request at all.
    const workers = page.workers();
    assert.ok(workers.length > 0);
    for (const worker of workers) {
      const width = await worker.evaluate(() => {
        const ctx = new OffscreenCanvas(8, 8).getContext('2d');
        ctx.fontKerning = 'none';
        ctx.font = 'normal 12px Liberation Sans, Arial, Helvetica, sans-serif';
        return ctx.measureText('Permanence').width;
      });
      assert.ok(Math.abs(width - (11612 / 2048) * 12) < 0.01, `worker: ${width}`);
    }
    // The font's licence travels with it, inside the file and beside it.
    const licence = await page.$eval('#driftline-font-license', (block) => block.textContent);
    assert.match(licence, /SIL OPEN FONT LICENSE Version 1\.1/);
    assert.ok(existsSync(join(DIST, 'LICENSE-OFL.txt')));
    // The only "requests" are the file itself and the worker's blob: URL.
    const other = requests.filter((r) => r !== url && !r.startsWith('blob:'));
    assert.deepEqual(other, []);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
