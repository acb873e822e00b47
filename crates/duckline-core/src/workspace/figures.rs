//! Figures for the app: files and bytes in the store, and DuckDB memory per table.

use std::collections::HashMap;

use crate::model::{MemoryFigures, StorageFigures, TableMemory};
use crate::sql;
use crate::{Engine, Result, Store, Workspace};

use super::sql_results::string_pairs;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Files and bytes in the store. Errors: store errors.
    pub async fn storage(&self) -> Result<StorageFigures> {
        let _st = self.lock().await?;
        let files = self.store.list().await?;
        let mut bytes = 0;
        for f in &files {
            bytes += self.store.size(f).await.unwrap_or(0);
        }
        Ok(StorageFigures {
            files: files.len() as u64,
            bytes,
        })
    }

    /// DuckDB's own memory accounting: `duckdb_memory()` in total, and per loaded table a share of
    /// its table memory (tags `BASE_TABLE`, `IN_MEMORY_TABLE`, `OVERFLOW_STRINGS`) in proportion to
    /// rows x columns (`duckdb_tables()`), since DuckDB does not account memory per table. Tables
    /// not loaded count 0. Bytes.
    ///
    /// Errors: [`Error::Engine`].
    pub async fn memory(&self) -> Result<MemoryFigures> {
        let st = self.lock().await?;
        let total = self
            .count(
                "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) FROM duckdb_memory()",
            )
            .await?;
        let table_bytes = self
            .count(
                "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) FROM duckdb_memory() \
                 WHERE tag IN ('BASE_TABLE', 'IN_MEMORY_TABLE', 'OVERFLOW_STRINGS')",
            )
            .await?;
        let sizes = self
            .engine
            .query("SELECT table_name, CAST(estimated_size * column_count AS VARCHAR) FROM duckdb_tables()")
            .await?;
        let weights: HashMap<String, f64> = string_pairs(&sizes, 0, 1)?
            .into_iter()
            .map(|(name, w)| (name, w.parse().unwrap_or(0.0)))
            .collect();
        let all: f64 = weights.values().sum();
        let mut tables = Vec::new();
        for t in &st.manifest.tables {
            let weight = weights.get(&sql::table_name(t.id)).copied().unwrap_or(0.0);
            let share = if all > 0.0 && st.loaded.contains(&t.id) {
                weight / all
            } else {
                0.0
            };
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a byte count share"
            )]
            let bytes = (table_bytes as f64 * share) as u64;
            tables.push(TableMemory {
                name: t.name.clone(),
                bytes,
            });
        }
        Ok(MemoryFigures {
            duckdb_bytes: total,
            tables,
        })
    }
}
