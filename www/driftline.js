/**
 * Driftline's JavaScript API.
 *
 * - `analyze(input, options)` reads spreadsheets and resolves to the report: the same object
 *   the command line prints with `driftline analyze --format json`.
 * - `open(input, options)` loads them into a `Session` that stays in a Web Worker, so a page
 *   fetches only what each view shows (a page of a table, one child) and can cancel the work.
 * - `preview(input, options)` shows how each file and sheet would be read (the mapping step).
 * - Importing this module registers the `<driftline-view>` custom element.
 *
 * All reading and analysis run in Web Workers that load the WebAssembly core, so the page
 * never freezes. Nothing is sent anywhere: the files' bytes go to a worker and nowhere else.
 * The worker's code and the compiled core are fetched once, from this module's own folder;
 * starting another worker (for the next load, or after a cancel) makes no request.
 *
 * @module driftline
 */

/**
 * Reads one or several spreadsheets and analyses them.
 *
 * @param {Input|Input[]} input The files: a workbook, or one file per table.
 * @param {AnalyzeOptions} [options]
 * @returns {Promise<object>} The report. Rejects with an `Error` whose `diagnostics`
 *   property lists the problems when nothing usable could be read.
 */
export async function analyze(input, options = {}) {
  const session = await open(input, options);
  try {
    const report = await session.report();
    remember(report, session);
    return report;
  } catch (error) {
    session.close();
    throw error;
  }
}

/**
 * Reads and analyses files into a session held in its own worker.
 *
 * @param {Input|Input[]} input
 * @param {AnalyzeOptions & {signal?: AbortSignal, onProgress?: (p: Progress) => void}} [options]
 * @returns {Promise<Session>}
 */
