//! Diff of a table's state at an earlier (or later) step against its current state, built from the
//! step deltas (DESIGN.md, "Diff").
//!
//! 1. `R` = the row ids named by the deltas of the steps in between (read from the delta files'
//!    `_row_id` column only); no table scan.
//! 2. "before" = the current rows in `R`, with those steps' deltas applied in reverse (or forward),
//!    i.e. exactly the other state restricted to `R`.
//! 3. The index: one narrow row per changed row (`_row_id`, status, changed-column bitmasks),
//!    stored in display order, so its `rowid` is the dense position `pos`. Pages are keyset
//!    queries on `pos`; random jumps use `pos` too, never OFFSET over the table. Pages join back
//!    only the asked columns of the page's rows.

//!
//! Files: `build` (the table diff and the index builder), `compare` (two tables on key columns),
//! `summary`, `page` (pages of the index); this file holds the built diff's state and its
//! lifetime.

use std::collections::HashSet;

use crate::model::{ColumnMeta, DiffSummary};
use crate::{Engine, Error, Result, Store, Workspace};

use super::State;

mod build;
mod compare;
mod page;
mod summary;

/// A built diff, alive until closed or until a table it reads changes.
pub(super) struct DiffState {
    /// `(table id, version)` of every table the diff reads; any change makes it stale.
    tables: Vec<(u32, u64)>,
    index_table: String,
    /// The "before" rows: a temp copy (table diff) or another table (`compare`).
    before_table: String,
    /// Whether `before_table` is the diff's own temp table (dropped with it).
    owns_before: bool,
    /// Column ids `before_table` holds, when not all: the others are equal in both states for
    /// every row of the diff and are read from the after side.
    before_column_ids: Option<HashSet<u32>>,
    /// The "after" rows: the live table.
    after_table: String,
    /// Columns compared cell by cell: in both states, by id; bit `i` of mask `i / 64`.
    compared: Vec<(ColumnMeta, ColumnMeta)>,
    from_schema: Vec<ColumnMeta>,
    current_schema: Vec<ColumnMeta>,
    summary: DiffSummary,
}

impl DiffState {
    /// Its scratch tables.
    pub(super) fn temp_tables(&self) -> Vec<String> {
        let mut out = vec![self.index_table.clone()];
        if self.owns_before {
            out.push(self.before_table.clone());
        }
        out
    }

    /// Whether the diff reads `table_id`.
    pub(super) fn reads(&self, table_id: u32) -> bool {
        self.tables.iter().any(|(t, _)| *t == table_id)
    }

    fn mask_count(&self) -> usize {
        self.compared.len().div_ceil(64).max(1)
    }
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// The summary of a diff. Errors: [`Error::NotFound`] for an unknown, closed or stale diff.
    pub async fn diff_summary(&self, diff_id: u32) -> Result<DiffSummary> {
        let st = self.lock().await?;
        Ok(live_diff(&st, diff_id)?.summary.clone())
    }

    /// Frees a diff's temp tables. Closing twice is fine.
    ///
    /// Errors: none in practice.
    pub async fn diff_close(&self, diff_id: u32) -> Result<()> {
        let mut st = self.state.lock().await;
        if let Some(d) = st.diffs.remove(&diff_id) {
            self.drop_tables(&d.temp_tables()).await;
        }
        Ok(())
    }
}

/// The diff `diff_id`, unless closed or stale.
fn live_diff(st: &State, diff_id: u32) -> Result<&DiffState> {
    let diff = st
        .diffs
        .get(&diff_id)
        .ok_or_else(|| Error::NotFound(format!("no diff {diff_id} (closed?)")))?;
    if diff
        .tables
        .iter()
        .any(|(t, v)| st.versions.get(t).copied().unwrap_or_default() != *v)
    {
        return Err(Error::NotFound(
            "the diff is stale: a table it compares changed since it was built; build a new diff"
                .into(),
        ));
    }
    Ok(diff)
}
