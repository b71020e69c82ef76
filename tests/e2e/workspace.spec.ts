import { test, expect } from './fixtures';
import { LoupePage } from './loupe-page';

async function paste(loupe: LoupePage, title: string, text: string) {
  await loupe.page.getByLabel('Title').fill(title);
  await loupe.page.getByLabel('Text').fill(text);
  await loupe.page.getByRole('button', { name: 'Add this article' }).click();
  await expect(loupe.article).toBeVisible();
}

const inspector = (loupe: LoupePage) => loupe.page.getByRole('complementary', { name: 'Inspector' });

test('keyboard only: an Attack event with Attacker, Target and Place survives reload and export', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const keys = async (...list: string[]) => {
    for (const k of list) await page.keyboard.press(k);
  };
  // "ODESA — Russian forces launched a wave of drones at the port of Odesa …"
  await keys('Shift+ArrowRight'); // ODESA
  await keys('ArrowRight', 'Shift+ArrowRight'); // Russian forces
  await keys('o');
  await expect(loupe.highlight('Russian forces')).toHaveAttribute('data-type', 'ORG');
  await keys('Shift+ArrowRight'); // launched: the word after the selected mention
  await keys('e');
  await page.keyboard.type('attack');
  await keys('Enter');
  await expect(loupe.article.locator('.seg.m.trigger', { hasText: 'launched' })).toBeVisible();
  await expect(inspector(loupe)).toContainText('Conflict:Attack');
  await expect(inspector(loupe)).toContainText('Attack has no Target');

  // A filled slot disarms, so the next digit arms the next slot: no Esc in between.
  await keys('1', 'ArrowLeft', 'Enter'); // Attacker ← Russian forces
  await keys('2', 'Shift+ArrowRight'); // Target: "a", then on to "port"
  await keys(...Array(6).fill('ArrowRight'), 'f');
  await expect(loupe.highlight('port')).toHaveAttribute('data-type', 'FAC');
  await keys('5', 'Shift+ArrowRight', ...Array(8).fill('ArrowRight'), 'g'); // Place ← Odesa
  await expect(loupe.article.locator('.seg.m.arg[data-role="Place"]', { hasText: 'Odesa' })).toBeVisible();
  await expect(loupe.article.locator('.seg.m.arg[data-role="Attacker"]')).toHaveText('Russian forces');

  await page.reload();
  const { json } = await loupe.exportJson();
  const doc = json.documents.find((d: any) => d.title.startsWith('Drones strike Odesa'));
  const [event] = doc.events;
  expect(event.type).toBe('Conflict:Attack');
  expect(event.trigger_text).toBe('launched');
  const byId = Object.fromEntries(doc.mentions.map((m: any) => [m.id, m]));
  const args = event.arguments.map((a: any) => `${a.role}=${byId[a.target].type}:${byId[a.target].text}`);
  expect(args.sort()).toEqual(['Attacker=ORG:Russian forces', 'Place=GPE:Odesa', 'Target=FAC:port']);
});

test('a nested span inside another stays clickable, and so does the outer one', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Nested', 'Drones hit Kyiv’s central Shevchenkivskyi district at dawn.');
  await loupe.drag('Kyiv’s central Shevchenkivskyi district');
  await page.keyboard.press('f');
  await loupe.drag('Kyi');
  await page.keyboard.press('g');
  const kyiv = loupe.article.locator('.seg.m', { hasText: /^Kyiv$/ });
  await expect(kyiv).toHaveAttribute('data-type', 'GPE');
  await page.keyboard.press('Escape');
  await kyiv.click();
  await expect(inspector(loupe).locator('#mention-type')).toHaveValue('GPE');
  await kyiv.click();
  await expect(inspector(loupe).locator('#mention-type')).toHaveValue('FAC');
  await loupe.highlight('district').click();
  await expect(inspector(loupe)).toContainText('Kyiv’s central Shevchenkivskyi district');
});

