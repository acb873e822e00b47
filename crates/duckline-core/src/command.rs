//! The command catalogue (COMMANDS.md): parsing, validation against a schema, labels, tiers, and
//! the SQL plan each command becomes.

use serde::{Deserialize, Serialize};

use crate::model::ColumnMeta;
use crate::sql::{self, ROW_ID};
use crate::{Error, Result};

/// Date order for ambiguous `A/B/YYYY` dates (COMMANDS.md `standardize_date`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month first (US).
    #[default]
    Mdy,
    /// Day first.
    Dmy,
}

/// One command, as JSON `{ "op": ..., ...camelCase parameters }` (COMMANDS.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "op",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Command {
    /// Strip leading and trailing Unicode whitespace.
    Trim {
        /// Column name.
        column: String,
    },
    /// Unicode upper case.
    Uppercase {
        /// Column name.
        column: String,
    },
    /// Unicode lower case.
    Lowercase {
        /// Column name.
        column: String,
    },
    /// Left-pad with `0` to `length` characters; longer values are kept.
    PadZeros {
        /// Column name.
        column: String,
        /// Target length in characters, 1..=64.
        length: i64,
    },
    /// Parse dates in many formats into DATE (or VARCHAR in `format`).
    StandardizeDate {
        /// Column name.
        column: String,
        /// Reading of ambiguous `A/B/YYYY` dates.
        #[serde(default)]
        order: DateOrder,
        /// `"date"` (default) or a strftime pattern such as `%d.%m.%Y`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    /// Completed years at `asOf`, as a new INTEGER column.
    CalculateAge {
        /// Column holding birth dates.
        column: String,
        /// Reference date `YYYY-MM-DD`; filled with today's date when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of: Option<String>,
        /// Name of the new column (default `age`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_column: Option<String>,
    },
    /// Rename a column (schema only).
    RenameColumn {
        /// Current name.
        column: String,
        /// New name.
        new_name: String,
    },
    /// Delete a column (its values go to the undo delta).
    DeleteColumn {
        /// Column name.
        column: String,
    },
    /// Keep the first row of each group of equal rows, in display order.
    RemoveDuplicates {
        /// Columns that define equality (default all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        columns: Option<Vec<String>>,
    },
    /// Delete rows by row id.
    DeleteRows {
        /// Row ids to delete.
        row_ids: Vec<i64>,
    },
    /// Insert one row after a row (or at the top).
    InsertRow {
        /// Row id to insert after; `null` inserts at the top.
        after: Option<i64>,
        /// Values by column name; missing ones are NULL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        values: Option<serde_json::Map<String, serde_json::Value>>,
    },
    /// Set one cell; the value is cast to the column type.
    EditCell {
        /// Row id.
        row_id: i64,
        /// Column name.
        column: String,
        /// New value (string, number, boolean or null).
        value: serde_json::Value,
    },

    /// Every run of whitespace becomes one space (no trim).
    CollapseSpaces {
        /// Column name.
        column: String,
    },
    /// Each whitespace-separated word: first character upper, rest lower.
    TitleCase {
        /// Column name.
        column: String,
    },
    /// First character of the value upper, rest lower.
    SentenceCase {
        /// Column name.
        column: String,
    },
    /// Decompose and drop combining marks.
    RemoveAccents {
        /// Column name.
        column: String,
    },
    /// Drop control characters (Unicode Cc) and zero-width characters.
    RemoveNonPrintable {
        /// Column name.
        column: String,
    },
    /// Find and replace (contains, exact or RE2 regex).
    Replace {
        /// Column name.
        column: String,
        /// Text (or pattern) to find.
        find: String,
        /// Replacement; `$1` inserts a regex group.
        replace_with: String,
        /// How `find` matches.
        #[serde(rename = "match")]
        match_mode: MatchMode,
        /// Case-sensitive matching (default true).
        #[serde(default = "default_true")]
        case_sensitive: bool,
    },
    /// NULL, empty or whitespace-only cells become `value`.
    ReplaceEmpty {
        /// Column name.
        column: String,
        /// Replacement (string, number, boolean or null).
        value: serde_json::Value,
    },
    /// Money text to DOUBLE.
    UnformatCurrency {
        /// Column name.
        column: String,
    },
    /// `(500)` and `500-` to -500, as DOUBLE.
    FixNegatives {
        /// Column name.
        column: String,
    },
    /// `TRY_CAST` to a type; failures become NULL with a warning.
    CastType {
        /// Column name.
        column: String,
        /// VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), BOOLEAN, DATE or TIMESTAMP.
        #[serde(rename = "type")]
        data_type: String,
    },
    /// NULL or empty cells take the last non-empty value above them.
    FillDown {
        /// Column name.
        column: String,
    },
    /// Lowercase hex SHA-256 of `secret + value`.
    Hash {
        /// Column name.
        column: String,
        /// Secret prepended to every value.
        secret: String,
    },
    /// Every non-NULL value becomes `[REDACTED]`.
    Redact {
        /// Column name.
        column: String,
    },
    /// First and last character kept, the rest `*`.
    Mask {
        /// Column name.
        column: String,
    },
    /// Every character but the last 4 becomes `*`.
    Last4 {
        /// Column name.
        column: String,
    },
    /// Dates to January 1 of their year.
    YearOnly {
        /// Column name.
        column: String,
    },
    /// A new VARCHAR column joining columns with a separator (NULL parts skipped).
    CombineColumns {
        /// Columns joined, in order.
        columns: Vec<String>,
        /// Separator (default one space).
        #[serde(default = "default_separator")]
        separator: String,
        /// Name of the new column.
        new_column: String,
    },
    /// New VARCHAR columns `<column>_1` .. `<column>_n` holding the parts of a column split on a
    /// delimiter: `n` is the most parts any value has, capped by `maxParts`; the last part keeps
    /// the rest (delimiters included). The original column stays.
    SplitColumn {
        /// Column name.
        column: String,
        /// Literal delimiter (not a pattern), non-empty.
        delimiter: String,
        /// At most this many parts (2..=[`MAX_SPLIT_PARTS`]); without it the data decides, up to
        /// [`MAX_SPLIT_PARTS`] (more is refused with `InvalidCommand`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_parts: Option<u32>,
    },
    /// A new column holding one constant value.
    AddColumn {
        /// Name of the new column.
        name: String,
        /// Its type (default VARCHAR).
        #[serde(rename = "type", default = "default_varchar")]
        data_type: String,
        /// Its value (default NULL).
        #[serde(default)]
        value: serde_json::Value,
    },
    /// New column order (every column exactly once).
    ReorderColumns {
        /// All column names in their new order.
        columns: Vec<String>,
    },
    /// Keep (or drop) the rows matching a condition on one column.
    FilterRows {
        /// Column name.
        column: String,
        /// Comparison.
        operator: FilterOperator,
        /// Operand (absent for `is_null` / `is_not_null`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<serde_json::Value>,
        /// True keeps the matching rows, false drops them.
        #[serde(default = "default_true")]
        keep: bool,
    },
    /// Every cell equal to one of `from` becomes `to`.
    MassEdit {
        /// Column name.
        column: String,
        /// The edits, applied first match first.
        edits: Vec<MassEditGroup>,
    },
    /// One UPDATE, DELETE, INSERT or ALTER TABLE statement on the table, written `{table}`
    /// (checked by [`crate::custom_sql::check`]); its undo is a full-table snapshot.
    CustomSql {
        /// The statement.
        sql: String,
    },
}

