import { createHash } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';
import { payloads } from './xss-payloads';

test.beforeEach(async ({ page }) => {
  page.on('dialog', async (dialog) => {
    (page as any).__dialogs = ((page as any).__dialogs ?? 0) + 1;
    await dialog.dismiss();
  });
});

// The mentions drawn in the article, in text order, as (id, type): counted by id, since a
// learned suggestion over part of a mention splits its text into more segments.
async function drawnMentions(page: Page): Promise<[string, string][]> {
  return page.evaluate(() => {
    const seen = new Map<string, string>();
    for (const seg of document.querySelectorAll('.article .seg.m')) {
      const id = (seg.getAttribute('data-m') ?? '').split(' ').pop()!;
      if (!seen.has(id)) seen.set(id, seg.getAttribute('data-type') ?? '');
    }
    return [...seen.entries()];
  });
}

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

/** Import files through "Import annotations…" and return the report's text. */
async function importAnnotations(page: Page, files: { name: string; text: string }[]) {
  const open = page.getByRole('button', { name: 'Import annotations…' });
  if ((await open.getAttribute('aria-expanded')) !== 'true') await open.click();
  const panel = page.getByRole('dialog', { name: 'Import annotations' });
  await panel.getByLabel('Annotation files').setInputFiles(
    files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text, 'utf8') })),
  );
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  const report = panel.locator('.exchange-report');
  await expect(report).toBeVisible();
  const text = await report.innerText();
  await page.keyboard.press('Escape');
  return text;
}

/** The code point range of `needle` in `text`. */
function cpRange(text: string, needle: string): [number, number] {
  const at = text.indexOf(needle);
  const start = Array.from(text.slice(0, at)).length;
  return [start, start + Array.from(needle).length];
}

// Payloads that fit one brat type field: no spaces or tabs.
const compact = payloads.filter((p) => !/\s/.test(p.trim()) && p.trim().length > 0).map((p) => p.trim());

test('XSS payloads as schema type names in an imported loupe/1 corpus stay inert, and payload colours are refused', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  // A corpus written by Loupe itself, its schema's type names and its text then replaced.
  await page.getByLabel('Text').fill('Kyiv and Odesa.');
  await page.getByRole('button', { name: 'Add this article' }).click();
  await loupe.drag('Kyiv');
  await page.keyboard.press('g');
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);
  const { json } = await loupe.exportJson();
  const text = payloads.join('\n\n');
  const named = payloads.slice(0, 9);
  // New entity types named by payloads, beside the preset's: the schema stays sound.
  for (const [i, name] of named.entries()) {
    json.schema.entity_types.push({ name, display: named[(i + 1) % named.length], color: '#123456' });
  }
  const doc = json.documents[0];
  doc.text = text;
  doc.title = payloads[3];
  doc.sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  doc.id = `d${doc.sha256.slice(0, 16)}`;
  doc.mentions = named.map((type, i) => {
    const [start, end] = cpRange(text, payloads[i]);
    return { id: `T${i + 1}`, type, fragments: [[start, end]], text: Array.from(text).slice(start, end).join(''), note: payloads[i + 10] };
  });
  const report = await importAnnotations(page, [{ name: `${compact[0].replaceAll('/', '∕')}.json`, text: JSON.stringify(json) }]);
  expect(report).toContain('Imported 1 of 1 document from loupe/1 JSON');
  await expect.poll(async () => (await drawnMentions(page)).length).toBe(named.length);
  for (const [i, type] of named.entries()) {
    expect((await drawnMentions(page))[i][1]).toBe(type);
  }
  await loupe.article.locator('.seg.m').first().click();
  await expect(page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Note')).toHaveValue(payloads[10]);

  // A colour that is not #rrggbb never reaches a style: the file is refused, and says why.
  for (const colour of ['red;background:url(https://example.org/x)', `"><img src=x onerror="window.__xss=99">`, 'expression(alert(1))']) {
    const bad = structuredClone(json);
    bad.schema.entity_types[0].color = colour;
    bad.documents[0].mentions = [];
    const refused = await importAnnotations(page, [{ name: 'colours.json', text: JSON.stringify(bad) }]);
    expect(refused).toContain('Nothing was imported');
    expect(refused).toContain('#rrggbb');
  }
  await page.reload();
  // The payload-titled document, opened from the corpus list after the reload.
  await page.locator('button.doc').filter({ hasText: payloads[3].trim() }).click();
  await expect.poll(async () => (await drawnMentions(page)).length).toBe(named.length);
  await expectNothingRan(page);
});

