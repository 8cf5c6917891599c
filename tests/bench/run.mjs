// The browser benchmark (`make bench-browser`, part of `make bench`): Driftline against what
// users would otherwise use, in headless Debian Chromium, in the same page and the same run,
// on the same generated files.
//
// 1. Generates the files with the native `driftline generate` (fixed seed; nothing committed):
//    the template CSV of CSV_CHILDREN children (children, placements and events: 36.7 MB by
//    default), a workbook of XLSX_CHILDREN children (about 8.5 MB) and a cohort of
//    COHORT_CHILDREN children for the charts.
// 2. Serves the page (`www/`), this folder and the files from one origin on 127.0.0.1.
// 3. Measures, each figure the median of RUNS runs after a warm-up, contenders interleaved
//    round by round so that a busy machine slows them alike:
//    - the page: navigation → ready (the `driftline-ready` mark), wasm size raw and gzipped;
//    - CSV: Driftline's whole path (bytes → report in a session, summary in the page) against
//      Papa Parse + a JS computation of the stage median, and DuckDB-wasm reading the CSVs and
//      computing it in SQL, after checking that all three give the same median and counts;
//    - xlsx: Driftline's load against SheetJS `read` alone;
//    - peak wasm memory (`memory.buffer.byteLength` after the load) relative to the input;
//    - the longest main-thread task while the real page loads the CSV (Long Tasks API);
//    - canvas redraws: a child's timeline, and the cohort view of COHORT_CHILDREN children.
// 4. Prints a Markdown table and writes it, with the raw figures as JSON, to target/bench/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch } from '../e2e/browser.mjs';
import { waitForLoad, watchLongTasks } from '../e2e/helpers.mjs';
import { serve } from '../e2e/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const env = (name, fallback) => process.env[name] ?? fallback;
const RUNS = Number(env('RUNS', 5));
const AS_AT = env('AS_AT', '2025-03-31');
const SEED = env('SEED', '1');
const CSV_CHILDREN = Number(env('CSV_CHILDREN', 63_400));
const XLSX_CHILDREN = Number(env('XLSX_CHILDREN', 28_700));
const COHORT_CHILDREN = Number(env('COHORT_CHILDREN', 5_000));
const BIN = env('DRIFTLINE_BIN', join(ROOT, 'target', 'debug', 'driftline'));
const DATA = join(ROOT, 'target', 'bench-data');
const OUT = join(ROOT, 'target', 'bench');
const CSV_FILES = ['children.csv', 'placements.csv', 'events.csv'];
// Which parts to run (a comma-separated subset, for iterating on one figure): page, peers,
// analyze, draw. The default runs them all; the table leaves out the rows not measured.
const ONLY = env('ONLY', 'page,peers,analyze,draw').split(',');
const want = (part) => ONLY.includes(part);
const log = (line) => process.stderr.write(`${line}\n`);

