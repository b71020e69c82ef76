// Training in a Web Worker (src/browser/trainer.rs), served and from file://: the page
// submits snapshots, the worker trains, the newest model comes back, and the main thread
// is not blocked meanwhile. Long-task entries (tasks over 50 ms) are the check, with a
// generous bound: on a loaded machine the OS can stall any task for a while, so the bound
// is a fraction of the training time, which one main-thread task doing the training
// would exceed. Not a timed performance test (that is `make bench`).
import { test, expect, targets } from './fixtures';
import { trainingCorpus, trainingDocument } from './trainer-corpus.mjs';

const corpus = JSON.stringify(trainingCorpus(160, 1, 40));
/** No main-thread task may come near this while the worker trains. */
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
    // The bound means something: the training alone is longer than it.
    expect(result.trainMs).toBeGreaterThan(2 * BOUND_MS);
    expect(Math.max(0, ...longTasks), `main-thread long tasks while the worker trained: ${longTasks}`).toBeLessThan(BOUND_MS);
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