/// Most columns one `split_column` may create.
pub const MAX_SPLIT_PARTS: u32 = 64;

/// How `replace` matches `find` (COMMANDS.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MassEditGroup {
    /// Values replaced.
    pub from: Vec<String>,
    /// Their replacement.
    pub to: String,
}

fn default_true() -> bool {
    true
}

fn default_separator() -> String {
    " ".into()
}

fn default_varchar() -> String {
    "VARCHAR".into()
}

/// What running a command does to the table, by delta kind (DESIGN.md, "Steps, deltas and undo").
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Rewrite cells of one existing column with `expression` (SQL over the physical columns).
    /// The result type may differ from the column type (a retype).
    Cells {
        /// The column rewritten.
        column: ColumnMeta,
        /// New value of the cell, SQL over the physical columns of the table.
        expression: String,
        /// Warning text for values that were non-empty and became NULL, e.g. "could not be parsed
        /// as dates"; `None` when NULLs are not a failure.
        null_warning: Option<&'static str>,
        /// Only rows matching this SQL predicate are considered (e.g. one row id).
        filter: Option<String>,
        /// A step that changes nothing is step-less (COMMANDS.md: `edit_cell` with the same value).
        stepless_when_unchanged: bool,
        /// A SQL literal that must cast to the column type (`edit_cell`), else `InvalidCommand`.
        cast_check: Option<String>,
    },
    /// Add a column computed by `expression`.
    AddColumn {
        /// Display name of the new column.
        name: String,
        /// SQL over the physical columns.
        expression: String,
        /// Warning text for non-empty inputs that gave NULL.
        null_warning: Option<&'static str>,
        /// Input column whose non-empty values count for `null_warning`.
        source: ColumnMeta,
        /// SQL computed once per row as `_dl_h` before `expression` runs (e.g. the parsed date).
        helper: Option<String>,
    },
    /// Delete a column.
    DeleteColumn {
        /// The column deleted.
        column: ColumnMeta,
    },
    /// Schema-only change: the new visible schema (same ids, new names/order).
    Schema {
        /// Schema after the step.
        schema: Vec<ColumnMeta>,
    },
    /// Delete the rows selected by `selector` (a query returning `_row_id`).
    DeleteRows {
        /// SQL query returning one `_row_id` column.
        selector: String,
        /// Step-less when nothing matches (`remove_duplicates`).
        stepless_when_unchanged: bool,
        /// Rows the selector must find (`delete_rows`: every id given), else `NotFound`.
        expected_row_count: Option<u64>,
    },
    /// Insert one row.
    InsertRow {
        /// Row id to insert after, `None` = top.
        after: Option<i64>,
        /// `(column, SQL literal or NULL)` for each column given.
        values: Vec<(ColumnMeta, String)>,
    },
    /// Add `<column>_1` .. `<column>_n` from the parts of `column`; `n` is known only from the data.
    SplitColumn {
        /// The column split.
        column: ColumnMeta,
        /// Literal delimiter.
        delimiter: String,
        /// Cap on the number of parts.
        max_parts: Option<u32>,
    },
    /// Run a checked statement on a working copy of the table; undo and redo are snapshots.
    CustomSql {
        /// The statement.
        statement: crate::custom_sql::CheckedStatement,
    },
}

