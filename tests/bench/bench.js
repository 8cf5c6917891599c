/**
 * The browser side of the benchmark: each function loads or computes once and returns its
 * figures; `run.mjs` calls them through Playwright, repeats them and takes medians. Files are
 * fetched once into memory, so every timing starts from bytes already in the page.
 *
 * - Driftline: the page's own module (`/driftline.js`), its worker and its wasm core.
 * - Papa Parse 5.7 (`window.Papa`, a classic script) and the plain JS stage computation.
 * - DuckDB-wasm 1.32, the `eh` bundle in its worker, served from this origin.
 * - SheetJS 0.18.5 `read`.
 */

import { analyze, open, preload, sessionFor } from '/driftline.js';
import * as XLSX from '/bench/node_modules/xlsx/xlsx.mjs';
import * as duckdb from '/bench/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';
import { permanenceMedian, permanenceSql } from '/bench/peers.js';

/** name → { name, bytes: Uint8Array } */
const files = new Map();
let db = null;
let kept = null;

const now = () => performance.now();

async function fetchFiles(urls) {
  for (const url of urls) {
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`${url}: ${response.status}`);
    }
    const name = url.split('/').pop();
    files.set(url, { name, bytes: new Uint8Array(await response.arrayBuffer()) });
  }
  return urls.map((url) => files.get(url).bytes.byteLength);
}

function inputs(urls) {
  return urls.map((url) => files.get(url));
}

/**
 * Driftline's whole path: bytes → a session holding the report (every stage, KM, breakdowns)
 * and the load summary in the page. The worker is started first, as the page does at load.
 * `module` is `/driftline.js`, or another build of the page served beside it (BEFORE_WWW).
 */
async function driftlineOpen(urls, asAt, module = '/driftline.js') {
  const api = module === '/driftline.js' ? { open, preload } : await import(module);
  await api.preload();
  const t0 = now();
  const session = await api.open(inputs(urls), { asAt });
  const ms = now() - t0;
  const memory = await session.memory();
  const { children, rows_read: rowsRead, problems } = session.summary;
  session.close();
  return { ms, memory, children, rowsRead, problems };
}

/**
 * The documented path, `analyze()`: bytes → the report object an embedder uses (summary,
 * every stage's figures and `report.journeys`). Then, timed apart, what reading journeys
 * costs: the first one, and every one (`for...of`, which builds each journey's objects).
 * `module` is `/driftline.js`, or another build of the page served beside it (BEFORE_WWW).
 */
async function driftlineAnalyze(urls, asAt, module = '/driftline.js', readAll = false) {
  const api = module === '/driftline.js' ? { analyze, preload, sessionFor } : await import(module);
  await api.preload();
  const t0 = now();
  const report = await api.analyze(inputs(urls), { asAt });
  const ms = now() - t0;
  const t1 = now();
  const first = report.journeys[0].child_id;
  const firstMs = now() - t1;
  let allMs = null;
  if (readAll) {
    const t2 = now();
    let periods = 0;
    for (const journey of report.journeys) {
      periods += journey.care_periods.length;
    }
    allMs = now() - t2;
    if (periods !== report.care_periods) {
      throw new Error(`the journeys hold ${periods} care periods, the report says ${report.care_periods}`);
    }
  }
  const session = api.sessionFor(report);
  const memory = await session.memory();
  session.close();
  const stages = Object.fromEntries(
    report.stages.map((s) => [s.id, { median: s.median_days, started: s.started, completed: s.completed }]),
  );
  return { ms, firstMs, allMs, memory, first, stages, children: report.children };
}

/** Papa Parse on every file, then the JS computation; parse time and total time. */
function papa(urls, asAt) {
  const t0 = now();
  const parsed = {};
  for (const { name, bytes } of inputs(urls)) {
    const text = new TextDecoder().decode(bytes);
    parsed[name] = window.Papa.parse(text, { skipEmptyLines: true }).data;
  }
  const t1 = now();
  const result = permanenceMedian(parsed['placements.csv'], parsed['events.csv'], asAt);
  const t2 = now();
  return { parseMs: t1 - t0, ms: t2 - t0, ...result };
}

async function duckdbInit() {
  if (db !== null) {
    return true;
  }
  const base = new URL('/bench/node_modules/@duckdb/duckdb-wasm/dist/', location.href);
  const worker = new Worker(new URL('duckdb-browser-eh.worker.js', base));
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL('duckdb-eh.wasm', base).href);
  return true;
}

/**
 * DuckDB-wasm: the files handed to its worker (copies, as registering transfers them), then
 * one SQL query that reads the CSVs and computes the stage's median.
 */
async function duckdbMedian(urls, asAt) {
  await duckdbInit();
  const t0 = now();
  for (const { name, bytes } of inputs(urls)) {
    await db.registerFileBuffer(name, bytes.slice());
  }
  const conn = await db.connect();
  const table = await conn.query(permanenceSql('placements.csv', 'events.csv', asAt));
  const row = table.toArray()[0].toJSON();
  const ms = now() - t0;
  await conn.close();
  for (const { name } of inputs(urls)) {
    await db.dropFile(name);
  }
  return { ms, median: row.median, started: Number(row.started), completed: Number(row.completed) };
}

/** SheetJS `read` alone on a workbook's bytes. */
function sheetjsRead(urls) {
  const [{ bytes }] = inputs(urls);
  const t0 = now();
  const wb = XLSX.read(bytes, { type: 'array' });
  const ms = now() - t0;
  const rows = wb.SheetNames.map((n) => {
    const ref = wb.Sheets[n]['!ref'];
    return ref === undefined ? 0 : XLSX.utils.decode_range(ref).e.r;
  });
  return { ms, sheets: wb.SheetNames, rows: rows.reduce((a, b) => a + b, 0) };
}

/** Opens and keeps a session for the drawing benchmarks. */
async function keep(urls, asAt) {
  kept?.close();
  await preload();
  kept = await open(inputs(urls), { asAt });
  return { children: kept.summary.children };
}

/** One redraw of a chart on the page's canvas: paint in the worker, bitmap to the canvas. */
async function draw(spec) {
  const canvas = document.getElementById('canvas');
  const t0 = now();
  const info = await kept.draw(canvas, { scale: 1, ...spec });
  return { ms: now() - t0, width: info.width, height: info.height };
}

window.bench = {
  fetchFiles,
  driftlineOpen,
  driftlineAnalyze,
  papa,
  duckdbInit,
  duckdbMedian,
  sheetjsRead,
  keep,
  draw,
};
document.getElementById('status').textContent = 'ready';
