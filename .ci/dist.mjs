// Builds the distributable forms of the page (run by `make dist`, after `make build`):
//
// - dist/npm/: the ES module package (driftline.js with the <driftline-view> element,
//   worker.js, pkg/, driftline.d.ts, package.json) for intranet pages and bundlers.
// - dist/driftline.html: one self-contained file that works when opened from disk (file://)
//   with no network at all. The wasm, the worker, the styles, the demo data and the template
//   workbook are inlined; the Content Security Policy allows exactly the inlined script and
//   style by their hashes. The chart font (Liberation Sans, SIL Open Font License) is inlined
//   too, as base64 data blocks the page hands to FontFace as bytes (nothing is fetched), with
//   its licence beside it: in a data block in the file, and as dist/LICENSE-OFL.txt.
//
// Generated files are written under dist/ only; nothing in www/ is changed.

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WWW = join(ROOT, 'www');
const DIST = join(ROOT, 'dist');
const DEMO_FILES = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
// The chart font, copied into www/fonts/ by `make page` from src/chart/fonts/.
const FONT_FILES = ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf', 'LICENSE-OFL.txt'];

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
  mkdirSync(join(out, 'fonts'), { recursive: true });
  for (const file of FONT_FILES) {
    cpSync(join(WWW, 'fonts', file), join(out, 'fonts', file));
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
    files: ['driftline.js', 'driftline.d.ts', 'worker.js', 'pkg/', 'fonts/'],
    sideEffects: false,
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function buildSingleFile() {
  const wasm = readFileSync(join(WWW, 'pkg/driftline_bg.wasm')).toString('base64');
  const template = readFileSync(join(WWW, 'template.xlsx')).toString('base64');
  const font = (name) => readFileSync(join(WWW, 'fonts', name)).toString('base64');

  // The worker: the wasm-bindgen glue (which defines `wasm_bindgen`) and worker.js, exactly
  // what driftline.js runs from a blob: URL when served.
  const workerSource = `${read(join(WWW, 'pkg/driftline.js'))}\n${read(join(WWW, 'worker.js'))}`;

  // The page's modules, concatenated into one with their imports and exports removed (their
  // top-level names are distinct) and the two environment-specific functions replaced.
  const api = replaceBetween(stripModuleSyntax(read(join(WWW, 'driftline.js'))), 'sources', INLINE_SOURCES);
  const modules = ['ui.js', 'figure.js', 'forecast.js', 'qi.js', 'timescales.js', 'views.js'].map((file) =>
    stripModuleSyntax(read(join(WWW, file))),
  );
  const app = replaceBetween(stripModuleSyntax(read(join(WWW, 'app.js'))), 'demo', INLINE_DEMO);
  const script = [api, ...modules, app].join('\n');
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
    // The page has no HTML sink; the one script URL (the worker's blob:) goes through the
    // driftline-worker policy in driftline.js.
    "require-trusted-types-for 'script'",
    'trusted-types driftline-worker',
  ].join('; ');

  let html = read(join(WWW, 'index.html'));
  html = replaceOnce(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  html = replaceOnce(html, /<link rel="stylesheet" href="style.css">/, `<style>${style}</style>`);
  html = replaceOnce(html, /\s*<script type="module" src="app.js"><\/script>/, '');
  html = replaceOnce(html, /\s*<script type="module" async src="boot.js"><\/script>/, '');
  // Everything is inlined: nothing to preload (and nothing may be fetched from file://).
  html = replaceOnce(html, /\s*<!-- Fetch the core[^>]*-->/, '');
  html = replaceOnce(html, /(\s*<link rel="(?:module)?preload"[^>]*>)+/, '');
  html = replaceOnce(
    html,
    /href="template.xlsx"/,
    `href="data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,${template}"`,
  );
  const blocks = [
    dataBlock('driftline-wasm', 'application/octet-stream', wasm),
    dataBlock('driftline-worker-source', 'text/plain', workerSource),
    ...DEMO_FILES.map((name) => dataBlock(`demo-${name}`, 'text/plain', read(join(WWW, 'demo', name)))),
    dataBlock('driftline-font-regular', 'application/octet-stream', font('LiberationSans-Regular.ttf')),
    dataBlock('driftline-font-bold', 'application/octet-stream', font('LiberationSans-Bold.ttf')),
    dataBlock('driftline-font-license', 'text/plain', read(join(WWW, 'fonts', 'LICENSE-OFL.txt'))),
    `<script type="module">${script}</script>`,
  ];
  html = replaceOnce(html, /<\/body>/, `${blocks.join('\n')}\n</body>`);
  mkdirSync(DIST, { recursive: true });
  writeFileSync(join(DIST, 'driftline.html'), html);
  cpSync(join(WWW, 'fonts', 'LICENSE-OFL.txt'), join(DIST, 'LICENSE-OFL.txt'));
}

const INLINE_SOURCES = `async function loadSources() {
  // The worker's code, the wasm and the chart font are inlined in this file (see .ci/dist.mjs).
  const bytes = (id) => {
    const binary = atob(document.getElementById(id).textContent.trim());
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      out[i] = binary.charCodeAt(i);
    }
    return out;
  };
  const source = document.getElementById('driftline-worker-source').textContent;
  const fonts = Promise.resolve({
    regular: bytes('driftline-font-regular').buffer,
    bold: bytes('driftline-font-bold').buffer,
  });
  return { source, module: WebAssembly.compile(bytes('driftline-wasm')), fonts };
}`;

const INLINE_DEMO = `async function demoFiles() {
  return DEMO_FILES.map((name) => {
    const text = document.getElementById(\`demo-\${name}\`).textContent;
    return new File([text.replace(/^\\n/, '')], name, { type: 'text/csv' });
  });
}`;

/** Removes `import` statements and `export` keywords (the files become one module). */
function stripModuleSyntax(source) {
  return source.replace(/^import [^;]*;\n/gm, '').replace(/^export /gm, '');
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
