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
        }
    }

    /// Tier of COMMANDS.md: 1 rewrites cells, 2 schema only, 3 rows or the whole table.
    #[must_use]
    pub fn tier(&self) -> u8 {
        match self {
            Self::RenameColumn { .. } | Self::DeleteColumn { .. } => 2,
            Self::RemoveDuplicates { .. } | Self::DeleteRows { .. } | Self::InsertRow { .. } => 3,
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
fn check_new_name(schema: &[ColumnMeta], name: &str, except: Option<u32>) -> Result<()> {
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
