//! Validation of the relative file paths a [`duckline_core::Store`] receives.

use duckline_core::{Error, Result};

/// Splits a store path (`a/b/c.parquet`) into its segments.
///
/// Errors: [`Error::Storage`] for an empty path, an empty segment (leading, trailing or doubled
/// `/`), `.` or `..`, or a backslash or NUL anywhere.
#[cfg_attr(
    all(not(target_arch = "wasm32"), not(test)),
    expect(dead_code, reason = "used by the wasm32-only OPFS store")
)]
pub(crate) fn split_path(path: &str) -> Result<Vec<&str>> {
    let segments: Vec<&str> = path.split('/').collect();
    let bad = path.is_empty()
        || path.contains(['\\', '\0'])
        || segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == "..");
    if bad {
        return Err(Error::Storage(format!("invalid store path {path:?}")));
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn accepts_relative_paths() {
        assert_eq!(split_path("a").unwrap(), ["a"]);
        assert_eq!(
            split_path("t/3/steps/undo-0.parquet").unwrap(),
            ["t", "3", "steps", "undo-0.parquet"]
        );
    }

    #[test]
    fn rejects_bad_paths() {
        for p in ["", "/a", "a/", "a//b", "../a", "a/./b", "a\\b"] {
            assert!(split_path(p).is_err(), "{p:?}");
        }
    }
}
