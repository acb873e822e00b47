//! The summary of a built diff index: counts by status, changed cells per column, schema changes.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::model::{
    ColumnChange, ColumnMeta, DiffStatus, DiffSummary, SchemaChange, SchemaChangeKind,
};
use crate::{Engine, Result, Store, Workspace};

use super::super::sql_results::first_i64;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// The summary of a built index; columns outside `before_column_ids` (when given) have no
    /// changed cells by construction and are not counted.
    pub(super) async fn summarize(
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
        let get = |i: usize| first_i64(&batches, i).map_or(0, |v| u64::try_from(v).unwrap_or(0));
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
                    kind: SchemaChangeKind::Added,
                    column: c.name.clone(),
                    detail: None,
                }),
                Some(f) => {
                    if f.name != c.name {
                        schema_changes.push(SchemaChange {
                            kind: SchemaChangeKind::Renamed,
                            column: c.name.clone(),
                            detail: Some(format!("{} -> {}", f.name, c.name)),
                        });
                    }
                    if f.data_type != c.data_type {
                        schema_changes.push(SchemaChange {
                            kind: SchemaChangeKind::Retyped,
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
                kind: SchemaChangeKind::Removed,
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
}
