// Where the core's time goes in the browser (`make bench-profile`): Chromium's own sampling
// profiler (DevTools protocol, `Profiler` domain) around the core's work on the benchmark's
// files, with the wasm's function names kept.
//
// The page's wasm has its names stripped by wasm-opt, so this profiles the same build
// optimised again with `wasm-opt -Oz -g`, which keeps them (target/profile-wasm/, which
// `make bench-profile` makes from `make build`'s wasm-bindgen output). It runs on a page's
// main thread (profile.html), not in the page's worker: the
// page's DevTools session profiles its main thread, and the work is the same `Session` calls
// the worker makes. For each workload it prints the functions and the crates with the most
// self time, and writes the whole profile to target/bench/profile-WORKLOAD.cpuprofile (open
// it in Chromium's DevTools, Performance panel, to browse it).
//
// Environment: CSV_CHILDREN, XLSX_CHILDREN, AS_AT, SEED as in run.mjs (the same generated
// files are reused); RUNS (default 3: each workload is run once unprofiled to warm up, then
// RUNS times profiled, the samples added together); WORKLOADS (default open,analyze,xlsx);
// TOP (default 25); INTERVAL, the sampling interval in microseconds (default 100).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from '../e2e/browser.mjs';
import { serve } from '../e2e/server.mjs';
import {
  AS_AT, CSV_CHILDREN, CSV_FILES, DATA, HERE, OUT, ROOT, XLSX_CHILDREN, dataUrl, env, generate, log,
} from './inputs.mjs';

const RUNS = Number(env('RUNS', 3));
const WORKLOADS = env('WORKLOADS', 'open,analyze,xlsx').split(',');
const TOP = Number(env('TOP', 25));
const INTERVAL = Number(env('INTERVAL', 100));
const NAMED = join(ROOT, 'target', 'profile-wasm');

/**
 * A readable name for a profile node: a wasm function's name as its name section gives it,
 * without the `$` V8 puts before it or the hash rustc puts after it.
 */
function functionName(frame) {
  const name = (frame.functionName || `(anonymous ${frame.url.split('/').pop()})`)
    .replace(/^\$/, '')
    .replace(/::h[0-9a-f]{16}$/, '');
  return name;
}

/**
 * The crate a function belongs to, by the first path segment of its name (`<alloc::vec::Vec<T>
 * as Trait>::f` is `alloc`'s). JavaScript and V8's own entries keep their names.
 */
function crateOf(name, frame) {
  if (name.startsWith('(')) {
    return name;
  }
  if (!frame.url.endsWith('.wasm') && !/wasm-function/.test(frame.url) && frame.url !== '') {
    return 'JavaScript';
  }
  const path = name.replace(/^[<&*\s]+|^(mut|const|dyn|impl)\s+/g, '');
  const segment = path.split('::')[0].replace(/[<>\s].*$/, '');
  return /^[a-z_][a-z0-9_]*$/.test(segment) ? segment : '(other wasm)';
}

/**
 * Time (ms) over the samples of several profiles: self time by function and by crate, and
 * Driftline's own functions' total time (each sample counted once for every distinct
 * function on its stack).
 */
function selfTimes(profiles) {
  const byFunction = new Map();
  const byCrate = new Map();
  const inclusive = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) {
        parent.set(child, node.id);
      }
    }
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const node = nodes.get(id);
      const name = functionName(node.callFrame);
      if (name === '(idle)') {
        return;
      }
      total += ms;
      add(byFunction, name, ms);
      add(byCrate, crateOf(name, node.callFrame), ms);
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const caller = functionName(nodes.get(at).callFrame);
        if (caller.startsWith('driftline::') && !seen.has(caller)) {
          seen.add(caller);
          add(inclusive, caller, ms);
        }
      }
    });
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { total, functions: sorted(byFunction), crates: sorted(byCrate), inclusive: sorted(inclusive) };
}

function table(title, rows, total, limit) {
  const pct = (ms) => `${((100 * ms) / total).toFixed(1)} %`;
  const lines = [`| ${title} | self time | share |`, '|---|---:|---:|'];
  for (const [name, ms] of rows.slice(0, limit)) {
    lines.push(`| \`${name.replaceAll('|', '\\|').slice(0, 140)}\` | ${ms.toFixed(0)} ms | ${pct(ms)} |`);
  }
  return lines.join('\n');
}

async function main() {
  if (!existsSync(join(NAMED, 'driftline_bg.wasm'))) {
    throw new Error(`no ${NAMED}/driftline_bg.wasm: run \`make build\` first`);
  }
  const csvDir = generate('template-csv', CSV_CHILDREN);
  const xlsxDir = generate('template-xlsx', XLSX_CHILDREN);
  const server = await serve({ '/bench/': HERE, '/named/': NAMED, '/data/': DATA });
  const inputs = {
    open: CSV_FILES.map((f) => dataUrl(csvDir, f)),
    analyze: CSV_FILES.map((f) => dataUrl(csvDir, f)),
    xlsx: [dataUrl(xlsxDir, 'driftline.xlsx')],
  };
  const call = { open: 'open', analyze: 'analyze', xlsx: 'open' };
  const browser = await launch();
  mkdirSync(OUT, { recursive: true });
  const report = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`${server.origin}/bench/profile.html`);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready');
    await page.evaluate((urls) => window.profile.init(urls), [...new Set(Object.values(inputs).flat())]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: INTERVAL });
    for (const workload of WORKLOADS) {
      const urls = inputs[workload];
      if (urls === undefined) {
        throw new Error(`unknown workload ${workload}: open, analyze or xlsx`);
      }
      const run = () => page.evaluate(([fn, u, a]) => window.profile[fn](u, a), [call[workload], urls, AS_AT]);
      const warm = await run();
      const profiles = [];
      const times = [];
      for (let i = 0; i < RUNS; i += 1) {
        await cdp.send('Profiler.start');
        times.push(await run());
        profiles.push((await cdp.send('Profiler.stop')).profile);
      }
      writeFileSync(join(OUT, `profile-${workload}.cpuprofile`), JSON.stringify(profiles.at(-1)));
      const { total, functions, crates, inclusive } = selfTimes(profiles);
      log(`${workload}: warm-up ${warm.toFixed(0)} ms, profiled ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
      report.push(
        `## ${workload} (${RUNS} profiled runs: ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')}; `
          + `${total.toFixed(0)} ms of samples)`,
        '',
        table('crate', crates, total, 15),
        '',
        table('function', functions, total, TOP),
        '',
        table("Driftline's functions, with what they call", inclusive, total, TOP)
          .replace('| self time |', '| total time |'),
        '',
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const text = report.join('\n');
  writeFileSync(join(OUT, 'profile.md'), `${text}\n`);
  process.stdout.write(`${text}\n`);
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
