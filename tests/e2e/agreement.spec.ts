import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

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
  await panel.locator('#agreement-files').setInputFiles([
    { name: 'ana.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ana)) },
    { name: 'ben.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ben)) },
  ]);
  const table = panel.getByRole('table', { name: /ana against ben/ });
  await expect(table).toBeVisible();
  // Exact mention match: 1 of 2 on each side, so P = R = F1 = 50 %.
  const exact = table.getByRole('row', { name: /Mentions, exact/ }).getByRole('cell');
  await expect(exact).toHaveText(['2', '2', '1', '50.0', '50.0', '50.0']);

  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('agreement.csv');

  // Adjudicate the one disagreement: take B's type, and build the curated file.
  const disagreements = panel.getByRole('list', { name: 'Disagreements' }).getByRole('listitem');
  await expect(disagreements).toHaveCount(1);
  await expect(disagreements.first()).toContainText('type differs');
  await disagreements.first().getByRole('radio', { name: 'Take B' }).check();
  const curatedDownload = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Download curated file' }).click();
  const curatedFile = await curatedDownload;
  const fs = await import('node:fs');
  const curated = JSON.parse(fs.readFileSync((await curatedFile.path())!, 'utf8'));
  expect(curated.annotator).toBe('curated');
  const kinds = curated.documents[0].mentions.map((m: any) => `${m.type}:${m.text}`).sort();
  expect(kinds).toEqual(['GPE:Russian forces', 'PER:Oleh Marchenko']);
});
