//! Parameter types shared by several commands (`replace`'s match mode, `filter_rows`' operators,
//! `mass_edit`'s groups), their serde defaults, and [`PlanCx`]: what a command's `plan` sees of the
//! table and the idioms most plans share.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Plan;
use crate::schema::{self, ColumnMeta};
use crate::sql;
use crate::{Error, Result};

/// How `replace` matches `find` (COMMANDS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Every occurrence of the text.
    Contains,
    /// The whole value equals the text.
    Exact,
    /// RE2 pattern, every match.
    Regex,
}

/// `filter_rows` operators (COMMANDS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum FilterOperator {
    /// Equal.
    #[serde(rename = "=")]
    Eq,
    /// Not equal.
    #[serde(rename = "!=", alias = "<>")]
    Ne,
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// Less than or equal.
    #[serde(rename = "<=")]
    Le,
    /// Greater than.
    #[serde(rename = ">")]
    Gt,
    /// Greater than or equal.
    #[serde(rename = ">=")]
    Ge,
    /// Text form contains the value.
    #[serde(rename = "contains")]
    Contains,
    /// Text form starts with the value.
    #[serde(rename = "starts_with")]
    StartsWith,
    /// Text form ends with the value.
    #[serde(rename = "ends_with")]
    EndsWith,
    /// The cell is NULL.
    #[serde(rename = "is_null")]
    IsNull,
    /// The cell is not NULL.
    #[serde(rename = "is_not_null")]
    IsNotNull,
}

impl FilterOperator {
    /// The operator as written in commands, e.g. `>=`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Contains => "contains",
            Self::StartsWith => "starts_with",
            Self::EndsWith => "ends_with",
            Self::IsNull => "is_null",
            Self::IsNotNull => "is_not_null",
        }
    }
}

/// One group of a `mass_edit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MassEditGroup {
    /// Values replaced.
    pub from: Vec<String>,
    /// Their replacement.
    pub to: String,
}

pub(super) fn default_true() -> bool {
    true
}

pub(super) fn default_separator() -> String {
    " ".into()
}

pub(super) fn default_varchar() -> String {
    "VARCHAR".into()
}

/// What a command's `plan` sees: the table's visible schema, with the lookups plans share.
#[derive(Clone, Copy, Debug)]
pub struct PlanCx<'a> {
    /// The visible columns, in display order.
    pub schema: &'a [ColumnMeta],
}

impl<'a> PlanCx<'a> {
    /// The column named `name`. Errors: [`Error::NotFound`].
    pub fn column(&self, name: &str) -> Result<&'a ColumnMeta> {
        schema::find_column(self.schema, name)
    }

    /// The column named `name` and SQL for its value as VARCHAR (the input of every text
    /// command). Errors: [`Error::NotFound`].
    pub fn text(&self, name: &str) -> Result<(ColumnMeta, String)> {
        let meta = self.column(name)?;
        Ok((meta.clone(), format!("CAST({} AS VARCHAR)", physical(meta))))
    }

    /// A plan rewriting the text column `name` with `expression(v)`, where `v` is its VARCHAR
    /// value. Errors: [`Error::NotFound`].
    pub fn text_cells(&self, name: &str, expression: impl FnOnce(&str) -> String) -> Result<Plan> {
        let (meta, v) = self.text(name)?;
        Ok(Plan::cells(meta, expression(&v)))
    }

    /// Rejects a new column name that is empty or clashes. Errors: [`Error::InvalidCommand`].
    pub fn check_new_name(&self, name: &str, except: Option<u32>) -> Result<()> {
        schema::check_new_name(self.schema, name, except)
    }
}

/// The quoted physical DuckDB column of `meta`, e.g. `"c3"`.
#[must_use]
pub fn physical(meta: &ColumnMeta) -> String {
    sql::ident(&sql::column_name(meta.id))
}

/// A JSON value as a SQL literal: strings quoted, numbers and booleans as text, null as NULL.
/// Errors: [`Error::InvalidCommand`] naming `op` for arrays and objects.
pub fn json_literal(value: &serde_json::Value, op: &str) -> Result<String> {
    Ok(match value {
        serde_json::Value::Null => "NULL".into(),
        serde_json::Value::String(s) => sql::literal(s),
        serde_json::Value::Number(n) => sql::literal(&n.to_string()),
        serde_json::Value::Bool(b) => sql::literal(if *b { "true" } else { "false" }),
        other => {
            return Err(Error::InvalidCommand(format!(
                "{op}: a value must be a string, number, boolean or null, got {other}"
            )));
        }
    })
}
