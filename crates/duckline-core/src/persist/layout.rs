//! The file layout of a workspace folder (DESIGN.md, "Persistence"), as far as garbage
//! collection needs it: which paths are duckline's own. Open deletes only such files; anything
//! else in the folder (a user's file, another tool's) is never touched.
//!
//! ```text
//! manifest-<generation>.json
//! tables/<table id>/original/source.csv | part-<5 digits>.parquet
//! tables/<table id>/steps/<step id>/<kind>-<5 digits>.parquet     kind: undo, redo, c<id>-redo, ...
//! <any of these>.crswap                                           Chromium's, left by a crash
//! ```

use super::manifest::Manifest;

/// Whether `path` is a file duckline writes (see the module docs), or Chromium's swap file of one
/// (`<path>.crswap`: OPFS `createWritable` writes there until `close()`, and a crash leaves it).
#[must_use]
pub fn is_ours(path: &str) -> bool {
    let path = path.strip_suffix(".crswap").unwrap_or(path);
    if Manifest::generation_of(path).is_some() {
        return true;
    }
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["tables", table, "original", file] => {
            is_number(table) && (*file == "source.csv" || is_chunk(file))
        }
        ["tables", table, "steps", step, file] => {
            is_number(table) && is_number(step) && is_chunk(file)
        }
        _ => false,
    }
}

fn is_number(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

/// `<kind>-<digits>.parquet`, kind of lowercase letters, digits, `-` and `_`.
fn is_chunk(file: &str) -> bool {
    let Some(stem) = file.strip_suffix(".parquet") else {
        return false;
    };
    let Some((kind, index)) = stem.rsplit_once('-') else {
        return false;
    };
    is_number(index)
        && !kind.is_empty()
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_ours;

    #[test]
    fn ours_and_not_ours() {
        for path in [
            "manifest-000000000007.json",
            "tables/0/original/source.csv",
            "tables/12/original/part-00003.parquet",
            "tables/3/steps/7/undo-00000.parquet",
            "tables/3/steps/7/c4-redo-00012.parquet",
            "tables/0/original/source.csv.crswap",
            "manifest-000000000007.json.crswap",
        ] {
            assert!(is_ours(path), "{path}");
        }
        for path in [
            "notes.txt",
            "manifest-x.json",
            "manifest-7.json.bak",
            "tables/a/original/source.csv",
            "tables/0/original/mine.csv",
            "tables/0/steps/7/undo.parquet",
            "tables/0/steps/7/Undo-00000.parquet",
            "tables/0/steps/7/extra/undo-00000.parquet",
            "tables/0/readme.md",
            "other/tables/0/original/source.csv",
            "notes.txt.crswap",
            "tables/0/original/source.csv.crswap.crswap",
        ] {
            assert!(!is_ours(path), "{path}");
        }
    }
}
