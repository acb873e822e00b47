//! Diff and compare: counts, statuses, changed cells, pages; two tables compared on keys.

use super::*;

/// Diff counts, statuses, changed cells and keyset/position pages.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn diff_counts_and_pages<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}), &Call::none())
        .await
        .expect("trim");
    ws.apply(t, json!({"op": "remove_duplicates"}), &Call::none())
        .await
        .expect("dups");
    ws.apply(
        t,
        json!({"op": "insert_row", "after": 1, "values": {"name": "Neu"}}),
        &Call::none(),
    )
    .await
    .expect("insert");
    ws.apply(
        t,
        json!({"op": "rename_column", "column": "city", "newName": "town"}),
        &Call::none(),
    )
    .await
    .expect("rename");
    ws.apply(
        t,
        json!({"op": "pad_zeros", "column": "account", "length": 4}),
        &Call::none(),
    )
    .await
    .expect("pad");
    let d = ws.diff(t, 0, &Call::none()).await.expect("diff");
    let s = ws.diff_summary(d).await.expect("summary");
    assert_eq!((s.added, s.removed), (1, 1));
    // trim: rows 1 and 3; pad: 45 -> 0045 (row 1), 7 -> 0007 (row 3), 99 -> 0099 (row 6). DuckDB
    // reads the account column as VARCHAR (it keeps the leading zeros of 0042), so row 7 is as it was.
    assert_eq!(s.modified, 3, "{s:?}");
    assert_eq!(s.unchanged, 7 - 1 - 3);
    let cells = |n: &str| {
        s.columns
            .iter()
            .find(|c| c.name == n)
            .map(|c| c.changed_cells)
    };
    assert_eq!(cells("name"), Some(2));
    assert_eq!(cells("account"), Some(3));
    assert_eq!(s.schema_changes.len(), 1);
    assert!(
        s.schema_changes
            .iter()
            .any(|c| c.kind == crate::model::SchemaChangeKind::Renamed && c.column == "town")
    );
    let first = ws
        .diff_page(
            d,
            &DiffPageOptions {
                limit: Some(2),
                ..DiffPageOptions::default()
            },
        )
        .await
        .expect("page 1");
    assert_eq!(first.rows.len(), 2);
    assert_eq!(first.rows[0].row_id, 1);
    assert_eq!(first.rows[0].status, DiffStatus::Modified);
    assert_eq!(first.rows[0].changed, ["name", "account"]);
    let name = first
        .columns
        .iter()
        .position(|c| c == "name")
        .expect("name column");
    assert_eq!(
        first.rows[0].before.as_ref().map(|b| b[name].clone()),
        Some(json!("  MIKE  JONES  "))
    );
    assert_eq!(
        first.rows[0].after.as_ref().map(|a| a[name].clone()),
        Some(json!("MIKE  JONES"))
    );
    assert_eq!(
        first.rows[1].status,
        DiffStatus::Added,
        "the inserted row comes right after row 1"
    );
    assert!(first.rows[1].before.is_none());
    let mut seen: Vec<i64> = first.rows.iter().map(|r| r.row_id).collect();
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let p = ws
            .diff_page(
                d,
                &DiffPageOptions {
                    after: Some(c),
                    limit: Some(2),
                    ..DiffPageOptions::default()
                },
            )
            .await
            .expect("next page");
        seen.extend(p.rows.iter().map(|r| r.row_id));
        cursor = p.next_cursor;
    }
    assert_eq!(
        seen,
        [1, 8, 3, 5, 6],
        "display order, the removed row 5 where it was"
    );
    let at = ws
        .diff_page_at(
            d,
            3,
            &DiffPageOptions {
                limit: Some(1),
                ..DiffPageOptions::default()
            },
        )
        .await
        .expect("pageAt");
    assert_eq!(
        (at.rows[0].row_id, at.rows[0].status),
        (5, DiffStatus::Removed)
    );
    assert!(at.rows[0].after.is_none());
    let removed = ws
        .diff_page(
            d,
            &DiffPageOptions {
                statuses: Some(vec![DiffStatus::Removed]),
                columns: Some(vec!["town".into()]),
                ..DiffPageOptions::default()
            },
        )
        .await
        .expect("filtered page");
    assert_eq!(removed.columns, ["town"]);
    assert_eq!(removed.rows.len(), 1);
    assert_eq!(removed.rows[0].before, Some(vec![json!("Paris")]));
    // A diff towards a later state works too, and an empty range is empty.
    // Few rows named (pad: 3 of 7): the diff reads the deltas' row ids instead of every row.
    let pad = ws
        .diff(t, 4, &Call::none())
        .await
        .expect("diff of the last step");
    let s = ws.diff_summary(pad).await.expect("summary");
    assert_eq!((s.added, s.removed, s.modified, s.unchanged), (0, 0, 3, 4));
    let page = ws
        .diff_page(pad, &DiffPageOptions::default())
        .await
        .expect("page");
    assert_eq!(page.rows.len(), 3);
    let account = page
        .columns
        .iter()
        .position(|c| c == "account")
        .expect("account column");
    for row in &page.rows {
        assert_eq!(row.status, DiffStatus::Modified);
        assert_eq!(row.changed, ["account"]);
        let (before, after) = (
            row.before.as_ref().expect("before"),
            row.after.as_ref().expect("after"),
        );
        assert_ne!(before[account], after[account]);
        assert_eq!(
            after[account].as_str().map(|a| a.trim_start_matches('0')),
            before[account].as_str(),
            "{row:?}"
        );
    }
    ws.goto(t, 1, &Call::none()).await.expect("goto 1");
    assert_eq!(
        ws.diff_page(d, &DiffPageOptions::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound,
        "stale diff"
    );
    let forward = ws
        .diff(t, 2, &Call::none())
        .await
        .expect("diff to a redoable state");
    let s = ws.diff_summary(forward).await.expect("summary");
    assert_eq!(
        (s.added, s.removed),
        (1, 0),
        "row 5 exists now and not in the later state"
    );
    let same = ws.diff(t, 1, &Call::none()).await.expect("empty diff");
    let s = ws.diff_summary(same).await.expect("summary");
    assert_eq!((s.added, s.removed, s.modified, s.unchanged), (0, 0, 0, 7));
    ws.diff_close(same).await.expect("close");
    assert_eq!(
        ws.diff_summary(same).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// `ws.compare`: two tables matched by key columns (nycflights13 `airlines.csv` and an edited copy).
pub async fn compare_tables<H: Harness>(h: &H) {
    let call = Call::none();
    let ws = open(h).await;
    let bytes = h.data("airlines.csv").await;
    let options = CsvOptions {
        null_strings: Some(vec!["NA".into()]),
        ..CsvOptions::default()
    };
    ws.import_csv("airlines", bytes.clone(), &options, &call)
        .await
        .expect("airlines");
    let copy = ws
        .import_csv("airlines2", bytes, &options, &call)
        .await
        .expect("copy");
    let first = ws
        .rows(
            copy,
            &RowsOptions {
                limit: Some(2),
                ..RowsOptions::default()
            },
        )
        .await
        .expect("rows");
    let (edited, deleted) = (first.row_ids[0], first.row_ids[1]);
    ws.apply(
        copy,
        json!({"op": "edit_cell", "rowId": edited, "column": "name", "value": "Renamed Air"}),
        &call,
    )
    .await
    .expect("edit");
    ws.apply(
        copy,
        json!({"op": "delete_rows", "rowIds": [deleted]}),
        &call,
    )
    .await
    .expect("delete");
    ws.apply(
        copy,
        json!({"op": "insert_row", "after": null, "values": {"carrier": "ZZ", "name": "New Air"}}),
        &call,
    )
    .await
    .expect("insert");
    let d = ws
        .compare("airlines", "airlines2", &["carrier".into()])
        .await
        .expect("compare");
    let s = ws.diff_summary(d).await.expect("summary");
    assert_eq!(
        (s.added, s.removed, s.modified, s.unchanged),
        (1, 1, 1, 14),
        "{s:?}"
    );
    assert!(s.schema_changes.is_empty());
    let page = ws
        .diff_page(d, &DiffPageOptions::default())
        .await
        .expect("page");
    assert_eq!(page.columns, ["carrier", "name"]);
    let statuses: Vec<DiffStatus> = page.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [DiffStatus::Added, DiffStatus::Modified, DiffStatus::Removed],
        "right order, then left-only"
    );
    assert_eq!(page.rows[1].changed, ["name"]);
    assert_eq!(
        page.rows[1].after.as_ref().map(|a| a[1].clone()),
        Some(json!("Renamed Air"))
    );
    assert_eq!(page.rows[2].after, None);
    ws.stack("twice", &["airlines".into(), "airlines".into()])
        .await
        .expect("stack");
    let e = ws
        .compare("twice", "airlines", &["carrier".into()])
        .await
        .expect_err("duplicate keys");
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("16 key values"), "{e}");
    let e = ws
        .compare("airlines", "airlines2", &["ghost".into()])
        .await
        .expect_err("bad key");
    assert_eq!(e.code(), ErrorCode::NotFound);
    ws.apply(copy, json!({"op": "uppercase", "column": "name"}), &call)
        .await
        .expect("change a side");
    assert_eq!(
        ws.diff_summary(d).await.unwrap_err().code(),
        ErrorCode::NotFound,
        "stale once a side changes"
    );
}
