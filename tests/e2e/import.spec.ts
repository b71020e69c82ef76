import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

test('a pasted article keeps its characters exactly', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = 'Paragraph one — “quoted” 👩‍👩‍👧 and 北京.\r\n\r\nParagraph two: Café\u0301 au lait.';
  await page.getByLabel('Title').fill('Pasted story');
  await page.getByLabel('Text').fill(text);
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(page.getByRole('button', { name: /Pasted story/ })).toBeVisible();
  await expect(loupe.article.locator('p')).toHaveCount(2);
  await expect(loupe.article.locator('p').first()).toHaveText('Paragraph one — “quoted” 👩‍👩‍👧 and 北京.');
  await expect(loupe.article.locator('p').nth(1)).toHaveText('Paragraph two: Café\u0301 au lait.');
});

test('opening files imports the good ones and names the bad ones', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.locator('#open-files').setInputFiles([
    { name: 'harbour_report.txt', mimeType: 'text/plain', buffer: Buffer.from('Ships left the harbour at dawn.\n\nThey returned at noon.') },
    { name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]) },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('  \n') },
  ]);
  await expect(page.getByRole('button', { name: /harbour report/ })).toBeVisible();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('latin1.txt: not UTF-8');
  await expect(alert).toContainText('empty.txt: the file is empty');
});

test('damaged stored annotations are reported and kept, not silently dropped', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const key = await page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith('/ann'))!);
  await page.evaluate((key) => localStorage.setItem(key, '{"mentions": [oops'), key);
  await page.reload();
  await expect(page.getByRole('alert').first()).toContainText('damaged');
  const rescued = await page.evaluate((key) => localStorage.getItem(`loupe/v1/rescued/${key}`), key);
  expect(rescued).toBe('{"mentions": [oops');
});
