//! Column steps ([`Plan::AddColumn`], [`Plan::SplitColumn`], [`Plan::DeleteColumn`],
//! [`Plan::Schema`]) and their deltas [`Delta::AddColumns`], [`Delta::DeleteColumn`],
//! [`Delta::Schema`]: an added column's values are its redo, a deleted column's values its undo; a
//! rename or reorder is metadata only.

use std::fmt::Write as _;

use crate::command::MAX_SPLIT_PARTS;
use crate::model::ColumnMeta;
use crate::persist::manifest::{AddedColumn, Delta, FileRef};
use crate::sql::{self, ROW_ID};
use crate::{Engine, Error, Result, Store};

use super::super::replay::Replay;
use super::super::sql_results::column_type;
use super::{Outcome, StepCx, non_empty, push_warning};

impl<E: Engine, S: Store> StepCx<'_, E, S> {
    /// [`Plan::AddColumn`]: the new column's non-NULL values.
    pub(super) async fn add_column(
        &mut self,
        name: &str,
        expression: &str,
        null_warning: Option<&str>,
        source: &ColumnMeta,
        helper: Option<&str>,
    ) -> Result<Outcome> {
        let entry = self.entry;
        let table = self.table.clone();
        let mut outcome = self.unchanged();
        let source_table = match helper {
            Some(h) => format!("(SELECT *, {h} AS _dl_h FROM {table})"),
            None => table.clone(),
        };
        let new_type = self.ws.expression_type(&source_table, expression).await?;
        let changes = self.scratch("changes");
        self.execute(&format!(
                "CREATE TABLE {changes} AS SELECT * FROM (SELECT {ROW_ID}, {expression} AS new_value FROM {source_table}) WHERE new_value IS NOT NULL"
            ))
            .await?;
        outcome.rows_affected = self
            .count(&format!("SELECT count(*) FROM {changes}"))
            .await?;
        if let Some(what) = null_warning {
            let parsed = if helper.is_some() {
                "_dl_h"
            } else {
                "new_value"
            };
            let input = sql::ident(&sql::column_name(source.id));
            let failed = self
                .count(&format!(
                    "SELECT count(*) FROM (SELECT {input} AS old_value, {h} AS {parsed} FROM {table}) WHERE {parsed} IS NULL AND {}",
                    non_empty("old_value"),
                    h = helper.unwrap_or(expression),
                ))
                .await?;
            push_warning(&mut outcome.warnings, failed, what);
        }
        let column_id = entry.next_column_id;
        let physical = sql::ident(&sql::column_name(column_id));
        let redo = self
            .write(
                "redo",
                &format!("SELECT {ROW_ID}, new_value AS value FROM {changes}"),
            )
            .await?;
        self.executing()?;
        self.execute(&format!(
                "ALTER TABLE {table} ADD COLUMN {physical} {new_type}; \
                 UPDATE {table} SET {physical} = c.new_value FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}"
            ))
            .await?;
        outcome.schema_after.push(ColumnMeta {
            id: column_id,
            name: name.to_owned(),
            data_type: new_type,
        });
        outcome.next_column_id = column_id + 1;
        outcome.delta = Delta::AddColumns {
            columns: vec![AddedColumn { column_id, redo }],
        };
        Ok(outcome)
    }

    /// [`Plan::SplitColumn`]: counts the parts, then adds one VARCHAR column per part.
    pub(super) async fn split_column(
        &mut self,
        column: &ColumnMeta,
        delimiter: &str,
        max_parts: Option<u32>,
    ) -> Result<Outcome> {
        let mut outcome = self.unchanged();
        let table = self.table.clone();
        let value = format!(
            "CAST({} AS VARCHAR)",
            sql::ident(&sql::column_name(column.id))
        );
        let delimiter = sql::literal(delimiter);
        let found = self
            .count(&format!(
                "SELECT coalesce(max(len(string_split({value}, {delimiter}))), 0) FROM {table}"
            ))
            .await?;
        let cap = u64::from(max_parts.unwrap_or(MAX_SPLIT_PARTS));
        if max_parts.is_none() && found > cap {
            return Err(Error::InvalidCommand(format!(
                "split_column: values of {} have up to {found} parts; give maxParts (at most {MAX_SPLIT_PARTS})",
                column.name
            )));
        }
        let part_count = found.clamp(1, cap);
        let mut parts = String::new();
        for i in 1..=part_count {
            let part = if i < part_count {
                format!("parts[{i}]")
            } else {
                format!(
                    "CASE WHEN len(parts) >= {i} THEN array_to_string(parts[{i}:], {delimiter}) END"
                )
            };
            let _ = write!(parts, ", {part} AS p{i}");
        }
        let changes = self.scratch("changes");
        self.execute(&format!(
                "CREATE TABLE {changes} AS SELECT {ROW_ID}{parts} FROM \
                 (SELECT {ROW_ID}, string_split({value}, {delimiter}) AS parts FROM {table} WHERE {value} IS NOT NULL)"
            ))
            .await?;
        outcome.rows_affected = self
            .count(&format!("SELECT count(*) FROM {changes}"))
            .await?;
        let mut columns = Vec::new();
        let mut assignments = Vec::new();
        for i in 1..=part_count {
            let name = format!("{}_{i}", column.name);
            crate::schema::check_new_name(&outcome.schema_after, &name, None)
                .map_err(|e| Error::InvalidCommand(format!("split_column: {e}")))?;
            let column_id = outcome.next_column_id;
            let physical = sql::ident(&sql::column_name(column_id));
            let redo = self
                .write(
                    &format!("redo-c{column_id}"),
                    &format!(
                        "SELECT {ROW_ID}, p{i} AS value FROM {changes} WHERE p{i} IS NOT NULL"
                    ),
                )
                .await?;
            self.execute(&format!(
                "ALTER TABLE {table} ADD COLUMN {physical} VARCHAR"
            ))
            .await?;
            assignments.push(format!("{physical} = c.p{i}"));
            outcome.schema_after.push(ColumnMeta {
                id: column_id,
                name,
                data_type: "VARCHAR".into(),
            });
            outcome.next_column_id = column_id + 1;
            columns.push(AddedColumn { column_id, redo });
        }
        self.executing()?;
        self.execute(&format!(
            "UPDATE {table} SET {} FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}",
            assignments.join(", ")
        ))
        .await?;
        outcome.delta = Delta::AddColumns { columns };
        Ok(outcome)
    }

    /// [`Plan::DeleteColumn`]: the column's non-NULL values, for undo.
    pub(super) async fn delete_column(&mut self, column: &ColumnMeta) -> Result<Outcome> {
        let entry = self.entry;
        let table = self.table.clone();
        let mut outcome = self.unchanged();
        let physical = sql::ident(&sql::column_name(column.id));
        let undo = self
            .write(
                "undo",
                &format!(
                    "SELECT {ROW_ID}, {physical} AS value FROM {table} WHERE {physical} IS NOT NULL"
                ),
            )
            .await?;
        self.executing()?;
        self.execute(&format!("ALTER TABLE {table} DROP COLUMN {physical}"))
            .await?;
        outcome.rows_affected = entry.row_count();
        outcome.schema_after.retain(|c| c.id != column.id);
        outcome.delta = Delta::DeleteColumn {
            column_id: column.id,
            undo,
        };
        Ok(outcome)
    }

    /// [`Plan::Schema`]: names and order only; the delta is the schemas themselves.
    pub(super) fn schema(&self, schema: &[ColumnMeta]) -> Outcome {
        let mut outcome = self.unchanged();
        outcome.schema_after = schema.to_vec();
        outcome
    }
}

