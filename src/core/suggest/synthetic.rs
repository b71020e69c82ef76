//! A generated news corpus for the suggestion benchmark and tests: text the project wrote,
//! not a real corpus. Sentences come from templates with people, organisations, places and
//! weapons in them, some with events (attacks, meetings, deaths, transports) and their
//! arguments, among sentences with no annotation. Names are made of syllables and drawn
//! with a skewed (Zipf-like) frequency, so some recur across documents (what the string
//! matcher learns) and many are rare or new (what only context can tell the tagger).
//! Seeded: the same seed gives the same corpus.

use super::perceptron::Rng;
use crate::core::model::{Annotations, Argument, Document, Event, Mention, Span, Status};

const SYLLABLES: &[&str] = &[
    "ka", "ri", "vo", "len", "mar", "to", "bel", "dor", "an", "vi", "os", "tel", "ru", "sa", "no",
    "gra", "mi", "pol", "ze", "ha", "ter", "ul", "ba", "ko",
];
const FIRST: &[&str] = &[
    "Olena", "Marco", "Ines", "Tomas", "Aiko", "Peter", "Sara", "Yusuf", "Lena", "Ivan", "Clara",
    "Omar", "Mira", "Jonas", "Rosa", "Karim", "Anya", "Felix", "Nadia", "Hugo",
];
const TITLES: &[&str] = &["minister", "spokesman", "head", "director", "commander"];
const ORG_HEADS: &[&str] = &[
    "Ministry of",
    "Council of",
    "Bank of",
    "Army of",
    "Police of",
];
const ORG_TAILS: &[&str] = &["Brigade", "Energy", "Front", "Group", "Union"];
const WEAPONS: &[&str] = &[
    "drones",
    "missiles",
    "rockets",
    "artillery",
    "shells",
    "mortars",
];
const ATTACK: &[&str] = &["struck", "shelled", "attacked", "bombed", "hit"];
const MEET: &[&str] = &["met", "talked with", "hosted"];
const DIE: &[&str] = &["killed", "died"];
const MOVE: &[&str] = &["travelled", "flew", "returned"];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const FILLER: &[&str] = &[
    "The situation remained tense throughout the day.",
    "Residents queued for water as the power cuts continued.",
    "The statement did not say how the figures had been verified.",
    "Analysts said the talks were unlikely to change much before winter.",
    "Schools in the region stayed closed for a third week.",
    "Prices for bread and fuel have nearly doubled since the spring.",
    "It was not immediately possible to confirm the reports independently.",
    "Local television showed damaged buildings and burnt-out cars.",
    "Aid groups warned that supplies would run short within days.",
    "The announcement came after weeks of speculation.",
    "Several roads were closed while emergency crews worked.",
    "A curfew was extended until further notice.",
    "Prices hit a record on Friday, traders said.",
    "The committee met the deadline with hours to spare.",
    "On Tuesday the Central Office published its weekly figures.",
    "Reuters could not reach the Press Office for comment.",
    "Many families left before the snow arrived.",
    "Nobody was killed, the fire service said.",
];

