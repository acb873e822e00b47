//! COMMANDS.md "Privacy" (tier 1): hashing, redaction and masking of personal data.

use serde::{Deserialize, Serialize};

use super::params::{PlanCx, physical};
use super::{CellsPlan, CommandSpec, Plan};
use crate::Result;
use crate::sql::dates::{self, DateOrder};
use crate::sql::{self, types};

/// `hash`: lowercase hex SHA-256 of `secret + value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hash {
    /// Column name.
    pub column: String,
    /// Secret prepended to every value.
    pub secret: String,
}

impl CommandSpec for Hash {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Hash {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let secret = sql::literal(&self.secret);
        cx.text_cells(&self.column, |v| format!("sha256({secret} || {v})"))
    }
}

/// `redact`: every non-NULL value becomes `[REDACTED]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
