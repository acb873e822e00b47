//! Bad input: each rejected with API.md's code, changing nothing.

use super::*;

/// Bad input is rejected with API.md's code and changes nothing: table, timeline and files.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn bad_input_changes_nothing<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}))
        .await
        .expect("trim");
    let state = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let tables = ws.tables().await.expect("tables");
    let csv = |b: &[u8]| b.to_vec();
    let imports: Vec<(&str, Vec<u8>, ErrorCode)> = vec![
        (
            "ragged",
            csv(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n"),
            ErrorCode::InvalidInput,
        ),
        (
            "binary",
            vec![0, 159, 146, 150, 0, 1, 2, 255, 254, 0, 0, 7],
            ErrorCode::InvalidInput,
        ),
        ("empty", Vec::new(), ErrorCode::InvalidInput),
        ("blank", csv(b"  \n\n"), ErrorCode::InvalidInput),
        ("people", csv(b"a\n1\n"), ErrorCode::TableExists),
    ];
    for (name, bytes, code) in imports {
        let e = ws
            .import_csv(name, bytes, &CsvOptions::default())
            .await
            .expect_err(name);
        assert_eq!(e.code(), code, "{name}: {e}");
    }
    let e = ws
        .import_parquet("pq", b"PAR1 not really".to_vec())
        .await
        .expect_err("bad parquet");
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let commands: Vec<(Value, ErrorCode)> = vec![
        (
            json!({"op": "frobnicate", "column": "name"}),
            ErrorCode::InvalidCommand,
        ),
        (json!({"column": "name"}), ErrorCode::InvalidCommand),
        (json!({"op": "trim"}), ErrorCode::InvalidCommand),
        (json!({"op": "trim", "column": "nope"}), ErrorCode::NotFound),
        (
            json!({"op": "pad_zeros", "column": "account", "length": 65}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "pad_zeros", "column": "account", "length": "5"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "rename_column", "column": "name", "newName": "CITY"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "calculate_age", "column": "birth_date", "newColumn": "name", "asOf": "2024-01-01"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "calculate_age", "column": "birth_date", "asOf": "01/01/2024"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "edit_cell", "rowId": 1, "column": "amount", "value": "lots"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "edit_cell", "rowId": 999, "column": "amount", "value": 1}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "delete_rows", "rowIds": []}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "delete_rows", "rowIds": [2, 999]}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "insert_row", "after": 999}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "insert_row", "after": 1, "values": {"amount": "x"}}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "remove_duplicates", "columns": ["ghost"]}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "split_column", "column": "name", "delimiter": ""}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "split_column", "column": "name", "delimiter": " ", "maxParts": 1}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "split_column", "column": "ghost", "delimiter": " "}),
            ErrorCode::NotFound,
        ),
        (
            // DuckDB refuses at run time (no such column): after the working copy was made.
            json!({"op": "custom_sql", "sql": "UPDATE {table} SET ghost = 1"}),
            ErrorCode::Engine,
        ),
        (
            // A cast failing half-way through the rows.
            json!({"op": "custom_sql", "sql": "UPDATE {table} SET amount = CAST(name AS INTEGER)"}),
            ErrorCode::Engine,
        ),
    ];
    let refused_sql = [
        "SELECT * FROM {table}",
        "UPDATE {table} SET amount = 1; DROP TABLE {table}",
        "UPDATE people SET amount = 1",
        "UPDATE {table} SET amount = (SELECT count(*) FROM duckdb_tables())",
        "INSERT INTO {table} SELECT * FROM read_csv('data.csv')",
        "INSERT INTO {table} SELECT * FROM read_parquet('https://example.com/x.parquet')",
        "DROP TABLE {table}",
        "CREATE TABLE copy AS SELECT * FROM {table}",
        "COPY {table} TO 'out.csv'",
        "ATTACH 'other.db'",
        "ALTER TABLE {table} RENAME TO renamed",
        "UPDATE amount SET amount = 1",
        "UPDATE {table} SET",
    ];
    let commands = commands.into_iter().chain(refused_sql.iter().map(|sql| {
        (
            json!({"op": "custom_sql", "sql": sql}),
            ErrorCode::InvalidCommand,
        )
    }));
    for (command, code) in commands {
        let e = ws
            .apply(t, command.clone())
            .await
            .expect_err(&command.to_string());
        assert_eq!(e.code(), code, "{command}: {e}");
    }
    assert_eq!(
        ws.table_id("ghost").await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(ws.goto(t, 9).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(
        ws.rows(
            t,
            &RowsOptions {
                after: Some("garbage".into()),
                ..RowsOptions::default()
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::InvalidCommand
    );
    assert_eq!(
        ws.rows(
            t,
            &RowsOptions {
                limit: Some(10_001),
                ..RowsOptions::default()
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::InvalidCommand
    );
    assert_eq!(ws.diff(t, 5).await.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(snapshot(&ws, t, 100).await, state);
    assert_eq!(files(&h.store().await).await, stored);
    assert_eq!(ws.tables().await.expect("tables"), tables);
}
