import { test, expect, targets } from './fixtures';
import { LoupePage } from './loupe-page';

for (const target of targets) {
test(`${target.name}: a researcher tags spans, reloads, and exports exact code point offsets`, async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open(target.url);

  // The empty app greets with three ways in.
  await expect(page.getByRole('heading', { name: 'Paste an article' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Open files' })).toBeVisible();
  await loupe.loadSamples();
  await expect(page.getByRole('button', { name: /Drones strike Odesa harbour/ })).toBeVisible();

  // Text renders exactly: curly quotes, em dash, emoji.
  await expect(loupe.article).toContainText('“The attack lasted almost three hours,”');
  await expect(loupe.article).toContainText('ODESA — Russian forces');

  // Tag by mouse click on the palette: a drag over part of a word snaps to the word.
  await loupe.drag('desa');
  await loupe.typeButton('GPE').click();
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');

  // Tag by key, on a span that comes after the 🌾 emoji, so a UTF-16 offset bug would show.
  await loupe.drag('hipping companie');
  await page.keyboard.press('o');
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');

  // Clicking a highlight selects it; Delete removes it; Ctrl+Z brings it back.
  await loupe.highlight('Shipping companies').click();
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('Shipping companies');
  await page.keyboard.press('Delete');
  await expect(loupe.highlight('Shipping companies')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(loupe.highlight('Shipping companies')).toHaveCount(1);

  if (target.name === 'served') await page.screenshot({ path: 'docs/screenshot.png' });

  // Reload: the article and both annotations come back from localStorage.
  await page.reload();
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(1);

  // Export, and check that each offset pair cuts out exactly its text, in code points.
  const { name, json } = await loupe.exportJson();
  expect(name).toMatch(/\.loupe\.json$/);
  expect(json.format_version).toBe(1);
  const doc = json.documents[0];
  expect(doc.title).toContain('Drones strike Odesa');
  expect(doc.mentions).toHaveLength(2);
  const codePoints = Array.from(doc.text as string);
  for (const m of doc.mentions) {
    const [start, end] = m.fragments[0];
    expect(codePoints.slice(start, end).join('')).toBe(m.text);
  }
  const texts = doc.mentions.map((m: any) => `${m.type}:${m.text}`).sort();
  expect(texts).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
  // The offset is a code point count: the UTF-16 index is larger by the emoji before it.
  const ship = doc.mentions.find((m: any) => m.type === 'ORG');
  const before = doc.text.slice(0, doc.text.indexOf('Shipping'));
  expect(ship.fragments[0][0]).toBe(Array.from(before).length);
  expect(ship.fragments[0][0]).toBeLessThan(before.length);
});
}

test('the outline marks the selected annotation, and only it, as the selection moves', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open('/index.html');
  await loupe.loadSamples();
  await loupe.drag('desa');
  await page.keyboard.press('g');
  await loupe.drag('hipping companie');
  await page.keyboard.press('o');
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  const row = (text: string) => inspector.locator('.outline-item', { hasText: text });
  const selected = inspector.locator('.outline-item.selected');
  // The last tag is selected: its row is marked.
  await expect(selected).toHaveCount(1);
  await expect(row('Shipping companies')).toHaveClass(/selected/);
  // Another selection moves the mark; Esc clears it.
  await row('Odesa').click();
  await expect(row('Odesa')).toHaveClass(/selected/);
  await expect(row('Shipping companies')).not.toHaveClass(/selected/);
  await expect(selected).toHaveCount(1);
  await loupe.article.focus();
  await page.keyboard.press('Escape');
  await expect(selected).toHaveCount(0);
});
