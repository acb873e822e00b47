//! The n-gram fingerprint keyer: exactly OpenRefine 3.10's `NGramFingerprintKeyer`
//! (`com.google.refine.clustering.binning`).
//!
//! The text goes through the fingerprint [`normalize`], then loses every control character (`Cc`)
//! and whitespace (`White_Space`); its n-grams are sorted, deduped and concatenated. A text shorter
//! than n keys to `""`. Like Java, n-grams count UTF-16 code units: outside the Basic Multilingual
//! Plane an n-gram may hold half of a surrogate pair, which the key shows as U+FFFD.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::fingerprint::normalize;

/// The n-gram fingerprint key of `s` with n-grams of `n` UTF-16 code units (OpenRefine 3.10
/// `NGramFingerprintKeyer.key(s, n)`): `("Paris", 2)` keys to `"arispari"`. `n` must be at least 1
/// (the caller checks it); never fails.
#[must_use]
pub fn ngram_fingerprint(s: &str, n: usize) -> String {
    let text: String = normalize(s)
        .chars()
        .filter(|c| !c.is_whitespace() && c.general_category() != GeneralCategory::Control)
        .collect();
    if text.chars().all(|c| c <= '\u{FFFF}') {
        // No surrogate pairs: one char is one UTF-16 unit, and byte order is UTF-16 order.
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut grams: Vec<&str> = bounds.windows(n + 1).map(|w| &text[w[0]..w[n]]).collect();
        grams.sort_unstable();
        grams.dedup();
        grams.concat()
    } else {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut grams: Vec<&[u16]> = units.windows(n).collect();
        grams.sort_unstable();
        grams.dedup();
        String::from_utf16_lossy(&grams.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenRefine 3.10 `NGramFingerprintKeyerTest` (input, n, key), as data.
    const OPENREFINE_CASES: &[(&str, usize, &str)] = &[
        ("hello", 1, "ehlo"),
        ("he!llo,. world", 1, "dehlorw"),
        ("\u{0001}a, !b-c_d\u{00a0}d\tz\u{0003}", 3, "abcbcdcddddz"),
        ("abcdefg", 2, "abbccddeeffg"),
        ("gfedcba", 2, "bacbdcedfegf"),
        ("a b c d e f g", 2, "abbccddeeffg"),
        (" a,b.c d\te!f?g ", 2, "abbccddeeffg"),
        ("écÉCec", 2, "ceec"),
        (
            "a\u{0009}\nb\u{000B}c\u{000C}d\re\u{0085}f\u{00A0}g\u{1680}h\u{2000}i\u{2001}j\u{2002}k\u{2003}l\u{2004}m\u{2005}n\u{2006}o\u{2007}p\u{2008}q\u{2009}r\u{200A}s\u{2028}t\u{2029}u\u{202F}v\u{205F}w\u{3000}z",
            2,
            "abbccddeeffgghhiijjkkllmmnnooppqqrrssttuuvvwwz",
        ),
        ("", 2, ""),
    ];

    #[test]
    fn openrefine_keyer_test_cases() {
        for (input, n, key) in OPENREFINE_CASES {
            assert_eq!(ngram_fingerprint(input, *n), *key, "{n}-grams of {input:?}");
        }
    }

    #[test]
    fn short_texts_and_symbols() {
        assert_eq!(ngram_fingerprint("ab", 3), "");
        assert_eq!(ngram_fingerprint("abc", 3), "abc");
        assert_eq!(ngram_fingerprint("aaa", 1), "a");
        assert_eq!(ngram_fingerprint("a+b", 2), "+ba+");
        assert_eq!(
            ngram_fingerprint("Pa ris", 2),
            ngram_fingerprint("paris", 2)
        );
        // U+1F600 is two UTF-16 units: its 1-grams are its halves, which sorted re-form it; with
        // U+1F602 (same high half) a lone low half is left over, shown as U+FFFD.
        assert_eq!(ngram_fingerprint("\u{1F600}", 1), "\u{1F600}");
        assert_eq!(
            ngram_fingerprint("\u{1F600}\u{1F602}", 1),
            "\u{1F600}\u{FFFD}"
        );
        assert_eq!(ngram_fingerprint("\u{1F600}", 2), "\u{1F600}");
        assert_eq!(ngram_fingerprint("\u{1F600}", 3), "");
    }
}
