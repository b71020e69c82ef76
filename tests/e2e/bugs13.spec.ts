// Issue 13's bugs found by trying Loupe as a new user would, each as a user's story (bugs
// 1, 2, 12 and 16 are in workspace13.spec.ts, 3 in arcs.spec.ts, 17 in durability.spec.ts).
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

type Upload = { name: string; mimeType: string; buffer: Buffer };
const txt = (name: string, body: string): Upload => ({ name, mimeType: 'text/plain', buffer: Buffer.from(body) });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });

/** Import annotation files through the "Import annotations…" panel, not strict. */
async function importFiles(page: Page, files: Upload[]) {
  await page.getByRole('button', { name: 'Import annotations…' }).click();
  const panel = page.getByRole('dialog', { name: 'Import annotations' });
  await panel.getByLabel('Annotation files').setInputFiles(files);
  await panel.getByRole('checkbox', { name: /^Strict/ }).uncheck();
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  return panel.locator('.exchange-report');
}

/** Export the open document through the "Export…" panel. */
async function exportAs(page: Page, format: string) {
  await page.getByRole('button', { name: 'Export…' }).click();
  const panel = page.getByRole('dialog', { name: 'Export annotations' });
  await panel.getByLabel('Format').selectOption({ label: format });
  await panel.getByRole('radio', { name: 'This document' }).check();
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download' }).click();
  const file = await download;
  await page.keyboard.press('Escape');
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

test('bug 4: deleting the mention an entity is named after renames and retypes the entity', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Oleh Marchenko');
  await page.keyboard.press('p');
  await loupe.drag('who');
  await page.keyboard.press('o');
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('s');
  await loupe.highlight('who').click();
  await expect(inspector(page).getByRole('list', { name: 'Entities' })).toContainText('Oleh Marchenko · PER (2)');
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('Delete');
  await expect(loupe.highlight('Oleh Marchenko')).toHaveCount(0);
  const { json } = await loupe.exportJson();
  const doc = json.documents.find((d: any) => d.entities.length > 0);
  expect(doc.entities.map((e: any) => [e.name, e.type])).toEqual([['who', 'ORG']]);
});

test('bug 7: a loupe/1 file with one annotation past the end of its text keeps the rest when not strict', async ({ page, browser }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await loupe.drag('Shipping companies');
  await page.keyboard.press('o');
  const { json } = await loupe.exportJson();
  const doc = json.documents[0];
  const org = doc.mentions.find((m: any) => m.type === 'ORG');
  const length = Array.from(doc.text as string).length;
  org.fragments = [[length - 2, length + 40]];

  const other = await (await browser.newContext()).newPage();
  const fresh = new LoupePage(other);
  await fresh.open();
  const report = await importFiles(other, [
    { name: 'past-the-end.loupe.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) },
  ]);
  await expect(report).toContainText('Imported 1 of 1 document ');
  await expect(report).toContainText('1 problem left out');
  await expect(fresh.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  await expect(fresh.article.locator('.seg.m[data-type="ORG"]')).toHaveCount(0);
  await other.context().close();
});

test('bug 8: a text larger than the browser can ever store says so, with the sizes', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.locator('#open-files').setInputFiles(txt('huge report.txt', 'Drones hit the port at dawn. '.repeat(360_000)));
  const summary = page.getByRole('alert').filter({ hasText: 'rejected 1 file:' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary).toContainText('can never be stored, even in an empty corpus');
  await expect(summary).not.toContainText('delete documents');
  await expect(summary).toContainText(/needs [\d.]+ million characters of browser storage, and the browser.s storage holds at most [\d.]+ million characters/);
});

test('bug 9: Clean up text… finds a 157-character cookie notice and a language picker shown twice', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const notice =
    'This website uses cookies to ensure you get the best experience on our website. By continuing to browse the site, you agree to our use of cookies. Learn more';
  expect(notice.length).toBe(157);
  const text = `${notice}\nCHOOSE YOUR LANGUAGE\nEnglish\n\nDrones struck the port of Odesa overnight.\n\nThe regulator fined three publishers.\n\nCHOOSE YOUR LANGUAGE\nEnglish`;
  await page.locator('#open-files').setInputFiles(txt('scraped.txt', text));
  await page.getByRole('button', { name: 'Clean up text…' }).click();
  const cleanup = page.getByRole('region', { name: 'Clean up the text' });
  await expect(cleanup.getByRole('checkbox', { name: /^This website uses cookies/ })).toBeChecked();
  await expect(cleanup.getByRole('checkbox', { name: 'CHOOSE YOUR LANGUAGE' })).toHaveCount(2);
  await cleanup.getByRole('button', { name: /^Remove \d+ lines?$/ }).click();
  await expect(loupe.article.locator('p').first()).toHaveText('Drones struck the port of Odesa overnight.');
});

test('bug 10: re-importing a document’s brat export keeps its title and its status', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const title = (await page.locator('.doc-list button.doc.current .doc-title').textContent())!;
  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await page.getByRole('button', { name: 'Mark done' }).click();
  await expect(page.getByRole('button', { name: 'Done ✓' })).toBeVisible();
  const zip = await exportAs(page, 'brat standoff');
  const report = await importFiles(page, [{ name: zip.name, mimeType: 'application/zip', buffer: zip.bytes }]);
  await expect(report).toContainText('Imported');
  await expect(page.locator('.doc-list .doc-title')).toHaveCount(3);
  await expect(page.locator('.doc-list .doc-title').first()).toHaveText(title);
  await expect(page.locator('.doc-list button.doc').first()).toContainText('done');
  await expect(page.getByRole('button', { name: 'Done ✓' })).toBeVisible();
});

