import { expect, type Page } from '@playwright/test';

/** A page object for Loupe: what a user sees and does, by accessible names. */
export class LoupePage {
  constructor(readonly page: Page) {}

  async open(url = '/index.html') {
    await this.page.goto(url);
    await expect(this.page.getByRole('heading', { name: 'Loupe' })).toBeVisible();
  }

  async loadSamples() {
    await this.page.getByRole('button', { name: 'Load sample articles' }).click();
    await expect(this.article).toBeVisible();
  }

  get article() {
    return this.page.locator('.article');
  }

  /**
   * Where a drag over `needle` starts and ends: inside its first letter and inside its
   * last, after scrolling it to the middle of the view.
   */
  async box(needle: string, occurrence = 0) {
    return this.page.evaluate(
      ({ needle, occurrence }) => {
        const article = document.querySelector('.article')!;
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.textContent!.indexOf(needle);
          if (at >= 0 && seen++ === occurrence) {
            const range = document.createRange();
            range.setStart(n, at);
            range.setEnd(n, at + needle.length);
            range.startContainer.parentElement!.scrollIntoView({ block: 'center' });
            const rects = range.getClientRects();
            const first = rects[0];
            const last = rects[rects.length - 1];
            return { x1: first.left + 2, y1: first.top + first.height / 2, x2: last.right - 2, y2: last.top + last.height / 2 };
          }
        }
        throw new Error(`text not found: ${needle}`);
      },
      { needle, occurrence },
    );
  }

  /** Select `needle` by dragging the mouse over it (see `box`): word snapping has to do its job. */
  async drag(needle: string, occurrence = 0) {
    const box = await this.box(needle, occurrence);
    await this.page.mouse.move(box.x1, box.y1);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x2, box.y2, { steps: 5 });
    await this.page.mouse.up();
  }

  typeButton(type: string) {
    return this.page.getByRole('button', { name: new RegExp(`^Tag as ${type} `) });
  }

  highlight(text: string) {
    return this.article.locator('.seg.m', { hasText: text });
  }

  async exportJson(): Promise<any> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export JSON' }).click();
    const file = await download;
    const path = await file.path();
    const fs = await import('node:fs');
    return { name: file.suggestedFilename(), json: JSON.parse(fs.readFileSync(path!, 'utf8')) };
  }

  /** Every stored mention as TYPE:text, sorted, read from localStorage. */
  async storedMentions(): Promise<string[]> {
    return this.page.evaluate(() => {
      const index = JSON.parse(localStorage.getItem('loupe/v1/index') ?? '{"documents":[]}');
      return index.documents
        .flatMap((d: any) => {
          const ann = JSON.parse(localStorage.getItem(`loupe/v1/doc/${d.id}/ann`) ?? '{"mentions":[]}');
          return ann.mentions.map((m: any) => `${m.type}:${m.text}`);
        })
        .sort();
    });
  }
}
