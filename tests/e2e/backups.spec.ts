import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { LoupePage } from './loupe-page';

const storedMentions = (page: Page) => new LoupePage(page).storedMentions();

const panel = (page: Page) => page.getByRole('dialog', { name: 'Backups' });

async function openBackups(page: Page) {
  if (!(await panel(page).isVisible())) await page.getByRole('button', { name: 'Backups', exact: true }).click();
  await expect(panel(page)).toBeVisible();
}

async function tag(loupe: LoupePage, needle: string, key: string) {
  await loupe.drag(needle);
  await loupe.page.keyboard.press(key);
  await expect(loupe.page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
}

test('backups: the first edit is backed up; restore any backup, and undo the restore', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await tag(loupe, 'desa', 'g');
  await openBackups(page);
  const items = panel(page).locator('.backup-list li');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('first edit of a session');
  await expect(items.first()).toContainText('3 documents, 1 annotation');

  await tag(loupe, 'hipping companie', 'o');
  await openBackups(page);
  await panel(page).getByRole('button', { name: 'Back up now' }).click();
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText('3 documents, 2 annotations');

  // An edit not yet in any backup, then a restore of the oldest: what it replaces is backed
  // up first, so it can come back.
  await tag(loupe, 'ussian force', 'o');
  await openBackups(page);
  await items.nth(1).getByRole('button', { name: /^Restore the backup of/ }).click();
  await panel(page).getByRole('button', { name: 'Restore this backup' }).click();
  await expect(loupe.highlight('Shipping companies')).toHaveCount(0);
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  expect(await storedMentions(page)).toEqual(['GPE:Odesa']);
  await openBackups(page);
  await expect(items).toHaveCount(3);
  await expect(items.first()).toContainText('before a restore');
  await expect(items.first()).toContainText('3 annotations');
  await items.first().getByRole('button', { name: /^Restore the backup of/ }).click();
  await panel(page).getByRole('button', { name: 'Restore this backup' }).click();
  await expect(loupe.highlight('Russian forces')).toHaveAttribute('data-type', 'ORG');
  expect(await storedMentions(page)).toEqual(['GPE:Odesa', 'ORG:Russian forces', 'ORG:Shipping companies']);
});

test('a damaged stored value is restored from the newest backup that has it', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await tag(loupe, 'desa', 'g');
  await tag(loupe, 'hipping companie', 'o');
  await openBackups(page);
  await panel(page).getByRole('button', { name: 'Back up now' }).click();
  await expect(panel(page).locator('.backup-list li')).toHaveCount(2);

  const id = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe/v1/index')!).documents[0].id);
  await page.evaluate((id) => localStorage.setItem(`loupe/v1/doc/${id}/ann`, '{"version":1,"mentions":[{"id":'), id);
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: '1 stored value is missing or unreadable, and a backup has it:' })).toBeVisible();
  await openBackups(page);
  const repairs = panel(page).getByRole('alert').filter({ hasText: 'damaged or missing' });
  await expect(repairs).toContainText('the annotations of “Drones strike Odesa');
  await repairs.getByRole('button', { name: /damaged: restore it from the backup of/ }).click();
  await expect(loupe.highlight('Shipping companies')).toHaveAttribute('data-type', 'ORG');
  expect(await storedMentions(page)).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
});

test('wiped live keys are restored whole from the backups', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await tag(loupe, 'desa', 'g');
  await openBackups(page);
  await expect(panel(page).locator('.backup-list li')).toHaveCount(1);
  await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('loupe/')).forEach((k) => localStorage.removeItem(k)));
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Paste an article' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /stored values are missing or unreadable, and a backup has them:/ })).toBeVisible();
  await openBackups(page);
  await expect(panel(page).getByRole('alert')).toContainText('the document list (missing)');
  await panel(page).getByRole('button', { name: 'Restore all of them' }).click();
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  await expect(page.locator('.doc-title')).toHaveCount(3);
  expect(await storedMentions(page)).toEqual(['GPE:Odesa']);
});

test('a full quota during a backup leaves the live keys untouched, and says so', async ({ page, context, baseURL }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 1 });
  const writes: string[] = [];
  await page.exposeFunction('__wrote', (key: string) => writes.push(key));
  await page.evaluate(() => {
    const set = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k: string, v: string) {
      (window as any).__wrote(k);
      return set.call(this, k, v);
    };
  });
  await tag(loupe, 'desa', 'g');
  const saved = writes.length;
  await expect(page.getByRole('alert').filter({ hasText: 'No backup was made' })).toContainText(
    'storage for backups is full',
  );
  // Nothing was written to localStorage after the edit's own save.
  expect(writes.slice(saved)).toEqual([]);
  expect(await storedMentions(page)).toEqual(['GPE:Odesa']);
  await page.reload();
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');

  // With room again, the backup is made.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin });
  await openBackups(page);
  await panel(page).getByRole('button', { name: 'Back up now' }).click();
  await expect(panel(page).locator('.backup-list li')).toHaveCount(1);
});

test('the Backups panel by keyboard: B opens it, S backs up, ↓/↑ pick a backup, R restores it', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await tag(loupe, 'desa', 'g');
  await page.keyboard.press('?');
  await expect(page.getByText('open or close the Backups panel')).toBeVisible();
  await page.keyboard.press('?');

  await page.keyboard.press('b');
  await expect(panel(page)).toBeVisible();
  const items = panel(page).locator('.backup-list li');
  await expect(items).toHaveCount(1);
  await page.keyboard.press('b');
  await expect(panel(page)).toBeHidden();
  await tag(loupe, 'hipping companie', 'o');
  await page.keyboard.press('b');
  // Opening moves the focus into the panel, where its keys apply.
  await expect(panel(page).locator('button').first()).toBeFocused();
  await page.keyboard.press('s');
  await expect(items).toHaveCount(2);
  await expect(items.first()).toContainText('backed up by hand');

  await page.keyboard.press('ArrowDown');
  await expect(items.nth(0).getByRole('button')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1).getByRole('button')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(items.nth(1).getByRole('button')).toBeFocused();
  await page.keyboard.press('r');
  const confirm = panel(page).getByRole('alertdialog');
  await expect(confirm).toContainText('(3 documents, 1 annotation)?');
  // Esc cancels the restore first, and leaves the panel open.
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(panel(page)).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('r');
  await expect(panel(page).getByRole('button', { name: 'Restore this backup' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(loupe.highlight('Odesa')).toHaveAttribute('data-type', 'GPE');
  await expect(loupe.highlight('Shipping companies')).toHaveCount(0);
  expect(await storedMentions(page)).toEqual(['GPE:Odesa']);
});