/// What one annotated piece of a sentence is.
enum Slot {
    Mention(&'static str),
    Trigger(&'static str),
    /// A mention the annotator missed: in the text, not in the gold.
    Omitted,
}

/// A sentence under construction: its text, its pieces and the event roles.
struct Builder {
    text: String,
    cp: usize,
    spans: Vec<(Span, Slot)>,
    roles: Vec<(&'static str, usize)>,
}

impl Builder {
    fn new() -> Self {
        Self {
            text: String::new(),
            cp: 0,
            spans: Vec::new(),
            roles: Vec::new(),
        }
    }
    fn plain(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self.cp += s.chars().count();
        self
    }
    fn slot(&mut self, s: &str, slot: Slot) -> usize {
        let start = self.cp;
        self.plain(s);
        self.spans.push((Span::new(start, self.cp), slot));
        self.spans.len() - 1
    }
    fn mention(&mut self, s: &str, kind: &'static str) -> usize {
        self.slot(s, Slot::Mention(kind))
    }
    fn role(&mut self, role: &'static str, piece: usize) {
        self.roles.push((role, piece));
    }
}

/// Names and the generator's state.
pub struct Generator {
    rng: Rng,
    places: Vec<String>,
    people: Vec<String>,
    orgs: Vec<String>,
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl Generator {
    /// A generator whose name pools hold `names` entries each.
    pub fn new(seed: u64, names: usize) -> Self {
        let mut rng = Rng::new(seed);
        let word = |rng: &mut Rng, n: usize| -> String {
            let w: String = (0..n)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            capital(&w)
        };
        let places: Vec<String> = (0..names)
            .map(|_| {
                let n = 2 + rng.below(2);
                word(&mut rng, n)
            })
            .collect();
        let people: Vec<String> = (0..names)
            .map(|_| {
                let first = FIRST[rng.below(FIRST.len())];
                let n = 2 + rng.below(2);
                format!("{first} {}", word(&mut rng, n))
            })
            .collect();
        let orgs: Vec<String> = (0..names)
            .map(|i| {
                let n = 2 + rng.below(2);
                let w = word(&mut rng, n);
                if i % 2 == 0 {
                    format!("{} {w}", ORG_HEADS[rng.below(ORG_HEADS.len())])
                } else {
                    format!("{w} {}", ORG_TAILS[rng.below(ORG_TAILS.len())])
                }
            })
            .collect();
        Self {
            rng,
            places,
            people,
            orgs,
        }
    }

    /// A skewed draw: low indices far more often than high ones.
    fn zipf<'a>(&mut self, pool: &'a [String]) -> &'a str {
        let r = (self.rng.next_u64() % 1_000_000) as f64 / 1_000_000.0;
        let i = ((pool.len() as f64).powf(r) - 1.0) as usize;
        &pool[i.min(pool.len() - 1)]
    }

    fn pick(&mut self, words: &[&'static str]) -> &'static str {
        words[self.rng.below(words.len())]
    }

    fn place(&mut self) -> String {
        let places = std::mem::take(&mut self.places);
        let p = self.zipf(&places).to_owned();
        self.places = places;
        p
    }
    fn person(&mut self) -> String {
        let people = std::mem::take(&mut self.people);
        let p = self.zipf(&people).to_owned();
        self.people = people;
        p
    }
    fn org(&mut self) -> String {
        let orgs = std::mem::take(&mut self.orgs);
        let p = self.zipf(&orgs).to_owned();
        self.orgs = orgs;
        p
    }

    fn sentence(&mut self) -> Builder {
        let mut b = Builder::new();
        match self.rng.below(10) {
            0 => {
                let (org, place) = (self.org(), self.place());
                let (trigger, weapon, day) =
                    (self.pick(ATTACK), self.pick(WEAPONS), self.pick(DAYS));
                let a = b.mention(&org, "ORG");
                b.plain(" forces ");
                let t = b.slot(trigger, Slot::Trigger("Conflict:Attack"));
                b.plain(" ");
                let p = b.mention(&place, "GPE");
                b.plain(" with ");
                let w = b.mention(weapon, "WEA");
                b.plain(&format!(" on {day}."));
                let _ = t;
                b.role("Attacker", a);
                b.role("Target", p);
                b.role("Instrument", w);
            }
            1 => {
                let (x, y, place) = (self.person(), self.person(), self.place());
                let trigger = self.pick(MEET);
                let a = b.mention(&x, "PER");
                b.plain(" ");
                b.slot(trigger, Slot::Trigger("Contact:Meet"));
                b.plain(" ");
                let c = b.mention(&y, "PER");
                b.plain(" in ");
                let p = b.mention(&place, "GPE");
                b.plain(" to discuss the ceasefire.");
                b.role("Entity", a);
                b.role("Entity", c);
                b.role("Place", p);
            }
            2 => {
                let (x, place) = (self.person(), self.place());
                let trigger = self.pick(DIE);
                b.plain("Officials said ");
                let v = b.mention(&x, "PER");
                b.plain(" was ");
                b.slot(trigger, Slot::Trigger("Life:Die"));
                b.plain(" near ");
                let p = b.mention(&place, "GPE");
                b.plain(" late on Sunday.");
                b.role("Victim", v);
                b.role("Place", p);
            }
            3 => {
                let (x, place) = (self.person(), self.place());
                let trigger = self.pick(MOVE);
                let v = b.mention(&x, "PER");
                b.plain(" ");
                b.slot(trigger, Slot::Trigger("Movement:Transport"));
                b.plain(" to ");
                let p = b.mention(&place, "GPE");
                b.plain(&format!(" on {}.", self.pick(DAYS)));
                b.role("Artifact", v);
                b.role("Destination", p);
            }
            4 => {
                let (x, org, place) = (self.person(), self.org(), self.place());
                let title = self.pick(TITLES);
                b.mention(&x, "PER");
                b.plain(&format!(", the {title} of the "));
                b.mention(&org, "ORG");
                b.plain(", said the mood in ");
                b.mention(&place, "GPE");
                b.plain(" was calm.");
            }
            6 => {
                // Passive: the target before the trigger, the attacker after it.
                let (org, place) = (self.org(), self.place());
                let trigger = self.pick(ATTACK);
                let p = b.mention(&place, "GPE");
                b.plain(" was ");
                b.slot(trigger, Slot::Trigger("Conflict:Attack"));
                b.plain(" again overnight, and officials blamed the ");
                let a = b.mention(&org, "ORG");
                b.plain(".");
                b.role("Target", p);
                b.role("Attacker", a);
            }
            7 => {
                // Two places in one sentence: only the second is the destination.
                let (x, from, to) = (self.person(), self.place(), self.place());
                b.plain("After a week in ");
                let f = b.mention(&from, "GPE");
                b.plain(", ");
                let v = b.mention(&x, "PER");
                b.plain(" ");
                b.slot(self.pick(MOVE), Slot::Trigger("Movement:Transport"));
                b.plain(" home to ");
                let t = b.mention(&to, "GPE");
                b.plain(".");
                b.role("Origin", f);
                b.role("Artifact", v);
                b.role("Destination", t);
            }
            8 => {
                // A person named after a place, and a bare surname later.
                let place = self.place();
                let first = self.pick(FIRST);
                b.plain("Asked about ");
                b.mention(&place, "GPE");
                b.plain(", ");
                b.mention(&format!("{first} {place}"), "PER");
                b.plain(" declined to comment, and ");
                b.mention(&place, "PER");
                b.plain(" left the room.");
            }
            _ => {
                let place = self.place();
                b.plain("Officials in ");
                b.mention(&place, "GPE");
                b.plain(&format!(" said {} ", 3 + self.rng.below(40)));
                b.mention(self.pick(WEAPONS), "WEA");
                b.plain(" had been shot down.");
            }
        }
        b
    }

    /// One document of about `bytes` bytes with about `annotations` mentions and events.
    pub fn document(&mut self, title: &str, bytes: usize, annotations: usize) -> Document {
        let mut text = String::new();
        let mut cp = 0usize;
        let mut ann = Annotations::default();
        let mut n_sentences = 0;
        while text.len() < bytes {
            if n_sentences > 0 {
                let sep = if n_sentences % 4 == 0 { "\n\n" } else { " " };
                text.push_str(sep);
                cp += sep.chars().count();
            }
            n_sentences += 1;
            let remaining = bytes.saturating_sub(text.len()) / 90 + 1;
            let wanted = annotations.saturating_sub(ann.count());
            if wanted == 0 || self.rng.below(remaining) * 4 >= wanted + 3 {
                let f = self.pick(FILLER);
                text.push_str(f);
                cp += f.chars().count();
                continue;
            }
            let mut b = self.sentence();
            // Annotators miss things: about one mention in 25 is left out of the gold.
            if self.rng.below(25) == 0 && !b.spans.is_empty() {
                let i = self.rng.below(b.spans.len());
                if matches!(b.spans[i].1, Slot::Mention(_)) {
                    b.spans[i].1 = Slot::Omitted;
                }
            }
            add(&mut ann, &b, cp);
            text.push_str(&b.text);
            cp += b.cp;
        }
        let mut doc = Document::new(title, &text);
        doc.annotations = ann;
        doc.meta.status = Status::Done;
        doc
    }

    /// `n` documents named `doc-0001`… of about `bytes` bytes and `annotations` each.
    pub fn corpus(&mut self, n: usize, bytes: usize, annotations: usize) -> Vec<Document> {
        (0..n)
            .map(|i| self.document(&format!("doc-{:04}", i + 1), bytes, annotations))
            .collect()
    }
}

/// Add a built sentence's annotations at code point `at`.
fn add(ann: &mut Annotations, b: &Builder, at: usize) {
    let shift = |s: Span| Span::new(s.start + at, s.end + at);
    let mut ids = Vec::with_capacity(b.spans.len());
    let mut event: Option<Event> = None;
    for (span, slot) in &b.spans {
        match slot {
            Slot::Mention(kind) => {
                let id = format!("T{}", ann.mentions.len() + 1);
                ann.mentions.push(Mention::new(
                    id.clone(),
                    *kind,
                    vec![shift(*span)],
                    &b.text[byte_range(&b.text, *span)],
                ));
                ids.push(Some(id));
            }
            Slot::Omitted => ids.push(None),
            Slot::Trigger(kind) => {
                event = Some(Event::new(
                    format!("E{}", ann.events.len() + 1),
                    *kind,
                    vec![shift(*span)],
                    &b.text[byte_range(&b.text, *span)],
                    vec![],
                ));
                ids.push(None);
            }
        }
    }
    if let Some(mut e) = event {
        for (role, piece) in &b.roles {
            if let Some(Some(target)) = ids.get(*piece) {
                e.arguments.push(Argument {
                    role: (*role).into(),
                    target: target.clone(),
                });
            }
        }
        ann.events.push(e);
    }
}

fn byte_range(text: &str, span: Span) -> std::ops::Range<usize> {
    let byte = |cp: usize| text.char_indices().nth(cp).map_or(text.len(), |(b, _)| b);
    byte(span.start)..byte(span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::schema::Schema;
    use crate::core::validate::validate;

    #[test]
    fn generated_documents_are_valid_and_near_their_size() {
        let docs = Generator::new(3, 200).corpus(20, 5_000, 30);
        let schema = Schema::ace2005();
        for d in &docs {
            let r = validate(&d.text, &d.annotations, Some(&schema));
            assert!(!r.has_errors(), "{:?}", r.errors().next());
            assert!((5_000..5_200).contains(&d.text.len()), "{}", d.text.len());
        }
        let mean = docs.iter().map(|d| d.annotations.count()).sum::<usize>() / docs.len();
        assert!((24..=36).contains(&mean), "{mean} annotations a document");
        let again = Generator::new(3, 200).corpus(20, 5_000, 30);
        assert_eq!(docs, again);
    }
}
