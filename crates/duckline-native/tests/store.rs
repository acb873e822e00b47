//! FsStore on a temporary folder.

use std::error::Error as StdError;

use duckline_core::{Error, Store};
use duckline_native::FsStore;
use futures::executor::block_on;

type TestResult = Result<(), Box<dyn StdError>>;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn write_read_list_size_delete() -> TestResult {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("ws").join("nested");
    let store = FsStore::new(root.clone())?;
    assert!(root.is_dir());
    assert!(block_on(store.list())?.is_empty());

    block_on(store.write("manifest-1.json", b"{\"g\":1}"))?;
    block_on(store.write("tables/3/steps/7/undo-00000.parquet", &[1, 2, 3]))?;
    block_on(store.write("tables/3/original/part-00000.parquet", &[]))?;
    assert_eq!(
        sorted(block_on(store.list())?),
        [
            "manifest-1.json",
            "tables/3/original/part-00000.parquet",
            "tables/3/steps/7/undo-00000.parquet"
        ]
    );
    assert_eq!(block_on(store.read("manifest-1.json"))?, b"{\"g\":1}");
    assert_eq!(
        block_on(store.size("tables/3/steps/7/undo-00000.parquet"))?,
        3
    );
    assert_eq!(
        block_on(store.size("tables/3/original/part-00000.parquet"))?,
        0
    );

    // Overwrite replaces the whole content, leaving no temporary file behind.
    block_on(store.write("manifest-1.json", b"x"))?;
    assert_eq!(block_on(store.read("manifest-1.json"))?, b"x");
    assert_eq!(block_on(store.list())?.len(), 3);

    block_on(store.delete("tables/3/steps/7/undo-00000.parquet"))?;
    assert!(
        !root.join("tables/3/steps").exists(),
        "empty folders are pruned"
    );
    assert!(root.join("tables/3/original").is_dir());
    block_on(store.delete("tables/3/steps/7/undo-00000.parquet"))?; // missing: fine
    assert_eq!(
        sorted(block_on(store.list())?),
        ["manifest-1.json", "tables/3/original/part-00000.parquet"]
    );

    // A second store on the same folder sees the same files (reopen).
    let again = FsStore::new(root)?;
    assert_eq!(block_on(again.read("manifest-1.json"))?, b"x");
    Ok(())
}

#[test]
fn missing_files_are_not_found() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = FsStore::new(dir.path().to_path_buf())?;
    assert!(matches!(
        block_on(store.read("nope.json")),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        block_on(store.size("a/b/nope")),
        Err(Error::NotFound(_))
    ));
    block_on(store.delete("a/b/nope"))?;
    Ok(())
}

#[test]
fn bad_paths_are_rejected() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = FsStore::new(dir.path().join("ws"))?;
    for bad in [
        "",
        "/etc/passwd",
        "../escape",
        "a/../../b",
        "a//b",
        "./a",
        "a/.",
    ] {
        assert!(
            matches!(block_on(store.write(bad, b"x")), Err(Error::Storage(_))),
            "{bad:?}"
        );
        assert!(
            matches!(block_on(store.read(bad)), Err(Error::Storage(_))),
            "{bad:?}"
        );
        assert!(
            matches!(block_on(store.size(bad)), Err(Error::Storage(_))),
            "{bad:?}"
        );
        assert!(
            matches!(block_on(store.delete(bad)), Err(Error::Storage(_))),
            "{bad:?}"
        );
    }
    assert!(!dir.path().join("escape").exists());
    assert!(block_on(store.list())?.is_empty());
    Ok(())
}

#[test]
fn leftover_temp_files_are_listed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = FsStore::new(dir.path().to_path_buf())?;
    std::fs::create_dir_all(dir.path().join("tables/1"))?;
    std::fs::write(
        dir.path().join("tables/1/part.parquet.tmp-123-0"),
        b"partial",
    )?;
    assert_eq!(block_on(store.list())?, ["tables/1/part.parquet.tmp-123-0"]);
    block_on(store.delete("tables/1/part.parquet.tmp-123-0"))?;
    assert!(block_on(store.list())?.is_empty());
    Ok(())
}

#[test]
fn root_that_is_a_file_is_an_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("f");
    std::fs::write(&file, b"")?;
    assert!(matches!(FsStore::new(file), Err(Error::Storage(_))));
    Ok(())
}
