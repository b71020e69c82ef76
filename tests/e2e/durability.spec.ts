import { readdirSync, readFileSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { chromiumArgs } from './playwright.config';
import { LoupePage } from './loupe-page';

/** Every stored mention, as "TYPE:text", read from localStorage by another page. */
async function storedMentions(context: BrowserContext): Promise<string[]> {
  const reader = await context.newPage();
  await reader.goto('/index.html');
  const mentions = await reader.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('loupe/v1/index') ?? '{"documents":[]}');
    return index.documents.flatMap((d: any) => {
      const ann = JSON.parse(localStorage.getItem(`loupe/v1/doc/${d.id}/ann`) ?? '{"mentions":[]}');
      return ann.mentions.map((m: any) => `${m.type}:${m.text}`);
    });
  });
  await reader.close();
  return mentions.sort();
}

async function tagTwo(page: Page) {
  const loupe = new LoupePage(page);
  await loupe.open();
  await loupe.loadSamples();
  await loupe.drag('desa');
  await page.keyboard.press('g');
  await expect(page.getByRole('status', { name: 'Save status' })).toHaveText('Saved');
  await loupe.drag('hipping companie');
}

/** The renderer processes under `root`, found through /proc. */
function renderers(root: number): number[] {
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdline.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    } catch {
      // The process ended while we looked.
    }
  }
  const under = (pid: number): boolean => pid === root || (pid > 1 && parent.has(pid) && under(parent.get(pid)!));
  return [...cmdline].filter(([pid, c]) => c.includes('--type=renderer') && under(pid)).map(([pid]) => pid);
}

test('an edit 25 ms before its renderer is killed, with no unload event, is stored', async ({ baseURL }) => {
  // A browser of this test's own, so that its renderers can be killed while the browser
  // process, which holds localStorage, lives on.
  const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await tagTwo(page);
    let unloaded = false;
    await page.exposeFunction('__unloaded', () => (unloaded = true));
    await page.evaluate(() => addEventListener('pagehide', () => (window as any).__unloaded()));
    const crashed = new Promise((done) => page.once('crash', done));
    await page.keyboard.press('o');
    await new Promise((done) => setTimeout(done, 25));
    for (const pid of renderers(server.process().pid!)) process.kill(pid, 'SIGKILL');
    // Only then read: the browser must have noticed, or a new page joins the dead renderer.
    await crashed;
    await new Promise((done) => setTimeout(done, 300));
    expect(unloaded, 'the page got no unload event').toBe(false);
    expect(await storedMentions(context)).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
    await browser.close();
  } finally {
    await server.close();
  }
});

test('bug 17: an edit made just before the tab closes is stored', async ({ page, context }) => {
  await tagTwo(page);
  await page.keyboard.press('o');
  await page.close();
  expect(await storedMentions(context)).toEqual(['GPE:Odesa', 'ORG:Shipping companies']);
});
