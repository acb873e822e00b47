//! The commit protocol, the one path of every change (DESIGN.md, "Persistence"): a [`StepTx`].
//!
//! ```text
//!  begin()          ─► Open ── capture, write delta files (tx.written), scratch tables (tx.temps),
//!  new_table()         │       change the table
//!  manifest_only()     │
//!                      ├── any error, or nothing to commit ─► abort(): ROLLBACK (or drop the new
//!                      │       table), delete the files written, drop the scratch tables
//!                      │       ═► everything as before the call
//!                      └── commit(manifest): write manifest-<g+1> ── fails ─► abort()
//!                              │ durable
//!                              ▼
//!                          Committed ── finish(): COMMIT (a refused COMMIT drops the table so the
//!                                       next use reloads it from the files), drop the scratch
//!                                       tables, bump the table's version, compact the columns
//!                                       of big UPDATEs
//! ```
//!
//! Two generations are kept on disk: the new manifest and the one before it, with every file
//! either names. Writing generation g+1 retires generation g-1: its manifest and the files only
//! it named (a discarded redo branch, a dropped table) are deleted then, one commit later than
//! they stop being current. So one damaged manifest costs at most its last step.
//!
//! Clean-ups after the point of no return are best effort: whatever they leave, the next `open`
//! collects.

use std::collections::HashSet;
use std::ops::Range;

use crate::persist::manifest::{FileRef, Manifest, StepRecord, TableEntry};
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::{State, generation_files};

/// Steps that changed fewer rows than this leave their columns as they are after the commit (see
/// `Workspace::compact_columns`).
const MIN_ROW_COUNT_TO_COMPACT: u64 = 10_000;

/// How an abort puts DuckDB back.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Revert {
    /// A transaction is open: ROLLBACK.
    Rollback,
    /// The table was created outside a transaction (an import): drop it.
    DropTable,
    /// DuckDB is not changed before the commit.
    Nothing,
}

/// An open change of one table: what it wrote and which scratch tables it made, so that an abort
/// can undo it and a commit can clean up after it.
pub(super) struct StepTx<'w, E: Engine, S: Store> {
    ws: &'w Workspace<E, S>,
    table_id: u32,
    revert: Revert,
    /// Files written so far (deleted on abort); the manifest committed names them.
    pub(super) written: Vec<FileRef>,
    /// Scratch tables (dropped on abort and after the commit).
    pub(super) temps: Vec<String>,
}

