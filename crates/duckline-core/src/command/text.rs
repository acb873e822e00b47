//! COMMANDS.md "Text" (tier 1): whitespace, case, accents, find and replace, padding. Every one
//! rewrites the cells of one column from their VARCHAR value ([`PlanCx::text_cells`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::params::{MatchMode, PlanCx, default_true, json_literal};
use super::{CellsPlan, CommandSpec, Plan};
use crate::sql::{self, text};
use crate::{Error, Result};

/// `trim`: strip leading and trailing Unicode whitespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "TrimParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Trim {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Trim {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Trim {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let chars = sql::literal(sql::UNICODE_WHITESPACE);
        cx.text_cells(&self.column, |v| format!("trim({v}, {chars})"))
    }
}

/// `uppercase`: Unicode upper case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "UppercaseParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Uppercase {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Uppercase {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Uppercase {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| format!("upper({v})"))
    }
}

/// `lowercase`: Unicode lower case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "LowercaseParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lowercase {
    /// Column name.
    pub column: String,
}

impl CommandSpec for Lowercase {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Lowercase {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| format!("lower({v})"))
    }
}

/// `collapse_spaces`: every run of whitespace becomes one space (no trim).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "CollapseSpacesParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollapseSpaces {
    /// Column name.
    pub column: String,
}

impl CommandSpec for CollapseSpaces {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Collapse spaces in {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let class = sql::literal(&format!("{}+", text::whitespace_class()));
        cx.text_cells(&self.column, |v| {
            format!("regexp_replace({v}, {class}, ' ', 'g')")
        })
    }
}

/// `title_case`: each whitespace-separated word: first character upper, rest lower.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "TitleCaseParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TitleCase {
    /// Column name.
    pub column: String,
}

impl CommandSpec for TitleCase {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Title case {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let ws = text::whitespace_class();
        let tokens = sql::literal(&format!("{ws}+|[^{}]+", &ws[1..ws.len() - 1]));
        cx.text_cells(&self.column, |v| {
            format!(
                "CASE WHEN {v} IS NULL THEN NULL ELSE array_to_string(list_transform(regexp_extract_all({v}, {tokens}), _dl_w -> upper(left(_dl_w, 1)) || lower(substring(_dl_w, 2))), '') END"
            )
        })
    }
}

/// `sentence_case`: first character of the value upper, rest lower.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "SentenceCaseParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SentenceCase {
    /// Column name.
    pub column: String,
}

impl CommandSpec for SentenceCase {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Sentence case {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| {
            format!("upper(left({v}, 1)) || lower(substring({v}, 2))")
        })
    }
}

/// `remove_accents`: decompose and drop combining marks (DuckDB `strip_accents`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "RemoveAccentsParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveAccents {
    /// Column name.
    pub column: String,
}

impl CommandSpec for RemoveAccents {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Remove accents from {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.text_cells(&self.column, |v| format!("strip_accents({v})"))
    }
}

/// `remove_non_printable`: drop control characters (Unicode Cc) and zero-width characters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "RemoveNonPrintableParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveNonPrintable {
    /// Column name.
    pub column: String,
}

impl CommandSpec for RemoveNonPrintable {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Remove non-printable characters from {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let class = sql::literal(r"[\p{Cc}\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]");
        cx.text_cells(&self.column, |v| {
            format!("regexp_replace({v}, {class}, '', 'g')")
        })
    }
}

/// `replace`: find and replace (contains, exact or RE2 regex); step-less when nothing matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ReplaceParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replace {
    /// Column name.
    pub column: String,
    /// Text (or pattern) to find.
    pub find: String,
    /// Replacement; `$1` inserts a regex group.
    pub replace_with: String,
    /// How `find` matches.
    #[serde(rename = "match")]
    pub match_mode: MatchMode,
    /// Case-sensitive matching (default true).
    #[serde(default = "default_true")]
    #[ts(optional = nullable)]
    pub case_sensitive: bool,
}

impl CommandSpec for Replace {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!(
            "Replace {:?} with {:?} in {}",
            self.find, self.replace_with, self.column
        )
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let (meta, v) = cx.text(&self.column)?;
        let expression = self.expression(&v)?;
        Ok(Plan::Cells(CellsPlan {
            stepless_when_unchanged: true,
            ..CellsPlan::new(meta, expression)
        }))
    }
}

impl Replace {
    fn expression(&self, v: &str) -> Result<String> {
        let (find, with) = (&self.find, &self.replace_with);
        let flags = if self.case_sensitive { "'g'" } else { "'gi'" };
        Ok(match self.match_mode {
            MatchMode::Contains if find.is_empty() => {
                return Err(Error::InvalidCommand(
                    "replace: find must not be empty".into(),
                ));
            }
            MatchMode::Contains if self.case_sensitive => {
                format!(
                    "replace({v}, {}, {})",
                    sql::literal(find),
                    sql::literal(with)
                )
            }
            MatchMode::Contains => format!(
                "regexp_replace({v}, {}, {}, {flags})",
                sql::literal(&text::regex_escape(find)),
                sql::literal(&text::literal_rewrite(with))
            ),
            MatchMode::Exact => {
                let condition = if self.case_sensitive {
                    format!("{v} = {}", sql::literal(find))
                } else {
                    format!("lower({v}) = lower({})", sql::literal(find))
                };
                format!(
                    "CASE WHEN {condition} THEN {} ELSE {v} END",
                    sql::literal(with)
                )
            }
            MatchMode::Regex => {
                let groups = text::check_regex(find)?;
                let rewrite = text::group_rewrite(with, groups)?;
                format!(
                    "regexp_replace({v}, {}, {}, {flags})",
                    sql::literal(find),
                    sql::literal(&rewrite)
                )
            }
        })
    }
}

/// `replace_empty`: NULL, empty or whitespace-only cells become `value`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ReplaceEmptyParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplaceEmpty {
    /// Column name.
    pub column: String,
    /// Replacement (string, number, boolean or null).
    pub value: serde_json::Value,
}

impl CommandSpec for ReplaceEmpty {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        match &self.value {
            serde_json::Value::String(v) => format!("Replace empty {} with {v:?}", self.column),
            other => format!("Replace empty {} with {other}", self.column),
        }
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let (meta, v) = cx.text(&self.column)?;
        let literal = json_literal(&self.value, "replace_empty")?;
        Ok(Plan::cells(
            meta,
            format!(
                "CASE WHEN {} THEN CAST({literal} AS VARCHAR) ELSE {v} END",
                text::is_blank(&v)
            ),
        ))
    }
}

/// `pad_zeros`: left-pad with `0` to `length` characters; longer values are kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "PadZerosParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PadZeros {
    /// Column name.
    pub column: String,
    /// Target length in characters, 1..=64.
    pub length: i64,
}

impl CommandSpec for PadZeros {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Pad {} with zeros to {}", self.column, self.length)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let length = self.length;
        if !(1..=64).contains(&length) {
            return Err(Error::InvalidCommand(format!(
                "pad_zeros: length must be 1..64, got {length}"
            )));
        }
        cx.text_cells(&self.column, |v| {
            format!("CASE WHEN length({v}) >= {length} THEN {v} ELSE lpad({v}, {length}, '0') END")
        })
    }
}
