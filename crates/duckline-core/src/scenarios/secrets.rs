//! Secrets: a `hash` step's key is used and forgotten, never stored, and a recipe takes it again.

use super::*;

/// A `hash` secret is in no file, not in `StepInfo`, the timeline or `recipe()`; undo, redo and a
/// reopen need none; `applyRecipe` takes one per hash step, in order, and refuses a missing or
/// extra one without applying anything.
pub async fn secrets_are_never_stored<H: Harness>(h: &H) {
    const SECRET: &str = "dl-secret-4f1c9a7e";
    let ws = open(h).await;
    let a = people::<H>(&ws).await;
    let e = ws
        .apply(a, json!({"op": "hash", "column": "name"}), &Call::none())
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidCommand, "{e}");
    let step = ws
        .apply(
            a,
            json!({"op": "hash", "column": "name", "secret": SECRET}),
            &Call::none(),
        )
        .await
        .expect("hash");
    let forgotten = json!({"op": "hash", "column": "name", "secret": null});
    assert_eq!(serde_json::to_value(&step.command).unwrap(), forgotten);
    let timeline = ws.timeline(a).await.expect("timeline");
    assert_eq!(
        serde_json::to_value(&timeline.steps[0].command).unwrap(),
        forgotten
    );
    let recipe = serde_json::to_value(ws.recipe(a).await.expect("recipe")).unwrap();
    assert_eq!(recipe["steps"][0], forgotten);
    let after = snapshot(&ws, a, 100).await;
    let store = h.store().await;
    for (path, _) in files(&store).await {
        let bytes = store.read(&path).await.expect("read");
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "{path} holds the secret"
        );
    }
    ws.undo(a, &Call::none()).await.expect("undo");
    ws.redo(a, &Call::none())
        .await
        .expect("redo without the secret");
    assert_eq!(
        snapshot(&ws, a, 100).await,
        after,
        "redo from the forward delta"
    );
    ws.close().await.expect("close");
    let ws = open(h).await;
    assert_eq!(
        snapshot(&ws, a, 100).await,
        after,
        "reload from the forward delta"
    );

    let b = import_fixture::<H>(&ws, "people_b", PEOPLE_CSV).await;
    let before = snapshot(&ws, b, 100).await;
    for secrets in [vec![], vec![SECRET.to_owned(), "extra".to_owned()]] {
        let e = ws
            .apply_recipe(b, recipe.clone(), &secrets, &Call::none())
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
        assert_eq!(snapshot(&ws, b, 100).await, before, "nothing applied: {e}");
    }
    assert!(
        ws.apply_recipe(b, recipe.clone(), &[], &Call::none())
            .await
            .unwrap_err()
            .to_string()
            .contains("step 1"),
        "the error names the step"
    );
    ws.apply_recipe(b, recipe, &[SECRET.to_owned()], &Call::none())
        .await
        .expect("recipe with its secret");
    let replayed = snapshot(&ws, b, 100).await;
    assert_eq!(replayed.rows, after.rows, "same key, same hashes");
}
