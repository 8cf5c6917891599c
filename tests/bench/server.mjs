// A static file server for the browser benchmark: several folders mounted under URL prefixes
// of one origin (the page's `www/` at `/`, this folder at `/bench/`, the generated files at
// `/data/`), so the peers' modules and the page share an origin and nothing is fetched from
// anywhere else. It reads files only from inside the mounted folders.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `mounts` (URL prefix → folder; the longest matching prefix wins) on 127.0.0.1 and
 * resolves to `{ origin, close() }`.
 *
 * @param {Record<string, string>} mounts
 */
export async function serve(mounts) {
  const table = Object.entries(mounts)
    .map(([prefix, root]) => [prefix, resolve(root)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (request, response) => {
    try {
      const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
      const [prefix, base] = table.find(([p]) => path.startsWith(p)) ?? [];
      if (base === undefined) {
        throw new Error('no mount');
      }
      let file = normalize(join(base, path.slice(prefix.length)));
      if (file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403).end();
        return;
      }
      if ((await stat(file)).isDirectory()) {
        file = join(file, 'index.html');
      }
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
