//! Imports and pages: CSV and Parquet imports, keyset and position pages, odd column names and long values.

use super::*;

/// Import, info, keyset pages and position pages.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn import_and_pages<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    let s = snapshot(&ws, t, 3).await;
    assert_eq!(s.info.row_count, 7);
    assert_eq!(s.info.position, 0);
    let names: Vec<&str> = s.info.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "name",
            "birth_date",
            "account",
            "city",
            "amount",
            "price",
            "notes"
        ]
    );
    assert_eq!(s.rows.len(), 7);
    assert_eq!(
        s.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7]
    );
    assert_eq!(column(&s, "name")[0], json!("  MIKE  JONES  "));
    assert_eq!(column(&s, "city")[2], Value::Null, "NA is NULL");
    let at = ws
        .rows_at(
            t,
            5,
            &RowsOptions {
                limit: Some(10),
                ..RowsOptions::default()
            },
        )
        .await
        .expect("rowsAt");
    assert_eq!(at.row_ids, [6, 7]);
    assert_eq!(at.next_cursor, None);
    // Every offset, front half (ascending sort) and back half (descending from the end) alike.
    for offset in 0..=8_u64 {
        let at = ws
            .rows_at(
                t,
                offset,
                &RowsOptions {
                    limit: Some(2),
                    ..RowsOptions::default()
                },
            )
            .await
            .expect("rowsAt");
        let expected: Vec<i64> = (1..=7_i64)
            .filter(|id| (offset as i64 + 1..offset as i64 + 3).contains(id))
            .collect();
        assert_eq!(at.row_ids, expected, "rowsAt({offset}, limit 2)");
        assert_eq!(
            at.next_cursor.is_some(),
            offset + 2 < 7,
            "rowsAt({offset}) cursor"
        );
        assert_eq!(at.rows.len(), expected.len());
    }
    let narrow = ws
        .rows(
            t,
            &RowsOptions {
                columns: Some(vec!["city".into()]),
                limit: Some(2),
                after: None,
            },
        )
        .await
        .expect("rows with columns");
    assert_eq!(narrow.columns, ["city"]);
    assert_eq!(narrow.rows[0], [json!("  boston")]);
    assert!(narrow.next_cursor.is_some());
    let memory = ws.memory().await.expect("memory");
    assert!(memory.duckdb_bytes > 0);
    assert_eq!(memory.tables.len(), 1);
    assert!(
        memory.tables[0].bytes > 0 && memory.tables[0].bytes <= memory.duckdb_bytes,
        "{memory:?}"
    );
    let storage = ws.storage().await.expect("storage");
    assert_eq!(storage.files, files(&h.store().await).await.len() as u64);
    ws.drop_table("people").await.expect("drop");
    assert!(ws.tables().await.expect("tables").is_empty());
    assert_eq!(
        files(&h.store().await)
            .await
            .iter()
            .filter(|(f, _)| f.starts_with("tables/"))
            .count(),
        0,
        "its files are gone"
    );
    let parquet = parquet_fixture();
    let pq = ws
        .import_parquet("from_parquet", parquet, &Call::none())
        .await
        .expect("import parquet");
    let s = snapshot(&ws, pq, 2).await;
    let types: Vec<&str> = s
        .info
        .columns
        .iter()
        .map(|c| c.data_type.as_str())
        .collect();
    assert_eq!(types, ["BIGINT", "VARCHAR", "DATE"]);
    assert_eq!(
        s.rows,
        [
            (1, vec![json!(10), json!("a"), json!("2024-02-29")]),
            (2, vec![json!(20), Value::Null, Value::Null]),
            (3, vec![json!(30), json!("ç"), json!("1970-01-01")]),
        ]
    );
    ws.close().await.expect("close");
    assert_eq!(
        ws.tables().await.unwrap_err().code(),
        ErrorCode::NotFound,
        "closed"
    );
}

/// A small Parquet file written by our own writer: `id BIGINT, name VARCHAR, day DATE`.
fn parquet_fixture() -> Vec<u8> {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray};
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(Int64Array::from(vec![10, 20, 30]))),
        (
            "name",
            Arc::new(StringArray::from(vec![Some("a"), None, Some("ç")])),
        ),
        (
            "day",
            Arc::new(Date32Array::from(vec![Some(19_782), None, Some(0)])),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).expect("batch");
    crate::persist::parquet::encode(&[batch]).expect("encode")
}