test('XSS payloads in imported brat files (text, types, notes, visual.conf colours) stay inert', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = payloads.join('\n');
  const types = compact.slice(0, 20);
  const lines: string[] = [];
  types.forEach((type, i) => {
    const [start, end] = cpRange(text, payloads[i]);
    const quote = Array.from(text).slice(start, end).join('').replaceAll('\n', ' ');
    lines.push(`T${i + 1}\t${type} ${start} ${end}\t${quote}`);
    lines.push(`#${i + 1}\tAnnotatorNotes T${i + 1}\t${payloads[(i + 20) % payloads.length].replaceAll('\n', ' ')}`);
  });
  const report = await importAnnotations(page, [
    { name: 'payloads.txt', text },
    { name: 'payloads.ann', text: lines.join('\n') + '\n' },
  ]);
  expect(report).toContain('Imported 1 of 1 document from brat standoff');
  await expect.poll(async () => (await drawnMentions(page)).length).toBe(types.length);
  for (const [i, type] of types.entries()) {
    await expect(loupe.article.locator(`.seg.m[data-type="${type.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"]`).first()).toHaveCount(1);
    if (i > 3) break;
  }

  // A visual.conf colour that is a CSS payload is refused with its file and line.
  const refused = await importAnnotations(page, [
    { name: 'other.txt', text: 'Kyiv and Odesa.' },
    { name: 'other.ann', text: 'T1\tCity 0 4\tKyiv\n' },
    { name: 'annotation.conf', text: '[entities]\nCity\n[relations]\n[events]\n[attributes]\n' },
    { name: 'visual.conf', text: '[drawing]\nCity\tbgColor:red;background:url(x)\n' },
  ]);
  expect(refused).toContain('Nothing was imported');
  expect(refused).toContain('visual.conf, line 2');
  expect(refused).toContain('#rrggbb');
  await expectNothingRan(page);
});

test('XSS payloads in imported W3C annotations (text, quotes, types, notes) stay inert', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = payloads.join('\n\n');
  const items = payloads.slice(0, 25).map((p, i) => {
    const [start, end] = cpRange(text, p);
    return {
      id: `urn:x:${encodeURIComponent(p)}`,
      type: 'Annotation',
      motivation: 'tagging',
      body: [
        { type: 'TextualBody', purpose: 'tagging', value: payloads[(i + 3) % payloads.length] },
        { type: 'TextualBody', purpose: 'commenting', value: payloads[(i + 5) % payloads.length] },
      ],
      target: {
        source: 'payloads',
        selector: [
          { type: 'TextQuoteSelector', exact: Array.from(text).slice(start, end).join('') },
          { type: 'TextPositionSelector', start, end },
        ],
      },
    };
  });
  const page1 = { '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationPage', label: payloads[6], items };
  const report = await importAnnotations(page, [
    { name: 'payloads.txt', text },
    { name: 'payloads.jsonld', text: JSON.stringify(page1) },
  ]);
  expect(report).toContain('Imported 1 of 1 document from W3C Web Annotation');
  await expect.poll(async () => (await drawnMentions(page)).length).toBe(25);
  await loupe.article.locator('.seg.m').first().click();
  await expect(page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Note')).toHaveValue(payloads[5]);
  await page.reload();
  await expect.poll(async () => (await drawnMentions(page)).length).toBe(25);
  await expectNothingRan(page);
});

