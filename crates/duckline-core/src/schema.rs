//! The visible schema of a table: its columns with stable ids, display names and types, and the
//! two lookups every layer needs (find a column by name, check a new name). A leaf module, so that
//! commands, the manifest and the workspace can all use it without depending on each other.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// One user-visible column: stable id, display name and DuckDB type name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMeta {
    /// Stable column identity; the DuckDB column is named `c<id>` (`sql::column_name`).
    pub id: u32,
    /// Display name (what users and commands call it).
    pub name: String,
    /// DuckDB type name, e.g. `VARCHAR`, `DATE`, `BIGINT`.
    #[serde(rename = "type")]
    pub data_type: String,
}

/// The column named `name` (exact match first, then case-insensitive as DuckDB identifiers are).
/// Errors: [`Error::NotFound`].
pub fn find_column<'a>(schema: &'a [ColumnMeta], name: &str) -> Result<&'a ColumnMeta> {
    schema
        .iter()
        .find(|c| c.name == name)
        .or_else(|| schema.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
        .ok_or_else(|| Error::NotFound(format!("unknown column {name:?}")))
}

/// Rejects empty names and names that clash (case-insensitively, as DuckDB and CSV consumers
/// would) with a column other than `except`. Errors: [`Error::InvalidCommand`].
pub fn check_new_name(schema: &[ColumnMeta], name: &str, except: Option<u32>) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::InvalidCommand(
            "a column name must not be empty".into(),
        ));
    }
    if let Some(clash) = schema
        .iter()
        .find(|c| Some(c.id) != except && c.name.to_lowercase() == name.to_lowercase())
    {
        return Err(Error::InvalidCommand(format!(
            "a column named {:?} already exists",
            clash.name
        )));
    }
    Ok(())
}
