// Training in a Web Worker (src/browser/trainer.rs), served and from file://: the page
// submits snapshots, the worker trains, the newest model comes back, and the main thread
// is not blocked meanwhile. Long-task entries (tasks over 50 ms) are the check, with a
// generous bound: on a loaded machine the OS can stall any task for a while, so the bound
// is a fraction of the training time, which one main-thread task doing the training
// would exceed. Not a timed performance test (that is `make bench`).
import { test, expect, targets } from './fixtures';
import { trainingCorpus, trainingDocument } from './trainer-corpus.mjs';
import { storageEntries } from '../bench/document.mjs';

const corpus = JSON.stringify(trainingCorpus(160, 1, 40));
/** No main-thread task may come near this (or half the training time) while the worker trains. */
const BOUND_MS = 200;
// A document it never saw, not annotated yet: every suggestion on it is shown.
const unseen = JSON.stringify({ text: trainingDocument(99_999, 30).text, annotations: {} });

for (const target of targets) {
  test(`${target.name}: the recommenders train in a worker and the page never blocks`, async ({ page }) => {
    await page.addInitScript(() => {
      const w = window as any;
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await page.goto(target.url);
    await page.waitForFunction(() => (window as any).wasmBindings?.trainer_probe_train);
    expect(await page.evaluate((c) => (window as any).wasmBindings.trainer_probe_load(c), corpus)).toBe(160);
    // The observer must see a real block, or "no long task" would prove nothing. (Work in
    // page.evaluate's own task is not reported, so every block here runs in a page task.)
    await page.evaluate(() => new Promise<void>((done) => setTimeout(() => {
      const t = performance.now();
      while (performance.now() - t < 120);
      done();
    }, 0)));
    await expect.poll(() => page.evaluate(() => Math.max(0, ...(window as any).__longTasks))).toBeGreaterThan(100);
    await page.evaluate(() => { (window as any).__longTasks = []; });
    // Three snapshots in a row: each supersedes the one before, so one model comes back.
    const result = await page.evaluate(() => new Promise<any>((done) => setTimeout(() => {
      (window as any).wasmBindings.trainer_probe_train(false, 3).then(done);
    }, 0)));
    await page.waitForTimeout(300); // long-task entries arrive after their task
    const longTasks: number[] = await page.evaluate(() => (window as any).__longTasks);
    expect(result.error, JSON.stringify(result)).toBeUndefined();
    expect(result.mode, JSON.stringify(result.events)).toBe('worker');
    expect(result.seq).toBe(3);
    expect(result.events.filter((e: string) => e.startsWith('trained'))).toEqual(['trained 3']);
    expect(result.events.some((e: string) => e.startsWith('fell back'))).toBe(false);
    expect(result.modelBytes).toBeGreaterThan(2_000);
    expect(result.taggerLabels).toBeGreaterThan(4);
    console.log(`${target.name}: trained in ${result.trainMs.toFixed(0)} ms in the worker; main-thread long tasks meanwhile: ${JSON.stringify(longTasks)}`);
    // At most half the training time, so the training done in one main-thread task
    // would break it.
    const bound = Math.min(BOUND_MS, result.trainMs / 2);
    expect(Math.max(0, ...longTasks), `main-thread long tasks while the worker trained: ${longTasks}`).toBeLessThan(bound);
    // The model is real: it suggests the corpus's types in a document it never saw.
    const predicted = await page.evaluate((d) => (window as any).wasmBindings.trainer_probe_predict(d), unseen);
    expect(predicted.shown).toBeGreaterThan(20);
    // The forced main-thread path trains the same corpus too, in slices.
    const local = await page.evaluate(() => new Promise<any>((done) => setTimeout(() => {
      (window as any).wasmBindings.trainer_probe_train(true, 1).then(done);
    }, 0)));
    expect(local.mode).toBe('main-thread');
    expect(local.taggerLabels).toBe(result.taggerLabels);
  });
}

test('where no worker can start, training falls back to main-thread slices and says so', async ({ page }) => {
  await page.addInitScript(() => {
    (window as any).Worker = function () {
      throw new DOMException('workers are disabled here', 'SecurityError');
    };
  });
  await page.goto('/index.html');
  await page.waitForFunction(() => (window as any).wasmBindings?.trainer_probe_train);
  await page.evaluate((c) => (window as any).wasmBindings.trainer_probe_load(c), JSON.stringify(trainingCorpus(20, 3, 20)));
  const result = await page.evaluate(() => (window as any).wasmBindings.trainer_probe_train(false, 2));
  expect(result.mode).toBe('main-thread');
  expect(result.events[0]).toMatch(/^fell back: the worker was refused: workers are disabled here/);
  expect(result.seq).toBe(2);
  expect(result.events.filter((e: string) => e.startsWith('trained'))).toEqual(['trained 2']);
  expect(result.taggerLabels).toBeGreaterThan(4);
});

test('a burst of edits retrains once, after the pause', async ({ page }) => {
  await page.goto('/index.html');
  await page.waitForFunction(() => (window as any).wasmBindings?.trainer_probe_edits);
  await page.evaluate((c) => (window as any).wasmBindings.trainer_probe_load(c), JSON.stringify(trainingCorpus(10, 4, 10)));
  // Six edits 100 ms apart, retraining 400 ms after the last.
  const result = await page.evaluate(() => (window as any).wasmBindings.trainer_probe_edits(6, 100, 400));
  expect(result.mode).toBe('worker');
  const submitted = result.events.filter((e: string) => e.startsWith('submitted'));
  expect(submitted).toHaveLength(1);
  expect(Number(submitted[0].match(/^submitted (\d+)/)[1])).toBeGreaterThanOrEqual(400);
  expect(result.seq).toBe(1);
});

// The app itself (not the probes): a corpus in storage, a large unannotated document, and
// the page's own trainer. Its training runs in the worker (the status says where), and
// opening the large document once there is a model does not block the page while its
// suggestions are predicted (in the worker) and drawn.
async function seedCorpus(page: any, big: { text: string }) {
  const docs = trainingCorpus(30, 5, 20).map((d: any, i: number) => storageEntries(`Report ${i + 1}`, { text: d.text, ann: d.annotations }));
  docs.push(storageEntries('Big unannotated', { text: big.text, ann: { mentions: [], entities: [], events: [], relations: [] } }));
  await page.goto('/index.html');
  await page.evaluate((docs: any[]) => {
    localStorage.clear();
    for (const d of docs) {
      localStorage.setItem(`loupe/v1/doc/${d.id}/text`, d.text);
      localStorage.setItem(`loupe/v1/doc/${d.id}/ann`, d.ann);
    }
    localStorage.setItem('loupe/v1/index', JSON.stringify(docs.map((d) => d.meta)));
  }, docs);
}

/** About `bytes` of text in paragraphs, unannotated: one in six of the corpus's kind (dense
 * with names, so a few thousand suggestions a megabyte, as in news), the others prose
 * without names. */
function bigText(bytes: number) {
  const prose = 'the talks went on through the night while the negotiators waited for word from the capital and the reporters filed their stories before dawn. ';
  const parts: string[] = [];
  let n = 0;
  for (let seed = 50_000; n < bytes; seed++) {
    const t = seed % 6 === 0 ? trainingDocument(seed, 4).text.trim() : prose.repeat(4).trim();
    parts.push(t);
    n += t.length + 2;
  }
  return parts.join('\n\n');
}

async function observeLongTasks(page: any) {
  await page.addInitScript(() => {
    const w = window as any;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
}

for (const [name, mode, bytes] of [
  ['in the worker', 'in a background worker', 1_000_000],
  ['where no worker can start, in main-thread slices', 'on the main thread, in slices', 1_000_000],
] as const) {
  test(`the app trains ${name}, and a large document opens with a model without blocking the page`, async ({ page }) => {
    test.setTimeout(120_000);
    await observeLongTasks(page);
    if (mode.startsWith('on the main')) {
      await page.addInitScript(() => {
        (window as any).Worker = function () {
          throw new DOMException('workers are disabled here', 'SecurityError');
        };
      });
    }
    const big = { text: bigText(bytes) };
    await seedCorpus(page, big);
    await page.reload();
    await page.locator('.doc-list button.doc', { hasText: 'Report 1' }).first().click();
    await expect(page.locator('.suggest-status')).toContainText(`Trained on 30 documents in`, { timeout: 60_000 });
    await expect(page.locator('.suggest-status')).toContainText(mode);
    // The large document: drawn first (that task is the article's own), then its
    // suggestions come from the model where it is, with no long task meanwhile.
    await page.locator('.doc-list button.doc', { hasText: 'Big unannotated' }).click();
    await expect(page.locator('.article p').nth(100)).toBeAttached({ timeout: 30_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    const before = await page.locator('.article .seg.sug').count();
    await page.evaluate(() => { (window as any).__longTasks = []; });
    expect(before, 'no suggestion is drawn before the prediction comes back').toBe(0);
    await expect.poll(() => page.locator('.article .seg.sug').count(), { timeout: 60_000 }).toBeGreaterThan(bytes / 1_000);
    await expect(page.locator('.suggest-count')).not.toContainText('Looking for more', { timeout: 30_000 });
    await page.waitForTimeout(500); // long-task entries arrive after their task
    const longTasks: number[] = await page.evaluate(() => (window as any).__longTasks);
    const shown = await page.locator('.suggest-count').textContent();
    console.log(`${name}: ${shown}; main-thread long tasks while predicting and drawing: ${JSON.stringify(longTasks)}`);
    expect(Math.max(0, ...longTasks), `long tasks: ${longTasks}`).toBeLessThan(50);
  });
}
