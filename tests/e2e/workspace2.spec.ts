import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function paste(loupe: LoupePage, title: string, text: string) {
  const add = loupe.page.getByRole('button', { name: 'Add articles' });
  if (await loupe.article.isVisible()) await add.click();
  await loupe.page.getByLabel('Title').fill(title);
  await loupe.page.getByLabel('Text').fill(text);
  await loupe.page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
}

const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const schemaSelect = (page: Page) => page.getByLabel('Annotation schema', { exact: true });
const openDoc = (page: Page, title: string) => page.locator('button.doc', { hasText: title }).click();

/** The text the browser has selected, and whether its start is inside the viewport. */
async function selectionOnScreen(page: Page) {
  return page.evaluate(() => {
    const s = window.getSelection()!;
    if (s.rangeCount === 0) return { text: '', visible: false };
    const r = s.getRangeAt(0).getClientRects()[0];
    const visible = !!r && r.top >= 0 && r.bottom <= window.innerHeight;
    return { text: s.toString(), visible };
  });
}

test('switching the schema changes the palette, warns about types it lacks, and survives a reload', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await expect(schemaSelect(page)).toHaveValue('preset-0');
  await loupe.drag('Odesa');
  await page.keyboard.press('g');
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');

  // CoNLL has no GPE: the switch asks first, naming the type and its count.
  await schemaSelect(page).selectOption({ label: 'CoNLL-2003 NER' });
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('GPE (1)');
  await dialog.getByRole('button', { name: 'Cancel (Esc)' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(schemaSelect(page)).toHaveValue('preset-0');
  await expect(loupe.typeButton('GPE')).toBeVisible();

  await schemaSelect(page).selectOption({ label: 'CoNLL-2003 NER' });
  await page.getByRole('button', { name: 'Switch to CoNLL-2003 NER' }).click();
  await expect(loupe.typeButton('MISC')).toBeVisible();
  await expect(loupe.typeButton('GPE')).toHaveCount(0);
  // The annotation stays, and the inspector flags it.
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  await expect(inspector(page)).toContainText('Not in the schema: GPE (1)');
  await loupe.highlight('Odesa').click();
  await expect(inspector(page).getByRole('list', { name: 'Warnings' })).toContainText('GPE');

  await page.reload();
  await expect(schemaSelect(page)).toHaveValue('preset-1');
  await expect(loupe.typeButton('MISC')).toBeVisible();
  await expect(loupe.typeButton('GPE')).toHaveCount(0);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe/v1/schema')!));
  expect(stored.version).toBe(1);
  expect(stored.schema.name).toBe('CoNLL-2003 NER');
  const { json } = await loupe.exportJson();
  const doc = json.documents.find((d: any) => d.title.startsWith('Drones strike Odesa'));
  expect(doc.mentions.map((m: any) => m.type)).toEqual(['GPE']);

  // Back to ACE: it has every type in use, so no question.
  await schemaSelect(page).selectOption({ label: 'ACE 2005 (news)' });
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(loupe.typeButton('GPE')).toBeVisible();
  await expect(inspector(page)).not.toContainText('Not in the schema');
});

test('a brat annotation.conf imports as the schema; a bad file changes nothing', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const files = page.getByLabel('Schema files');
  await files.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByRole('alert').filter({ hasText: 'No schema was imported: notes.txt is not a schema' })).toBeVisible();
  await expect(schemaSelect(page)).toHaveValue('preset-0');

  const conf = '[entities]\nAnimal\nPlant\n[relations]\n[events]\n[attributes]\n';
  const visual = '[labels]\nAnimal | Animal\n[drawing]\nAnimal\tbgColor:#22aa44\n';
  await files.setInputFiles([
    { name: 'annotation.conf', mimeType: 'text/plain', buffer: Buffer.from(conf) },
    { name: 'visual.conf', mimeType: 'text/plain', buffer: Buffer.from(visual) },
  ]);
  await expect(loupe.typeButton('Animal')).toBeVisible();
  await expect(loupe.typeButton('Plant')).toBeVisible();
  await expect(loupe.typeButton('PER')).toHaveCount(0);
  await expect(schemaSelect(page)).toHaveValue('current');
  await page.reload();
  await expect(loupe.typeButton('Animal')).toBeVisible();

  // Export gives back a loupe schema JSON of it.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Schema', exact: true }).click();
  await page.getByRole('button', { name: 'Export schema' }).click();
  const file = await download;
  const fs = await import('node:fs');
  const schema = JSON.parse(fs.readFileSync((await file.path())!, 'utf8'));
  expect(schema.entity_types.map((t: any) => t.name)).toEqual(['Animal', 'Plant']);
});

