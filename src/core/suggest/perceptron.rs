//! The averaged perceptron (Collins 2002) that the tagger and the argument ranker share:
//! sparse weights over hashed features, averaged with the lazy-timestamp trick so an
//! update costs only the features it touches. Hashing is FNV-1a and the shuffling RNG is
//! seeded, so the same corpus always trains the same model.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a, 64 bit: deterministic across runs and platforms (std's hasher is seeded
/// randomly per process).
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn write_u64(&mut self, n: u64) {
        // Feature keys are already hashes: mix them cheaply instead of byte by byte.
        let mut x = n ^ self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        self.0 = x;
    }
}

pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The key of a feature: a template number and its string parts.
pub fn feature(template: u8, parts: &[&str]) -> u64 {
    let mut h = Fnv::default();
    h.write(&[template, 0xff]);
    for p in parts {
        h.write(p.as_bytes());
        h.write(&[0x1f]);
    }
    h.finish()
}

/// A feature key combined with a small number (a class, a bucket).
pub fn with(key: u64, n: u64) -> u64 {
    let mut x = key ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}

/// xorshift64*: a small seeded generator for shuffling the training order.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Shards of a feature map: a growing map rehashes one shard at a time, so no single
/// insert stalls for long (a rehash of one big map took tens of ms on a 500-document
/// corpus), and averaging can go shard by shard.
pub(super) const SHARDS: usize = 64;

#[derive(Debug, Clone)]
pub struct Sharded<V> {
    pub(super) shards: Vec<FnvMap<u64, V>>,
}

impl<V> Default for Sharded<V> {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| FnvMap::default()).collect(),
        }
    }
}

impl<V> Sharded<V> {
    fn shard(key: u64) -> usize {
        (key >> 58) as usize % SHARDS
    }
    pub fn get(&self, key: &u64) -> Option<&V> {
        self.shards[Self::shard(*key)].get(key)
    }
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.is_empty())
    }
}

impl<V: Default> Sharded<V> {
    pub fn entry(&mut self, key: u64) -> &mut V {
        self.shards[Self::shard(key)].entry(key).or_default()
    }
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    class: u16,
    weight: f32,
    total: f64,
    stamp: u64,
}

/// Multiclass weights while training: feature → the classes it has a weight for.
#[derive(Debug, Clone, Default)]
pub struct Trainer {
    cells: Sharded<Vec<Cell>>,
    /// Instances seen so far: the clock of the averaging.
    pub clock: u64,
}

impl Trainer {
    /// Add each feature's current weights into `scores` (one slot per class).
    pub fn score(&self, features: &[u64], scores: &mut [f32]) {
        for f in features {
            if let Some(cells) = self.cells.get(f) {
                for c in cells {
                    scores[c.class as usize] += c.weight;
                }
            }
        }
    }

    /// One instance seen: if `guess` was wrong, move weight from it to `truth`.
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        self.clock += 1;
        if truth == guess {
            return;
        }
        for f in features {
            self.bump(*f, truth, 1.0);
            self.bump(*f, guess, -1.0);
        }
    }

    /// One ranking instance seen (one class): if the wrong candidate won, move weight from
    /// its features to the right one's.
    pub fn update_rank(&mut self, truth: &[u64], guess: &[u64], wrong: bool) {
        self.clock += 1;
        if !wrong {
            return;
        }
        for f in truth {
            self.bump(*f, 0, 1.0);
        }
        for f in guess {
            self.bump(*f, 0, -1.0);
        }
    }

    fn bump(&mut self, f: u64, class: usize, delta: f32) {
        let clock = self.clock;
        let cells = self.cells.entry(f);
        let i = match cells.iter().position(|c| c.class as usize == class) {
            Some(i) => i,
            None => {
                cells.push(Cell {
                    class: class as u16,
                    weight: 0.0,
                    total: 0.0,
                    stamp: clock,
                });
                cells.len() - 1
            }
        };
        let cell = &mut cells[i];
        cell.total += f64::from(cell.weight) * (clock - cell.stamp) as f64;
        cell.stamp = clock;
        cell.weight += delta;
    }

    /// The averaged weights, dropping those that average to zero.
    pub fn average(self) -> Weights {
        let mut a = self.averaging();
        while !a.step() {}
        a.finish()
    }

    /// Averaging one shard per [`Averaging::step`].
    pub fn averaging(self) -> Averaging {
        Averaging {
            clock: self.clock.max(1),
            from: self.cells.shards,
            into: Sharded::default(),
            next: 0,
        }
    }
}

