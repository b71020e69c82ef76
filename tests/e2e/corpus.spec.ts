import { test, expect, type Page } from '@playwright/test';
import { LoupePage } from './loupe-page';

type Upload = { name: string; mimeType: string; buffer: Buffer };

const txt = (name: string, body: string): Upload => ({ name, mimeType: 'text/plain', buffer: Buffer.from(body) });

/** Every stored key and value, to compare storage before and after. */
async function storage(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)!])));
}

test('importing 50 files adds the good ones and names each bad one with its reason', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const files: Upload[] = [];
  for (let i = 1; i <= 45; i++) {
    files.push(txt(`wire_story_${i}.txt`, `Story ${i}: ships left the harbour at dawn.\n\nThey returned at noon, day ${i}.`));
  }
  files.push({
    name: 'page.html',
    mimeType: 'text/html',
    buffer: Buffer.from(
      '<html><head><title>Port reopens</title><style>p{color:red}</style></head><body>' +
        '<nav>Home | World</nav><h1>Port reopens</h1><p>The port <b>reopened</b> on Monday.</p>' +
        '<script>document.title = "hacked"</script><div>Trade resumed.</div></body></html>',
    ),
  });
  files.push({
    name: 'feed.jsonl',
    mimeType: 'application/json',
    buffer: Buffer.from('{"title":"From the feed","text":"A feed story about Kyiv.","date":"2024-05-01"}\n'),
  });
  // Three bad files.
  files.push({ name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]) });
  files.push({ name: 'broken.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"text":"ok"}\n{"text": oops}\n') });
  files.push(txt('blank.md', ' \n\n '));
  expect(files).toHaveLength(50);

  await page.locator('#open-files').setInputFiles(files);
  const summary = page.getByRole('alert').filter({ hasText: 'Imported' });
  await expect(summary).toContainText('Imported 47 documents', { timeout: 30_000 });
  await expect(summary).toContainText('rejected 3 files');
  await expect(summary).toContainText('latin1.txt is not UTF-8 text');
  await expect(summary).toContainText('broken.jsonl, line 2, column 10: malformed JSON');
  await expect(summary).toContainText('blank.md: the file is empty');
  await expect(page.getByText('0 of 47 done')).toBeVisible();

  // HTML keeps only the text, block by block; the script, style and navigation are gone.
  await page.getByRole('button', { name: /^Port reopens/ }).click();
  await expect(loupe.article.locator('p')).toHaveText(['Port reopens', 'The port reopened on Monday.', 'Trade resumed.']);

  // Importing the same files again skips them as duplicates.
  await page.getByRole('button', { name: 'Add articles' }).click();
  await page.locator('#open-files').setInputFiles(files.slice(0, 5));
  await expect(page.getByRole('status').filter({ hasText: 'Imported 0 documents' })).toContainText(
    'skipped 5 already in the corpus',
  );
});

test('a full storage quota raises a banner, keeps edits in memory, exports them, and saves once space is freed', async ({
  page,
}) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('desa');
  await page.keyboard.press('g');
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  const before = await storage(page);

  // Fill localStorage to the last byte.
  await page.evaluate(() => {
    let chunk = 'x'.repeat(1 << 20);
    let i = 0;
    while (chunk.length > 0) {
      try {
        localStorage.setItem(`filler/${i++}`, chunk);
      } catch {
        chunk = chunk.slice(0, chunk.length >> 1);
      }
    }
  });

  await loupe.drag('hipping companie');
  await page.keyboard.press('o');
  const banner = page.getByRole('alert').filter({ hasText: 'Storage is full' });
  await expect(banner).toBeVisible();
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Not saved');
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');

  // The stored copy is exactly what it was before the quota filled.
  const during = await storage(page);
  for (const [key, value] of Object.entries(before)) expect(during[key], key).toBe(value);

  // Export now carries the unsaved edit.
  const download = page.waitForEvent('download');
  await banner.getByRole('button', { name: 'Export now' }).click();
  const fs = await import('node:fs');
  const exported = JSON.parse(fs.readFileSync((await (await download).path())!, 'utf8'));
  const texts = exported.documents.flatMap((d: any) => d.mentions.map((m: any) => m.text)).sort();
  expect(texts).toEqual(['Odesa', 'Shipping companies']);

  // Free the space and retry: the banner goes and the edit is stored.
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('filler/')).forEach((k) => localStorage.removeItem(k)));
  await banner.getByRole('button', { name: 'Retry saving' }).click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  await page.reload();
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
});

