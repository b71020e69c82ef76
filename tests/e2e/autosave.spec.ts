import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { LoupePage } from './loupe-page';

// The pickers open native dialogs that a test cannot answer, so they are replaced by
// functions that hand back real handles of the Origin Private File System: the same
// FileSystemFileHandle / FileSystemDirectoryHandle objects, written through the same
// createWritable(). Permission is "prompt" after each load until requestPermission() is
// called in a user gesture, as Chromium does for a handle kept from an earlier visit.
const FILE = 'autosave.loupe.json';

test.beforeEach(async ({ page }) => {
  await page.addInitScript((file) => {
    const w = window as any;
    w.showSaveFilePicker = async (options: any) => {
      w.__pickerOptions = options;
      const root = await navigator.storage.getDirectory();
      return root.getFileHandle(file, { create: true });
    };
    w.showDirectoryPicker = async () => {
      const root = await navigator.storage.getDirectory();
      return root.getDirectoryHandle('Corpus folder', { create: true });
    };
    let granted = false;
    w.__granted = () => granted;
    const proto = (window as any).FileSystemHandle.prototype;
    proto.queryPermission = async () => (granted ? 'granted' : 'prompt');
    proto.requestPermission = async () => {
      if (!navigator.userActivation.isActive) throw new DOMException('needs a user gesture', 'SecurityError');
      granted = true;
      return 'granted';
    };
    // The pickers grant what they hand out.
    for (const name of ['showSaveFilePicker', 'showDirectoryPicker']) {
      const pick = w[name];
      w[name] = async (o: any) => {
        const handle = await pick(o);
        granted = true;
        return handle;
      };
    }
  }, FILE);
});

const panel = (page: Page) => page.getByRole('dialog', { name: 'Backups' });
const status = (page: Page) => panel(page).locator('.autosave-status');

/** Open the Backups panel by its key, B; the focus moves into it. */
async function openBackups(page: Page) {
  if (!(await panel(page).isVisible())) await page.keyboard.press('b');
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).locator('button').first()).toBeFocused();
}

