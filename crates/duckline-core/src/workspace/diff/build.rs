//! Building a table diff: the "before" copy of the rows the steps in between name, with their
//! deltas applied in reverse, then the narrow index of changed rows shared with `compare`.

use std::collections::HashSet;

use crate::call::{Call, Phase, Span};
use crate::model::{ColumnMeta, DiffStatus};
use crate::persist::manifest::{Delta, FileRef, StepRecord, TableEntry};
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Error, Result, Store, Workspace};

use super::super::State;
use super::super::replay::Direction;
use super::super::sql_results::physical_columns;
use super::DiffState;

/// The share of a diff's progress that the before copy takes; the index of changed rows the rest.
const COPY_FRACTION: f64 = 0.7;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Builds the diff of the state at position `from` against the current state and returns its
    /// id. `from` may be any position of the timeline, before or after the current one. Reports
    /// to `call`: capture (the before copy, each delta file read back), execute (the index of
    /// changed rows); a cancelled diff drops what it built.
    ///
    /// Errors: [`Error::NotFound`] (table, or `from` beyond the timeline: an unknown step),
    /// [`Error::Engine`], [`Error::Cancelled`].
    pub async fn diff(&self, table_id: u32, from: usize, call: &Call) -> Result<u32> {
        let mut st = self.lock().await?;
        call.report(Phase::Capture, 0.0, None)?;
        let entry = st.entry(table_id)?.clone();
        if from > entry.steps.len() {
            return Err(Error::NotFound(format!(
                "from {from} is beyond the timeline (0..={})",
                entry.steps.len()
            )));
        }
        self.ensure_loaded(&mut st, table_id).await?;
        let table = sql::table_name(table_id);
        let r = st.temp("diff_r");
        let before = st.temp("diff_before");
        let index = st.temp("diff_index");
        let built = async {
            call.check()?;
            let (in_r, copied_ids) = self
                .copy_before(&mut st, &entry, from, (&r, &before), call)
                .await?;
            call.report(Phase::Execute, COPY_FRACTION, None)?;
            let from_schema = entry.schema_at(from).to_vec();
            let current_schema = entry.schema().to_vec();
            let compared: Vec<(ColumnMeta, ColumnMeta)> = current_schema
                .iter()
                .filter_map(|c| {
                    from_schema
                        .iter()
                        .find(|f| f.id == c.id)
                        .map(|f| (f.clone(), c.clone()))
                })
                .collect();
            let after = format!("(SELECT * FROM {table}{in_r})");
            let masks = mask_expressions(&compared, copied_ids.as_ref());
            let order_by = "coalesce(after_order, before_order), coalesce(after_id, before_id)";
            let by_id = format!("a.{ROW_ID} = b.{ROW_ID}");
            // Without rows coming or going, the copy holds the same rows in the same order as
            // the table (made by one scan, then only updated): pair them by position, no hash
            // join. Checked: any pair with different row ids rebuilds the index by row id.
            let paired = copied_ids.is_some()
                && self
                    .build_index(&index, &after, &before, None, &masks, order_by)
                    .await
                    .is_ok()
                && self
                    .count(&format!(
                        "SELECT count(*) FROM {index} WHERE before_id IS DISTINCT FROM after_id"
                    ))
                    .await?
                    == 0;
            if !paired {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {index}"))
                    .await?;
                self.build_index(&index, &after, &before, Some(&by_id), &masks, order_by)
                    .await?;
            }
            self.engine.execute(&format!("DROP TABLE {r}")).await?;
            let summary = self
                .summarize(
                    &index,
                    &compared,
                    copied_ids.as_ref(),
                    &from_schema,
                    &current_schema,
                    entry.row_count(),
                )
                .await?;
            Ok::<_, Error>(DiffState {
                tables: vec![(
                    table_id,
                    st.versions.get(&table_id).copied().unwrap_or_default(),
                )],
                index_table: index.clone(),
                before_table: before.clone(),
                owns_before: true,
                before_column_ids: copied_ids,
                after_table: table.clone(),
                compared,
                from_schema,
                current_schema,
                summary,
            })
        }
        .await;
        match built {
            Ok(diff) => {
                call.notify(Phase::Execute, 1.0, None);
                st.next_diff_id += 1;
                let id = st.next_diff_id;
                st.diffs.insert(id, diff);
                Ok(id)
            }
            Err(e) => {
                self.drop_tables(&[r, before, index]).await;
                Err(e)
            }
        }
    }

    /// Steps 1 and 2 of the module doc: `r` (the row ids the steps' deltas name, unless every row
    /// is compared) and `before` (the copied columns of those rows with the deltas applied
    /// in reverse, or forward, so it holds the state at `from`). Returns the filter of the rows
    /// compared (empty for every row) and the copied column ids (`None`: all).
    async fn copy_before(
        &self,
        st: &mut State,
        entry: &TableEntry,
        from: usize,
        (r, before): (&str, &str),
        call: &Call,
    ) -> Result<(String, Option<HashSet<u32>>)> {
        let table = sql::table_name(entry.id);
        let (lo, hi) = (from.min(entry.position), from.max(entry.position));
        let steps = &entry.steps[lo..hi];
        let naming = naming_files(steps);
        // Compare every row when a snapshot step (custom SQL) names no rows, or when the deltas
        // name about half the rows or more: reading their row ids would cost more than the
        // rows it leaves out.
        let named_rows: u64 = naming.iter().map(|f| f.row_count).sum();
        let every_row = steps
            .iter()
            .any(|s| matches!(s.delta, Delta::Snapshot { .. }))
            || named_rows.saturating_mul(2) >= entry.row_count().max(1);
        self.engine
            .execute(&format!("CREATE TABLE {r} ({ROW_ID} BIGINT)"))
            .await?;
        for file in naming.iter().filter(|_| !every_row) {
            let temp = st.temp("diff_ids");
            self.load_file(file, &temp, Some(&[ROW_ID])).await?;
            self.engine
                .execute(&format!(
                    "INSERT INTO {r} SELECT {ROW_ID} FROM {temp}; DROP TABLE {temp}"
                ))
                .await?;
        }
        let in_r = if every_row {
            String::new()
        } else {
            format!(" WHERE {ROW_ID} IN (SELECT DISTINCT {ROW_ID} FROM {r})")
        };
        let copied_ids = copied_column_ids(steps);
        let copied: Vec<ColumnMeta> = entry
            .schema()
            .iter()
            .filter(|c| copied_ids.as_ref().is_none_or(|ids| ids.contains(&c.id)))
            .cloned()
            .collect();
        self.engine
            .execute(&format!(
                "CREATE TABLE {before} AS SELECT {cols} FROM {table}{in_r}",
                cols = physical_columns(&copied)
            ))
            .await?;
        let span = Span::new(Phase::Capture, 0.0, COPY_FRACTION);
        let (ordered, direction): (Vec<_>, _) = if from < entry.position {
            (steps.iter().rev().collect(), Direction::Undo)
        } else {
            (steps.iter().collect(), Direction::Redo)
        };
        for (i, step) in ordered.iter().enumerate() {
            let part = span.part(i, ordered.len());
            self.apply_delta(st, before, step, direction, (call, part))
                .await?;
        }
        Ok((in_r, copied_ids))
    }

    /// Creates the narrow index of changed rows: `before_id`, `after_id`, status, one changed-column
    /// bitmask per 64 compared columns (`masks`, from [`mask_expressions`]), stored in `order_by`
    /// order so that DuckDB's `rowid` is the dense position (`pos` in pages and cursors): a sort
    /// costs less than a `row_number()` window, and a `rowid` range prunes like a zone map.
    /// Rows pair by `condition` (a full outer join), or by position when `None` (then rows whose
    /// ids differ are kept too, so the caller can check the pairing).
    pub(super) async fn build_index(
        &self,
        index: &str,
        after: &str,
        before: &str,
        condition: Option<&str>,
        masks: &[String],
        order_by: &str,
    ) -> Result<()> {
        let (join, unpaired) = match condition {
            Some(c) => (format!("FULL OUTER JOIN {before} b ON {c}"), String::new()),
            None => (
                format!("POSITIONAL JOIN {before} b"),
                " OR before_id IS DISTINCT FROM after_id".to_owned(),
            ),
        };
        let mask_select = masks
            .iter()
            .enumerate()
            .map(|(i, m)| format!(", CASE WHEN a.{ROW_ID} IS NOT NULL AND b.{ROW_ID} IS NOT NULL THEN {m} ELSE 0 END AS m{i}"))
            .collect::<String>();
        let any_mask = (0..masks.len())
            .map(|i| format!(" OR m{i} <> 0"))
            .collect::<String>();
        let mask_names = (0..masks.len())
            .map(|i| format!(", m{i}"))
            .collect::<String>();
        self.engine
            .execute(&format!(
                "CREATE TABLE {index} AS SELECT before_id, after_id, status{mask_names} FROM ( \
                   SELECT b.{ROW_ID} AS before_id, a.{ROW_ID} AS after_id, \
                     CAST(CASE WHEN b.{ROW_ID} IS NULL THEN {added} WHEN a.{ROW_ID} IS NULL THEN {removed} ELSE {modified} END AS UTINYINT) AS status, \
                     a.{ORDER_KEY} AS after_order, b.{ORDER_KEY} AS before_order{mask_select} \
                   FROM {after} a {join}) \
                 WHERE status <> {modified}{any_mask}{unpaired} ORDER BY {order_by}",
                added = DiffStatus::Added.code(),
                removed = DiffStatus::Removed.code(),
                modified = DiffStatus::Modified.code(),
            ))
            .await
    }
}

