import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { LoupePage } from './loupe-page';

async function seriousViolations(page: import('@playwright/test').Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('the welcome and annotation screens have no serious accessibility violations', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  expect(await seriousViolations(page)).toEqual([]);

  await loupe.loadSamples();
  await loupe.drag('Marchenko');
  await page.keyboard.press('p');
  await expect(loupe.highlight('Oleh Marchenko').or(loupe.highlight('Marchenko')).first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
