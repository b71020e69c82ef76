import { deflateRawSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

test('a pasted article keeps its characters exactly', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const text = 'Paragraph one — “quoted” 👩‍👩‍👧 and 北京.\r\n\r\nParagraph two: Café\u0301 au lait.';
  await page.getByLabel('Title').fill('Pasted story');
  await page.getByLabel('Text').fill(text);
  await page.getByRole('button', { name: 'Add this article' }).click();
  await expect(page.getByRole('button', { name: /Pasted story/ })).toBeVisible();
  await expect(loupe.article.locator('p')).toHaveCount(2);
  await expect(loupe.article.locator('p').first()).toHaveText('Paragraph one — “quoted” 👩‍👩‍👧 and 北京.');
  await expect(loupe.article.locator('p').nth(1)).toHaveText('Paragraph two: Café\u0301 au lait.');
});

test('opening files imports the good ones and names the bad ones', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await page.locator('#open-files').setInputFiles([
    { name: 'harbour_report.txt', mimeType: 'text/plain', buffer: Buffer.from('Ships left the harbour at dawn.\n\nThey returned at noon.') },
    { name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]) },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('  \n') },
  ]);
  await expect(page.getByRole('button', { name: /harbour report/ })).toBeVisible();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('latin1.txt is not UTF-8 text');
  await expect(alert).toContainText('empty.txt: the file is empty');
});

test('damaged stored annotations are reported and kept, not silently dropped', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const key = await page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith('/ann'))!);
  await page.evaluate((key) => localStorage.setItem(key, '{"mentions": [oops'), key);
  await page.reload();
  await expect(page.getByRole('alert').first()).toContainText('damaged');
  const rescued = await page.evaluate((key) => localStorage.getItem(`loupe/v1/rescued/${key}`), key);
  expect(rescued).toBe('{"mentions": [oops');
});

/** CRC-32 as zip wants it. */
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A .zip of `files`, deflated (a zip bomb is just a very compressible file). */
function zip(files: { name: string; data: Buffer | string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data, 'utf8');
    const packed = deflateRawSync(data);
    const name = Buffer.from(f.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** Drop files on the window, as a user dragging them from the desktop would. */
async function drop(page: Page, files: { name: string; bytes: Buffer }[]) {
  await page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: 'application/zip' }));
    }
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })));
}

test('a zip of articles dropped on the window imports each file and names the bad ones', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const articles = zip([
    { name: 'news/harbour_report.txt', data: 'Ships left the harbour at dawn.' },
    { name: 'feed.jsonl', data: '{"text":"First story.","title":"First"}\n{"text":"Second story.","title":"Second"}\n' },
    { name: 'page.html', data: '<html><head><title>Port news</title></head><body><nav>Menu</nav><p>Ferries run again.</p><script>window.__xss=1</script></body></html>' },
    { name: 'notes/brief.md', data: '# Brief\n\nAll quiet.' },
    { name: 'scan.pdf', data: '%PDF-1.4' },
    { name: 'latin1.txt', data: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]) },
  ]);
  await drop(page, [{ name: 'articles.zip', bytes: articles }]);
  const summary = page.getByRole('alert').filter({ hasText: 'Imported' });
  await expect(summary).toContainText('Imported 5 documents');
  await expect(summary).toContainText('rejected 2 files');
  await expect(summary).toContainText('articles.zip/scan.pdf: not a kind of file Loupe reads');
  await expect(summary).toContainText('articles.zip/latin1.txt is not UTF-8 text');
  for (const title of ['harbour report', 'First', 'Second', 'Port news', 'brief']) {
    await expect(page.getByRole('button', { name: new RegExp(title) }).first()).toBeVisible();
  }
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
});

test('a brat zip opened on the welcome screen imports texts with annotations; dropped again, it merges', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const brat = zip([
    { name: 'corpus/annotation.conf', data: '[entities]\nORG\nGPE\n[relations]\n[events]\n[attributes]\n' },
    { name: 'corpus/deal.txt', data: '🚀 Sony sold shares in Kyiv.' },
    { name: 'corpus/deal.ann', data: 'T1\tORG 2 6\tSony\nT2\tGPE 22 26\tKyiv\n' },
    { name: 'corpus/bad.txt', data: 'Ana met Bo.' },
    { name: 'corpus/bad.ann', data: 'T1\tORG 0 3\tAna\nT2\tGPE 8 10\tXx\n' },
  ]);
  await page.locator('#open-files').setInputFiles([{ name: 'brat.zip', mimeType: 'application/zip', buffer: brat }]);
  const summary = page.getByRole('alert').filter({ hasText: 'Imported' });
  await expect(summary).toContainText('Imported 2 documents');
  await expect(summary).toContainText('"Xx"');
  await page.getByRole('button', { name: /deal/ }).first().click();
  await expect(loupe.highlight('Sony')).toHaveAttribute('data-type', 'ORG');
  await expect(loupe.highlight('Kyiv')).toHaveAttribute('data-type', 'GPE');

  // The same archive again, with one more annotation: merged, not skipped.
  const more = zip([
    { name: 'corpus/deal.txt', data: '🚀 Sony sold shares in Kyiv.' },
    { name: 'corpus/deal.ann', data: 'T1\tORG 2 6\tSony\nT2\tGPE 22 26\tKyiv\nT3\tORG 12 18\tshares\n' },
  ]);
  await drop(page, [{ name: 'more.zip', bytes: more }]);
  await expect(page.getByRole('note').filter({ hasText: 'more.zip' })).toContainText(
    'more.zip: 1 annotation merged into “deal”; 2 already present.',
  );
  await expect(loupe.highlight('shares')).toHaveAttribute('data-type', 'ORG');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(loupe.highlight('shares')).toHaveCount(0);
});

test('a zip bomb dropped on the window is refused whole, with the reason', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  const bomb = zip([{ name: 'big.txt', data: Buffer.alloc(5_000_000, 0x61) }]);
  await drop(page, [{ name: 'bomb.zip', bytes: bomb }]);
  const summary = page.getByRole('alert').filter({ hasText: 'Imported' });
  await expect(summary).toContainText('Imported 0 documents');
  await expect(summary).toContainText('bomb.zip: ');
  await expect(summary).toContainText('compression ratio over 100');
  await expect(page.locator('.doc')).toHaveCount(0);
});
