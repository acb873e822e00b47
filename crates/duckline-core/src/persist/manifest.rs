//! The manifest: the committed state of a workspace (DESIGN.md, "Persistence").
//!
//! `manifest-<generation>.json` is written last in every change; a change is committed once its
//! manifest is fully written. The file is `<crc32 hex>\n<json body>`; a manifest whose checksum
//! does not match is ignored, so a torn write falls back to the previous generation.

use serde::{Deserialize, Serialize};

use crate::model::{ColumnMeta, CsvOptions, StepInfo};
use crate::{Error, Result};

/// Version of the manifest format this build writes. Version 2 added
/// [`TableEntry::original_csv`]; version 1 manifests are read as they are.
pub const MANIFEST_FORMAT_VERSION: u32 = 2;

/// The oldest manifest format this build reads.
pub const MIN_MANIFEST_FORMAT_VERSION: u32 = 1;

/// One file the manifest names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    /// Path inside the workspace folder.
    pub path: String,
    /// Rows in the file.
    pub row_count: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// The smallest row id the file may hold (its chunk's lower bound), when it is a chunk of a
    /// row-id range; lets a partial load skip files of other rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_row_id: Option<i64>,
}

/// The undo and forward data of a step (DESIGN.md table "kind of command / undo delta / forward
/// delta"). Files hold `_row_id` plus the columns named below, chunked by row-id ranges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Delta {
    /// Cells of one existing column rewritten. Files hold `(_row_id, value)`.
    /// When `full`, the column was retyped: files hold every non-NULL value of the column and rows
    /// absent from a file are NULL; otherwise files hold only the cells that changed.
    Cells {
        /// Column id.
        column_id: u32,
        /// Whether the column's type changed (files are whole columns).
        full: bool,
        /// Old values.
        undo: Vec<FileRef>,
        /// New values.
        redo: Vec<FileRef>,
    },
    /// Columns added (one, or several for `split_column`), appended in this order. Undo drops
    /// them.
    AddColumns {
        /// Each new column with its values.
        columns: Vec<AddedColumn>,
    },
    /// A column deleted; `undo` holds its non-NULL values `(_row_id, value)`.
    DeleteColumn {
        /// Column id.
        column_id: u32,
        /// Its values.
        undo: Vec<FileRef>,
    },
    /// Schema only (rename, reorder): nothing stored but the schemas of the step.
    Schema,
    /// Rows deleted: `undo` holds the whole rows (every physical column), `redo` their `_row_id`s.
    DeleteRows {
        /// The deleted rows.
        undo: Vec<FileRef>,
        /// Their row ids.
        redo: Vec<FileRef>,
    },
    /// Rows inserted: `undo` holds their `_row_id`s, `redo` the whole rows.
    InsertRows {
        /// Their row ids.
        undo: Vec<FileRef>,
        /// The inserted rows.
        redo: Vec<FileRef>,
    },
    /// Anything (`custom_sql`): `undo` holds the whole table before the step, `redo` the whole
    /// table after it, every physical column (DESIGN.md: "full-table snapshot / checkpoint").
    Snapshot {
        /// The table before.
        undo: Vec<FileRef>,
        /// The table after.
        redo: Vec<FileRef>,
    },
}

/// One column of [`Delta::AddColumns`]: files hold its non-NULL values `(_row_id, value)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedColumn {
    /// Column id.
    pub column_id: u32,
    /// Its values.
    pub redo: Vec<FileRef>,
}

impl Delta {
    /// Ids of the columns whose cells the delta writes (rewritten, added or deleted), or `None`
    /// when it moves whole rows or the whole table (rows, snapshot).
    #[must_use]
    pub fn column_ids(&self) -> Option<Vec<u32>> {
        match self {
            Self::Cells { column_id, .. } | Self::DeleteColumn { column_id, .. } => {
                Some(vec![*column_id])
            }
            Self::AddColumns { columns } => Some(columns.iter().map(|c| c.column_id).collect()),
            Self::Schema => Some(Vec::new()),
            Self::DeleteRows { .. } | Self::InsertRows { .. } | Self::Snapshot { .. } => None,
        }
    }

    /// Every file of the delta.
    pub fn files(&self) -> Vec<&FileRef> {
        match self {
            Self::Cells { undo, redo, .. }
            | Self::DeleteRows { undo, redo }
            | Self::InsertRows { undo, redo }
            | Self::Snapshot { undo, redo } => undo.iter().chain(redo).collect(),
            Self::AddColumns { columns } => columns.iter().flat_map(|c| &c.redo).collect(),
            Self::DeleteColumn { undo, .. } => undo.iter().collect(),
            Self::Schema => Vec::new(),
        }
    }
}

/// One step of a table's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    /// Unique within the table, never reused (names its folder `steps/<id>/`).
    pub id: u64,
    /// What the caller was told.
    pub info: StepInfo,
    /// Visible schema before the step.
    pub schema_before: Vec<ColumnMeta>,
    /// Visible schema after the step.
    pub schema_after: Vec<ColumnMeta>,
    /// Rows before the step.
    pub row_count_before: u64,
    /// Rows after the step.
    pub row_count_after: u64,
    /// Its undo and forward data.
    pub delta: Delta,
}

