import { test, expect, targets } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { LoupePage } from './loupe-page';
import type { Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';

async function readDownload(page: Page, click: () => Promise<void>) {
  const download = page.waitForEvent('download');
  await click();
  const file = await download;
  return { name: file.suggestedFilename(), bytes: fs.readFileSync((await file.path())!) };
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).include('.agreement').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

function file(name: string, json: unknown) {
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) };
}

test('two annotators’ files give an agreement table, a CSV report, and a curated file from adjudication', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  await loupe.drag('Oleh Marchenko');
  await page.keyboard.press('p');
  const { json } = await loupe.exportJson();
  // Ben agrees on Marchenko but calls "Russian forces" a GPE.
  const ana = { ...json, annotator: 'ana' };
  const ben = structuredClone({ ...json, annotator: 'ben' });
  ben.documents[0].mentions.find((m: any) => m.text === 'Russian forces').type = 'GPE';

  await page.getByRole('button', { name: 'Agreement' }).click();
  const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
  await panel.locator('#agreement-files').setInputFiles([file('ana.json', ana), file('ben.json', ben)]);
  const table = panel.getByRole('table', { name: /ana against ben — reference: ben/ });
  await expect(table).toBeVisible();
  // Exact mention match: 1 of 2 on each side, so P = R = F1 = 50 %.
  const exact = table.getByRole('row', { name: /Mentions, exact/ }).getByRole('cell');
  await expect(exact).toHaveText(['2', '2', '1', '50.0', '50.0', '50.0']);

  const csv = await readDownload(page, () => panel.getByRole('button', { name: 'Download CSV' }).click());
  expect(csv.name).toBe('agreement.csv');

  // Adjudicate the one disagreement: take B's type, and build the curated file.
  await panel.getByRole('button', { name: 'Diff and adjudication' }).click();
  const disagreements = panel.getByRole('list', { name: 'Disagreements' }).getByRole('listitem');
  await expect(disagreements).toHaveCount(1);
  await expect(disagreements.first()).toContainText('type differs');
  await disagreements.first().getByRole('radio', { name: 'Take B' }).check();
  const curatedFile = await readDownload(page, () => panel.getByRole('button', { name: 'Download curated file' }).click());
  const curated = JSON.parse(curatedFile.bytes.toString('utf8'));
  expect(curated.annotator).toBe('curated');
  const kinds = curated.documents[0].mentions.map((m: any) => `${m.type}:${m.text}`).sort();
  expect(kinds).toEqual(['GPE:Russian forces', 'PER:Oleh Marchenko']);
});

