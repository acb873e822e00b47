//! The fingerprint keyer: exactly OpenRefine 3.10's `FingerprintKeyer`
//! (`com.google.refine.clustering.binning`).
//!
//! [`normalize`] (OpenRefine's `normalize(s, true)`), in its order:
//!
//! 1. trim Unicode whitespace (Guava's `CharMatcher.whitespace()`: the `White_Space` property);
//! 2. lowercase (Java's `toLowerCase`: full Unicode mappings, as [`str::to_lowercase`]);
//! 3. NFKD, then remove the Combining Diacritical Marks block (U+0300..=U+036F, not every combining
//!    mark), modifier letters (`Lm`) and modifier symbols (`Sk`, such as `^` and `` ` ``);
//! 4. OpenRefine's replacement map for letters NFKD leaves alone (ß→ss, æ→ae, ø→oe, ð→d, þ→th,
//!    ł→l, ı→i, œ→oe, ©→c, ...);
//! 5. remove Unicode punctuation (`P*`) and the C0/C1 controls except whitespace (TAB..CR, NEL).
//!    Other symbols (`$ + < = > | ~ ©`...) stay.
//!
//! [`fingerprint`] then splits on whitespace, sorts (UTF-16 order), dedupes and joins with one
//! space. Like Java's `Pattern.splitAsStream`, a text that starts with whitespace once punctuation is
//! gone (`"- a"`) keeps a leading empty token, so its key starts with a space (`" a"`).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::java_cmp;

/// OpenRefine's `NONDIACRITICS` map: lowercase letters NFKD does not decompose (its `å` entry is
/// unreachable after NFKD and left out).
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'ø' | 'œ' => "oe",
        '©' => "c",
        'ð' | 'đ' | 'ɖ' => "d",
        'þ' => "th",
        'ƿ' => "w",
        'ħ' => "h",
        'ı' => "i",
        'ĸ' => "k",
        'ł' => "l",
        'ŋ' => "n",
        'ſ' | 'ẜ' | 'ẝ' => "s",
        'ŧ' => "t",
        _ => return None,
    })
}

/// Removed by OpenRefine's `DIACRITICS_AND_FRIENDS` after NFKD.
fn is_diacritic_or_friend(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}')
        || matches!(
            c.general_category(),
            GeneralCategory::ModifierLetter | GeneralCategory::ModifierSymbol
        )
}

/// Removed by OpenRefine's `punctctrl`: `\p{Punct}` under `UNICODE_CHARACTER_CLASS` (every `P*`
/// category) and the C0/C1 controls that are not whitespace.
fn is_punct_or_ctrl(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}')
        || c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// OpenRefine's fingerprint normalisation of `s` (see the module docs); whitespace inside stays.
#[must_use]
pub fn normalize(s: &str) -> String {
    let lowered = s.trim().to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    // One pass: the map only yields ASCII letters, which neither later step removes.
    for c in lowered.nfkd() {
        if is_diacritic_or_friend(c) {
            continue;
        }
        match replacement(c) {
            Some(r) => out.push_str(r),
            None if is_punct_or_ctrl(c) => {}
            None => out.push(c),
        }
    }
    out
}

