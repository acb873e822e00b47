//! Replay: one step's delta files applied to a table (undo or redo) with `UPDATE ... FROM`,
//! `INSERT` and `DELETE` joins on `_row_id`; no SQL of the command is replayed. The replay of each
//! delta kind sits in `step/` next to the capture that writes its files; this file dispatches and
//! holds the joins they share.

use crate::call::{Call, Span};
use crate::persist::manifest::{Delta, FileRef, StepRecord};
use crate::sql::{self, ROW_ID};
use crate::{Engine, Result, Store, Workspace};

use super::State;
use super::sql_results::string_pairs;

/// Which way a step's delta is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    /// Apply the inverse delta (undo).
    Undo,
    /// Apply the forward delta (redo, reload).
    Redo,
}

/// One step's delta being applied to `table` in one direction.
pub(super) struct Replay<'a, E: Engine, S: Store> {
    pub(super) ws: &'a Workspace<E, S>,
    st: &'a mut State,
    pub(super) table: &'a str,
    pub(super) step: &'a StepRecord,
    /// Applying the inverse delta.
    pub(super) undo: bool,
    /// The table holds no row id above this: files of chunks above it are not read.
    max_row_id: Option<i64>,
    /// Each delta file read back reports in this span of the call.
    call: &'a Call,
    span: Span,
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Applies one step's delta to `table` (the live table, or a diff's narrow copy) in
    /// `direction`. Costs what the step changed, not what the table holds. Each delta file read
    /// reports in `span` of `call`.
    ///
    /// Errors: engine and store errors, [`crate::Error::Cancelled`] when `call` was cancelled.
    pub(super) async fn apply_delta(
        &self,
        st: &mut State,
        table: &str,
        step: &StepRecord,
        direction: Direction,
        progress: (&Call, Span),
    ) -> Result<()> {
        self.apply_delta_within(st, table, step, direction, None, progress)
            .await
    }

    /// [`Workspace::apply_delta`] to a table that holds no row id above `max_row_id` (when
    /// given): files of chunks above it are not read.
    pub(super) async fn apply_delta_within(
        &self,
        st: &mut State,
        table: &str,
        step: &StepRecord,
        direction: Direction,
        max_row_id: Option<i64>,
        (call, span): (&Call, Span),
    ) -> Result<()> {
        let mut replay = Replay {
            ws: self,
            st,
            table,
            step,
            undo: direction == Direction::Undo,
            max_row_id,
            call,
            span,
        };
        match &step.delta {
            Delta::Cells {
                column_id,
                full,
                undo,
                redo,
            } => replay.cells(*column_id, *full, undo, redo).await,
            Delta::AddColumns { columns } => replay.add_columns(columns).await,
            Delta::DeleteColumn { column_id, undo } => replay.delete_column(*column_id, undo).await,
            Delta::Schema => Ok(()),
            Delta::DeleteRows { undo, redo } => replay.delete_rows(undo, redo).await,
            Delta::InsertRows { undo, redo } => replay.insert_rows(undo, redo).await,
            Delta::Snapshot { undo, redo } => replay.snapshot(undo, redo).await,
        }
    }
}

impl<E: Engine, S: Store> Replay<'_, E, S> {
    /// Runs a statement on the engine.
    pub(super) async fn execute(&self, statement: &str) -> Result<()> {
        self.ws.engine.execute(statement).await
    }

    /// Reports that `done` of the `count` files being read back are applied.
    fn read_back(&self, done: usize, count: usize) -> Result<()> {
        self.span.report(self.call, done, count, "delta file")
    }

    /// The files of chunks that may hold rows of the table.
    fn within(&self, files: &[FileRef]) -> Vec<FileRef> {
        files
            .iter()
            .filter(|f| {
                self.max_row_id
                    .is_none_or(|max| f.first_row_id.is_none_or(|first| first <= max))
            })
            .cloned()
            .collect()
    }

    /// Sets `column` from the `(_row_id, value)` files.
    pub(super) async fn update(&mut self, column: &str, files: &[FileRef]) -> Result<()> {
        // One UPDATE from all chunks: each UPDATE scans the whole table to join, so one per chunk
        // scanned it once per chunk.
        let mut temps = Vec::new();
        let table = self.table;
        let loaded = async {
            let files = self.within(files);
            for (i, file) in files.iter().enumerate() {
                let temp = self.st.temp("delta");
                temps.push(temp.clone());
                self.ws.load_file_within(file, &temp, None, self.max_row_id).await?;
                self.read_back(i + 1, files.len())?;
            }
            if temps.is_empty() {
                return Ok(());
            }
            let union = temps
                .iter()
                .map(|t| format!("SELECT {ROW_ID}, value FROM {}", sql::ident(t)))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            self.ws.engine.execute(&format!(
                    "UPDATE {table} SET {column} = d.value FROM ({union}) d WHERE {table}.{ROW_ID} = d.{ROW_ID}"
                ))
                .await
        }
        .await;
        self.ws.drop_tables(&temps).await;
        loaded
    }

    /// Inserts the rows of the files (whole rows, as stored).
    pub(super) async fn insert(&mut self, files: &[FileRef]) -> Result<()> {
        let table = self.table;
        let files = self.within(files);
        for (i, file) in files.iter().enumerate() {
            let name = self.st.temp("delta");
            self.ws
                .load_file_within(file, &name, None, self.max_row_id)
                .await?;
            let described = self
                .ws
                .engine
                .query(&format!("DESCRIBE {}", sql::ident(&name)))
                .await?;
            let columns = string_pairs(&described, 0, 1)?
                .into_iter()
                .map(|(c, _)| sql::ident(&c))
                .collect::<Vec<_>>()
                .join(", ");
            self.ws
                .engine
                .execute(&format!(
                    "INSERT INTO {table} ({columns}) SELECT {columns} FROM {t}; DROP TABLE {t}",
                    t = sql::ident(&name)
                ))
                .await?;
            self.read_back(i + 1, files.len())?;
        }
        Ok(())
    }

    /// Deletes the rows whose ids the files list.
    pub(super) async fn delete(&mut self, files: &[FileRef]) -> Result<()> {
        let table = self.table;
        let files = self.within(files);
        for (i, file) in files.iter().enumerate() {
            let temp = sql::ident(&self.st.temp("delta"));
            self.ws
                .load_file_within(
                    file,
                    temp.trim_matches('"'),
                    Some(&[ROW_ID]),
                    self.max_row_id,
                )
                .await?;
            self.ws.engine.execute(&format!(
                    "DELETE FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {temp}); DROP TABLE {temp}"
                ))
                .await?;
            self.read_back(i + 1, files.len())?;
        }
        Ok(())
    }
}