test('download file names made from payload titles are sanitised', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.getByLabel('Title').fill(`../..\\${payloads[1]}:*?|\u0007.`);
  await page.getByLabel('Text').fill('Kyiv and Odesa.');
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
  const names: string[] = [];
  names.push((await loupe.exportJson()).name);
  for (const format of ['CoNLL IOB2', 'brat standoff']) {
    await page.getByRole('button', { name: 'Export…' }).click();
    const panel = page.getByRole('dialog', { name: 'Export annotations' });
    await panel.getByLabel('Format').selectOption({ label: format });
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download' }).click();
    names.push((await download).suggestedFilename());
  }
  for (const name of names) {
    expect(name).not.toMatch(/[\/\\:*?"<>|\u0000-\u001f]/);
    expect(name.startsWith('.')).toBe(false);
  }
  await expectNothingRan(page);
});

test('XSS payloads in a schema imported from the top bar (type names, display names) stay inert; payload colours are refused', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.getByLabel('Text').fill('Kyiv and Odesa.');
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
  const buttons = page.locator('.type-button');

  // brat: annotation.conf, with visual.conf giving payloads as display names.
  const labels = payloads.filter((p) => !p.includes('|') && !p.includes('\n')).slice(0, 2).map((p) => p.trim());
  await page.getByLabel('Schema files').setInputFiles([
    { name: 'annotation.conf', mimeType: 'text/plain', buffer: Buffer.from('[entities]\nCity\nPort\n[relations]\n[events]\n[attributes]\n') },
    { name: 'visual.conf', mimeType: 'text/plain', buffer: Buffer.from(`[labels]\nCity | ${labels[0]}\nPort | ${labels[1]}\n`) },
  ]);
  await expect(page.getByRole('note').filter({ hasText: 'The schema is now' }).first()).toBeVisible();
  await expect(buttons).toHaveCount(2);
  await expect(buttons.first()).toHaveAttribute('title', labels[0]);

  // A loupe schema whose type names and display names are payloads.
  const names = payloads.slice(0, 12);
  const schema = {
    name: payloads[0],
    entity_types: names.map((name, i) => ({ name, display: payloads[(i + 12) % payloads.length], color: '#123456' })),
    event_types: [],
    relation_types: [],
    attributes: [],
    label_sets: [],
  };
  await page.getByLabel('Schema files').setInputFiles([{ name: 'payloads.schema.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(schema)) }]);
  await expect(buttons).toHaveCount(names.length);
  for (const [i, name] of names.entries()) {
    await expect(buttons.nth(i)).toHaveAttribute('data-type', name);
    await expect(buttons.nth(i)).toContainText(name.trim());
  }
  await loupe.drag('Kyiv');
  await buttons.nth(1).click();
  await expect(loupe.highlight('Kyiv')).toHaveAttribute('data-type', names[1]);

  // Colours that are not #rrggbb are refused, in schema JSON and in visual.conf.
  const refusals = page.getByRole('alert').filter({ hasText: 'No schema was imported' });
  for (const colour of ['red;background:url(https://example.org/x)', `#123456"><img src=x onerror="window.__xss=98">`]) {
    const bad = structuredClone(schema);
    bad.entity_types[0].color = colour;
    await page.getByLabel('Schema files').setInputFiles([{ name: 'colour.schema.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) }]);
    await expect(refusals.last()).toContainText('#rrggbb');
  }
  await page.getByLabel('Schema files').setInputFiles([
    { name: 'annotation.conf', mimeType: 'text/plain', buffer: Buffer.from('[entities]\nCity\n[relations]\n[events]\n[attributes]\n') },
    { name: 'visual.conf', mimeType: 'text/plain', buffer: Buffer.from('[drawing]\nCity\tbgColor:url(javascript:window.__xss=97)\n') },
  ]);
  await expect(refusals.last()).toContainText('visual.conf, line 2');
  await expect(buttons).toHaveCount(names.length);
  await expectNothingRan(page);
});