/// A change whose manifest is durable; [`Committed::finish`] completes it.
#[must_use = "a committed change must be finished (COMMIT, clean-up)"]
pub(super) struct Committed<'w, E: Engine, S: Store> {
    tx: StepTx<'w, E, S>,
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Opens a DuckDB transaction for a change of `table_id`.
    pub(super) async fn begin(&self, table_id: u32) -> Result<StepTx<'_, E, S>> {
        self.engine.execute("BEGIN TRANSACTION").await?;
        Ok(self.tx(table_id, Revert::Rollback, Vec::new()))
    }

    /// A change that adds the already created table `t<id>` (dropped on abort), with `written`
    /// files already stored.
    pub(super) fn new_table(&self, table_id: u32, written: Vec<FileRef>) -> StepTx<'_, E, S> {
        self.tx(table_id, Revert::DropTable, written)
    }

    /// A change of the manifest alone (DuckDB changes only after the commit).
    pub(super) fn manifest_only(&self, table_id: u32) -> StepTx<'_, E, S> {
        self.tx(table_id, Revert::Nothing, Vec::new())
    }

    fn tx(&self, table_id: u32, revert: Revert, written: Vec<FileRef>) -> StepTx<'_, E, S> {
        StepTx {
            ws: self,
            table_id,
            revert,
            written,
            temps: Vec::new(),
        }
    }

    /// Writes `manifest` as the next generation and makes it current. The current one becomes the
    /// kept previous generation; the one before it is retired: its manifest file and the files no
    /// kept generation names are deleted (best effort: the next open collects what remains). A
    /// failed write deletes its partial file, which no one reads.
    pub(super) async fn write_manifest(
        &self,
        st: &mut State,
        mut manifest: Manifest,
    ) -> Result<()> {
        manifest.generation = st.next_generation;
        let path = Manifest::path(manifest.generation);
        let bytes = manifest.encode()?;
        if let Err(e) = self.store.write(&path, &bytes).await {
            self.store.delete(&path).await.ok();
            return Err(e);
        }
        st.next_generation += 1;
        let current = std::mem::replace(&mut st.manifest, manifest);
        let Some(retired) = st.previous.replace(current) else {
            return Ok(());
        };
        let kept: HashSet<String> = st
            .previous
            .iter()
            .chain(std::iter::once(&st.manifest))
            .flat_map(generation_files)
            .collect();
        for path in generation_files(&retired).filter(|p| !kept.contains(p)) {
            self.store.delete(&path).await.ok();
        }
        Ok(())
    }

    /// COMMIT after the manifest is durable. If DuckDB refuses, the committed files are the truth:
    /// drop the in-memory table so the next use reloads it from them.
    async fn finish_transaction(&self, st: &mut State, table_id: u32) {
        if self.engine.execute("COMMIT").await.is_err() {
            self.engine.execute("ROLLBACK").await.ok();
            self.engine
                .execute(&format!(
                    "DROP TABLE IF EXISTS {}",
                    sql::table_name(table_id)
                ))
                .await
                .ok();
            st.loaded.remove(&table_id);
        }
    }

    /// Rewrites in place (same type, `USING` itself) the columns that `steps` changed with
    /// `UPDATE`, in a transaction of its own after their commit. An UPDATE of many rows leaves
    /// version data (the `TRANSACTION` tag of `duckdb_memory()`, ~20 MiB per 1M-row column) that an
    /// in-memory database never folds back; the rewrite drops it (measured: DuckDB memory flat
    /// over 10 one-column steps instead of +50%). Rewriting the column in the step itself would
    /// evaluate the command's expression twice; the plain copy here costs tens of milliseconds.
    /// Best effort: only memory depends on it. Steps under [`MIN_ROW_COUNT_TO_COMPACT`] rows are
    /// skipped (their version data is small).
    async fn compact_columns(&self, st: &State, entry: &TableEntry, steps: &[StepRecord]) {
        if !st.loaded.contains(&entry.id) {
            return;
        }
        let table = sql::table_name(entry.id);
        let mut done = HashSet::new();
        for step in steps {
            if step.info.rows_affected < MIN_ROW_COUNT_TO_COMPACT {
                continue;
            }
            let ids = step.delta.column_ids().unwrap_or_default();
            for id in ids {
                let Some(column) = entry.schema().iter().find(|c| c.id == id) else {
                    continue;
                };
                if done.insert(id) {
                    let physical = sql::ident(&sql::column_name(id));
                    self.engine
                        .execute(&format!(
                            "ALTER TABLE {table} ALTER COLUMN {physical} SET DATA TYPE {} USING {physical}",
                            column.data_type
                        ))
                        .await
                        .ok();
                }
            }
        }
    }

    /// A copy of the manifest with `entry` replaced, after `finalize` has filled the figures that
    /// depend on the manifest's own size (`bytesWritten`) and the elapsed time.
    pub(super) fn manifest_with(
        &self,
        st: &State,
        entry: TableEntry,
        finalize: impl Fn(&mut TableEntry, u64, f64),
        started: f64,
    ) -> Result<Manifest> {
        let mut manifest = st.manifest.clone();
        let index = manifest
            .tables
            .iter()
            .position(|t| t.id == entry.id)
            .ok_or_else(|| Error::NotFound(format!("table {} no longer exists", entry.id)))?;
        manifest.tables[index] = entry;
        manifest.generation = st.next_generation;
        // The manifest records its own size: iterate until the figure is stable (digit counts).
        let mut manifest_bytes = 0;
        let elapsed = self.engine.now_millis() - started;
        for _ in 0..4 {
            finalize(&mut manifest.tables[index], manifest_bytes, elapsed);
            let size = manifest.encode()?.len() as u64;
            if size == manifest_bytes {
                break;
            }
            manifest_bytes = size;
        }
        Ok(manifest)
    }
}

impl<'w, E: Engine, S: Store> StepTx<'w, E, S> {
    /// Undoes the change: DuckDB as before, the files written deleted, the scratch tables dropped.
    pub(super) async fn abort(self) {
        let ws = self.ws;
        match self.revert {
            Revert::Rollback => {
                ws.engine.execute("ROLLBACK").await.ok();
            }
            Revert::DropTable => {
                ws.drop_tables(&[sql::table_name(self.table_id)]).await;
            }
            Revert::Nothing => {}
        }
        ws.delete_files(&self.written).await;
        ws.drop_tables(&self.temps).await;
    }

    /// Makes `manifest` (the result of preparing it) durable as the next generation, or aborts and
    /// returns the error.
    pub(super) async fn commit(
        self,
        st: &mut State,
        manifest: Result<Manifest>,
    ) -> Result<Committed<'w, E, S>> {
        let written = match manifest {
            Ok(manifest) => self.ws.write_manifest(st, manifest).await,
            Err(e) => Err(e),
        };
        match written {
            Ok(()) => Ok(Committed { tx: self }),
            Err(e) => {
                self.abort().await;
                Err(e)
            }
        }
    }
}

impl<E: Engine, S: Store> Committed<'_, E, S> {
    /// Completes the change: COMMIT, drops the scratch tables, bumps the table's version and
    /// compacts the columns the steps at `compact` (indexes into the table's steps) updated.
    /// Files the new manifest no longer names stay: the previous generation names them, and the
    /// commit that retires it deletes them.
    pub(super) async fn finish(self, st: &mut State, compact: Range<usize>) {
        let StepTx {
            ws,
            table_id,
            revert,
            temps,
            ..
        } = self.tx;
        if revert == Revert::Rollback {
            ws.finish_transaction(st, table_id).await;
        }
        ws.drop_tables(&temps).await;
        st.bump(table_id);
        if !compact.is_empty()
            && let Ok(entry) = st.entry(table_id)
        {
            let entry = entry.clone();
            ws.compact_columns(st, &entry, &entry.steps[compact]).await;
        }
    }
}
