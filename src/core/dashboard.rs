//! Corpus statistics for the dashboard, and the charts that show them.
//!
//! [`corpus_stats`] counts annotations per type, per document and per annotator, the
//! argument fill rate of each event type's roles, and progress over documents; [`charts`]
//! turns them into [`Chart`]s (defined, and drawn as SVG, by `core::render::charts`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::agreement::AnnotatorCorpus;
use super::model::{sha256_hex, Document, Status};
pub use super::render::charts::Chart;
use super::schema::Schema;

/// How many annotations of one type there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeCount {
    /// `mention`, `event` or `relation`.
    pub kind: &'static str,
    pub name: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentCount {
    pub sha256: String,
    pub title: String,
    /// Mentions, events and relations, summed over annotators.
    pub count: usize,
}

/// How often events of a type have at least one argument in a role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleFill {
    pub role: String,
    pub filled: usize,
    /// `filled` over the events of the type; 0 when there are none.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventTypeStats {
    pub event_type: String,
    pub events: usize,
    /// The schema's roles for the type in schema order, then any other role used.
    pub roles: Vec<RoleFill>,
}

/// Documents by status. A document several annotators have is done when every copy is
/// done, not started when no copy is started, and in progress otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub not_started: usize,
    pub in_progress: usize,
    pub done: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusStats {
    /// Mentions, then events, then relations, each by type name.
    pub per_type: Vec<TypeCount>,
    /// In first-seen order over the corpora.
    pub per_document: Vec<DocumentCount>,
    pub per_annotator: BTreeMap<String, usize>,
    pub event_types: Vec<EventTypeStats>,
    pub progress: Progress,
}

/// Count everything in one or more annotators' corpora. `schema` supplies the roles
/// each event type may fill, so an unused role shows as 0 % instead of missing.
pub fn corpus_stats(corpora: &[AnnotatorCorpus], schema: Option<&Schema>) -> CorpusStats {
    stats_over(
        corpora
            .iter()
            .flat_map(|c| c.documents.iter().map(move |d| (c.annotator.as_str(), d))),
        schema,
    )
}