impl Command {
    /// Parses a command from its JSON form. Errors: [`Error::InvalidCommand`] naming the unknown op
    /// or the missing/bad parameter.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let op = value
            .get("op")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        serde_json::from_value(value).map_err(|e| match op {
            None => Error::InvalidCommand("a command needs an \"op\" string".into()),
            Some(op) => {
                let text = e.to_string();
                if text.starts_with("unknown variant") {
                    Error::InvalidCommand(format!("unknown op {op:?}"))
                } else {
                    Error::InvalidCommand(format!("{op}: {text}"))
                }
            }
        })
    }

    /// The op name, e.g. `trim`.
    #[must_use]
    pub fn op(&self) -> &'static str {
        match self {
            Self::Trim { .. } => "trim",
            Self::Uppercase { .. } => "uppercase",
            Self::Lowercase { .. } => "lowercase",
            Self::PadZeros { .. } => "pad_zeros",
            Self::StandardizeDate { .. } => "standardize_date",
            Self::CalculateAge { .. } => "calculate_age",
            Self::RenameColumn { .. } => "rename_column",
            Self::DeleteColumn { .. } => "delete_column",
            Self::RemoveDuplicates { .. } => "remove_duplicates",
            Self::DeleteRows { .. } => "delete_rows",
            Self::InsertRow { .. } => "insert_row",
            Self::EditCell { .. } => "edit_cell",
            Self::CollapseSpaces { .. } => "collapse_spaces",
            Self::TitleCase { .. } => "title_case",
            Self::SentenceCase { .. } => "sentence_case",
            Self::RemoveAccents { .. } => "remove_accents",
            Self::RemoveNonPrintable { .. } => "remove_non_printable",
            Self::Replace { .. } => "replace",
            Self::ReplaceEmpty { .. } => "replace_empty",
            Self::UnformatCurrency { .. } => "unformat_currency",
            Self::FixNegatives { .. } => "fix_negatives",
            Self::CastType { .. } => "cast_type",
            Self::FillDown { .. } => "fill_down",
            Self::Hash { .. } => "hash",
            Self::Redact { .. } => "redact",
            Self::Mask { .. } => "mask",
            Self::Last4 { .. } => "last4",
            Self::YearOnly { .. } => "year_only",
            Self::CombineColumns { .. } => "combine_columns",
            Self::SplitColumn { .. } => "split_column",
            Self::AddColumn { .. } => "add_column",
            Self::ReorderColumns { .. } => "reorder_columns",
            Self::FilterRows { .. } => "filter_rows",
            Self::MassEdit { .. } => "mass_edit",
            Self::CustomSql { .. } => "custom_sql",
        }
    }

    /// Tier of COMMANDS.md: 1 rewrites cells, 2 schema only, 3 rows or the whole table.
    #[must_use]
    pub fn tier(&self) -> u8 {
        match self {
            Self::RenameColumn { .. }
            | Self::DeleteColumn { .. }
            | Self::AddColumn { .. }
            | Self::ReorderColumns { .. } => 2,
            Self::RemoveDuplicates { .. }
            | Self::DeleteRows { .. }
            | Self::InsertRow { .. }
            | Self::FilterRows { .. }
            | Self::CustomSql { .. } => 3,
            _ => 1,
        }
    }

    /// Human label for the timeline, e.g. "Trim name".
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Trim { column } => format!("Trim {column}"),
            Self::Uppercase { column } => format!("Uppercase {column}"),
            Self::Lowercase { column } => format!("Lowercase {column}"),
            Self::PadZeros { column, length } => format!("Pad {column} with zeros to {length}"),
            Self::StandardizeDate { column, .. } => format!("Standardize dates in {column}"),
            Self::CalculateAge {
                column, new_column, ..
            } => {
                format!(
                    "Calculate {} from {column}",
                    new_column.as_deref().unwrap_or("age")
                )
            }
            Self::RenameColumn { column, new_name } => format!("Rename {column} to {new_name}"),
            Self::DeleteColumn { column } => format!("Delete column {column}"),
            Self::RemoveDuplicates { columns: None } => "Remove duplicate rows".into(),
            Self::RemoveDuplicates { columns: Some(c) } => {
                format!("Remove duplicates by {}", c.join(", "))
            }
            Self::DeleteRows { row_ids } => match row_ids.len() {
                1 => "Delete 1 row".into(),
                n => format!("Delete {n} rows"),
            },
            Self::InsertRow { .. } => "Insert row".into(),
            Self::EditCell { row_id, column, .. } => format!("Edit {column} of row {row_id}"),
            Self::CollapseSpaces { column } => format!("Collapse spaces in {column}"),
            Self::TitleCase { column } => format!("Title case {column}"),
            Self::SentenceCase { column } => format!("Sentence case {column}"),
            Self::RemoveAccents { column } => format!("Remove accents from {column}"),
            Self::RemoveNonPrintable { column } => {
                format!("Remove non-printable characters from {column}")
            }
            Self::Replace {
                column,
                find,
                replace_with,
                ..
            } => format!("Replace {find:?} with {replace_with:?} in {column}"),
            Self::ReplaceEmpty { column, value } => match value {
                serde_json::Value::String(v) => format!("Replace empty {column} with {v:?}"),
                other => format!("Replace empty {column} with {other}"),
            },
            Self::UnformatCurrency { column } => format!("Unformat currency in {column}"),
            Self::FixNegatives { column } => format!("Fix negative numbers in {column}"),
            Self::CastType { column, data_type } => {
                format!(
                    "Change type of {column} to {}",
                    data_type.trim().to_uppercase()
                )
            }
            Self::FillDown { column } => format!("Fill down {column}"),
            Self::Hash { column, .. } => format!("Hash {column}"),
            Self::Redact { column } => format!("Redact {column}"),
            Self::Mask { column } => format!("Mask {column}"),
            Self::Last4 { column } => format!("Keep the last 4 characters of {column}"),
            Self::YearOnly { column } => format!("Keep only the year of {column}"),
            Self::CombineColumns {
                columns,
                new_column,
                ..
            } => format!("Combine {} into {new_column}", columns.join(", ")),
            Self::SplitColumn {
                column, delimiter, ..
            } => format!("Split {column} on {delimiter:?}"),
            Self::AddColumn { name, .. } => format!("Add column {name}"),
            Self::ReorderColumns { .. } => "Reorder columns".into(),
            Self::FilterRows {
                column,
                operator,
                value,
                keep,
            } => {
                let verb = if *keep { "Keep" } else { "Remove" };
                let op = operator.as_str();
                match value {
                    Some(serde_json::Value::String(v)) => {
                        format!("{verb} rows where {column} {op} {v:?}")
                    }
                    Some(serde_json::Value::Null) | None => {
                        format!("{verb} rows where {column} {op}")
                    }
                    Some(v) => format!("{verb} rows where {column} {op} {v}"),
                }
            }
            Self::MassEdit { column, edits } => {
                let n: usize = edits.iter().map(|e| e.from.len()).sum();
                match n {
                    1 => format!("Edit 1 value of {column}"),
                    n => format!("Edit {n} values of {column}"),
                }
            }
            Self::CustomSql { sql } => {
                let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                if one_line.chars().count() > 60 {
                    let short: String = one_line.chars().take(59).collect();
                    format!("SQL: {short}…")
                } else {
                    format!("SQL: {one_line}")
                }
            }
        }
    }

    /// Whether [`Command::fill_defaults`] needs today's date.
    #[must_use]
    pub fn needs_today(&self) -> bool {
        matches!(self, Self::CalculateAge { as_of: None, .. })
    }

    /// Fills defaults that depend on the moment of applying (`calculate_age.asOf` = `today`, as
    /// `YYYY-MM-DD`), so the stored command replays identically.
    pub fn fill_defaults(&mut self, today: &str) {
        if let Self::CalculateAge { as_of, .. } = self
            && as_of.is_none()
        {
            *as_of = Some(today.to_owned());
        }
    }

    /// Validates the command against `schema` and returns its plan.
    ///
    /// Errors: [`Error::NotFound`] for an unknown column (API.md lists columns under `NotFound`),
    /// [`Error::InvalidCommand`] for a bad parameter or a name clash.
    pub fn plan(&self, schema: &[ColumnMeta]) -> Result<Plan> {
        let text = |column: &str| -> Result<(ColumnMeta, String)> {
            let meta = find_column(schema, column)?;
            let value = format!(
                "CAST({} AS VARCHAR)",
                sql::ident(&sql::column_name(meta.id))
            );
            Ok((meta.clone(), value))
        };
        let cells = |column: ColumnMeta, expression: String| Plan::Cells {
            column,
            expression,
            null_warning: None,
            filter: None,
            stepless_when_unchanged: false,
            cast_check: None,
        };
        Ok(match self {
            Self::Trim { column } => {
                let (meta, v) = text(column)?;
                let chars = sql::literal(sql::UNICODE_WHITESPACE);
                cells(meta, format!("trim({v}, {chars})"))
            }
            Self::Uppercase { column } => {
                let (meta, v) = text(column)?;
                cells(meta, format!("upper({v})"))
            }
            Self::Lowercase { column } => {
                let (meta, v) = text(column)?;
                cells(meta, format!("lower({v})"))
            }
            Self::PadZeros { column, length } => {
                if !(1..=64).contains(length) {
                    return Err(Error::InvalidCommand(format!(
                        "pad_zeros: length must be 1..64, got {length}"
                    )));
                }
                let (meta, v) = text(column)?;
                cells(
                    meta,
                    format!(
                        "CASE WHEN length({v}) >= {length} THEN {v} ELSE lpad({v}, {length}, '0') END"
                    ),
                )
            }
            Self::StandardizeDate {
                column,
                order,
                format,
            } => {
                let meta = find_column(schema, column)?;
                let date = crate::dates::parse_date_sql(meta, *order);
                let expression = match format.as_deref() {
                    None | Some("date") => date,
                    Some(pattern) => {
                        if pattern.is_empty() || !pattern.contains('%') {
                            return Err(Error::InvalidCommand(format!(
                                "standardize_date: format must be \"date\" or a strftime pattern like \"%d.%m.%Y\", got {pattern:?}"
                            )));
                        }
                        format!("strftime({date}, {})", sql::literal(pattern))
                    }
                };
                Plan::Cells {
                    column: meta.clone(),
                    expression,
                    null_warning: Some("could not be parsed as dates"),
                    filter: None,
                    stepless_when_unchanged: false,
                    cast_check: None,
                }
            }
            Self::CalculateAge {
                column,
                as_of,
                new_column,
            } => {
                let meta = find_column(schema, column)?;
                let name = new_column.clone().unwrap_or_else(|| "age".into());
                check_new_name(schema, &name, None)?;
                let as_of = as_of.as_deref().ok_or_else(|| {
                    Error::InvalidCommand("calculate_age: asOf is required".into())
                })?;
                if !crate::dates::is_iso_date(as_of) {
                    return Err(Error::InvalidCommand(format!(
                        "calculate_age: asOf must be YYYY-MM-DD, got {as_of:?}"
                    )));
                }
                Plan::AddColumn {
                    name,
                    expression: crate::dates::age_sql(as_of),
                    null_warning: Some("could not be parsed as dates"),
                    source: meta.clone(),
                    helper: Some(crate::dates::parse_date_sql(meta, DateOrder::Mdy)),
                }
            }
            Self::RenameColumn { column, new_name } => {
                let meta = find_column(schema, column)?;
                check_new_name(schema, new_name, Some(meta.id))?;
                let schema = schema
                    .iter()
                    .map(|c| {
                        let mut c = c.clone();
                        if c.id == meta.id {
                            c.name.clone_from(new_name);
                        }
                        c
                    })
                    .collect();
                Plan::Schema { schema }
            }
            Self::DeleteColumn { column } => {
                let meta = find_column(schema, column)?;
                if schema.len() == 1 {
                    return Err(Error::InvalidCommand(
                        "delete_column: a table keeps at least one column".into(),
                    ));
                }
                Plan::DeleteColumn {
                    column: meta.clone(),
                }
            }
            Self::RemoveDuplicates { columns } => {
                let keys: Vec<&ColumnMeta> = match columns {
                    None => schema.iter().collect(),
                    Some(names) if names.is_empty() => {
                        return Err(Error::InvalidCommand(
                            "remove_duplicates: columns must not be empty (omit it for all columns)"
                                .into(),
                        ));
                    }
                    Some(names) => names
                        .iter()
                        .map(|n| find_column(schema, n))
                        .collect::<Result<_>>()?,
                };
                let partition = keys
                    .iter()
                    .map(|c| sql::ident(&sql::column_name(c.id)))
                    .collect::<Vec<_>>()
                    .join(", ");
                Plan::DeleteRows {
                    selector: format!(
                        "SELECT {ROW_ID} FROM (SELECT {ROW_ID}, row_number() OVER (PARTITION BY {partition} ORDER BY {order}) AS _dl_rank FROM {{table}}) WHERE _dl_rank > 1",
                        order = sql::ORDER_KEY
                    ),
                    stepless_when_unchanged: true,
                    expected_row_count: None,
                }
            }
            Self::DeleteRows { row_ids } => {
                if row_ids.is_empty() {
                    return Err(Error::InvalidCommand("delete_rows: rowIds is empty".into()));
                }
                let list = row_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                Plan::DeleteRows {
                    selector: format!("SELECT {ROW_ID} FROM {{table}} WHERE {ROW_ID} IN ({list})"),
                    stepless_when_unchanged: false,
                    expected_row_count: Some(
                        row_ids
                            .iter()
                            .collect::<std::collections::BTreeSet<_>>()
                            .len() as u64,
                    ),
                }
            }
            Self::InsertRow { after, values } => {
                let mut out = Vec::new();
                for (name, value) in values.iter().flatten() {
                    let meta = find_column(schema, name)?;
                    out.push((meta.clone(), json_literal(value, "insert_row")?));
                }
                Plan::InsertRow {
                    after: *after,
                    values: out,
                }
            }
            Self::EditCell {
                row_id,
                column,
                value,
            } => {
                let meta = find_column(schema, column)?;
                let literal = json_literal(value, "edit_cell")?;
                let physical = sql::ident(&sql::column_name(meta.id));
                Plan::Cells {
                    column: meta.clone(),
                    expression: format!(
                        "CASE WHEN {ROW_ID} = {row_id} THEN TRY_CAST({literal} AS {ty}) ELSE {physical} END",
                        ty = meta.data_type
                    ),
                    null_warning: None,
                    filter: Some(format!("{ROW_ID} = {row_id}")),
                    stepless_when_unchanged: true,
                    cast_check: Some(literal),
                }
            }
            Self::CollapseSpaces { column } => {
                let (meta, v) = text(column)?;
                let class = sql::literal(&format!("{}+", crate::text::whitespace_class()));
                cells(meta, format!("regexp_replace({v}, {class}, ' ', 'g')"))
            }
            Self::TitleCase { column } => {
                let (meta, v) = text(column)?;
                let ws = crate::text::whitespace_class();
                let tokens = sql::literal(&format!("{ws}+|[^{}]+", &ws[1..ws.len() - 1]));
                cells(
                    meta,
                    format!(
                        "CASE WHEN {v} IS NULL THEN NULL ELSE array_to_string(list_transform(regexp_extract_all({v}, {tokens}), _dl_w -> upper(left(_dl_w, 1)) || lower(substring(_dl_w, 2))), '') END"
                    ),
                )
            }
            Self::SentenceCase { column } => {
                let (meta, v) = text(column)?;
                cells(
                    meta,
                    format!("upper(left({v}, 1)) || lower(substring({v}, 2))"),
                )
            }
            Self::RemoveAccents { column } => {
                let (meta, v) = text(column)?;
                cells(meta, format!("strip_accents({v})"))
            }
            Self::RemoveNonPrintable { column } => {
                let (meta, v) = text(column)?;
                let class = sql::literal(r"[\p{Cc}\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]");
                cells(meta, format!("regexp_replace({v}, {class}, '', 'g')"))
            }
            Self::Replace {
                column,
                find,
                replace_with,
                match_mode,
                case_sensitive,
            } => {
                let (meta, v) = text(column)?;
                let flags = if *case_sensitive { "'g'" } else { "'gi'" };
                let expression = match match_mode {
                    MatchMode::Contains => {
                        if find.is_empty() {
                            return Err(Error::InvalidCommand(
                                "replace: find must not be empty".into(),
                            ));
                        }
                        if *case_sensitive {
                            format!(
                                "replace({v}, {}, {})",
                                sql::literal(find),
                                sql::literal(replace_with)
                            )
                        } else {
                            format!(
                                "regexp_replace({v}, {}, {}, {flags})",
                                sql::literal(&crate::text::regex_escape(find)),
                                sql::literal(&crate::text::literal_rewrite(replace_with))
                            )
                        }
                    }
                    MatchMode::Exact => {
                        let condition = if *case_sensitive {
                            format!("{v} = {}", sql::literal(find))
                        } else {
                            format!("lower({v}) = lower({})", sql::literal(find))
                        };
                        format!(
                            "CASE WHEN {condition} THEN {} ELSE {v} END",
                            sql::literal(replace_with)
                        )
                    }
                    MatchMode::Regex => {
                        let groups = crate::text::check_regex(find)?;
                        let rewrite = crate::text::group_rewrite(replace_with, groups)?;
                        format!(
                            "regexp_replace({v}, {}, {}, {flags})",
                            sql::literal(find),
                            sql::literal(&rewrite)
                        )
                    }
                };
                Plan::Cells {
                    column: meta,
                    expression,
                    null_warning: None,
                    filter: None,
                    stepless_when_unchanged: true,
                    cast_check: None,
                }
            }
            Self::ReplaceEmpty { column, value } => {
                let (meta, v) = text(column)?;
                let literal = json_literal(value, "replace_empty")?;
                cells(
                    meta,
                    format!(
                        "CASE WHEN {} THEN CAST({literal} AS VARCHAR) ELSE {v} END",
                        crate::text::is_blank(&v)
                    ),
                )
            }
            Self::UnformatCurrency { column } | Self::FixNegatives { column } => {
                let meta = find_column(schema, column)?;
                let physical = sql::ident(&sql::column_name(meta.id));
                let expression = if crate::text::is_numeric_type(&meta.data_type) {
                    format!("CAST({physical} AS DOUBLE)")
                } else {
                    let v = format!("CAST({physical} AS VARCHAR)");
                    let stripped = if matches!(self, Self::UnformatCurrency { .. }) {
                        let junk = format!(
                            "(?i)USD|EUR|GBP|[$€£¥,]|{}",
                            crate::text::whitespace_class()
                        );
                        format!("regexp_replace({v}, {}, '', 'g')", sql::literal(&junk))
                    } else {
                        format!("trim({v}, {})", sql::literal(sql::UNICODE_WHITESPACE))
                    };
                    crate::text::signed_number_sql(&stripped)
                };
                Plan::Cells {
                    column: meta.clone(),
                    expression,
                    null_warning: Some("could not be parsed as numbers"),
                    filter: None,
                    stepless_when_unchanged: false,
                    cast_check: None,
                }
            }
            Self::CastType { column, data_type } => {
                let meta = find_column(schema, column)?;
                let ty = crate::text::parse_type("cast_type", data_type)?;
                let physical = sql::ident(&sql::column_name(meta.id));
                Plan::Cells {
                    column: meta.clone(),
                    expression: format!("TRY_CAST({physical} AS {ty})"),
                    null_warning: Some(crate::text::cast_warning(&ty)),
                    filter: None,
                    stepless_when_unchanged: false,
                    cast_check: None,
                }
            }
            Self::FillDown { column } => {
                let meta = find_column(schema, column)?;
                let physical = sql::ident(&sql::column_name(meta.id));
                let blank = crate::text::is_blank(&format!("CAST({physical} AS VARCHAR)"));
                cells(
                    meta.clone(),
                    format!(
                        "CASE WHEN {blank} THEN coalesce(last_value(CASE WHEN {blank} THEN NULL ELSE {physical} END IGNORE NULLS) OVER (ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), {physical}) ELSE {physical} END",
                        order = sql::ORDER_KEY
                    ),
                )
            }
            Self::Hash { column, secret } => {
                let (meta, v) = text(column)?;
                cells(meta, format!("sha256({} || {v})", sql::literal(secret)))
            }
            Self::Redact { column } => {
                let (meta, v) = text(column)?;
                cells(
                    meta,
                    format!("CASE WHEN {v} IS NULL THEN NULL ELSE '[REDACTED]' END"),
                )
            }
            Self::Mask { column } => {
                let (meta, v) = text(column)?;
                cells(
                    meta,
                    format!(
                        "CASE WHEN length({v}) <= 2 THEN repeat('*', length({v})) ELSE left({v}, 1) || repeat('*', length({v}) - 2) || right({v}, 1) END"
                    ),
                )
            }
            Self::Last4 { column } => {
                let (meta, v) = text(column)?;
                cells(
                    meta,
                    format!(
                        "CASE WHEN length({v}) <= 4 THEN {v} ELSE repeat('*', length({v}) - 4) || right({v}, 4) END"
                    ),
                )
            }
            Self::YearOnly { column } => {
                let meta = find_column(schema, column)?;
                let date = crate::dates::parse_date_sql(meta, DateOrder::Mdy);
                let expression = if crate::text::is_numeric_type(&meta.data_type)
                    || meta.data_type.eq_ignore_ascii_case("VARCHAR")
                {
                    let v = format!(
                        "trim(CAST({} AS VARCHAR), {})",
                        sql::ident(&sql::column_name(meta.id)),
                        sql::literal(sql::UNICODE_WHITESPACE)
                    );
                    format!(
                        "CASE WHEN regexp_full_match({v}, '[0-9]{{4}}') THEN make_date(CAST({v} AS BIGINT), 1, 1) ELSE make_date(year({date}), 1, 1) END"
                    )
                } else {
                    format!("make_date(year({date}), 1, 1)")
                };
                Plan::Cells {
                    column: meta.clone(),
                    expression,
                    null_warning: Some("could not be parsed as dates"),
                    filter: None,
                    stepless_when_unchanged: false,
                    cast_check: None,
                }
            }
            Self::CombineColumns {
                columns,
                separator,
                new_column,
            } => {
                if columns.len() < 2 {
                    return Err(Error::InvalidCommand(
                        "combine_columns: columns needs at least two columns".into(),
                    ));
                }
                let metas = columns
                    .iter()
                    .map(|n| find_column(schema, n))
                    .collect::<Result<Vec<_>>>()?;
                check_new_name(schema, new_column, None)?;
                let parts: Vec<String> = metas
                    .iter()
                    .map(|m| format!("CAST({} AS VARCHAR)", sql::ident(&sql::column_name(m.id))))
                    .collect();
                let parts = parts.join(", ");
                Plan::AddColumn {
                    name: new_column.clone(),
                    expression: format!(
                        "CASE WHEN coalesce({parts}) IS NULL THEN NULL ELSE concat_ws({}, {parts}) END",
                        sql::literal(separator)
                    ),
                    null_warning: None,
                    source: metas[0].clone(),
                    helper: None,
                }
            }
            Self::SplitColumn {
                column,
                delimiter,
                max_parts,
            } => {
                let meta = find_column(schema, column)?;
                if delimiter.is_empty() {
                    return Err(Error::InvalidCommand(
                        "split_column: delimiter must not be empty".into(),
                    ));
                }
                if let Some(n) = max_parts
                    && !(2..=MAX_SPLIT_PARTS).contains(n)
                {
                    return Err(Error::InvalidCommand(format!(
                        "split_column: maxParts must be 2..{MAX_SPLIT_PARTS}, got {n}"
                    )));
                }
                Plan::SplitColumn {
                    column: meta.clone(),
                    delimiter: delimiter.clone(),
                    max_parts: *max_parts,
                }
            }
            Self::CustomSql { sql } => Plan::CustomSql {
                statement: crate::custom_sql::check(sql)?,
            },
            Self::AddColumn {
                name,
                data_type,
                value,
            } => {
                check_new_name(schema, name, None)?;
                let ty = crate::text::parse_type("add_column", data_type)?;
                let literal = json_literal(value, "add_column")?;
                if crate::text::literal_fits(value, &ty) == Some(false) {
                    return Err(Error::InvalidCommand(format!(
                        "add_column: {value} cannot be stored as {ty}"
                    )));
                }
                let source = schema.first().ok_or_else(|| {
                    Error::InvalidCommand("add_column: the table has no columns".into())
                })?;
                Plan::AddColumn {
                    name: name.clone(),
                    expression: format!("CAST({literal} AS {ty})"),
                    null_warning: None,
                    source: source.clone(),
                    helper: None,
                }
            }
            Self::ReorderColumns { columns } => {
                let mut order = Vec::with_capacity(columns.len());
                for name in columns {
                    let meta = find_column(schema, name)?;
                    if order.iter().any(|c: &ColumnMeta| c.id == meta.id) {
                        return Err(Error::InvalidCommand(format!(
                            "reorder_columns: column {name:?} is listed twice"
                        )));
                    }
                    order.push(meta.clone());
                }
                if order.len() != schema.len() {
                    let missing: Vec<&str> = schema
                        .iter()
                        .filter(|c| !order.iter().any(|o| o.id == c.id))
                        .map(|c| c.name.as_str())
                        .collect();
                    return Err(Error::InvalidCommand(format!(
                        "reorder_columns: columns must list every column once; missing {}",
                        missing.join(", ")
                    )));
                }
                Plan::Schema { schema: order }
            }
            Self::FilterRows {
                column,
                operator,
                value,
                keep,
            } => {
                let meta = find_column(schema, column)?;
                let physical = sql::ident(&sql::column_name(meta.id));
                let value = value.as_ref().filter(|v| !v.is_null());
                let condition = match operator {
                    FilterOperator::IsNull | FilterOperator::IsNotNull => {
                        if value.is_some() {
                            return Err(Error::InvalidCommand(format!(
                                "filter_rows: {} takes no value",
                                operator.as_str()
                            )));
                        }
                        if *operator == FilterOperator::IsNull {
                            format!("{physical} IS NULL")
                        } else {
                            format!("{physical} IS NOT NULL")
                        }
                    }
                    _ => {
                        let value = value.ok_or_else(|| {
                            Error::InvalidCommand(format!(
                                "filter_rows: {} needs a value",
                                operator.as_str()
                            ))
                        })?;
                        let literal = json_literal(value, "filter_rows")?;
                        let text_value = format!("CAST({physical} AS VARCHAR)");
                        let typed = || -> Result<String> {
                            if crate::text::literal_fits(value, &meta.data_type) == Some(false) {
                                return Err(Error::InvalidCommand(format!(
                                    "filter_rows: {value} cannot be compared with column {:?} of type {}",
                                    meta.name, meta.data_type
                                )));
                            }
                            Ok(format!("CAST({literal} AS {})", meta.data_type))
                        };
                        match operator {
                            FilterOperator::Contains => {
                                format!("contains({text_value}, {literal})")
                            }
                            FilterOperator::StartsWith => {
                                format!("prefix({text_value}, {literal})")
                            }
                            FilterOperator::EndsWith => format!("suffix({text_value}, {literal})"),
                            FilterOperator::Eq => format!("{physical} = {}", typed()?),
                            FilterOperator::Ne => format!("{physical} <> {}", typed()?),
                            FilterOperator::Lt => format!("{physical} < {}", typed()?),
                            FilterOperator::Le => format!("{physical} <= {}", typed()?),
                            FilterOperator::Gt => format!("{physical} > {}", typed()?),
                            FilterOperator::Ge => format!("{physical} >= {}", typed()?),
                            FilterOperator::IsNull | FilterOperator::IsNotNull => unreachable!(),
                        }
                    }
                };
                let delete = if *keep { "IS NOT TRUE" } else { "IS TRUE" };
                Plan::DeleteRows {
                    selector: format!(
                        "SELECT {ROW_ID} FROM {{table}} WHERE ({condition}) {delete}"
                    ),
                    stepless_when_unchanged: false,
                    expected_row_count: None,
                }
            }
            Self::MassEdit { column, edits } => {
                let meta = find_column(schema, column)?;
                if edits.is_empty() || edits.iter().any(|e| e.from.is_empty()) {
                    return Err(Error::InvalidCommand(
                        "mass_edit: edits must be a non-empty list of { from: [...], to } with non-empty from".into(),
                    ));
                }
                let physical = sql::ident(&sql::column_name(meta.id));
                let v = format!("CAST({physical} AS VARCHAR)");
                let mut arms = String::new();
                for edit in edits {
                    let to = serde_json::Value::String(edit.to.clone());
                    if crate::text::literal_fits(&to, &meta.data_type) == Some(false) {
                        return Err(Error::InvalidCommand(format!(
                            "mass_edit: {:?} cannot be stored in column {:?} of type {}",
                            edit.to, meta.name, meta.data_type
                        )));
                    }
                    let from = edit
                        .from
                        .iter()
                        .map(|f| sql::literal(f))
                        .collect::<Vec<_>>()
                        .join(", ");
                    arms.push_str(&format!(
                        " WHEN {v} IN ({from}) THEN CAST({} AS {})",
                        sql::literal(&edit.to),
                        meta.data_type
                    ));
                }
                cells(meta.clone(), format!("CASE{arms} ELSE {physical} END"))
            }
        })
    }
}

