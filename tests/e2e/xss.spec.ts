import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';
import { payloads } from './xss-payloads';

test.beforeEach(async ({ page }) => {
  page.on('dialog', async (dialog) => {
    (page as any).__dialogs = ((page as any).__dialogs ?? 0) + 1;
    await dialog.dismiss();
  });
});

async function expectNothingRan(page: import('@playwright/test').Page) {
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect((page as any).__dialogs ?? 0).toBe(0);
}

test(`${payloads.length} XSS payloads in article text and titles stay inert text`, async ({ page }) => {
  expect(payloads.length).toBeGreaterThanOrEqual(50);
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.getByLabel('Title').fill(payloads.slice(0, 5).join(' '));
  await page.getByLabel('Text').fill(payloads.join('\n\n'));
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article.locator('p')).toHaveCount(payloads.length);
  // Shown as the literal text, character for character.
  for (const [i, payload] of payloads.entries()) {
    await expect(loupe.article.locator('p').nth(i)).toHaveText(payload.trim());
  }
  // Tag one, so payloads also flow through highlights, the inspector and the outline.
  await loupe.drag('window');
  await page.keyboard.press('p');
  await expect(loupe.article.locator('.seg.m')).toHaveCount(1);
  await page.reload();
  await expect(loupe.article.locator('p')).toHaveCount(payloads.length);
  await expectNothingRan(page);
});

test('XSS payloads in file names and file contents stay inert', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  // A file name cannot hold a slash.
  const files = payloads.slice(0, 30).map((p, i) => ({
    name: `${p.replaceAll('/', '∕')}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(`Story ${i}: ${payloads[(i + 7) % payloads.length]}`),
  }));
  await page.locator('#open-files').setInputFiles(files);
  await expect(page.locator('.doc')).toHaveCount(30);
  await expectNothingRan(page);
});

test('XSS payloads in notes and entity names stay inert', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Oleh Marchenko');
  await page.keyboard.press('p');
  await loupe.drag('who');
  await page.keyboard.press('p');
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await inspector.getByLabel('Note').fill(payloads.join('\n'));
  await inspector.getByLabel('Note').blur();
  await loupe.highlight('who').click();
  await page.keyboard.press('s');
  await loupe.highlight('Oleh Marchenko').click();
  await inspector.getByLabel('Canonical name').fill(payloads[1]);
  await inspector.getByLabel('Canonical name').blur();
  await page.reload();
  await loupe.highlight('who').click();
  await expect(inspector.getByLabel('Note')).toHaveValue(payloads.join('\n'));
  await expect(inspector.getByRole('list', { name: 'Entities' })).toContainText(payloads[1]);
  await expectNothingRan(page);
});
