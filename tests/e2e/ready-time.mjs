// Measures how soon the page is ready to read files when served from localhost: the time from
// navigation to the page's `driftline-ready` mark (the WebAssembly core compiled and its
// worker started), over fresh browser contexts (nothing cached). Prints the median and range.
//   node tests/e2e/ready-time.mjs [RUNS]   (after `make build`)

import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import { WWW } from './helpers.mjs';

const runs = Number(process.argv[2] ?? 15);
const server = await serve(WWW);
const browser = await launch();
const times = [];
const bytes = [];
const steps = [];
try {
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let transferred = 0;
    page.on('response', async (response) => {
      transferred += (await response.body().catch(() => Buffer.alloc(0))).length;
    });
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('body[data-engine="ready"]');
    const marks = await page.evaluate(() => ({
      ready: performance.getEntriesByName('driftline-ready')[0].startTime,
      compiled: performance.getEntriesByName('driftline-compiled')[0]?.startTime ?? NaN,
      parsed: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    }));
    times.push(marks.ready);
    steps.push(marks);
    bytes.push(transferred);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const middle = (key) => {
  const values = steps.map((s) => s[key]).sort((a, b) => a - b);
  return Math.round(values[Math.floor(values.length / 2)]);
};
process.stdout.write(
  `page ready: median ${Math.round(median)} ms, fastest ${Math.round(times[0])} ms, slowest ` +
    `${Math.round(times.at(-1))} ms over ${runs} loads (medians: modules loaded ${middle('parsed')} ms, ` +
    `core compiled ${middle('compiled')} ms); ${(Math.max(...bytes) / 1024).toFixed(0)} KiB fetched\n`,
);