/// The column named `name` (exact match first, then case-insensitive as DuckDB identifiers are).
/// Errors: [`Error::NotFound`].
pub fn find_column<'a>(schema: &'a [ColumnMeta], name: &str) -> Result<&'a ColumnMeta> {
    schema
        .iter()
        .find(|c| c.name == name)
        .or_else(|| schema.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
        .ok_or_else(|| Error::NotFound(format!("unknown column {name:?}")))
}

/// Rejects empty names and names that clash (case-insensitively, as DuckDB and CSV consumers
/// would) with a column other than `except`.
pub(crate) fn check_new_name(schema: &[ColumnMeta], name: &str, except: Option<u32>) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::InvalidCommand(
            "a column name must not be empty".into(),
        ));
    }
    if let Some(clash) = schema
        .iter()
        .find(|c| Some(c.id) != except && c.name.to_lowercase() == name.to_lowercase())
    {
        return Err(Error::InvalidCommand(format!(
            "a column named {:?} already exists",
            clash.name
        )));
    }
    Ok(())
}

/// A JSON value as a SQL literal: strings quoted, numbers and booleans as text, null as NULL.
fn json_literal(value: &serde_json::Value, op: &str) -> Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Vec<ColumnMeta> {
        vec![
            ColumnMeta {
                id: 1,
                name: "name".into(),
                data_type: "VARCHAR".into(),
            },
            ColumnMeta {
                id: 2,
                name: "dest".into(),
                data_type: "VARCHAR".into(),
            },
        ]
    }

    #[test]
    fn parses_camel_case_parameters() {
        let c = Command::from_json(
            json!({"op": "edit_cell", "rowId": 3, "column": "name", "value": "x"}),
        )
        .unwrap();
        assert_eq!(
            c,
            Command::EditCell {
                row_id: 3,
                column: "name".into(),
                value: json!("x")
            }
        );
    }

    #[test]
    fn unknown_op_and_bad_parameters_are_invalid_commands() {
        let e = Command::from_json(json!({"op": "frobnicate", "column": "a"})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        assert!(e.to_string().contains("frobnicate"));
        let e = Command::from_json(json!({"op": "trim"})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        let e = Command::from_json(json!({"op": "trim", "column": "a", "extra": 1})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
    }

    #[test]
    fn validation_against_the_schema() {
        let s = schema();
        let e = Command::Trim {
            column: "nope".into(),
        }
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::NotFound);
        let e = Command::RenameColumn {
            column: "name".into(),
            new_name: "DEST".into(),
        }
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        let e = Command::PadZeros {
            column: "name".into(),
            length: 0,
        }
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        assert!(
            Command::RenameColumn {
                column: "name".into(),
                new_name: "Name".into()
            }
            .plan(&s)
            .is_ok()
        );
    }
}
