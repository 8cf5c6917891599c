/**
 * Driftline's JavaScript API.
 *
 * `analyze(input, options)` reads spreadsheets and resolves to the report: the same object the
 * command line prints with `driftline analyze --format json`. The reading and the analysis
 * run in a Web Worker (`worker.js`) that loads the WebAssembly core, so the page never
 * freezes. Nothing is sent anywhere: the files' bytes go to the worker and nowhere else.
 *
 * @module driftline
 */

/**
 * Reads one or several spreadsheets and analyses them.
 *
 * @param {File|Blob|ArrayBuffer|Uint8Array|{name: string, bytes: ArrayBuffer|Uint8Array}|Array<File|Blob|ArrayBuffer|Uint8Array|{name: string, bytes: ArrayBuffer|Uint8Array}>} input
 *   The files. A workbook, or one file per table.
 * @param {{asAt?: string, mapping?: object|string|null, profile?: string|null, transfer?: boolean}} [options]
 *   `asAt` is the "as at" date written YYYY-MM-DD (today by default). `mapping` is a saved
 *   column and label mapping. `profile` names a timescale profile (not used yet).
 *   `transfer: true` hands your ArrayBuffers to the worker instead of copying them (they
 *   become unusable to you); the bytes of `File` and `Blob` inputs are always transferred.
 * @returns {Promise<object>} The report. Rejects with an `Error` whose `diagnostics`
 *   property lists the problems when nothing usable could be read.
 */
export async function analyze(input, options = {}) {
  const asAt = options.asAt ?? todayIso();
  const { files, transfer } = await collectFiles(input, options.transfer === true);
  const engine = getEngine();
  await engine.ready;
  const id = engine.nextId++;
  return new Promise((resolve, reject) => {
    engine.pending.set(id, { resolve, reject });
    engine.worker.postMessage(
      {
        type: 'analyze',
        id,
        files,
        options: { asAt, mapping: options.mapping ?? null, profile: options.profile ?? null },
      },
      transfer,
    );
  });
}

/**
 * Starts the worker and loads the WebAssembly core now rather than on the first `analyze`.
 * Resolves when the core is ready.
 *
 * @returns {Promise<void>}
 */
export function preload() {
  return getEngine().ready;
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

/** The running worker, its readiness and the calls waiting for an answer. */
let engine = null;

function getEngine() {
  if (engine !== null) {
    return engine;
  }
  const worker = startWorker();
  const pending = new Map();
  let markReady;
  let failReady;
  const ready = new Promise((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const current = { worker, ready, pending, nextId: 1 };
  const fail = (error) => {
    failReady(error);
    for (const call of pending.values()) {
      call.reject(error);
    }
    pending.clear();
    worker.terminate();
    // The next call starts a fresh worker.
    if (engine === current) {
      engine = null;
    }
  };
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'ready') {
      markReady();
    } else if (message.type === 'init-error') {
      fail(toError(message));
    } else if (message.type === 'result') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (call === undefined) {
        return;
      }
      if (message.ok) {
        call.resolve(message.report);
      } else {
        call.reject(toError(message));
        if (message.fatal) {
          // The core stopped on an internal error; its memory cannot be trusted any more.
          fail(new Error('Driftline stopped unexpectedly and has been restarted.'));
        }
      }
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(`Driftline could not start: ${event.message || 'the worker failed to load'}`));
  };
  ready.catch(() => {});
  engine = current;
  return engine;
}

/* worker:begin (tools/dist.mjs replaces this function in the single-file build) */
function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    type: 'module',
    name: 'driftline',
  });
  worker.postMessage({ type: 'init' });
  return worker;
}
/* worker:end */

function toError(message) {
  const error = new Error(message.message);
  error.diagnostics = message.diagnostics ?? [];
  return error;
}

/**
 * Turns the accepted input forms into `{ name, bytes: Uint8Array }` records and the list of
 * buffers to transfer to the worker.
 */
async function collectFiles(input, transferCallerBuffers) {
  const items = Array.isArray(input) ? input : [input];
  const files = [];
  const transfer = new Set();
  for (const [index, item] of items.entries()) {
    const fallbackName = `file-${index + 1}`;
    if (typeof Blob !== 'undefined' && item instanceof Blob) {
      const bytes = new Uint8Array(await item.arrayBuffer());
      files.push({ name: item.name ?? fallbackName, bytes });
      transfer.add(bytes.buffer);
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
  }
  return { files, transfer: [...transfer] };
}

function describe(value) {
  if (value === null) {
    return 'null';
  }
  return typeof value === 'object' ? value.constructor?.name ?? 'an object' : typeof value;
}
