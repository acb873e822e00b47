//! Nearest-neighbour clustering: exactly OpenRefine 3.10's `kNNClusterer` with its `NGramClusterer`
//! blocking (Simile Vicino) and the `levenshtein` distance.
//!
//! - Blocking: each value's blocking text (Java `trim`, ASCII control and punctuation characters
//!   removed, runs of spaces made one, lowercased) is cut into n-grams of `blocking_ngram_size`
//!   UTF-16 code units; values that share an n-gram form a block. A value shorter than the size is
//!   in no block and so in no cluster (OpenRefine's behaviour).
//! - Within a block every pair is compared on the values themselves (case and accents count):
//!   Levenshtein distance over UTF-16 code units, as Java's, kept when `distance <= radius`.
//! - Clusters: for each value `a` (in UTF-16 order), `a` and every later value within `radius` of it
//!   that shares a block with it; clusters of one value and duplicate sets are dropped. Clusters
//!   may overlap (a value near two others that are far apart is in both of their clusters), as in
//!   OpenRefine.
//!
//! Cost: the pairs inside blocks. A pair whose length difference or bag distance (both lower
//! bounds of Levenshtein) exceeds the radius is skipped without computing its distance, and a pair
//! sharing several n-grams is compared once.

use std::collections::{HashMap, HashSet};

use super::java_cmp;

