// What the browser benchmark (run.mjs) and the in-browser profile (profile.mjs) share: where
// things are, the environment variables that size the inputs, and generating those inputs
// once per set of parameters with the native `driftline generate` (fixed seed; nothing is
// committed).

import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const env = (name, fallback) => process.env[name] ?? fallback;
export const AS_AT = env('AS_AT', '2025-03-31');
export const SEED = env('SEED', '1');
export const CSV_CHILDREN = Number(env('CSV_CHILDREN', 63_400));
export const XLSX_CHILDREN = Number(env('XLSX_CHILDREN', 28_700));
export const BIN = env('DRIFTLINE_BIN', join(ROOT, 'target', 'debug', 'driftline'));
export const DATA = join(ROOT, 'target', 'bench-data');
export const OUT = join(ROOT, 'target', 'bench');
export const CSV_FILES = ['children.csv', 'placements.csv', 'events.csv'];
export const log = (line) => process.stderr.write(`${line}\n`);

/** Generates a cohort once per set of parameters, and returns its folder. */
export function generate(format, children) {
  const dir = join(DATA, `${format}-${children}-seed${SEED}-${AS_AT}`);
  if (!existsSync(join(dir, 'done'))) {
    log(`generating ${format} for ${children} children in ${dir}`);
    execFileSync(BIN, ['generate', '--children', String(children), '--seed', SEED, '--as-at', AS_AT,
      '--format', format, '--out', dir, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(dir, 'done'), '');
  }
  return dir;
}

/** The URL under which the server's `/data/` mount serves `file` of the folder `dir`. */
export const dataUrl = (dir, file) => `/data/${dir.slice(DATA.length + 1)}/${file}`;