test('annotate all occurrences across the corpus, counted per document, then one undo', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Third', 'No city is named in this one.');
  await paste(loupe, 'Second', 'In Kyiv, people waited. Kyivan bakers and Kyiv’s mayor spoke.');
  await paste(loupe, 'First', 'Kyiv woke early. Later Kyiv slept.');
  await loupe.drag('Kyiv');
  await page.keyboard.press('g');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(1);

  await page.keyboard.press('a');
  // The mode bar sits above the article, in view with the inspector hidden too.
  const bar = page.getByRole('status').filter({ hasText: 'Tag ' });
  await expect(bar).toContainText('Tag 1 more occurrences as GPE? (“Kyiv” in this document)');
  await page.keyboard.press('a');
  await expect(bar).toContainText('Tag 3 more occurrences as GPE? (“Kyiv” in 2 documents of the corpus)');
  const perDoc = bar.getByRole('list', { name: 'Occurrences per document' });
  await expect(perDoc).toContainText('First: 1');
  await expect(perDoc).toContainText('Second: 2');
  await expect(perDoc).not.toContainText('Third');
  await page.keyboard.press('Enter');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(2);
  await openDoc(page, 'Second');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(2);
  await expect(loupe.highlight('Kyivan')).toHaveCount(0);

  // One undo takes the tagging back in every document, and only the tagging.
  await page.keyboard.press('Control+z');
  await expect(loupe.article.locator('.seg.m')).toHaveCount(0);
  await openDoc(page, 'First');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(1);
  // Redo puts it all back; a reload shows it was saved.
  await page.keyboard.press('Control+Shift+z');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(2);
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  await page.reload();
  await openDoc(page, 'Second');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(2);
});

test('corpus search lists hits with context, and choosing one opens its document at the hit', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await expect(loupe.article).toContainText('ODESA — Russian forces');
  await page.keyboard.press('Control+Shift+F');
  await expect(page.locator('#all-search')).toBeFocused();
  await page.keyboard.type('batiplan');
  const hits = page.getByRole('list', { name: 'Hits in all documents' }).getByRole('button');
  await expect(hits).toHaveCount(2);
  await expect(page.locator('.all-search [aria-live]')).toHaveText('2 in 1 document');
  await expect(hits.first()).toContainText('accepted €450,000 from Batiplan SA between');
  await expect(hits.nth(1)).toContainText('Batiplan SA was fined €1.2 million.');
  await page.keyboard.press('Enter');
  await expect(loupe.article).toContainText('LYON — A court in Lyon');
  await expect.poll(() => selectionOnScreen(page)).toEqual({ text: 'Batiplan', visible: true });
  // The jump selects the hit, so a type key tags it at once.
  await page.keyboard.press('o');
  await expect(loupe.highlight('Batiplan')).toHaveAttribute('data-type', 'ORG');

  // A click on a hit in another document works the same way.
  await page.locator('#all-search').fill('Reeves');
  await hits.first().click();
  await expect(loupe.article).toContainText('TOKYO — The prime ministers');
  await expect.poll(() => selectionOnScreen(page)).toEqual({ text: 'Reeves', visible: true });

  // ↓ walks into the list; Enter on a hit opens it.
  await page.locator('#all-search').fill('Odesa');
  await page.locator('#all-search').press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(hits.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(loupe.article).toContainText('ODESA — Russian forces');
  await expect.poll(() => selectionOnScreen(page)).toMatchObject({ visible: true });
  expect((await selectionOnScreen(page)).text.toLowerCase()).toBe('odesa');
});

