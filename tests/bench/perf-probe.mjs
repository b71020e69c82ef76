import { chromium } from '@playwright/test';
import { createHash } from 'node:crypto';
const size = Number(process.argv[2] ?? 100000), count = Number(process.argv[3] ?? 1000);
const words = 'alpha beta gamma delta epsilon zeta eta theta'.split(' ');
let text = '', paras = 0; const ms = [];
let cp = 0;
while (cp < size) { const ws = []; for (let i = 0; i < 80; i++) { const w = words[(i * 7 + paras) % 8]; ws.push(w); } const p = ws.join(' ') + '.'; text += p + '\n\n'; cp += p.length + 2; paras++; }
const step = Math.floor(size / count);
const mentions = [];
for (let i = 0; i < count; i++) { let s = i * step; while (text[s] === ' ' || text[s] === '\n' || text[s] === '.') s++; let e = s; while (/[a-z]/.test(text[e])) e++; if (e > s) mentions.push({ id: `T${i + 1}`, type: 'PER', fragments: [[s, e]], text: text.slice(s, e) }); }
const sha = createHash('sha256').update(text).digest('hex'); const id = `d${sha.slice(0, 16)}`;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await b.newPage();
page.on('console', (m) => console.log('console:', m.text().slice(0, 200)));
await page.goto('http://127.0.0.1:8095/index.html');
const keys = await page.evaluate(({ id, text, ann, meta }) => {
  localStorage.clear();
  localStorage.setItem(`loupe/v1/doc/${id}/text`, text);
  localStorage.setItem(`loupe/v1/doc/${id}/ann`, JSON.stringify(ann));
  localStorage.setItem('loupe/v1/index', JSON.stringify([meta]));
  return Object.keys(localStorage);
}, { id, text, ann: { mentions, entities: [], events: [], relations: [] }, meta: { id, title: 'probe', status: 'in_progress', sha256: sha } });
const t0 = Date.now();
await page.reload();
await page.waitForFunction((n) => document.querySelectorAll('.article .seg.m').length >= n, mentions.length, { timeout: 600000, polling: 500 });
console.log(`${size} chars, ${paras} paragraphs, ${mentions.length} mentions: rendered in ${Date.now() - t0} ms`);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const r = await page.evaluate(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const article = document.querySelector('.article');
  const free = [...article.querySelectorAll('.seg:not(.m)')].filter((s) => /[a-z]{5,}/.test(s.textContent));
  const out = [];
  for (let i = 0; i < 5; i++) {
    const seg = free[i * 50];
    const node = seg.firstChild; const at = node.textContent.search(/[a-z]{5,}/);
    const range = document.createRange(); range.setStart(node, at + 1); range.setEnd(node, at + 3);
    getSelection().removeAllRanges(); getSelection().addRange(range);
    article.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    const before = article.querySelectorAll('.seg.m').length;
    const t0 = performance.now();
    dispatchEvent(new KeyboardEvent('keydown', { key: 'p' }));
    const t1 = performance.now();
    for (;;) { await frame(); if (article.querySelectorAll('.seg.m').length > before) break; }
    out.push([Math.round(t1 - t0), Math.round(performance.now() - t0)]);
  }
  return out;
});
console.log('keydown handler ms, to frame ms:', JSON.stringify(r));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = profile.timeDeltas; const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
await b.close();
