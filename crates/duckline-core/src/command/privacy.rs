//! COMMANDS.md "Privacy" (tier 1): hashing, redaction and masking of personal data.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use ts_rs::TS;

use super::params::{PlanCx, physical};
use super::{CellsPlan, CommandSpec, Plan};
use crate::sql::dates::{self, DateOrder};
use crate::sql::{self, types};
use crate::{Error, Result};

/// `hash`: lowercase hex HMAC-SHA-256 (RFC 2104 over FIPS 180-4 SHA-256) of the value's UTF-8
/// bytes with the UTF-8 bytes of `secret` as key; NULL stays NULL. The secret is used for the
/// step and forgotten ([`CommandSpec::forget_secrets`]): the stored step, `recipe()` and
/// `StepInfo` carry `secret: null`, and redo and reload use the stored forward delta.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "HashParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hash {
    /// Column name.
    pub column: String,
    /// The HMAC key; required to apply, `null` once applied.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub secret: Option<String>,
}

impl CommandSpec for Hash {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Hash {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let (meta, v) = cx.text(&self.column)?;
        let secret = self.secret.as_deref().ok_or_else(|| {
            Error::InvalidCommand(
                "hash: secret is required (a stored or shared hash step has none: pass it again)"
                    .into(),
            )
        })?;
        Ok(Plan::cells(meta, hmac_sha256_sql(secret.as_bytes(), &v)))
    }
    fn forget_secrets(&mut self) {
        self.secret = None;
    }
}

/// SHA-256's block size in bytes (FIPS 180-4).
const SHA256_BLOCK_BYTES: usize = 64;

/// The inner and outer padded keys of HMAC (RFC 2104 section 2): the key, hashed first when longer
/// than a block, zero-padded to a block, XORed with `0x36` and `0x5c`.
fn hmac_pads(key: &[u8]) -> ([u8; SHA256_BLOCK_BYTES], [u8; SHA256_BLOCK_BYTES]) {
    let mut block = [0u8; SHA256_BLOCK_BYTES];
    if key.len() > SHA256_BLOCK_BYTES {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    (block.map(|b| b ^ 0x36), block.map(|b| b ^ 0x5c))
}

/// SQL for the lowercase hex HMAC-SHA-256 of the VARCHAR SQL `v` under `key`:
/// `H(opad || H(ipad || v))`, with DuckDB's core `sha256` (hex out) and `unhex` (the key never
/// appears in the SQL, only its padded forms, which are as secret: the SQL is never stored).
fn hmac_sha256_sql(key: &[u8], v: &str) -> String {
    let (ipad, opad) = hmac_pads(key);
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    format!(
        "sha256(unhex('{opad}') || unhex(sha256(unhex('{ipad}') || encode({v}))))",
        ipad = hex(&ipad),
        opad = hex(&opad)
    )
}

/// `redact`: every non-NULL value becomes `[REDACTED]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "RedactParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Redact {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Redact {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Redact {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| {
            format!("CASE WHEN {v} IS NULL THEN NULL ELSE '[REDACTED]' END")
        })
    }
}

/// `mask`: first and last character kept, the rest `*`; values of 2 characters or fewer all `*`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "MaskParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mask {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Mask {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Mask {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| {
            format!(
                "CASE WHEN length({v}) <= 2 THEN repeat('*', length({v})) ELSE left({v}, 1) || repeat('*', length({v}) - 2) || right({v}, 1) END"
            )
        })
    }
}

/// `last4`: every character but the last 4 becomes `*`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "Last4Params")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Last4 {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Last4 {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Keep the last 4 characters of {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| {
            format!(
                "CASE WHEN length({v}) <= 4 THEN {v} ELSE repeat('*', length({v}) - 4) || right({v}, 4) END"
            )
        })
    }
}

/// `year_only`: dates (or parseable text, or a bare 4-digit year) to January 1 of their year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "YearOnlyParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YearOnly {
    /// Column name.
    pub column: String,
}

impl CommandSpec for YearOnly {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Keep only the year of {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let date = dates::parse_date_sql(meta, DateOrder::Mdy);
        let expression = if types::is_numeric_type(&meta.data_type)
            || meta.data_type.eq_ignore_ascii_case("VARCHAR")
        {
            let v = format!(
                "trim(CAST({} AS VARCHAR), {})",
                physical(meta),
                sql::literal(sql::UNICODE_WHITESPACE)
            );
            format!(
                "CASE WHEN regexp_full_match({v}, '[0-9]{{4}}') THEN make_date(CAST({v} AS BIGINT), 1, 1) ELSE make_date(year({date}), 1, 1) END"
            )
        } else {
            format!("make_date(year({date}), 1, 1)")
        };
        Ok(Plan::Cells(CellsPlan {
            null_warning: Some("could not be parsed as dates"),
            ..CellsPlan::new(meta.clone(), expression)
        }))
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac as _};
    use sha2::{Digest as _, Sha256};

    use super::hmac_pads;

    /// HMAC-SHA-256 computed from our pads with plain SHA-256, as the SQL computes it.
    fn from_pads(key: &[u8], data: &[u8]) -> String {
        let (ipad, opad) = hmac_pads(key);
        let inner = Sha256::new()
            .chain_update(ipad)
            .chain_update(data)
            .finalize();
        let outer = Sha256::new()
            .chain_update(opad)
            .chain_update(inner)
            .finalize();
        outer.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn rfc_4231_test_vectors() {
        let long_key = [0xaa_u8; 131];
        let cases: [(&[u8], &[u8], &str); 6] = [
            (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (
                &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (&long_key, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (
                &long_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(from_pads(key, data), expected);
            let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
            mac.update(data);
            let reference: String = mac
                .finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(reference, expected, "the hmac crate agrees");
        }
    }
}
