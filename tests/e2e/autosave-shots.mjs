// Screenshots of the Backups panel with autosave, at 1366×768 and 1920×1080: on (after a
// write), paused after a reload, and stopped by a revoked permission. The picker is
// answered with a file of the private file system, as in autosave.spec.ts. Run against a
// served build: PORT=8096 OUT=/tmp/keep node tests/e2e/autosave-shots.mjs
import { chromium } from '@playwright/test';

const port = process.env.PORT ?? 8096;
const out = process.env.OUT ?? '/tmp';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
for (const [width, height] of [[1366, 768], [1920, 1080]]) {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.addInitScript(() => {
    window.showSaveFilePicker = async () => (await navigator.storage.getDirectory()).getFileHandle('corpus.loupe.json', { create: true });
    let granted = false;
    FileSystemHandle.prototype.queryPermission = async () => (granted ? 'granted' : 'prompt');
    FileSystemHandle.prototype.requestPermission = async () => ((granted = true), 'granted');
    const pick = window.showSaveFilePicker;
    window.showSaveFilePicker = async (o) => { const h = await pick(o); granted = true; return h; };
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.getByRole('button', { name: 'Load sample articles' }).click();
  await page.locator('.article').waitFor();
  await page.keyboard.press('b');
  await page.getByRole('button', { name: 'Autosave to a file…' }).click();
  await page.getByText('last written at').waitFor();
  await page.keyboard.press('s');
  await page.locator('.backup-list li').first().waitFor();
  await page.screenshot({ path: `${out}/backups-autosave-on-${width}.png` });

  await page.reload();
  await page.locator('.article').waitFor();
  await page.getByText('is paused until').waitFor();
  await page.keyboard.press('b');
  await page.locator('.autosave-status').waitFor();
  await page.getByText('is paused').first().waitFor();
  await page.screenshot({ path: `${out}/backups-autosave-paused-${width}.png` });

  await page.keyboard.press('Shift+B');
  await page.locator('.autosave-status', { hasText: 'last written at' }).waitFor();
  await page.evaluate(() => {
    FileSystemFileHandle.prototype.createWritable = async () => {
      throw new DOMException('The request is not allowed by the user agent.', 'NotAllowedError');
    };
  });
  await page.keyboard.press('s');
  // A save: close the panel, tag a word by key, reopen.
  await page.keyboard.press('b');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('g');
  await page.keyboard.press('b');
  await page.locator('.autosave-status', { hasText: 'permission was revoked' }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${out}/backups-autosave-error-${width}.png` });
  await context.close();
}
await browser.close();