/// Vicino's `NGramTokenizer` normalisation (ASCII classes only, unlike the fingerprint keyer).
fn blocking_text(value: &str) -> Vec<u16> {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        if c.is_ascii_control() || c.is_ascii_punctuation() || (c == ' ' && out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.to_lowercase().encode_utf16().collect()
}

/// Buckets of [`Bag`]: code units counted modulo 64.
const BAG_BUCKETS: usize = 64;

/// A value's code units counted by bucket (saturating): two values' bag distance over these
/// buckets is a lower bound of their Levenshtein distance (each edit changes at most one count up
/// and one down; merging units into buckets only lowers the difference), so a pair whose bound
/// exceeds the radius needs no distance computed.
type Bag = [u8; BAG_BUCKETS];

fn bag(units: &[u16]) -> Bag {
    let mut bag = [0_u8; BAG_BUCKETS];
    for &u in units {
        let slot = &mut bag[usize::from(u) % BAG_BUCKETS];
        *slot = slot.saturating_add(1);
    }
    bag
}

/// The lower bound of [`Bag`]; exact only while no count saturated, so saturated buckets count 0.
fn bag_distance(a: &Bag, b: &Bag) -> u32 {
    let (mut more, mut less) = (0_u32, 0_u32);
    for (&x, &y) in a.iter().zip(b) {
        if x == u8::MAX || y == u8::MAX {
            continue;
        }
        more += u32::from(x.saturating_sub(y));
        less += u32::from(y.saturating_sub(x));
    }
    more.max(less)
}

/// The kNN clusters of distinct `values`: sets of indices into `values` (each ascending), two or
/// more per set, in no particular order. `radius` is a Levenshtein distance (>= 0) and
/// `blocking_ngram_size` at least 1 (the caller checks both).
#[must_use]
pub fn knn_clusters(values: &[&str], radius: f64, blocking_ngram_size: usize) -> Vec<Vec<usize>> {
    // Ranks in Java order, so that "later value" is "higher rank".
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| java_cmp(values[a], values[b]));
    let units: Vec<Vec<u16>> = order
        .iter()
        .map(|&i| values[i].encode_utf16().collect())
        .collect();
    let bags: Vec<Bag> = units.iter().map(|u| bag(u)).collect();
    let blocking: Vec<Vec<u16>> = order.iter().map(|&i| blocking_text(values[i])).collect();
    // Posting lists of ranks, ascending because ranks are visited in order.
    let mut blocks: HashMap<&[u16], Vec<u32>> = HashMap::new();
    for (rank, text) in blocking.iter().enumerate() {
        let rank = rank as u32;
        for gram in text.windows(blocking_ngram_size) {
            let list = blocks.entry(gram).or_default();
            if list.last() != Some(&rank) {
                list.push(rank);
            }
        }
    }
    // seen[b] == a + 1: the pair (a, b) was already compared for this a.
    let mut seen = vec![0_u32; values.len()];
    let mut clusters: HashSet<Vec<usize>> = HashSet::new();
    for (a, text) in blocking.iter().enumerate() {
        let stamp = a as u32 + 1;
        let mut members = vec![a];
        for gram in text.windows(blocking_ngram_size) {
            let list = &blocks[gram];
            let later = list.partition_point(|&b| b as usize <= a);
            for &b in &list[later..] {
                let b = b as usize;
                if seen[b] == stamp {
                    continue;
                }
                seen[b] = stamp;
                if units[a].len().abs_diff(units[b].len()) as f64 > radius
                    || f64::from(bag_distance(&bags[a], &bags[b])) > radius
                {
                    continue;
                }
                if strsim::generic_levenshtein(&units[a], &units[b]) as f64 <= radius {
                    members.push(b);
                }
            }
        }
        if members.len() >= 2 {
            let mut set: Vec<usize> = members.into_iter().map(|r| order[r]).collect();
            set.sort_unstable();
            clusters.insert(set);
        }
    }
    clusters.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters_of(values: &[&str], radius: f64, n: usize) -> Vec<Vec<String>> {
        let mut got: Vec<Vec<String>> = knn_clusters(values, radius, n)
            .into_iter()
            .map(|set| set.into_iter().map(|i| values[i].to_string()).collect())
            .collect();
        got.sort();
        got
    }

    #[test]
    fn bag_distance_bounds_levenshtein() {
        let pairs = [
            ("kitten", "sitting"),
            ("Boston", "boston"),
            ("abc", "cba"),
            ("", "abc"),
        ];
        for (x, y) in pairs {
            let (ux, uy): (Vec<u16>, Vec<u16>) =
                (x.encode_utf16().collect(), y.encode_utf16().collect());
            let bound = bag_distance(&bag(&ux), &bag(&uy));
            assert!(bound as usize <= strsim::levenshtein(x, y), "{x} {y}");
        }
        let (a, b): (Vec<u16>, Vec<u16>) = (
            "abcd".encode_utf16().collect(),
            "wxyz".encode_utf16().collect(),
        );
        assert_eq!(bag_distance(&bag(&a), &bag(&b)), 4);
    }

    #[test]
    fn openrefine_knn_test_cases() {
        // kNNClustererTests (radius 1, blocking 2): "c" and "ĉ" are one edit apart but shorter than
        // the blocking size, so in no block.
        assert_eq!(
            clusters_of(&["ab", "abc", "c", "ĉ"], 1.0, 2),
            [["ab", "abc"]]
        );
        assert!(clusters_of(&["foo", "bar"], 1.0, 2).is_empty());
    }

    #[test]
    fn radius_blocking_and_overlap() {
        let values = ["Boston", "Bostn", "Boston MA", "boston", "Chicago"];
        // Default blocking 6: "Bostn" (5) is in no block; "boston" shares a 6-gram with "Boston".
        assert_eq!(clusters_of(&values, 1.0, 6), [["Boston", "boston"]]);
        // Overlapping stars: "Bostn" -> "Boston" and "Boston" -> "boston" ("Bostn" is 2 from
        // "boston").
        assert_eq!(
            clusters_of(&values, 1.0, 2),
            [["Boston", "Bostn"], ["Boston", "boston"]]
        );
        assert_eq!(
            clusters_of(&values, 3.0, 3),
            [
                ["Boston", "Bostn", "boston"],
                ["Boston", "Boston MA", "boston"]
            ]
        );
        assert!(clusters_of(&values, 0.0, 2).is_empty(), "distinct values");
    }

    #[test]
    fn blocking_normalisation_and_utf16_distance() {
        assert_eq!(
            blocking_text("  A,  b\tC. "),
            "a bc".encode_utf16().collect::<Vec<_>>()
        );
        // Blocked through the normalised text ("ab cd" both), compared on the values: 5 edits, 1.
        assert_eq!(
            clusters_of(&["ab cd", "AB CD!"], 1.0, 2),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(
            clusters_of(&["ab cd", "ab cd!"], 1.0, 2),
            [["ab cd", "ab cd!"]]
        );
        // Two emoji differing in the low surrogate only: one UTF-16 edit, as in Java.
        assert_eq!(
            clusters_of(&["x\u{1F600}yz", "x\u{1F601}yz"], 1.0, 2),
            [["x\u{1F600}yz", "x\u{1F601}yz"]]
        );
    }
}