test('document search jumps to a match far down a long article', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const paras = Array.from({ length: 300 }, (_, i) => `Paragraph ${i} says nothing in particular about anything.`);
  paras[290] = 'Here the needle zanzibar hides, near the end.';
  await paste(loupe, 'Long', paras.join('\n\n'));
  await page.keyboard.press('/');
  await page.keyboard.type('zanzibar');
  await page.keyboard.press('Enter');
  await expect.poll(() => selectionOnScreen(page)).toEqual({ text: 'zanzibar', visible: true });
});

test('Tab and Shift+Tab move between annotations only while the focus is in the article', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Tabs', 'Ana met Bo in Rome with Cy.');
  for (const [word, key] of [['Ana', 'p'], ['Rome', 'g'], ['Cy', 'p']]) {
    await loupe.drag(word);
    await page.keyboard.press(key);
  }
  const type = inspector(page).locator('#mention-type');
  await page.keyboard.press('Escape');
  await loupe.article.focus();
  await page.keyboard.press('Tab');
  await expect(inspector(page)).toContainText('Ana');
  await page.keyboard.press('Tab');
  await expect(type).toHaveValue('GPE');
  await page.keyboard.press('Tab');
  await expect(inspector(page).locator('dd.quote')).toHaveText('Cy');
  await page.keyboard.press('Shift+Tab');
  await expect(type).toHaveValue('GPE');
  await expect(loupe.article).toBeFocused();
  // Past the last annotation Tab leaves the article: the keyboard is never trapped.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(loupe.article).not.toBeFocused();
  await expect(inspector(page).locator('dd.quote')).toHaveText('Cy');

  // In a form control, Tab moves focus as usual and leaves the selection alone.
  await page.locator('#doc-search').focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('#doc-search')).not.toBeFocused();
  await expect(inspector(page).locator('dd.quote')).toHaveText('Cy');
});

test('the arcs of an event run from its trigger to each argument, labelled, and follow a reflow', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const keys = async (...list: string[]) => {
    for (const k of list) await page.keyboard.press(k);
  };
  await keys('Shift+ArrowRight', 'ArrowRight', 'Shift+ArrowRight', 'o'); // Russian forces
  await keys('Shift+ArrowRight', 'e');
  await page.keyboard.type('attack');
  await keys('Enter');
  await expect(loupe.article.locator('.seg.m.trigger', { hasText: 'launched' })).toBeVisible();
  const arcs = page.locator('.arcs g.arc.arg');
  await expect(arcs).toHaveCount(0);
  await keys('1', 'ArrowLeft', 'Enter'); // Attacker ← Russian forces
  await keys('5', 'Shift+ArrowRight', ...Array(8).fill('ArrowRight'), 'g'); // Place ← Odesa
  await expect(arcs).toHaveCount(2);
  const layer = page.locator('.arcs').first();
  await expect(layer).toHaveAttribute('aria-hidden', 'true');
  expect(await layer.evaluate((el) => getComputedStyle(el).pointerEvents)).toBe('none');

  // Each arc leaves the trigger and arrives above its argument, labelled with the role.
  const geometry = await page.evaluate(() => {
    const centre = (sel: string) => {
      const r = document.querySelector(sel)!.getClientRects()[0];
      return { x: r.left + r.width / 2, top: r.top };
    };
    const arc = (role: string) => {
      const label = document.querySelector(`.arc-label[data-label="${role}"]`)!;
      const [from, to] = label.getAttribute('data-ends')!.split(' ');
      const g = [...document.querySelectorAll('g.arc')].find((x) => x.getAttribute('data-ends') === label.getAttribute('data-ends'))!;
      const r = g.getBoundingClientRect();
      return { from, to, left: r.left, right: r.right, bottom: r.bottom };
    };
    return { trigger: centre('.seg.m.trigger'), place: centre('.seg.m.arg[data-role="Place"]'), line: arc('Place') };
  });
  const near = (a: number, b: number) => Math.abs(a - b) < 6;
  expect(near(geometry.line.left, geometry.trigger.x)).toBe(true);
  expect(near(geometry.line.right, geometry.place.x)).toBe(true);
  // The arc stays above the text it joins.
  expect(geometry.line.bottom).toBeLessThanOrEqual(geometry.place.top + 1);

  // A narrower window reflows the text, and the arcs follow.
  const before = await arcs.first().locator('path').first().getAttribute('d');
  await page.setViewportSize({ width: 900, height: 720 });
  await expect.poll(() => arcs.first().locator('path').first().getAttribute('d')).not.toBe(before);
});

