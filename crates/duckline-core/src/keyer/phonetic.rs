//! Phonetic keyers, one code per token: `metaphone` (Double Metaphone, Lawrence Philips 2000, primary
//! code) and `cologne` (Kölner Phonetik, Hans Joachim Postel 1969), both from the `rphonetic` crate,
//! a port of Apache commons-codec's `DoubleMetaphone` (maximum code length 4) and
//! `ColognePhonetic`.
//!
//! Tokens are those of the fingerprint keyer ([`normalize`]: lowercase, diacritics folded,
//! punctuation removed), so `"Müller, Hans"` and `"hans muller"` key alike. Each token is encoded
//! from its ASCII letters only: both codes are defined on the letters A-Z (the folding has already
//! turned ä, ç, ñ, ß... into them), and rphonetic's Double Metaphone indexes bytes and would panic
//! inside a multi-byte character. Tokens without a code (digits, other scripts) are dropped; the
//! codes are sorted, deduped and joined with one space.

use rphonetic::{Cologne, DoubleMetaphone, Encoder};

use super::fingerprint::{normalize, sorted_set_joined, tokens};

/// Encodes every token of `s` with `encode` (see the module docs).
fn per_token(s: &str, encode: impl Fn(&str) -> String) -> String {
    let normalized = normalize(s);
    let codes: Vec<String> = tokens(&normalized)
        .into_iter()
        .map(|t| {
            let letters: String = t.chars().filter(char::is_ascii_alphabetic).collect();
            encode(&letters)
        })
        .filter(|code| !code.is_empty())
        .collect();
    sorted_set_joined(codes.iter().map(String::as_str).collect(), " ")
}

/// The Double Metaphone key of `s`: the primary code of each token, sorted and deduped
/// (`"Smith, John"` -> `"JN SM0"`). Never fails; `""` when no token has a code.
#[must_use]
pub fn metaphone(s: &str) -> String {
    let encoder = DoubleMetaphone::default();
    per_token(s, |t| encoder.encode(t))
}

/// The Kölner Phonetik key of `s`: the code of each token, sorted and deduped (`"Müller"` ->
/// `"657"`). Never fails; `""` when no token has a code.
#[must_use]
pub fn cologne(s: &str) -> String {
    per_token(s, |t| Cologne.encode(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Double Metaphone primary codes (word, code): commons-codec's `DoubleMetaphoneTest` sentence
    /// and Philips' examples.
    const METAPHONE_CASES: &[(&str, &str)] = &[
        ("testing", "TSTN"),
        ("The", "0"),
        ("quick", "KK"),
        ("brown", "PRN"),
        ("fox", "FKS"),
        ("jumped", "JMPT"),
        ("over", "AFR"),
        ("lazy", "LS"),
        ("dogs", "TKS"),
        ("Smith", "SM0"),
        ("Schmidt", "XMT"),
    ];

    /// Kölner Phonetik codes (word, code): Postel's rules as Wikipedia's worked examples give them.
    const COLOGNE_CASES: &[(&str, &str)] = &[
        ("Müller-Lüdenscheidt", "65752682"),
        ("Wikipedia", "3412"),
        ("Breschnew", "17863"),
        ("Meier", "67"),
        ("Mayr", "67"),
        ("Mayer", "67"),
        ("Meyer", "67"),
        ("Müller", "657"),
        ("Schmidt", "862"),
        ("Schmitt", "862"),
        ("Heinz", "068"),
        ("Hoffmann", "0366"),
        ("Xylophon", "48536"),
    ];

    #[test]
    fn metaphone_codes() {
        for (word, code) in METAPHONE_CASES {
            assert_eq!(metaphone(word), *code, "Double Metaphone of {word:?}");
        }
    }

    #[test]
    fn cologne_codes() {
        for (word, code) in COLOGNE_CASES {
            // One token: the hyphen is punctuation and goes before tokens are split.
            assert_eq!(cologne(word), *code, "Kölner Phonetik of {word:?}");
        }
    }

    #[test]
    fn tokens_sorted_and_folded() {
        assert_eq!(metaphone("Smith, John"), "JN SM0");
        assert_eq!(metaphone("john SMITH"), "JN SM0");
        assert_eq!(cologne("Müller, Hans"), cologne("hans muller"));
        assert_eq!(cologne("Hans Müller"), "068 657");
        // Non-ASCII letters that do not fold are skipped, not a panic; digits have no code.
        assert_eq!(metaphone("Ωmega école 42"), "AKL MK");
        assert_eq!(cologne("42"), "");
        assert_eq!(metaphone("日本"), "");
    }
}
