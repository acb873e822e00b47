//! Diff pages: positions and row-id bounds from the index, then only the asked columns of the
//! page's rows joined back with literal range filters.

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt8Type, UInt64Type};

use std::fmt::Write as _;

use crate::model::{ColumnMeta, DiffPage, DiffPageOptions, DiffRow, DiffStatus};
use crate::sql::{self, ROW_ID};
use crate::{Engine, Error, Result, Store, Workspace, values};

use super::super::cursor::{decode_diff_cursor, encode_diff_cursor};
use super::super::rows::page_limit;
use super::super::sql_results::first_i64;
use super::{DiffState, live_diff};

impl<E: Engine, S: Store> Workspace<E, S> {
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
        let columns = page_columns(diff, options.columns.as_deref())?;
        let statuses = status_filter(options)?;
        let (select, slots) = cell_select(diff, &columns);
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
        let bound = |i: usize| first_i64(&bounds, i);
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
}

/// One column of a diff page: its name, its column in the `from` state and in the current one.
type PageColumn<'a> = (String, Option<&'a ColumnMeta>, Option<&'a ColumnMeta>);

/// The page's columns: `names` in that order, or every current column then every removed one.
/// Errors: [`Error::NotFound`] for a name neither state has.
fn page_columns<'a>(diff: &'a DiffState, names: Option<&[String]>) -> Result<Vec<PageColumn<'a>>> {
    let mut all: Vec<PageColumn<'a>> = diff
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
    match names {
        None => Ok(all),
        Some(names) => names
            .iter()
            .map(|n| {
                all.iter()
                    .find(|(name, ..)| name == n)
                    .cloned()
                    .ok_or_else(|| Error::NotFound(format!("unknown column {n:?}")))
            })
            .collect(),
    }
}

/// The ` AND status IN (...)` filter of `options.statuses` (empty for all statuses).
/// Errors: [`Error::InvalidCommand`] for an empty list.
fn status_filter(options: &DiffPageOptions) -> Result<String> {
    Ok(match &options.statuses {
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
    })
}

/// Result columns of a page column's (before, after) values; `None` where that side has none.
type CellSlots = (Option<usize>, Option<usize>);

/// The page query's select list (row id, status, pos, masks, then each distinct cell expression
/// once: an untouched column's before value is its after value) and, per page column, the result
/// slots of its (before, after) values.
fn cell_select(diff: &DiffState, columns: &[PageColumn<'_>]) -> (String, Vec<CellSlots>) {
    let masks = (0..diff.mask_count())
        .map(|i| format!(", i.m{i}"))
        .collect::<String>();
    let mut select = format!("SELECT coalesce(i.after_id, i.before_id), i.status, i.pos{masks}");
    let mut expressions: Vec<String> = Vec::new();
    let mut slot = |expression: String| {
        let at = expressions.iter().position(|e| *e == expression);
        at.unwrap_or_else(|| {
            expressions.push(expression);
            expressions.len() - 1
        })
    };
    let slots = columns
        .iter()
        .map(|(_, before, after)| {
            let before = before.map(|b| {
                let side = match &diff.before_column_ids {
                    Some(ids) if !ids.contains(&b.id) => "a",
                    _ => "b",
                };
                slot(format!("{side}.{}", sql::ident(&sql::column_name(b.id))))
            });
            let after = after.map(|a| slot(format!("a.{}", sql::ident(&sql::column_name(a.id)))));
            (before, after)
        })
        .collect();
    for e in &expressions {
        let _ = write!(select, ", {e}");
    }
    (select, slots)
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
