//! Coreference agreement: MUC (Vilain et al. 1995), B³ (Bagga and Baldwin 1998), CEAFe
//! (Luo 2005) and their mean, the CoNLL-2012 score, following the formulas of Pradhan et
//! al. (2014), *Scoring Coreference Partitions of Predicted Mentions*.
//!
//! One side is the key (the reference) and the other the response. A mention that the
//! other side has in no chain counts as its own singleton there (MUC) or as a miss (B³).
//! Per-document numerators and denominators are summed for a corpus, as the reference
//! scorer does, rather than averaging per-document ratios.
//!
//! **Loupe:** a ratio with nothing to count follows the rule of the other scores: 1 when
//! neither side has anything to count (no coreference links for MUC, no chained mentions
//! for B³, no chains for CEAFe), 0 when only one side does. The reference scorer and
//! `scorch` give 0 in both cases.

use std::collections::BTreeMap;

use serde::Serialize;

/// Recall and precision as sums, so documents add up, with the ratios they give.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorefMetric {
    pub recall_numerator: f64,
    pub recall_denominator: f64,
    pub precision_numerator: f64,
    pub precision_denominator: f64,
    pub recall: f64,
    pub precision: f64,
    pub f1: f64,
}

impl CorefMetric {
    pub fn new(rn: f64, rd: f64, pn: f64, pd: f64) -> Self {
        let nothing = rd == 0.0 && pd == 0.0;
        let ratio = |n: f64, d: f64| {
            if d > 0.0 {
                n / d
            } else if nothing {
                1.0
            } else {
                0.0
            }
        };
        let (recall, precision) = (ratio(rn, rd), ratio(pn, pd));
        let f1 = if recall + precision > 0.0 {
            2.0 * recall * precision / (recall + precision)
        } else {
            0.0
        };
        CorefMetric {
            recall_numerator: rn,
            recall_denominator: rd,
            precision_numerator: pn,
            precision_denominator: pd,
            recall,
            precision,
            f1,
        }
    }

    fn add(&mut self, o: &CorefMetric) {
        *self = CorefMetric::new(
            self.recall_numerator + o.recall_numerator,
            self.recall_denominator + o.recall_denominator,
            self.precision_numerator + o.precision_numerator,
            self.precision_denominator + o.precision_denominator,
        );
    }
}

/// The coreference scores of a response against a key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorefScores {
    pub muc: CorefMetric,
    pub b_cubed: CorefMetric,
    pub ceafe: CorefMetric,
    /// The mean of the three F1 scores.
    pub conll: f64,
    pub response_chains: usize,
    pub key_chains: usize,
    pub response_mentions: usize,
    pub key_mentions: usize,
}

impl Default for CorefScores {
    fn default() -> Self {
        CorefScores::new::<u8>(&[], &[])
    }
}

/// The non-empty chains, each mention in the first chain that lists it.
fn dedup<M: Ord>(chains: &[Vec<M>]) -> Vec<Vec<&M>> {
    let mut seen = std::collections::BTreeSet::new();
    chains
        .iter()
        .map(|c| c.iter().filter(|m| seen.insert(*m)).collect::<Vec<_>>())
        .filter(|c| !c.is_empty())
        .collect()
}

/// Which chain each mention is in.
fn index<M: Ord>(chains: &[Vec<M>]) -> BTreeMap<&M, usize> {
    let mut at = BTreeMap::new();
    for (c, chain) in chains.iter().enumerate() {
        for m in chain {
            at.entry(m).or_insert(c);
        }
    }
    at
}

/// MUC's sums for `of` partitioned by `by`: Σ (|c| − |p(c)|) and Σ (|c| − 1).
fn muc_sums<M: Ord>(of: &[Vec<M>], by: &BTreeMap<&M, usize>) -> (f64, f64) {
    let (mut num, mut den) = (0usize, 0usize);
    for chain in of.iter().filter(|c| !c.is_empty()) {
        let mut parts: Vec<usize> = Vec::new();
        let mut alone = 0;
        for m in chain {
            match by.get(m) {
                Some(&c) => parts.push(c),
                None => alone += 1,
            }
        }
        parts.sort_unstable();
        parts.dedup();
        num += chain.len() - (parts.len() + alone);
        den += chain.len() - 1;
    }
    (num as f64, den as f64)
}

/// B³'s sums for `of` against `by`: Σ_c Σ_o |c ∩ o|² / |c| and Σ |c|.
fn b_cubed_sums<M: Ord>(of: &[Vec<M>], by: &BTreeMap<&M, usize>) -> (f64, f64) {
    let (mut num, mut den) = (0.0, 0usize);
    for chain in of.iter().filter(|c| !c.is_empty()) {
        let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
        for m in chain {
            if let Some(&c) = by.get(m) {
                *shared.entry(c).or_default() += 1;
            }
        }
        let len = chain.len() as f64;
        num += shared.values().map(|&n| (n * n) as f64 / len).sum::<f64>();
        den += chain.len();
    }
    (num, den as f64)
}

