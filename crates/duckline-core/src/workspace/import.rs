//! Import: CSV (its bytes kept as the original, decoded to UTF-8 and read by DuckDB's `read_csv`,
//! `csv.rs`) and Parquet (decoded in Rust) become a new table `t<id>` with hidden row ids and order keys, committed in a manifest.

use std::fmt::Write as _;

use arrow_array::RecordBatch;

use crate::call::{Call, Phase, Span};
use crate::decode;
use crate::model::{ColumnMeta, CsvOptions};
use crate::persist::manifest::{CsvOriginal, FileRef, TableEntry};
use crate::persist::parquet as parquet_io;
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Error, Result, Store, Workspace};

use super::csv::{check_csv_text, check_header_width, csv_reader_options};
use super::sql_results::{physical_columns, string_pairs};
use super::tables::check_table_name;
use super::{MAX_COLUMN_COUNT, State};

/// Where an import's [`Phase::Persist`] starts: reading the rows into DuckDB is most of it.
const IMPORT_PERSIST_FRACTION: f64 = 0.6;

/// A table just created in DuckDB by an import, before its commit.
pub(super) struct Created {
    pub(super) table_id: u32,
    pub(super) schema: Vec<ColumnMeta>,
    pub(super) row_count: u64,
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Imports CSV bytes as a new table named `name` and persists them, as given, as the table's
    /// original. The bytes are decoded to UTF-8 first ([`crate::decode`]) and read with the
    /// options resolved as `workspace/csv.rs` describes; [`TableInfo::csv`](crate::model::TableInfo)
    /// reports them and reload uses them again. Reports to `call`: capture (DuckDB reads the CSV
    /// while its bytes are stored), persist (the manifest).
    ///
    /// Errors: [`Error::TableExists`], [`Error::InvalidInput`] (empty, binary, malformed CSV,
    /// wider than [`MAX_COLUMN_COUNT`](super::MAX_COLUMN_COUNT) columns, or bytes invalid in the
    /// named encoding, with DuckDB's reason), [`Error::InvalidCommand`] for bad options,
    /// [`Error::Cancelled`]; nothing changes on failure.
    pub async fn import_csv(
        &self,
        name: &str,
        bytes: Vec<u8>,
        options: &CsvOptions,
        call: &Call,
    ) -> Result<u32> {
        csv_reader_options(options)?;
        // Decoding and checking 300 MB of text takes a while: say so before and after.
        call.report(Phase::Capture, 0.0, Some("decoding the text".into()))?;
        let decoded = decode::decode(&bytes, options.encoding.as_deref())?;
        call.report(Phase::Capture, 0.0, Some("checking the text".into()))?;
        check_csv_text(&decoded.text)?;
        check_header_width(&decoded.text, options)?;
        let options = CsvOptions {
            encoding: Some(decoded.encoding.clone()),
            ..options.clone()
        };
        let mut st = self.lock().await?;
        call.report(Phase::Capture, 0.0, None)?;
        check_table_name(&st, name)?;
        let table_id = st.manifest.next_table_id;
        let table = sql::table_name(table_id);
        let file = format!("duckline-import-{}-{table_id}.csv", st.temp("csv"));
        let path = self.engine.register_file(&file, &decoded.text).await?;
        let original = FileRef {
            path: format!("tables/{table_id}/original/source.csv"),
            row_count: 0,
            bytes: bytes.len() as u64,
            first_row_id: None,
        };
        // The original is the CSV bytes as given, stored while DuckDB reads their UTF-8 text.
        let (stored, created) = futures::future::join(
            self.store.write(&original.path, &bytes),
            self.read_csv_guessed(&table, &path, &decoded.text, &options, None),
        )
        .await;
        drop(decoded);
        drop(bytes);
        self.engine.unregister_file(&file).await.ok();
        let (schema, row_count, effective) = match (stored, created) {
            (Ok(()), Ok(created)) => created,
            (Err(e), Ok(_)) => {
                self.drop_tables(std::slice::from_ref(&table)).await;
                self.delete_files([&original]).await;
                return Err(e);
            }
            (_, Err(e)) => {
                self.delete_files([&original]).await;
                return Err(match e {
                    Error::Engine(m) => Error::InvalidInput(format!("cannot read CSV: {m}")),
                    other => other,
                });
            }
        };
        let original = CsvOriginal {
            file: FileRef {
                row_count,
                ..original
            },
            options: effective,
        };
        let created = Created {
            table_id,
            schema,
            row_count,
        };
        self.finish_import(&mut st, name, created, Some(original), call)
            .await?;
        Ok(table_id)
    }

