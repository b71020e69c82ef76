// Where the time of a benchmark scenario goes: a CPU profile (self time per function) and a
// trace of the renderer's main thread (script, style, layout, paint, wasm compile), for one
// of the scenarios of browser-bench.mjs. Not part of `make bench`; a tool to choose a fix.
//
//   node tests/bench/profile.mjs key|scroll|drag|cold [dist folder]
//
// PAINTS=1 lists what was painted (area, layer) and the invalidations behind it; WHY=Paint
// keeps only the invalidations whose event name holds that word. SHOT=file.png takes a
// screenshot at the end, VIEWPORT=1920x1080 sets the window's size. AB='css' compares a
// stylesheet against none in one run (abTable).
// CALLERS=name [DEPTH=4] adds the time under a function by its callers; EXCLUDE=name
// leaves out the samples under a function (say, set_innerHTML, to see the rest).
//
// Build with function names for readable wasm frames, e.g. a trunk build of index.html
// with data-wasm-opt="0" into another folder, and pass that folder.
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { generate, storageEntries } from './document.mjs';

const scenario = process.argv[2] ?? 'key';
const AB = process.env.AB ?? '';
const DIST = process.argv[3] ?? process.env.LOUPE_DIST ?? 'dist';
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).slice(1) || 'index.html';
  let body = null;
  try { body = readFileSync(join(DIST, path)); } catch {}
  if (body == null) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });

// Rust's mangled names, shortened to their last two path parts.
function short(name) {
  const m = name.match(/^_ZN(.*)E$/) ?? name.match(/^_ZN(.*)17h[0-9a-f]{16}E$/);
  if (!m) return name;
  const parts = [];
  let s = m[1];
  while (s.length) {
    const n = s.match(/^(\d+)/);
    if (!n) break;
    const len = Number(n[1]);
    parts.push(s.slice(n[1].length, n[1].length + len));
    s = s.slice(n[1].length + len);
  }
  return parts.filter((p) => !/^h[0-9a-f]{16}$/.test(p)).slice(-3).join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\.\./g, '::');
}

// The samples inside the windows [start, end) (trace clock, µs), or all of them.
// The profile's nodes by id, and each node's parent.
function tree(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { byId, parent };
}

// EXCLUDE=name drops the samples whose stack holds a function whose name contains it.
function inWindows(profile, windows) {
  const at = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) { t += d; at.push(t); }
  const inside = windows?.length ? (i) => windows.some(([a, b]) => at[i] >= a && at[i] < b) : () => true;
  const needle = process.env.EXCLUDE;
  if (!needle) return inside;
  const { byId, parent } = tree(profile);
  const holds = new Map();
  const has = (id) => {
    if (id == null) return false;
    if (!holds.has(id)) holds.set(id, short(byId.get(id).callFrame.functionName).includes(needle) || has(parent.get(id)));
    return holds.get(id);
  };
  return (i) => inside(i) && !has(profile.samples[i]);
}

