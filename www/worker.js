/**
 * The Driftline worker: loads the WebAssembly core and runs `analyze` off the page's main
 * thread. It receives file bytes from `driftline.js` and posts the report back; it makes no
 * other request and stores nothing.
 */

import init, { analyze } from './pkg/driftline.js';

/* handler:begin (tools/dist.mjs reuses this part in the single-file build) */
let ready = null;

function load(wasm) {
  ready ??= init(wasm === undefined ? undefined : { module_or_path: wasm });
  return ready;
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === 'init') {
    try {
      await load(message.wasm);
      self.postMessage({ type: 'ready' });
    } catch (error) {
      self.postMessage({ type: 'init-error', message: `Driftline could not start: ${messageOf(error)}` });
    }
    return;
  }
  if (message.type === 'analyze') {
    try {
      await load(undefined);
      const report = analyze(message.files, message.options);
      self.postMessage({ type: 'result', id: message.id, ok: true, report });
    } catch (error) {
      self.postMessage({
        type: 'result',
        id: message.id,
        ok: false,
        // A RuntimeError is a trap inside the core (a bug), not a problem with the files.
        fatal: error instanceof WebAssembly.RuntimeError,
        message: messageOf(error),
        diagnostics: Array.isArray(error?.diagnostics) ? error.diagnostics : [],
      });
    }
  }
};
/* handler:end */
