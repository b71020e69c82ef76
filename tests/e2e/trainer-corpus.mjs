// A small annotated corpus for the training-worker tests (e2e and WebDriver): sentences
// from templates, with people, places and weapons as mentions and meetings and attacks as
// events with arguments. Deterministic; text the project wrote.
const PEOPLE = ['Olena Marchenko', 'Kenji Sato', 'Maria Reeves', 'Tomas Novak', 'Amina Diallo', 'Lucas Brandt'];
const PLACES = ['Kyiv', 'Odesa', 'Lyon', 'Tokyo', 'Gdansk', 'Porto'];
const WEAPONS = ['drones', 'missiles', 'artillery'];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** One document of about `sentences` sentences: `{ text, annotations }` as loupe/1 has them. */
export function trainingDocument(seed, sentences = 20) {
  const rand = rng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  let text = '';
  const mentions = [];
  const events = [];
  const add = (s) => {
    const at = Array.from(text).length;
    text += s;
    return [at, at + Array.from(s).length];
  };
  const mention = (type, s) => {
    const [a, b] = add(s);
    const id = `T${mentions.length + 1}`;
    mentions.push({ id, type, fragments: [[a, b]], text: s });
    return id;
  };
  const event = (type, s, args) => {
    const [a, b] = add(s);
    events.push({ id: `E${events.length + 1}`, type, trigger: [[a, b]], trigger_text: s, arguments: args });
    return events[events.length - 1];
  };
  for (let i = 0; i < sentences; i++) {
    const kind = Math.floor(rand() * 3);
    if (kind === 0) {
      const a = mention('PER', pick(PEOPLE));
      add(' ');
      const e = event('Contact:Meet', 'met', []);
      add(' ');
      const b = mention('PER', pick(PEOPLE));
      add(' in ');
      const p = mention('GPE', pick(PLACES));
      add(' on Tuesday. ');
      e.arguments.push({ role: 'Entity', target: a }, { role: 'Entity', target: b }, { role: 'Place', target: p });
    } else if (kind === 1) {
      add('Forces ');
      const e = event('Conflict:Attack', 'attacked', []);
      add(' ');
      const p = mention('GPE', pick(PLACES));
      add(' with ');
      const w = mention('WEA', pick(WEAPONS));
      add(' overnight. ');
      e.arguments.push({ role: 'Target', target: p }, { role: 'Instrument', target: w });
    } else {
      add('Officials in ');
      mention('GPE', pick(PLACES));
      add(' said the talks with ');
      mention('PER', pick(PEOPLE));
      add(' continued. ');
    }
  }
  return { text, annotations: { mentions, entities: [], events, relations: [] } };
}

/** `n` documents, seeded from `seed`. */
export function trainingCorpus(n, seed = 1, sentences = 20) {
  return Array.from({ length: n }, (_, i) => trainingDocument(seed * 1000 + i, sentences));
}
