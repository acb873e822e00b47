//! Row pages in display order: keyset pages after a cursor, jumps to a position, and the first
//! page of a table not loaded yet from a preview.

use std::fmt::Write as _;

use crate::call::{Call, Span};
use crate::model::{ColumnMeta, RowPage, RowsOptions};
use crate::persist::manifest::{Delta, TableEntry};
use crate::schema::find_column;
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Error, Result, Store, Workspace, values};

use super::cursor::{decode_cursor, encode_cursor};
use super::replay::Direction;
use super::{DEFAULT_PAGE_ROW_COUNT, MAX_PAGE_ROW_COUNT, State};

/// A first page comes from a preview only when the table has at least this many times the rows
/// the preview reads (else the whole load costs about as much).
const MIN_TABLE_TO_PREVIEW_RATIO: u64 = 10;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// A keyset page of rows in display order, after the cursor `options.after`. The first page
    /// of a table not loaded yet may come from a preview (see [`Workspace::rows_at`]'s position 0
    /// too): the same rows, without waiting for the whole table; the next call loads it.
    ///
    /// Errors: [`Error::NotFound`] (table or column), [`Error::InvalidCommand`] (bad cursor or
    /// limit), [`Error::Corrupt`] when the table's stored files no longer read as committed.
    pub async fn rows(&self, table_id: u32, options: &RowsOptions) -> Result<RowPage> {
        let after = options.after.as_deref().map(decode_cursor).transpose()?;
        let filter = after
            .map(|o| format!(" WHERE {ORDER_KEY} > {}", sql::double(o)))
            .unwrap_or_default();
        self.page(table_id, options, &filter, 0).await
    }

    /// A page of rows starting at row position `index` (0-based, display order), for scrollbar
    /// jumps.
    ///
    /// Errors: as [`Workspace::rows`].
    pub async fn rows_at(
        &self,
        table_id: u32,
        index: u64,
        options: &RowsOptions,
    ) -> Result<RowPage> {
        self.page(table_id, options, "", index).await
    }

    async fn page(
        &self,
        table_id: u32,
        options: &RowsOptions,
        filter: &str,
        offset: u64,
    ) -> Result<RowPage> {
        let limit = page_limit(options.limit)?;
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        let columns: Vec<ColumnMeta> = match &options.columns {
            None => entry.schema().to_vec(),
            Some(names) => names
                .iter()
                .map(|n| find_column(entry.schema(), n).cloned())
                .collect::<Result<_>>()?,
        };
        let preview = if filter.is_empty() && offset == 0 && !st.loaded.contains(&table_id) {
            self.preview(&mut st, &entry, limit).await?
        } else {
            None
        };
        let table = match &preview {
            Some(scratch) => scratch.clone(),
            None => {
                self.ensure_loaded(&mut st, table_id).await?;
                sql::table_name(table_id)
            }
        };
        let page = self
            .page_of(entry.row_count(), &table, &columns, filter, offset, limit)
            .await;
        if let Some(scratch) = preview {
            self.drop_tables(&[scratch]).await;
        }
        page
    }

    /// The first rows of a table that is not loaded yet, for its first page: a scratch table of
    /// the CSV original's first rows with the steps' deltas of those rows only (delta chunks of
    /// later rows are not read). Returns its name, or `None` (load the whole table instead)
    /// unless that is exact and cheap: the original is a CSV, no step inserted rows or replaced
    /// the table (such rows could sort first), and the rows the steps deleted leave enough.
    ///
    /// Why: reopening 1M rows x 30 with 10 steps took ~7 s before the first page; the grid shows
    /// this page while later calls load the whole table.
    async fn preview(
        &self,
        st: &mut State,
        entry: &TableEntry,
        limit: u64,
    ) -> Result<Option<String>> {
        let Some(csv) = &entry.original_csv else {
            return Ok(None);
        };
        let steps = &entry.steps[..entry.position];
        if steps
            .iter()
            .any(|s| matches!(s.delta, Delta::InsertRows { .. } | Delta::Snapshot { .. }))
        {
            return Ok(None);
        }
        // Among the first `rows` original rows, at most `deleted` are gone: `limit + 1` remain.
        let deleted: u64 = steps
            .iter()
            .map(|s| s.row_count_before.saturating_sub(s.row_count_after))
            .sum();
        let rows = limit + 1 + deleted;
        if rows.saturating_mul(MIN_TABLE_TO_PREVIEW_RATIO) > entry.original_row_count {
            return Ok(None);
        }
        let scratch = st.temp("preview");
        let built = async {
            let (schema, _) = self
                .read_csv_original(st, csv, &scratch, Some(rows))
                .await?;
            if schema != entry.original_schema {
                // The whole load reports it (Error::Corrupt).
                return Ok(false);
            }
            let max_row_id = i64::try_from(rows).unwrap_or(i64::MAX);
            for step in steps {
                let unobserved = (&Call::none(), Span::NONE);
                self.apply_delta_within(
                    st,
                    &scratch,
                    step,
                    Direction::Redo,
                    Some(max_row_id),
                    unobserved,
                )
                .await?;
            }
            Ok::<_, Error>(true)
        }
        .await;
        match built {
            Ok(true) => Ok(Some(scratch)),
            Ok(false) => {
                self.drop_tables(&[scratch]).await;
                Ok(None)
            }
            Err(e) => {
                self.drop_tables(&[scratch]).await;
                Err(e)
            }
        }
    }

    /// A page of `table` (the live table of `row_count` rows, or a preview of it) in display
    /// order: rows after `filter` (a keyset condition on the order key, or empty) from position
    /// `offset`.
    async fn page_of(
        &self,
        row_count: u64,
        table: &str,
        columns: &[ColumnMeta],
        filter: &str,
        offset: u64,
        limit: u64,
    ) -> Result<RowPage> {
        // Two queries: the page's order keys from a narrow sort (a far OFFSET sorts every row, so
        // the sort must not carry the columns), then the columns of just that order-key range,
        // which zone maps prune. Order keys are unique. A jump into the back half sorts
        // descending from the end, so the sort keeps at most half the rows.
        let from_end = filter.is_empty() && offset > row_count / 2;
        let keys = self
            .engine
            .query(&if from_end {
                let end = row_count.saturating_sub(offset);
                format!(
                    "SELECT {ORDER_KEY} FROM {table} ORDER BY {ORDER_KEY} DESC LIMIT {} OFFSET {}",
                    end.min(limit),
                    end.saturating_sub(limit)
                )
            } else {
                format!(
                    "SELECT {ORDER_KEY} FROM {table}{filter} ORDER BY {ORDER_KEY} LIMIT {} OFFSET {offset}",
                    limit + 1
                )
            })
            .await?;
        let mut keys = values::rows(&keys)?;
        if from_end {
            keys.reverse();
        }
        let more = if from_end {
            offset + limit < row_count
        } else {
            keys.len() as u64 > limit
        };
        let shown = &keys[..keys.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
        let key = |row: Option<&Vec<serde_json::Value>>| row?.first()?.as_f64();
        let bounds = key(shown.first()).zip(key(shown.last()));
        let mut select = format!("SELECT {ROW_ID}, {ORDER_KEY}");
        for c in columns {
            let _ = write!(select, ", {}", sql::ident(&sql::column_name(c.id)));
        }
        let mut all = match bounds {
            Some((lo, hi)) => {
                let batches = self
                    .engine
                    .query(&format!(
                        "{select} FROM {table} WHERE {ORDER_KEY} >= {} AND {ORDER_KEY} <= {} ORDER BY {ORDER_KEY}",
                        sql::double(lo),
                        sql::double(hi)
                    ))
                    .await?;
                values::rows(&batches)?
            }
            None => Vec::new(),
        };
        all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut row_ids = Vec::with_capacity(all.len());
        let mut rows = Vec::with_capacity(all.len());
        let mut last_order = None;
        for mut row in all {
            let values = row.split_off(2);
            row_ids.push(row[0].as_i64().unwrap_or_default());
            last_order = row[1].as_f64();
            rows.push(values);
        }
        Ok(RowPage {
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            row_ids,
            rows,
            next_cursor: if more {
                last_order.map(encode_cursor)
            } else {
                None
            },
        })
    }
}

pub(super) fn page_limit(limit: Option<u64>) -> Result<u64> {
    match limit {
        None => Ok(DEFAULT_PAGE_ROW_COUNT),
        Some(n) if (1..=MAX_PAGE_ROW_COUNT).contains(&n) => Ok(n),
        Some(n) => Err(Error::InvalidCommand(format!(
            "limit must be 1..={MAX_PAGE_ROW_COUNT}, got {n}"
        ))),
    }
}