/** Generates a cohort once per set of parameters. */
function generate(format, children) {
  const dir = join(DATA, `${format}-${children}-seed${SEED}-${AS_AT}`);
  if (!existsSync(join(dir, 'done'))) {
    log(`generating ${format} for ${children} children in ${dir}`);
    execFileSync(BIN, ['generate', '--children', String(children), '--seed', SEED, '--as-at', AS_AT,
      '--format', format, '--out', dir, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(dir, 'done'), '');
  }
  return dir;
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function main() {
  const csvDir = generate('template-csv', CSV_CHILDREN);
  const xlsxDir = generate('template-xlsx', XLSX_CHILDREN);
  const cohortDir = generate('template-csv', COHORT_CHILDREN);
  const csvPaths = CSV_FILES.map((f) => join(csvDir, f));
  const csvBytes = csvPaths.reduce((sum, f) => sum + statSync(f).size, 0);
  const csvRows = csvPaths.reduce(
    (sum, f) => sum + readFileSync(f).reduce((n, b) => n + (b === 10 ? 1 : 0), 0) - 1, 0);
  const xlsxBytes = statSync(join(xlsxDir, 'driftline.xlsx')).size;
  const wasm = readFileSync(join(ROOT, 'www', 'pkg', 'driftline_bg.wasm'));

  const server = await serve({ '/': join(ROOT, 'www'), '/bench/': HERE, '/data/': DATA });
  const url = (dir, file) => `/data/${dir.slice(DATA.length + 1)}/${file}`;
  const csvUrls = CSV_FILES.map((f) => url(csvDir, f));
  const xlsxUrls = [url(xlsxDir, 'driftline.xlsx')];
  const cohortUrls = CSV_FILES.map((f) => url(cohortDir, f));
  const browser = await launch();
  const results = {
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      chromium: browser.version(),
      node: process.version,
    },
    input: { csvChildren: CSV_CHILDREN, csvBytes, csvRows, xlsxChildren: XLSX_CHILDREN, xlsxBytes },
    runs: RUNS,
  };
  try {
    if (want('page')) {
      results.page = await pageFigures(browser, server.origin, csvPaths);
    }
    results.wasm = { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(`${server.origin}/bench/`);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready');
    await page.evaluate((urls) => window.bench.fetchFiles(urls), [...csvUrls, ...xlsxUrls, ...cohortUrls]);

    if (want('peers')) {
      // The same answer from everyone before anything is timed.
      log('checking that the medians agree');
      const reference = await page.evaluate(([u, a]) => window.bench.driftlineAnalyze(u, a), [csvUrls, AS_AT]);
      const mine = reference.stages.permanence_recommendation;
      const papa = await page.evaluate(([u, a]) => window.bench.papa(u, a), [csvUrls, AS_AT]);
      await page.evaluate(() => window.bench.duckdbInit());
      const duck = await page.evaluate(([u, a]) => window.bench.duckdbMedian(u, a), [csvUrls, AS_AT]);
      for (const [who, theirs] of [['Papa Parse + JS', papa], ['DuckDB-wasm', duck]]) {
        for (const key of ['median', 'started', 'completed']) {
          if (theirs[key] !== mine[key]) {
            throw new Error(`${who} gives ${key} ${theirs[key]}, Driftline ${mine[key]}: the peers do not agree`);
          }
        }
      }
      results.check = { median: mine.median, started: mine.started, completed: mine.completed };
      log(`all agree: median ${mine.median} days, ${mine.completed} of ${mine.started} completed`);

      const contenders = {
        csvDriftline: () => page.evaluate(([u, a]) => window.bench.driftlineOpen(u, a), [csvUrls, AS_AT]),
        csvPapa: () => page.evaluate(([u, a]) => window.bench.papa(u, a), [csvUrls, AS_AT]),
        csvDuckdb: () => page.evaluate(([u, a]) => window.bench.duckdbMedian(u, a), [csvUrls, AS_AT]),
        xlsxDriftline: () => page.evaluate(([u, a]) => window.bench.driftlineOpen(u, a), [xlsxUrls, AS_AT]),
        xlsxSheetjs: () => page.evaluate((u) => window.bench.sheetjsRead(u), xlsxUrls),
      };
      const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
      for (let round = 0; round <= RUNS; round++) {
        for (const [name, run] of Object.entries(contenders)) {
          const figures = await run();
          if (round > 0) {
            samples[name].push(figures);
          }
        }
        log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ` +
          Object.entries(samples).map(([k, v]) => `${k} ${v.at(-1)?.ms.toFixed(0) ?? '-'}`).join(', '));
      }
      const pick = (name, key) => median(samples[name].map((s) => s[key]));
      results.csv = {
        driftline: pick('csvDriftline', 'ms'),
        papaParse: pick('csvPapa', 'parseMs'),
        papa: pick('csvPapa', 'ms'),
        duckdb: pick('csvDuckdb', 'ms'),
        memory: pick('csvDriftline', 'memory'),
        children: samples.csvDriftline[0].children,
        rowsRead: samples.csvDriftline[0].rowsRead,
      };
      results.xlsx = {
        driftline: pick('xlsxDriftline', 'ms'),
        sheetjs: pick('xlsxSheetjs', 'ms'),
        memory: pick('xlsxDriftline', 'memory'),
        rowsRead: samples.xlsxDriftline[0].rowsRead,
      };
    }
    if (want('analyze')) {
      const full = [];
      for (let i = 0; i <= Math.min(RUNS, 3); i++) {
        const r = await page.evaluate(([u, a]) => window.bench.driftlineAnalyze(u, a), [csvUrls, AS_AT]);
        if (i > 0) {
          full.push(r.ms);
        }
      }
      results.analyze = median(full);
    }

    // Charts: a child's timeline and the cohort view as the page draws them, redrawn. The
    // page shows a cohort two ways: every child in one picture (rows as thin as the page
    // makes them for this many children) and 40 rows at a time.
    if (want('draw')) {
      const kept = await page.evaluate(([u, a]) => window.bench.keep(u, a), [cohortUrls, AS_AT]);
      const specs = {
        timeline: { kind: 'timeline', child: 0, width: 1000 },
        cohort: {
          kind: 'cohort', width: 1000, first_row: 0, rows: null,
          row_height: Math.max(0.5, Math.min(14, 640 / kept.children)),
        },
        cohortPage: { kind: 'cohort', width: 1000, first_row: 0, rows: 40, row_height: 14 },
      };
      const draws = Object.fromEntries(Object.keys(specs).map((k) => [k, []]));
      for (let i = 0; i <= RUNS; i++) {
        for (const [name, spec] of Object.entries(specs)) {
          const d = await page.evaluate((sp) => window.bench.draw(sp), spec);
          if (i > 0) {
            draws[name].push(d.ms);
          }
        }
      }
      results.draw = {
        ...Object.fromEntries(Object.entries(draws).map(([k, v]) => [k, median(v)])),
        cohortChildren: COHORT_CHILDREN,
      };
      log(`draw: ${JSON.stringify(results.draw)}`);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'browser.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = markdown(results);
  writeFileSync(join(OUT, 'browser.md'), table);
  process.stdout.write(table);
}

/** The page itself: navigation → ready, and the longest main-thread task while it loads the CSV. */
async function pageFigures(browser, origin, csvPaths) {
  const ready = [];
  const longest = [];
  const loads = [];
  for (let i = 0; i <= RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-engine="ready"]');
    const readyMs = await page.evaluate(() => performance.getEntriesByName('driftline-ready')[0].startTime);
    const longTasksSoFar = await watchLongTasks(page);
    const t0 = Date.now();
    await page.setInputFiles('#file-input', csvPaths);
    await waitForLoad(page);
    const loadMs = Date.now() - t0;
    if (await page.$eval('#status', (s) => s.classList.contains('is-error'))) {
      throw new Error(`the page failed to load the CSV: ${await page.textContent('#status')}`);
    }
    const tasks = await longTasksSoFar();
    if (i > 0) {
      ready.push(readyMs);
      longest.push(Math.max(0, ...tasks));
      loads.push(loadMs);
    }
    log(`page ${i}: ready ${readyMs.toFixed(0)} ms, load ${loadMs} ms, longest task ${Math.max(0, ...tasks).toFixed(0)} ms`);
    await context.close();
  }
  return { ready: median(ready), longestTask: median(longest), longestTaskMax: Math.max(...longest), load: median(loads) };
}

function markdown(r) {
  const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
  const mb = (v) => `${(v / 1e6).toFixed(1)} MB`;
  const ratio = (peer, mine) => `${(peer / mine).toFixed(1)}×`;
  const lines = [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB; headless Chromium ${r.machine.chromium}; Node ${r.machine.node}. Median of ${r.runs} runs after a warm-up.`,
    '',
  ];
  if (r.check) {
    lines.push(
      `Input: template CSV of ${r.input.csvChildren.toLocaleString('en-GB')} children (children, placements, events; ${mb(r.input.csvBytes)}, ${r.input.csvRows.toLocaleString('en-GB')} rows); workbook of ${r.input.xlsxChildren.toLocaleString('en-GB')} children (${mb(r.input.xlsxBytes)}, ${r.xlsx.rowsRead.toLocaleString('en-GB')} rows in four sheets). All three give the permanence_recommendation median ${r.check.median} days (${r.check.completed.toLocaleString('en-GB')} of ${r.check.started.toLocaleString('en-GB')} completed).`,
      '',
    );
  }
  lines.push('| measure | Driftline | peer | peer time | peer ÷ Driftline |', '|---|---:|---|---:|---:|');
  if (r.csv) {
    lines.push(
      `| CSV bytes → full report (every stage, KM, breakdowns) | ${ms(r.csv.driftline)} | DuckDB-wasm 1.32 (eh, worker): read + one median in SQL | ${ms(r.csv.duckdb)} | ${ratio(r.csv.duckdb, r.csv.driftline)} |`,
      `| | | Papa Parse 5.7 parsing alone | ${ms(r.csv.papaParse)} | ${ratio(r.csv.papaParse, r.csv.driftline)} |`,
      `| | | Papa Parse + JS median | ${ms(r.csv.papa)} | ${ratio(r.csv.papa, r.csv.driftline)} |`,
      `| xlsx bytes → full report | ${ms(r.xlsx.driftline)} | SheetJS 0.18.5 \`read\` alone | ${ms(r.xlsx.sheetjs)} | ${ratio(r.xlsx.sheetjs, r.xlsx.driftline)} |`,
      `| peak wasm memory, CSV load | ${mb(r.csv.memory)} = ${(r.csv.memory / r.input.csvBytes).toFixed(2)}× input | | | |`,
      `| peak wasm memory, xlsx load | ${mb(r.xlsx.memory)} = ${(r.xlsx.memory / r.input.xlsxBytes).toFixed(2)}× input | | | |`,
    );
  }
  if (r.analyze !== undefined) {
    lines.push(`| CSV bytes → the whole report object in the page (\`analyze\`) | ${ms(r.analyze)} | | | |`);
  }
  if (r.page) {
    lines.push(
      `| page: navigation → ready | ${ms(r.page.ready)} | | | |`,
      `| page: CSV dropped → summary shown | ${ms(r.page.load)} | | | |`,
      `| longest main-thread task during that load | ${ms(r.page.longestTask)} (worst run ${ms(r.page.longestTaskMax)}) | | | |`,
    );
  }
  lines.push(`| wasm size | ${(r.wasm.raw / 1024).toFixed(0)} KB raw, ${(r.wasm.gzip / 1024).toFixed(0)} KB gzipped | | | |`);
  if (r.draw) {
    const n = r.draw.cohortChildren.toLocaleString('en-GB');
    lines.push(
      `| canvas redraw: one child's timeline | ${ms(r.draw.timeline)} | | | |`,
      `| canvas redraw: cohort of ${n} children, every child in one picture | ${ms(r.draw.cohort)} | | | |`,
      `| canvas redraw: cohort of ${n} children, 40 rows in view | ${ms(r.draw.cohortPage)} | | | |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
