// The README's screenshots: an article with arcs, the inspector with an event's slots, and
// the agreement diff. Run against a served build: PORT=8391 node tests/e2e/readme-shots.mjs
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';

const port = process.env.PORT ?? 8391;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
await page.goto(`http://127.0.0.1:${port}/index.html`);
await page.getByRole('button', { name: 'Load sample articles' }).click();
await page.locator('.article').waitFor();
const keys = async (...list) => { for (const k of list) await page.keyboard.press(k); };
const drag = async (needle) => {
  const box = await page.evaluate((needle) => {
    const walker = document.createTreeWalker(document.querySelector('.article'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.textContent.indexOf(needle);
      if (at >= 0) {
        const r = document.createRange();
        r.setStart(n, at);
        r.setEnd(n, at + needle.length);
        const rects = r.getClientRects();
        return { x1: rects[0].left + 2, y: rects[0].top + rects[0].height / 2, x2: rects[rects.length - 1].right - 2 };
      }
    }
    throw new Error(needle);
  }, needle);
  await page.mouse.move(box.x1, box.y);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y, { steps: 4 });
  await page.mouse.up();
};
// An Attack with three arguments, by keys.
await keys('Shift+ArrowRight', 'ArrowRight', 'Shift+ArrowRight', 'o', 'Shift+ArrowRight', 'e');
await page.keyboard.type('attack');
await keys('Enter', '1', 'ArrowLeft', 'Enter');
await keys('2', 'Shift+ArrowRight', ...Array(6).fill('ArrowRight'), 'f');
await keys('5', 'Shift+ArrowRight', ...Array(8).fill('ArrowRight'), 'g');
await keys('Escape');
// A relation and a coreference chain in the next paragraph.
await drag('Oleh Marchenko');
await keys('p');
await drag('regional military administration');
await keys('o');
await drag('who');
await keys('p');
await page.locator('.seg.m', { hasText: /^Oleh Marchenko$/ }).click();
await keys('r');
await page.locator('.seg.m', { hasText: /^regional military administration$/ }).click();
await page.getByRole('group', { name: 'Relation type' }).getByRole('button', { name: /ORG-AFF/ }).click();
await page.locator('.seg.m', { hasText: /^Oleh Marchenko$/ }).click();
await keys('s');
await page.locator('.seg.m', { hasText: /^who$/ }).click();
await keys('Escape');
await page.mouse.move(5, 760);
await page.evaluate(() => { document.querySelector('.article-pane').scrollTop = 0; });
await page.waitForTimeout(300);
await page.screenshot({ path: 'docs/arcs.png' });

await page.locator('.seg.m.trigger').first().click();
await page.evaluate(() => { document.querySelector('.article-pane').scrollTop = 0; });
await page.waitForTimeout(300);
await page.screenshot({ path: 'docs/slots.png' });
await keys('Escape');

// The diff: Ben calls "Russian forces" a GPE and misses the port.
const download = page.waitForEvent('download');
await page.getByRole('button', { name: 'Export JSON' }).click();
const json = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
const ana = { ...json, annotator: 'ana' };
const ben = structuredClone({ ...json, annotator: 'ben' });
const doc = ben.documents.find((d) => d.mentions.length > 0);
doc.mentions.find((m) => m.text === 'Russian forces').type = 'GPE';
const file = (name, data) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(data)) });
await page.getByRole('button', { name: 'Agreement' }).click();
const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
await panel.locator('#agreement-files').setInputFiles([file('ana.json', ana), file('ben.json', ben)]);
await panel.getByRole('button', { name: 'Diff and adjudication' }).click();
await page.waitForTimeout(400);
await page.screenshot({ path: 'docs/diff.png' });
await browser.close();
