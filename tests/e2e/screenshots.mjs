// Writes the README's screenshots of the page (docs/page-*.png) from the demo data:
//   node tests/e2e/screenshots.mjs   (after `make build`)

import { join } from 'node:path';
import { launch } from './browser.mjs';
import { serve } from './server.mjs';
import { openView, ROOT, WWW } from './helpers.mjs';

const DOCS = join(ROOT, 'docs');
const server = await serve(WWW);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${server.origin}/`);
  await page.waitForSelector('body[data-engine="ready"]');
  await page.screenshot({ path: join(DOCS, 'page-start.png') });
  await page.click('#demo-button');
  await page.waitForSelector('body[data-loaded="yes"]');
  const show = (view) => openView(page, view);
  await show('read');
  await page.locator('#results').screenshot({ path: join(DOCS, 'page-read.png') });
  await show('overview');
  await page.locator('#results').screenshot({ path: join(DOCS, 'page-overview.png') });
  // The Overview's charts split by age on entering care.
  await page.evaluate(() => {
    for (const f of document.querySelectorAll('#view-overview figure.chart')) delete f.dataset.drawn;
  });
  await page.selectOption('#stage-breakdown', 'age_at_entry');
  await page.waitForFunction(() =>
    ['overview-delay', 'overview-km'].every((slot) => document.querySelector(`figure[data-slot="${slot}"]`)?.dataset.drawn === 'yes'),
  );
  const top = await page.locator('#delay-heading').boundingBox();
  const bottom = await page.locator('figure[data-slot="overview-km"]').boundingBox();
  const scroll = await page.evaluate(() => window.scrollY);
  await page.screenshot({
    path: join(DOCS, 'page-overview-charts.png'),
    fullPage: true,
    clip: { x: 0, y: top.y + scroll - 8, width: 1280, height: bottom.y + bottom.height - top.y + 16 },
  });
  await page.selectOption('#stage-breakdown', '');
  await show('children');
  await page.fill('#children-search', 'C0000038');
  await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length === 1);
  await page.click('#children-table [data-child]');
  await page.waitForSelector('#child-detail figure[data-drawn="yes"]');
  await page.locator('#child-detail').screenshot({ path: join(DOCS, 'page-child.png') });
  await page.fill('#children-search', '');
  await page.waitForFunction(() => document.querySelectorAll('#children-table tbody tr').length > 1);
  await page.click('#child-detail button.link');
  await page.locator('#results').screenshot({ path: join(DOCS, 'page-children.png') });
  await show('cohort');
  await page.locator('#results').screenshot({ path: join(DOCS, 'page-cohort.png') });
  for (const view of ['qi', 'forecast', 'timescales']) {
    await show(view);
    await page.locator('#results').screenshot({ path: join(DOCS, `page-${view}.png`) });
  }
  await page.click('#mapping-button');
  await page.waitForSelector('#mapping:not([hidden]) .sheet-mapping');
  await page.locator('#mapping').screenshot({ path: join(DOCS, 'page-mapping.png') });
  const embed = await context.newPage();
  await embed.goto(`${server.origin}/embed.html`);
  await embed.setInputFiles('#embed-files', ['children.csv', 'placements.csv', 'legal.csv', 'events.csv'].map((f) => join(WWW, 'demo', f)));
  await embed.waitForSelector('body[data-loaded]');
  await embed.screenshot({ path: join(DOCS, 'page-embed.png') });
} finally {
  await browser.close();
  await server.close();
}
