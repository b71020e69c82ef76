import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { LoupePage } from './loupe-page';

const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const suggestions = (page: Page) => page.locator('.article .seg.sug');

/** Click (or double click) the text of a suggestion, where a user's pointer lands. */
async function clickText(page: Page, locator: ReturnType<Page['locator']>, clickCount = 1) {
  const box = await locator.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el.firstChild!);
    const r = range.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.click(box.x, box.y, { clickCount });
}

async function addArticle(page: Page, title: string, text: string) {
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Text').fill(text);
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(page.locator('.article')).toContainText(text.slice(0, 20));
}

test('tag Kyiv in one document, accept its suggestion in another by key, reject one, reload and export', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await addArticle(page, 'First', 'Rockets struck Kyiv overnight.');
  await loupe.drag('Kyiv');
  await page.keyboard.press('g');
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);

  await page.getByRole('button', { name: 'Add articles' }).click();
  await addArticle(page, 'Second', 'Officials in Kyiv met envoys on Monday. Later Kyiv was quiet.');
  // Learned from the first document, once training has run after the edit.
  await expect(suggestions(page).filter({ hasText: 'Kyiv' })).toHaveCount(2, { timeout: 15_000 });
  await expect(loupe.article.locator('.seg.m')).toHaveCount(0);
  await expect(inspector(page)).toContainText('2 in this document');
  const first = suggestions(page).first();
  await expect(first).toHaveAttribute('title', /Suggested GPE: Kyiv \(string-matcher, score 1\.00\)/);
  await expect(first).toHaveAttribute('data-sl', 'GPE?');

  for (const [w, h] of [[1366, 768], [1920, 1080]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.keyboard.press('.');
    await expect(page.locator('.article .seg.sug-focus')).toHaveCount(1);
    await page.screenshot({ path: `/tmp/suggest/suggest-${w}x${h}.png` });
    await page.keyboard.press('Escape');
  }

  // Step to the first, accept it with a key: it becomes an annotation, and the focus moves on.
  await page.keyboard.press('.');
  await expect(inspector(page)).toContainText('Source: string-matcher. Score: 1.00.');
  await page.keyboard.press('y');
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);
  await expect(suggestions(page)).toHaveCount(1);
  await expect(page.locator('.article .seg.sug-focus')).toHaveText('Kyiv');
  // Reject the other with a key.
  await page.keyboard.press('n');
  await expect(suggestions(page)).toHaveCount(0);
  await expect(inspector(page)).toContainText('None in this document');

  // Reload: the accepted one is an annotation, the rejected one is not proposed again.
  await page.reload();
  await page.locator('.doc-list button.doc', { hasText: 'Second' }).click();
  await expect(loupe.article).toContainText('Officials in Kyiv');
  await expect(page.locator('.suggest-status')).toContainText('Trained on', { timeout: 15_000 });
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);
  await expect(suggestions(page)).toHaveCount(0);

  const { json } = await loupe.exportJson();
  const doc = json.documents[0];
  expect(doc.mentions.map((m: any) => [m.type, m.text, m.fragments])).toEqual([['GPE', 'Kyiv', [[13, 17]]]]);
  expect(JSON.stringify(json)).not.toContain('suggested');
});

test('a paragraph redrawn during a drag (a suggestion focused mid-drag) still tags the dragged word', async ({ page }) => {
  // Suggestions arriving, or their focus moving, rewrite a paragraph. Mid-drag that would
  // move the selection's anchor to the paragraph's start, and the release would select
  // from there: the repaint waits for the release.
  const loupe = new LoupePage(page);
  await loupe.open();
  await addArticle(page, 'First', 'Rockets struck Kyiv overnight.');
  await loupe.drag('Kyiv');
  await page.keyboard.press('g');
  await page.getByRole('button', { name: 'Add articles' }).click();
  await addArticle(page, 'Second', 'Officials in Kyiv met envoys from abroad on Monday.');
  await expect(suggestions(page).filter({ hasText: 'Kyiv' })).toHaveCount(1, { timeout: 15_000 });

  const box = await loupe.box('envoys');
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, box.y1, { steps: 2 });
  await page.keyboard.press('.');
  await page.mouse.move(box.x2, box.y2, { steps: 2 });
  await page.mouse.up();
  await page.keyboard.press('p');
  await expect(loupe.article.locator('.seg.m')).toHaveText(['envoys']);
});

test('a click accepts a suggestion, a double click rejects one, and the menu accepts all of a type', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await addArticle(page, 'First', 'Rockets struck Kyiv and Odesa overnight.');
  await loupe.drag('Kyiv');
  await page.keyboard.press('g');
  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await page.getByRole('button', { name: 'Add articles' }).click();
  await addArticle(page, 'Second', 'Kyiv, Odesa and Kyiv again; then Odesa.');
  const kyiv = suggestions(page).filter({ hasText: /^Kyiv$/ });
  const odesa = suggestions(page).filter({ hasText: /^Odesa$/ });
  await expect(kyiv).toHaveCount(2, { timeout: 15_000 });
  await expect(odesa).toHaveCount(2);
  await clickText(page, kyiv.first());
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);
  await expect(kyiv).toHaveCount(1);
  await clickText(page, odesa.first(), 2);
  await expect(odesa).toHaveCount(1);
  await expect(loupe.highlight('Odesa')).toHaveCount(0);
  // The menu (the ! key) accepts all GPE suggestions in one undoable step; the rejected
  // Odesa stays rejected.
  await page.locator('.article').focus();
  await page.keyboard.press('!');
  await page.getByRole('button', { name: /^Accept all \d+ GPE$/ }).click();
  await expect(loupe.highlight('Kyiv')).toHaveCount(2);
  await expect(loupe.highlight('Odesa')).toHaveCount(1);
  await expect(kyiv).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);
  await expect(loupe.highlight('Odesa')).toHaveCount(0);
  await expect(kyiv).toHaveCount(1);
  // The help lists the suggestion keys, from the command table.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('with a suggestion focused: accept it');
});

test('a model output imported as suggestions keeps its scores and is never an annotation', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = 'Drones hit Kharkiv and Sumy at dawn.';
  await addArticle(page, 'Raid', text);
  const task = [{
    data: { text },
    predictions: [{ model_version: 'ner-v1', score: 0.6, result: [
      { id: 'a', from_name: 'label', to_name: 'text', type: 'labels', score: 0.93,
        value: { start: 11, end: 18, text: 'Kharkiv', labels: ['GPE'] } },
      { id: 'b', from_name: 'label', to_name: 'text', type: 'labels',
        value: { start: 23, end: 27, text: 'Sumy', labels: ['GPE'] } },
    ] }],
  }];
  await page.getByRole('button', { name: 'Import annotations…' }).click();
  await page.locator('#import-files').setInputFiles({ name: 'preds.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(task)) });
  await page.locator('#import-as-suggestions').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Import annotations' })).toContainText('Imported 2 suggestions into 1 documents');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(suggestions(page)).toHaveCount(2);
  await expect(suggestions(page).first()).toHaveAttribute('title', /import:preds\.json \(ner-v1\), score 0\.93/);
  await expect(suggestions(page).nth(1)).toHaveAttribute('title', /score 0\.60/);
  await expect(loupe.article.locator('.seg.m')).toHaveCount(0);
  await page.reload();
  await expect(suggestions(page)).toHaveCount(2);
  const { json } = await loupe.exportJson();
  expect(json.documents[0].mentions).toEqual([]);
});
