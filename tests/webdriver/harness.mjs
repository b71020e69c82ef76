// The WebDriver harness: a static server over the release build, the drivers (geckodriver
// for Firefox ESR, WebKitWebDriver for WebKitGTK's MiniBrowser), and a page object that
// does what a user does, by accessible names where WebDriver allows.
//
// The drivers are started here and reached with `usingServer`, so selenium-webdriver never
// runs Selenium Manager (which would download drivers); SE_OFFLINE makes sure of it.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Builder, By, Key, until } from 'selenium-webdriver';

process.env.SE_OFFLINE = 'true';

export const dist = resolve(import.meta.dirname, '../..', process.env.LOUPE_DIST ?? 'dist');
export const singleFileUrl = pathToFileURL(join(dist, 'loupe.html')).href;
export const scratch = mkdtempSync(join(tmpdir(), 'loupe-webdriver-'));

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serve dist/ on 127.0.0.1; resolves to its base URL and a close function. */
export async function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = resolve(dist, '.' + (path === '/' ? '/index.html' : path));
    try {
      if (!file.startsWith(dist) || !statSync(file).isFile()) throw new Error('not found');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const FIREFOX = {
  browserName: 'firefox',
  'moz:firefoxOptions': {
    binary: '/usr/bin/firefox-esr',
    args: ['-headless'],
    prefs: {
      // navigator.storage.persist() would open a permission prompt: answer it as a user would.
      'dom.storageManager.prompt.testing': true,
      'dom.storageManager.prompt.testing.allow': true,
      'browser.download.folderList': 2,
      'browser.download.dir': scratch,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.helperApps.neverAsk.saveToDisk': 'application/json,application/zip,text/plain',
    },
  },
};

const WEBKIT = {
  browserName: 'MiniBrowser',
  'webkitgtk:browserOptions': {
    binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
    args: ['--automation'],
  },
};

const DRIVERS = {
  firefox: { command: process.env.GECKODRIVER ?? 'geckodriver', args: (port) => ['--port', `${port}`], capabilities: FIREFOX },
  webkit: { command: process.env.WEBKITDRIVER ?? 'WebKitWebDriver', args: (port) => [`--port=${port}`], capabilities: WEBKIT },
};

let nextPort = 4600 + (process.pid % 200) * 2;

/** Start the driver for `name` and open a session; returns the driver and a stop function. */
export async function launch(name) {
  const spec = DRIVERS[name];
  const port = nextPort++;
  // MiniBrowser saves downloads under $HOME (Firefox: its download prefs): both into scratch.
  const env = { ...process.env, HOME: scratch, XDG_DOWNLOAD_DIR: scratch };
  const child = spawn(spec.command, spec.args(port), { stdio: ['ignore', 'ignore', 'inherit'], env });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/status`);
      break;
    } catch (e) {
      if (i > 100) throw new Error(`${name}: the driver did not start: ${e}`);
      await sleep(100);
    }
  }
  const driver = await new Builder().usingServer(url).withCapabilities(spec.capabilities).build();
  await driver.manage().setTimeouts({ script: 30_000 });
  return {
    driver,
    stop: async () => {
      await driver.quit().catch(() => {});
      child.kill();
    },
  };
}

/** Poll `check` until it returns a truthy value; fail with `what` after `ms`. */
export async function eventually(what, check, ms = 10_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(50);
  }
}

export { By, Key, until };

/** A page object for Loupe in a WebDriver session. */
export class Loupe {
  constructor(driver) {
    this.driver = driver;
  }

  js(script, ...args) {
    return this.driver.executeScript(script, ...args);
  }

  async open(url) {
    await this.driver.get(url);
    await this.driver.wait(until.elementLocated(By.css('h1.brand')), 20_000);
    await this.captureDownloads();
  }

  async reload() {
    await this.driver.navigate().refresh();
    await this.driver.wait(until.elementLocated(By.css('h1.brand')), 20_000);
    await this.captureDownloads();
  }

  /** Remember each file the app hands to a download link, as base64, in the page. */
  captureDownloads() {
    return this.js(`
      if (window.__downloads) return;
      window.__downloads = [];
      const blobs = new Map();
      const create = URL.createObjectURL;
      URL.createObjectURL = (blob) => { const url = create.call(URL, blob); blobs.set(url, blob); return url; };
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function () {
        const blob = blobs.get(this.href);
        if (this.download && blob) {
          const entry = { name: this.download, data: null };
          window.__downloads.push(entry);
          blob.arrayBuffer().then((b) => {
            let s = '';
            for (const byte of new Uint8Array(b)) s += String.fromCharCode(byte);
            entry.data = btoa(s);
          });
        }
        return click.call(this);
      };`);
  }

  /**
   * The next download the app made: its name and bytes, from the page's Blob, and the file
   * the browser saved, which must hold the same bytes.
   */
  async download() {
    const entry = await eventually('a download', () =>
      this.js('const d = window.__downloads.find((d) => d.data !== null); if (d) window.__downloads.splice(window.__downloads.indexOf(d), 1); return d;'),
    );
    const bytes = Buffer.from(entry.data, 'base64');
    const saved = await eventually(`${entry.name} saved by the browser`, () => {
      const found = [join(scratch, entry.name), join(scratch, 'Downloads', entry.name)].find((p) => existsSync(p));
      return found && readFileSync(found).equals(bytes) ? found : null;
    });
    // Moved aside, so the next download of the same name is not taken for this one.
    const path = join(scratch, `${Date.now()}-${entry.name}`);
    renameSync(saved, path);
    return { name: entry.name, bytes, path };
  }

  button(name) {
    return this.driver.findElement(By.xpath(`//button[normalize-space(.)=${xpathString(name)} or @aria-label=${xpathString(name)}]`));
  }

  async click(name) {
    const b = await eventually(`the button ${name}`, () => this.button(name));
    await b.click();
  }

  async loadSamples() {
    await this.click('Load sample articles');
    await this.driver.wait(until.elementLocated(By.css('.article .seg')), 20_000);
  }

  async paste(title, text) {
    await this.driver.findElement(By.id('paste-title')).sendKeys(title);
    await this.driver.findElement(By.id('paste-text')).sendKeys(text);
    await this.click('Add this article');
    await this.driver.wait(until.elementLocated(By.css('.article .seg')), 20_000);
  }

  /** Drag the mouse from inside the first letter of `needle` to inside its last. */
  async drag(needle, occurrence = 0) {
    const find = `const [needle, occurrence, scroll] = arguments;
       const article = document.querySelector('.article');
       const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
       let seen = 0;
       for (let n = walker.nextNode(); n; n = walker.nextNode()) {
         const at = n.textContent.indexOf(needle);
         if (at >= 0 && seen++ === occurrence) {
           if (scroll) {
             // Scroll only the article's own scroller, to its middle: scrolling the window
             // too can leave the text under the sticky palette.
             window.scrollTo(0, 0);
             let pane = n.parentElement;
             while (pane && !(pane.scrollHeight > pane.clientHeight && getComputedStyle(pane).overflowY !== 'visible')) pane = pane.parentElement;
             if (pane) {
               const top = n.parentElement.getBoundingClientRect().top - pane.getBoundingClientRect().top;
               pane.scrollTop += top - pane.clientHeight / 2;
             }
             return true;
           }
           const range = document.createRange();
           range.setStart(n, at);
           range.setEnd(n, at + needle.length);
           const rects = range.getClientRects();
           const first = rects[0], last = rects[rects.length - 1];
           return { x1: first.left + 2, y1: first.top + first.height / 2, x2: last.right - 2, y2: last.top + last.height / 2 };
         }
       }
       return null;`;
    // Scroll first and measure after a frame: WebKit may not have laid out the scroll yet.
    // A page still settling (an article just loaded, its arcs opening lines) can move the
    // text after that: until both ends are inside the window, scroll and measure again.
    let box = null;
    for (let tries = 0; tries < 10; tries++) {
      await this.js(find, needle, occurrence, true);
      await this.js('return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));');
      box = await this.js(find, needle, occurrence, false);
      if (!box) throw new Error(`text not found: ${needle}`);
      const [w, h] = await this.js('return [innerWidth, innerHeight];');
      const inside = (x, y) => x >= 0 && y >= 0 && x < w && y < h;
      if (inside(box.x1, box.y1) && inside(box.x2, box.y2)) break;
    }
    // Start from a released pointer: a file input's chooser can leave WebKit's input state stale.
    await this.driver.actions().clear();
    const at = (x, y) => ({ origin: 'viewport', x: Math.round(x), y: Math.round(y) });
    await this.driver
      .actions()
      .move(at(box.x1, box.y1))
      .press()
      .move({ ...at((box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2), duration: 50 })
      .move({ ...at(box.x2, box.y2), duration: 50 })
      .release()
      .perform();
    const selected = await this.js('return getSelection().toString();');
    if (!selected.trim()) {
      const where = await this.js('const e = document.elementFromPoint(arguments[0], arguments[1]); return e ? e.tagName + "." + e.className + " " + (e.textContent ?? "").slice(0, 40) : "nothing";', Math.round(box.x1), Math.round(box.y1));
      throw new Error(`the drag over ${needle} selected nothing; at its start: ${where}; box ${JSON.stringify(box)}`);
    }
  }

  async keys(...list) {
    for (const k of list) await this.driver.actions().sendKeys(k).perform();
  }

  /** Press `key` with Shift held. */
  async shift(key) {
    await this.driver.actions().keyDown(Key.SHIFT).sendKeys(key).keyUp(Key.SHIFT).perform();
  }

  /** Highlights in the article as "TYPE:text", in document order. */
  highlights() {
    return this.js(`return [...document.querySelectorAll('.article .seg.m[data-type]')].map((e) => e.dataset.type + ':' + e.textContent);`);
  }

  async expectHighlight(text, type) {
    return eventually(`${type}:${text} highlighted`, async () => {
      const all = await this.highlights();
      if (all.includes(`${type}:${text}`)) return true;
      const focus = await this.js('return [getSelection().toString(), document.activeElement?.tagName, document.activeElement?.className, location.href].join(" | ")');
      throw new Error(`highlights: ${all.join(', ')}; notices: ${await this.text('.alert, .storage-banner')}; selection, focus: ${focus}`);
    });
  }

  saveStatus() {
    return this.js(`return document.querySelector('[aria-label="Save status"]')?.textContent;`);
  }

  async saved() {
    return eventually('Saved', async () => (await this.saveStatus()) === 'Saved');
  }

  /** Every stored mention as "TYPE:text", sorted. */
  storedMentions() {
    return this.js(`
      const index = JSON.parse(localStorage.getItem('loupe/v1/index') ?? '{"documents":[]}');
      return index.documents.flatMap((d) => {
        const ann = JSON.parse(localStorage.getItem('loupe/v1/doc/' + d.id + '/ann') ?? '{"mentions":[]}');
        return ann.mentions.map((m) => m.type + ':' + m.text);
      }).sort();`);
  }

  storage() {
    return this.js(`return Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]));`);
  }

  clearStorage() {
    return this.js(`localStorage.clear();`);
  }

  /** Files for the welcome screen's Open files input. */
  async openFiles(...paths) {
    await this.driver.findElement(By.id('open-files')).sendKeys(paths.join('\n'));
  }

  text(css) {
    return this.js(`return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent).join('\\n');`, css);
  }
}

function xpathString(s) {
  if (!s.includes("'")) return `'${s}'`;
  return `concat('${s.split("'").join(`', "'", '`)}')`;
}