/// [`corpus_stats`] over borrowed (annotator, document) pairs: the workspace's documents
/// are counted where they are, without a copy of the corpus.
pub fn stats_over<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a Document)>,
    schema: Option<&Schema>,
) -> CorpusStats {
    let mut types: BTreeMap<(u8, &'static str, String), usize> = BTreeMap::new();
    let mut per_document: Vec<DocumentCount> = Vec::new();
    let mut doc_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: Vec<BTreeSet<u8>> = Vec::new();
    let mut per_annotator = BTreeMap::new();
    // Event type → (events, role → events with that role filled).
    let mut events: BTreeMap<String, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for (annotator, d) in documents {
        {
            let a = &d.annotations;
            for m in &a.mentions {
                *types.entry((0, "mention", m.kind.clone())).or_default() += 1;
            }
            for e in &a.events {
                *types.entry((1, "event", e.kind.clone())).or_default() += 1;
                let entry = events.entry(e.kind.clone()).or_default();
                entry.0 += 1;
                let roles: BTreeSet<&str> = e.arguments.iter().map(|x| x.role.as_str()).collect();
                for role in roles {
                    *entry.1.entry(role.to_owned()).or_default() += 1;
                }
            }
            for r in &a.relations {
                *types.entry((2, "relation", r.kind.clone())).or_default() += 1;
            }
            *per_annotator.entry(annotator.to_owned()).or_default() += a.count();
            let sum = sha256_hex(&d.text);
            let n = *doc_index.entry(sum.clone()).or_insert_with(|| {
                per_document.push(DocumentCount {
                    sha256: sum,
                    title: d.meta.title.clone(),
                    count: 0,
                });
                statuses.push(BTreeSet::new());
                per_document.len() - 1
            });
            per_document[n].count += a.count();
            statuses[n].insert(match d.meta.status {
                Status::NotStarted => 0,
                Status::InProgress => 1,
                Status::Done => 2,
            });
        }
    }
    let mut progress = Progress::default();
    for s in &statuses {
        match (s.contains(&0), s.contains(&1), s.contains(&2)) {
            (false, false, true) => progress.done += 1,
            (true, false, false) => progress.not_started += 1,
            _ => progress.in_progress += 1,
        }
    }
    let event_types = events
        .into_iter()
        .map(|(name, (count, mut filled))| {
            let mut roles = Vec::new();
            let known = schema.and_then(|s| s.event_type(&name));
            for role in known.into_iter().flat_map(|t| &t.roles) {
                let n = filled.remove(&role.name).unwrap_or(0);
                roles.push((role.name.clone(), n));
            }
            roles.extend(filled);
            EventTypeStats {
                event_type: name,
                events: count,
                roles: roles
                    .into_iter()
                    .map(|(role, n)| RoleFill {
                        role,
                        filled: n,
                        rate: if count == 0 {
                            0.0
                        } else {
                            n as f64 / count as f64
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    CorpusStats {
        per_type: types
            .into_iter()
            .map(|((_, kind, name), count)| TypeCount { kind, name, count })
            .collect(),
        per_document,
        per_annotator,
        event_types,
        progress,
    }
}

/// The dashboard's charts for `stats`: annotations per type, per document and per
/// annotator, events per type, argument fill rates, and progress over documents.
pub fn charts(stats: &CorpusStats) -> Vec<Chart> {
    let count = |n: usize| n as f64;
    let mut fill = Chart::new(
        "Argument fill rate by event type and role",
        "Event type · role",
        "Events with the role filled",
        stats
            .event_types
            .iter()
            .flat_map(|e| {
                e.roles
                    .iter()
                    .map(move |r| (format!("{} · {}", e.event_type, r.role), r.rate))
            })
            .collect(),
    );
    fill.percent = true;
    vec![
        Chart::new(
            "Annotations per type",
            "Type",
            "Annotations",
            stats
                .per_type
                .iter()
                .map(|t| (format!("{} ({})", t.name, t.kind), count(t.count)))
                .collect(),
        ),
        Chart::new(
            "Annotations per document",
            "Document",
            "Annotations",
            stats
                .per_document
                .iter()
                .map(|d| (d.title.clone(), count(d.count)))
                .collect(),
        ),
        Chart::new(
            "Annotations per annotator",
            "Annotator",
            "Annotations",
            stats
                .per_annotator
                .iter()
                .map(|(name, n)| (name.clone(), count(*n)))
                .collect(),
        ),
        Chart::new(
            "Events per type",
            "Event type",
            "Events",
            stats
                .event_types
                .iter()
                .map(|e| (e.event_type.clone(), count(e.events)))
                .collect(),
        ),
        fill,
        Chart::new(
            "Progress over documents",
            "Status",
            "Documents",
            vec![
                ("Not started".into(), count(stats.progress.not_started)),
                ("In progress".into(), count(stats.progress.in_progress)),
                ("Done".into(), count(stats.progress.done)),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::format::loupe::from_json;

    fn fixture(json: &str, name: &str) -> AnnotatorCorpus {
        AnnotatorCorpus {
            annotator: name.into(),
            documents: from_json(json).unwrap().documents,
        }
    }

    fn both() -> Vec<AnnotatorCorpus> {
        vec![
            fixture(include_str!("../../tests/fixtures/agreement/a.json"), "ann"),
            fixture(include_str!("../../tests/fixtures/agreement/b.json"), "bob"),
        ]
    }

    #[test]
    fn counts_per_type_document_and_annotator() {
        let s = corpus_stats(&both(), None);
        let find = |kind: &str, name: &str| {
            s.per_type
                .iter()
                .find(|t| t.kind == kind && t.name == name)
                .map(|t| t.count)
        };
        // ann: 2 PER (Ilse Varga, commander); bob: 2 PER (Mayor Ilse Varga, commander).
        assert_eq!(find("mention", "PER"), Some(4));
        assert_eq!(find("mention", "VALUE"), Some(1));
        assert_eq!(find("event", "Conflict:Attack"), Some(2));
        assert_eq!(find("relation", "ORG-AFF"), Some(1));
        assert_eq!(s.per_type[0].kind, "mention");
        assert_eq!(s.per_type.last().unwrap().kind, "relation");
        // 8 mentions, 2 events and 1 relation each.
        assert_eq!(s.per_annotator["ann"], 11);
        assert_eq!(s.per_annotator["bob"], 11);
        assert_eq!(s.per_document.len(), 1);
        assert_eq!(s.per_document[0].count, 22);
        assert_eq!(
            s.progress,
            Progress {
                done: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn argument_fill_rates_follow_the_schema_roles() {
        let s = corpus_stats(&both(), Some(&Schema::ace2005()));
        let attack = s
            .event_types
            .iter()
            .find(|e| e.event_type == "Conflict:Attack")
            .unwrap();
        assert_eq!(attack.events, 2);
        let rate = |role: &str| attack.roles.iter().find(|r| r.role == role).unwrap().rate;
        // Both attacks have an Attacker; only ann's has a Time; neither has a Place.
        assert_eq!(rate("Attacker"), 1.0);
        assert_eq!(rate("Time"), 0.5);
        assert_eq!(rate("Place"), 0.0);
        let names: Vec<&str> = attack.roles.iter().map(|r| r.role.as_str()).collect();
        assert_eq!(names[0], "Attacker", "schema order first: {names:?}");
        // Without a schema only the roles in use are listed.
        let s = corpus_stats(&both(), None);
        assert!(s.event_types[0].roles.iter().all(|r| r.filled > 0));
    }

    #[test]
    fn progress_of_a_document_with_copies_in_several_states() {
        let mut corpora = both();
        corpora[1].documents[0].meta.status = Status::NotStarted;
        assert_eq!(corpus_stats(&corpora, None).progress.in_progress, 1);
        corpora[0].documents[0].meta.status = Status::NotStarted;
        assert_eq!(corpus_stats(&corpora, None).progress.not_started, 1);
    }

    #[test]
    fn the_dashboard_has_every_chart_of_the_fixture() {
        let s = corpus_stats(&both(), Some(&Schema::ace2005()));
        let all = charts(&s);
        let titles: Vec<&str> = all.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Annotations per type",
                "Annotations per document",
                "Annotations per annotator",
                "Events per type",
                "Argument fill rate by event type and role",
                "Progress over documents",
            ]
        );
        let bar =
            |chart: usize, label: &str| all[chart].bars.iter().find(|b| b.0 == label).map(|b| b.1);
        assert_eq!(bar(0, "PER (mention)"), Some(4.0));
        assert_eq!(bar(2, "ann"), Some(11.0));
        assert_eq!(bar(2, "bob"), Some(11.0));
        assert_eq!(bar(3, "Conflict:Attack"), Some(2.0));
        assert_eq!(bar(4, "Conflict:Attack · Time"), Some(0.5));
        assert!(all[4].percent);
        assert_eq!(bar(5, "Done"), Some(1.0));
        assert_eq!(bar(5, "Not started"), Some(0.0));
        assert_eq!(all[0].file_stem(), "annotations-per-type");
    }
}