/** Close the panel (B again) and tag `needle` by mouse and key. */
async function tag(loupe: LoupePage, needle: string, key: string) {
  if (await panel(loupe.page).isVisible()) await loupe.page.keyboard.press('b');
  await expect(panel(loupe.page)).toBeHidden();
  await loupe.drag(needle);
  await loupe.page.keyboard.press(key);
  await expect(loupe.page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
}

/** The OPFS file's text, read back in the page; null when there is none. */
async function readFile(page: Page, path: string[]): Promise<string | null> {
  return page.evaluate(async (path) => {
    let dir = await navigator.storage.getDirectory();
    try {
      for (const part of path.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      const file = await (await dir.getFileHandle(path[path.length - 1])).getFile();
      return await file.text();
    } catch {
      return null;
    }
  }, path);
}

/** The mentions of a loupe/1 file, as TYPE:text, after checking it is one. */
function mentionsOf(text: string | null): string[] {
  if (text === null) return ['(no file)'];
  const file = JSON.parse(text);
  expect(file.format).toBe('loupe');
  expect(file.format_version).toBe(1);
  expect(file.documents.length).toBe(3);
  for (const d of file.documents) expect(typeof d.text).toBe('string');
  return file.documents.flatMap((d: any) => (d.mentions ?? []).map((m: any) => `${m.type}:${m.text}`)).sort();
}

const storedMentions = (page: Page) => new LoupePage(page).storedMentions();

/** Open Loupe with the sample articles and turn autosave on to `button`'s choice. */
async function startAutosave(page: Page, button = 'Autosave to a file…'): Promise<LoupePage> {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await openBackups(page);
  await panel(page).getByRole('button', { name: button }).click();
  await expect(status(page)).toContainText('last written at');
  return loupe;
}

test('autosave writes the corpus to the chosen file as loupe/1, and resumes after a reload', async ({ page }) => {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await openBackups(page);
  await panel(page).getByRole('button', { name: 'Autosave to a file…' }).click();
  await expect(status(page)).toContainText(`Autosaving to “${FILE}”: last written at`);
  expect(await page.evaluate(() => (window as any).__pickerOptions.suggestedName)).toBe('loupe-corpus.loupe.json');
  expect(mentionsOf(await readFile(page, [FILE]))).toEqual([]);

  await tag(loupe, 'desa', 'g');
  await expect.poll(async () => mentionsOf(await readFile(page, [FILE])), { timeout: 15_000 }).toEqual(['GPE:Odesa']);
  // The file is the one a loupe/1 import reads: the schema and annotator go with it.
  const file = JSON.parse((await readFile(page, [FILE]))!);
  expect(file.schema.entity_types.map((t: any) => t.name)).toContain('GPE');

  // After a reload the browser asks again; Loupe shows how to resume.
  await page.reload();
  await expect(page.locator('.alerts')).toContainText(`Autosave to “${FILE}” is paused until you allow it again: press Shift+B`);
  await openBackups(page);
  await expect(status(page)).toContainText(`Autosave to “${FILE}” is paused`);
  await tag(loupe, 'hipping companie', 'o');
  expect(mentionsOf(await readFile(page, [FILE]))).toEqual(['GPE:Odesa']);
  await openBackups(page);
  const resume = panel(page).getByRole('button', { name: `Resume autosave to ${FILE}` });
  await expect(resume).toHaveAttribute('aria-keyshortcuts', 'Shift+B');
  // The key press is the user gesture the browser needs to grant the file again.
  await page.keyboard.press('Shift+B');
  await expect(status(page)).toContainText('last written at');
  await expect(resume).toHaveCount(0);
  await expect.poll(async () => mentionsOf(await readFile(page, [FILE])), { timeout: 15_000 }).toEqual([
    'GPE:Odesa',
    'ORG:Shipping companies',
  ]);

  // Turned off: the handle is forgotten, and a reload offers nothing to resume, even one
  // that comes before IndexedDB commits the deletion (here it never does).
  await page.evaluate(() => {
    IDBObjectStore.prototype.delete = function () { return this.get('none'); };
  });
  await panel(page).getByRole('button', { name: 'Turn autosave off' }).click();
  await expect(status(page)).toContainText('Autosave is off.');
  await page.reload();
  await openBackups(page);
  await expect(status(page)).toContainText('Autosave is off.');
  await expect(panel(page).getByRole('button', { name: /^Resume autosave/ })).toHaveCount(0);
});

test('autosave to a folder writes loupe-corpus.loupe.json in it', async ({ page }) => {
  const loupe = await startAutosave(page, 'Autosave to a folder…');
  await expect(status(page)).toContainText('Autosaving to “Corpus folder/loupe-corpus.loupe.json”: last written at');
  await tag(loupe, 'desa', 'g');
  await expect
    .poll(async () => mentionsOf(await readFile(page, ['Corpus folder', 'loupe-corpus.loupe.json'])), { timeout: 15_000 })
    .toEqual(['GPE:Odesa']);
});

test('a revoked permission turns autosave off, says so, and leaves the live keys and the file as they were', async ({
  page,
}) => {
  const loupe = await startAutosave(page);
  await tag(loupe, 'desa', 'g');
  await expect.poll(async () => mentionsOf(await readFile(page, [FILE])), { timeout: 15_000 }).toEqual(['GPE:Odesa']);
  const before = await readFile(page, [FILE]);

  // The user revokes the site's permission in the browser's settings.
  await page.evaluate(() => {
    const proto = (window as any).FileSystemFileHandle.prototype;
    proto.createWritable = async () => {
      throw new DOMException('The request is not allowed by the user agent.', 'NotAllowedError');
    };
  });
  await tag(loupe, 'hipping companie', 'o');
  await openBackups(page);
  const alert = panel(page).getByRole('alert').filter({ hasText: 'Autosave to' });
  await expect(alert).toContainText('permission was revoked or refused', { timeout: 15_000 });
  await expect(alert).toContainText('It is off now. Your work is still saved in this browser');
  await expect(panel(page).getByRole('button', { name: `Resume autosave to ${FILE}` })).toBeVisible();
  expect(await storedMentions(page)).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
  expect(await readFile(page, [FILE])).toBe(before);

  // Off: later saves do not try again.
  await tag(loupe, 'ussian force', 'o');
  await page.waitForTimeout(1_000);
  await openBackups(page);
  await expect(alert).toContainText('permission was revoked');
  expect(await readFile(page, [FILE])).toBe(before);
});

test('a full disk turns autosave off with the file keeping its last complete copy', async ({ page, context, baseURL }) => {
  const loupe = await startAutosave(page);
  const before = await readFile(page, [FILE]);
  expect(mentionsOf(before)).toEqual([]);

  // A real QuotaExceededError: the origin's quota, which the private file system counts,
  // is cut to nothing.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 1 });
  await tag(loupe, 'desa', 'g');
  await openBackups(page);
  const alert = panel(page).getByRole('alert').filter({ hasText: 'Autosave to' });
  await expect(alert).toContainText('the disk is full', { timeout: 15_000 });
  await expect(alert).toContainText('Free some space and resume');
  expect(await readFile(page, [FILE])).toBe(before);
  expect(await storedMentions(page)).toEqual(['GPE:Odesa']);

  // Room again: resume writes what was missed.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin });
  await panel(page).getByRole('button', { name: `Resume autosave to ${FILE}` }).click();
  await expect.poll(async () => mentionsOf(await readFile(page, [FILE])), { timeout: 15_000 }).toEqual(['GPE:Odesa']);
});
