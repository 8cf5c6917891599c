// End-to-end tests of the page in headless Chromium: it loads from its own origin only, it
// makes no request after loading other than for its own files, and what it shows after a
// drop, a file pick or the demo button equals the command line's report for the same files.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import {
  DEMO_FILES,
  RECORD_CSP_VIOLATIONS,
  WWW,
  assertPageMatchesCli,
  assertSameReport,
  cliAnalyze,
  waitForLoad,
} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page in a fresh context, recording every request (workers' included). */
async function openPage() {
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(RECORD_CSP_VIOLATIONS);
  await page.goto(`${server.origin}/`);
  await page.waitForSelector('body[data-engine="ready"]');
  return { context, page, requests, errors };
}

/** The path of a same-origin URL, or null for any other origin. */
function ownPath(url) {
  const parsed = new URL(url);
  return parsed.origin === server.origin ? parsed.pathname : null;
}

test('the page loads only its own files and the wasm starts', async () => {
  const { context, page, requests, errors } = await openPage();
  try {
    // blob: URLs are the workers, started from code the page already has.
    const paths = requests.filter((url) => !url.startsWith('blob:')).map(ownPath);
    assert.ok(!paths.includes(null), `requests to another origin: ${requests.join(' ')}`);
    for (const path of paths) {
      const file = path.endsWith('/') ? join(WWW, path, 'index.html') : join(WWW, path);
      assert.ok(existsSync(file), `${path} is not one of the page's files`);
    }
    // The worker's own requests are seen too, so the list above is complete.
    assert.ok(paths.includes('/worker.js'), paths.join(' '));
    assert.ok(paths.includes('/pkg/driftline_bg.wasm'), paths.join(' '));
    assert.equal(await page.textContent('#status'), 'Ready. Your files will be read on this computer only.');
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('dropping files shows what the command line reports, with no request at all', async () => {
  const { context, page, requests, errors } = await openPage();
  try {
    const before = requests.length;
    const files = DEMO_FILES.map((path) => ({
      name: basename(path),
      text: readFileSync(path, 'utf8'),
    }));
    await page.evaluate((files) => {
      const transfer = new DataTransfer();
      for (const file of files) {
        transfer.items.add(new File([file.text], file.name, { type: 'text/csv' }));
      }
      const zone = document.getElementById('drop-zone');
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    await assertPageMatchesCli(page, DEMO_FILES);
    assert.deepEqual(requests.slice(before), [], 'requests made after the page had loaded');
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('choosing files with the file picker shows what the command line reports', async () => {
  const { context, page, requests, errors } = await openPage();
  try {
    const before = requests.length;
    const chosen = [DEMO_FILES[0], DEMO_FILES[1]];
    await page.setInputFiles('#file-input', chosen);
    await assertPageMatchesCli(page, chosen);
    assert.deepEqual(requests.slice(before), [], 'requests made after the page had loaded');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the demo button loads the bundled demo files and nothing else', async () => {
  const { context, page, requests, errors } = await openPage();
  try {
    const before = requests.length;
    await page.click('#demo-button');
    await assertPageMatchesCli(page, DEMO_FILES);
    const after = requests.slice(before).map(ownPath).sort();
    assert.deepEqual(after, DEMO_FILES.map((path) => `/demo/${basename(path)}`).sort());
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a file with nothing usable shows the same problems as the command line', async () => {
  const { context, page, errors } = await openPage();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'driftline-e2e-'));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'Shopping list\nmilk\nbread\n');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await page.setInputFiles('#file-input', [notes, empty]);
    await assertPageMatchesCli(page, [notes, empty], { readable: false });
    assert.match(await page.textContent('#status'), /Nothing usable could be read/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('file names and cell text are shown as text, never as HTML', async () => {
  const { context, page, errors } = await openPage();
  try {
    const name = '<img src=x onerror="window.__injected=1">.csv';
    const badDate = '<img src=x onerror="window.__injected=3">';
    const label = '<b>Family time</b>';
    const csv =
      'child_id,date,event\n' +
      `<script>window.__injected=2</script>,"${badDate.replaceAll('"', '""')}",LAC review\n` +
      `C1,01/02/2024,${label}\n`;
    await page.setInputFiles('#file-input', {
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await waitForLoad(page);
    assert.equal(await page.$('main img'), null);
    assert.equal(await page.$('main b'), null);
    assert.equal(await page.$('main script'), null);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
    const texts = await page.$$eval('#problem-table td, #file-list li, #unknown-labels li', (nodes) =>
      nodes.map((node) => node.textContent),
    );
    for (const expected of [name, badDate, label]) {
      assert.ok(texts.some((text) => text.includes(expected)), `${expected} in ${texts.join(' | ')}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('analyze() gives journeys built when read, each equal to the command line\'s', async () => {
  // The demo with one child's ID and one authority's name outside ASCII, so that a journey
  // after them starts where its bytes do, not where its characters would; an emoji (two
  // UTF-16 units) in a team's name; and an extra column named __proto__, which the command
  // line's JSON has as an ordinary key of each child's attributes.
  const dir = mkdtempSync(join(tmpdir(), 'driftline-journeys-'));
  const files = DEMO_FILES.map((file) => {
    let text = readFileSync(file, 'utf8').replaceAll('C0000002', 'C00000Ø2ü').replaceAll('Carrick Vale', 'Càrrick Välé');
    if (basename(file) === 'children.csv') {
      text = text
        .replaceAll(',South\n', ',South 🌊\n')
        .split('\n')
        .map((line, i) => (line === '' ? line : `${line},${i === 0 ? '__proto__' : `p${i % 3}`}`))
        .join('\n');
    }
    const path = join(dir, basename(file));
    writeFileSync(path, text);
    return { name: basename(file), text, path };
  });
  const asAt = '2025-03-31';
  const cli = await cliAnalyze(files.map((f) => f.path), asAt);
  assert.equal(cli.code, 0, cli.stderr);
  const expected = cli.report.journeys;
  assert.ok(expected.some((j) => j.child_id === 'C00000Ø2ü'));
  assert.ok(expected.every((j) => Object.keys(j.attributes).includes('__proto__')), 'the extra column is an attribute');
  assert.ok(expected.some((j) => j.team === 'South 🌊'));
  const n = expected.length;
  const chosen = [n - 1, 0, 1, 2, Math.floor(n / 2), n - 2];
  const { context, page, errors } = await openPage();
  try {
    const got = await page.evaluate(async ({ files, asAt, chosen, n }) => {
      // Which of the worker's queries analyze() asks: the packed journeys, and nothing slower.
      const asked = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function record(message, ...rest) {
        if (message?.type === 'query') {
          asked.push(message.method);
        }
        return post.call(this, message, ...rest);
      };
      const { analyze } = await import('./driftline.js');
      const report = await analyze(files.map((f) => new File([f.text], f.name)), { asAt });
      Worker.prototype.postMessage = post;
      const journeys = report.journeys;
      // Read in this order (the last first), each twice: the same object both times.
      const read = chosen.map((i) => journeys[i]);
      const same = chosen.every((i, k) => journeys[i] === read[k]);
      const found = journeys.find((j) => j.child_id === 'C00000Ø2ü');
      const copy = structuredClone(Array.from(journeys));
      journeys[0] = 'replaced';
      return {
        isArray: Array.isArray(journeys),
        length: journeys.length,
        keys: Object.keys(journeys).length,
        // As JSON text: the way back to Node would drop a key named __proto__.
        read: read.map((journey) => JSON.stringify(journey)),
        same,
        foundIndex: journeys.indexOf(found),
        ids: copy.map((j) => j.child_id),
        spread: [...journeys].length,
        replaced: journeys[0],
        inRange: n - 1 in journeys,
        outOfRange: n in journeys,
        past: journeys[n],
        reportKeys: Object.keys(report),
        // Everything but the journeys: the packed summary, whose words (35,415 for the demo)
        // leave wasm memory in chunks of 16,384 and are joined in the worker.
        rest: JSON.stringify(Object.fromEntries(Object.entries(report).filter(([key]) => key !== 'journeys'))),
        asked,
        protoKept: Object.keys(read[0].attributes).includes('__proto__') && Object.getPrototypeOf(read[0].attributes) === Object.prototype,
      };
    }, { files: files.map(({ name, text }) => ({ name, text })), asAt, chosen, n });
    assert.equal(got.isArray, true);
    assert.equal(got.length, n);
    assert.equal(got.keys, n);
    chosen.forEach((i, k) => assertSameReport(JSON.parse(got.read[k]), expected[i], `journeys[${i}]`));
    assert.equal(got.same, true, 'a journey read twice is the same object');
    assert.equal(got.foundIndex, expected.findIndex((j) => j.child_id === 'C00000Ø2ü'));
    assert.deepEqual(got.ids, expected.map((j) => j.child_id));
    assert.equal(got.spread, n);
    assert.equal(got.replaced, 'replaced');
    assert.equal(got.inRange, true);
    assert.equal(got.outOfRange, false);
    assert.equal(got.past, undefined);
    assert.deepEqual(got.reportKeys, Object.keys(cli.report));
    const { journeys: _, ...rest } = cli.report;
    assert.ok(rest.stages.length > 0 && rest.stages.every((stage) => stage.km), 'stages with curves');
    assertSameReport(JSON.parse(got.rest), rest, 'report');
    assert.deepEqual(got.asked, ['reportPacked']);
    assert.equal(got.protoKept, true, '__proto__ is an own key, the prototype untouched');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

/** A profile of one's own: two stages with local targets. */
const OWN_PROFILE = {
  id: 'local',
  label: 'Local aims',
  stages: [
    { id: 'to_review', label: 'Entry to first review', from: 'became_looked_after', to: 'lac_review', target: '4 weeks' },
    { id: 'to_panel', label: 'Recommendation to panel', from: 'permanence_recommendation', to: ['panel', 'order_granted'], target: '18 weeks' },
  ],
};

test('analyze() falls back to the journeys as JSON when the packed ones fail, and gives the same', async () => {
  const asAt = '2025-03-31';
  const cli = await cliAnalyze(DEMO_FILES, asAt);
  assert.equal(cli.code, 0, cli.stderr);
  const expected = cli.report.journeys;
  const n = expected.length;
  const chosen = [0, 1, Math.floor(n / 2), n - 1];
  const { context, page, errors } = await openPage();
  try {
    const got = await page.evaluate(async ({ names, asAt, chosen }) => {
      // The worker refuses a query it does not know, as it would fail to pack.
      const asked = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function refuse(message, ...rest) {
        if (message?.type === 'query') {
          const method = message.method === 'reportPacked' ? 'reportPacked (refused)' : message.method;
          asked.push(method);
          return post.call(this, { ...message, method }, ...rest);
        }
        return post.call(this, message, ...rest);
      };
      const { analyze } = await import('./driftline.js');
      const files = await Promise.all(
        names.map(async (name) => new File([await (await fetch(`demo/${name}`)).arrayBuffer()], name)),
      );
      const report = await analyze(files, { asAt });
      Worker.prototype.postMessage = post;
      return {
        asked,
        length: report.journeys.length,
        read: chosen.map((i) => JSON.stringify(report.journeys[i])),
        reportKeys: Object.keys(report),
      };
    }, { names: DEMO_FILES.map((file) => basename(file)), asAt, chosen });
    assert.deepEqual(got.asked, ['reportPacked (refused)', 'reportParts']);
    assert.equal(got.length, n);
    chosen.forEach((i, k) => assertSameReport(JSON.parse(got.read[k]), expected[i], `journeys[${i}]`));
    assert.deepEqual(got.reportKeys, Object.keys(cli.report));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the ES module API accepts every input form and copies unless told to transfer', async () => {
  const { context, page, errors } = await openPage();
  try {
    const asAt = '2025-03-31';
    const results = await page.evaluate(async ({ asAt, ownProfile }) => {
      const { analyze } = await import('./driftline.js');
      const names = ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'];
      const buffers = await Promise.all(
        names.map((name) => fetch(`demo/${name}`).then((r) => r.arrayBuffer())),
      );
      const summary = (report) => JSON.stringify(report);
      const asFiles = names.map((name, i) => new File([buffers[i]], name));
      const asBlobs = buffers.map((buffer) => new Blob([buffer]));
      const asArrays = buffers.map((buffer) => new Uint8Array(buffer));
      const asRecords = names.map((name, i) => ({ name, bytes: buffers[i] }));
      const out = {
        files: summary(await analyze(asFiles, { asAt })),
        records: summary(await analyze(asRecords, { asAt })),
        blobsChildren: (await analyze(asBlobs, { asAt })).children,
        arraysChildren: (await analyze(asArrays, { asAt })).children,
        // Not transferred: the caller's buffers are still usable.
        keptLength: buffers[0].byteLength,
        // Timescale profiles: a built-in by name, and an object of one's own.
        england: summary(await analyze(asRecords, { asAt, profile: 'england' })),
        own: summary(await analyze(asRecords, { asAt, profile: ownProfile })),
      };
      try {
        await analyze(asRecords, { asAt, profile: { ...ownProfile, stages: [{ ...ownProfile.stages[0], traget: '6 weeks' }] } });
        out.badProfile = 'accepted';
      } catch (error) {
        out.badProfile = error.message;
      }
      const own = buffers.map((buffer) => buffer.slice(0));
      await analyze(own, { asAt, transfer: true });
      out.transferredLength = own[0].byteLength;
      try {
        await analyze([42], { asAt });
        out.badInput = 'accepted';
      } catch (error) {
        out.badInput = error.message;
      }
      return out;
    }, { asAt, ownProfile: OWN_PROFILE });
    const cli = await cliAnalyze(DEMO_FILES, asAt);
    assert.equal(cli.code, 0, cli.stderr);
    assertSameReport(JSON.parse(results.files), cli.report);
    assertSameReport(JSON.parse(results.records), cli.report);
    const england = await cliAnalyze(DEMO_FILES, asAt, ['--profile', 'england']);
    assertSameReport(JSON.parse(results.england), england.report);
    const ownPath = join(mkdtempSync(join(tmpdir(), 'driftline-profile-')), 'own.json');
    writeFileSync(ownPath, JSON.stringify(OWN_PROFILE));
    const own = await cliAnalyze(DEMO_FILES, asAt, ['--profile', ownPath]);
    assert.equal(own.code, 0, own.stderr);
    assertSameReport(JSON.parse(results.own), own.report);
    assert.match(results.badProfile, /^options\.profile: The profile is not valid: .*traget/);
    assert.equal(results.blobsChildren, cli.report.children);
    assert.equal(results.arraysChildren, cli.report.children);
    assert.ok(results.keptLength > 0);
    assert.equal(results.transferredLength, 0, 'a transferred buffer is detached');
    assert.match(results.badInput, /expected a File, Blob, ArrayBuffer or Uint8Array/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the template workbook link serves an xlsx file', async () => {
  const { context, page } = await openPage();
  try {
    const href = await page.getAttribute('#template-link', 'href');
    const response = await page.request.get(new URL(href, page.url()).href);
    assert.equal(response.status(), 200);
    const body = await response.body();
    assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'an xlsx file is a zip archive');
  } finally {
    await context.close();
  }
});
