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
//    - the page: navigation → ready (the `driftline-ready` mark), wasm size raw and gzipped
//      (with BEFORE_WWW, that build's page and wasm too, in the same rounds);
//    - CSV: Driftline's two paths, `open()` (bytes → report in a session, summary in the page)
//      and the documented `analyze()` (bytes → the report object an embedder uses), against
//      Papa Parse + a JS computation of the stage median, and DuckDB-wasm reading the CSVs and
//      computing it in SQL, after checking that all of them give the same median and counts;
//    - with BEFORE_WWW=DIR (another build of www/, say main's, with its pkg/), that build's
//      `analyze()` too, in the same rounds, for a before/after in one run;
//    - xlsx: Driftline's load against SheetJS `read` alone;
//    - peak wasm memory (`memory.buffer.byteLength` after the load) relative to the input;
//    - the longest main-thread task while the real page loads the CSV (Long Tasks API);
//    - canvas redraws: a child's timeline, and the cohort view of COHORT_CHILDREN children.
// 4. Prints a Markdown table, then each of issue 20's targets as met or missed, and writes
//    them, with the raw figures as JSON, to target/bench/.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from '../e2e/browser.mjs';
import { waitForLoad, watchLongTasks } from '../e2e/helpers.mjs';
import { serve } from '../e2e/server.mjs';
import {
  AS_AT, CSV_CHILDREN, CSV_FILES, DATA, HERE, OUT, ROOT, XLSX_CHILDREN, dataUrl, env, generate, log,
} from './inputs.mjs';