test('a discontinuous mention is made with Shift+drag and exported with both fragments', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Fragments', 'Both North and South America sent envoys.');
  await loupe.drag('North');
  await page.keyboard.press('l');
  await page.keyboard.down('Shift');
  await loupe.drag('America');
  await page.keyboard.up('Shift');
  await expect(inspector(loupe)).toContainText('North America');
  const { json } = await loupe.exportJson();
  expect(json.documents[0].mentions[0].fragments).toEqual([[5, 10], [21, 28]]);
  expect(json.documents[0].mentions[0].text).toBe('North America');
});

test('a relation and a same-entity merge', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Oleh Marchenko');
  await page.keyboard.press('p');
  await loupe.drag('regional military administration');
  await page.keyboard.press('o');
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('r');
  await loupe.highlight('regional military administration').click();
  await page.getByRole('group', { name: 'Relation type' }).getByRole('button', { name: 'ORG-AFF' }).click();
  await expect(inspector(loupe)).toContainText('ORG-AFF');

  await loupe.drag('who');
  await page.keyboard.press('p');
  await loupe.highlight('Oleh Marchenko').click();
  await page.keyboard.press('s');
  await loupe.highlight('who').click();
  await expect(inspector(loupe).getByRole('list', { name: 'Entities' })).toContainText('Oleh Marchenko · PER (2)');

  const { json } = await loupe.exportJson();
  const doc = json.documents.find((d: any) => d.relations.length > 0);
  expect(doc.relations[0].type).toBe('ORG-AFF');
  expect(doc.entities).toHaveLength(1);
  const members = doc.mentions.filter((m: any) => m.entity === doc.entities[0].id).map((m: any) => m.text);
  expect(members.sort()).toEqual(['Oleh Marchenko', 'who']);
});

test('annotate all occurrences of a word used five times, then undo it in one step', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await paste(loupe, 'Kyiv x5', 'Kyiv said no. Kyiv wants talks.\n\nKyiv’s mayor spoke. Kyivans cheered. Kyiv again.\n\nIn Kyiv today.');
  await loupe.drag('Kyi');
  await page.keyboard.press('g');
  await expect(loupe.article.locator('.seg.m')).toHaveCount(1);
  await page.keyboard.press('a');
  await expect(page.getByText('Tag 4 more occurrences as GPE?')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(loupe.article.locator('.seg.m[data-type="GPE"]')).toHaveCount(5);
  await expect(loupe.article.locator('.seg.m', { hasText: 'Kyivans' })).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await expect(loupe.article.locator('.seg.m')).toHaveCount(1);
});

test('deleting an argument’s mention warns, and undo restores the event', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('launched');
  await page.getByLabel(/Filter annotation types/).fill('attack');
  await page.getByLabel(/Filter annotation types/).press('Enter');
  await page.getByRole('button', { name: /^Fill Attacker/ }).click();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  await expect(loupe.article.locator('.seg.m.arg[data-role="Attacker"]')).toHaveText('Russian forces');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await loupe.highlight('Russian forces').click();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('note').filter({ hasText: 'Attacker of E1' })).toBeVisible();
  await expect(loupe.highlight('Russian forces')).toHaveCount(0);
  await page.keyboard.press('Control+z');
  await loupe.article.locator('.seg.m.trigger', { hasText: 'launched' }).click();
  await expect(inspector(loupe)).toContainText('T1 ORG “Russian forces”');
});

test('with a slot armed, pressing the number shown on a mention fills the slot', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('Russian forces');
  await page.keyboard.press('o');
  await loupe.drag('port of Odesa');
  await page.keyboard.press('f');
  await loupe.drag('launched');
  await page.getByLabel(/Filter annotation types/).fill('attack');
  await page.getByLabel(/Filter annotation types/).press('Enter');
  await page.keyboard.press('2'); // arm Target
  const numbered = loupe.article.locator('.seg.m[data-num]');
  await expect(numbered).toHaveCount(2);
  const port = loupe.article.locator('.seg.m', { hasText: 'port of Odesa' });
  const digit = await port.getAttribute('data-num');
  await page.keyboard.press(digit!);
  await expect(loupe.article.locator('.seg.m.arg[data-role="Target"]')).toHaveText('port of Odesa');
});