/// The files naming the rows `steps` touched: a Cells delta's undo and redo name the same rows,
/// unless it rewrote the whole column.
fn naming_files(steps: &[StepRecord]) -> Vec<FileRef> {
    steps
        .iter()
        .flat_map(|step| match &step.delta {
            Delta::Cells {
                undo, redo, full, ..
            } => {
                if *full {
                    [undo.as_slice(), redo.as_slice()].concat()
                } else {
                    undo.clone()
                }
            }
            Delta::DeleteRows { redo: ids, .. } | Delta::InsertRows { undo: ids, .. } => {
                ids.clone()
            }
            Delta::AddColumns { .. }
            | Delta::DeleteColumn { .. }
            | Delta::Schema
            | Delta::Snapshot { .. } => Vec::new(),
        })
        .collect()
}

/// The columns a table diff's "before" copy needs: those the steps in between touched, or `None`
/// (every column) when rows come and go on the way (whole rows are put back) or a step is a
/// full snapshot.
fn copied_column_ids(steps: &[StepRecord]) -> Option<HashSet<u32>> {
    let mut ids = HashSet::new();
    for step in steps {
        ids.extend(step.delta.column_ids()?);
    }
    Some(ids)
}

/// One UBIGINT bitmask expression per 64 compared columns; bit set when the cell differs.
/// Columns whose type changed compare by text form.
/// Columns outside `before_column_ids` (when given) are unchanged by construction: no bit.
pub(super) fn mask_expressions(
    compared: &[(ColumnMeta, ColumnMeta)],
    before_column_ids: Option<&HashSet<u32>>,
) -> Vec<String> {
    if compared.is_empty() {
        return vec!["CAST(0 AS UBIGINT)".into()];
    }
    compared
        .chunks(64)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .map(|(bit, (f, c))| {
                    if before_column_ids.is_some_and(|ids| !ids.contains(&f.id)) {
                        return "CAST(0 AS UBIGINT)".to_owned();
                    }
                    let (b, a) = (
                        format!("b.{}", sql::ident(&sql::column_name(f.id))),
                        format!("a.{}", sql::ident(&sql::column_name(c.id))),
                    );
                    let differs = if f.data_type == c.data_type {
                        format!("{a} IS DISTINCT FROM {b}")
                    } else {
                        format!("CAST({a} AS VARCHAR) IS DISTINCT FROM CAST({b} AS VARCHAR)")
                    };
                    format!("(CASE WHEN {differs} THEN CAST(1 AS UBIGINT) << {bit} ELSE CAST(0 AS UBIGINT) END)")
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}