/// Column names with spaces, quotes, dots and Unicode, and a 10,000-character value, through a
/// chain of commands: each step's undo and redo give the exact states, a reopen restores the last
/// one, and undoing everything gives the import back.
pub async fn odd_names_and_long_values<H: Harness>(h: &H) {
    use crate::export::{ExportFormat, ExportOptions};
    let long: String = "Ünï 🐉 ab".repeat(1_250);
    assert_eq!(long.chars().count(), 10_000);
    let csv = format!(
        "\"first name\",\"say \"\"hi\"\"\",a.b,名前 🐉,n\n\"  Ann  Lee \",x,1.5,東京,1\nBob,\"y,z\",2.5,,2\n\"{long}\",w,3.5,Ünïcödé,3\n\"{long}\",w,3.5,Ünïcödé,3\n"
    );
    let commands = [
        json!({"op": "trim", "column": "first name"}),
        json!({"op": "uppercase", "column": "say \"hi\""}),
        json!({"op": "split_column", "column": "名前 🐉", "delimiter": "京"}),
        json!({"op": "combine_columns", "columns": ["first name", "a.b"], "separator": " | ", "newColumn": "x.y z"}),
        json!({"op": "rename_column", "column": "a.b", "newName": "a b.c"}),
        json!({"op": "custom_sql", "sql": "UPDATE {table} SET \"say \"\"hi\"\"\" = 'q', \"名前 🐉\" = \"名前 🐉\" || '!' WHERE \"a b.c\" > 2"}),
        json!({"op": "edit_cell", "rowId": 1, "column": "first name", "value": "Ann Lee 🐉"}),
        json!({"op": "filter_rows", "column": "名前 🐉", "operator": "!=", "value": "!"}),
        json!({"op": "remove_duplicates", "columns": ["first name"]}),
        json!({"op": "delete_column", "column": "n"}),
        json!({"op": "cast_type", "column": "a b.c", "type": "VARCHAR"}),
    ];
    let mut states = Vec::new();
    {
        let ws = open(h).await.with_chunk_row_count(2);
        let t = import_fixture::<H>(&ws, "odd", &csv).await;
        let names: Vec<String> = ws
            .table_info(t)
            .await
            .expect("info")
            .columns
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["first name", "say \"hi\"", "a.b", "名前 🐉", "n"]);
        states.push(snapshot(&ws, t, 2).await);
        for command in &commands {
            let before = snapshot(&ws, t, 2).await;
            ws.apply(t, command.clone(), &Call::none())
                .await
                .unwrap_or_else(|e| panic!("{command}: {e}"));
            let after = snapshot(&ws, t, 2).await;
            ws.undo(t, &Call::none()).await.expect("undo");
            let undone = snapshot(&ws, t, 2).await;
            assert_eq!(
                (&undone.rows, &undone.info.columns, undone.info.position),
                (&before.rows, &before.info.columns, before.info.position),
                "undo of {command}"
            );
            ws.redo(t, &Call::none()).await.expect("redo");
            assert_eq!(snapshot(&ws, t, 2).await, after, "redo of {command}");
            states.push(after);
        }
        let last = states.last().expect("states");
        let first_name = column(last, "first name");
        assert_eq!(first_name[0], json!("Ann Lee 🐉"));
        assert_eq!(
            first_name[1].as_str().map(|v| v.chars().count()),
            Some(10_000),
            "the long value"
        );
        assert_eq!(
            last.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            [1, 3],
            "Bob filtered, the copy deduplicated"
        );
        assert_eq!(column(last, "名前 🐉_1"), [json!("東"), json!("Ünïcödé")]);
        assert_eq!(column(last, "名前 🐉")[1], json!("Ünïcödé!"));
        assert_eq!(column(last, "say \"hi\""), [json!("X"), json!("q")]);
        assert_eq!(column(last, "a b.c"), [json!("1.5"), json!("3.5")]);
        let exported = ws
            .export(
                t,
                ExportFormat::Csv,
                &ExportOptions::default(),
                &Call::none(),
            )
            .await
            .expect("export");
        let header = String::from_utf8(exported).expect("utf-8");
        let header = header.lines().next().expect("header");
        assert_eq!(
            header,
            "first name,\"say \"\"hi\"\"\",a b.c,名前 🐉,名前 🐉_1,名前 🐉_2,x.y z"
        );
        ws.close().await.expect("close");
    }
    let ws = open(h).await;
    let t = ws.table_id("odd").await.expect("odd");
    let reopened = snapshot(&ws, t, 2).await;
    assert_eq!(Some(&reopened), states.last(), "reopen");
    ws.goto(t, 0, &Call::none()).await.expect("goto 0");
    let back = snapshot(&ws, t, 2).await;
    assert_eq!(
        (&back.rows, &back.info.columns),
        (&states[0].rows, &states[0].info.columns)
    );
}
