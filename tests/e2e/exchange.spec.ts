import { inflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { LoupePage } from './loupe-page';

/** The files in a .zip, read from its central directory: name → bytes. */
function unzip(zip: Buffer): Map<string, Buffer> {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + packed);
    const bytes = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    expect(bytes.length).toBe(size);
    files.set(name, bytes);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Export the open document (or the corpus) through the "Export…" panel. */
async function exportAs(page: Page, format: string, scope: 'This document' | RegExp = 'This document') {
  await page.getByRole('button', { name: 'Export…' }).click();
  const panel = page.getByRole('dialog', { name: 'Export annotations' });
  await panel.getByLabel('Format').selectOption({ label: format });
  await panel.getByRole('radio', { name: scope }).check();
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download' }).click();
  const file = await download;
  const bytes = readFileSync((await file.path())!);
  return { name: file.suggestedFilename(), bytes };
}

/** Check that every brat T line's offsets, in code points, cut out exactly its quote. */
function checkAnn(ann: string, text: string) {
  const codePoints = Array.from(text);
  const spans: string[] = [];
  for (const line of ann.split('\n').filter((l) => l.startsWith('T'))) {
    const [, typeAndOffsets, quote] = line.split('\t');
    const [type, ...offsets] = typeAndOffsets.split(/[ ;]/);
    const pieces: string[] = [];
    for (let i = 0; i < offsets.length; i += 2) {
      pieces.push(codePoints.slice(Number(offsets[i]), Number(offsets[i + 1])).join(''));
    }
    expect(pieces.join(' ')).toBe(quote);
    spans.push(`${type}:${quote}`);
  }
  return spans.sort();
}

test('export brat (zip), doccano and CoNLL from the UI, with offsets that cut out exactly the text', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('desa');
  await loupe.typeButton('GPE').click();
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  // After the 🌾 emoji, so a UTF-16 offset would be off by one.
  await loupe.drag('hipping companie');
  await page.keyboard.press('o');
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');

  // brat writes several files for one document, so they come as one .zip.
  const brat = await exportAs(page, 'brat standoff');
  expect(brat.name).toMatch(/\.brat\.zip$/);
  const files = unzip(brat.bytes);
  const names = [...files.keys()];
  expect(names).toEqual(expect.arrayContaining(['annotation.conf', 'visual.conf', 'kb_shortcuts.conf']));
  const annName = names.find((n) => n.endsWith('.ann'))!;
  const text = files.get(annName.replace(/\.ann$/, '.txt'))!.toString('utf8');
  expect(text).toContain('🌾');
  expect(checkAnn(files.get(annName)!.toString('utf8'), text)).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
  await expect(page.getByRole('note').filter({ hasText: 'as brat standoff' })).toContainText('Nothing was lost.');

  // doccano: one ASCII JSON line whose offsets are JavaScript string indices, as doccano's
  // UI slices them (the text holds an astral emoji before the spans).
  const doccano = await exportAs(page, 'doccano JSONL');
  expect(doccano.name).toMatch(/\.jsonl$/);
  expect(/^[\x00-\x7f]*$/.test(doccano.bytes.toString('latin1'))).toBe(true);
  const line = JSON.parse(doccano.bytes.toString('utf8').trim());
  const lineText = line.text as string;
  const entities = line.entities.map((e: any) => `${e.label}:${lineText.slice(e.start_offset, e.end_offset)}`);
  expect(entities.sort()).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);

  // CoNLL: one token per line with IOB2 tags.
  const conll = await exportAs(page, 'CoNLL IOB2');
  expect(conll.name).toMatch(/\.conll$/);
  const rows = conll.bytes.toString('utf8').split('\n');
  expect(rows).toContain('Odesa\tB-GPE');
  expect(rows).toContain('Shipping\tB-ORG');
  expect(rows).toContain('companies\tI-ORG');

  // The whole corpus in loupe/1 is one file; in brat, one zip with every document.
  const corpus = await exportAs(page, 'brat standoff', /^Whole corpus/);
  expect(corpus.name).toBe('loupe-corpus.brat.zip');
  const anns = [...unzip(corpus.bytes).keys()].filter((n) => n.endsWith('.ann'));
  expect(anns).toHaveLength(3);

  // The panel is keyboard-usable: Escape closes it and gives focus back to its button.
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByLabel('Format')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Export annotations' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Export…' })).toBeFocused();
});

const text = '🚀 Sony sold shares in Kyiv.';

async function importFiles(page: Page, files: { name: string; text: string }[], strict = false) {
  const open = page.getByRole('button', { name: 'Import annotations…' });
  if ((await open.getAttribute('aria-expanded')) !== 'true') await open.click();
  const panel = page.getByRole('dialog', { name: 'Import annotations' });
  await panel.getByLabel('Annotation files').setInputFiles(
    files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text, 'utf8') })),
  );
  const box = panel.getByRole('checkbox', { name: /^Strict/ });
  if (strict) await box.check();
  else await box.uncheck();
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  return panel.locator('.exchange-report');
}