export async function open(input, options = {}) {
  const onProgress = typeof options.onProgress === 'function' ? options.onProgress : () => {};
  const engine = takeEngine();
  const abort = () => engine.terminate(abortError());
  if (options.signal?.aborted) {
    abort();
  }
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    checkSizes(input, options.limits);
    const { files, transfer } = await collectFiles(input, options.transfer === true, onProgress);
    onProgress({ phase: 'starting' });
    await engine.ready;
    askWords(engine);
    const summary = await engine.request(
      'open',
      { files, options: engineOptions(options) },
      transfer,
      onProgress,
    );
    return new Session(engine, summary);
  } catch (error) {
    engine.terminate(error);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

/**
 * How each file and sheet would be read: the first rows of every sheet, the table recognised,
 * its header row and each column's field, under `options.mapping`.
 *
 * @param {Input|Input[]} input
 * @param {{mapping?: object|string|null, pseudonymise?: boolean}} [options]
 * @returns {Promise<object>}
 */
export async function preview(input, options = {}) {
  const engine = takeEngine();
  try {
    checkSizes(input, options.limits);
    const { files, transfer } = await collectFiles(input, options.transfer === true, () => {});
    await engine.ready;
    askWords(engine);
    const shown = { ...engineOptions(options), pseudonymise: options.pseudonymise === true };
    return await engine.request('preview', { files, options: shown }, transfer);
  } finally {
    engine.terminate();
  }
}

/**
 * Starts a worker and loads the WebAssembly core now rather than on the first call. Resolves
 * when the core is ready.
 *
 * @returns {Promise<void>}
 */
export async function preload() {
  spare ??= new Engine();
  await spare.ready;
  askWords(spare);
}

/** The core's words, fetched once (from the first worker that is ready). */
let coreWords = null;

/** Asks `engine` (ready) for the core's words unless they were asked already. */
function askWords(engine) {
  coreWords ??= engine.request('call', { name: 'vocabulary', args: [] });
  coreWords.catch(() => {
    coreWords = null;
  });
}

/**
 * Every word the page shows that is not data (fields, categories, milestones, routes, age
 * bands, breakdowns, QI choices and signal words, units), owned by the core. Fetched once,
 * by the first worker that starts: no worker is started for it alone unless none runs.
 *
 * @returns {Promise<object>}
 */
export async function vocabulary() {
  if (coreWords === null) {
    spare ??= new Engine();
    await spare.ready;
    askWords(spare);
  }
  return coreWords;
}

/**
 * Today's date on this computer, written YYYY-MM-DD.
 *
 * @returns {string}
 */
export function todayIso() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * A loaded analysis held in a worker. Every method is asynchronous and returns plain data.
 * `close()` ends the worker and frees everything it held.
 */
export class Session {
  #engine;

  constructor(engine, summary) {
    this.#engine = engine;
    /** The load summary: counts, files, tables, unknown labels, filter values. */
    this.summary = summary;
  }

  /**
   * The full report, as `analyze` returns it: everything but the journeys is read at once;
   * `report.journeys` is an array whose elements are built when first read (see
   * `lazyJourneys`).
   */
  async report() {
    // The worker sends the report packed in a few transferred typed arrays (`report::packed`
    // in the core): nothing is copied between threads, and no
    // journey becomes JavaScript objects until the embedder reads it. Should that fail, the
    // journeys come as JSON text instead, and failing that the whole report as objects,
    // slowly but whole.
    try {
      return assemblePacked(await this.#query('reportPacked'));
    } catch {
      // The next way.
    }
    let parts;
    try {
      parts = await this.#query('reportParts');
    } catch {
      return this.#query('report');
    }
    return assembleReport(parts);
  }

  /** One page of the problem table: `{ total, matched, offset, rows }`. */
  problems(query = {}) {
    return this.#query('problems', query);
  }

  /** Every problem matching `query` as CSV text (cells made safe for spreadsheets). */
  problemsCsv(query = {}) {
    return this.#query('problemsCsv', query);
  }

  /** One page of the children table: `{ total, matched, offset, rows }`. */
  children(query = {}) {
    return this.#query('children', query);
  }

  /** Every child matching `query` as CSV text. */
  childrenCsv(query = {}) {
    return this.#query('childrenCsv', query);
  }

  /** One child's placements, legal spells and chronology, by index. */
  child(index, pseudonymise = false) {
    return this.#query('child', index, pseudonymise);
  }

  /** One child's chronology as CSV text. */
  chronologyCsv(index, pseudonymise = false) {
    return this.#query('chronologyCsv', index, pseudonymise);
  }

  /** The index of the child with this ID, or `undefined`. */
  findChild(id) {
    return this.#query('findChild', id);
  }

  /** The timescale profile in force, in the JSON shape of a saved profile. */
  profile() {
    return this.#query('profile');
  }

  /**
   * Applies another timescale profile (`"scotland"`, `"england"`, a profile object or its
   * JSON text) to the journeys already read, without reading the files again. Resolves to
   * the new summary; rejects with the profile's problem, changing nothing, if it is not valid.
   */
  async setProfile(profile) {
    this.summary = await this.#engine.request('setProfile', { profile });
    return this.summary;
  }

  /**
   * The stage table for the children the filters choose: `query` is `{ filters, breakdown,
   * pseudonymise }`. Statistics are computed over exactly those children.
   */
  stages(query = {}) {
    return this.#query('stages', query);
  }

  /** The stage table as CSV text (cells made safe for spreadsheets). */
  stagesCsv(query = {}) {
    return this.#query('stagesCsv', query);
  }

  /**
   * The stage table's notes as plain text, one line each (what the command line writes beside
   * the CSV as NAME.notes.txt; for sharing, the rules its counts follow), or '' without notes.
   */
  stagesNotes(query = {}) {
    return this.#query('stagesNotes', query);
  }

  /**
   * Every child's stages as CSV, as `driftline analyze --format csv` writes them, for the
   * children the filters choose or one child: `query` is `{ filters, child, pseudonymise }`.
   */
  stageRowsCsv(query = {}) {
    return this.#query('stageRowsCsv', query);
  }

  /** The numbers behind the QI chart drawn in `slot`, as CSV text. */
  qiCsv(slot) {
    return this.#query('qiCsv', slot);
  }

  /**
   * The numbers behind the chart drawn in `slot` as CSV text (its text alternative; cells are
   * made inert for spreadsheets): the chronology of a timeline, the rows of the cohort view,
   * the figures of a delay, Kaplan–Meier or distribution chart.
   */
  chartCsv(slot) {
    return this.#query('chartTable', slot);
  }

  /**
   * The notes of the chart drawn in `slot` as plain text, one line each (what its numbers
   * leave unsaid; the command line writes them beside the CSV as NAME.notes.txt), or '' when
   * it has none.
   */
  chartNotes(slot) {
    return this.#query('chartNotes', slot);
  }

  /**
   * The Forecast view: `query` is `{ filters, breakdown, pseudonymise }`. The breakdown (the
   * page's split, or `null`) becomes the basis of every waiting child's forecast, as
   * `driftline analyze --breakdown` does; resolves to `{ as_at, breakdown, breakdown_label,
   * min_completions, horizons, matched, total, expected, caveats, decomposition, scorecard,
   * scorecard_note }`, the expected completions being those of the children the filters
   * choose.
   */
  forecast(query = {}) {
    return this.#query('forecast', query);
  }

  /**
   * Makes `breakdown` (a breakdown id, or `null` for the whole cohort) the basis of every
   * forecast in the report, the children table and each child's stages; resolves to the
   * basis in force (a breakdown no stage has is the whole cohort: `undefined`).
   */
  forecastBasis(breakdown = null) {
    return this.#query('forecastBasis', breakdown);
  }

  /** England's adoption scorecard for the children `{ filters }` choose, as CSV text. */
  scorecardCsv(query = {}) {
    return this.#query('scorecardCsv', query);
  }

  /** The scorecard's notes as plain text, one line each ('' without a scorecard). */
  scorecardNotes(query = {}) {
    return this.#query('scorecardNotes', query);
  }

  /** Checks a profile without using it: `{ ok, profile }` or `{ ok: false, message }`. */
  checkProfile(profile) {
    return this.#engine.request('call', { name: 'checkProfile', args: [profile] });
  }

  /** A built-in profile (`scotland` or `england`) as a plain object. */
  builtInProfile(name) {
    return this.#engine.request('call', { name: 'builtInProfile', args: [name] });
  }

  /**
   * A table's rows of cell texts (the header first) as CSV text, written by the core's one
   * CSV writer (a byte-order mark, numbers as numbers, text made inert for spreadsheets).
   */
  tableCsv(rows) {
    return this.#engine.request('call', { name: 'tableCsv', args: [rows] });
  }

  /** The milestones a stage can start or end at, as `[id, label]` pairs. */
  milestones() {
    return this.#engine.request('call', { name: 'milestones', args: [] });
  }

  /**
   * Runs the analysis again on the same files with other options (`asAt`, `profile`,
   * `mapping`). Resolves to the new summary.
   */
  async rerun(options = {}, { signal, onProgress } = {}) {
    const abort = () => this.#engine.terminate(abortError());
    signal?.addEventListener('abort', abort, { once: true });
    try {
      this.summary = await this.#engine.request(
        'rerun',
        { options: engineOptions(options) },
        [],
        onProgress ?? (() => {}),
      );
      return this.summary;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /**
   * How the loaded files would be read under `mapping` (the mapping step); with
   * `pseudonymise`, the children's IDs and dates of birth show as "(hidden)".
   */
  preview(mapping = null, { pseudonymise = false } = {}) {
    return this.#engine.request('preview', { options: { ...engineOptions({ mapping }), pseudonymise } });
  }

  /**
   * Draws a chart (`spec.kind` is `timeline`, `cohort`, `qi`, or a statistical chart:
   * `delay`, `km`, `histogram`, `run`, `xmr`) into `canvas` at the screen's pixel ratio, and
   * keeps it under `spec.slot` for `hitTest`, `svg`, `png` and `chartCsv`. Resolves to
   * `{ width, height, title, description, ... }`; a statistical chart's answer also has its
   * `table` (`{ columns, rows, notes }`).
   */
  async draw(canvas, spec) {
    const scale = spec.scale ?? (globalThis.devicePixelRatio || 1);
    const { bitmap, ...info } = await this.#engine.request('draw', { spec: { slot: 'chart', ...spec, scale } });
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.style.width = `${info.width}px`;
    canvas.style.height = `${info.height}px`;
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    return info;
  }

  /**
   * Draws a chart as `draw` does, but paints it on the page's main thread: the worker lays it
   * out and the core's plotters-canvas painter draws that same layout on `canvas` (the
   * embedder's own `HTMLCanvasElement`) at the screen's pixel ratio. The first call loads the
   * core's drawing code on the page (`pkg/driftline.js` beside this module, and the compiled
   * core this module already holds). Resolves as `draw` does.
   */
  async paint(canvas, spec) {
    const [core, text] = await Promise.all([
      mainThreadCore(),
      this.#engine.request('layout', { spec: { slot: 'chart', ...spec } }),
    ]);
    const { layout, ...info } = JSON.parse(text);
    const ratio = spec.scale ?? (globalThis.devicePixelRatio || 1);
    core.drawLayout(canvas, JSON.stringify(layout), ratio).free();
    return info;
  }

  /** What lies under the CSS pixel `(x, y)` of the chart in `slot`, or `null`. */
  hitTest(slot, x, y) {
    return this.#engine.request('hit', { slot, x, y });
  }

  /** The chart in `slot` as SVG text. */
  svg(slot = 'chart') {
    return this.#engine.request('svg', { slot });
  }

  /** The chart in `slot` as a PNG `Blob`, `scale` times its CSS size (3 by default). */
  png(slot = 'chart', scale = 3) {
    return this.#engine.request('png', { slot, scale });
  }

  /** The size of the worker's WebAssembly memory in bytes. */
  memory() {
    return this.#engine.request('memory', {});
  }

  /** Whether the session has been closed (or its worker stopped). */
  get closed() {
    return this.#engine.stopped;
  }

  /** Ends the worker: the files and the analysis are dropped from memory. */
  close() {
    this.#engine.terminate();
  }

  #query(method, ...args) {
    return this.#engine.request('query', { method, args });
  }
}

// --- Engines: one worker each ----------------------------------------------------------------

/** The worker's source and the compiled core, loaded once. */
let sources = null;
/** A started worker waiting for the next call. */
let spare = null;

/* sources:begin (.ci/dist.mjs replaces this function in the single-file build) */
async function loadSources() {
  const base = import.meta.url;
  const text = async (path) => {
    const response = await fetch(new URL(path, base));
    if (!response.ok) {
      throw new Error(`${path} could not be loaded (${response.status}).`);
    }
    return response.text();
  };
  const compile = async () => {
    const url = new URL('./pkg/driftline_bg.wasm', base);
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`The WebAssembly core could not be loaded (${response.status}).`);
    }
    const type = response.headers.get('content-type') ?? '';
    return type.startsWith('application/wasm')
      ? WebAssembly.compileStreaming(response)
      : WebAssembly.compile(await response.arrayBuffer());
  };
  const font = async (name) => {
    const response = await fetch(new URL(`./fonts/${name}`, base));
    if (!response.ok) {
      throw new Error(`${name} could not be loaded (${response.status}).`);
    }
    return response.arrayBuffer();
  };
  // The core compiles while the worker's code arrives and the worker starts.
  const module = compile();
  module.catch(() => {});
  const fonts = Promise.all([font('LiberationSans-Regular.ttf'), font('LiberationSans-Bold.ttf')]).then(
    ([regular, bold]) => ({ regular, bold }),
  );
  fonts.catch(() => {});
  const [glue, handler] = await Promise.all([text('./pkg/driftline.js'), text('./worker.js')]);
  return { source: `${glue}\n${handler}`, module, fonts };
}
/* sources:end */

