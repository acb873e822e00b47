//! The one error type of duckline. Its [`ErrorCode`] is the `code` property of the JS `Error`
//! (API.md, "Errors").

use serde::Serialize;
use ts_rs::TS;

/// The error codes of API.md. Every rejection carries exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub enum ErrorCode {
    /// Unknown table, column, step or diff.
    NotFound,
    /// Import or create under a taken name.
    TableExists,
    /// Unknown `op`, missing or bad parameter, wrong column type.
    InvalidCommand,
    /// Unreadable CSV/Parquet, empty file, bad recipe.
    InvalidInput,
    /// The workspace is open in another tab or worker.
    WorkspaceBusy,
    /// The storage quota is exceeded; nothing was changed.
    StorageFull,
    /// The caller cancelled; nothing was changed.
    Cancelled,
    /// The platform lacks a required capability (e.g. OPFS).
    Unsupported,
    /// A stored file cannot be read or fails its checksum; nothing was deleted or changed.
    Corrupt,
    /// The store (OPFS, a directory) failed for another reason than quota; the message carries
    /// the platform's.
    Storage,
    /// DuckDB failed; the message carries DuckDB's text.
    Engine,
}

impl ErrorCode {
    /// The code as the string API.md names.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "NotFound",
            Self::TableExists => "TableExists",
            Self::InvalidCommand => "InvalidCommand",
            Self::InvalidInput => "InvalidInput",
            Self::WorkspaceBusy => "WorkspaceBusy",
            Self::StorageFull => "StorageFull",
            Self::Cancelled => "Cancelled",
            Self::Unsupported => "Unsupported",
            Self::Corrupt => "Corrupt",
            Self::Storage => "Storage",
            Self::Engine => "Engine",
        }
    }
}

/// A duckline failure: a code from API.md and a human message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Unknown table, column, step or diff; the message names it.
    #[error("{0}")]
    NotFound(String),
    /// A table of this name exists already.
    #[error("a table named {0:?} already exists")]
    TableExists(String),
    /// The command is malformed or does not fit the table.
    #[error("{0}")]
    InvalidCommand(String),
    /// The input file or recipe cannot be read.
    #[error("{0}")]
    InvalidInput(String),
    /// Another tab or worker holds the workspace.
    #[error("workspace {0:?} is open in another tab or worker")]
    WorkspaceBusy(String),
    /// The storage quota is exhausted.
    #[error("storage is full: {0}")]
    StorageFull(String),
    /// The caller cancelled the operation.
    #[error("cancelled")]
    Cancelled,
    /// A platform capability is missing.
    #[error("{0}")]
    Unsupported(String),
    /// DuckDB rejected a statement; carries DuckDB's text.
    #[error("DuckDB: {0}")]
    Engine(String),
    /// A store operation failed.
    #[error("storage: {0}")]
    Storage(String),
    /// A stored file is corrupt or cannot be decoded.
    #[error("corrupt file {path}: {message}")]
    Corrupt {
        /// Path inside the workspace folder.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl Error {
    /// The API.md code of this error.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::TableExists(_) => ErrorCode::TableExists,
            Self::InvalidCommand(_) => ErrorCode::InvalidCommand,
            Self::InvalidInput(_) => ErrorCode::InvalidInput,
            Self::WorkspaceBusy(_) => ErrorCode::WorkspaceBusy,
            Self::StorageFull(_) => ErrorCode::StorageFull,
            Self::Cancelled => ErrorCode::Cancelled,
            Self::Unsupported(_) => ErrorCode::Unsupported,
            Self::Corrupt { .. } => ErrorCode::Corrupt,
            Self::Storage(_) => ErrorCode::Storage,
            Self::Engine(_) => ErrorCode::Engine,
        }
    }
}

impl From<arrow_schema::ArrowError> for Error {
    fn from(e: arrow_schema::ArrowError) -> Self {
        Self::Engine(format!("arrow: {e}"))
    }
}

impl From<rust_xlsxwriter::XlsxError> for Error {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Engine(format!("writing XLSX: {e}"))
    }
}

impl From<parquet::errors::ParquetError> for Error {
    fn from(e: parquet::errors::ParquetError) -> Self {
        Self::Storage(format!("parquet: {e}"))
    }
}

/// `Result` with duckline's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
