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
    const { files, transfer } = await collectFiles(input, options.transfer === true, onProgress);
    onProgress({ phase: 'starting' });
    await engine.ready;
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
 * @param {{mapping?: object|string|null}} [options]
 * @returns {Promise<object>}
 */
export async function preview(input, options = {}) {
  const engine = takeEngine();
  try {
    const { files, transfer } = await collectFiles(input, options.transfer === true, () => {});
    await engine.ready;
    return await engine.request('preview', { files, options: engineOptions(options) }, transfer);
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

  /** The full report, as `analyze` returns it. */
  report() {
    return this.#query('report');
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

  /** How the loaded files would be read under `mapping` (the mapping step). */
  preview(mapping = null) {
    return this.#engine.request('preview', { options: engineOptions({ mapping }) });
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
  const [glue, handler, module] = await Promise.all([
    text('./pkg/driftline.js'),
    text('./worker.js'),
    compile(),
  ]);
  return { source: `${glue}\n${handler}`, module };
}
/* sources:end */

function getSources() {
  if (sources === null) {
    sources = loadSources().then(({ source, module }) => ({
      url: URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
      module,
    }));
    // A failure is reported by the call that needed it; the next call tries again.
    sources.catch(() => {
      sources = null;
    });
  }
  return sources;
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
    this.ready = getSources().then(({ url, module }) => {
      if (this.stopped) {
        throw this.stopReason ?? new Error('Driftline was stopped.');
      }
      this.worker = new Worker(url, { name: 'driftline' });
      this.worker.onmessage = (event) => this.#receive(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.terminate(new Error(`Driftline could not start: ${event.message || 'the worker failed'}`));
      };
      return this.request('init', { module });
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
    asAt: options.asAt ?? todayIso(),
    mapping: options.mapping ?? null,
    profile: options.profile ?? null,
  };
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