test('one corrupted stored key is reported by document and the others load', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('desa');
  await page.keyboard.press('g');
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  const titles = await page.locator('.doc-title').allTextContents();
  expect(titles).toHaveLength(3);

  // Corrupt the annotations of the second document.
  const id = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe/v1/index')!).documents[1].id);
  await page.evaluate((id) => localStorage.setItem(`loupe/v1/doc/${id}/ann`, '{"version":1,"mentions":[{"id":'), id);
  await page.reload();

  const notice = page.getByRole('alert').filter({ hasText: 'damaged' });
  await expect(notice).toContainText(`“${titles[1]}”`);
  await expect(page.locator('.doc-title')).toHaveText(titles);
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  const rescued = await page.evaluate((id) => localStorage.getItem(`loupe/v1/rescued/loupe/v1/doc/${id}/ann`), id);
  expect(rescued).toBe('{"version":1,"mentions":[{"id":');
});

test('data saved by a newer Loupe opens read-only and is left untouched', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('loupe/v1/index')!);
    localStorage.setItem('loupe/v1/index', JSON.stringify({ ...index, version: 2 }));
  });
  const before = await storage(page);
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'Read-only' })).toContainText('newer version of Loupe');
  await loupe.drag('desa');
  await page.keyboard.press('g');
  await expect(loupe.highlight('Odesa')).toHaveCount(0);
  await page.reload();
  expect(await storage(page)).toEqual(before);
});

test('the navigator tracks progress, moves by key, and deletes with confirmation and undo', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await expect(page.getByText('0 of 3 done')).toBeVisible();
  await page.getByRole('button', { name: 'Mark done' }).click();
  await expect(page.getByText('1 of 3 done')).toBeVisible();

  const current = page.locator('.doc[aria-current="page"] .doc-title');
  const titles = await page.locator('.doc-title').allTextContents();
  await expect(current).toHaveText(titles[0]);
  await page.keyboard.press('Alt+ArrowDown');
  await expect(current).toHaveText(titles[1]);
  await page.keyboard.press('Alt+ArrowUp');
  await expect(current).toHaveText(titles[0]);

  // Filter and search.
  await page.getByLabel('Show').selectOption('done');
  await expect(page.locator('.doc-title')).toHaveText([titles[0]]);
  await page.getByLabel('Show').selectOption('all');
  await page.getByLabel('Search titles and text').fill('zzz-no-such-text');
  await expect(page.getByText('No document matches')).toBeVisible();
  await page.getByLabel('Search titles and text').fill('');

  // Rename.
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New title').fill('Renamed story');
  await page.getByRole('button', { name: 'Save title' }).click();
  await expect(current).toHaveText('Renamed story');

  // Delete two, then undo.
  await page.getByRole('checkbox', { name: `Select ${titles[1]}` }).check();
  await page.getByRole('checkbox', { name: `Select ${titles[2]}` }).check();
  await page.getByRole('button', { name: 'Delete 2 selected' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('.doc-title')).toHaveText(['Renamed story']);
  await page.getByRole('button', { name: 'Undo delete' }).click();
  await expect(page.locator('.doc-title')).toHaveCount(3);
  await page.reload();
  await expect(page.locator('.doc-title')).toHaveText(['Renamed story', titles[1], titles[2]]);
  await expect(page.getByText('1 of 3 done')).toBeVisible();
});

test('the annotator name is kept and written into exports', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await page.getByLabel('Your name (written into exports)').fill('Ana Ruiz');
  await page.getByLabel('Your name (written into exports)').press('Tab');
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  await page.reload();
  await expect(page.getByLabel('Your name (written into exports)')).toHaveValue('Ana Ruiz');
  const { json } = await loupe.exportJson();
  expect(json.annotator).toBe('Ana Ruiz');
});

