// The benchmark's generated documents, shared by the benchmark and the profiling script.
import { createHash } from 'node:crypto';

// ---- a deterministic 1 MB article with 10,000 annotations, some nested ----
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = ('the army said forces launched drones against the port city overnight officials reported ' +
  'damage to warehouses while negotiators met in the capital to discuss a ceasefire and ' +
  'prisoner exchange talks continued despite shelling near the border 155mm rounds 8,400 “quoted” — ' +
  'Kyiv Odesa Lyon Tokyo 東京 北京 Marchenko Sato Reeves ministry council 🚀 🚢').split(' ');
const TYPES = ['PER', 'ORG', 'GPE', 'LOC', 'FAC', 'WEA', 'VEH', 'TIME', 'VALUE'];

export function generate({ chars, mentions: target, seed, events, relations }) {
  const rand = rng(seed);
  const paragraphs = [];
  const words = []; // [startCp, endCp, paragraphIndex]
  let cp = 0;
  let text = '';
  while (cp < chars) {
    const parts = [];
    const n = 60 + Math.floor(rand() * 60);
    for (let i = 0; i < n; i++) {
      const w = WORDS[Math.floor(rand() * WORDS.length)];
      if (i > 0) { parts.push(' '); cp += 1; }
      words.push([cp, cp + Array.from(w).length, paragraphs.length]);
      parts.push(w);
      cp += Array.from(w).length;
    }
    parts.push('.');
    cp += 1;
    const p = parts.join('');
    paragraphs.push(p);
    text += p + '\n\n';
    cp += 2;
  }
  const codepoints = Array.from(text);
  const slice = (s, e) => codepoints.slice(s, e).join('');
  const mentions = [];
  const step = Math.max(1, Math.floor(words.length / target));
  for (let i = 0; mentions.length < target && i < words.length; i += step) {
    const [s, e] = words[i];
    const type = TYPES[mentions.length % TYPES.length];
    // Every fifth mention gets an enclosing one two words wider: nested spans.
    if (mentions.length % 5 === 0 && i + 2 < words.length && words[i + 2][2] === words[i][2]) {
      const outerEnd = words[i + 2][1];
      mentions.push({ s, e: outerEnd, type: 'FAC' });
    }
    mentions.push({ s, e, type });
  }
  mentions.length = Math.min(mentions.length, target);
  mentions.sort((a, b) => a.s - b.s || b.e - a.e);
  const ann = {
    mentions: mentions.map((m, i) => ({ id: `T${i + 1}`, type: m.type, fragments: [[m.s, m.e]], text: slice(m.s, m.e) })),
    entities: [], events: [], relations: [],
  };
  // Issue 14: events with 2–3 arguments each (their nearest mentions in the paragraph)
  // and relations between neighbouring mentions, so the arcs have work to do.
  const paraOf = (cp) => { let lo = 0, hi = words.length - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (words[mid][0] <= cp) lo = mid; else hi = mid - 1; } return words[lo][2]; };
  const mpara = ann.mentions.map((m) => paraOf(m.fragments[0][0]));
  const ROLES = ['Attacker', 'Target', 'Place'];
  // Candidates are walked in a stride over the mentions until the counts are reached.
  const stride = (n, i) => Math.floor(((i * 7919) % n));
  for (let i = 0; ann.events.length < (events ?? 0) && i < ann.mentions.length; i++) {
    const at = stride(ann.mentions.length, i);
    const [s] = ann.mentions[at].fragments[0];
    // The trigger: the word just before the mention, in the same paragraph.
    const w = words.findIndex((x) => x[0] >= s);
    if (w <= 0 || words[w - 1][2] !== mpara[at] || words[w - 1][1] > s) continue;
    const [ts, te] = words[w - 1];
    if (ann.events.some((e) => e.trigger[0][0] === ts)) continue;
    const args = [];
    for (let j = at; j < ann.mentions.length && args.length < 2 + (i % 2) && mpara[j] === mpara[at]; j++) {
      args.push({ role: ROLES[args.length], target: ann.mentions[j].id });
    }
    if (args.length < 2) continue;
    ann.events.push({ id: `E${ann.events.length + 1}`, type: 'Conflict:Attack', trigger: [[ts, te]], trigger_text: slice(ts, te), arguments: args });
  }
  for (let i = 0; ann.relations.length < (relations ?? 0) && i < ann.mentions.length - 1; i++) {
    const a = stride(ann.mentions.length - 1, i);
    if (mpara[a] !== mpara[a + 1]) continue;
    ann.relations.push({ id: `R${ann.relations.length + 1}`, type: 'PART-WHOLE', arg1: ann.mentions[a].id, arg2: ann.mentions[a + 1].id });
  }
  ann.events.sort((x, y) => x.trigger[0][0] - y.trigger[0][0]);
  return { text, ann, paragraphs: paragraphs.length };
}

export function storageEntries(title, doc) {
  const sha = createHash('sha256').update(doc.text, 'utf8').digest('hex');
  const id = `d${sha.slice(0, 16)}`;
  return { id, meta: { id, title, status: 'in_progress', sha256: sha }, text: doc.text, ann: JSON.stringify(doc.ann) };
}

