//! [`Plan`]: the contract between a command and the executor (`workspace::step`). A command turns
//! its parameters and the schema into one plan; the executor captures the rows it changes, writes
//! their undo and redo deltas and changes the table. One plan kind per way a step changes a table
//! (DESIGN.md, "Steps, deltas and undo").

use super::custom_sql::CheckedStatement;
use crate::schema::ColumnMeta;
use crate::sql::{self, ORDER_KEY, ROW_ID};

/// What running a command does to the table, by delta kind (DESIGN.md, "Steps, deltas and undo").
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Rewrite cells of one existing column.
    Cells(CellsPlan),
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
    /// Delete the rows `selector` picks.
    DeleteRows {
        /// Which rows.
        selector: RowSelector,
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
        statement: CheckedStatement,
    },
}

impl CellsPlan {
    /// Every row of `column` rewritten with `expression`; no warning, no filter, always a step.
    #[must_use]
    pub fn new(column: ColumnMeta, expression: String) -> Self {
        Self {
            column,
            expression,
            null_warning: None,
            filter: None,
            stepless_when_unchanged: false,
            cast_check: None,
        }
    }
}

impl Plan {
    /// A [`Plan::Cells`] with [`CellsPlan::new`].
    #[must_use]
    pub fn cells(column: ColumnMeta, expression: String) -> Self {
        Self::Cells(CellsPlan::new(column, expression))
    }
}

/// A [`Plan::Cells`]: rewrite cells of one existing column with `expression` (SQL over the
/// physical columns). The result type may differ from the column type (a retype).
#[derive(Clone, Debug, PartialEq)]
pub struct CellsPlan {
    /// The column rewritten.
    pub column: ColumnMeta,
    /// New value of the cell, SQL over the physical columns of the table.
    pub expression: String,
    /// Warning text for values that were non-empty and became NULL, e.g. "could not be parsed
    /// as dates"; `None` when NULLs are not a failure.
    pub null_warning: Option<&'static str>,
    /// Only rows matching this SQL predicate are considered (e.g. one row id).
    pub filter: Option<String>,
    /// A step that changes nothing is step-less (COMMANDS.md: `edit_cell` with the same value).
    pub stepless_when_unchanged: bool,
    /// A SQL literal that must cast to the column type (`edit_cell`), else `InvalidCommand`.
    pub cast_check: Option<String>,
}

/// Which rows a [`Plan::DeleteRows`] deletes, rendered by the executor for its table.
#[derive(Clone, Debug, PartialEq)]
pub enum RowSelector {
    /// The rows where this SQL predicate over the physical columns holds.
    Where(String),
    /// Every row but the first, in display order, of each group of rows equal on these columns.
    DuplicatesBy(Vec<ColumnMeta>),
}

impl RowSelector {
    /// A query returning the `_row_id` of the selected rows of `table` (its name as SQL).
    #[must_use]
    pub fn row_ids_query(&self, table: &str) -> String {
        match self {
            Self::Where(predicate) => format!("SELECT {ROW_ID} FROM {table} WHERE {predicate}"),
            Self::DuplicatesBy(columns) => {
                let partition = columns
                    .iter()
                    .map(|c| sql::ident(&sql::column_name(c.id)))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "SELECT {ROW_ID} FROM (SELECT {ROW_ID}, row_number() OVER (PARTITION BY {partition} ORDER BY {ORDER_KEY}) AS _dl_rank FROM {table}) WHERE _dl_rank > 1"
                )
            }
        }
    }
}