function selfTimes(profile, top = 30, windows) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const keep = inWindows(profile, windows);
  profile.samples.forEach((id, i) => {
    if (!keep(i)) return;
    const n = byId.get(id);
    const f = n.callFrame;
    const k = `${short(f.functionName) || '(anon)'} ${f.url.split('/').pop().slice(0, 30)}`;
    self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms ${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`).join('\n');
}

// Inclusive time per function (each function counted once per sample).
function totalTimes(profile, top = 30, windows) {
  const { byId, parent } = tree(profile);
  const tot = new Map();
  const keep = inWindows(profile, windows);
  profile.samples.forEach((id, i) => {
    if (!keep(i)) return;
    const seen = new Set();
    for (let at = id; at != null; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      const k = short(f.functionName) || '(anon)';
      if (seen.has(k)) continue;
      seen.add(k);
      tot.set(k, (tot.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  });
  return [...tot.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`).join('\n');
}

// CALLERS=name: time under each function whose name contains `name`, by its callers
// (the next DEPTH frames above it), to tell apart the paths that reach one function.
function callers(profile, needle, depth = 4, top = 20, windows) {
  const { byId, parent } = tree(profile);
  const tot = new Map();
  const keep = inWindows(profile, windows);
  profile.samples.forEach((id, i) => {
    if (!keep(i)) return;
    const chain = [];
    for (let at = id; at != null; at = parent.get(at)) chain.push(short(byId.get(at).callFrame.functionName) || '(anon)');
    const k = chain.findIndex((f) => f.includes(needle));
    if (k < 0) return;
    const key = chain.slice(k, k + 1 + depth).filter((f) => !/^(wasm-function|js-to-wasm|wasm-to-js)/.test(f)).join(' < ');
    tot.set(key, (tot.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...tot.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`).join('\n');
}

const CATEGORIES = [...(process.env.PAINTS ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : []), 'blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.stack', 'v8', 'v8.wasm', 'blink', 'loading', 'disabled-by-default-v8.compile'].join(',');

async function trace(cdp, body) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  const out = await body();
  await cdp.send('Tracing.end');
  await done;
  return { events, out };
}

// The renderer's main thread: a predicate on trace events.
function onMain(events) {
  const main = new Set();
  for (const e of events) if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') main.add(`${e.pid}:${e.tid}`);
  return (e) => main.has(`${e.pid}:${e.tid}`);
}

// Total duration per event name on the renderer's main thread, top-level work first.
function mainThread(events, top = 25, windows) {
  const main = onMain(events);
  const tot = new Map();
  const keep = (e) => !windows?.length || windows.some(([a, b]) => e.ts >= a && e.ts < b);
  for (const e of events) {
    if (!main(e) || e.ph !== 'X' || e.dur == null || !keep(e)) continue;
    tot.set(e.name, (tot.get(e.name) ?? 0) + e.dur);
  }
  return [...tot.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${(v / 1000).toFixed(1).padStart(8)} ms  ${k}`).join('\n');
}

// Every main-thread event above `min` ms, in time order, relative to the first event.
const SHOWN = new Set(['RunTask', 'FireAnimationFrame', 'FunctionCall', 'EventDispatch', 'TimerFire', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Commit', 'ParseHTML', 'EvaluateScript', 'v8.compileModule', 'wasm.CompileLazy', 'v8.wasm.compiledModule', 'v8.wasm.streamFromResponseCallback', 'MajorGC', 'MinorGC', 'user_timing', 'start', 'end']);
function timeline(events, min = 3, windows) {
  const all = !!process.env.ALLNAMES;
  const main = onMain(events);
  const inside = (e) => !windows?.length || windows.some(([a, b]) => e.ts >= a - 2000 && e.ts < b + 2000);
  const xs = events.filter((e) => main(e) && inside(e) && (all || SHOWN.has(e.name)) && ((e.ph === 'X' && e.dur >= min * 1000) || e.name === 'start' || e.name === 'end'));
  const t0 = events.filter((e) => main(e) && e.ts > 0).reduce((m, e) => Math.min(m, e.ts), Infinity);
  return xs.sort((a, b) => a.ts - b.ts).map((e) => `${((e.ts - t0) / 1000).toFixed(1).padStart(8)} +${((e.dur ?? 0) / 1000).toFixed(1).padStart(6)} ms  ${e.name} ${e.args?.data?.url?.split('/').pop()?.slice(0, 40) ?? e.args?.data?.functionName ?? ''}`).join('\n');
}

// Each layout or style recalculation that script forced, with the script frames that forced it.
function forced(events, windows) {
  const main = onMain(events);
  const keep = (e) => !windows?.length || windows.some(([a, b]) => e.ts >= a && e.ts < b);
  const t0 = events.filter((e) => main(e) && e.ts > 0).reduce((m, e) => Math.min(m, e.ts), Infinity);
  return events.filter((e) => main(e) && keep(e) && (e.name === 'Layout' || e.name === 'UpdateLayoutTree') && e.ph === 'X')
    .sort((a, b) => a.ts - b.ts)
    .map((e) => {
      const stack = e.args?.beginData?.stackTrace ?? e.args?.data?.stackTrace ?? [];
      const frames = stack.slice(0, 4).map((f) => short(f.functionName || '(anon)')).join(' < ');
      const b = e.args?.beginData ?? {};
      const size = e.name === 'Layout' ? ` dirty ${b.dirtyObjects}/${b.totalObjects}${b.partialLayout ? ' partial' : ''}` : ` elements ${e.args?.elementCount ?? ''}`;
      return `${((e.ts - t0) / 1000).toFixed(1).padStart(8)} +${(e.dur / 1000).toFixed(1).padStart(5)} ms  ${e.name}${size}  ${frames || '(lifecycle)'}`;
    }).join('\n');
}

// The time of each rendering phase inside each measured window (µs), and the window's own.
const PHASES = ['window', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize'];
function phasesPerWindow(events, windows) {
  const main = onMain(events);
  return windows.map(([a, b]) => {
    const sum = Object.fromEntries(PHASES.map((p) => [p, 0]));
    sum.window = b - a;
    for (const e of events) if (e.ph === 'X' && e.ts >= a && e.ts < b && main(e) && e.name in sum && e.name !== 'window') sum[e.name] += e.dur;
    return sum;
  });
}

const medianMs = (xs) => { const s = [...xs].sort((x, y) => x - y); return (s.length ? s[s.length >> 1] / 1000 : NaN).toFixed(2).padStart(7); };

// Each phase's median over the windows.
function phaseMedians(events, windows) {
  const per = phasesPerWindow(events, windows);
  return PHASES.map((p) => `${p.padEnd(20)} ${medianMs(per.map((w) => w[p]))} ms`).join('\n');
}

// AB='css': the key and drag scenarios run in pairs, with and without that CSS (see the
// A/B switch below); `out[k][2]` says whether window k had it. Each phase's median per
// window, A against B, and the mean of B − A over the pairs with its standard error:
// whether a difference is more than the spread between runs.
function abTable(events, windows, out) {
  const per = phasesPerWindow(events, windows);
  const a = per.filter((_, k) => out[k]?.[2] === 0), b = per.filter((_, k) => out[k]?.[2] === 1);
  const paired = (p) => {
    const d = a.slice(0, Math.min(a.length, b.length)).map((w, k) => (b[k][p] - w[p]) / 1000);
    const mean = d.reduce((x, y) => x + y, 0) / d.length;
    const se = Math.sqrt(d.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, d.length - 1) / d.length);
    return `${mean >= 0 ? '+' : ''}${mean.toFixed(2)} ± ${se.toFixed(2)} ms`;
  };
  return `${a.length} runs A, ${b.length} runs B\n` + PHASES.map((p) => `${p.padEnd(20)} A ${medianMs(a.map((w) => w[p]))} ms   B ${medianMs(b.map((w) => w[p]))} ms   B − A ${paired(p)}`).join('\n');
}

// The paints in the windows (their area and time) and the invalidations behind them, by
// element and reason: what an input made the browser paint again.
function paints(events, windows) {
  const keep = (e) => !windows?.length || windows.some(([a, b]) => e.ts >= a && e.ts < b);
  const area = new Map();
  const why = new Map();
  for (const e of events.filter(keep)) {
    if (e.name === 'Paint' && e.ph === 'X') {
      const q = e.args?.data?.clip ?? [];
      const xs = q.filter((_, i) => i % 2 === 0), ys = q.filter((_, i) => i % 2 === 1);
      const size = xs.length ? `${Math.round(Math.max(...xs) - Math.min(...xs))}x${Math.round(Math.max(...ys) - Math.min(...ys))}` : '?';
      const k = `${size} layer ${e.args?.data?.layerId ?? '?'}`;
      const [n, t] = area.get(k) ?? [0, 0];
      area.set(k, [n + 1, t + e.dur]);
    } else if (/InvalidationTracking$/.test(e.name) && (!process.env.WHY || e.name.includes(process.env.WHY))) {
      const d = e.args?.data ?? {};
      const k = `${e.name.replace('InvalidationTracking', '')}: ${d.nodeName ?? '?'} (${d.reason ?? d.changedAttribute ?? d.invalidatedSelectorId ?? ''})`;
      why.set(k, (why.get(k) ?? 0) + 1);
    }
  }
  const rows = (m, f) => [...m.entries()].sort((a, b) => f(b[1]) - f(a[1])).slice(0, 25);
  return rows(area, (v) => v[1]).map(([k, [n, t]]) => `${(t / 1000).toFixed(1).padStart(8)} ms  ${n} paints of ${k}`).join('\n')
    + '\n\n' + rows(why, (v) => v).map(([k, n]) => `${String(n).padStart(8)}  ${k}`).join('\n');
}

async function seeded(entry, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  if (process.env.CONSOLE) page.on('console', (m) => console.log('console:', m.text()));
  await page.goto(`${base}/index.html`);
  await page.evaluate((d) => {
    localStorage.clear();
    localStorage.setItem(`loupe/v1/doc/${d.id}/text`, d.text);
    localStorage.setItem(`loupe/v1/doc/${d.id}/ann`, d.ann);
    localStorage.setItem('loupe/v1/index', JSON.stringify([d.meta]));
  }, entry);
  await page.reload();
  await page.waitForSelector('.article .arcs', { timeout: 120_000 });
  // As the bench does: the keys start once training and its suggestions are done.
  await page.waitForFunction(() => /Trained on/.test(document.querySelector('.suggest-status')?.textContent ?? ''), null, { timeout: 180_000 });
  await page.waitForFunction(() => !/Looking for more/.test(document.querySelector('.suggest-count')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.waitForTimeout(1_500);
  return { context, page };
}

async function profiled(page, body) {
  const cdp = await page.context().newCDPSession(page);
  // NOPROFILE=1: the trace alone, whose durations the sampling profiler does not inflate.
  const sampling = !process.env.NOPROFILE;
  if (sampling) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  const { events, out } = await trace(cdp, body);
  const { profile } = sampling ? await cdp.send('Profiler.stop') : { profile: { nodes: [], samples: [], timeDeltas: [] } };
  console.log('result:', JSON.stringify(out));
  // The measured windows: from each performance.mark('start') to the next mark('end').
  const marks = events.filter((e) => e.cat?.includes('blink.user_timing') && (e.name === 'start' || e.name === 'end')).sort((a, b) => a.ts - b.ts);
  const windows = [];
  for (let i = 0; i < marks.length; i++) if (marks[i].name === 'start' && marks[i + 1]?.name === 'end') windows.push([marks[i].ts, marks[i + 1].ts]);
  console.log(`${windows.length} measured windows, ${(windows.reduce((n, [a, b]) => n + b - a, 0) / 1000).toFixed(1)} ms in all`);
  console.log('\n-- self time, in the windows --\n' + selfTimes(profile, 30, windows));
  console.log('\n-- inclusive time, in the windows --\n' + totalTimes(profile, Number(process.env.TOP ?? 40), windows));
  console.log('\n-- main thread (trace), in the windows --\n' + mainThread(events, 25, windows));
  if (process.env.ALL) console.log('\n-- self time, all --\n' + selfTimes(profile));
  if (process.env.CALLERS) console.log(`\n-- callers of ${process.env.CALLERS} --\n` + callers(profile, process.env.CALLERS, Number(process.env.DEPTH ?? 4), 25, windows));
  if (process.env.FORCED) console.log('\n-- forced layouts, in the windows --\n' + forced(events, windows));
  if (process.env.PAINTS) console.log('\n-- what was painted, in the windows --\n' + paints(events, windows));
  if (AB) console.log('\n-- A/B: medians per window, A without the CSS, B with it --\n' + abTable(events, windows, out));
  else console.log('\n-- medians per window --\n' + phaseMedians(events, windows));
  if (process.env.TIMELINE) console.log('\n-- timeline, in the windows --\n' + timeline(events, Number(process.env.TIMELINE), windows));
}

// Input comes as a task of its own, as a real key or click does, and "painted" is the
// task right after the rendering of the first frame whose DOM holds the change.
const KEY = async ([runs, WAIT, AB]) => {
  const ab = (i) => window.__ab(AB, i);
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  // The first task after a frame's rendering: user-blocking, so it runs before timers.
  const task = () => scheduler.postTask(() => {}, { priority: 'user-blocking' });
  const painted = async () => { await frame(); await task(); };
  const article = document.querySelector('.article');
  const tag = [];
  for (let i = 0; i < runs; i++) {
    ab(i);
    const free = [...article.querySelectorAll('.seg:not(.m)')].filter((s) => /[a-z]{5,}/.test(s.textContent));
    const seg = free[window.__abPlace(AB, i, free.length, runs)];
    seg.scrollIntoView({ block: 'center' });
    await painted(); await painted();
    // A retraining's suggestions may have redrawn the paragraph meanwhile: pick again.
    if (!seg.isConnected) { i--; continue; }
    const node = seg.firstChild;
    const at = node.textContent.search(/[a-z]{5,}/);
    const range = document.createRange();
    range.setStart(node, at + 1); range.setEnd(node, at + 3);
    getSelection().removeAllRanges(); getSelection().addRange(range);
    article.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    await painted(); await painted();
    await new Promise((r) => setTimeout(r, Number(WAIT)));
    if (!seg.isConnected) { i--; continue; }
    const para = seg.closest('p');
    const before = para.querySelectorAll('.seg.m').length;
    await task();
    performance.mark('start');
    const t0 = performance.now();
    dispatchEvent(new KeyboardEvent('keydown', { key: 'p' }));
    const t1 = performance.now();
    for (;;) {
      await painted();
      if (para.querySelectorAll('.seg.m').length > before) { performance.mark('end'); tag.push([Math.round(t1 - t0), Math.round(performance.now() - t0), window.__abOn(AB, i)]); break; }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return tag;
};

const SCROLL = async () => {
  const pane = document.querySelector('.article-pane');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  pane.scrollTop = 0;
  await frame(); await frame();
  const times = [];
  let last = performance.now();
  const step = pane.clientHeight / 3;
  performance.mark('start');
  while (pane.scrollTop + pane.clientHeight < pane.scrollHeight - 2 && times.length < 4000) {
    pane.scrollTop += step;
    await frame();
    const t = performance.now();
    times.push(t - last);
    last = t;
  }
  performance.mark('end');
  const s = [...times].sort((a, b) => a - b);
  return { frames: times.length, median: s[s.length >> 1], p95: s[Math.ceil(s.length * 0.95) - 1] };
};

const DRAG = async ([runs, AB]) => {
  const ab = (i) => window.__ab(AB, i);
  // As the bench does: the click on the picker's role from a task of its own, and
  // "painted" the first user-blocking task after the rendering of a frame.
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const task = () => scheduler.postTask(() => {}, { priority: 'user-blocking' });
  const painted = async () => { await frame(); await task(); };
  const out = [];
  for (let i = 0; i < runs; i++) {
    ab(i);
    const triggers = [...document.querySelectorAll('.article .seg.m.trigger')];
    const trigger = triggers[window.__abPlace(AB, i, triggers.length, runs)];
    trigger.scrollIntoView({ block: 'center' });
    await painted(); await painted();
    const para = trigger.closest('p');
    const event = trigger.getAttribute('data-m').split(' ').pop();
    const target = [...para.querySelectorAll('.seg.m:not(.trigger)')].find((s) => !s.getAttribute('data-m').includes(' '));
    if (!target) continue;
    const at = (el) => { const r = el.getBoundingClientRect(); return { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, buttons: 1 }; };
    trigger.dispatchEvent(new MouseEvent('mousedown', at(trigger)));
    trigger.dispatchEvent(new MouseEvent('mousemove', at(target)));
    target.dispatchEvent(new MouseEvent('mouseup', { ...at(target), buttons: 0 }));
    await painted(); await painted();
    const option = document.querySelector('.picker [data-option]');
    if (!option) continue;
    const before = para.querySelectorAll(`.arcs g.arc[data-ends$=" ${event}"]`).length;
    await task();
    performance.mark('start');
    const t0 = performance.now();
    option.click();
    const t1 = performance.now();
    for (;;) {
      await painted();
      if (para.querySelectorAll(`.arcs g.arc[data-ends$=" ${event}"]`).length > before) { performance.mark('end'); out.push([Math.round(t1 - t0), Math.round(performance.now() - t0), window.__abOn(AB, i)]); break; }
      if (performance.now() - t0 > 5000) { out.push(['never', 0, window.__abOn(AB, i)]); break; }
    }
    dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await new Promise((r) => setTimeout(r, 400));
  }
  return out;
};

if (scenario === 'cold') {
  const url = process.argv[4] === 'file' ? `file://${resolve(DIST, 'loupe.html')}` : `${base}/index.html`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('about:blank');
  const cdp = await context.newCDPSession(page);
  await page.addInitScript(`window.__welcome = new Promise((resolve) => {
    const seen = () => { const b = [...document.querySelectorAll('.welcome button')].find((x) => !x.disabled);
      if (b) resolve(performance.now()); else requestAnimationFrame(seen); };
    requestAnimationFrame(seen); });`);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const { events, out } = await trace(cdp, async () => {
    await page.goto(url);
    const t = await page.evaluate(() => window.__welcome);
    const nav = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.toJSON?.() ?? {}));
    return { welcome: t, nav: JSON.parse(nav) };
  });
  const { profile } = await cdp.send('Profiler.stop');
  console.log('welcome at', out.welcome.toFixed(1), 'ms; responseEnd', out.nav.responseEnd?.toFixed(1), 'domInteractive', out.nav.domInteractive?.toFixed(1), 'domContentLoaded', out.nav.domContentLoadedEventEnd?.toFixed(1));
  console.log('\n-- self time --\n' + selfTimes(profile));
  console.log('\n-- inclusive time --\n' + totalTimes(profile));
  console.log('\n-- main thread (trace) --\n' + mainThread(events));
  console.log('\n-- timeline (≥ 2 ms) --\n' + timeline(events, 2));
} else {
  const big = generate({ chars: 1_000_000, mentions: 10_000, seed: 7, events: 2_000, relations: 700 });
  // VIEWPORT=1920x1080 runs the scenario at another size (1366x768 unless told).
  const [width, height] = (process.env.VIEWPORT ?? '1366x768').split('x').map(Number);
  const { page } = await seeded(storageEntries('Benchmark: 1 MB article', big), { width, height });
  const runs = Number(process.env.RUNS ?? 10);
  // The A/B switch. With AB set, runs come in pairs at one place in the article, one run
  // with the stylesheet and one without, in the order A B, B A, A B…: the place of a run
  // weighs more than most changes, so each pair compares like with like.
  await page.evaluate(() => {
    window.__abOn = (css, i) => (css ? (i ^ (i >> 1)) & 1 : 0);
    window.__abPlace = (css, i, n, runs) => (css ? Math.floor(((i >> 1) * n) / Math.ceil(runs / 2)) : Math.floor((i * n) / runs));
    window.__ab = (css, i) => {
      let el = document.getElementById('ab');
      if (!el) { el = document.createElement('style'); el.id = 'ab'; document.head.append(el); }
      el.textContent = window.__abOn(css, i) ? css : '';
    };
  });
  if (scenario === 'key') await profiled(page, () => page.evaluate(KEY, [runs, Number(process.env.WAIT ?? 300), AB]));
  else if (scenario === 'scroll') await profiled(page, () => page.evaluate(SCROLL));
  else if (scenario === 'drag') await profiled(page, () => page.evaluate(DRAG, [runs, AB]));
  else if (scenario === 'open') {
    // A reload of the seeded document, up to the first arcs drawn (the bench's open).
    await page.addInitScript(() => {
      performance.mark('start');
      const tick = () => (document.querySelector('.article .arcs') ? performance.mark('end') : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    });
    await profiled(page, async () => { await page.reload(); await page.waitForSelector('.article .arcs'); await page.waitForTimeout(300); return 'opened'; });
  }
  else throw new Error(`unknown scenario ${scenario}`);
  // SHOT=file.png: how the page looks at the end, to see what the scenario left on screen.
  if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
}
await browser.close();
server.close();
