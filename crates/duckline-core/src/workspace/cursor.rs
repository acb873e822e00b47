//! Cursor codecs: the opaque strings `rows` and diff pages hand out to continue after a row.

use base64::Engine as _;

use crate::{Error, Result};

pub(super) fn encode_cursor(order: f64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{:016x}", order.to_bits()))
}

pub(super) fn decode_cursor(cursor: &str) -> Result<f64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.strip_prefix("o:")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
        })
        .map(f64::from_bits)
        .ok_or_else(|| Error::InvalidCommand(format!("not a row cursor: {cursor:?}")))
}

pub(super) fn encode_diff_cursor(pos: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("d:{pos}"))
}

pub(super) fn decode_diff_cursor(cursor: &str) -> Result<i64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("d:").and_then(|p| p.parse().ok()))
        .ok_or_else(|| Error::InvalidCommand(format!("not a diff cursor: {cursor:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor(12.5);
        assert_eq!(decode_cursor(&c).unwrap(), 12.5);
        assert_eq!(
            decode_cursor("zz").unwrap_err().code(),
            crate::ErrorCode::InvalidCommand
        );
    }
}