    /// Imports a Parquet file (decoded in Rust) as a new table. Reports to `call`: capture (the
    /// rows into DuckDB), persist (the original chunk files, the manifest).
    ///
    /// Errors: [`Error::TableExists`], [`Error::InvalidInput`] for bytes that are not Parquet or
    /// an empty file, [`Error::Cancelled`]; nothing changes on failure.
    pub async fn import_parquet(&self, name: &str, bytes: Vec<u8>, call: &Call) -> Result<u32> {
        if bytes.is_empty() {
            return Err(Error::InvalidInput("the file is empty".into()));
        }
        let batches = parquet_io::decode("import", bytes, None)
            .map_err(|e| Error::InvalidInput(format!("not a readable Parquet file: {e}")))?;
        self.import_batches(name, batches, call).await
    }

    /// Imports record batches decoded in Rust (Parquet, JSON, XLSX) as a new table whose original
    /// is chunk files written from it. Column names are the batches' field names.
    ///
    /// Errors: [`Error::TableExists`], [`Error::InvalidInput`] (no columns, more than
    /// [`MAX_COLUMN_COUNT`]), [`Error::Cancelled`], store errors; nothing changes on failure.
    pub(super) async fn import_batches(
        &self,
        name: &str,
        batches: Vec<RecordBatch>,
        call: &Call,
    ) -> Result<u32> {
        let mut st = self.lock().await?;
        call.report(Phase::Capture, 0.0, None)?;
        check_table_name(&st, name)?;
        let table_id = st.manifest.next_table_id;
        let staging = st.temp("import");
        self.engine
            .create_table_from_batches(&staging, batches)
            .await?;
        let created = self
            .create_from_source(table_id, &sql::ident(&staging))
            .await;
        self.engine
            .execute(&format!("DROP TABLE IF EXISTS {}", sql::ident(&staging)))
            .await?;
        let (schema, row_count) = created?;
        let created = Created {
            table_id,
            schema,
            row_count,
        };
        self.finish_import(&mut st, name, created, None, call)
            .await?;
        Ok(table_id)
    }

    /// Creates `t<id>` from a `read_csv(...)` call like [`Workspace::create_from_source`], without
    /// a DESCRIBE of the call first (its sniffing pass cost 0.35-0.8 s at 1M rows in
    /// DuckDB-WASM): the table is created under scratch column names, which are then renamed.
    /// With `limit`, only the CSV's first rows (row ids `1..=limit`) are read.
    pub(super) async fn create_from_csv(
        &self,
        table: &str,
        source: &str,
        limit: Option<u64>,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
        self.engine
            .execute(&format!(
                "CREATE TABLE {table} AS SELECT CAST(_dl_rn AS BIGINT) AS _dl_import_row_id, \
                 CAST(_dl_rn AS DOUBLE) AS _dl_import_order, * EXCLUDE (_dl_rn) \
                 FROM (SELECT row_number() OVER () AS _dl_rn, * FROM (SELECT * FROM {source}{limit}))"
            ))
            .await?;
        let named = async {
            let described = self.engine.query(&format!("DESCRIBE {table}")).await?;
            // The first two columns are the scratch row id and order key.
            let schema = numbered_columns(&described, 2)?;
            // Through scratch names first: a CSV column may be named like a final name.
            let mut renames = String::new();
            for c in &schema {
                let _ = write!(
                    renames,
                    "ALTER TABLE {table} RENAME COLUMN {} TO {};",
                    sql::ident(&c.name),
                    sql::ident(&format!("_dl_import_{}", c.id))
                );
            }
            for c in &schema {
                let _ = write!(
                    renames,
                    "ALTER TABLE {table} RENAME COLUMN {} TO {};",
                    sql::ident(&format!("_dl_import_{}", c.id)),
                    sql::ident(&sql::column_name(c.id))
                );
            }
            let _ = write!(
                renames,
                "ALTER TABLE {table} RENAME COLUMN _dl_import_row_id TO {ROW_ID}; \
                 ALTER TABLE {table} RENAME COLUMN _dl_import_order TO {ORDER_KEY};"
            );
            self.engine.execute(&renames).await?;
            let row_count = self.count(&format!("SELECT count(*) FROM {table}")).await?;
            Ok((schema, row_count))
        }
        .await;
        if named.is_err() {
            self.drop_tables(&[table.to_owned()]).await;
        }
        named
    }

