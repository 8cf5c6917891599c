// End-to-end tests of the "for sharing" mode in headless Chromium: with it on, the Overview's
// tables and exports show no count from 1 to 4, no withheld count can be worked out from the
// totals (checked here by its own elimination over the exact figures, which the page's own
// export gives with the mode off), statistics of fewer than 5 children are withheld, rounding
// gives multiples of 5, and charts that would show more than their tables are not drawn.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import { WWW, cli, downloadText, openRecorded, openView, parseCsv, pickFiles } from './helpers.mjs';

let server;
let browser;
let files;

before(async () => {
  server = await serve(WWW);
  browser = await launch();
  const out = join(mkdtempSync(join(tmpdir(), 'driftline-sharing-')), 'cohort');
  const generated = await cli(['generate', '--children', '400', '--seed', '21', '--as-at', '2024-03-31',
    '--format', 'template-csv', '--out', out]);
  assert.equal(generated.code, 0, generated.stderr);
  files = readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => join(out, f));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const COUNTS = ['started', 'completed', 'censored', 'within_target', 'waiting_overdue'];

/** The export as objects keyed by column. */
function rowsOf(csv) {
  const [head, ...rows] = parseCsv(csv).filter((r) => r.length > 1 && !r[0].startsWith('#'));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

/**
 * The withheld cells that the shown cells determine, by Gauss–Jordan elimination over the
 * relations that hold in the exact figures: in each row started = completed + not completed,
 * and in each stage and count the total row = the sum of its groups; where a relation does
 * not add up exactly, the difference is one more unknown (it is never shown).
 */
function recoverable(shared, exact) {
  const unknowns = new Map();
  const unknown = (key) => {
    if (!unknowns.has(key)) unknowns.set(key, unknowns.size);
    return unknowns.get(key);
  };
  const equations = [];
  const cell = (r, c) => ({ key: `${r}:${c}`, exact: Number(exact[r][c] || 0), shown: shared[r][c] });
  const relate = (total, parts) => {
    const rest = total.exact - parts.reduce((n, p) => n + p.exact, 0);
    if (rest < 0) return;
    const terms = [[total, 1], ...parts.map((p) => [p, -1])];
    const row = new Map();
    let constant = 0; // Σ coefficient × shown value moves to the right-hand side
    for (const [c, k] of terms) {
      if (c.shown === '[c]') {
        const u = unknown(c.key);
        row.set(u, (row.get(u) ?? 0) + k);
      } else {
        constant -= k * Number(c.shown || 0);
      }
    }
    if (rest > 0) {
      const u = unknown(`rest:${equations.length}`);
      row.set(u, (row.get(u) ?? 0) - 1);
    }
    if (row.size > 0) equations.push(row);
    return constant;
  };
  for (let r = 0; r < exact.length; r += 1) {
    relate(cell(r, 'started'), [cell(r, 'completed'), cell(r, 'censored')]);
  }
  for (let r = 0; r < exact.length; r += 1) {
    if (exact[r].group !== '') continue;
    const groups = [];
    for (let g = r + 1; g < exact.length && exact[g].group !== ''; g += 1) groups.push(g);
    if (groups.length === 0) continue;
    for (const c of COUNTS) {
      if (exact[r][c] === '' || groups.some((g) => exact[g][c] === '')) continue;
      relate(cell(r, c), groups.map((g) => cell(g, c)));
    }
  }
  // Reduced row echelon form, exactly enough for these small integer systems.
  const width = unknowns.size;
  const m = equations.map((row) => Array.from({ length: width }, (_, i) => row.get(i) ?? 0));
  let lead = 0;
  for (let col = 0; col < width && lead < m.length; col += 1) {
    const pivot = m.findIndex((row, i) => i >= lead && Math.abs(row[col]) > 1e-9);
    if (pivot < 0) continue;
    [m[lead], m[pivot]] = [m[pivot], m[lead]];
    const p = m[lead][col];
    m[lead] = m[lead].map((x) => x / p);
    for (let i = 0; i < m.length; i += 1) {
      if (i !== lead && Math.abs(m[i][col]) > 1e-9) {
        const f = m[i][col];
        m[i] = m[i].map((x, j) => x - f * m[lead][j]);
      }
    }
    lead += 1;
  }
  const names = [...unknowns.keys()];
  return m
    .slice(0, lead)
    .filter((row) => row.filter((x) => Math.abs(x) > 1e-9).length === 1)
    .map((row) => names[row.findIndex((x) => Math.abs(x) > 1e-9)])
    .filter((name) => !name.startsWith('rest:'));
}

async function overview(page, breakdown) {
  await openView(page, 'overview');
  await page.selectOption('#stage-breakdown', breakdown);
  await page.waitForSelector('#view-overview[data-rendered="yes"]');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#view-overview figure.chart')].every((f) => f.hidden || f.dataset.drawn !== 'no'),
  );
}

test('for sharing, no count of 1–4 survives and no withheld count can be worked out', async () => {
  const { context, page, errors } = await openRecorded(browser, `${server.origin}/`);
  try {
    await pickFiles(page, files);
    let withheld = 0;
    for (const breakdown of ['age_at_entry', 'placement', 'sex', 'team']) {
      await overview(page, breakdown);
      const exact = rowsOf((await downloadText(page, '#stages-csv')).text);
      await page.check('#for-sharing');
      await overview(page, breakdown);
      const shared = rowsOf((await downloadText(page, '#stages-csv')).text);
      assert.equal(shared.length, exact.length);
      for (const [i, row] of shared.entries()) {
        for (const c of COUNTS) {
          const v = row[c];
          if (v === '[c]') {
            withheld += 1;
            continue;
          }
          assert.ok(v === '' || Number(v) === 0 || Number(v) >= 5, `${breakdown} ${row.stage} ${row.group} ${c} = ${v}`);
          assert.equal(v, exact[i][c], 'an unrounded count changed');
        }
        if (Number(exact[i].completed) < 5 && exact[i].median_days !== '') {
          assert.equal(row.median_days, '[c]', `${breakdown}: a median of ${exact[i].completed} children`);
        }
        if (Number(exact[i].started) < 5 && exact[i].km_median_days !== '') {
          assert.equal(row.km_median_days, '[c]');
        }
      }
      assert.deepEqual(recoverable(shared, exact), [], `${breakdown}: a withheld count can be worked out`);
      // The check is not blind: withholding only the counts of 1–4 leaves some recoverable.
      const primaryOnly = exact.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, COUNTS.includes(k) && /^[1-4]$/.test(v) ? '[c]' : v])),
      );
      assert.ok(recoverable(primaryOnly, exact).length > 0, `${breakdown}: primary suppression alone looks safe`);
      // The table on screen shows the same: no count of 1–4 in any count column.
      const screen = await page.$$eval('#stage-table tbody tr', (rows) =>
        rows.map((r) => [2, 3, 4, 7, 8].map((i) => r.cells[i]?.textContent ?? '')),
      );
      for (const cells of screen) {
        for (const text of cells) {
          const count = text.split(' ')[0].replaceAll(',', '');
          assert.ok(!/^[1-4]$/.test(count), `the stage table shows ${text}`);
        }
      }
      // The delay chart shows every group's counts: with any withheld, it is not drawn.
      const label = await page.getAttribute('#view-overview figure[data-slot="overview-delay"] canvas', 'aria-label');
      if (shared.some((r) => COUNTS.some((c) => r[c] === '[c]'))) {
        assert.match(label, /\(not drawn for sharing\)$/);
      }
      const delay = rowsOf((await downloadText(page, '#view-overview figure[data-slot="overview-delay"] [data-export="csv"]')).text);
      for (const row of delay) {
        for (const c of ['started', 'completed', 'not_ended', 'within_target', 'waiting_overdue']) {
          assert.ok(!/^[1-4]$/.test(row[c] ?? ''), `delay numbers: ${c} ${row[c]}`);
        }
      }
      // The Kaplan–Meier curve's steps are single children: never drawn for sharing.
      const km = await page.getAttribute('#view-overview figure[data-slot="overview-km"] canvas', 'aria-label');
      assert.match(km, /\(not drawn for sharing\)$/);
      await page.uncheck('#for-sharing');
    }
    assert.ok(withheld > 20, `only ${withheld} counts withheld`);
    // Rounded: every count shown is a multiple of 5.
    await page.check('#for-sharing');
    await page.check('#sharing-round');
    await overview(page, 'age_at_entry');
    const rounded = rowsOf((await downloadText(page, '#stages-csv')).text);
    for (const row of rounded) {
      for (const c of COUNTS) {
        assert.ok(['', '[c]'].includes(row[c]) || Number(row[c]) % 5 === 0, `${c} ${row[c]} not rounded`);
      }
    }
    // The rules its counts follow are in its notes, beside the CSV as the command line writes
    // them (NAME.notes.txt): counts of 1 to 4 withheld as [c], the others rounded to 5.
    const notes = await downloadText(page, '#stages-notes');
    assert.equal(notes.name, 'driftline-stages.notes.txt');
    assert.match(notes.text, /^For sharing: counts from 1 to 4 are withheld and shown as \[c\]/);
    assert.match(notes.text, / The other counts are rounded to the nearest 5\.\n$/);
    // QI: one point per child is refused; per quarter, points of fewer than 5 are withheld.
    await openView(page, 'qi').catch(() => {});
    await page.waitForFunction(() => document.getElementById('qi-message')?.textContent.length > 0);
    assert.match(await page.textContent('#qi-message'), /one point per child/);
    await page.selectOption('#qi-aggregation', 'quarter');
    await page.waitForSelector('#view-qi figure[data-slot="qi-xmr"][data-drawn="yes"]');
    const qi = rowsOf((await downloadText(page, '#view-qi figure[data-slot="qi-xmr"] [data-export="csv"]')).text);
    for (const row of qi) {
      assert.ok(row.waits === '[c]' || Number(row.waits) >= 5, `a point of ${row.waits} waits`);
      if (row.waits === '[c]') {
        assert.equal(row.days, '[c]');
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
