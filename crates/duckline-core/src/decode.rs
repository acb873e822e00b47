//! Text encodings of imported CSV bytes: which one they use and their UTF-8 transcoding, with the
//! WHATWG Encoding Standard's decoders (the `encoding_rs` crate), before DuckDB reads them (DuckDB's
//! `read_csv` reads UTF-8 only).
//!
//! The guess, in this order (the rules browsers apply to a page without a declared charset, minus
//! their locale heuristics):
//! 1. a byte order mark: UTF-8 (`EF BB BF`), UTF-16LE (`FF FE`), UTF-16BE (`FE FF`);
//! 2. bytes that are valid UTF-8: UTF-8;
//! 3. anything else: windows-1252 (what Excel on Western Windows writes; every byte decodes).
//!
//! UTF-16 without a byte order mark is not guessed (its NUL bytes make the file "binary"): name it
//! with `CsvOptions.encoding`. A named encoding (a WHATWG label, case-insensitive: `"utf-8"`,
//! `"utf-16le"`, `"latin1"`, `"shift_jis"`...) is used as given; a byte order mark of that same
//! encoding is dropped. Following the WHATWG standard, `"iso-8859-1"`, `"latin1"` and `"ascii"`
//! name windows-1252 and `"utf-16"` names UTF-16LE.

use std::borrow::Cow;

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, WINDOWS_1252};

use crate::{Error, Result};

/// CSV bytes as UTF-8, and the encoding they were decoded from.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text as UTF-8 bytes, without a byte order mark (borrowed when the input was UTF-8).
    pub text: Cow<'a, [u8]>,
    /// The encoding's WHATWG name in lower case, e.g. `"utf-8"`, `"utf-16le"`, `"windows-1252"`:
    /// itself a label that names the same encoding again.
    pub encoding: String,
}

/// Decodes `bytes` from the encoding `label` names, or from the guessed one when `None` (the
/// module's rules).
///
/// Errors: [`Error::InvalidCommand`] for a label the WHATWG standard does not know (or its
/// "replacement" encoding, which decodes nothing); [`Error::InvalidInput`] when the bytes are not
/// valid in the named encoding (no byte is ever replaced by U+FFFD: a wrong guess or label is an
/// error, never a silent change of the data).
pub fn decode<'a>(bytes: &'a [u8], label: Option<&str>) -> Result<Decoded<'a>> {
    let (encoding, body) = match label {
        Some(label) => {
            let encoding = Encoding::for_label(label.trim().as_bytes())
                .filter(|e| *e != REPLACEMENT)
                .ok_or_else(|| {
                    Error::InvalidCommand(format!(
                        "CSV option encoding must be a WHATWG encoding label such as \"utf-8\", \
                         \"utf-16le\" or \"windows-1252\", got {label:?}"
                    ))
                })?;
            let bom = match Encoding::for_bom(bytes) {
                Some((e, len)) if e == encoding => len,
                _ => 0,
            };
            (encoding, &bytes[bom..])
        }
        None => match Encoding::for_bom(bytes) {
            Some((encoding, len)) => (encoding, &bytes[len..]),
            None if std::str::from_utf8(bytes).is_ok() => {
                // Validated as a whole: no second pass over hundreds of megabytes.
                return Ok(Decoded {
                    encoding: UTF_8.name().to_ascii_lowercase(),
                    text: Cow::Borrowed(bytes),
                });
            }
            None => (WINDOWS_1252, bytes),
        },
    };
    let name = encoding.name().to_ascii_lowercase();
    let text = if encoding == UTF_8 {
        std::str::from_utf8(body)
            .map_err(|e| {
                Error::InvalidInput(format!(
                    "the file is not valid UTF-8 (byte {} is not): name its encoding with the \
                     encoding option",
                    e.valid_up_to()
                ))
            })
            .map(|_| Cow::Borrowed(body))?
    } else {
        match encoding.decode_without_bom_handling_and_without_replacement(body) {
            Some(Cow::Borrowed(s)) => Cow::Borrowed(s.as_bytes()),
            Some(Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
            None => {
                return Err(Error::InvalidInput(format!(
                    "the file is not valid {name}: name its encoding with the encoding option"
                )));
            }
        }
    };
    Ok(Decoded {
        text,
        encoding: name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], label: Option<&str>) -> (String, String) {
        let d = decode(bytes, label).expect("decodes");
        (
            String::from_utf8(d.text.into_owned()).expect("utf-8"),
            d.encoding,
        )
    }

    #[test]
    fn guesses_by_bom_then_utf8_then_windows_1252() {
        let s = "a,b\nM\u{fc}ller,\u{20ac}\n";
        assert_eq!(text(s.as_bytes(), None), (s.into(), "utf-8".into()));
        let bom = [b"\xef\xbb\xbf".as_slice(), s.as_bytes()].concat();
        assert_eq!(text(&bom, None), (s.into(), "utf-8".into()));
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&le, None), (s.into(), "utf-16le".into()));
        let be: Vec<u8> = [0xfe, 0xff]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&be, None), (s.into(), "utf-16be".into()));
        let cp1252 = b"a,b\nM\xfcller,\x80 \x93q\x94\n";
        assert_eq!(
            text(cp1252, None),
            (
                "a,b\nM\u{fc}ller,\u{20ac} \u{201c}q\u{201d}\n".into(),
                "windows-1252".into()
            )
        );
    }

    #[test]
    fn a_label_overrides_the_guess() {
        // Valid UTF-8 read as windows-1252 on request: mojibake, as asked.
        assert_eq!(
            text("\u{fc}".as_bytes(), Some("ISO-8859-1")),
            ("\u{c3}\u{bc}".into(), "windows-1252".into())
        );
        let le: Vec<u8> = "a\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            text(&le, Some("utf-16le")),
            ("a\n".into(), "utf-16le".into())
        );
        assert_eq!(text(b"\xef\xbb\xbfa", Some("utf8")).0, "a");
    }

    #[test]
    fn bad_labels_and_bytes_are_errors() {
        for label in ["utf-42", "", "iso-2022-kr"] {
            let e = decode(b"a", Some(label)).expect_err(label);
            assert_eq!(e.code(), crate::ErrorCode::InvalidCommand, "{label}");
        }
        let e = decode(b"a\xff", Some("utf-8")).expect_err("not utf-8");
        assert_eq!(e.code(), crate::ErrorCode::InvalidInput);
        // An unpaired surrogate.
        let e = decode(&[0x00, 0xd8, 0x41, 0x00], Some("utf-16le")).expect_err("surrogate");
        assert_eq!(e.code(), crate::ErrorCode::InvalidInput);
    }
}