test('a brat pair imports with its highlights', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const report = await importFiles(page, [
    { name: 'deal.txt', text },
    { name: 'deal.ann', text: 'T1\tORG 2 6\tSony\nT2\tGPE 22 26\tKyiv\n' },
  ]);
  await expect(report).toContainText('Imported 1 of 1 document from brat standoff');
  await expect(loupe.highlight('Sony')).toHaveAttribute('data-type', 'ORG');
  await expect(loupe.highlight('Kyiv')).toHaveAttribute('data-type', 'GPE');

  // The same text again is recognised by its checksum: not added twice, its annotations
  // merged in. Their T1 is our T2 (Kyiv), kept once; their T2 (shares) clashes with our
  // T2 and is renumbered.
  const again = await importFiles(page, [
    { name: 'deal.txt', text },
    { name: 'deal.ann', text: 'T1\tGPE 22 26\tKyiv\nT2\tWEA 12 18\tshares\n' },
  ]);
  await expect(again).toContainText(
    'Imported 0 of 1 document from brat standoff; 1 annotation merged into “deal”; 1 already present; 1 renumbered because its id already named another annotation',
  );
  await page.keyboard.press('Escape');
  await expect(loupe.highlight('shares')).toHaveAttribute('data-type', 'WEA');
  await expect(loupe.highlight('Kyiv')).toHaveCount(1);

  // The merge is one undoable step.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(loupe.highlight('shares')).toHaveCount(0);
  await expect(loupe.highlight('Sony')).toHaveAttribute('data-type', 'ORG');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(loupe.highlight('shares')).toHaveAttribute('data-type', 'WEA');

  // Strict mode applies nothing when an annotation cannot be merged.
  const strict = await importFiles(
    page,
    [
      { name: 'deal.txt', text },
      { name: 'deal.ann', text: 'T1\tPER 7 11\tsold\nT2\tPER 2 6\tKyiv\n' },
    ],
    true,
  );
  await expect(strict).toContainText('Nothing was imported');
  await page.keyboard.press('Escape');
  await expect(loupe.highlight('sold')).toHaveCount(0);

  // Exported back as brat, the .ann has both files' annotations.
  const brat = await exportAs(page, 'brat standoff');
  const files = unzip(brat.bytes);
  const ann = files.get('deal.ann')!.toString('utf8');
  expect(ann.split('\n').filter(Boolean).map((l) => l.split('\t').slice(1).join('\t')).sort()).toEqual([
    'GPE 22 26\tKyiv',
    'ORG 2 6\tSony',
    'WEA 12 18\tshares',
  ]);
});

test('a quote that does not match is named, and strict mode imports nothing', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const bad = [
    { name: 'deal.txt', text },
    { name: 'deal.ann', text: 'T1\tORG 2 6\tSong\nT2\tGPE 22 26\tKyiv\n' },
  ];

  // Strict: nothing is added, and the error names the annotation and both strings.
  let report = await importFiles(page, bad, true);
  await expect(report).toContainText('Nothing was imported');
  await expect(report).toContainText('deal.ann, line 1: T1: the file quotes "Song" but the text at 2–6 is "Sony"');
  await expect(page.getByRole('heading', { name: 'Paste an article' })).toBeVisible();

  // Not strict: the valid annotation is applied and the bad one reported.
  report = await importFiles(page, bad, false);
  await expect(report).toContainText('1 problem left out');
  await expect(report).toContainText('T1: the file quotes "Song"');
  await expect(loupe.highlight('Kyiv')).toHaveAttribute('data-type', 'GPE');
  await expect(loupe.article.locator('.seg.m[data-type="ORG"]')).toHaveCount(0);

  // A damaged archive is refused with its reason.
  report = await importFiles(page, [{ name: 'broken.zip', text: 'PK\u0003\u0004 cut short' }]);
  await expect(report).toContainText('Nothing was imported: broken.zip: is not a readable zip archive');
});