test('bug 11: Shift+Enter in document search with a single match stays on it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await page.keyboard.press('/');
  await page.keyboard.type('Istanbul');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('g');
  await expect(loupe.highlight('Istanbul')).toHaveAttribute('data-type', 'GPE');
  await page.keyboard.press('/');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.press('Shift+Enter');
  expect(errors.filter((e) => /panicked|unreachable|overflow/i.test(e))).toEqual([]);
});

test('bug 13: a long title keeps the download’s extension', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const long = 'Drones strike the port again as the talks stall and the ministers meet '.repeat(3).trim();
  expect(long.length).toBeGreaterThan(120);
  await page.locator('#open-files').setInputFiles(txt(`${long}.txt`, 'Drones struck Odesa.'));
  await expect(loupe.article).toBeVisible();
  const { name } = await loupe.exportJson();
  expect(name).toMatch(/\.loupe\.json$/);
  expect(name.length).toBeLessThanOrEqual(140);
  const conll = await exportAs(page, 'CoNLL IOB2');
  expect(conll.name).toMatch(/\.conll$/);
});

test('bug 18: another tab’s new documents are followed without locking this tab or losing its edits', async ({ context }) => {
  const a = new LoupePage(await context.newPage());
  await a.open();
  await a.loadSamples();
  await a.drag('Odesa');
  await a.page.keyboard.press('g');
  const b = new LoupePage(await context.newPage());
  await b.open();
  await b.page.getByRole('button', { name: 'Add articles' }).click();
  await b.page.locator('#open-files').setInputFiles(txt('from the other tab.txt', 'Kyiv spoke first.'));
  await expect(b.article).toBeVisible();
  // The first tab lists the new document, still saves, and is not read-only.
  await expect(a.page.locator('.doc-list .doc-title')).toContainText(['from the other tab']);
  await a.drag('Shipping companies');
  await a.page.keyboard.press('o');
  await expect(a.page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  await expect(a.page.locator('.storage-banner')).toHaveCount(0);
  await a.page.reload();
  await expect(a.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
  await expect(a.page.locator('.doc-list .doc-title')).toHaveCount(4);
});

const jsonFile = (name: string, json: unknown): Upload => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) });

/** Tag the sample's "Russian forces" ORG, "Oleh Marchenko" and "who" PER in one entity,
 * and export: one annotator's file. */
async function annotatorFile(page: Page) {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  await loupe.drag('Oleh Marchenko');
  await page.keyboard.press('p');
  await loupe.drag('who');
  await page.keyboard.press('p');
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('s');
  await loupe.highlight('who').click();
  const { json } = await loupe.exportJson();
  return json;
}