const RUNS = Number(env('RUNS', 5));
const COHORT_CHILDREN = Number(env('COHORT_CHILDREN', 5_000));
const BEFORE_WWW = process.env.BEFORE_WWW ?? null;
const BEFORE_MODULE = '/before/driftline.js';
// Which parts to run (a comma-separated subset, for iterating on one figure): page, peers,
// analyze, draw. The default runs them all; the table leaves out the rows not measured.
const ONLY = env('ONLY', 'page,peers,analyze,draw').split(',');
const want = (part) => ONLY.includes(part);

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

  const server = await serve({
    '/': join(ROOT, 'www'),
    '/bench/': HERE,
    '/data/': DATA,
    ...(BEFORE_WWW === null ? {} : { '/before/': BEFORE_WWW }),
  });
  const csvUrls = CSV_FILES.map((f) => dataUrl(csvDir, f));
  const xlsxUrls = [dataUrl(xlsxDir, 'driftline.xlsx')];
  const cohortUrls = CSV_FILES.map((f) => dataUrl(cohortDir, f));
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
    before: BEFORE_WWW,
  };
  try {
    if (want('page')) {
      results.page = await pageFigures(browser, server.origin, csvPaths);
    }
    results.wasm = { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length };
    if (BEFORE_WWW !== null) {
      const before = readFileSync(join(BEFORE_WWW, 'pkg', 'driftline_bg.wasm'));
      results.wasmBefore = { raw: before.length, gzip: gzipSync(before, { level: 9 }).length };
    }
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
      const others = [['Papa Parse + JS', papa], ['DuckDB-wasm', duck]];
      if (BEFORE_WWW !== null) {
        const before = await page.evaluate(([u, a, m]) => window.bench.driftlineAnalyze(u, a, m), [csvUrls, AS_AT, BEFORE_MODULE]);
        others.push(['the BEFORE_WWW build', before.stages.permanence_recommendation]);
      }
      for (const [who, theirs] of others) {
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
        csvAnalyze: () => page.evaluate(([u, a]) => window.bench.driftlineAnalyze(u, a), [csvUrls, AS_AT]),
        ...(BEFORE_WWW === null ? {} : {
          csvOpenBefore: () => page.evaluate(([u, a, m]) => window.bench.driftlineOpen(u, a, m), [csvUrls, AS_AT, BEFORE_MODULE]),
          csvAnalyzeBefore: () => page.evaluate(([u, a, m]) => window.bench.driftlineAnalyze(u, a, m), [csvUrls, AS_AT, BEFORE_MODULE]),
          xlsxBefore: () => page.evaluate(([u, a, m]) => window.bench.driftlineOpen(u, a, m), [xlsxUrls, AS_AT, BEFORE_MODULE]),
        }),
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
        analyze: pick('csvAnalyze', 'ms'),
        analyzeMemory: pick('csvAnalyze', 'memory'),
        firstJourney: pick('csvAnalyze', 'firstMs'),
        ...(BEFORE_WWW === null ? {} : {
          driftlineBefore: pick('csvOpenBefore', 'ms'),
          analyzeBefore: pick('csvAnalyzeBefore', 'ms'),
          analyzeBeforeMemory: pick('csvAnalyzeBefore', 'memory'),
        }),
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
        ...(BEFORE_WWW === null ? {} : {
          driftlineBefore: pick('xlsxBefore', 'ms'),
          memoryBefore: pick('xlsxBefore', 'memory'),
        }),
      };
    }
    // `analyze()` and then every journey read (each built as JavaScript objects): what an
    // embedder that walks the whole list pays, beside the build before (BEFORE_WWW).
    if (want('analyze')) {
      const modules = { after: '/driftline.js', ...(BEFORE_WWW === null ? {} : { before: BEFORE_MODULE }) };
      const full = Object.fromEntries(Object.keys(modules).map((k) => [k, []]));
      for (let i = 0; i <= Math.min(RUNS, 3); i++) {
        for (const [name, module] of Object.entries(modules)) {
          const r = await page.evaluate(([u, a, m]) => window.bench.driftlineAnalyze(u, a, m, true), [csvUrls, AS_AT, module]);
          if (i > 0) {
            full[name].push(r);
          }
        }
        log(`analyze and read every journey ${i}${i === 0 ? ' (warm-up)' : ''}: ` +
          Object.entries(full).map(([k, v]) => `${k} ${v.at(-1) ? (v.at(-1).ms + v.at(-1).allMs).toFixed(0) : '-'}`).join(', '));
      }
      const whole = (rs) => median(rs.map((r) => r.ms + r.allMs));
      results.analyze = {
        whole: whole(full.after),
        readAll: median(full.after.map((r) => r.allMs)),
        ...(full.before ? { wholeBefore: whole(full.before) } : {}),
      };
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
  const readyBefore = [];
  const longest = [];
  const loads = [];
  for (let i = 0; i <= RUNS; i++) {
    if (BEFORE_WWW !== null) {
      // The BEFORE_WWW build's page first, in its own context, so both pages start alike.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${origin}/before/`);
      await page.waitForSelector('body[data-engine="ready"]');
      const ms = await page.evaluate(() => performance.getEntriesByName('driftline-ready')[0].startTime);
      if (i > 0) {
        readyBefore.push(ms);
      }
      log(`page ${i}, BEFORE_WWW build: ready ${ms.toFixed(0)} ms`);
      await context.close();
    }
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
  return {
    ready: median(ready),
    ...(readyBefore.length > 0 ? { readyBefore: median(readyBefore) } : {}),
    longestTask: median(longest),
    longestTaskMax: Math.max(...longest),
    load: median(loads),
  };
}

function markdown(r) {
  const ms = (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
  const mb = (v) => `${(v / 1e6).toFixed(1)} MB`;
  const ratio = (peer, mine) => `${(peer / mine).toFixed(2)}×`;
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
      `| CSV bytes → the report object (\`analyze()\`, journeys read on access) | ${ms(r.csv.analyze)} | DuckDB-wasm 1.32 (eh, worker): read + one median in SQL | ${ms(r.csv.duckdb)} | ${ratio(r.csv.duckdb, r.csv.analyze)} |`,
      `| | | Papa Parse + JS median | ${ms(r.csv.papa)} | ${ratio(r.csv.papa, r.csv.analyze)} |`,
      ...(r.csv.analyzeBefore === undefined ? [] : [
        `| | | \`analyze()\` of the BEFORE_WWW build | ${ms(r.csv.analyzeBefore)} | ${ratio(r.csv.analyzeBefore, r.csv.analyze)} |`,
        `| \`analyze()\` of the BEFORE_WWW build | ${ms(r.csv.analyzeBefore)} | DuckDB-wasm (as above) | ${ms(r.csv.duckdb)} | ${ratio(r.csv.duckdb, r.csv.analyzeBefore)} |`,
      ]),
      `| then the first journey read | ${ms(r.csv.firstJourney)} | | | |`,
      `| CSV bytes → full report in a session (\`open()\`: every stage, KM, breakdowns) | ${ms(r.csv.driftline)} | DuckDB-wasm 1.32 (eh, worker): read + one median in SQL | ${ms(r.csv.duckdb)} | ${ratio(r.csv.duckdb, r.csv.driftline)} |`,
      ...(r.csv.driftlineBefore === undefined ? [] : [
        `| | | \`open()\` of the BEFORE_WWW build | ${ms(r.csv.driftlineBefore)} | ${ratio(r.csv.driftlineBefore, r.csv.driftline)} |`,
      ]),
      `| | | Papa Parse 5.7 parsing alone | ${ms(r.csv.papaParse)} | ${ratio(r.csv.papaParse, r.csv.driftline)} |`,
      `| | | Papa Parse + JS median | ${ms(r.csv.papa)} | ${ratio(r.csv.papa, r.csv.driftline)} |`,
      `| xlsx bytes → full report | ${ms(r.xlsx.driftline)} | SheetJS 0.18.5 \`read\` alone | ${ms(r.xlsx.sheetjs)} | ${ratio(r.xlsx.sheetjs, r.xlsx.driftline)} |`,
      ...(r.xlsx.driftlineBefore === undefined ? [] : [
        `| | | xlsx of the BEFORE_WWW build | ${ms(r.xlsx.driftlineBefore)} | ${ratio(r.xlsx.driftlineBefore, r.xlsx.driftline)} |`,
        `| xlsx of the BEFORE_WWW build | ${ms(r.xlsx.driftlineBefore)} | SheetJS (as above) | ${ms(r.xlsx.sheetjs)} | ${ratio(r.xlsx.sheetjs, r.xlsx.driftlineBefore)} |`,
      ]),
      `| peak wasm memory, CSV load | ${mb(r.csv.memory)} = ${(r.csv.memory / r.input.csvBytes).toFixed(2)}× input | | | |`,
      `| peak wasm memory, CSV \`analyze()\` | ${mb(r.csv.analyzeMemory)} = ${(r.csv.analyzeMemory / r.input.csvBytes).toFixed(2)}× input${r.csv.analyzeBeforeMemory === undefined ? '' : ` (BEFORE_WWW build: ${mb(r.csv.analyzeBeforeMemory)} = ${(r.csv.analyzeBeforeMemory / r.input.csvBytes).toFixed(2)}×)`} | | | |`,
      `| peak wasm memory, xlsx load | ${mb(r.xlsx.memory)} = ${(r.xlsx.memory / r.input.xlsxBytes).toFixed(2)}× input${r.xlsx.memoryBefore === undefined ? '' : ` (BEFORE_WWW build: ${mb(r.xlsx.memoryBefore)} = ${(r.xlsx.memoryBefore / r.input.xlsxBytes).toFixed(2)}×)`} | | | |`,
    );
  }
  if (r.analyze !== undefined) {
    lines.push(
      `| CSV bytes → \`analyze()\`, then every journey read | ${ms(r.analyze.whole)} (reading ${ms(r.analyze.readAll)}) | ${r.analyze.wholeBefore === undefined ? '' : 'the BEFORE_WWW build'} | ${r.analyze.wholeBefore === undefined ? '' : ms(r.analyze.wholeBefore)} | ${r.analyze.wholeBefore === undefined ? '' : ratio(r.analyze.wholeBefore, r.analyze.whole)} |`,
    );
  }
  if (r.page) {
    lines.push(
      `| page: navigation → ready | ${ms(r.page.ready)} | ${r.page.readyBefore === undefined ? '' : 'the BEFORE_WWW build'} | ${r.page.readyBefore === undefined ? '' : ms(r.page.readyBefore)} | |`,
      `| page: CSV dropped → summary shown | ${ms(r.page.load)} | | | |`,
      `| longest main-thread task during that load | ${ms(r.page.longestTask)} (worst run ${ms(r.page.longestTaskMax)}) | | | |`,
    );
  }
  const size = (w) => `${(w.raw / 1000).toFixed(0)} kB raw, ${(w.gzip / 1000).toFixed(0)} kB gzipped`;
  lines.push(`| wasm size (gzip -9) | ${size(r.wasm)} | ${r.wasmBefore === undefined ? '' : 'the BEFORE_WWW build'} | ${r.wasmBefore === undefined ? '' : size(r.wasmBefore)} | |`);
  if (r.draw) {
    const n = r.draw.cohortChildren.toLocaleString('en-GB');
    lines.push(
      `| canvas redraw: one child's timeline | ${ms(r.draw.timeline)} | | | |`,
      `| canvas redraw: cohort of ${n} children, every child in one picture | ${ms(r.draw.cohort)} | | | |`,
      `| canvas redraw: cohort of ${n} children, 40 rows in view | ${ms(r.draw.cohortPage)} | | | |`,
    );
  }
  lines.push('', ...targets(r), '');
  return lines.join('\n');
}