test('every format downloads from the UI and parses, and doccano and W3C import back', async ({ page, browser }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('desa');
  await loupe.typeButton('GPE').click();
  await loupe.drag('hipping companie');
  await page.keyboard.press('o');
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
  const want = ['GPE:Odesa', 'ORG:Shipping companies'];

  const json = await exportAs(page, 'loupe/1 JSON');
  expect(json.name).toMatch(/\.loupe\.json$/);
  const doc = JSON.parse(json.bytes.toString('utf8')).documents[0];
  expect(doc.mentions.map((m: any) => `${m.type}:${m.text}`).sort()).toEqual(want);

  // W3C: the annotations and the text they point into, in one zip.
  const w3c = await exportAs(page, 'W3C Web Annotation');
  expect(w3c.name).toMatch(/\.w3c\.zip$/);
  const w3cFiles = unzip(w3c.bytes);
  const pageName = [...w3cFiles.keys()].find((n) => n.endsWith('.jsonld'))!;
  const textName = [...w3cFiles.keys()].find((n) => n.endsWith('.txt'))!;
  const cps = Array.from(w3cFiles.get(textName)!.toString('utf8'));
  const annotations = JSON.parse(w3cFiles.get(pageName)!.toString('utf8'));
  const items: any[] = annotations.items ?? annotations.first?.items ?? annotations;
  const quoted = items.map((a: any) => {
    const selectors: any[] = [a.target.selector].flat();
    const position = selectors.find((s) => s.type === 'TextPositionSelector');
    const quote = selectors.find((s) => s.type === 'TextQuoteSelector');
    expect(cps.slice(position.start, position.end).join('')).toBe(quote.exact);
    return quote.exact;
  });
  expect(quoted.sort()).toEqual(['Odesa', 'Shipping companies']);

  const oneie = await exportAs(page, 'OneIE JSON lines');
  expect(oneie.name).toMatch(/\.oneie\.json$/);
  const mentions = oneie.bytes
    .toString('utf8')
    .trim()
    .split('\n')
    .flatMap((l) => {
      const s = JSON.parse(l);
      return s.entity_mentions.map((m: any) => `${m.entity_type}:${s.tokens.slice(m.start, m.end).join(' ')}`);
    });
  expect(mentions.sort()).toEqual(want);

  const csv = await exportAs(page, 'CSV');
  expect(csv.name).toMatch(/\.csv$/);
  const csvText = csv.bytes.toString('utf8');
  expect(csvText.startsWith('document,title,id,kind')).toBe(true);
  expect(csvText).toContain('Shipping companies');

  const doccano = await exportAs(page, 'doccano JSONL');

  // Import both back into a fresh browser, where the texts are new.
  for (const [name, files] of [
    ['doccano', [{ name: doccano.name, buffer: doccano.bytes }]],
    ['W3C', [...w3cFiles].map(([n, b]) => ({ name: n, buffer: b }))],
  ] as const) {
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByRole('button', { name: 'Import annotations…' }).click();
    const panel = other.getByRole('dialog', { name: 'Import annotations' });
    await panel
      .getByLabel('Annotation files')
      .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.buffer })));
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(panel.locator('.exchange-report'), name).toContainText('Imported 1 of 1 document ');
    const back = new LoupePage(other);
    await expect(back.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
    await expect(back.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
    await context.close();
  }
});

test('the export and import panels have no serious accessibility violations', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const serious = async () =>
    (await new AxeBuilder({ page }).include('.exchange').analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help}`);
  await page.getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByRole('dialog', { name: 'Export annotations' })).toBeVisible();
  expect(await serious()).toEqual([]);
  await page.keyboard.press('Escape');
  await importFiles(page, [{ name: 'deal.ann', text: 'T1\tORG 2 6\tSony\n' }]);
  await expect(page.locator('.exchange-report')).toContainText('deal.txt is missing');
  expect(await serious()).toEqual([]);
});

test('a 500-document corpus exports to one brat zip quickly, without long main-thread blocks', async ({ page }) => {
  test.setTimeout(120_000);
  const loupe = new LoupePage(page);
  await loupe.open();
  // 500 documents of about 5 KB with 30 annotations each, imported as one doccano file.
  const sentence = 'Russian forces struck Kyiv and Odesa with drones overnight. ';
  const documents = Array.from({ length: 500 }, (_, i) => {
    const lead = `Report ${i}. `;
    const mentions = Array.from({ length: 30 }, (_, k) => {
      const start = lead.length + k * sentence.length + 22;
      return [start, start + 4, 'GPE'];
    });
    return JSON.stringify({ title: `Report ${i}`, text: lead + sentence.repeat(82), label: mentions });
  });
  const corpus = documents.join('\n') + '\n';
  await page.getByRole('button', { name: 'Import annotations…' }).click();
  const panel = page.getByRole('dialog', { name: 'Import annotations' });
  await panel.getByLabel('Annotation files').setInputFiles([{ name: 'big.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(corpus) }]);
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(panel.locator('.exchange-report')).toContainText('Imported 500 of 500 documents', { timeout: 60_000 });
  await page.keyboard.press('Escape');

  expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'))).toBe(true);
  await page.evaluate(() => {
    (window as any).longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (window as any).longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  await page.getByRole('button', { name: 'Export…' }).click();
  const exportPanel = page.getByRole('dialog', { name: 'Export annotations' });
  await exportPanel.getByLabel('Format').selectOption({ label: 'brat standoff' });
  await exportPanel.getByRole('radio', { name: /^Whole corpus/ }).check();
  const download = page.waitForEvent('download');
  const started = Date.now();
  await exportPanel.getByRole('button', { name: 'Download' }).click();
  const file = await download;
  const elapsed = Date.now() - started;
  // Long task entries are delivered after the task; give the observer a moment.
  await page.waitForTimeout(300);
  const longTasks: number[] = await page.evaluate(() => (window as any).longTasks);
  const zip = unzip(readFileSync((await file.path())!));
  expect([...zip.keys()].filter((n) => n.endsWith('.ann'))).toHaveLength(500);
  console.log(`500-document brat zip: ${elapsed} ms, longest main-thread task ${Math.max(0, ...longTasks)} ms`);
  expect(elapsed).toBeLessThan(1000);
  expect(Math.max(0, ...longTasks)).toBeLessThan(200);
});
