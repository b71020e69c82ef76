//! Krippendorff's alpha for nominal data (Krippendorff, *Computing Krippendorff's
//! Alpha-Reliability*, 2011): α = 1 − D_o / D_e over the coincidences of the values that
//! coders gave the same unit. Any number of coders, and missing values: a unit counts only
//! when it has two values or more ("pairable").
//!
//! **Loupe:** as for kappa, α is 1 when there is nothing to disagree on: no pairable unit,
//! or a single value everywhere (then D_e is 0 and α would be undefined).

use std::collections::BTreeMap;

use serde::Serialize;

/// An alpha with the disagreements it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Alpha {
    pub alpha: f64,
    /// D_o: the share of pairable values' coincidences that disagree.
    pub observed_disagreement: f64,
    /// D_e: the disagreement expected by chance from the pooled values.
    pub expected_disagreement: f64,
    /// Units with two values or more (tokens, for the token alpha).
    pub units: usize,
    /// Values in those units: n of the formula.
    pub values: usize,
}

impl Alpha {
    fn defined(observed: f64, expected: f64, units: usize, values: usize) -> Self {
        let alpha = if units == 0 || expected <= 1e-12 {
            1.0
        } else {
            1.0 - observed / expected
        };
        Alpha {
            alpha,
            observed_disagreement: observed,
            expected_disagreement: expected,
            units,
            values,
        }
    }
}

/// Nominal alpha of `units`, each the values its coders gave (a coder who gave none is
/// simply absent from the unit).
pub fn nominal_alpha<'a, L, U>(units: impl IntoIterator<Item = U>) -> Alpha
where
    L: Ord + 'a,
    U: IntoIterator<Item = &'a L>,
{
    // Per pairable unit u with m_u values and n_uc of value c, its disagreeing
    // coincidences are (m_u² − Σ_c n_uc²) / (m_u − 1); n_c pools the values.
    let mut pooled: BTreeMap<&L, usize> = BTreeMap::new();
    let mut disagreeing = 0.0;
    let (mut pairable, mut n) = (0usize, 0usize);
    for unit in units {
        let mut counts: BTreeMap<&L, usize> = BTreeMap::new();
        let mut m = 0usize;
        for v in unit {
            *counts.entry(v).or_default() += 1;
            m += 1;
        }
        if m < 2 {
            continue;
        }
        pairable += 1;
        n += m;
        let same: usize = counts.values().map(|c| c * c).sum();
        disagreeing += (m * m - same) as f64 / (m - 1) as f64;
        for (v, c) in counts {
            *pooled.entry(v).or_default() += c;
        }
    }
    if n < 2 {
        return Alpha::defined(0.0, 0.0, 0, n);
    }
    let nf = n as f64;
    let same: f64 = pooled.values().map(|&c| (c as f64) * (c as f64)).sum();
    let observed = disagreeing / nf;
    let expected = (nf * nf - same) / (nf * (nf - 1.0));
    Alpha::defined(observed, expected, pairable, n)
}

/// Nominal alpha of raters who all labelled the same items (`raters[r][i]`).
pub fn nominal_alpha_of_raters<L: Ord>(raters: &[&[L]]) -> Alpha {
    let n = raters.first().map_or(0, |r| r.len());
    assert!(
        raters.iter().all(|r| r.len() == n),
        "every annotator labels the same items"
    );
    nominal_alpha((0..n).map(|i| raters.iter().map(move |r| &r[i])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() < 1e-9
    }

    /// Krippendorff (2011), section C: four observers, twelve units, missing values.
    /// The paper gives α = 0.743 for nominal data.
    #[test]
    fn krippendorffs_published_example_with_missing_values() {
        let m = None;
        let data: [[Option<u8>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                m,
                m,
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                m,
                Some(3),
            ],
            [
                m,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
        ];
        let units = (0..12).map(|u| data.iter().filter_map(move |row| row[u].as_ref()));
        let a = nominal_alpha(units);
        // Unit 12 has one value only, so 11 units and 40 values are pairable.
        assert_eq!((a.units, a.values), (11, 40));
        // By hand: units 2, 6 and 8 disagree, with (m² − Σ n_uc²) / (m − 1) = 2, 4 and 2
        // coincidences, so D_o = 8/40. Pooled n_c = 9, 13, 10, 5, 3 give
        // D_e = (40² − 384) / (40 · 39) = 1216/1560, and α = 1 − (8/40)/(1216/1560).
        assert!(close(a.observed_disagreement, 8.0 / 40.0), "{a:?}");
        assert!(close(a.expected_disagreement, 1216.0 / 1560.0), "{a:?}");
        assert!(close(a.alpha, 1.0 - 0.2 * 1560.0 / 1216.0), "{a:?}");
        assert_eq!(format!("{:.3}", a.alpha), "0.743");
    }

    #[test]
    fn two_coders_by_hand_and_the_defined_edge_cases() {
        // Items x/x, x/y, y/y, y/y: one disagreeing unit, 2 coincidences of 8 values.
        // n_x = 3, n_y = 5: D_e = (64 − 34) / 56 = 30/56; α = 1 − (2/8)/(30/56) = 8/15.
        let a = ["x", "x", "y", "y"];
        let b = ["x", "y", "y", "y"];
        let al = nominal_alpha_of_raters(&[&a[..], &b[..]]);
        assert!(close(al.alpha, 1.0 - 0.25 * 56.0 / 30.0), "{al:?}");
        assert!(close(al.alpha, 8.0 / 15.0));
        // Perfect agreement, one value everywhere, nothing at all: defined, never NaN.
        assert_eq!(nominal_alpha_of_raters(&[&a[..], &a[..]]).alpha, 1.0);
        let same = ["o", "o"];
        assert_eq!(nominal_alpha_of_raters(&[&same[..], &same[..]]).alpha, 1.0);
        let none: [&str; 0] = [];
        let e = nominal_alpha_of_raters(&[&none[..], &none[..]]);
        assert_eq!((e.alpha, e.units), (1.0, 0));
        // Systematic disagreement goes below zero.
        let c = ["y", "x"];
        let d = ["x", "y"];
        assert!(nominal_alpha_of_raters(&[&c[..], &d[..]]).alpha < 0.0);
    }
}
