//! Reopen: everything comes back with a new engine; the first page comes from a preview.

use super::*;

/// Close and reopen with a new engine: same tables, rows, timelines and positions; undo still
/// works; stray files of duckline's layout are removed, other files are not.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn reopen_restores_everything<H: Harness>(h: &H) {
    let (expected, expected_list) = {
        let ws = open(h).await.with_chunk_row_count(2);
        let t = people::<H>(&ws).await;
        ws.apply(t, json!({"op": "trim", "column": "name"}), &Call::none())
            .await
            .expect("trim");
        ws.apply(
            t,
            json!({"op": "standardize_date", "column": "birth_date"}),
            &Call::none(),
        )
        .await
        .expect("dates");
        ws.apply(t, json!({"op": "remove_duplicates"}), &Call::none())
            .await
            .expect("dups");
        ws.apply(
            t,
            json!({"op": "rename_column", "column": "city", "newName": "town"}),
            &Call::none(),
        )
        .await
        .expect("rename");
        ws.undo(t, &Call::none()).await.expect("undo");
        let second = ws
            .import_csv(
                "second",
                b"a,b\n1,x\n2,y\n".to_vec(),
                &CsvOptions::default(),
                &Call::none(),
            )
            .await
            .expect("second");
        ws.apply(
            second,
            json!({"op": "uppercase", "column": "b"}),
            &Call::none(),
        )
        .await
        .expect("upper");
        let s = snapshot(&ws, t, 100).await;
        let list = ws.tables().await.expect("tables");
        ws.close().await.expect("close");
        (s, list)
    };
    let store = h.store().await;
    store
        .write("tables/0/steps/99/undo-00000.parquet", b"torn")
        .await
        .expect("stray");
    store
        .write("manifest-000000000000.json", b"0000\n{torn")
        .await
        .expect("torn old manifest");
    store
        .write("tables/0/notes.txt", b"not ours")
        .await
        .expect("a foreign file");
    let ws = open(h).await;
    assert_eq!(ws.tables().await.expect("tables"), expected_list);
    let t = ws.table_id("people").await.expect("people");
    let s = snapshot(&ws, t, 100).await;
    assert_eq!(s, expected);
    let listed = files(&h.store().await).await;
    assert!(
        !listed
            .iter()
            .any(|(f, _)| f.contains("steps/99") || f.contains("manifest-000000000000")),
        "garbage removed: {listed:?}"
    );
    assert!(
        listed.iter().any(|(f, _)| f == "tables/0/notes.txt"),
        "a file that is not ours is never deleted: {listed:?}"
    );
    ws.undo(t, &Call::none()).await.expect("undo after reopen");
    let s = snapshot(&ws, t, 100).await;
    assert_eq!(s.info.position, 2);
    assert_eq!(s.info.row_count, 7);
    ws.redo(t, &Call::none()).await.expect("redo after reopen");
    ws.redo(t, &Call::none())
        .await
        .expect("redo the renamed step");
    assert!(
        ws.table_info(t)
            .await
            .expect("info")
            .columns
            .iter()
            .any(|c| c.name == "town")
    );
    // A CSV import's original is the imported bytes themselves, not Parquet.
    let store = h.store().await;
    assert_eq!(
        store
            .read("tables/0/original/source.csv")
            .await
            .expect("CSV original"),
        PEOPLE_CSV.as_bytes()
    );
    assert!(
        !files(&store)
            .await
            .iter()
            .any(|(f, _)| f.starts_with("tables/0/original/part")),
        "no Parquet original for a CSV import"
    );
    let before = snapshot(&ws, t, 100).await;
    let list_before = ws.tables().await.expect("tables");
    ws.close().await.expect("close");
    // A CSV original that no longer reads as recorded is an error that changes nothing.
    store
        .write("tables/0/original/source.csv", b"x\n1\n")
        .await
        .expect("tamper");
    let ws = open(h).await;
    let err = ws
        .rows(t, &RowsOptions::default())
        .await
        .expect_err("a tampered CSV original");
    assert!(matches!(err, crate::Error::Corrupt { .. }), "{err:?}");
    assert_eq!(ws.tables().await.expect("tables"), list_before);
    ws.close().await.expect("close");
    store
        .write("tables/0/original/source.csv", PEOPLE_CSV.as_bytes())
        .await
        .expect("restore");
    let ws = open(h).await;
    assert_eq!(snapshot(&ws, t, 100).await, before);
}

/// The first page after a reopen comes from a preview (the CSV original's first rows and their
/// deltas) and equals the first page of the fully loaded table; a step that inserts rows turns
/// the preview off.
pub async fn reopen_first_page_preview<H: Harness>(h: &H) {
    let mut csv = String::from("id,name,amount,day\n");
    for i in 1..=300 {
        let pad = if i % 3 == 0 { "  " } else { "" };
        let _ = writeln!(
            csv,
            "{i},{pad}name {i}{pad},{},2024-01-{:02}",
            i * 10,
            i % 28 + 1
        );
    }
    let commands = [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "delete_rows", "rowIds": [2, 4, 250]}),
        json!({"op": "cast_type", "column": "amount", "type": "VARCHAR"}),
        json!({"op": "edit_cell", "rowId": 3, "column": "amount", "value": "x"}),
        json!({"op": "split_column", "column": "day", "delimiter": "-"}),
        json!({"op": "rename_column", "column": "name", "newName": "who"}),
        json!({"op": "uppercase", "column": "who"}),
    ];
    let options = RowsOptions {
        limit: Some(5),
        ..RowsOptions::default()
    };
    let t = {
        let ws = open(h).await.with_chunk_row_count(4);
        let t = ws
            .import_csv(
                "long",
                csv.into_bytes(),
                &CsvOptions::default(),
                &Call::none(),
            )
            .await
            .expect("import");
        for c in commands {
            ws.apply(t, c.clone(), &Call::none()).await.expect("apply");
        }
        // The last step is undone: a preview applies only the steps before the position.
        ws.undo(t, &Call::none()).await.expect("undo");
        ws.close().await.expect("close");
        t
    };
    let ws = open(h).await;
    let previewed = ws.rows(t, &options).await.expect("first page");
    assert_eq!(previewed.row_ids, [1, 3, 5, 6, 7]);
    assert_eq!(previewed.rows[1][1], json!("name 3"), "trimmed, renamed");
    assert_eq!(previewed.rows[1][2], json!("x"), "edited after the retype");
    assert_eq!(previewed.rows[0][2], json!("10"), "retyped");
    let loaded = snapshot(&ws, t, 100).await;
    assert_eq!(loaded.info.row_count, 297);
    let full = ws.rows(t, &options).await.expect("first page, loaded");
    assert_eq!(previewed, full);
    let next = ws
        .rows(
            t,
            &RowsOptions {
                after: previewed.next_cursor.clone(),
                ..options.clone()
            },
        )
        .await
        .expect("next page");
    assert_eq!(next.row_ids, [8, 9, 10, 11, 12]);
    // Inserted rows may sort first: no preview, the same page from the whole table.
    ws.apply(
        t,
        json!({"op": "insert_row", "values": {"who": "top"}}),
        &Call::none(),
    )
    .await
    .expect("insert at the top");
    let expected = ws.rows(t, &options).await.expect("page");
    ws.close().await.expect("close");
    let ws = open(h).await;
    let page = ws.rows(t, &options).await.expect("page after reopen");
    assert_eq!(page, expected);
    assert_eq!(page.rows[0][1], json!("top"));
}
