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

use std::collections::HashSet;
use std::fmt::Write as _;

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt8Type, UInt64Type};
use base64::Engine as _;

use crate::command::find_column;
use crate::manifest::{Delta, FileRef};
use crate::model::{
    ColumnChange, ColumnMeta, DiffPage, DiffPageOptions, DiffRow, DiffStatus, DiffSummary,
    SchemaChange,
};
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::workspace::{Direction, State, page_limit, physical_columns};
use crate::{Engine, Error, Result, Store, Workspace, values};

/// A built diff, alive until closed or until a table it reads changes.
pub(crate) struct DiffState {
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
    pub(crate) fn temp_tables(&self) -> Vec<String> {
        let mut out = vec![self.index_table.clone()];
        if self.owns_before {
            out.push(self.before_table.clone());
        }
        out
    }

    /// Whether the diff reads `table_id`.
    pub(crate) fn reads(&self, table_id: u32) -> bool {
        self.tables.iter().any(|(t, _)| *t == table_id)
    }

    fn mask_count(&self) -> usize {
        self.compared.len().div_ceil(64).max(1)
    }
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Builds the diff of the state at position `from` against the current state and returns its
    /// id. `from` may be any position of the timeline, before or after the current one.
    ///
    /// Errors: [`Error::NotFound`] (table, or `from` beyond the timeline: an unknown step),
    /// [`Error::Engine`].
    pub async fn diff(&self, table_id: u32, from: usize) -> Result<u32> {
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        if from > entry.steps.len() {
            return Err(Error::NotFound(format!(
                "from {from} is beyond the timeline (0..={})",
                entry.steps.len()
            )));
        }
        self.ensure_loaded(&mut st, table_id).await?;
        let table = sql::table_name(table_id);
        let (lo, hi) = (from.min(entry.position), from.max(entry.position));
        let steps = &entry.steps[lo..hi];
        let r = st.temp("diff_r");
        let before = st.temp("diff_before");
        let index = st.temp("diff_index");
        let built = async {
            // The files naming the rows the steps touched: a Cells delta's undo and redo name the
            // same rows, unless it rewrote the whole column.
            let naming: Vec<FileRef> = steps
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
                .collect();
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
            if from < entry.position {
                for step in steps.iter().rev() {
                    self.apply_delta(&mut st, &before, step, Direction::Undo)
                        .await?;
                }
            } else {
                for step in steps {
                    self.apply_delta(&mut st, &before, step, Direction::Redo)
                        .await?;
                }
            }
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

    /// Creates the narrow index of changed rows: `before_id`, `after_id`, status, one changed-column
    /// bitmask per 64 compared columns (`masks`, from [`mask_expressions`]), stored in `order_by`
    /// order so that DuckDB's `rowid` is the dense position (`pos` in pages and cursors): a sort
    /// costs less than a `row_number()` window, and a `rowid` range prunes like a zone map.
    /// Rows pair by `condition` (a full outer join), or by position when `None` (then rows whose
    /// ids differ are kept too, so the caller can check the pairing).
    async fn build_index(
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

    /// Compares two tables matched by `keys` (column names present in both) and returns a diff id:
    /// `left` is "before", `right` is "after". Columns are compared by name (case-insensitively);
    /// rows come in `right`'s display order, then rows only in `left` in its order.
    ///
    /// Errors: [`Error::NotFound`] (table or key column), [`Error::InvalidCommand`] (no keys),
    /// [`Error::InvalidInput`] when a side has duplicate keys (saying how many), [`Error::Engine`].
    pub async fn compare(&self, left: &str, right: &str, keys: &[String]) -> Result<u32> {
        if keys.is_empty() {
            return Err(Error::InvalidCommand(
                "compare: keys must name at least one column".into(),
            ));
        }
        let mut st = self.lock().await?;
        let mut sides = Vec::new();
        for name in [left, right] {
            let id = st
                .manifest
                .tables
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.id)
                .ok_or_else(|| Error::NotFound(format!("no table named {name:?}")))?;
            self.ensure_loaded(&mut st, id).await?;
            let entry = st.entry(id)?;
            sides.push((id, entry.schema().to_vec(), entry.row_count()));
        }
        let (right_id, right_schema, right_rows) = sides.pop().expect("two sides");
        let (left_id, left_schema, _) = sides.pop().expect("two sides");
        let mut condition = Vec::new();
        for k in keys {
            let (l, r) = (
                find_column(&left_schema, k)?,
                find_column(&right_schema, k)?,
            );
            condition.push(format!(
                "b.{} = a.{}",
                sql::ident(&sql::column_name(l.id)),
                sql::ident(&sql::column_name(r.id))
            ));
        }
        for (name, id, schema) in [
            (left, left_id, &left_schema),
            (right, right_id, &right_schema),
        ] {
            let key_columns = keys
                .iter()
                .map(|k| find_column(schema, k).map(|c| sql::ident(&sql::column_name(c.id))))
                .collect::<Result<Vec<_>>>()?
                .join(", ");
            let duplicated = self
                .count(&format!(
                    "SELECT count(*) FROM (SELECT {key_columns} FROM {} GROUP BY ALL HAVING count(*) > 1)",
                    sql::table_name(id)
                ))
                .await?;
            if duplicated > 0 {
                return Err(Error::InvalidInput(format!(
                    "compare: {duplicated} key values occur more than once in {name:?}; keys must identify rows"
                )));
            }
        }
        let compared: Vec<(ColumnMeta, ColumnMeta)> = right_schema
            .iter()
            .filter_map(|r| {
                left_schema
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(&r.name))
                    .map(|l| (l.clone(), r.clone()))
            })
            .collect();
        let index = st.temp("compare_index");
        let (before, after) = (sql::table_name(left_id), sql::table_name(right_id));
        let built = async {
            self.build_index(
                &index,
                &after,
                &before,
                Some(&condition.join(" AND ")),
                &mask_expressions(&compared, None),
                "after_order NULLS LAST, before_order",
            )
            .await?;
            let summary = self
                .summarize(
                    &index,
                    &compared,
                    None,
                    &left_schema,
                    &right_schema,
                    right_rows,
                )
                .await?;
            Ok::<_, Error>(summary)
        }
        .await;
        match built {
            Ok(summary) => {
                let version = |id: u32| st.versions.get(&id).copied().unwrap_or_default();
                let diff = DiffState {
                    tables: vec![(left_id, version(left_id)), (right_id, version(right_id))],
                    index_table: index,
                    before_table: before,
                    owns_before: false,
                    before_column_ids: None,
                    after_table: after,
                    compared,
                    from_schema: left_schema,
                    current_schema: right_schema,
                    summary,
                };
                st.next_diff_id += 1;
                let id = st.next_diff_id;
                st.diffs.insert(id, diff);
                Ok(id)
            }
            Err(e) => {
                self.drop_tables(&[index]).await;
                Err(e)
            }
        }
    }

    /// The summary of a built index; columns outside `before_column_ids` (when given) have no
    /// changed cells by construction and are not counted.
    async fn summarize(
        &self,
        index: &str,
        compared: &[(ColumnMeta, ColumnMeta)],
        before_column_ids: Option<&HashSet<u32>>,
        from_schema: &[ColumnMeta],
        current_schema: &[ColumnMeta],
        current_rows: u64,
    ) -> Result<DiffSummary> {
        let mut select = format!(
            "SELECT count(*) FILTER (WHERE status = {a}), count(*) FILTER (WHERE status = {r}), count(*) FILTER (WHERE status = {m})",
            a = DiffStatus::Added.code(),
            r = DiffStatus::Removed.code(),
            m = DiffStatus::Modified.code()
        );
        for (i, (before, _)) in compared.iter().enumerate() {
            if before_column_ids.is_some_and(|ids| !ids.contains(&before.id)) {
                select.push_str(", CAST(0 AS BIGINT)");
                continue;
            }
            let _ = write!(
                select,
                ", CAST(coalesce(sum(CAST((m{} >> {}) & 1 AS BIGINT)), 0) AS BIGINT)",
                i / 64,
                i % 64
            );
        }
        let batches = self.engine.query(&format!("{select} FROM {index}")).await?;
        let get = |i: usize| {
            crate::workspace::first_i64(&batches, i).map_or(0, |v| u64::try_from(v).unwrap_or(0))
        };
        let (added, removed, modified) = (get(0), get(1), get(2));
        let columns = compared
            .iter()
            .enumerate()
            .map(|(i, (_, c))| ColumnChange {
                name: c.name.clone(),
                changed_cells: get(3 + i),
            })
            .collect();
        let mut schema_changes = Vec::new();
        for c in current_schema {
            match compared.iter().find(|(_, a)| a.id == c.id).map(|(b, _)| b) {
                None => schema_changes.push(SchemaChange {
                    kind: "added".into(),
                    column: c.name.clone(),
                    detail: None,
                }),
                Some(f) => {
                    if f.name != c.name {
                        schema_changes.push(SchemaChange {
                            kind: "renamed".into(),
                            column: c.name.clone(),
                            detail: Some(format!("{} -> {}", f.name, c.name)),
                        });
                    }
                    if f.data_type != c.data_type {
                        schema_changes.push(SchemaChange {
                            kind: "retyped".into(),
                            column: c.name.clone(),
                            detail: Some(format!("{} -> {}", f.data_type, c.data_type)),
                        });
                    }
                }
            }
        }
        for f in from_schema
            .iter()
            .filter(|f| !compared.iter().any(|(b, _)| b.id == f.id))
        {
            schema_changes.push(SchemaChange {
                kind: "removed".into(),
                column: f.name.clone(),
                detail: None,
            });
        }
        Ok(DiffSummary {
            added,
            removed,
            modified,
            unchanged: current_rows.saturating_sub(added + modified),
            columns,
            schema_changes,
        })
    }

    /// The summary of a diff. Errors: [`Error::NotFound`] for an unknown, closed or stale diff.
    pub async fn diff_summary(&self, diff_id: u32) -> Result<DiffSummary> {
        let st = self.lock().await?;
        Ok(live_diff(&st, diff_id)?.summary.clone())
    }

    /// A keyset page of changed rows after the cursor `options.after`, in display order.
    ///
    /// Errors: [`Error::NotFound`] (diff, column), [`Error::InvalidCommand`] (bad cursor/limit).
    pub async fn diff_page(&self, diff_id: u32, options: &DiffPageOptions) -> Result<DiffPage> {
        let after = options
            .after
            .as_deref()
            .map(decode_diff_cursor)
            .transpose()?;
        self.diff_page_from(diff_id, options, after.map_or(0, |p| p + 1))
            .await
    }

    /// A page of changed rows starting at position `index` among them (0-based).
    ///
    /// Errors: as [`Workspace::diff_page`].
    pub async fn diff_page_at(
        &self,
        diff_id: u32,
        index: u64,
        options: &DiffPageOptions,
    ) -> Result<DiffPage> {
        self.diff_page_from(diff_id, options, i64::try_from(index).unwrap_or(i64::MAX))
            .await
    }

    async fn diff_page_from(
        &self,
        diff_id: u32,
        options: &DiffPageOptions,
        start: i64,
    ) -> Result<DiffPage> {
        let limit = page_limit(options.limit)?;
        let st = self.lock().await?;
        let diff = live_diff(&st, diff_id)?;
        // Page columns: current columns, then removed ones; each (name, before column, after column).
        let mut all: Vec<(String, Option<&ColumnMeta>, Option<&ColumnMeta>)> = diff
            .current_schema
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    diff.compared
                        .iter()
                        .find(|(_, a)| a.id == c.id)
                        .map(|(b, _)| b),
                    Some(c),
                )
            })
            .collect();
        for f in diff
            .from_schema
            .iter()
            .filter(|f| !diff.compared.iter().any(|(b, _)| b.id == f.id))
        {
            all.push((f.name.clone(), Some(f), None));
        }
        let columns: Vec<(String, Option<&ColumnMeta>, Option<&ColumnMeta>)> =
            match &options.columns {
                None => all,
                Some(names) => names
                    .iter()
                    .map(|n| {
                        all.iter()
                            .find(|(name, ..)| name == n)
                            .cloned()
                            .ok_or_else(|| Error::NotFound(format!("unknown column {n:?}")))
                    })
                    .collect::<Result<_>>()?,
            };
        let statuses = match &options.statuses {
            Some(s) if s.is_empty() => {
                return Err(Error::InvalidCommand("statuses must not be empty".into()));
            }
            Some(s) => format!(
                " AND status IN ({})",
                s.iter()
                    .map(|s| s.code().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        };
        let masks = (0..diff.mask_count())
            .map(|i| format!(", i.m{i}"))
            .collect::<String>();
        let mut select =
            format!("SELECT coalesce(i.after_id, i.before_id), i.status, i.pos{masks}");
        // Each distinct cell expression is selected once (an untouched column's before value is
        // its after value): `slots` holds each page column's (before, after) result column.
        let mut expressions: Vec<String> = Vec::new();
        let mut slot = |expression: String| {
            let at = expressions.iter().position(|e| *e == expression);
            at.unwrap_or_else(|| {
                expressions.push(expression);
                expressions.len() - 1
            })
        };
        let slots: Vec<(Option<usize>, Option<usize>)> = columns
            .iter()
            .map(|(_, before, after)| {
                let before = before.map(|b| {
                    let side = match &diff.before_column_ids {
                        Some(ids) if !ids.contains(&b.id) => "a",
                        _ => "b",
                    };
                    slot(format!("{side}.{}", sql::ident(&sql::column_name(b.id))))
                });
                let after =
                    after.map(|a| slot(format!("a.{}", sql::ident(&sql::column_name(a.id)))));
                (before, after)
            })
            .collect();
        for e in &expressions {
            let _ = write!(select, ", {e}");
        }
        // Two queries: the page's bounds (positions and row ids) from the index, then the page
        // with literal range filters, which prune on the index (`rowid` is the position)
        // and on both tables (stored about in row-id order), instead of a semi-join that scans
        // every row id of the table.
        let index = &diff.index_table;
        let n = limit + 1;
        let page = if statuses.is_empty() {
            format!(
                "SELECT *, rowid AS pos FROM {index} WHERE rowid >= {start} AND rowid < {start} + {n}"
            )
        } else {
            format!(
                "SELECT *, rowid AS pos FROM {index} WHERE rowid >= {start}{statuses} ORDER BY rowid LIMIT {n}"
            )
        };
        let bounds = self
            .engine
            .query(&format!(
                "SELECT min(pos), max(pos), min(after_id), max(after_id), min(before_id), max(before_id) FROM ({page})"
            ))
            .await?;
        let bound = |i: usize| crate::workspace::first_i64(&bounds, i);
        let range = |lo: Option<i64>, hi: Option<i64>| match (lo, hi) {
            (Some(lo), Some(hi)) => format!("{ROW_ID} BETWEEN {lo} AND {hi}"),
            _ => "false".to_owned(),
        };
        let batches = match (bound(0), bound(1)) {
            (Some(first), Some(last)) => {
                self.engine
                    .query(&format!(
                        "{select} FROM (SELECT *, rowid AS pos FROM {index} WHERE rowid BETWEEN {first} AND {last}{statuses}) i \
                         LEFT JOIN (SELECT * FROM {after} WHERE {a_range}) a ON a.{ROW_ID} = i.after_id \
                         LEFT JOIN (SELECT * FROM {before} WHERE {b_range}) b ON b.{ROW_ID} = i.before_id ORDER BY i.pos",
                        after = diff.after_table,
                        before = diff.before_table,
                        a_range = range(bound(2), bound(3)),
                        b_range = range(bound(4), bound(5)),
                    ))
                    .await?
            }
            _ => Vec::new(),
        };
        let fixed = 3 + diff.mask_count();
        let rows_json = values::rows(&batches)?;
        let meta = page_meta(&batches, diff.mask_count())?;
        let more = rows_json.len() as u64 > limit;
        let mut rows = Vec::new();
        let mut last_pos = None;
        for (values, (row_id, status, pos, row_masks)) in rows_json
            .into_iter()
            .zip(meta)
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            let status = DiffStatus::from_code(status)
                .ok_or_else(|| Error::Engine(format!("bad diff status {status}")))?;
            let mut before = Vec::with_capacity(columns.len());
            let mut after = Vec::with_capacity(columns.len());
            let cell = |slot: Option<usize>| {
                slot.map_or(serde_json::Value::Null, |i| values[fixed + i].clone())
            };
            for (b, a) in &slots {
                before.push(cell(*b));
                after.push(cell(*a));
            }
            let changed = if status == DiffStatus::Modified {
                columns
                    .iter()
                    .filter(|(_, _, a)| {
                        a.and_then(|a| diff.compared.iter().position(|(_, c)| c.id == a.id))
                            .is_some_and(|bit| (row_masks[bit / 64] >> (bit % 64)) & 1 == 1)
                    })
                    .map(|(n, ..)| n.clone())
                    .collect()
            } else {
                Vec::new()
            };
            rows.push(DiffRow {
                status,
                row_id,
                changed,
                before: (status != DiffStatus::Added).then_some(before),
                after: (status != DiffStatus::Removed).then_some(after),
            });
            last_pos = Some(pos);
        }
        Ok(DiffPage {
            columns: columns.into_iter().map(|(n, ..)| n).collect(),
            rows,
            next_cursor: if more {
                last_pos.map(encode_diff_cursor)
            } else {
                None
            },
        })
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

/// The columns a table diff's "before" copy needs: those the steps in between touched, or `None`
/// (every column) when rows come and go on the way (whole rows are put back) or a step is a
/// full snapshot.
fn copied_column_ids(steps: &[crate::manifest::StepRecord]) -> Option<HashSet<u32>> {
    let mut ids = HashSet::new();
    for step in steps {
        ids.extend(step.delta.column_ids()?);
    }
    Some(ids)
}

/// One UBIGINT bitmask expression per 64 compared columns; bit set when the cell differs.
/// Columns whose type changed compare by text form.
/// Columns outside `before_column_ids` (when given) are unchanged by construction: no bit.
fn mask_expressions(
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

/// `(row id, status code, pos, changed-column masks)` of one diff page row.
type PageRowMeta = (i64, u8, i64, Vec<u64>);

/// [`PageRowMeta`] of each result row of a diff page query.
fn page_meta(batches: &[RecordBatch], mask_count: usize) -> Result<Vec<PageRowMeta>> {
    let mut out = Vec::new();
    for batch in batches {
        let ids = arrow_cast::cast(batch.column(0), &arrow_schema::DataType::Int64)?;
        let status = arrow_cast::cast(batch.column(1), &arrow_schema::DataType::UInt8)?;
        let pos = arrow_cast::cast(batch.column(2), &arrow_schema::DataType::Int64)?;
        let masks = (0..mask_count)
            .map(|i| arrow_cast::cast(batch.column(3 + i), &arrow_schema::DataType::UInt64))
            .collect::<Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            out.push((
                ids.as_primitive::<Int64Type>().value(r),
                status.as_primitive::<UInt8Type>().value(r),
                pos.as_primitive::<Int64Type>().value(r),
                masks
                    .iter()
                    .map(|m| m.as_primitive::<UInt64Type>().value(r))
                    .collect(),
            ));
        }
    }
    Ok(out)
}

fn encode_diff_cursor(pos: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("d:{pos}"))
}

fn decode_diff_cursor(cursor: &str) -> Result<i64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("d:").and_then(|p| p.parse().ok()))
        .ok_or_else(|| Error::InvalidCommand(format!("not a diff cursor: {cursor:?}")))
}
