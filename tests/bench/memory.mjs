// Peak wasm memory of the page's core (`make bench-memory`): the same figure the browser
// benchmark reads (`memory.buffer.byteLength` once the work is done; wasm memory never
// shrinks, so that is its peak), measured in Node in a few seconds instead of a browser run.
// The allocator and the code are the page's own (www/pkg), so the figures are the browser's
// to the byte; only the time is not a browser's, and is not reported.
//
// For each workload a fresh instance of the core reads the files: the CSV (open(), then
// analyze()'s packed report) and the workbook, as `make bench-browser` generates them. With
// BEFORE_WWW=DIR (another build of www/), that build is measured too, for a before and after.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AS_AT, CSV_CHILDREN, CSV_FILES, ROOT, XLSX_CHILDREN, generate, log,
} from './inputs.mjs';

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** A fresh instance of the core of the build in `www`: its `wasm_bindgen` namespace. */
function instantiate(www) {
  const pkg = join(www, 'pkg');
  // The page's glue is a classic script (`--target no-modules`) that declares `wasm_bindgen`.
  const glue = new Function(`${readFileSync(join(pkg, 'driftline.js'), 'utf8')}; return wasm_bindgen;`)();
  const exports = glue.initSync({ module: readFileSync(join(pkg, 'driftline_bg.wasm')) });
  return { core: glue, memory: exports.memory };
}

/** The peak wasm memory of reading `files` in a fresh instance: after open(), and after
 * analyze()'s packed report when `analyze` is set. */
function measure(www, files, analyze) {
  const { core, memory } = instantiate(www);
  const session = new core.Session(files, { asAt: AS_AT });
  session.summary();
  const open = memory.buffer.byteLength;
  if (analyze) {
    session.reportPacked();
  }
  return { open, analyze: analyze ? memory.buffer.byteLength : undefined };
}

function main() {
  const csvDir = generate('template-csv', CSV_CHILDREN);
  const xlsxDir = generate('template-xlsx', XLSX_CHILDREN);
  const read = (dir, name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) });
  const csv = CSV_FILES.map((name) => read(csvDir, name));
  const xlsx = [read(xlsxDir, 'driftline.xlsx')];
  const size = (files) => files.reduce((sum, f) => sum + f.bytes.length, 0);
  const builds = [['this build', join(ROOT, 'www')]];
  if (process.env.BEFORE_WWW) {
    builds.push(['BEFORE_WWW', process.env.BEFORE_WWW]);
  }
  const ratio = (bytes, input) => `${mb(bytes)} = ${(bytes / input).toFixed(2)}×`;
  const lines = [
    `Peak wasm memory (MB of 10^6 bytes, and × the input): CSV of ${CSV_CHILDREN.toLocaleString('en-GB')} children `
      + `(${mb(size(csv))}), workbook of ${XLSX_CHILDREN.toLocaleString('en-GB')} (${mb(size(xlsx))}).`,
    '',
    '| build | CSV `open()` | CSV `analyze()` | workbook `open()` |',
    '|---|---:|---:|---:|',
  ];
  for (const [label, www] of builds) {
    log(`measuring ${label} (${www})`);
    const c = measure(www, csv, true);
    const x = measure(www, xlsx, false);
    lines.push(`| ${label} | ${ratio(c.open, size(csv))} | ${ratio(c.analyze, size(csv))} | ${ratio(x.open, size(xlsx))} |`);
  }
  lines.push('', 'Targets (issue 20): at most 2.5× the CSV, at most 6× the compressed workbook.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
