//! The timeline: a new step after undo discards the redo branch; bytes written are exactly the files written.

use super::*;

/// Applying a step after an undo discards the redo branch; its files go with the generation that
/// still names them, at the commit after.
pub async fn redo_branch_discard<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}), &Call::none())
        .await
        .expect("trim");
    ws.apply(
        t,
        json!({"op": "uppercase", "column": "city"}),
        &Call::none(),
    )
    .await
    .expect("uppercase");
    ws.undo(t, &Call::none()).await.expect("undo");
    let with_branch = files(&h.store().await).await;
    assert!(
        with_branch.iter().any(|(f, _)| f.contains("/steps/2/")),
        "step 2 files exist"
    );
    ws.apply(
        t,
        json!({"op": "pad_zeros", "column": "account", "length": 6}),
        &Call::none(),
    )
    .await
    .expect("pad");
    let tl = ws.timeline(t).await.expect("timeline");
    assert_eq!(tl.position, 2);
    assert_eq!(
        tl.steps
            .iter()
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>(),
        ["Trim name", "Pad account with zeros to 6"]
    );
    let after = files(&h.store().await).await;
    assert!(
        after.iter().any(|(f, _)| f.contains("/steps/2/")),
        "the previous generation still names the discarded step's files"
    );
    ws.apply(
        t,
        json!({"op": "lowercase", "column": "name"}),
        &Call::none(),
    )
    .await
    .expect("lowercase");
    let after = files(&h.store().await).await;
    assert!(
        !after.iter().any(|(f, _)| f.contains("/steps/2/")),
        "the next commit retires that generation: the discarded step's files are gone"
    );
    assert!(ws.redo(t, &Call::none()).await.expect("redo").is_none());
}

/// Size of the newest manifest of `files` (sorted; generations are zero-padded). The previous
/// generation is kept beside it.
fn newest_manifest_bytes(files: &[(String, u64)]) -> u64 {
    files
        .iter()
        .rfind(|(f, _)| f.starts_with("manifest-"))
        .map_or(0, |f| f.1)
}

/// Steps write their deltas and a manifest, and `bytesWritten` is exactly the growth they caused.
pub async fn bytes_written_are_the_files_written<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    let before: u64 = files(&h.store().await).await.iter().map(|f| f.1).sum();
    let step = ws
        .apply(t, json!({"op": "trim", "column": "name"}), &Call::none())
        .await
        .expect("trim");
    let now = files(&h.store().await).await;
    let step_files: u64 = now
        .iter()
        .filter(|(f, _)| f.contains("/steps/1/"))
        .map(|f| f.1)
        .sum();
    let manifest = newest_manifest_bytes(&now);
    assert!(step_files > 0);
    assert_eq!(step.bytes_written, step_files + manifest);
    assert!(before > 0);
    let rename = ws
        .apply(
            t,
            json!({"op": "rename_column", "column": "name", "newName": "full_name"}),
            &Call::none(),
        )
        .await
        .expect("rename");
    let manifest = newest_manifest_bytes(&files(&h.store().await).await);
    assert_eq!(
        rename.bytes_written, manifest,
        "a schema-only step writes only its manifest"
    );
}