test('two tabs editing the same document alternately 100 times keep every edit', async ({ context }) => {
  test.setTimeout(240_000);
  const words = Array.from({ length: 100 }, (_, i) => `w${String(i).padStart(3, '0')}`);
  const text = [0, 1, 2, 3, 4].map((p) => words.slice(p * 20, p * 20 + 20).join(' and ')).join('\n\n');

  const a = new LoupePage(await context.newPage());
  await a.open();
  await a.page.getByLabel('Title').fill('Shared story');
  await a.page.getByLabel('Text').fill(text);
  await a.page.getByRole('button', { name: 'Add this article' }).click();
  await expect(a.article).toBeVisible();

  const b = new LoupePage(await context.newPage());
  await b.open();
  await expect(b.article).toContainText('w099');

  for (const [i, word] of words.entries()) {
    const tab = i % 2 === 0 ? a : b;
    await tab.page.bringToFront();
    // The other tab's edit arrives first (it is saved within a frame): a repaint between
    // measuring the word and dragging over it would move the text under the mouse.
    if (i > 0) await expect(tab.highlight(words[i - 1])).toHaveCount(1);
    await tab.drag(word);
    await tab.page.keyboard.press('p');
    await expect(tab.highlight(word)).toHaveCount(1);
  }
  for (const tab of [a, b]) {
    await expect(tab.page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  }
  for (const tab of [a, b]) {
    await expect(tab.article.locator('.seg.m')).toHaveCount(100);
  }
  await a.page.reload();
  await expect(a.article.locator('.seg.m')).toHaveCount(100);
  const stored = await a.page.evaluate(() => {
    const id = JSON.parse(localStorage.getItem('loupe/v1/index')!).documents[0].id;
    return JSON.parse(localStorage.getItem(`loupe/v1/doc/${id}/ann`)!).mentions.map((m: any) => m.text).sort();
  });
  expect(stored).toEqual(words);
});

test('the storage meter shows usage and exports and removes done documents', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const titles = await page.locator('.doc-title').allTextContents();
  await page.getByRole('button', { name: 'Mark done' }).click();
  await page.getByText('Storage', { exact: true }).click();
  await expect(page.getByText(/of about 5\.20 M characters used/)).toBeVisible();
  await expect(page.locator('.biggest li')).toHaveCount(3);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export and remove done documents (1)' }).click();
  const fs = await import('node:fs');
  const exported = JSON.parse(fs.readFileSync((await (await download).path())!, 'utf8'));
  expect(exported.documents.map((d: any) => d.title)).toEqual([titles[0]]);
  await expect(page.locator('.doc-title')).toHaveText(titles.slice(1));
  await expect(page.locator('.biggest li')).toHaveCount(2);
});

test('scraped boilerplate is cleaned up from a preview, only before the first annotation', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page
    .locator('#open-files')
    .setInputFiles([
      txt('scraped.txt', 'Port reopens in Odesa\n\nShare this: Facebook\n\nThe port reopened on Monday.\n\nLeave a Reply\n\n© 2024 Daily News'),
    ]);
  await expect(loupe.article.locator('p')).toHaveCount(5);
  await page.getByRole('button', { name: 'Clean up text…' }).click();
  const cleanup = page.getByRole('region', { name: 'Clean up the text' });
  await expect(cleanup.getByRole('checkbox', { name: 'Share this: Facebook' })).toBeChecked();
  await expect(cleanup.getByRole('checkbox', { name: 'Port reopens in Odesa' })).not.toBeChecked();
  await cleanup.getByRole('checkbox', { name: '© 2024 Daily News' }).uncheck();
  await cleanup.getByRole('button', { name: 'Remove 2 lines' }).click();
  await expect(loupe.article.locator('p')).toHaveText(['Port reopens in Odesa', 'The port reopened on Monday.', '© 2024 Daily News']);

  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await expect(page.getByRole('button', { name: 'Clean up text…' })).toHaveCount(0);
  await page.reload();
  await expect(loupe.article.locator('p')).toHaveCount(3);
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
});

test('a rename and a deletion in one tab show in the other', async ({ context }) => {
  const a = new LoupePage(await context.newPage());
  await a.open();
  await a.loadSamples();
  const titles = await a.page.locator('.doc-title').allTextContents();
  const b = new LoupePage(await context.newPage());
  await b.open();
  await expect(b.page.locator('.doc-title')).toHaveText(titles);

  await b.page.getByRole('button', { name: 'Rename' }).click();
  await b.page.getByLabel('New title').fill('Renamed in tab B');
  await b.page.getByRole('button', { name: 'Save title' }).click();
  await expect(a.page.locator('.doc-title').first()).toHaveText('Renamed in tab B');

  await b.page.getByRole('checkbox', { name: `Select ${titles[2]}` }).check();
  await b.page.getByRole('button', { name: 'Delete 1 selected' }).click();
  await b.page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(a.page.locator('.doc-title')).toHaveText(['Renamed in tab B', titles[1]]);
});
