// The core user stories in Firefox ESR and WebKitGTK (the engine of Safari), driven by
// WebDriver: `xvfb-run -a node --test tests/webdriver/stories.test.mjs` against the
// release build in dist/ (LOUPE_DIST). LOUPE_BROWSERS=firefox (or webkit) runs one.
//
// One browser session per browser runs every story, each story on a cleared storage, to
// keep the run short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Key, Loupe, eventually, launch, scratch, serve, singleFileUrl } from './harness.mjs';
import { trainingCorpus, trainingDocument } from '../e2e/trainer-corpus.mjs';

const browsers = (process.env.LOUPE_BROWSERS ?? 'firefox,webkit').split(',');

let server;
before(async () => {
  server = await serve();
});
after(() => server?.close());

for (const name of browsers) {
  describe(name, () => {
    let session;
    let loupe;
    before(async () => {
      session = await launch(name);
      loupe = new Loupe(session.driver);
    });
    after(async () => session?.stop());

    const fresh = async (url = `${server.base}/index.html`) => {
      await loupe.open(url);
      await loupe.clearStorage();
      await loupe.js(`return new Promise((done) => { const r = indexedDB.deleteDatabase('loupe-backups'); r.onsuccess = r.onerror = r.onblocked = () => done(); });`);
      await loupe.reload();
    };

    test('paste an article, tag by mouse and by key, reload', async () => {
      await fresh();
      await loupe.paste('Harbour', 'Drones hit the port of Odesa at dawn — Ukrainian officials said.');
      // By mouse, then the palette button; a drag over part of a word snaps to the word.
      await loupe.drag('desa');
      await eventually('the GPE button enabled', () => loupe.driver.findElement({ css: 'button.type-button[data-type="GPE"]:not([disabled])' }));
      await loupe.driver.findElement({ css: 'button.type-button[data-type="GPE"]' }).click();
      await loupe.expectHighlight('Odesa', 'GPE');
      // By key.
      await loupe.drag('krainian official');
      await loupe.keys('o');
      await loupe.expectHighlight('Ukrainian officials', 'ORG');
      await loupe.saved();
      await loupe.reload();
      await loupe.expectHighlight('Ukrainian officials', 'ORG');
      assert.deepEqual(await loupe.storedMentions(), ['GPE:Odesa', 'ORG:Ukrainian officials']);
    });

    test('an event with two arguments, by keyboard', async () => {
      await fresh();
      await loupe.loadSamples();
      // "ODESA — Russian forces launched a wave of drones at the port of Odesa …"
      await loupe.shift(Key.ARROW_RIGHT);
      await loupe.keys(Key.ARROW_RIGHT);
      await loupe.shift(Key.ARROW_RIGHT);
      await loupe.keys('o');
      await loupe.expectHighlight('Russian forces', 'ORG');
      await loupe.shift(Key.ARROW_RIGHT);
      await loupe.keys('e');
      await loupe.keys('attack', Key.ENTER);
      await eventually('the trigger', async () => (await loupe.text('.article .seg.m.trigger')).includes('launched'));
      await loupe.keys('1', Key.ARROW_LEFT, Key.ENTER); // Attacker ← Russian forces; the filled slot disarms
      await loupe.keys('2');
      await loupe.shift(Key.ARROW_RIGHT);
      await loupe.keys(...Array(6).fill(Key.ARROW_RIGHT), 'f'); // Target ← port
      await loupe.expectHighlight('port', 'FAC');
      await loupe.saved();
      await loupe.reload();
      const event = await loupe.js(`
        const index = JSON.parse(localStorage.getItem('loupe/v1/index'));
        for (const d of index.documents) {
          const ann = JSON.parse(localStorage.getItem('loupe/v1/doc/' + d.id + '/ann') ?? '{}');
          const e = (ann.events ?? [])[0];
          if (e) {
            const byId = Object.fromEntries(ann.mentions.map((m) => [m.id, m]));
            return { type: e.type, args: e.arguments.map((a) => a.role + '=' + byId[a.target].type + ':' + byId[a.target].text).sort() };
          }
        }
        return null;`);
      assert.deepEqual(event, { type: 'Conflict:Attack', args: ['Attacker=ORG:Russian forces', 'Target=FAC:port'] });
    });

    test('export JSON and brat, and import both back', async () => {
      await fresh();
      await loupe.loadSamples();
      await loupe.drag('desa');
      await loupe.keys('g');
      // After the 🌾 emoji, so a UTF-16 offset would be off by one.
      await loupe.drag('hipping companie');
      await loupe.keys('o');
      await loupe.expectHighlight('Shipping companies', 'ORG');

      await loupe.click('Export JSON');
      const json = await loupe.download();
      assert.match(json.name, /\.loupe\.json$/);
      const doc = JSON.parse(json.bytes.toString('utf8')).documents[0];
      const cps = Array.from(doc.text);
      const cut = doc.mentions.map((m) => `${m.type}:${cps.slice(m.fragments[0][0], m.fragments[0][1]).join('')}`).sort();
      assert.deepEqual(cut, ['GPE:Odesa', 'ORG:Shipping companies']);

      await loupe.click('Export…');
      await loupe.js(`
        const select = document.getElementById('export-format');
        select.value = [...select.options].find((o) => o.textContent.startsWith('brat')).value;
        select.dispatchEvent(new Event('change', { bubbles: true }));`);
      await loupe.click('Download');
      const brat = await loupe.download();
      assert.match(brat.name, /\.brat\.zip$/);

      // Back in: each into an empty workspace, through Open files.
      for (const file of [json, brat]) {
        await fresh();
        await loupe.openFiles(file.path);
        await eventually(`${file.name} imported`, async () => {
          // brat names the document after its file, with dashes for spaces.
          if (/Drones.strike.Odesa/.test(await loupe.text('.doc-title'))) return true;
          throw new Error(`titles: ${await loupe.text('.doc-title')}; notices: ${await loupe.text('.alert, .import-summary')}`);
        });
        // The import opens the document it added.
        await loupe.expectHighlight('Shipping companies', 'ORG');
        await loupe.expectHighlight('Odesa', 'GPE');
      }
    });

    test('from file://, the single loupe.html: tag, reload, and find it stored', async () => {
      await fresh(singleFileUrl);
      await loupe.loadSamples();
      await loupe.drag('desa');
      await loupe.keys('g');
      await loupe.expectHighlight('Odesa', 'GPE');
      await loupe.saved();
      await loupe.reload();
      await loupe.expectHighlight('Odesa', 'GPE');
      assert.deepEqual(await loupe.storedMentions(), ['GPE:Odesa']);
    });

    test('a full quota keeps the last stored copy intact and the edit in memory', async () => {
      await fresh();
      await loupe.loadSamples();
      await loupe.drag('desa');
      await loupe.keys('g');
      await loupe.saved();
      const before = await loupe.storage();
      const error = await loupe.js(`
        let chunk = 'x'.repeat(1 << 20), i = 0, name = null;
        while (chunk.length > 0) {
          try { localStorage.setItem('filler/' + i++, chunk); }
          catch (e) { name = name ?? e.name; chunk = chunk.slice(0, chunk.length >> 1); }
        }
        return name;`);
      console.log(`${name}: a full localStorage throws ${error}`);
      await loupe.drag('hipping companie');
      await loupe.keys('o');
      await eventually('the storage banner', async () => (await loupe.text('.storage-banner')).includes('Storage is full'));
      await loupe.expectHighlight('Shipping companies', 'ORG');
      const during = await loupe.storage();
      for (const [key, value] of Object.entries(before)) assert.equal(during[key], value, key);
      await loupe.js(`Object.keys(localStorage).filter((k) => k.startsWith('filler/')).forEach((k) => localStorage.removeItem(k));`);
      await loupe.click('Retry saving');
      await loupe.saved();
      assert.deepEqual(await loupe.storedMentions(), ['GPE:Odesa', 'ORG:Shipping companies']);
    });

    test('an edit made just before the tab closes is stored', async () => {
      await fresh();
      await loupe.loadSamples();
      await loupe.drag('desa');
      await loupe.keys('g');
      await loupe.saved();
      // Time from keydown to the annotations' write, as the page sees it.
      await loupe.js(`
        window.__latencies = [];
        let at = 0;
        addEventListener('keydown', () => (at = performance.now()), true);
        const set = Storage.prototype.setItem;
        Storage.prototype.setItem = function (k, v) {
          if (at && k.endsWith('/ann')) { window.__latencies.push(performance.now() - at); at = 0; }
          return set.call(this, k, v);
        };`);
      for (const word of ['ussian force', 'overno']) {
        await loupe.drag(word);
        await loupe.keys(word === 'overno' ? 'p' : 'o');
        await loupe.saved();
      }
      const latencies = await loupe.js('return window.__latencies;');
      console.log(`${name}: edit → stored ${latencies.map((l) => l.toFixed(1)).join(', ')} ms`);

      const first = await loupe.driver.getWindowHandle();
      await loupe.driver.switchTo().newWindow('tab');
      const second = await loupe.driver.getWindowHandle();
      await loupe.driver.switchTo().window(first);
      await loupe.drag('hipping companie');
      await loupe.keys('o');
      await loupe.driver.close();
      await loupe.driver.switchTo().window(second);
      await loupe.open(`${server.base}/index.html`);
      const stored = await loupe.storedMentions();
      assert.ok(stored.includes('ORG:Shipping companies'), stored.join(', '));
    });

    test('the recommenders train in a Web Worker, which predicts with the model, served and from file://', async () => {
      const corpus = JSON.stringify(trainingCorpus(40, 2, 25));
      const unseen = JSON.stringify({ text: trainingDocument(77_777, 25).text, annotations: {} });
      for (const [where, url] of [['served', `${server.base}/index.html`], ['file://', singleFileUrl]]) {
        await loupe.open(url);
        await eventually('the trainer', () => loupe.js('return !!window.wasmBindings?.trainer_probe_train'));
        assert.equal(await loupe.js('return window.wasmBindings.trainer_probe_load(arguments[0]);', corpus), 40);
        // Two snapshots in a row: the second supersedes the first, whose model never comes.
        const r = await loupe.js('return window.wasmBindings.trainer_probe_train(false, 2);');
        assert.equal(r.mode, 'worker', `${where}: ${JSON.stringify(r.events)}`);
        assert.equal(r.seq, 2);
        assert.deepEqual(r.events.filter((e) => e.startsWith('trained')), ['trained 2']);
        assert.ok(r.modelBytes > 2_000 && r.taggerLabels > 4, JSON.stringify(r));
        const p = await loupe.js('return window.wasmBindings.trainer_probe_predict(arguments[0]);', unseen);
        assert.ok(p.shown > 20, JSON.stringify(p));
        // The worker keeps the model it trained and predicts a document on request.
        const w = await loupe.js('return window.wasmBindings.trainer_probe_predict_in(arguments[0], false);', JSON.parse(unseen).text);
        assert.equal(w.mode, 'worker', JSON.stringify(w));
        assert.equal(w.model, 2, JSON.stringify(w));
        assert.equal(w.count, p.raw, `the worker predicts what the page would: ${JSON.stringify(w)} ${JSON.stringify(p)}`);
        console.log(`${name} ${where}: trained in the worker in ${r.trainMs.toFixed(0)} ms, round trip ${r.roundTripMs.toFixed(0)} ms, model ${r.modelBytes} bytes read in ${r.decodeMs.toFixed(1)} ms`);
      }
    });

    test('wipe the live keys, then restore them from a backup', async () => {
      await fresh();
      await loupe.loadSamples();
      await loupe.drag('desa');
      await loupe.keys('g');
      await loupe.saved();
      // The first edit of a session is backed up.
      await loupe.click('Backups');
      await eventually('a backup', async () => (await loupe.text('.backup-list li')).includes('first edit'));
      const persistence = await loupe.text('.backups-panel .persistence strong');
      console.log(`${name}: ${persistence}`);
      assert.match(persistence, /^(Storage is (not )?persistent|Persistent storage is not available here)\.$/);
      await loupe.js(`Object.keys(localStorage).filter((k) => k.startsWith('loupe/')).forEach((k) => localStorage.removeItem(k));`);
      await loupe.reload();
      await eventually('the damage notice', async () => (await loupe.text('.alert')).includes('a backup has them'));
      await loupe.click('Backups');
      const restore = await eventually('a restore button', () =>
        loupe.driver.findElement({ css: '.backup-list li button' }),
      );
      await restore.click();
      await loupe.click('Restore this backup');
      await loupe.driver.wait(async () => (await loupe.highlights()).includes('GPE:Odesa'), 20_000);
      await loupe.captureDownloads();
      assert.deepEqual(await loupe.storedMentions(), ['GPE:Odesa']);
    });

    test('autosave to a file is not offered, and the Backups panel says why', async () => {
      for (const url of [`${server.base}/index.html`, singleFileUrl]) {
        await fresh(url);
        await loupe.loadSamples();
        await loupe.click('Backups');
        const why = await eventually('the explanation', async () => {
          const t = await loupe.text('.backups-panel .autosave-unsupported');
          return t.includes('not offered in this browser') ? t : null;
        });
        assert.match(why, /Firefox and Safari do not/);
        const controls = await loupe.driver.findElements({ css: '.backups-panel button.autosave-choose' });
        assert.equal(controls.length, 0, `${url}: no autosave control`);
        assert.equal(await loupe.js('return typeof window.showSaveFilePicker;'), 'undefined');
      }
    });
  });
}

after(() => rmSync(scratch, { recursive: true, force: true }));
