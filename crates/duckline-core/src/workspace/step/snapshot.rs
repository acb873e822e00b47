//! Custom SQL ([`Plan::CustomSql`]) and its delta [`Delta::Snapshot`]: the whole table before and
//! after, since a checked statement may change any cell, row or column.

use std::fmt::Write as _;

use crate::command::custom_sql::{CheckedStatement, StatementKind, WORK_TABLE};
use crate::model::ColumnMeta;
use crate::persist::manifest::{Delta, FileRef};
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Result, Store};

use super::super::replay::Replay;
use super::super::sql_results::{column_definitions, first_i64, physical_columns, string_pairs};
use super::{Outcome, StepCx};

impl<E: Engine, S: Store> StepCx<'_, E, S> {
    /// [`Plan::CustomSql`]: runs the checked statement on a working copy that has the visible
    /// column names and nothing else, then rebuilds the table from it. Rows keep their row ids
    /// through DuckDB's `rowid` of the working copy (stable under UPDATE, DELETE and ALTER in one
    /// transaction); inserted rows get new row ids and go to the end. Columns keep their identity
    /// by name (or through `RENAME COLUMN`). Undo and redo are full-table snapshots.
    pub(super) async fn custom_sql(&mut self, statement: &CheckedStatement) -> Result<Outcome> {
        let entry = self.entry;
        let mut outcome = self.unchanged();
        let table = self.table.clone();
        let schema = entry.schema();
        let work = sql::ident(WORK_TABLE);
        self.temps.push(WORK_TABLE.into());
        let ids = self.scratch("custom_ids");
        let rebuilt = self.scratch("custom_table");
        let mut visible = String::new();
        for c in schema {
            let _ = write!(
                visible,
                ", {} AS {}",
                sql::ident(&sql::column_name(c.id)),
                sql::ident(&c.name)
            );
        }
        self.execute(&format!(
                "DROP TABLE IF EXISTS {work}; \
                 CREATE TABLE {work} AS SELECT {ROW_ID} AS _dl_rid, {ORDER_KEY} AS _dl_ord{visible} FROM {table} ORDER BY {ORDER_KEY}; \
                 CREATE TABLE {ids} AS SELECT rowid AS wrid, _dl_rid, _dl_ord FROM {work}; \
                 ALTER TABLE {work} DROP COLUMN _dl_rid; ALTER TABLE {work} DROP COLUMN _dl_ord"
            ))
            .await?;
        let result = self.ws.engine.query(&statement.sql).await?;
        let described = self.ws.engine.query(&format!("DESCRIBE {work}")).await?;
        let mut schema_after = Vec::new();
        for (name, data_type) in string_pairs(&described, 0, 1)? {
            let source = statement
                .renamed_columns
                .iter()
                .find(|(_, new)| new.eq_ignore_ascii_case(&name))
                .map_or(name.as_str(), |(old, _)| old.as_str());
            let id = match crate::schema::find_column(schema, source) {
                Ok(c) => c.id,
                Err(_) => {
                    outcome.next_column_id += 1;
                    outcome.next_column_id - 1
                }
            };
            schema_after.push(ColumnMeta {
                id,
                name,
                data_type,
            });
        }
        let mut columns = String::new();
        for c in &schema_after {
            let _ = write!(
                columns,
                ", w.{} AS {}",
                sql::ident(&c.name),
                sql::ident(&sql::column_name(c.id))
            );
        }
        let new_rank = "row_number() OVER (PARTITION BY i._dl_rid IS NULL ORDER BY w.rowid)";
        self.execute(&format!(
                "CREATE TABLE {rebuilt} AS SELECT \
                   CAST(coalesce(i._dl_rid, {next} - 1 + {new_rank}) AS BIGINT) AS {ROW_ID}, \
                   CAST(coalesce(i._dl_ord, (SELECT coalesce(max(_dl_ord), 0) FROM {ids}) + {new_rank}) AS DOUBLE) AS {ORDER_KEY}{columns} \
                 FROM {work} w LEFT JOIN {ids} i ON w.rowid = i.wrid",
                next = entry.next_row_id
            ))
            .await?;
        let counts = self
            .ws
            .engine
            .query(&format!(
                "SELECT count(*), count(*) FILTER ({ROW_ID} >= {}) FROM {rebuilt}",
                entry.next_row_id
            ))
            .await?;
        let count_at = |column| first_i64(&counts, column).map_or(0, |n| n.max(0));
        let inserted = count_at(1);
        outcome.row_count_after = count_at(0).unsigned_abs();
        outcome.rows_affected = match statement.kind {
            StatementKind::AlterTable => outcome.row_count_after,
            _ => first_i64(&result, 0).map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        };
        let undo = self
            .write(
                "undo",
                &format!("SELECT {} FROM {table}", physical_columns(schema)),
            )
            .await?;
        let redo = self
            .write("redo", &format!("SELECT * FROM {rebuilt}"))
            .await?;
        self.executing()?;
        self.execute(&format!(
            "DROP TABLE {table}; ALTER TABLE {rebuilt} RENAME TO {table}"
        ))
        .await?;
        outcome.next_row_id = entry.next_row_id + inserted;
        outcome.schema_after = schema_after;
        outcome.delta = Delta::Snapshot { undo, redo };
        Ok(outcome)
    }
}

impl<E: Engine, S: Store> Replay<'_, E, S> {
    /// Replays [`Delta::Snapshot`]: the table recreated with the other state's schema and rows.
    pub(in crate::workspace) async fn snapshot(
        &mut self,
        before: &[FileRef],
        after: &[FileRef],
    ) -> Result<()> {
        let (files, schema) = if self.undo {
            (before, &self.step.schema_before)
        } else {
            (after, &self.step.schema_after)
        };
        let table = self.table;
        self.execute(&format!(
            "DROP TABLE {table}; CREATE TABLE {table} ({})",
            column_definitions(schema)
        ))
        .await?;
        self.insert(files).await
    }
}
