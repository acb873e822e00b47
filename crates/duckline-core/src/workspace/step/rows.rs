//! Row steps ([`Plan::DeleteRows`], [`Plan::InsertRow`]) and their deltas [`Delta::DeleteRows`],
//! [`Delta::InsertRows`]: whole rows on the side that puts them back, row ids on the side that
//! removes them.

use std::fmt::Write as _;

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, RecordBatch};

use crate::command::RowSelector;
use crate::model::ColumnMeta;
use crate::persist::manifest::{Delta, FileRef};
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Error, Result, Store};

use super::super::replay::Replay;
use super::super::sql_results::physical_columns;
use super::{Outcome, StepCx};

impl<E: Engine, S: Store> StepCx<'_, E, S> {
    /// [`Plan::DeleteRows`]: the whole rows for undo, their ids for redo.
    pub(super) async fn delete_rows(
        &mut self,
        selector: &RowSelector,
        stepless_when_unchanged: bool,
        expected_row_count: Option<u64>,
    ) -> Result<Outcome> {
        let entry = self.entry;
        let schema = entry.schema();
        let table = self.table.clone();
        let mut outcome = self.unchanged();
        let changes = self.scratch("changes");
        self.execute(&format!(
            "CREATE TABLE {changes} AS {}",
            selector.row_ids_query(&table)
        ))
        .await?;
        let n = self
            .count(&format!("SELECT count(*) FROM {changes}"))
            .await?;
        if let Some(expected) = expected_row_count
            && n != expected
        {
            return Err(Error::NotFound(format!(
                "{} of the given row ids do not exist",
                expected - n
            )));
        }
        outcome.rows_affected = n;
        if n == 0 && stepless_when_unchanged {
            outcome.stepless = true;
            return Ok(outcome);
        }
        let columns = physical_columns(schema);
        let undo = self.write("undo", &format!("SELECT {columns} FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {changes})"))
            .await?;
        let redo = self
            .write("redo", &format!("SELECT {ROW_ID} FROM {changes}"))
            .await?;
        self.executing()?;
        self.execute(&format!(
            "DELETE FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {changes})"
        ))
        .await?;
        outcome.row_count_after = entry.row_count() - n;
        outcome.delta = Delta::DeleteRows { undo, redo };
        Ok(outcome)
    }

    /// [`Plan::InsertRow`]: the new row (redo) and its id (undo).
    pub(super) async fn insert_row(
        &mut self,
        after: Option<i64>,
        values: &[(ColumnMeta, String)],
    ) -> Result<Outcome> {
        let entry = self.entry;
        let schema = entry.schema();
        let table = self.table.clone();
        let mut outcome = self.unchanged();
        let order = self.insert_order(after).await?;
        let row_id = entry.next_row_id;
        let mut select = format!(
            "SELECT CAST({row_id} AS BIGINT) AS {ROW_ID}, {} AS {ORDER_KEY}",
            sql::double(order)
        );
        for c in schema {
            let value = values
                .iter()
                .find(|(m, _)| m.id == c.id)
                .map_or("NULL", |(_, v)| v.as_str());
            self.ws.check_castable("insert_row", value, c).await?;
            let _ = write!(
                select,
                ", CAST({value} AS {}) AS {}",
                c.data_type,
                sql::ident(&sql::column_name(c.id))
            );
        }
        let changes = self.scratch("changes");
        self.execute(&format!("CREATE TABLE {changes} AS {select}"))
            .await?;
        let undo = self
            .write("undo", &format!("SELECT {ROW_ID} FROM {changes}"))
            .await?;
        let redo = self
            .write("redo", &format!("SELECT * FROM {changes}"))
            .await?;
        let columns = physical_columns(schema);
        self.executing()?;
        self.execute(&format!(
            "INSERT INTO {table} ({columns}) SELECT {columns} FROM {changes}"
        ))
        .await?;
        outcome.rows_affected = 1;
        outcome.row_count_after = entry.row_count() + 1;
        outcome.next_row_id = row_id + 1;
        outcome.delta = Delta::InsertRows { undo, redo };
        Ok(outcome)
    }

    /// Order key for a row inserted after `after` (or at the top): the midpoint of its neighbours.
    async fn insert_order(&self, after: Option<i64>) -> Result<f64> {
        let floats = |b: &[RecordBatch], i: usize| -> Option<f64> {
            b.first().filter(|b| b.num_rows() > 0).and_then(|b| {
                let a = b.column(i).as_primitive_opt::<Float64Type>()?;
                (!a.is_null(0)).then(|| a.value(0))
            })
        };
        let table = &self.table;
        match after {
            None => {
                let b = self
                    .ws
                    .engine
                    .query(&format!("SELECT min({ORDER_KEY}) FROM {table}"))
                    .await?;
                Ok(floats(&b, 0).map_or(1.0, |first| first - 1.0))
            }
            Some(row_id) => {
                let b = self.ws.engine.query(&format!(
                        "SELECT {ORDER_KEY}, (SELECT min({ORDER_KEY}) FROM {table} WHERE {ORDER_KEY} > o.{ORDER_KEY}) \
                         FROM {table} o WHERE {ROW_ID} = {row_id}"
                    ))
                    .await?;
                let own = floats(&b, 0)
                    .ok_or_else(|| Error::NotFound(format!("no row with id {row_id}")))?;
                match floats(&b, 1) {
                    None => Ok(own + 1.0),
                    Some(next) => {
                        let mid = own + (next - own) / 2.0;
                        if mid <= own || mid >= next {
                            return Err(Error::InvalidCommand(
                                "insert_row: no room left between these rows (order key precision)"
                                    .into(),
                            ));
                        }
                        Ok(mid)
                    }
                }
            }
        }
    }
}

impl<E: Engine, S: Store> Replay<'_, E, S> {
    /// Replays [`Delta::DeleteRows`]: undo inserts the rows, redo deletes their ids.
    pub(in crate::workspace) async fn delete_rows(
        &mut self,
        rows: &[FileRef],
        ids: &[FileRef],
    ) -> Result<()> {
        if self.undo {
            self.insert(rows).await
        } else {
            self.delete(ids).await
        }
    }

    /// Replays [`Delta::InsertRows`]: undo deletes their ids, redo inserts the rows.
    pub(in crate::workspace) async fn insert_rows(
        &mut self,
        ids: &[FileRef],
        rows: &[FileRef],
    ) -> Result<()> {
        if self.undo {
            self.delete(ids).await
        } else {
            self.insert(rows).await
        }
    }
}
