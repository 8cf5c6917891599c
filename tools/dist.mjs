// Builds the distributable forms of the page (run by `make dist`, after `make build` and
// `wasm-bindgen --target no-modules` into target/dist-no-modules/):
//
// - dist/npm/: the ES module package (driftline.js, worker.js, pkg/, driftline.d.ts,
//   package.json) for intranet pages and bundlers.
// - dist/driftline.html: one self-contained file that works when opened from disk (file://)
//   with no network at all. The wasm, the worker, the styles, the demo data and the template
//   workbook are inlined; the Content Security Policy allows exactly the inlined script and
//   style by their hashes.
//
// Generated files are written under dist/ only; nothing in www/ is changed.

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WWW = join(ROOT, 'www');
const DIST = join(ROOT, 'dist');
const NO_MODULES_GLUE = join(ROOT, 'target/dist-no-modules/driftline.js');
const DEMO_FILES = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];

const read = (path) => readFileSync(path, 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(read(join(ROOT, 'Cargo.toml')))?.[1];
if (version === undefined) {
  throw new Error('Cannot find the version in Cargo.toml');
}

function buildNpmPackage() {
  const out = join(DIST, 'npm');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'pkg'), { recursive: true });
  for (const file of ['driftline.js', 'worker.js', 'driftline.d.ts']) {
    cpSync(join(WWW, file), join(out, file));
  }
  for (const file of ['driftline.js', 'driftline_bg.wasm']) {
    cpSync(join(WWW, 'pkg', file), join(out, 'pkg', file));
  }
  const manifest = {
    name: 'driftline',
    version,
    description:
      "Drift and delay in children's journeys through care, analysed in the browser: " +
      'spreadsheets in, journeys and timescale statistics out, nothing sent anywhere.',
    license: 'MIT OR Apache-2.0',
    type: 'module',
    main: './driftline.js',
    types: './driftline.d.ts',
    exports: {
      '.': { types: './driftline.d.ts', default: './driftline.js' },
    },
    files: ['driftline.js', 'driftline.d.ts', 'worker.js', 'pkg/'],
    sideEffects: false,
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function buildSingleFile() {
  const wasm = readFileSync(join(WWW, 'pkg/driftline_bg.wasm')).toString('base64');
  const template = readFileSync(join(WWW, 'template.xlsx')).toString('base64');

  // The worker: the no-modules glue (which defines `wasm_bindgen`) and worker.js's handler.
  const workerSource = [
    read(NO_MODULES_GLUE),
    'const init = wasm_bindgen;',
    'const { analyze } = wasm_bindgen;',
    between(read(join(WWW, 'worker.js')), 'handler'),
  ].join('\n');

  // The page's module: driftline.js and app.js with their imports and exports removed and
  // the two environment-specific functions replaced.
  const api = replaceBetween(stripModuleSyntax(read(join(WWW, 'driftline.js'))), 'worker', INLINE_WORKER);
  const app = replaceBetween(stripModuleSyntax(read(join(WWW, 'app.js'))), 'demo', INLINE_DEMO);
  const script = `${api}\n${app}`;
  const style = read(join(WWW, 'style.css'));

  const csp = [
    "default-src 'none'",
    `script-src '${sha256(script)}' 'wasm-unsafe-eval'`,
    `style-src '${sha256(style)}'`,
    'worker-src blob:',
    'img-src data:',
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  let html = read(join(WWW, 'index.html'));
  html = replaceOnce(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  html = replaceOnce(html, /<link rel="stylesheet" href="style.css">/, `<style>${style}</style>`);
  html = replaceOnce(html, /\s*<script type="module" src="app.js"><\/script>/, '');
  html = replaceOnce(
    html,
    /href="template.xlsx"/,
    `href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,${template}"`,
  );
  const blocks = [
    dataBlock('driftline-wasm', 'application/octet-stream', wasm),
    dataBlock('driftline-worker-source', 'text/plain', workerSource),
    ...DEMO_FILES.map((name) => dataBlock(`demo-${name}`, 'text/plain', read(join(WWW, 'demo', name)))),
    `<script type="module">${script}</script>`,
  ];
  html = replaceOnce(html, /<\/body>/, `${blocks.join('\n')}\n</body>`);
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, 'driftline.html'), html);
}

const INLINE_WORKER = `function startWorker() {
  // The worker's code and the wasm are inlined in this file (see tools/dist.mjs). The blob
  // URL is not revoked: the worker may fetch it after this function returns.
  const source = document.getElementById('driftline-worker-source').textContent;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'driftline' });
  const binary = atob(document.getElementById('driftline-wasm').textContent.trim());
  const wasm = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) {
    wasm[i] = binary.charCodeAt(i);
  }
  worker.postMessage({ type: 'init', wasm: wasm.buffer }, [wasm.buffer]);
  return worker;
}`;

const INLINE_DEMO = `async function demoFiles() {
  return DEMO_FILES.map((name) => {
    const text = document.getElementById(\`demo-\${name}\`).textContent;
    return new File([text.replace(/^\\n/, '')], name, { type: 'text/csv' });
  });
}`;

/** Removes `import` lines and `export` keywords (the files are concatenated into one module). */
function stripModuleSyntax(source) {
  return source.replace(/^import .*;\n/gm, '').replace(/^export /gm, '');
}

/** The text between `/* NAME:begin ... *\/` and `/* NAME:end *\/`, markers excluded. */
function between(source, name) {
  const { start, end } = markers(source, name);
  return source.slice(source.indexOf('\n', start) + 1, end);
}

/** Replaces the text between the markers, markers included. */
function replaceBetween(source, name, replacement) {
  const { start, end } = markers(source, name);
  const afterEnd = source.indexOf('\n', end);
  return source.slice(0, start) + replacement + source.slice(afterEnd);
}

function markers(source, name) {
  const start = source.indexOf(`/* ${name}:begin`);
  const end = source.indexOf(`/* ${name}:end */`);
  if (start < 0 || end < start) {
    throw new Error(`Missing /* ${name}:begin */ ... /* ${name}:end */ markers`);
  }
  return { start, end };
}

function replaceOnce(text, pattern, replacement) {
  if (!pattern.test(text)) {
    throw new Error(`index.html no longer contains ${pattern}`);
  }
  return text.replace(pattern, () => replacement);
}

/** A `<script>` data block: not executed, read back with `textContent`. */
function dataBlock(id, type, text) {
  if (/<\/script|<!--/i.test(text)) {
    throw new Error(`${id} contains text that would end its <script> data block`);
  }
  return `<script type="${type}" id="${id}">\n${text}</script>`;
}

function sha256(text) {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

buildNpmPackage();
buildSingleFile();