test('the diff is stepped through by keyboard, three disagreements are resolved (one edited), and the curated set is kept, reloaded and exported; the dashboard charts download as SVG and PNG', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  const { json } = await loupe.exportJson();
  const doc = json.documents[0];
  // Offsets are code points: the headline's rocket emoji is one code point, two UTF-16 units.
  const chars = Array.from(doc.text as string);
  const at = (needle: string) => {
    const start = Array.from((doc.text as string).slice(0, (doc.text as string).indexOf(needle))).length;
    return [start, start + Array.from(needle).length];
  };
  expect(chars.slice(...at('Istanbul')).join('')).toBe('Istanbul');
  const mention = (id: string, type: string, text: string) => ({ id, type, fragments: [at(text)], text });
  const annotator = (name: string, mentions: any[]) => ({
    ...json,
    annotator: name,
    documents: [{ ...doc, mentions, events: [], relations: [] }],
  });
  const longB = 'Oleh Marchenko, who heads the regional military administration';
  const ana = annotator('ana', [
    mention('T1', 'ORG', 'Russian forces'),
    mention('T2', 'PER', 'regional governor'),
    mention('T3', 'PER', 'Marchenko'),
    mention('T4', 'GPE', 'Istanbul'),
  ]);
  const ben = annotator('ben', [
    mention('T1', 'GPE', 'Russian forces'),
    mention('T2', 'PER', longB),
    mention('T3', 'GPE', 'Istanbul'),
    mention('T4', 'ORG', 'Ukrainian foreign ministry'),
  ]);
  const cem = { ...ana, annotator: 'cem' };

  await page.getByRole('button', { name: 'Agreement' }).click();
  const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
  await panel.locator('#agreement-files').setInputFiles([file('ana.json', ana), file('ben.json', ben), file('cem.json', cem)]);
  await expect(panel.getByRole('table', { name: /ana against ben — reference: ben/ })).toBeVisible();
  await panel.getByRole('button', { name: 'Diff and adjudication' }).click();

  // Any two annotators: ana against cem agree on everything.
  await panel.getByLabel('Annotator B').selectOption({ label: 'cem' });
  await expect(panel.locator('.diff-status')).toHaveText('No disagreements in this document.');
  await panel.getByLabel('Annotator B').selectOption({ label: 'ben' });
  await expect(panel.locator('.diff-status')).toHaveText(/^4 disagreements/);

  // Side by side: A's column and B's column, each styled and tagged by kind.
  const colA = panel.getByRole('region', { name: 'A: ana' });
  const colB = panel.getByRole('region', { name: 'B: ben' });
  await expect(colA.locator('.d-a-type', { hasText: 'Russian forces' })).toBeVisible();
  await expect(colB.locator('.d-b-type', { hasText: 'Russian forces' })).toBeVisible();
  await expect(colA.locator('.d-a-only', { hasText: 'regional governor' })).toBeVisible();
  await expect(colB.locator('.d-b-only', { hasText: 'Ukrainian foreign ministry' })).toBeVisible();
  await expect(colA.locator('.d-a-match', { hasText: 'Istanbul' })).toBeVisible();
  await expect(colA.locator('.diff-tag', { hasText: 'A: ORG · type differs' })).toBeVisible();
  await expect(colB.locator('.diff-tag', { hasText: 'B: PER · span differs' })).toBeVisible();

  // Step with the keyboard; the current mark is focused, and the choice is made right there.
  await panel.getByRole('button', { name: 'Next', exact: true }).click();
  const status = panel.locator('.diff-status');
  await expect(status).toContainText('1 of 4: type differs');
  await expect(panel.locator('.diff-text .current').first()).toBeFocused();
  await expect(panel.locator('.diff-text .current').first()).toHaveText('Russian forces');
  await page.keyboard.press('b');
  await expect(status).toContainText('choice: take B');
  await page.keyboard.press('n');
  await expect(status).toContainText('2 of 4: only A');
  await expect(panel.locator('.diff-text .current').first()).toBeFocused();
  await page.keyboard.press('x');
  await expect(status).toContainText('choice: take neither');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await page.keyboard.press('n');
  await expect(status).toContainText('3 of 4: span differs');
  // The edit: start from B's long span and end it after "Marchenko".
  await page.keyboard.press('e');
  await expect(panel.getByLabel('Type', { exact: true })).toBeFocused();
  await panel.getByRole('radio', { name: 'Start from B' }).check();
  await expect(panel.getByLabel('Start', { exact: true })).toHaveValue(String(at(longB)[0]));
  await panel.getByLabel('End', { exact: true }).fill('99999');
  await panel.getByRole('button', { name: 'Apply edit' }).click();
  await expect(panel.getByRole('alert')).toContainText('is not a non-empty range inside the text');
  // Re-select the span in A's column: "Oleh " is plain text and "Marchenko" A's mark, two
  // text nodes after the rocket emoji, so the DOM's UTF-16 offsets must become code points.
  await page.evaluate(() => {
    const col = [...document.querySelectorAll('.diff-col')].find((c) => c.getAttribute('aria-label') === 'A: ana')!;
    const nodes: Text[] = [];
    const walker = document.createTreeWalker(col.querySelector('p')!, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
    const start = nodes.find((n) => n.data.includes('Oleh '))!;
    const end = nodes.find((n) => n.data === 'Marchenko')!;
    const range = document.createRange();
    range.setStart(start, start.data.indexOf('Oleh '));
    range.setEnd(end, end.data.length);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  });
  await panel.getByRole('button', { name: 'Use selected text' }).click();
  await expect(panel.getByLabel('Start', { exact: true })).toHaveValue(String(at('Oleh Marchenko')[0]));
  await expect(panel.getByLabel('End', { exact: true })).toHaveValue(String(at('Oleh Marchenko')[1]));
  await expect(panel.locator('.diff-edit')).toContainText('covers “Oleh Marchenko”');
  await panel.getByLabel('End', { exact: true }).press('Enter');
  await expect(status).toContainText(`choice: edited from B: PER [${at('Oleh Marchenko').join(', ')})`);
  await expect(panel.locator('.diff-text .current').first()).toBeFocused();

  // The interleaved view shows both in one text.
  await panel.getByRole('button', { name: 'Interleaved' }).click();
  const one = panel.getByRole('region', { name: 'A (ana) and B (ben) interleaved' });
  await expect(one.locator('.d-a-type.d-b-type', { hasText: 'Russian forces' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The fourth disagreement was never reviewed: saving asks first, and does not take A unasked.
  await expect(panel.locator('.diff-reviewed')).toHaveText(/^3 of 4 disagreements reviewed; 1 not yet/);
  await panel.getByRole('button', { name: 'Save to curated set' }).click();
  const ask = panel.getByRole('alertdialog');
  await expect(ask).toContainText('1 of 4 disagreements is not reviewed yet');
  await expect(ask).toBeFocused();
  await expect(page.getByText(/Saved “.*” to the curated set/)).toHaveCount(0);
  await ask.getByRole('button', { name: 'Review the next unreviewed' }).click();
  await expect(status).toContainText('4 of 4: only B');
  await expect(status).toContainText('choice: not reviewed');
  await expect(panel.getByRole('list', { name: 'Disagreements' }).locator('li.unreviewed')).toHaveCount(1);
  await panel.getByRole('button', { name: 'Save to curated set' }).click();
  await panel.getByRole('alertdialog').getByRole('button', { name: 'Take A for them and save' }).click();
  await expect(page.getByText(/Saved “.*” to the curated set \(1 document\)/)).toBeVisible();
  // The curated set is compared like any annotator: ana and it agree on Istanbul only.
  await panel.getByRole('button', { name: 'Compare the curated set with the annotators' }).click();
  const againstCurated = panel.getByRole('table', { name: /ana against curated — reference: curated/ });
  await expect(againstCurated.getByRole('row', { name: /Mentions, exact/ }).getByRole('cell')).toHaveText(['4', '3', '1', '25.0', '33.3', '28.6']);

  // After a reload the curated set is still there, and exports in every format.
  await page.reload();
  await expect(loupe.article).toBeVisible();
  await page.getByRole('button', { name: 'Agreement' }).click();
  await panel.getByRole('button', { name: 'Diff and adjudication' }).click();
  await expect(panel.getByRole('list', { name: 'Curated documents' }).getByRole('listitem')).toHaveCount(1);
  await expect(panel.getByRole('list', { name: 'Curated documents' })).toContainText('3 annotations');
  const exported = await readDownload(page, () => panel.getByRole('button', { name: 'Export curated set' }).click());
  expect(exported.name).toBe('curated.json');
  const set = JSON.parse(exported.bytes.toString('utf8'));
  expect(set.annotator).toBe('curated');
  const kinds = set.documents[0].mentions.map((m: any) => `${m.type}:${m.text}:${m.fragments[0].join('-')}`).sort();
  expect(kinds).toEqual([
    `GPE:Istanbul:${at('Istanbul').join('-')}`,
    `GPE:Russian forces:${at('Russian forces').join('-')}`,
    `PER:Oleh Marchenko:${at('Oleh Marchenko').join('-')}`,
  ]);
  await panel.getByLabel('Format').selectOption('csv');
  const csv = await readDownload(page, () => panel.getByRole('button', { name: 'Export curated set' }).click());
  expect(csv.name).toBe('curated.csv');
  expect(csv.bytes.toString('utf8')).toContain('Oleh Marchenko');
  await panel.getByLabel('Format').selectOption('brat');
  const brat = await readDownload(page, () => panel.getByRole('button', { name: 'Export curated set' }).click());
  expect(brat.name).toBe('curated.brat.zip');
  expect(brat.bytes.subarray(0, 2).toString('latin1')).toBe('PK');

  // The dashboard of the curated set: labelled charts, each as SVG and PNG.
  await panel.getByRole('button', { name: 'Statistics' }).click();
  await panel.getByLabel('Statistics of').selectOption('curated');
  const perType = panel.getByRole('img', { name: 'Annotations per type' });
  await expect(perType).toBeVisible();
  await expect(perType).toContainText('GPE (mention)');
  await expect(perType).toContainText('Annotations');
  await expect(panel.getByRole('img', { name: 'Progress over documents' })).toContainText('Done');
  await expect(panel.getByRole('img', { name: 'Argument fill rate by event type and role' })).toContainText('No data yet');
  const svg = await readDownload(page, () => panel.getByRole('button', { name: 'Download “Annotations per type” as SVG' }).click());
  expect(svg.name).toBe('annotations-per-type.svg');
  const svgText = svg.bytes.toString('utf8');
  expect(svgText.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svgText).toContain('<title>Annotations per type</title>');
  expect(svgText).toMatch(/>2<\/text><\/g>/);
  const png = await readDownload(page, () => panel.getByRole('button', { name: 'Download “Annotations per type” as PNG' }).click());
  expect(png.name).toBe('annotations-per-type.png');
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.bytes.length).toBeGreaterThan(1000);
  expect(await seriousViolations(page)).toEqual([]);
});

for (const target of targets) {
  test(`${target.name}: the workspace's charts download as PNG under the page's CSP`, async ({ page }) => {
    const loupe = new LoupePage(page);
    await loupe.open(target.url);
    await loupe.loadSamples();
    await page.getByRole('button', { name: 'Agreement' }).click();
    const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
    await panel.getByRole('button', { name: 'Statistics' }).click();
    const perDocument = panel.getByRole('img', { name: 'Annotations per document' });
    await expect(perDocument).toBeVisible();
    // The three sample articles, by title, on the category axis "Document".
    await expect(perDocument.locator('g')).toHaveCount(3);
    await expect(perDocument).toContainText('Document');
    await expect(panel.getByRole('img', { name: 'Progress over documents' })).toContainText('Not started');
    const png = await readDownload(page, () => panel.getByRole('button', { name: 'Download “Annotations per document” as PNG' }).click());
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
}

test('type names and annotator names from files stay text in the diff and the charts', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  const { json } = await loupe.exportJson();
  const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  // Types must be in the file's schema, so the schema names the payload too.
  const schema = structuredClone(json.schema);
  schema.entity_types.push({ ...schema.entity_types[0], name: evil, display: evil, hotkey: undefined });
  const ana = { ...json, schema, annotator: `ana ${evil}` };
  const ben = structuredClone({ ...json, schema, annotator: 'ben' });
  ben.documents[0].mentions[0].type = evil;
  ben.documents[0].title = evil;
  await page.getByRole('button', { name: 'Agreement' }).click();
  const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
  await panel.locator('#agreement-files').setInputFiles([file('ana.json', ana), file('ben.json', ben)]);
  await panel.getByRole('button', { name: 'Diff and adjudication' }).click();
  await expect(panel.locator('.diff-tag', { hasText: `B: ${evil} · type differs` })).toBeVisible();
  await panel.getByRole('button', { name: 'Statistics' }).click();
  await panel.getByLabel('Statistics of').selectOption('files');
  await expect(panel.getByRole('img', { name: 'Annotations per type' })).toContainText(evil);
  await expect(panel.getByRole('img', { name: 'Annotations per annotator' })).toContainText('ana <img');
  expect(await panel.locator('img, script').count()).toBe(0);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

test('the scores view names its reference and has a per-document table; the methods report downloads as Markdown and LaTeX and names every figure', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const text = 'Anna met Ben in Paris. Ben left the city.';
  const span = (word: string, from = 0) => { const s = text.indexOf(word, from); return [s, s + word.length]; };
  const m = (id: string, type: string, word: string, entity?: string, from = 0) =>
    ({ id, type, fragments: [span(word, from)], text: word, ...(entity ? { entity } : {}) });
  const ids = (t: string) => { const sha256 = crypto.createHash('sha256').update(t, 'utf8').digest('hex'); return { id: `d${sha256.slice(0, 16)}`, sha256 }; };
  const doc = (mentions: any[], entities: any[]) => ({ ...ids(text), title: 'Paris meeting', status: 'in_progress', text, mentions, entities, events: [], relations: [] });
  const note = 'Nobody read this note.';
  const quiet = { ...ids(note), title: 'Unread note', status: 'not_started', text: note, mentions: [], entities: [], events: [], relations: [] };
  const ben = 'C1';
  const ana = { format: 'loupe', format_version: 1, annotator: 'ana', documents: [
    doc([m('T1', 'PER', 'Anna'), m('T2', 'PER', 'Ben', ben), m('T3', 'GPE', 'Paris'), m('T4', 'PER', 'Ben', ben, 20)],
        [{ id: ben, name: 'Ben', type: 'PER' }]), quiet] };
  const bob = { format: 'loupe', format_version: 1, annotator: 'bob', documents: [
    doc([m('T1', 'PER', 'Anna'), m('T2', 'PER', 'Ben', 'C5'), m('T3', 'LOC', 'Paris', 'C6'), m('T4', 'PER', 'Ben', 'C5', 20), m('T5', 'LOC', 'the city', 'C6')],
        [{ id: 'C5', name: 'Ben', type: 'PER' }, { id: 'C6', name: 'Paris', type: 'LOC' }]), quiet] };

  await page.getByRole('button', { name: 'Agreement' }).click();
  const panel = page.getByRole('dialog', { name: 'Annotator agreement' });
  await panel.locator('#agreement-files').setInputFiles([file('ana.json', ana), file('bob.json', bob)]);
  const scores = panel.getByRole('table', { name: /ana against bob — reference: bob/ });
  await expect(scores).toBeVisible();
  await expect(scores.getByRole('columnheader', { name: 'bob (reference)' })).toBeVisible();
  // The token unit is stated, and the note nobody read is left out of it.
  await expect(panel.locator('.pair .units')).toContainText('Left out, touched by no one compared: Unread note');
  const coefficients = panel.getByRole('table', { name: 'ana and bob: token agreement' });
  await expect(coefficients.getByRole('row', { name: /Krippendorff/ })).toBeVisible();
  const coref = panel.getByRole('table', { name: /ana against bob: coreference/ });
  await expect(coref.getByRole('row', { name: /CoNLL-2012/ })).toBeVisible();
  const perDoc = panel.getByRole('table', { name: /ana against bob, per document/ });
  await expect(perDoc.getByRole('row')).toHaveCount(3);
  await expect(perDoc.getByRole('row', { name: /Unread note \(untouched\)/ })).toBeVisible();

  const json = await readDownload(page, () => panel.getByRole('button', { name: 'Download JSON' }).click());
  const report = JSON.parse(json.bytes.toString('utf8'));
  expect(report.pairs[0].reference).toBe('bob');
  expect(report.token_units.left_out.map((d: any) => d.title)).toEqual(['Unread note']);
  const alpha = report.pairs[0].total.token_alpha.alpha as number;
  const conll = report.pairs[0].total.coreference.conll as number;

  const md = await readDownload(page, () => panel.getByRole('button', { name: 'Methods report (Markdown)' }).click());
  expect(md.name).toBe('methods-report.md');
  const mdText = md.bytes.toString('utf8');
  for (const needle of [
    '# Annotation: methods summary', '2 documents (16 tokens)', '2 annotators (ana, bob)', '| entity | PER |', '| entity | LOC |',
    `Krippendorff's α (nominal, IOB tags) | 11 tokens of 1 document | ${alpha.toFixed(3)} |`,
    "Cohen's κ (IOB tags)", "Fleiss' κ", 'Coreference MUC F1', 'Coreference B³ F1', 'Coreference CEAFe F1',
    `Coreference CoNLL-2012 (mean F1) | chains, 1 vs 2 (2 vs 4 mentions) | ${conll.toFixed(3)} |`,
    'Annotation time: not recorded', 'B is the reference', 'Left out as touched by no annotator: Unread note',
  ]) expect(mdText).toContain(needle);
  const tex = await readDownload(page, () => panel.getByRole('button', { name: 'Methods report (LaTeX)' }).click());
  expect(tex.name).toBe('methods-report.tex');
  const texText = tex.bytes.toString('utf8');
  expect(texText).toContain('\\begin{tabular}{llll}');
  expect(texText).toContain("Krippendorff's $\\alpha$ (nominal, IOB tags)");
  expect(texText).toContain('Coreference CoNLL-2012 (mean F1)');
  expect(texText).toContain('\\end{table}');
  expect(await seriousViolations(page)).toEqual([]);
});