/** Issue 20's targets, each met or missed (or not measured in this run). */
function targets(r) {
  const rows = [];
  const row = (target, measured, met) =>
    rows.push(`| ${target} | ${measured ?? 'not measured in this run'} | ${measured === null ? '' : met ? 'met' : 'missed'} |`);
  const x = (v) => `${v.toFixed(2)}×`;
  const csv = r.csv ?? null;
  row('`analyze()` no slower than DuckDB-wasm (goal: twice as fast): DuckDB ÷ `analyze()` ≥ 1',
    csv && `${x(csv.duckdb / csv.analyze)} (${Math.round(csv.analyze)} ms against ${Math.round(csv.duckdb)} ms)`,
    csv && csv.duckdb / csv.analyze >= 1);
  row('`open()` at most a third of DuckDB-wasm\'s time: DuckDB ÷ `open()` ≥ 3',
    csv && `${x(csv.duckdb / csv.driftline)} (${Math.round(csv.driftline)} ms against ${Math.round(csv.duckdb)} ms)`,
    csv && csv.duckdb / csv.driftline >= 3);
  row('xlsx at least 6× SheetJS `read` alone',
    r.xlsx ? `${x(r.xlsx.sheetjs / r.xlsx.driftline)}` : null, r.xlsx && r.xlsx.sheetjs / r.xlsx.driftline >= 6);
  row('wasm at most 500 KB gzipped', `${(r.wasm.gzip / 1000).toFixed(0)} kB`, r.wasm.gzip <= 500_000);
  row('page ready within 300 ms', r.page ? `${Math.round(r.page.ready)} ms` : null, r.page && r.page.ready <= 300);
  // Both ways in: the page's `open()` and the documented `analyze()`, whichever peaks higher.
  const peaks = csv ? [csv.memory, csv.analyzeMemory].filter((m) => m !== undefined) : [];
  row('peak wasm memory at most 2.5× the CSV input (`open()` and `analyze()`)',
    csv && `\`open()\` ${x(csv.memory / r.input.csvBytes)}${csv.analyzeMemory === undefined ? '' : `, \`analyze()\` ${x(csv.analyzeMemory / r.input.csvBytes)}`}`,
    csv && Math.max(...peaks) / r.input.csvBytes <= 2.5);
  row('peak wasm memory at most 6× the compressed workbook',
    r.xlsx ? x(r.xlsx.memory / r.input.xlsxBytes) : null, r.xlsx && r.xlsx.memory / r.input.xlsxBytes <= 6);
  const national = csv && r.input.csvRows >= 1_000_000;
  row('about 1,000,000 rows open in one tab within 3 s (`open()`)',
    national ? `${r.input.csvRows.toLocaleString('en-GB')} rows in ${(csv.driftline / 1000).toFixed(2)} s` : null,
    national && csv.driftline <= 3000);
  return ['Issue 20\'s targets, in this run:', '', '| target | measured | |', '|---|---|---|', ...rows];
}

main().catch((error) => {
  log(error.stack ?? String(error));
  process.exit(1);
});