impl<E: Engine, S: Store> Replay<'_, E, S> {
    /// Replays [`Delta::AddColumns`]: undo drops the columns, redo adds and fills them.
    pub(in crate::workspace) async fn add_columns(
        &mut self,
        columns: &[AddedColumn],
    ) -> Result<()> {
        let table = self.table;
        if self.undo {
            for added in columns.iter().rev() {
                let column = sql::ident(&sql::column_name(added.column_id));
                self.execute(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                    .await?;
            }
        } else {
            for added in columns {
                let column = sql::ident(&sql::column_name(added.column_id));
                let ty = column_type(&self.step.schema_after, added.column_id)?;
                self.execute(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))
                    .await?;
                self.update(&column, &added.redo).await?;
            }
        }
        Ok(())
    }

    /// Replays [`Delta::DeleteColumn`]: undo adds the column back and fills it, redo drops it.
    pub(in crate::workspace) async fn delete_column(
        &mut self,
        column_id: u32,
        old: &[FileRef],
    ) -> Result<()> {
        let table = self.table;
        let column = sql::ident(&sql::column_name(column_id));
        if self.undo {
            let ty = column_type(&self.step.schema_before, column_id)?;
            self.execute(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))
                .await?;
            self.update(&column, old).await
        } else {
            self.execute(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                .await
        }
    }
}
