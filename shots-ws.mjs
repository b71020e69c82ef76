// Screenshots for the ws helper (not committed): PORT=8091 node shots-ws.mjs
import { chromium } from '@playwright/test';
const port = process.env.PORT ?? 8091;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
for (const [w, h] of [[1366, 768], [1920, 1080]]) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.getByRole('button', { name: 'Load sample articles' }).click();
  await page.locator('.article').waitFor();
  const keys = async (...list) => { for (const k of list) await page.keyboard.press(k); };
  await keys('Shift+ArrowRight', 'ArrowRight', 'Shift+ArrowRight', 'o', 'Shift+ArrowRight', 'e');
  await page.keyboard.type('attack');
  await keys('Enter', '1', 'ArrowLeft', 'Enter');
  await keys('2', 'Shift+ArrowRight', ...Array(6).fill('ArrowRight'), 'f');
  await page.waitForTimeout(400);
  await page.screenshot({ path: `/tmp/ws/annotate-${w}.png` });
  await keys('Escape', 'Escape', '?');
  await page.waitForTimeout(200);
  await page.screenshot({ path: `/tmp/ws/help-${w}.png` });
  await keys('Escape');
  await page.close();
}
await browser.close();