/// The largest total weight of a one-to-one assignment of rows to columns (Kuhn-Munkres,
/// in the O(n²m) form with potentials). `w` is `rows × cols`.
pub(crate) fn max_assignment(w: &[Vec<f64>], cols: usize) -> f64 {
    let n = w.len();
    if n == 0 || cols == 0 {
        return 0.0;
    }
    if n > cols {
        let t: Vec<Vec<f64>> = (0..cols)
            .map(|j| w.iter().map(|r| r[j]).collect())
            .collect();
        return max_assignment(&t, n);
    }
    let m = cols;
    let (mut u, mut v) = (vec![0.0; n + 1], vec![0.0; m + 1]);
    let (mut p, mut way) = (vec![0usize; m + 1], vec![0usize; m + 1]);
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let (mut delta, mut j1) = (f64::INFINITY, 0);
            for j in 1..=m {
                if !used[j] {
                    let cur = -w[i0 - 1][j - 1] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=m)
        .filter(|&j| p[j] != 0)
        .map(|j| w[p[j] - 1][j - 1])
        .sum()
}

/// CEAFe's best total similarity φ4(k, r) = 2|k ∩ r| / (|k| + |r|).
fn ceafe_total<M: Ord>(key: &[Vec<M>], response: &[Vec<M>]) -> f64 {
    let at = index(response);
    let mut w = vec![vec![0.0; response.len()]; key.len()];
    for (i, k) in key.iter().enumerate() {
        let mut shared: BTreeMap<usize, usize> = BTreeMap::new();
        for m in k {
            if let Some(&c) = at.get(m) {
                *shared.entry(c).or_default() += 1;
            }
        }
        for (c, n) in shared {
            w[i][c] = 2.0 * n as f64 / (k.len() + response[c].len()) as f64;
        }
    }
    max_assignment(&w, response.len())
}

impl CorefScores {
    /// Score `response` against `key`: each a list of chains, each chain its mentions.
    /// Empty chains are ignored, and a mention is taken to be in the first chain that
    /// lists it.
    pub fn new<M: Ord>(response: &[Vec<M>], key: &[Vec<M>]) -> Self {
        let (r, k) = (dedup(response), dedup(key));
        let (ir, ik) = (index(&r), index(&k));
        let (mr_n, mr_d) = muc_sums(&k, &ir);
        let (mp_n, mp_d) = muc_sums(&r, &ik);
        let (br_n, br_d) = b_cubed_sums(&k, &ir);
        let (bp_n, bp_d) = b_cubed_sums(&r, &ik);
        let total = ceafe_total(&k, &r);
        let muc = CorefMetric::new(mr_n, mr_d, mp_n, mp_d);
        let b_cubed = CorefMetric::new(br_n, br_d, bp_n, bp_d);
        let ceafe = CorefMetric::new(total, k.len() as f64, total, r.len() as f64);
        CorefScores {
            conll: (muc.f1 + b_cubed.f1 + ceafe.f1) / 3.0,
            muc,
            b_cubed,
            ceafe,
            response_chains: r.len(),
            key_chains: k.len(),
            response_mentions: ir.len(),
            key_mentions: ik.len(),
        }
    }

    /// Neither side has a chain: the scores say nothing about coreference.
    pub fn is_empty(&self) -> bool {
        self.response_chains + self.key_chains == 0
    }

    /// Add another document's sums.
    pub fn add(&mut self, o: &CorefScores) {
        self.muc.add(&o.muc);
        self.b_cubed.add(&o.b_cubed);
        self.ceafe.add(&o.ceafe);
        self.conll = (self.muc.f1 + self.b_cubed.f1 + self.ceafe.f1) / 3.0;
        self.response_chains += o.response_chains;
        self.key_chains += o.key_chains;
        self.response_mentions += o.response_mentions;
        self.key_mentions += o.key_mentions;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9
    }

    fn chains(spec: &[&str]) -> Vec<Vec<char>> {
        spec.iter().map(|c| c.chars().collect()).collect()
    }

    /// Pradhan et al. (2014), figure 1: key {a b c} {d e f g}, response {a b} {c d}
    /// {f g h i}. The paper gives MUC 40/40/40, B³ R 41.67 P 50 F 45.45 and CEAFe R 65
    /// P 43.33 F 52.
    #[test]
    fn the_worked_example_of_pradhan_et_al_2014() {
        let key = chains(&["abc", "defg"]);
        let response = chains(&["ab", "cd", "fghi"]);
        let s = CorefScores::new(&response, &key);
        // MUC recall: {a b c} splits in 2 (1 link kept of 2), {d e f g} in 3 ({d} {e}
        // {f g}: 1 of 3). Precision: {a b} 1 of 1, {c d} 0 of 1, {f g h i} 1 of 3.
        assert_eq!(
            (s.muc.recall_numerator, s.muc.recall_denominator),
            (2.0, 5.0)
        );
        assert_eq!(
            (s.muc.precision_numerator, s.muc.precision_denominator),
            (2.0, 5.0)
        );
        assert!(close(s.muc.f1, 0.4));
        // B³ recall: a, b 2/3; c 1/3; d 1/4; e 0; f, g 2/4 — 35/12 over 7 mentions.
        // Precision: a, b 1; c, d 1/2; f, g 1/2; h, i 0 — 4 over 8.
        assert!(close(s.b_cubed.recall, 35.0 / 84.0), "{:?}", s.b_cubed);
        assert!(close(s.b_cubed.precision, 0.5));
        assert_eq!(format!("{:.4}", s.b_cubed.f1), "0.4545");
        // CEAFe: {a b c}↔{a b} 0.8 and {d e f g}↔{f g h i} 0.5, total 1.3.
        assert!(close(s.ceafe.recall, 0.65) && close(s.ceafe.precision, 1.3 / 3.0));
        assert_eq!(format!("{:.2}", s.ceafe.f1), "0.52");
        assert!(close(s.conll, (0.4 + s.b_cubed.f1 + s.ceafe.f1) / 3.0));
        assert_eq!((s.key_chains, s.response_chains), (2, 3));
        assert_eq!((s.key_mentions, s.response_mentions), (7, 8));
    }

    #[test]
    fn identical_chains_score_one_and_swapping_swaps_recall_and_precision() {
        let key = chains(&["abc", "de", "f"]);
        let s = CorefScores::new(&key, &key);
        for m in [s.muc, s.b_cubed, s.ceafe] {
            assert_eq!((m.recall, m.precision, m.f1), (1.0, 1.0, 1.0), "{m:?}");
        }
        let other = chains(&["ab", "cde", "g"]);
        let (x, y) = (
            CorefScores::new(&other, &key),
            CorefScores::new(&key, &other),
        );
        for (p, q) in [(x.muc, y.muc), (x.b_cubed, y.b_cubed), (x.ceafe, y.ceafe)] {
            assert!(close(p.recall, q.precision) && close(p.f1, q.f1));
        }
    }

    #[test]
    fn nothing_to_count_is_defined_and_documents_add_their_sums() {
        let none: Vec<Vec<char>> = Vec::new();
        let s = CorefScores::new(&none, &none);
        assert!(s.is_empty());
        assert_eq!(
            (s.muc.f1, s.b_cubed.f1, s.ceafe.f1, s.conll),
            (1.0, 1.0, 1.0, 1.0)
        );
        // Singletons only on both sides: no links, so MUC has nothing to count.
        let singles = chains(&["a", "b"]);
        assert_eq!(CorefScores::new(&singles, &singles).muc.f1, 1.0);
        // One side only: zero, never NaN.
        let s = CorefScores::new(&chains(&["ab"]), &none);
        assert_eq!((s.muc.f1, s.b_cubed.f1, s.ceafe.f1), (0.0, 0.0, 0.0));
        // Two documents: the sums add, so the total is not the mean of the ratios.
        let d1 = CorefScores::new(&chains(&["ab"]), &chains(&["ab"]));
        let d2 = CorefScores::new(&chains(&["a", "b", "c", "d"]), &chains(&["abcd"]));
        let mut t = d1;
        t.add(&d2);
        assert_eq!(
            (t.muc.recall_numerator, t.muc.recall_denominator),
            (1.0, 4.0)
        );
        assert!(close(t.muc.recall, 0.25));
        assert_eq!(t.key_chains, 2);
    }

    #[test]
    fn the_assignment_is_optimal_not_greedy() {
        // Greedy takes 0.9 and is left with 0.1 (total 1.0); the best is 0.8 + 0.8.
        let w = vec![vec![0.9, 0.8], vec![0.8, 0.1]];
        assert!(close(max_assignment(&w, 2), 1.6));
        let wide = vec![vec![0.1, 0.5, 0.2]];
        assert!(close(max_assignment(&wide, 3), 0.5));
        let tall = vec![vec![0.1], vec![0.7], vec![0.3]];
        assert!(close(max_assignment(&tall, 1), 0.7));
    }
}
