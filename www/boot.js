/**
 * Starts the WebAssembly core as early as possible: this module runs as soon as it and
 * `driftline.js` have arrived (it is `async`), without waiting for the page's other modules,
 * so the core compiles and its worker starts while the rest of the page is still loading.
 * `app.js` then finds the worker ready. Nothing is fetched but the page's own files.
 */

import { preload } from './driftline.js';

preload().catch(() => {
  // app.js reports a failure to start when it asks for the core itself.
});
