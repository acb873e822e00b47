//! Lazy loading: a table's data enters DuckDB on first use, from its original (or latest
//! snapshot) and the forward deltas up to its position (DESIGN.md, "Reload").

use crate::call::{Call, Span};
use crate::model::ColumnMeta;
use crate::persist::manifest::{CsvOriginal, Delta, FileRef, TableEntry};
use crate::{Engine, Error, Result, Store, Workspace};
use crate::{decode, sql};

use super::State;
use super::csv::csv_source;
use super::replay::Direction;
use super::sql_results::{column_definitions, physical_columns};

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Makes sure the table's data is in DuckDB: the original chunks, then the forward deltas of
    /// the steps up to the position (DESIGN.md, "Reload").
    pub(super) async fn ensure_loaded(&self, st: &mut State, table_id: u32) -> Result<()> {
        if st.loaded.contains(&table_id) {
            return Ok(());
        }
        let entry = st.entry(table_id)?.clone();
        let table = sql::table_name(table_id);
        // A full snapshot (custom SQL) is a checkpoint: start from the latest one instead.
        let snapshot = entry.steps[..entry.position]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(k, step)| match &step.delta {
                Delta::Snapshot { redo, .. } => Some((&step.schema_after, redo, k + 1)),
                _ => None,
            });
        let (schema, files, replay) =
            snapshot.unwrap_or((&entry.original_schema, &entry.original, 0));
        let result = async {
            if let (Some(csv), 0) = (&entry.original_csv, replay) {
                self.load_csv_original(st, &entry, csv).await?;
            } else {
                self.load_chunks(st, &table, schema, files).await?;
            }
            for step in &entry.steps[replay..entry.position] {
                self.apply_delta(
                    st,
                    &table,
                    step,
                    Direction::Redo,
                    (&Call::none(), Span::NONE),
                )
                .await?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                st.loaded.insert(table_id);
                st.bump(table_id);
                Ok(())
            }
            Err(e) => {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {table}"))
                    .await
                    .ok();
                Err(e)
            }
        }
    }

    /// Creates `table` with `schema` and fills it from the chunk `files` (an original or a
    /// snapshot).
    async fn load_chunks(
        &self,
        st: &mut State,
        table: &str,
        schema: &[ColumnMeta],
        files: &[FileRef],
    ) -> Result<()> {
        self.engine
            .execute(&format!(
                "DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({})",
                column_definitions(schema)
            ))
            .await?;
        let names = physical_columns(schema);
        // One INSERT of all chunks into the empty table: in DuckDB-WASM, appending chunk by
        // chunk to a filled table took 1.5 s per 250,000 x 30 chunk, one INSERT of four 1.2 s
        // (and the later UPDATEs ran several times faster). The price: the chunks' scratch
        // tables and the table coexist until the INSERT ends (peak ~2x the table).
        let mut temps = Vec::new();
        for file in files {
            let temp = st.temp("load");
            self.load_file(file, &temp, None).await?;
            temps.push(temp);
        }
        if !temps.is_empty() {
            let union = temps
                .iter()
                .map(|t| format!("SELECT {names} FROM {}", sql::ident(t)))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            let drops = temps
                .iter()
                .map(|t| format!("DROP TABLE {};", sql::ident(t)))
                .collect::<String>();
            self.engine
                .execute(&format!("INSERT INTO {table} ({names}) {union}; {drops}"))
                .await?;
        }
        Ok(())
    }

    /// Creates `t<id>` from its CSV original: the same `read_csv` as at import, checked against the
    /// schema and row count recorded then.
    ///
    /// Errors: [`Error::Corrupt`] when the CSV reads differently, [`Error::NotFound`] /
    /// [`Error::Storage`] from the store, [`Error::Engine`].
    async fn load_csv_original(
        &self,
        st: &mut State,
        entry: &TableEntry,
        csv: &CsvOriginal,
    ) -> Result<()> {
        let table = sql::table_name(entry.id);
        self.engine
            .execute(&format!("DROP TABLE IF EXISTS {table}"))
            .await?;
        let (schema, row_count) = self.read_csv_original(st, csv, &table, None).await?;
        if schema != entry.original_schema || row_count != entry.original_row_count {
            return Err(Error::Corrupt {
                path: csv.file.path.clone(),
                message: format!(
                    "the CSV original now reads as {row_count} rows of {schema:?}, not the \
                     {} rows of {:?} recorded at import",
                    entry.original_row_count, entry.original_schema
                ),
            });
        }
        Ok(())
    }

    /// Creates `table` from a CSV original ([`Workspace::create_from_csv`]), registering the
    /// stored bytes, decoded as at import (its recorded encoding; guessed again for an original
    /// recorded before issue 11, which was UTF-8), with DuckDB for the call.
    pub(super) async fn read_csv_original(
        &self,
        st: &mut State,
        csv: &CsvOriginal,
        table: &str,
        limit: Option<u64>,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let bytes = self.store.read(&csv.file.path).await?;
        let decoded = decode::decode(&bytes, csv.options.encoding.as_deref()).map_err(|e| {
            Error::Corrupt {
                path: csv.file.path.clone(),
                message: format!("the CSV original no longer decodes: {e}"),
            }
        })?;
        let file = format!("duckline-{}.csv", st.temp("original"));
        let path = self.engine.register_file(&file, &decoded.text).await?;
        drop(decoded);
        drop(bytes);
        let created = match csv_source(&path, &csv.options) {
            Ok(source) => self.create_from_csv(table, &source, limit).await,
            Err(e) => Err(e),
        };
        self.engine.unregister_file(&file).await.ok();
        created
    }
}
