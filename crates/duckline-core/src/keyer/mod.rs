//! Clustering methods (COMMANDS.md "Values clustering"), one per file, as pure functions over
//! distinct values: no engine, no workspace.
//!
//! - Key collision (values whose keys are equal form a cluster): [`fingerprint`], [`ngram`] (OpenRefine
//!   3.10 `FingerprintKeyer`, `NGramFingerprintKeyer`), [`phonetic`] (Double Metaphone, Kölner
//!   Phonetik per token). [`key_collision`] groups values by any of these keys.
//! - Nearest neighbours: [`knn`] (OpenRefine 3.10 `kNNClusterer` with n-gram blocking).
//!
//! OpenRefine is Java: its strings are UTF-16, so it orders them by UTF-16 code units
//! ([`java_cmp`]) and its n-grams and edit distances count UTF-16 code units. The keyers follow it so
//! that keys and clusters are the same for text outside the Basic Multilingual Plane too.

pub mod fingerprint;
pub mod knn;
pub mod ngram;
pub mod phonetic;

use std::cmp::Ordering;
use std::collections::HashMap;

/// Java's `String.compareTo` order: by UTF-16 code units. It differs from Rust's `str` order (by
/// code points) only when one side has a character above U+FFFF where the other has one in
/// U+E000..=U+FFFF.
#[must_use]
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Key collision: the groups of indices into `values` whose `key` is equal, as `(key, indices)` in
/// ascending index order, only groups of two or more, in no particular order. Every key counts,
/// the empty one too (OpenRefine's `BinningClusterer` clusters values that key to `""` as well).
pub fn key_collision(values: &[&str], key: impl Fn(&str) -> String) -> Vec<(String, Vec<usize>)> {
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, v) in values.iter().enumerate() {
        groups.entry(key(v)).or_default().push(i);
    }
    groups.into_iter().filter(|(_, ix)| ix.len() >= 2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_order_is_utf16_order() {
        assert_eq!(java_cmp("a", "b"), Ordering::Less);
        assert_eq!(java_cmp("ab", "a"), Ordering::Greater);
        // U+1F600 is the pair D83D DE00, which sorts before U+FF21 in UTF-16, after it by code point.
        assert_eq!(java_cmp("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
    }

    #[test]
    fn key_collision_groups_equal_keys_only() {
        let values = ["Paris", "paris", "Lyon", "--", "!!"];
        let mut got = key_collision(&values, fingerprint::fingerprint);
        got.sort();
        assert_eq!(
            got,
            [
                ("".to_string(), vec![3, 4]),
                ("paris".to_string(), vec![0, 1])
            ]
        );
    }
}
