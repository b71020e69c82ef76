import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { LoupePage } from './loupe-page';

/** Every console error and page error, to find Rust panics logged by the app. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });

test('bug 1: switching documents by list, Next and Alt+↓ logs no panic about disposed values', async ({ page }) => {
  const errors = collectErrors(page);
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  // A selected annotation keeps the article's frame callbacks busy across the switch.
  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await expect(inspector(page)).toContainText('GPE');
  const first = await loupe.article.getAttribute('data-doc');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(loupe.article).not.toHaveAttribute('data-doc', first!);
  await page.keyboard.press('Alt+ArrowDown');
  await page.keyboard.press('Alt+ArrowUp');
  await page.keyboard.press('Alt+ArrowUp');
  await expect(loupe.article).toHaveAttribute('data-doc', first!);
  // Select, then switch at once: the selection's frame comes after the old article is gone.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Alt+ArrowDown');
  await page.locator('.doc-list button.doc').first().click();
  await page.keyboard.press('ArrowDown');
  await page.locator('.doc-list button.doc').nth(2).click();
  await page.waitForTimeout(300);
  expect(errors.filter((e) => /disposed|unreachable|panicked/i.test(e))).toEqual([]);
  // The app still works.
  await page.locator('.doc-list button.doc').first().click();
  await expect(loupe.highlight('Odesa')).toBeVisible();
});

test('bug 2: from Add articles, Esc, Alt+↓, Documents and a back button lead back to the documents', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const addArticles = page.getByRole('button', { name: 'Add articles' });
  const back = page.getByRole('button', { name: /Back to the documents/ });

  await addArticles.click();
  await expect(loupe.article).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(loupe.article).toBeVisible();

  await addArticles.click();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(loupe.article).toBeVisible();

  await addArticles.click();
  await page.getByRole('button', { name: 'View' }).click();
  await page.getByRole('button', { name: 'Documents ([)' }).click();
  await expect(loupe.article).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Corpus' })).toBeVisible();

  // Every file rejected: the summary says why, and the way back is still there.
  await addArticles.click();
  await page.locator('#open-files').setInputFiles({ name: 'blank.md', mimeType: 'text/plain', buffer: Buffer.from(' \n') });
  await expect(page.getByRole('alert').filter({ hasText: 'rejected 1 file:' })).toBeVisible();
  await back.click();
  await expect(loupe.article).toBeVisible();
});

test('bug 12: the palette takes the colours and keys of an imported schema, and event-type keys tag', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const per = page.locator('.type-button[data-type="PER"]');
  await expect(per).toHaveAttribute('style', /--type-color: #e6194b/);
  await expect(per.locator('kbd')).toHaveText('P');

  // The same type name with another colour and key, and an event type with a key.
  const conf = '[entities]\nPER\nGPE\n[relations]\n[events]\nAttack\tAttacker:PER\n[attributes]\n';
  const visual = '[labels]\n[drawing]\nPER\tbgColor:#123456\nGPE\tbgColor:#654321\n';
  const keys = 'Q PER\nG GPE\nK Attack\n';
  await page.getByLabel('Schema files').setInputFiles([
    { name: 'annotation.conf', mimeType: 'text/plain', buffer: Buffer.from(conf) },
    { name: 'visual.conf', mimeType: 'text/plain', buffer: Buffer.from(visual) },
    { name: 'kb_shortcuts.conf', mimeType: 'text/plain', buffer: Buffer.from(keys) },
  ]);
  await expect(per).toHaveAttribute('style', /--type-color: #123456/);
  await expect(per.locator('kbd')).toHaveText('Q');
  await expect(per).toHaveAttribute('aria-keyshortcuts', 'Q');

  // The help lists the new keys, generated from the keymap and the schema.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Q G K');
  await expect(help).toContainText('tag the selection as PER GPE Attack');
  await page.keyboard.press('Escape');

  // An event type's key makes the selection an event's trigger.
  await loupe.drag('attack');
  await page.keyboard.press('k');
  await expect(inspector(page)).toContainText('Attack');
  const { json } = await loupe.exportJson();
  expect(json.documents[0].events.map((e: any) => e.type)).toEqual(['Attack']);
});

test('bug 12: a schema whose type key is a command key is refused, and says which', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const conf = '[entities]\nPER\nROLE\n[relations]\n[events]\n[attributes]\n';
  await page.getByLabel('Schema files').setInputFiles([
    { name: 'annotation.conf', mimeType: 'text/plain', buffer: Buffer.from(conf) },
    { name: 'kb_shortcuts.conf', mimeType: 'text/plain', buffer: Buffer.from('R ROLE\n') },
  ]);
  await expect(page.getByRole('alert').filter({ hasText: "ROLE: the hotkey 'r' is one of Loupe's command keys" })).toBeVisible();
  await expect(page.locator('.type-button[data-type="PER"] kbd')).toHaveText('P');
});

test('bug 16: frames and scroll callbacks that come after the article is gone do nothing', async ({ page }) => {
  const errors = collectErrors(page);
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  await loupe.drag('attack');
  await page.keyboard.press('e');
  await page.keyboard.type('Conflict:Attack');
  await page.keyboard.press('Enter');
  await expect(inspector(page)).toContainText('Conflict:Attack');
  // Arm the first slot and fill it with the mention numbered 1: the argument's arc is
  // drawn, and it follows scrolling and resizing.
  await page.keyboard.press('1');
  await page.keyboard.press('1');
  await expect(page.locator('.arcs g.arc[data-ends^="E1 "]').first()).toBeAttached();
  // Switch, and at once scroll and resize while the old article's handlers may still run.
  await page.keyboard.press('Alt+ArrowDown');
  await page.mouse.wheel(0, 400);
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.keyboard.press('Alt+ArrowUp');
  await page.keyboard.press('Alt+ArrowDown');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(300);
  expect(errors.filter((e) => /disposed|unreachable|panicked/i.test(e))).toEqual([]);
  // The app is alive: the new document can be tagged.
  await loupe.drag('summit');
  await page.keyboard.press('o');
  await expect(loupe.highlight('summit')).toBeVisible();
});