/** Load two annotators' files and open the diff. */
async function adjudicate(page: Page, ana: unknown, ben: unknown) {
  await page.getByRole('button', { name: 'Agreement' }).click();
  const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
  await panel.locator('#agreement-files').setInputFiles([jsonFile('ana.json', ana), jsonFile('ben.json', ben)]);
  await panel.getByRole('button', { name: 'Diff and adjudication' }).click();
  return panel;
}

test('bug 5: adjudication keeps the coreference cluster both annotators made', async ({ page }) => {
  const json = await annotatorFile(page);
  const ana = { ...json, annotator: 'ana' };
  const ben = structuredClone({ ...json, annotator: 'ben' });
  ben.documents[0].mentions.find((m: any) => m.text === 'Russian forces').type = 'GPE';
  const panel = await adjudicate(page, ana, ben);
  const disagreements = panel.getByRole('list', { name: 'Disagreements' }).getByRole('listitem');
  await expect(disagreements).toHaveCount(1);
  await disagreements.first().getByRole('radio', { name: 'Take B' }).check();
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download curated file' }).click();
  const curated = JSON.parse(readFileSync((await (await download).path())!, 'utf8')).documents[0];
  expect(curated.entities).toHaveLength(1);
  const members = curated.mentions.filter((m: any) => m.entity === curated.entities[0].id).map((m: any) => m.text);
  expect(members.sort()).toEqual(['Oleh Marchenko', 'who']);
});

test('bug 6: a kept event whose argument was not kept says what it lost', async ({ page }) => {
  const json = await annotatorFile(page);
  const doc = json.documents[0];
  const text = Array.from(doc.text as string).join('');
  const at = Array.from(text.slice(0, text.indexOf('launched'))).length;
  const forces = doc.mentions.find((m: any) => m.text === 'Russian forces');
  const attack = (args: unknown[]) => ({ id: 'E1', type: 'Conflict:Attack', trigger: [[at, at + 8]], trigger_text: 'launched', arguments: args });
  const ana = structuredClone({ ...json, annotator: 'ana' });
  ana.documents[0].events = [attack([{ role: 'Attacker', target: forces.id }])];
  // Ben has the attack, but neither the mention nor the argument.
  const ben = structuredClone({ ...json, annotator: 'ben' });
  ben.documents[0].mentions = ben.documents[0].mentions.filter((m: any) => m.text !== 'Russian forces');
  ben.documents[0].events = [attack([])];
  const panel = await adjudicate(page, ana, ben);
  const disagreements = panel.getByRole('list', { name: 'Disagreements' }).getByRole('listitem');
  await expect(disagreements).toHaveCount(2);
  const mention = disagreements.filter({ hasText: 'Russian forces' }).filter({ hasNotText: 'launched' });
  await mention.getByRole('radio', { name: 'Neither', exact: true }).check();
  await disagreements.filter({ hasText: 'launched' }).getByRole('radio', { name: 'Take A' }).check();
  const losses = panel.getByRole('region', { name: 'What the curated document loses with these choices' });
  await expect(losses).toContainText('the Conflict:Attack event “launched” loses its Attacker argument “Russian forces”, which was not kept');
});

test('bug 15: the curated set is kept through the corpus store, so a read-only corpus refuses it', async ({ page }) => {
  const json = await annotatorFile(page);
  const ana = { ...json, annotator: 'ana' };
  const ben = structuredClone({ ...json, annotator: 'ben' });
  ben.documents[0].mentions.find((m: any) => m.text === 'Russian forces').type = 'GPE';
  // Data saved by a newer Loupe: the corpus opens read-only.
  await page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('loupe/v1/index')!);
    localStorage.setItem('loupe/v1/index', JSON.stringify({ ...index, version: 2 }));
  });
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'Read-only' })).toBeVisible();
  const before = await page.evaluate(() => Object.keys(localStorage).sort());
  const panel = await adjudicate(page, ana, ben);
  await panel.getByRole('list', { name: 'Disagreements' }).getByRole('listitem').first().getByRole('radio', { name: 'Take B' }).check();
  await panel.getByRole('button', { name: 'Save to curated set' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The curated set was not saved' })).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).sort())).toEqual(before);
});