/**
 * The family the core's chart painter asks for first (`FONT_STACK` in src/chart/text.rs).
 * Charts are laid out with this font's advance widths, so the page registers the bundled
 * files under this name (in each worker and, for `Session.paint`, on the page) and the canvas
 * draws text exactly as wide as it was measured, whatever fonts the computer has.
 */
const CHART_FONT_FAMILY = 'Liberation Sans';

/**
 * Adds the chart font's two faces (`fonts`: `{ regular, bold }` file bytes) to `fontSet`
 * (`document.fonts`) unless they are there already. Resolves when they can be drawn with.
 */
async function addChartFonts(fontSet, fonts) {
  if (fonts === null || fontSet === undefined || typeof FontFace !== 'function') {
    return;
  }
  const have = new Set();
  for (const face of fontSet) {
    if (face.family.replace(/"/g, '') === CHART_FONT_FAMILY && face.status === 'loaded') {
      have.add(face.weight);
    }
  }
  const faces = [
    ['400', fonts.regular],
    ['700', fonts.bold],
  ].filter(([weight]) => !have.has(weight) && !have.has(weight === '400' ? 'normal' : 'bold'));
  await Promise.all(
    faces.map(async ([weight, bytes]) => {
      // A copy: the same bytes are sent to every worker that starts.
      const face = new FontFace(CHART_FONT_FAMILY, bytes.slice(0), { weight, style: 'normal' });
      await face.load();
      fontSet.add(face);
    }),
  );
}

/**
 * The worker's code as a `blob:` URL and the compiled core, each a promise, so that a worker
 * can start before the core has finished compiling.
 */
function getSources() {
  if (sources === null) {
    const loading = loadSources();
    const current = {
      url: loading.then(({ source }) => {
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        workerUrls.add(url);
        return url;
      }),
      module: loading.then(({ module }) => module).then((module) => {
        performance.mark('driftline-compiled');
        return module;
      }),
      // Without the font files charts are still drawn, in the computer's own sans-serif.
      fonts: loading.then(({ fonts }) => fonts).catch(() => null),
    };
    sources = current;
    // A failure is reported by the call that needed it; the next call tries again.
    Promise.all([current.url, current.module]).catch(() => {
      if (sources === current) {
        sources = null;
      }
    });
  }
  return sources;
}

/**
 * The Trusted Types policy for the script URLs Driftline hands the browser: the worker's own
 * `blob:` URL, made by `getSources` from the page's files, and the core's glue script when a
 * chart is painted on the main thread. A page whose Content Security
 * Policy says `require-trusted-types-for 'script'; trusted-types driftline-worker` can run
 * Driftline, and nothing else can start a worker or load a script through this policy. Without
 * Trusted Types (or where the host does not allow the name) the URL is used as it is.
 */
const workerUrls = new Set();
const workerPolicy = (() => {
  try {
    return globalThis.trustedTypes?.createPolicy('driftline-worker', {
      createScriptURL: (url) => {
        if (!workerUrls.has(url)) {
          throw new TypeError('Driftline starts workers only from its own code.');
        }
        return url;
      },
    }) ?? null;
  } catch {
    return null;
  }
})();

/** `url` (the worker's blob: URL) as the Worker constructor accepts it under Trusted Types. */
function workerScriptUrl(url) {
  return workerPolicy === null ? url : workerPolicy.createScriptURL(url);
}

/** The core on the page's main thread, for `Session.paint`: loaded on first use. */
let mainCore = null;

function mainThreadCore() {
  if (mainCore === null) {
    mainCore = (async () => {
      const { module } = getSources();
      // The glue is a classic script that defines the global `wasm_bindgen`.
      await new Promise((resolve, reject) => {
        const script = document.createElement('script');
        const glue = new URL('./pkg/driftline.js', import.meta.url).href;
        workerUrls.add(glue);
        script.src = workerScriptUrl(glue);
        script.onload = resolve;
        script.onerror = () => reject(new Error('The drawing code could not be loaded.'));
        document.head.append(script);
      });
      const core = globalThis.wasm_bindgen ?? wasm_bindgen; // eslint-disable-line no-undef
      await core({ module_or_path: await module });
      await addChartFonts(document.fonts, await getSources().fonts);
      return core;
    })();
    mainCore.catch(() => {
      mainCore = null;
    });
  }
  return mainCore;
}

function takeEngine() {
  const engine = spare ?? new Engine();
  spare = null;
  return engine;
}

/** One worker running the core, with the calls waiting for its answers. */
class Engine {
  constructor() {
    this.pending = new Map();
    this.nextId = 1;
    this.stopped = false;
    this.worker = null;
    const { url, module, fonts } = getSources();
    this.ready = url.then(async (workerUrl) => {
      if (this.stopped) {
        throw this.stopReason ?? new Error('Driftline was stopped.');
      }
      this.worker = new Worker(workerScriptUrl(workerUrl), { name: 'driftline' });
      this.worker.onmessage = (event) => this.#receive(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.terminate(new Error(`Driftline could not start: ${event.message || 'the worker failed'}`));
      };
      return this.request('init', { module: await module, fonts: await fonts, fontFamily: CHART_FONT_FAMILY });
    });
    this.ready.catch(() => {});
  }

  request(type, payload, transfer = [], onProgress = () => {}) {
    if (this.stopped) {
      return Promise.reject(this.stopReason ?? new Error('Driftline was stopped.'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      const send = () => this.worker.postMessage({ type, id, ...payload }, transfer);
      if (this.worker === null) {
        this.ready.then(send, reject);
      } else {
        send();
      }
    });
  }

  #receive(message) {
    const call = this.pending.get(message.id);
    if (call === undefined) {
      return;
    }
    if (message.type === 'progress') {
      call.onProgress({ phase: message.phase });
      return;
    }
    this.pending.delete(message.id);
    if (message.ok) {
      call.resolve(message.value);
      return;
    }
    const error = toError(message);
    call.reject(error);
    if (message.fatal) {
      // The core stopped on an internal error; its memory cannot be trusted any more.
      this.terminate(new Error('Driftline stopped unexpectedly. Please load the files again.'));
    }
  }

  /** Stops the worker; calls still waiting reject with `reason`. */
  terminate(reason = new Error('Driftline was stopped.')) {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.stopReason = reason;
    this.worker?.terminate();
    this.worker = null;
    for (const call of this.pending.values()) {
      call.reject(reason);
    }
    this.pending.clear();
  }
}

