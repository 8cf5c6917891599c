/**
 * The Driftline worker: runs the WebAssembly core off the page's main thread and keeps one
 * loaded analysis (a `Session`) in its memory, answering the page's small queries about it.
 *
 * This file is a classic worker script. `driftline.js` runs it from a `blob:` URL after
 * prepending the wasm-bindgen glue (which defines `wasm_bindgen`), and sends it the compiled
 * WebAssembly module, so starting a worker (on every load, and after Cancel or Clear) makes
 * no request at all. It receives file bytes and queries, posts answers back, makes no request
 * and stores nothing. It never writes to the console: messages may quote cell values.
 */

/* global wasm_bindgen */

/* handler:begin (.ci/dist.mjs inlines this file into the single-file build) */
(() => {
  const { Session, preview, checkProfile, builtInProfile, milestones, tableCsv, vocabulary } = wasm_bindgen;
  let ready = null;
  /** The chart font, registered in this worker before anything is drawn. */
  let fontsReady = Promise.resolve();
  /** The files of the current load, kept to re-run it with other options. */
  let files = null;
  /** @type {InstanceType<typeof Session> | null} */
  let session = null;

  /** Session methods the page may call, and nothing else. */
  const QUERIES = new Set([
    'report',
    'reportPacked',
    'reportParts',
    'summary',
    'problems',
    'problemsCsv',
    'children',
    'childrenCsv',
    'child',
    'chronologyCsv',
    'findChild',
    'profile',
    'stages',
    'stagesCsv',
    'stagesNotes',
    'stageRowsCsv',
    'qiCsv',
    'chartTable',
    'chartNotes',
    'forecast',
    'forecastBasis',
    'scorecardCsv',
    'scorecardNotes',
  ]);

  /** Functions that need no loaded data, and nothing else. */
  const FUNCTIONS = { checkProfile, builtInProfile, milestones, tableCsv, vocabulary };

  const messageOf = (error) => (error instanceof Error ? error.message : String(error));

  function reply(id, value) {
    const transfer = [];
    if (value instanceof Object && value.bitmap instanceof ImageBitmap) {
      transfer.push(value.bitmap);
    }
    // The report's journeys (reportPacked, reportParts) move to the page without a copy.
    if (value instanceof Object && Array.isArray(value.words) && value.summary instanceof Uint32Array) {
      transfer.push(
        ...value.words.map((words) => words.buffer),
        value.summary.buffer,
        value.starts.buffer,
        value.numbers.buffer,
        value.strings.buffer,
        value.stringEnds.buffer,
      );
    }
    if (value instanceof Object && value.journeys instanceof Uint8Array && value.offsets instanceof Uint32Array) {
      transfer.push(value.journeys.buffer, value.offsets.buffer);
    }
    self.postMessage({ type: 'result', id, ok: true, value }, transfer);
  }

  function fail(id, error) {
    self.postMessage({
      type: 'result',
      id,
      ok: false,
      // A RuntimeError is a trap inside the core (a bug), not a problem with the files; the
      // page then throws this worker away.
      fatal: error instanceof WebAssembly.RuntimeError,
      message: messageOf(error),
      diagnostics: Array.isArray(error?.diagnostics) ? error.diagnostics : [],
    });
  }

  function replaceSession(next) {
    if (session !== null) {
      session.free();
    }
    session = next;
  }

  function progress(id, phase) {
    self.postMessage({ type: 'progress', id, phase });
  }

  /**
   * Registers the chart font's faces (`fonts`: `{ regular, bold }` file bytes sent by the page,
   * never fetched here) under `family`, the name the core's painter asks for first: charts are
   * laid out with that font's advance widths, so the canvas draws text as wide as it was
   * measured, whatever fonts the computer has.
   */
  async function addFonts(family, fonts) {
    if (!family || !fonts || self.fonts === undefined || typeof FontFace !== 'function') {
      return;
    }
    const faces = [
      new FontFace(family, fonts.regular, { weight: '400', style: 'normal' }),
      new FontFace(family, fonts.bold, { weight: '700', style: 'normal' }),
    ];
    await Promise.all(faces.map((face) => face.load()));
    for (const face of faces) {
      self.fonts.add(face);
    }
  }

  const handlers = {
    async init(message) {
      ready ??= wasm_bindgen({ module_or_path: message.module });
      // The font loads while files are read; only drawing waits for it.
      fontsReady = addFonts(message.fontFamily, message.fonts).catch(() => {});
      await ready;
      return true;
    },
    async open(message) {
      await ready;
      files = message.files;
      replaceSession(null);
      progress(message.id, 'analysing');
      replaceSession(new Session(files, message.options));
      progress(message.id, 'preparing');
      return session.summary();
    },
    async rerun(message) {
      await ready;
      if (files === null) {
        throw new Error('Nothing is loaded.');
      }
      progress(message.id, 'analysing');
      const next = new Session(files, message.options);
      replaceSession(next);
      progress(message.id, 'preparing');
      return session.summary();
    },
    async setProfile(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      return session.setProfile(message.profile);
    },
    async call(message) {
      await ready;
      if (!Object.hasOwn(FUNCTIONS, message.name)) {
        throw new Error(`Unknown function ${message.name}.`);
      }
      return FUNCTIONS[message.name](...message.args);
    },
    async preview(message) {
      await ready;
      const source = message.files ?? files;
      if (source === null) {
        throw new Error('Nothing is loaded.');
      }
      return preview(source, message.options);
    },
    async query(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      if (!QUERIES.has(message.method)) {
        throw new Error(`Unknown query ${message.method}.`);
      }
      return session[message.method](...message.args);
    },
    async draw(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      await fontsReady;
      const { canvas, ...info } = session.drawChart(message.spec);
      return { ...info, bitmap: canvas.transferToImageBitmap() };
    },
    async layout(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      return session.chartLayout(message.spec);
    },
    async hit(message) {
      if (session === null) {
        return null;
      }
      return session.hitTest(message.slot, message.x, message.y);
    },
    async svg(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      return session.chartSvg(message.slot);
    },
    async png(message) {
      if (session === null) {
        throw new Error('Nothing is loaded.');
      }
      await fontsReady;
      const canvas = session.chartCanvas(message.slot, message.scale);
      return canvas.convertToBlob({ type: 'image/png' });
    },
    async memory() {
      // The size of the core's memory, in bytes (it grows and never shrinks).
      const exports = await ready;
      return exports.memory.buffer.byteLength;
    },
  };

  self.onmessage = async (event) => {
    const message = event.data;
    const handler = handlers[message.type];
    if (handler === undefined) {
      fail(message.id, new Error(`Unknown message ${message.type}.`));
      return;
    }
    try {
      reply(message.id, await handler(message));
    } catch (error) {
      fail(message.id, error);
    }
  };
})();
/* handler:end */
