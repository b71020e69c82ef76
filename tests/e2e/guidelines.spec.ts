import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';
import { payloads } from './xss-payloads';

/** A loupe schema with descriptions, examples, a version and Markdown guidelines. */
function guidedSchema() {
  return {
    name: 'Newsroom',
    version: '2.1',
    guidelines: [
      '# Persons',
      '',
      'Tag **people** by *name* or title. See [the ACE guidelines](https://example.org/ace).',
      '',
      '- one',
      '- two',
      '',
      `An attempt: ${payloads[0]} ${payloads[1]} [click](javascript:window.__xss=99)`,
    ].join('\n'),
    entity_types: [
      { name: 'PER', display: 'Person', color: '#e6194b', hotkey: 'p', description: 'A person, alive or dead.', examples: ['Ana Ruiz', 'the minister'] },
      { name: 'GPE', display: 'Geo-political entity', color: '#3cb44b', hotkey: 'g' },
    ],
    event_types: [
      {
        name: 'Conflict:Attack', display: 'Attack', color: '#f58231',
        description: 'A violent physical act.',
        roles: [{ name: 'Target', types: ['GPE'], cardinality: 'any', description: 'What was attacked.' }],
      },
    ],
    relation_types: [],
    attributes: [],
    label_sets: [],
  };
}

test('a schema with descriptions and guidelines: tooltips on hover and focus, the guidelines open safely, and edits are stamped in the export', async ({ page }) => {
  page.on('dialog', (d) => d.dismiss());
  await page.setViewportSize({ width: 1366, height: 768 });
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.getByLabel('Text').fill('Ana Ruiz visited Kyiv.');
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
  await page.getByLabel('Schema files').setInputFiles([
    { name: 'newsroom.schema.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(guidedSchema())) },
  ]);
  await expect(page.getByRole('note').filter({ hasText: 'The schema is now' }).first()).toBeVisible();

  // Hover shows the description and examples; the button names it as its description.
  const per = loupe.typeButton('PER');
  const tip = page.getByRole('tooltip').filter({ hasText: 'A person, alive or dead.' });
  await expect(per).toHaveAccessibleDescription('Person A person, alive or dead. Examples: “Ana Ruiz”, “the minister”.');
  await expect(tip).toBeHidden();
  await page.locator('.type-item', { has: per }).hover();
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('Examples: “Ana Ruiz”, “the minister”.');
  await page.mouse.move(5, 5);
  await expect(tip).toBeHidden();

  // Keyboard focus shows it too: select words, then focus the type button.
  await loupe.drag('Ana Ruiz');
  await per.focus();
  await expect(tip).toBeVisible();
  await page.screenshot({ path: '/tmp/guide/tooltip-1366.png' });
  await per.click();
  await expect(loupe.highlight('Ana Ruiz')).toHaveAttribute('data-type', 'PER');

  // The inspector shows the type's description and when the mention was made.
  await loupe.highlight('Ana Ruiz').click();
  const inspector = page.getByRole('complementary', { name: 'Inspector' });
  await expect(inspector.locator('.type-guide')).toHaveText('A person, alive or dead. Examples: “Ana Ruiz”, “the minister”.');
  await expect(inspector.locator('.stamps .created')).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);

  // The help opens the guidelines; F1 does too. Markdown is formatted, payloads are text.
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  await page.getByRole('button', { name: 'Annotation guidelines (F1)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Guidelines: Newsroom (version 2.1)' });
  await expect(dialog).toBeVisible();
  // The guidelines take the help's place.
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
  await expect(dialog.getByRole('heading', { name: 'Persons' })).toBeVisible();
  await expect(dialog.locator('strong')).toHaveText('people');
  await expect(dialog.getByRole('listitem')).toHaveCount(2);
  const link = dialog.getByRole('link', { name: 'the ACE guidelines' });
  await expect(link).toHaveAttribute('href', 'https://example.org/ace');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(dialog).toContainText(payloads[0]);
  await expect(dialog).toContainText('click (javascript:window.__xss=99)');
  expect(await dialog.locator('script, img, a[href^="javascript"]').count()).toBe(0);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  await page.screenshot({ path: '/tmp/guide/guidelines-1366.png' });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: '/tmp/guide/guidelines-1920.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('F1');
  await expect(dialog).toBeHidden();

  // A few key presses of work, then the export carries the stamps and the active time.
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
  }
  await loupe.highlight('Ana Ruiz').click();
  await page.screenshot({ path: '/tmp/guide/inspector-1920.png' });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: '/tmp/guide/inspector-1366.png' });
  const { json } = await loupe.exportJson();
  const doc = json.documents[0];
  const id = doc.mentions[0].id;
  const stamp = doc.stamps[id];
  expect(stamp.created).toBeGreaterThan(Date.UTC(2020, 0, 1));
  expect(stamp.modified).toBeGreaterThanOrEqual(stamp.created);
  expect(doc.active_ms).toBeGreaterThan(0);
  expect(json.schema.entity_types[0].description).toBe('A person, alive or dead.');
  expect(json.schema.guidelines).toContain('# Persons');
});