test('the schema question, the corpus hit list and the argument lines pass the accessibility audit', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const keys = async (...list: string[]) => {
    for (const k of list) await page.keyboard.press(k);
  };
  await keys('Shift+ArrowRight', 'ArrowRight', 'Shift+ArrowRight', 'o', 'Shift+ArrowRight', 'e');
  await page.keyboard.type('attack');
  await keys('Enter', '1', 'ArrowLeft', 'Enter', 'Escape');
  await expect(page.locator('.arcs g.arc')).toHaveCount(1);
  await page.locator('#all-search').fill('Odesa');
  await expect(page.getByRole('list', { name: 'Hits in all documents' })).toBeVisible();
  await schemaSelect(page).selectOption({ label: 'Empty' });
  await expect(page.getByRole('alertdialog')).toContainText('Conflict:Attack (1)');
  expect(await seriousViolations(page)).toEqual([]);
});

test('a brat bundle imported with its annotation.conf offers that schema; keeping the old one changes nothing', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = 'Sony sold shares in Kyiv.';
  const importBundle = async (name: string) => {
    const open = page.getByRole('button', { name: 'Import annotations…' });
    if ((await open.getAttribute('aria-expanded')) !== 'true') await open.click();
    const panel = page.getByRole('dialog', { name: 'Import annotations' });
    await panel.getByLabel('Annotation files').setInputFiles(
      [
        { name: `${name}.txt`, text: `${name}: ${text}` },
        { name: `${name}.ann`, text: `T1\tCompany ${name.length + 2} ${name.length + 6}\tSony\n` },
        { name: 'annotation.conf', text: '[entities]\nCompany\nCity\n[relations]\n[events]\n[attributes]\n' },
      ].map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text, 'utf8') })),
    );
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await page.keyboard.press('Escape');
  };
  await importBundle('deal');
  const offer = page.getByRole('alertdialog').filter({ hasText: 'carry a schema' });
  await expect(offer).toContainText('2 entity, 0 event and 0 relation types');
  await offer.getByRole('button', { name: 'Keep ACE 2005 (news)' }).click();
  await expect(offer).toHaveCount(0);
  await expect(loupe.typeButton('PER')).toBeVisible();
  await expect(loupe.highlight('Sony')).toHaveAttribute('data-type', 'Company');

  await importBundle('sale');
  await offer.getByRole('button', { name: 'Use this schema' }).click();
  await expect(loupe.typeButton('Company')).toBeVisible();
  await expect(loupe.typeButton('City')).toBeVisible();
  await expect(loupe.typeButton('PER')).toHaveCount(0);
  await page.reload();
  await expect(loupe.typeButton('City')).toBeVisible();
});

test('a schema switched in another tab is followed at once', async ({ page, context }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const other = await context.newPage();
  const second = new LoupePage(other);
  await second.open();
  await expect(second.article).toBeVisible();
  await expect(second.typeButton('GPE')).toBeVisible();
  await schemaSelect(page).selectOption({ label: 'CoNLL-2003 NER' });
  await expect(loupe.typeButton('MISC')).toBeVisible();
  await expect(second.typeButton('MISC')).toBeVisible();
  await expect(second.typeButton('GPE')).toHaveCount(0);
  await expect(schemaSelect(other)).toHaveValue('preset-1');
  await expect(other.getByText('Another tab switched the schema to CoNLL-2003 NER.')).toBeVisible();
});
