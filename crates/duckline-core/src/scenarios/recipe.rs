//! Recipes: round trip, and bad recipes refused before anything is applied.

use super::*;

/// `recipe` / `applyRecipe`: a recipe replays on a fresh import to identical rows; bad recipes
/// apply nothing and name the step; a run-time failure goes back to the starting position.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn recipe_round_trip_and_bad_recipes<H: Harness>(h: &H) {
    let ws = open(h).await;
    let a = people::<H>(&ws).await;
    for command in [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "rename_column", "column": "city", "newName": "town"}),
        json!({"op": "trim", "column": "town"}),
        json!({"op": "standardize_date", "column": "birth_date"}),
        json!({"op": "calculate_age", "column": "birth_date"}),
        json!({"op": "pad_zeros", "column": "account", "length": 6}),
        json!({"op": "remove_duplicates"}),
        json!({"op": "uppercase", "column": "name"}),
    ] {
        ws.apply(a, command, &Call::none()).await.expect("step");
    }
    ws.undo(a, &Call::none()).await.expect("undo");
    let recipe = ws.recipe(a).await.expect("recipe");
    assert_eq!(recipe.version, 1);
    assert_eq!(recipe.steps.len(), 7, "up to the position");
    let json = serde_json::to_value(&recipe).unwrap();
    assert_eq!(
        json["steps"][1],
        json!({"op": "rename_column", "column": "city", "newName": "town"})
    );
    assert!(json["steps"][4]["asOf"].is_string(), "defaults as stored");
    let b = import_fixture::<H>(&ws, "people_b", PEOPLE_CSV).await;
    let steps = ws
        .apply_recipe(b, json.clone(), &[], &Call::none())
        .await
        .expect("apply recipe");
    assert_eq!(steps.len(), 7);
    assert_eq!(
        steps.iter().map(|s| s.index).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7]
    );
    let (sa, sb) = (snapshot(&ws, a, 100).await, snapshot(&ws, b, 100).await);
    assert_eq!(sa.info.columns, sb.info.columns);
    assert_eq!(sa.rows, sb.rows);
    assert_eq!(ws.recipe(b).await.unwrap(), recipe);

    let c = import_fixture::<H>(&ws, "people_c", PEOPLE_CSV).await;
    let before = snapshot(&ws, c, 100).await;
    let stored = files(&h.store().await).await;
    let bad = [
        (
            json!({"version": 1, "steps": [{"op": "trim", "column": "name"}, {"op": "frobnicate"}]}),
            "step 2",
            "frobnicate",
        ),
        (
            json!({"version": 1, "steps": [
                {"op": "rename_column", "column": "name", "newName": "full_name"},
                {"op": "trim", "column": "name"}
            ]}),
            "step 2",
            "name",
        ),
        (
            json!({"version": 2, "steps": [{"op": "trim", "column": "name"}]}),
            "version 2",
            "",
        ),
        (json!({"steps": []}), "version", ""),
        (
            json!({"version": 1, "steps": [{"op": "trim"}]}),
            "step 1",
            "column",
        ),
    ];
    for (recipe, step, what) in bad {
        let e = ws
            .apply_recipe(c, recipe.clone(), &[], &Call::none())
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{recipe}: {e}");
        let m = e.to_string();
        assert!(m.contains(step) && m.contains(what), "{recipe}: {m}");
        assert_eq!(
            snapshot(&ws, c, 100).await,
            before,
            "{recipe}: nothing applied"
        );
        assert_eq!(files(&h.store().await).await, stored, "{recipe}: no files");
    }
    // Valid, but step 2 fails when it runs (no row 999): back to the starting position.
    let e = ws
        .apply_recipe(
            c,
            json!({"version": 1, "steps": [
                {"op": "trim", "column": "name"},
                {"op": "delete_rows", "rowIds": [999]}
            ]}),
            &[],
            &Call::none(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let after = snapshot(&ws, c, 100).await;
    assert_eq!(after.rows, before.rows);
    assert_eq!(after.info.position, 0);
    assert_eq!(
        after.timeline.steps.len(),
        1,
        "the applied step stays redoable"
    );
    assert_eq!(
        ws.apply_recipe(99, json!({"version": 1, "steps": []}), &[], &Call::none())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}