/// The original of a CSV import: the bytes exactly as imported, stored without decoding, and the
/// reader options that turned them into the table (detected choices filled in).
///
/// Why not Parquet as for other imports: storing the bytes overlaps with DuckDB's own `read_csv`,
/// where encoding the table to Parquet came after it and took twice as long (issue 4's import
/// target). Reload runs the same `read_csv` with the same DuckDB version and checks that the
/// schema and row count are the ones recorded at import ([`crate::Error::Corrupt`] otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CsvOriginal {
    /// The CSV file, `tables/<id>/original/source.csv`.
    pub file: FileRef,
    /// Reader options, with the delimiter filled in when the import chose it.
    pub options: CsvOptions,
}

/// One table of the workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableEntry {
    /// Stable table id; the DuckDB table is `t<id>`, files live under `tables/<id>/`.
    pub id: u32,
    /// Display name.
    pub name: String,
    /// Schema as imported.
    pub original_schema: Vec<ColumnMeta>,
    /// Rows as imported.
    pub original_row_count: u64,
    /// The import as chunked Parquet (`_row_id`, `_order`, `c<id>`...), never rewritten; empty
    /// when [`TableEntry::original_csv`] holds the import.
    pub original: Vec<FileRef>,
    /// A CSV import: the CSV bytes as given and how they were read; reload reads them again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_csv: Option<CsvOriginal>,
    /// The timeline.
    pub steps: Vec<StepRecord>,
    /// Timeline position: steps `[0, position)` are applied.
    pub position: usize,
    /// Next unused row id.
    pub next_row_id: i64,
    /// Next unused column id.
    pub next_column_id: u32,
    /// Next unused step id.
    pub next_step_id: u64,
}

impl TableEntry {
    /// Visible schema at the current position.
    #[must_use]
    pub fn schema(&self) -> &[ColumnMeta] {
        self.schema_at(self.position)
    }

    /// Visible schema at `position`.
    #[must_use]
    pub fn schema_at(&self, position: usize) -> &[ColumnMeta] {
        match position {
            0 => &self.original_schema,
            p => &self.steps[p - 1].schema_after,
        }
    }

    /// Rows at the current position.
    #[must_use]
    pub fn row_count(&self) -> u64 {
        match self.position {
            0 => self.original_row_count,
            p => self.steps[p - 1].row_count_after,
        }
    }

    /// Every file the table owns.
    pub fn files(&self) -> impl Iterator<Item = &FileRef> {
        self.original
            .iter()
            .chain(self.original_csv.iter().map(|c| &c.file))
            .chain(self.steps.iter().flat_map(|s| s.delta.files()))
    }
}

/// The committed state of a workspace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT_VERSION`].
    pub format_version: u32,
    /// Generation number; the file is `manifest-<generation>.json`.
    pub generation: u64,
    /// Next unused table id.
    pub next_table_id: u32,
    /// Tables in creation order.
    pub tables: Vec<TableEntry>,
}

impl Manifest {
    /// File name of the manifest of `generation`.
    #[must_use]
    pub fn path(generation: u64) -> String {
        format!("manifest-{generation:012}.json")
    }

    /// Parses a manifest file name into its generation.
    #[must_use]
    pub fn generation_of(path: &str) -> Option<u64> {
        path.strip_prefix("manifest-")?
            .strip_suffix(".json")?
            .parse()
            .ok()
    }

    /// Encodes as `<crc32 hex>\n<json>`.
    ///
    /// Errors: [`Error::Storage`] if serialisation fails.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let body =
            serde_json::to_vec(self).map_err(|e| Error::Storage(format!("manifest: {e}")))?;
        let mut out = format!("{:08x}\n", crc32fast::hash(&body)).into_bytes();
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decodes and verifies a manifest file.
    ///
    /// Errors: [`Error::Corrupt`] when the checksum, JSON or format version is wrong.
    pub fn decode(path: &str, bytes: &[u8]) -> Result<Self> {
        let corrupt = |message: String| Error::Corrupt {
            path: path.into(),
            message,
        };
        let newline = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| corrupt("no checksum line".into()))?;
        let (head, body) = (&bytes[..newline], &bytes[newline + 1..]);
        let expected = std::str::from_utf8(head)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| corrupt("bad checksum line".into()))?;
        if crc32fast::hash(body) != expected {
            return Err(corrupt("checksum mismatch".into()));
        }
        let manifest: Self =
            serde_json::from_slice(body).map_err(|e| corrupt(format!("json: {e}")))?;
        if !(MIN_MANIFEST_FORMAT_VERSION..=MANIFEST_FORMAT_VERSION)
            .contains(&manifest.format_version)
        {
            return Err(corrupt(format!(
                "format version {}",
                manifest.format_version
            )));
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_torn_writes() {
        let m = Manifest {
            format_version: 1,
            generation: 7,
            ..Manifest::default()
        };
        let bytes = m.encode().unwrap();
        assert_eq!(Manifest::decode("m", &bytes).unwrap(), m);
        assert!(Manifest::decode("m", &bytes[..bytes.len() - 1]).is_err());
        assert_eq!(Manifest::generation_of(&Manifest::path(7)), Some(7));
    }
}