    /// Creates `t<id>` from a relation (a table function call or a table name), adding the hidden
    /// row id and order key in source order.
    pub(super) async fn create_from_source(
        &self,
        table_id: u32,
        source: &str,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let described = self
            .engine
            .query(&format!("DESCRIBE SELECT * FROM {source}"))
            .await?;
        let schema = numbered_columns(&described, 0)?;
        let columns = schema
            .iter()
            .map(|c| {
                format!(
                    "{} AS {}",
                    sql::ident(&c.name),
                    sql::ident(&sql::column_name(c.id))
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let table = sql::table_name(table_id);
        self.engine
            .execute(&format!(
                "CREATE TABLE {table} AS SELECT CAST(_dl_rn AS BIGINT) AS {ROW_ID}, CAST(_dl_rn AS DOUBLE) AS {ORDER_KEY}, {columns} \
                 FROM (SELECT row_number() OVER () AS _dl_rn, * FROM {source})"
            ))
            .await?;
        match self.count(&format!("SELECT count(*) FROM {table}")).await {
            Ok(n) => Ok((schema, n)),
            Err(e) => {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {table}"))
                    .await?;
                Err(e)
            }
        }
    }

    /// Commits a freshly created `t<id>` in a new manifest, with `original_csv` as its original
    /// when given (already stored), else with original chunks written from the table. On failure
    /// drops the table and deletes what was written (the CSV original included): a
    /// [`Workspace::new_table`] change. Reports to `call` from [`Phase::Persist`] on.
    ///
    /// Errors: store errors, [`Error::Cancelled`] before the manifest is written.
    pub(super) async fn finish_import(
        &self,
        st: &mut State,
        name: &str,
        created: Created,
        original_csv: Option<CsvOriginal>,
        call: &Call,
    ) -> Result<()> {
        let Created {
            table_id,
            schema,
            row_count,
        } = created;
        let table = sql::table_name(table_id);
        let mut tx = self.new_table(
            table_id,
            original_csv.iter().map(|c| c.file.clone()).collect(),
        );
        let manifest = async {
            if schema.len() > MAX_COLUMN_COUNT {
                return Err(Error::InvalidInput(format!(
                    "{} columns: a table has at most {MAX_COLUMN_COUNT}",
                    schema.len()
                )));
            }
            call.report(Phase::Persist, IMPORT_PERSIST_FRACTION, None)?;
            let original = if original_csv.is_some() {
                Vec::new()
            } else {
                let select = format!("SELECT {} FROM {table}", physical_columns(&schema));
                let span = Span::new(Phase::Persist, IMPORT_PERSIST_FRACTION, 0.95);
                self.write_chunks(
                    &select,
                    &format!("tables/{table_id}/original/part"),
                    &mut tx.written,
                    (call, span),
                )
                .await?
            };
            let next_column_id = schema.iter().map(|c| c.id).max().unwrap_or(0) + 1;
            let entry = TableEntry {
                id: table_id,
                name: name.to_owned(),
                original_schema: schema,
                original_row_count: row_count,
                original,
                original_csv,
                steps: Vec::new(),
                position: 0,
                next_row_id: i64::try_from(row_count).unwrap_or(i64::MAX) + 1,
                next_column_id,
                next_step_id: 1,
            };
            let mut manifest = st.manifest.clone();
            manifest.tables.push(entry);
            manifest.next_table_id = table_id + 1;
            Ok(manifest)
        }
        .await;
        tx.commit(st, manifest).await?.finish(st, 0..0).await;
        st.loaded.insert(table_id);
        call.notify(Phase::Persist, 1.0, None);
        Ok(())
    }
}

/// The columns a DESCRIBE result lists after its first `skip` rows, numbered from 1.
///
/// Errors: [`Error::InvalidInput`] when there are none.
fn numbered_columns(described: &[RecordBatch], skip: usize) -> Result<Vec<ColumnMeta>> {
    let schema: Vec<ColumnMeta> = string_pairs(described, 0, 1)?
        .into_iter()
        .skip(skip)
        .zip(1..)
        .map(|((name, data_type), id)| ColumnMeta {
            id,
            name,
            data_type,
        })
        .collect();
    if schema.is_empty() {
        return Err(Error::InvalidInput("the file has no columns".into()));
    }
    Ok(schema)
}