/// The whitespace-separated tokens of a [`normalize`]d text as Java's `\s+` `splitAsStream` gives
/// them: empty ones dropped, except one leading `""` when the text starts with whitespace and has
/// a token.
pub(crate) fn tokens(normalized: &str) -> Vec<&str> {
    let mut tokens: Vec<&str> = normalized
        .split(char::is_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    if normalized.starts_with(char::is_whitespace) && !tokens.is_empty() {
        tokens.push("");
    }
    tokens
}

/// Sorts `parts` in Java's order, dedupes them and joins them with `sep`.
pub(crate) fn sorted_set_joined(mut parts: Vec<&str>, sep: &str) -> String {
    parts.sort_unstable_by(|a, b| java_cmp(a, b));
    parts.dedup();
    parts.join(sep)
}

/// The fingerprint key of `s` (OpenRefine 3.10 `FingerprintKeyer.key`): `" DURAND, Éric"` and
/// `"eric durand"` both key to `"durand eric"`. Never fails; a text of punctuation only keys to
/// `""`.
#[must_use]
pub fn fingerprint(s: &str) -> String {
    let normalized = normalize(s);
    sorted_set_joined(tokens(&normalized), " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenRefine 3.10 `FingerprintKeyerTests.testStrings` (input, key), as data.
    const OPENREFINE_CASES: &[(&str, &str)] = &[
        ("the multi multi word test", "multi test the word"),
        (" école ÉCole ecoLe ", "ecole"),
        ("a b c d", "a b c d"),
        (" d c b a ", "a b c d"),
        ("\tABC \t DEF ", "abc def"),
        ("bbb\taaa", "aaa bbb"),
        ("æø", "aeoe"),
        ("©ß", "css"),
        ("\u{00D0}\u{00F0}\u{00DE}\u{00FE}Ƿƿ", "ddththww"),
        ("ﬀﬁﬂﬃﬅﬆ", "fffiflffistst"),
        (
            "\u{00C0}\u{00C1}\u{00C2}\u{00C3}\u{00C4}\u{00C5}\u{00E0}\u{00E1}\u{00E2}\u{00E3}\u{00E4}\u{00E5}\u{0100}\u{0101}\u{0102}\u{0103}\u{0104}\u{0105}",
            "aaaaaaaaaaaaaaaaaa",
        ),
        (
            "\u{00C7}\u{00E7}\u{0106}\u{0107}\u{0108}\u{0109}\u{010A}\u{010B}\u{010C}\u{010D}",
            "cccccccccc",
        ),
        ("\u{00D0}\u{00F0}\u{010E}\u{010F}\u{0110}\u{0111}", "dddddd"),
        (
            "\u{00C8}\u{00C9}\u{00CA}\u{00CB}\u{00E8}\u{00E9}\u{00EA}\u{00EB}\u{0112}\u{0113}\u{0114}\u{0115}\u{0116}\u{0117}\u{0118}\u{0119}\u{011A}\u{011B}",
            "eeeeeeeeeeeeeeeeee",
        ),
        (
            "\u{011C}\u{011D}\u{011E}\u{011F}\u{0120}\u{0121}\u{0122}\u{0123}",
            "gggggggg",
        ),
        ("\u{0124}\u{0125}", "hh"),
        ("\u{0126}\u{0127}", "hh"),
        (
            "\u{00CC}\u{00CD}\u{00CE}\u{00CF}\u{00EC}\u{00ED}\u{00EE}\u{00EF}\u{0128}\u{0129}\u{012A}\u{012B}\u{012C}\u{012D}\u{012E}\u{012F}\u{0130}",
            "iiiiiiiiiiiiiiiii",
        ),
        ("\u{0131}", "i"),
        ("\u{0134}\u{0135}", "jj"),
        ("\u{0136}\u{0137}", "kk"),
        ("\u{0138}", "k"),
        (
            "\u{0139}\u{013A}\u{013B}\u{013C}\u{013D}\u{013E}\u{0141}\u{0142}",
            "llllllll",
        ),
        ("\u{013F}\u{0140}", "ll"),
        (
            "\u{00D1}\u{00F1}\u{0143}\u{0144}\u{0145}\u{0146}\u{0147}\u{0148}",
            "nnnnnnnn",
        ),
        ("\u{0149}", "n"),
        ("\u{014A}\u{014B}", "nn"),
        (
            "\u{00D2}\u{00D3}\u{00D4}\u{00D5}\u{00D6}\u{00F2}\u{00F3}\u{00F4}\u{00F5}\u{00F6}\u{014C}\u{014D}\u{014E}\u{014F}\u{0150}\u{0151}",
            "oooooooooooooooo",
        ),
        ("\u{00D8}\u{00F8}", "oeoe"),
        ("\u{0154}\u{0155}\u{0156}\u{0157}\u{0158}\u{0159}", "rrrrrr"),
        (
            "\u{015A}\u{015B}\u{015C}\u{015D}\u{015E}\u{015F}\u{0160}\u{0161}\u{017F}",
            "sssssssss",
        ),
        ("\u{0162}\u{0163}\u{0164}\u{0165}\u{0166}\u{0167}", "tttttt"),
        (
            "\u{00D9}\u{00DA}\u{00DB}\u{00DC}\u{00F9}\u{00FA}\u{00FB}\u{00FC}\u{0168}\u{0169}\u{016A}\u{016B}\u{016C}\u{016D}\u{016E}\u{016F}\u{0170}\u{0171}\u{0172}\u{0173}",
            "uuuuuuuuuuuuuuuuuuuu",
        ),
        ("\u{0174}\u{0175}", "ww"),
        ("\u{00DD}\u{00FD}\u{00FF}\u{0176}\u{0177}\u{0178}", "yyyyyy"),
        ("\u{0179}\u{017A}\u{017B}\u{017C}\u{017D}\u{017E}", "zzzzzz"),
        (
            "a\u{0009}\nb\u{000B}c\u{000C}d\re\u{0085}f\u{00A0}g\u{1680}h\u{2000}i\u{2001}j\u{2002}k\u{2003}l\u{2004}m\u{2005}n\u{2006}o\u{2007}p\u{2008}q\u{2009}r\u{200A}s\u{2028}t\u{2029}u\u{202F}v\u{205F}w\u{3000}z",
            "a b c d e f g h i j k l m n o p q r s t u v w z",
        ),
        (
            "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ",
            "aaaaaaaeceeeeiiiidnooooooeuuuuythssaaaaaaaeceeeeiiiidnooooooeuuuuythy",
        ),
        (
            "ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ",
            "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiijijjjkkkllllllllllnnnnnnnnnoooooooeoerrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs",
        ),
        (
            "ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗ",
            "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppp",
        ),
        (
            "ṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕ",
            "rrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzz",
        ),
        (
            "ẖẗẘẙẚẛẜẝẞẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệ",
            "htwyasssssaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeee",
        ),
        ("", ""),
    ];

    #[test]
    fn openrefine_keyer_test_cases() {
        for (input, key) in OPENREFINE_CASES {
            assert_eq!(fingerprint(input), *key, "fingerprint of {input:?}");
        }
    }

    #[test]
    fn issue_12_cases() {
        for (input, key) in [
            ("ÆØ", "aeoe"),
            ("©ß", "css"),
            ("ﬁ", "fi"),
            ("Ð Þ Ƿ ı", "d i th w"),
            // Symbols stay; punctuation goes; modifier symbols (^ `) go with the diacritics.
            ("$5 + <a> = |b| ~c", "$5 + <a> = |b| ~c"),
            ("a^b`c", "abc"),
            ("a.b-c, d!", "abc d"),
            // Combining marks outside U+0300..=U+036F stay (OpenRefine's block, not category Mn).
            ("a\u{1DC0}", "a\u{1DC0}"),
            // Java's split keeps a leading empty token once punctuation exposes whitespace.
            ("- John  Smith", " john smith"),
            ("John Smith -", "john smith"),
            ("-", ""),
            ("", ""),
            // İ lowercases to i + U+0307, whose mark goes.
            ("İstanbul", "istanbul"),
            // U+1F600 sorts after U+FFFD by code point but before it in UTF-16, as in Java.
            ("\u{FFFD} \u{1F600}", "\u{1F600} \u{FFFD}"),
        ] {
            assert_eq!(fingerprint(input), key, "fingerprint of {input:?}");
        }
    }
}
