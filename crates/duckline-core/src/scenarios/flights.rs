//! The main job on real data (nycflights13 flights.csv).

use super::*;

/// The main job on real data: flights.csv (336,776 rows, `NA` nulls).
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn flights_main_job<H: Harness>(h: &H) {
    let ws = open(h).await;
    let bytes = h.data("flights.csv").await;
    let t = ws
        .import_csv(
            "flights",
            bytes,
            &CsvOptions {
                null_strings: Some(vec!["NA".into()]),
                ..CsvOptions::default()
            },
            &Call::none(),
        )
        .await
        .expect("import flights");
    let info = ws.table_info(t).await.expect("info");
    assert_eq!(info.row_count, 336_776);
    assert_eq!(info.columns.len(), 19);
    let pad = ws
        .apply(
            t,
            json!({"op": "pad_zeros", "column": "flight", "length": 5}),
            &Call::none(),
        )
        .await
        .expect("pad");
    assert_eq!(
        pad.rows_affected, 336_776,
        "every flight number is shorter than 5 digits"
    );
    ws.apply(
        t,
        json!({"op": "rename_column", "column": "dest", "newName": "destination"}),
        &Call::none(),
    )
    .await
    .expect("rename");
    let dups = ws
        .apply(t, json!({"op": "remove_duplicates", "columns": ["carrier", "flight", "origin", "destination"]}), &Call::none())
        .await
        .expect("dups");
    assert!(dups.rows_affected > 100_000 && dups.rows_affected < 336_776);
    let first = ws
        .rows(
            t,
            &RowsOptions {
                limit: Some(1),
                ..RowsOptions::default()
            },
        )
        .await
        .expect("rows");
    let flight = first
        .columns
        .iter()
        .position(|c| c == "flight")
        .expect("flight");
    assert_eq!(first.rows[0][flight], json!("01545"));
    let edit = ws
        .apply(t, json!({"op": "edit_cell", "rowId": first.row_ids[0], "column": "carrier", "value": "ZZ"}), &Call::none())
        .await
        .expect("edit");
    assert_eq!(edit.rows_affected, 1);
    ws.undo(t, &Call::none()).await.expect("undo");
    ws.redo(t, &Call::none()).await.expect("redo");
    let d = ws.diff(t, 0, &Call::none()).await.expect("diff");
    let s = ws.diff_summary(d).await.expect("summary");
    assert_eq!(s.removed, dups.rows_affected);
    assert_eq!(s.added, 0);
    assert_eq!(s.modified + s.unchanged, 336_776 - dups.rows_affected);
    let page = ws
        .diff_page(
            d,
            &DiffPageOptions {
                limit: Some(500),
                ..DiffPageOptions::default()
            },
        )
        .await
        .expect("page");
    assert_eq!(page.rows.len(), 500);
    let next = ws
        .diff_page(
            d,
            &DiffPageOptions {
                after: page.next_cursor.clone(),
                limit: Some(500),
                ..DiffPageOptions::default()
            },
        )
        .await
        .expect("next page");
    assert_ne!(next.rows[0].row_id, page.rows[0].row_id);
    let time_hour = first
        .columns
        .iter()
        .position(|c| c == "time_hour")
        .expect("time_hour");
    assert!(
        first.rows[0][time_hour]
            .as_str()
            .is_some_and(|s| s.starts_with("2013-01-01")),
        "{:?}",
        first.rows[0][time_hour]
    );
}