/// Weights being averaged, shard by shard.
#[derive(Debug, Clone)]
pub struct Averaging {
    clock: u64,
    from: Vec<FnvMap<u64, Vec<Cell>>>,
    into: Sharded<Vec<(u16, f32)>>,
    next: usize,
}

impl Averaging {
    /// Average one more shard; true when all are done.
    pub fn step(&mut self) -> bool {
        let Some(shard) = self.from.get_mut(self.next) else {
            return true;
        };
        let clock = self.clock;
        let target = &mut self.into.shards[self.next];
        for (f, cells) in std::mem::take(shard) {
            let kept: Vec<(u16, f32)> = cells
                .into_iter()
                .filter_map(|c| {
                    let total = c.total + f64::from(c.weight) * (clock - c.stamp) as f64;
                    let avg = (total / clock as f64) as f32;
                    (avg != 0.0).then_some((c.class, avg))
                })
                .collect();
            if !kept.is_empty() {
                target.insert(f, kept);
            }
        }
        self.next += 1;
        self.next == self.from.len()
    }

    pub fn finish(mut self) -> Weights {
        while !self.step() {}
        Weights { map: self.into }
    }
}

/// Trained, averaged multiclass weights.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    pub(super) map: Sharded<Vec<(u16, f32)>>,
}

impl Weights {
    pub fn score(&self, features: &[u64], scores: &mut [f32]) {
        for f in features {
            if let Some(cells) = self.map.get(f) {
                for (class, w) in cells {
                    scores[*class as usize] += *w;
                }
            }
        }
    }

    /// The weight of one feature for class 0 (the ranker's single "class").
    pub fn sum(&self, features: &[u64]) -> f32 {
        let mut s = [0.0f32];
        self.score(features, &mut s);
        s[0]
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Softmax probability of `best` among `scores`.
pub fn probability(scores: &[f32], best: usize) -> f64 {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let total: f64 = scores.iter().map(|s| f64::from(s - max).exp()).sum();
    f64::from(scores[best] - max).exp() / total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averaged_weights_separate_two_classes() {
        let bias = feature(0, &[]);
        let (a, b) = ([bias, feature(1, &["a"])], [bias, feature(1, &["b"])]);
        let mut t = Trainer::default();
        let guess = |t: &Trainer, f: &[u64]| {
            let mut s = [0.0; 2];
            t.score(f, &mut s);
            usize::from(s[1] > s[0])
        };
        for _ in 0..5 {
            let g = guess(&t, &a);
            t.update(&a, 0, g);
            let g = guess(&t, &b);
            t.update(&b, 1, g);
        }
        let w = t.average();
        for (f, class) in [(&a, 0), (&b, 1)] {
            let mut s = [0.0; 2];
            w.score(f, &mut s);
            assert!(s[class] > s[1 - class], "{s:?}");
        }
        assert!((probability(&[2.0, 0.0], 0) - 0.8808).abs() < 1e-3);
    }

    #[test]
    fn the_seeded_shuffle_repeats() {
        let mut x: Vec<u32> = (0..20).collect();
        let mut y = x.clone();
        Rng::new(7).shuffle(&mut x);
        Rng::new(7).shuffle(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, (0..20).collect::<Vec<_>>());
    }
}