function toError(message) {
  const error = new Error(message.message);
  error.diagnostics = message.diagnostics ?? [];
  return error;
}

function abortError() {
  return new DOMException('The load was cancelled.', 'AbortError');
}

function engineOptions(options) {
  return {
    // Without an "as at" date, the core takes the latest date in the files, up to today.
    asAt: options.asAt || null,
    today: todayIso(),
    mapping: options.mapping ?? null,
    profile: options.profile ?? null,
    limits: options.limits ?? null,
    breakdown: options.breakdown ?? null,
  };
}

/** The core's default file size limit (`Limits::max_file_bytes`, 256 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Refuses, before a byte is read into the tab, any file larger than the limit: reading a file
 * of several gigabytes just to have the core refuse it could itself crash the tab. The message
 * and the problem are the core's own for a file over the limit.
 */
function checkSizes(input, limits) {
  const max = limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const items = Array.isArray(input) ? input : [input];
  const mb = (n) => Math.floor(n / (1024 * 1024));
  const diagnostics = [];
  for (const [index, item] of items.entries()) {
    const size = sizeOf(item);
    if (typeof size === 'number' && size > max) {
      const name = (item?.name ?? `file-${index + 1}`).toString();
      diagnostics.push({
        severity: 'fatal',
        code: 'too_large',
        message: `The file is ${mb(size)} MB, more than the limit of ${mb(max)} MB. Split it, or remove columns and rows that are not needed.`,
        file: name,
        sheet: null,
        row: null,
        column: null,
        child_id: null,
      });
    }
  }
  if (diagnostics.length > 0) {
    const error = new Error(diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n'));
    error.diagnostics = diagnostics;
    throw error;
  }
}

// --- The report's journeys, built on first read ----------------------------------------------

/**
 * The report from the worker's parts (`Session.reportParts` in the core): the summary's JSON
 * text and every journey's JSON in one buffer.
 */
function assembleReport({ summary, journeys, offsets }) {
  const decoder = new TextDecoder();
  const build = (index) => JSON.parse(decoder.decode(journeys.subarray(offsets[index], offsets[index + 1])));
  return withJourneys(JSON.parse(summary), lazyJourneys(offsets.length - 1, build));
}

/**
 * The report from the worker's packed parts (`Session.reportPacked` in the core, whose
 * `report::packed` describes the format): the summary's words, unpacked at once, and every
 * journey's words, unpacked when read, all referring to tables of numbers, strings and object
 * shapes. A journey unpacks to what
 * `JSON.parse` of its JSON gives: the same keys in the same order, the same strings and numbers.
 */
function assemblePacked({ summary, batch, starts, words, numbers, strings, stringEnds, shapes }) {
  // The strings are decoded once, all together (a leading byte-order mark is a string's own).
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(strings);
  const decoded = new Array(stringEnds.length);
  const string = (i) => (decoded[i] ??= text.slice(i === 0 ? 0 : stringEnds[i - 1], stringEnds[i]));
  const keys = JSON.parse(shapes);
  // A key `__proto__` is an ordinary key in JSON.parse's objects; assigning it would not be.
  const plain = keys.map((shape) => !shape.includes('__proto__'));
  let chunk = null;
  let at = 0;
  const value = () => {
    const word = chunk[at++];
    switch (word & 7) {
      case 0:
        return word >> 3;
      case 1:
        return string(word >>> 3);
      case 2:
        return numbers[word >>> 3];
      case 3: {
        const list = [];
        for (let n = word >>> 3; n > 0; n -= 1) {
          list.push(value());
        }
        return list;
      }
      case 4: {
        const shape = word >>> 3;
        const object = {};
        if (plain[shape]) {
          for (const key of keys[shape]) {
            object[key] = value();
          }
        } else {
          for (const key of keys[shape]) {
            Object.defineProperty(object, key, { value: value(), writable: true, enumerable: true, configurable: true });
          }
        }
        return object;
      }
      default:
        return word === 5 ? null : word === 21;
    }
  };
  const build = (index) => {
    chunk = words[Math.floor(index / batch)];
    at = starts[index];
    return value();
  };
  chunk = summary;
  at = 0;
  return withJourneys(value(), lazyJourneys(starts.length, build));
}

/**
 * The report: the summary (the report without its journeys), with `journeys` where the
 * command line's JSON has them (after `moves`).
 */
function withJourneys(rest, journeys) {
  const report = {};
  for (const [key, value] of Object.entries(rest)) {
    report[key] = value;
    if (key === 'moves') {
      report.journeys = journeys;
    }
  }
  report.journeys ??= journeys;
  return report;
}

/** `key` as an index below `count`, or -1. */
function indexOf(key, count) {
  if (typeof key !== 'string' || key === '' || key.length > 10) {
    return -1;
  }
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < count && String(index) === key ? index : -1;
}

/**
 * A real array of the `count` journeys (`Array.isArray` holds, and indexing, `length`,
 * iteration, `map`, `find`, `indexOf`, `slice` and `JSON.stringify` work as on any array)
 * whose elements are built by `make(index)` when first read, then kept: reading `journeys[i]`
 * twice gives the same object. A plain copy, for `structuredClone` or `postMessage`, is
 * `Array.from(journeys)` (which reads every journey).
 */
function lazyJourneys(count, make) {
  const target = new Array(count);
  const build = (index) => {
    const value = make(index);
    target[index] = value;
    return value;
  };
  // An index not yet read is a hole in `target`; an element set or deleted by the embedder
  // is the embedder's.
  const unread = new Uint8Array(count).fill(1);
  const pending = (key, t) => {
    const index = indexOf(key, count);
    return index >= 0 && index < t.length && unread[index] === 1 ? index : -1;
  };
  return new Proxy(target, {
    get(t, key, receiver) {
      const index = pending(key, t);
      if (index >= 0) {
        unread[index] = 0;
        return build(index);
      }
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      return pending(key, t) >= 0 || Reflect.has(t, key);
    },
    getOwnPropertyDescriptor(t, key) {
      const index = pending(key, t);
      if (index >= 0) {
        unread[index] = 0;
        build(index);
      }
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
    ownKeys(t) {
      const keys = Reflect.ownKeys(t);
      const present = new Set(keys);
      const indices = [];
      for (let i = 0; i < Math.min(count, t.length); i += 1) {
        if (unread[i] === 1 || present.has(String(i))) {
          indices.push(String(i));
        }
      }
      return [...indices, ...keys.filter((key) => indexOf(key, count) < 0)];
    },
    set(t, key, value, receiver) {
      const index = indexOf(key, count);
      if (index >= 0) {
        unread[index] = 0;
      }
      return Reflect.set(t, key, value, receiver);
    },
    deleteProperty(t, key) {
      const index = indexOf(key, count);
      if (index >= 0) {
        unread[index] = 0;
      }
      return Reflect.deleteProperty(t, key);
    },
  });
}

// --- Reports returned by analyze() keep their session for the drawing functions -------------

const KEPT_SESSIONS = 3;
const sessionOf = new WeakMap();
const kept = [];
const released =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry((session) => session.close());

function remember(report, session) {
  sessionOf.set(report, session);
  released?.register(report, session);
  kept.push(session);
  while (kept.length > KEPT_SESSIONS) {
    kept.shift().close();
  }
}

/**
 * The session behind a report returned by `analyze`, or `undefined` once it has been
 * released (the three most recent reports keep theirs).
 *
 * @param {object} report
 * @returns {Session|undefined}
 */
export function sessionFor(report) {
  const session = sessionOf.get(report);
  return session === undefined || session.closed ? undefined : session;
}

/**
 * Draws a chart of a report returned by `analyze` on a canvas: `spec` is `{ kind:
 * "timeline", child: index }` or `{ kind: "cohort" }`, with optional `width` (CSS pixels)
 * and `pseudonymise`.
 *
 * @returns {Promise<object>} The chart's size, title and description (its text alternative).
 */
export function drawChart(canvas, report, spec) {
  const session = sessionFor(report);
  if (session === undefined) {
    return Promise.reject(new Error('Draw with a report returned by analyze() (the three most recent are kept).'));
  }
  return session.draw(canvas, spec);
}

/**
 * Draws a chart of a report returned by `analyze` on the embedder's own canvas, painted on the
 * page's main thread (see `Session.paint`); `spec` as for `drawChart`.
 *
 * @returns {Promise<object>} The chart's size, title and description (its text alternative).
 */
export function paintChart(canvas, report, spec) {
  const session = sessionFor(report);
  if (session === undefined) {
    return Promise.reject(new Error('Draw with a report returned by analyze() (the three most recent are kept).'));
  }
  return session.paint(canvas, spec);
}

/** Draws one child's timeline (`child` is the index in `report.journeys`). */
export function drawTimeline(canvas, report, child, options = {}) {
  return drawChart(canvas, report, { ...options, kind: 'timeline', child });
}

/** Draws the cohort view (one row per child). */
export function drawCohort(canvas, report, options = {}) {
  return drawChart(canvas, report, { ...options, kind: 'cohort' });
}

// --- Input ---------------------------------------------------------------------------------------

/**
 * Turns the accepted input forms into `{ name, bytes: Uint8Array }` records and the list of
 * buffers to transfer to the worker.
 */
async function collectFiles(input, transferCallerBuffers, onProgress) {
  const items = Array.isArray(input) ? input : [input];
  const files = [];
  const transfer = new Set();
  const total = items.reduce((sum, item) => sum + (sizeOf(item) ?? 0), 0);
  let done = 0;
  onProgress({ phase: 'reading', done, total });
  for (const [index, item] of items.entries()) {
    const fallbackName = `file-${index + 1}`;
    if (typeof Blob !== 'undefined' && item instanceof Blob) {
      const bytes = new Uint8Array(await item.arrayBuffer());
      files.push({ name: item.name ?? fallbackName, bytes });
      transfer.add(bytes.buffer);
      done += bytes.byteLength;
      onProgress({ phase: 'reading', done, total });
      continue;
    }
    const isRecord = item !== null && typeof item === 'object' && 'bytes' in item;
    const name = isRecord && typeof item.name === 'string' ? item.name : fallbackName;
    const raw = isRecord ? item.bytes : item;
    let bytes;
    if (raw instanceof ArrayBuffer) {
      bytes = new Uint8Array(raw);
    } else if (ArrayBuffer.isView(raw)) {
      bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    } else {
      throw new TypeError(
        `${name}: expected a File, Blob, ArrayBuffer or Uint8Array, got ${describe(raw)}`,
      );
    }
    if (!transferCallerBuffers) {
      // One compact copy, which the worker then owns.
      bytes = bytes.slice();
    }
    files.push({ name, bytes });
    transfer.add(bytes.buffer);
    done += bytes.byteLength;
    onProgress({ phase: 'reading', done, total });
  }
  return { files, transfer: [...transfer] };
}

function sizeOf(item) {
  if (typeof Blob !== 'undefined' && item instanceof Blob) {
    return item.size;
  }
  const raw = item !== null && typeof item === 'object' && 'bytes' in item ? item.bytes : item;
  return raw?.byteLength;
}

function describe(value) {
  if (value === null) {
    return 'null';
  }
  return typeof value === 'object' ? value.constructor?.name ?? 'an object' : typeof value;
}

// --- <driftline-view> ------------------------------------------------------------------------

const VIEW_STYLE = `
:host { display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1f24; line-height: 1.45; }
* { box-sizing: border-box; }
h2 { font-size: 1.15rem; margin: 0.75rem 0 0.5rem; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: 0.5rem; margin: 0; }
dl div { background: #f3f5f8; border-radius: 6px; padding: 0.4rem 0.6rem; }
dt { font-size: 0.8rem; color: #4a5360; }
dd { margin: 0; font-size: 1.3rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.scroll { max-height: 22rem; overflow: auto; border: 1px solid #c9d0d9; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #c9d0d9; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f3f5f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
button { font: inherit; color: #0b5cad; background: none; border: none; padding: 0; text-decoration: underline; cursor: pointer; }
button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.status { color: #4a5360; }
.error { color: #a4261b; font-weight: 600; }
`;

const ViewBase = typeof HTMLElement === 'undefined' ? class {} : HTMLElement;

/**
 * `<driftline-view>`: an embeddable view of a load. Attributes: `view` (`summary`,
 * `children` or `problems`), `as-at` (YYYY-MM-DD), `profile`, `pseudonymise`. Call
 * `load(files)`; the report is then in the `report` property. Events: `driftline-load`
 * (`detail.report`), `driftline-error` (`detail.error`), `driftline-select` (`detail.index`,
 * `detail.child`). The core is loaded on the first `load`.
 */
export class DriftlineView extends ViewBase {
  static observedAttributes = ['view', 'as-at', 'profile', 'pseudonymise'];

  #session = null;
  #report = null;
  #files = null;
  #root;
  #body;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in this.#root && typeof CSSStyleSheet === 'function') {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(VIEW_STYLE);
      this.#root.adoptedStyleSheets = [sheet];
    }
    this.#body = document.createElement('div');
    this.#body.setAttribute('part', 'body');
    this.#root.append(this.#body);
    this.#say('No data loaded.');
  }

  /** The report of the last load, or `null`. */
  get report() {
    return this.#report;
  }

  /** The session of the last load (for the drawing functions), or `null`. */
  get session() {
    return this.#session;
  }

  /**
   * Reads and analyses `files` (anything `analyze` accepts) and shows them.
   *
   * @returns {Promise<object>} The report.
   */
  async load(files) {
    this.#files = files;
    return this.#run(() =>
      open(files, {
        asAt: this.getAttribute('as-at') || undefined,
        profile: this.getAttribute('profile') || null,
      }),
    );
  }

  /** Drops the loaded data and stops its worker. */
  clear() {
    this.#session?.close();
    this.#session = null;
    this.#report = null;
    this.#files = null;
    this.#say('No data loaded.');
  }

  disconnectedCallback() {
    // Keep the data: the element may be moved. `clear()` frees it.
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || this.#session === null) {
      return;
    }
    if (name === 'as-at' || name === 'profile') {
      this.#run(() => open(this.#files, {
        asAt: this.getAttribute('as-at') || undefined,
        profile: this.getAttribute('profile') || null,
      })).catch(() => {});
    } else {
      this.#render();
    }
  }

  async #run(start) {
    this.#say('Reading…');
    try {
      const session = await start();
      const report = await session.report();
      this.#session?.close();
      this.#session = session;
      this.#report = report;
      remember(report, session);
      await this.#render();
      this.dispatchEvent(new CustomEvent('driftline-load', { detail: { report }, bubbles: true, composed: true }));
      return report;
    } catch (error) {
      this.#say(error?.message ?? String(error), true);
      this.dispatchEvent(new CustomEvent('driftline-error', { detail: { error }, bubbles: true, composed: true }));
      throw error;
    }
  }

  get #pseudonymise() {
    const value = this.getAttribute('pseudonymise');
    return value !== null && value !== 'false';
  }

  async #render() {
    const session = this.#session;
    if (session === null) {
      return;
    }
    const s = session.summary;
    const number = new Intl.NumberFormat('en-GB');
    const counts = document.createElement('dl');
    for (const [label, value] of [
      ['Children', s.children],
      ['Looked after now', s.in_care],
      ['Rows read', s.rows_read],
      ['Rows used', s.rows_used],
      ['Rows rejected', s.rows_rejected],
      ['Problems', s.problems],
    ]) {
      const item = document.createElement('div');
      item.append(text('dt', label), text('dd', number.format(value)));
      counts.append(item);
    }
    const parts = [text('p', `As at ${longDateGb(s.as_at)}.`, 'status'), counts];
    const view = this.getAttribute('view') ?? 'summary';
    if (view === 'children') {
      const page = await session.children({ limit: 200, pseudonymise: this.#pseudonymise });
      parts.push(text('h2', 'Children'));
      parts.push(
        table(
          ['Child', 'Placement now', 'Legal status now', 'Moves'],
          page.rows.map((r) => [
            this.#selectButton(r),
            r.in_care ? r.placement_label ?? '' : 'Not looked after',
            r.in_care ? r.legal_status_label ?? '' : '',
            number.format(r.moves),
          ]),
        ),
      );
    } else if (view === 'problems' || view === 'summary') {
      const page = await session.problems({ limit: 200, pseudonymise: this.#pseudonymise });
      parts.push(text('h2', `Problems (${number.format(page.total)})`));
      parts.push(
        table(
          ['File', 'Sheet', 'Row', 'Column', 'Message'],
          page.rows.map((d) => [d.file ?? '', d.sheet ?? '', d.row == null ? '' : number.format(d.row), d.column ?? '', d.message]),
        ),
      );
    }
    this.#body.replaceChildren(...parts);
  }

  #selectButton(row) {
    const button = text('button', row.child);
    button.type = 'button';
    button.addEventListener('click', async () => {
      const child = await this.#session.child(row.index, this.#pseudonymise);
      this.dispatchEvent(
        new CustomEvent('driftline-select', { detail: { index: row.index, child }, bubbles: true, composed: true }),
      );
    });
    return button;
  }

  #say(message, isError = false) {
    this.#body.replaceChildren(text('p', message, isError ? 'error' : 'status'));
  }
}

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className !== undefined) {
    node.className = className;
  }
  return node;
}

function table(columns, rows) {
  const scroll = document.createElement('div');
  scroll.className = 'scroll';
  scroll.tabIndex = 0;
  const t = document.createElement('table');
  const head = document.createElement('tr');
  for (const c of columns) {
    const th = text('th', c);
    th.scope = 'col';
    head.append(th);
  }
  t.createTHead().append(head);
  const body = t.createTBody();
  for (const cells of rows) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      if (cell instanceof Node) {
        td.append(cell);
      } else {
        td.textContent = cell;
      }
      tr.append(td);
    }
    body.append(tr);
  }
  scroll.append(t);
  return scroll;
}

function longDateGb(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

if (typeof customElements !== 'undefined' && customElements.get('driftline-view') === undefined) {
  customElements.define('driftline-view', DriftlineView);
}
