//! Damaged manifests and unreadable stores at open: nothing is ever deleted because it cannot be
//! read.

use super::*;
use crate::persist::manifest::Manifest;

/// Manifest paths of the store, oldest first.
async fn manifests<S: Store>(store: &S) -> Vec<String> {
    files(store)
        .await
        .into_iter()
        .map(|(f, _)| f)
        .filter(|f| Manifest::generation_of(f).is_some())
        .collect()
}

/// Flips one bit in the middle of `path`; returns the original bytes.
async fn flip_a_bit<S: Store>(store: &S, path: &str) -> Vec<u8> {
    let original = store.read(path).await.expect("read");
    let mut bytes = original.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    store.write(path, &bytes).await.expect("write");
    original
}

/// One flipped bit in the newest manifest: open falls back to the kept previous generation (one
/// step less), reports the damaged file and deletes nothing. Both manifests damaged: `Corrupt`
/// naming both, nothing deleted. A read error at open: `Storage`, nothing deleted. After the
/// fallback, the next commit and open collect the damaged file; a file that is not duckline's
/// is never touched.
pub async fn damaged_manifests_destroy_nothing<H: Harness>(h: &H) {
    let call = Call::none();
    let (after_trim, after_upper) = {
        let ws = open(h).await;
        let t = people::<H>(&ws).await;
        ws.apply(t, json!({"op": "trim", "column": "name"}), &call)
            .await
            .expect("trim");
        let after_trim = snapshot(&ws, t, 100).await;
        ws.apply(t, json!({"op": "uppercase", "column": "city"}), &call)
            .await
            .expect("uppercase");
        let after_upper = snapshot(&ws, t, 100).await;
        ws.close().await.expect("close");
        (after_trim, after_upper)
    };
    let store = h.store().await;
    store
        .write("notes.txt", b"mine")
        .await
        .expect("a foreign file");
    let kept = manifests(&store).await;
    assert_eq!(kept.len(), 2, "the previous generation is kept: {kept:?}");
    let (previous, newest) = (kept[0].clone(), kept[1].clone());

    let newest_bytes = flip_a_bit(&store, &newest).await;
    let listed = files(&store).await;
    let ws = open(h).await;
    let damaged = ws.damaged_manifests().await;
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert_eq!(damaged[0].path, newest);
    assert!(damaged[0].reason.contains("checksum"), "{damaged:?}");
    let t = ws.table_id("people").await.expect("people");
    assert_eq!(
        snapshot(&ws, t, 100).await,
        after_trim,
        "the previous generation: one step less"
    );
    ws.close().await.expect("close");
    assert_eq!(files(&store).await, listed, "nothing deleted");

    let previous_bytes = flip_a_bit(&store, &previous).await;
    let listed = files(&store).await;
    let err = Workspace::open("scenario", h.engine().await, h.store().await)
        .await
        .err()
        .expect("no valid manifest is an error");
    assert_eq!(err.code(), ErrorCode::Corrupt, "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&newest) && message.contains(&previous),
        "names both: {message}"
    );
    assert!(message.contains("nothing was deleted"), "{message}");
    assert_eq!(files(&store).await, listed, "nothing deleted");

    store.write(&previous, &previous_bytes).await.expect("mend");
    store.write(&newest, &newest_bytes).await.expect("mend");
    let listed = files(&store).await;
    let faults = Faults::new(Some((CallKind::Read, 1)));
    let err = Workspace::open(
        "scenario",
        h.engine().await,
        FaultyStore::new(h.store().await, faults),
    )
    .await
    .err()
    .expect("an unreadable manifest is an error");
    assert_eq!(err.code(), ErrorCode::Storage, "{err}");
    assert_eq!(files(&store).await, listed, "nothing deleted");
    let ws = open(h).await;
    assert!(ws.damaged_manifests().await.is_empty());
    assert_eq!(snapshot(&ws, t, 100).await, after_upper, "mended: all back");
    ws.close().await.expect("close");

    flip_a_bit(&store, &newest).await;
    let ws = open(h).await;
    ws.apply(t, json!({"op": "lowercase", "column": "city"}), &call)
        .await
        .expect("a step after the fallback");
    let after_lower = snapshot(&ws, t, 100).await;
    ws.close().await.expect("close");
    let now = manifests(&store).await;
    assert!(now.contains(&newest), "the damaged file is kept: {now:?}");
    assert!(
        now.last().is_some_and(|m| *m > newest),
        "the new generation is past the damaged one: {now:?}"
    );
    let ws = open(h).await;
    assert!(ws.damaged_manifests().await.is_empty());
    assert_eq!(snapshot(&ws, t, 100).await, after_lower);
    ws.close().await.expect("close");
    let now = manifests(&store).await;
    assert!(
        !now.contains(&newest),
        "superseded by a verified newer generation, then collected: {now:?}"
    );
    assert_eq!(now.len(), 2, "{now:?}");
    assert!(
        files(&store).await.iter().any(|(f, _)| f == "notes.txt"),
        "a file that is not ours is never deleted"
    );
}
