//! Scenario tests, written once and run twice: natively (`duckline-native`, DuckDB 1.4.3 + a temp
//! folder) and in headless Chromium (`duckline-wasm`, DuckDB-WASM 1.32.0 + OPFS).
//!
//! Each scenario is an async function over a [`Harness`] that panics with a message on failure.
//! [`scenario_tests!`](crate::scenario_tests) declares one test per scenario, so both runners cover
//! the same set.
#![expect(
    clippy::unwrap_used,
    reason = "scenario tests: a panic is the test failure"
)]

use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::{Value, json};

use crate::model::{CsvOptions, DiffPageOptions, DiffStatus, RowsOptions, TableInfo, Timeline};
use crate::{Engine, ErrorCode, Store, Workspace};

/// A small messy people table used by most scenarios (`NA` = NULL).
pub const PEOPLE_CSV: &str = "name,birth_date,account,city,amount,price,notes\n\
\"  MIKE  JONES  \",03/15/1985,45,  boston,12,\"$1,234.56\",\"Bob\tWilson\"\n\
Éric Durand,15.03.1985,123456,Paris,7,(500),zero\u{200b}width\u{feff}\n\
\" ana \",1985-03-15,7,NA,3,\"1,234.56 €\",\"   \"\n\
Bob Wilson,\"Mar 15, 1985\",NA,Denver,NA,$(50),NA\n\
Éric Durand,15.03.1985,123456,Paris,7,(500),zero\u{200b}width\u{feff}\n\
李小龍,2000-12-31,99,香港 🐉,1,500-,mary-jane o'NEIL 🐉\n\
Zoë,not a date,0042,\u{a0}Oslo\u{a0},5,-100.00,\"a \t\u{a0} b\"\n";

/// What a platform provides to run the scenarios.
#[expect(
    async_fn_in_trait,
    reason = "single-threaded harnesses; no Send bound wanted"
)]
pub trait Harness {
    /// The engine type.
    type Engine: Engine;
    /// The store type; every [`Harness::store`] call refers to the same folder.
    type Store: Store;
    /// A fresh engine: a new DuckDB instance, as a new tab would have.
    async fn engine(&self) -> Self::Engine;
    /// The scenario's store (the same folder on every call; empty at the start of a scenario).
    async fn store(&self) -> Self::Store;
    /// Bytes of a file of `../shared/data/nycflights13/`, e.g. `flights.csv`.
    async fn data(&self, name: &str) -> Vec<u8>;
}

type Ws<H> = Workspace<<H as Harness>::Engine, <H as Harness>::Store>;

/// The full state of a table as users see it: info, timeline, and every row with its row id.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    /// Info.
    pub info: TableInfo,
    /// Timeline.
    pub timeline: Timeline,
    /// `(row id, values)` in display order.
    pub rows: Vec<(i64, Vec<Value>)>,
}

/// Reads the whole table through keyset pages of `page_rows` rows.
///
/// # Panics
/// If a read fails.
pub async fn snapshot<E: Engine, S: Store>(
    ws: &Workspace<E, S>,
    table: u32,
    page_rows: u64,
) -> Snapshot {
    let info = ws.table_info(table).await.expect("table info");
    let timeline = ws.timeline(table).await.expect("timeline");
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = ws
            .rows(
                table,
                &RowsOptions {
                    after: after.clone(),
                    limit: Some(page_rows),
                    columns: None,
                },
            )
            .await
            .expect("rows page");
        rows.extend(page.row_ids.iter().copied().zip(page.rows));
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    Snapshot {
        info,
        timeline,
        rows,
    }
}

/// Every file of the store with its size, sorted.
///
/// # Panics
/// If listing fails.
pub async fn files<S: Store>(store: &S) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for f in store.list().await.expect("list") {
        let size = store.size(&f).await.expect("size");
        out.push((f, size));
    }
    out.sort();
    out
}

async fn open<H: Harness>(h: &H) -> Ws<H> {
    Workspace::open("scenario", h.engine().await, h.store().await)
        .await
        .expect("open workspace")
}

async fn people<H: Harness>(ws: &Ws<H>) -> u32 {
    people_named::<H>(ws, "people").await
}

async fn people_named<H: Harness>(ws: &Ws<H>, name: &str) -> u32 {
    ws.import_csv(
        name,
        PEOPLE_CSV.as_bytes().to_vec(),
        &CsvOptions {
            null_strings: Some(vec!["NA".into()]),
            ..CsvOptions::default()
        },
    )
    .await
    .expect("import people")
}

fn column(s: &Snapshot, name: &str) -> Vec<Value> {
    let i = s
        .info
        .columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    s.rows.iter().map(|(_, r)| r[i].clone()).collect()
}

fn column_type(s: &Snapshot, name: &str) -> String {
    s.info
        .columns
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.data_type.clone())
        .unwrap_or_default()
}

/// Import, info, keyset pages and position pages.
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
        .import_parquet("from_parquet", parquet)
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
    crate::parquet_io::encode(&[batch]).expect("encode")
}

/// One command's expected effect: the command and a check of the snapshot after it.
struct Case {
    command: Value,
    check: fn(&Snapshot, &Snapshot),
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            command: json!({"op": "trim", "column": "name"}),
            check: |_, a| {
                assert_eq!(column(a, "name")[0], json!("MIKE  JONES"));
                assert_eq!(column(a, "name")[2], json!("ana"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(2));
            },
        },
        Case {
            command: json!({"op": "trim", "column": "city"}),
            check: |_, a| assert_eq!(column(a, "city")[6], json!("Oslo"), "NBSP is whitespace"),
        },
        Case {
            command: json!({"op": "uppercase", "column": "name"}),
            check: |_, a| {
                assert_eq!(column(a, "name")[1], json!("ÉRIC DURAND"));
                assert_eq!(column(a, "name")[5], json!("李小龍"));
            },
        },
        Case {
            command: json!({"op": "pad_zeros", "column": "account", "length": 5}),
            check: |_, a| {
                assert_eq!(column_type(a, "account"), "VARCHAR");
                let acc = column(a, "account");
                assert_eq!(acc[0], json!("00045"));
                assert_eq!(acc[1], json!("123456"), "longer values are kept");
                assert_eq!(acc[3], Value::Null, "NULL stays NULL");
            },
        },
        Case {
            command: json!({"op": "standardize_date", "column": "birth_date"}),
            check: |_, a| {
                assert_eq!(column_type(a, "birth_date"), "DATE");
                let d = column(a, "birth_date");
                for i in [0, 1, 2, 3, 4] {
                    assert_eq!(d[i], json!("1985-03-15"), "row {i}");
                }
                assert_eq!(d[5], json!("2000-12-31"));
                assert_eq!(d[6], Value::Null);
                let step = a.timeline.steps.last().expect("step");
                assert_eq!(
                    step.warnings,
                    ["1 value could not be parsed as dates and became NULL"]
                );
            },
        },
        Case {
            command: json!({"op": "standardize_date", "column": "birth_date", "order": "dmy", "format": "%d.%m.%Y"}),
            check: |_, a| {
                assert_eq!(column_type(a, "birth_date"), "VARCHAR");
                assert_eq!(column(a, "birth_date")[0], json!("15.03.1985"));
            },
        },
        Case {
            command: json!({"op": "calculate_age", "column": "birth_date", "asOf": "2024-01-01"}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() + 1);
                assert_eq!(column_type(a, "age"), "INTEGER");
                let age = column(a, "age");
                assert_eq!(age[0], json!(38));
                assert_eq!(age[5], json!(23), "born 2000-12-31 is 23 on 2024-01-01");
                assert_eq!(age[6], Value::Null);
            },
        },
        Case {
            command: json!({"op": "calculate_age", "column": "birth_date", "newColumn": "age_today"}),
            check: |_, a| {
                let step = a.timeline.steps.last().expect("step");
                let crate::Command::CalculateAge {
                    as_of: Some(as_of), ..
                } = &step.command
                else {
                    panic!("asOf is filled in: {:?}", step.command);
                };
                assert!(crate::dates::is_iso_date(as_of), "{as_of}");
                assert!(
                    column(a, "age_today")[0]
                        .as_i64()
                        .is_some_and(|age| age >= 40)
                );
            },
        },
        Case {
            command: json!({"op": "rename_column", "column": "city", "newName": "town"}),
            check: |b, a| {
                assert_eq!(column(a, "town"), column(b, "city"));
                assert!(a.info.columns.iter().all(|c| c.name != "city"));
                assert_eq!(a.timeline.steps.last().map(|s| s.tier), Some(2));
            },
        },
        Case {
            command: json!({"op": "delete_column", "column": "amount"}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() - 1);
                assert!(a.info.columns.iter().all(|c| c.name != "amount"));
            },
        },
        Case {
            command: json!({"op": "remove_duplicates"}),
            check: |_, a| {
                assert_eq!(a.info.row_count, 6);
                assert!(
                    !a.rows.iter().any(|r| r.0 == 5),
                    "the later duplicate goes, row 2 stays"
                );
                assert!(a.rows.iter().any(|r| r.0 == 2));
            },
        },
        Case {
            command: json!({"op": "remove_duplicates", "columns": ["name"]}),
            check: |_, a| assert_eq!(a.info.row_count, 6),
        },
        Case {
            command: json!({"op": "delete_rows", "rowIds": [1, 7]}),
            check: |_, a| {
                assert_eq!(
                    a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [2, 3, 4, 5, 6]
                );
            },
        },
        Case {
            command: json!({"op": "insert_row", "after": 2, "values": {"name": "New Person", "amount": 9}}),
            check: |_, a| {
                assert_eq!(a.info.row_count, 8);
                assert_eq!(a.rows[2].0, 8, "new row id, placed after row 2");
                assert_eq!(column(a, "name")[2], json!("New Person"));
                assert_eq!(column(a, "amount")[2], json!(9));
                assert_eq!(column(a, "city")[2], Value::Null);
            },
        },
        Case {
            command: json!({"op": "insert_row", "after": null}),
            check: |_, a| assert_eq!(a.rows[0].0, 8, "a new row id, at the top"),
        },
        Case {
            command: json!({"op": "edit_cell", "rowId": 4, "column": "amount", "value": "42"}),
            check: |_, a| {
                assert_eq!(column(a, "amount")[3], json!(42));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(1));
            },
        },
        Case {
            command: json!({"op": "collapse_spaces", "column": "name"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(
                    n[0],
                    json!(" MIKE JONES "),
                    "runs become one space, no trim"
                );
                assert_eq!(n[5], json!("李小龍"));
            },
        },
        Case {
            command: json!({"op": "collapse_spaces", "column": "notes"}),
            check: |_, a| {
                let n = column(a, "notes");
                assert_eq!(n[0], json!("Bob Wilson"), "a tab is whitespace");
                assert_eq!(n[2], json!(" "), "whitespace-only");
                assert_eq!(n[3], Value::Null);
                assert_eq!(n[6], json!("a b"), "space, tab and NBSP: one run");
            },
        },
        Case {
            command: json!({"op": "title_case", "column": "notes"}),
            check: |_, a| {
                let n = column(a, "notes");
                assert_eq!(n[5], json!("Mary-jane O'neil 🐉"));
                assert_eq!(n[0], json!("Bob\tWilson"), "separators are kept");
                assert_eq!(n[2], json!("   "));
                assert_eq!(n[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "title_case", "column": "name"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(n[0], json!("  Mike  Jones  "));
                assert_eq!(n[1], json!("Éric Durand"));
                assert_eq!(n[2], json!(" Ana "));
                assert_eq!(n[5], json!("李小龍"));
            },
        },
        Case {
            command: json!({"op": "title_case", "column": "amount"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "VARCHAR", "text form");
                assert_eq!(column(a, "amount")[0], json!("12"));
                assert_eq!(column(a, "amount")[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "sentence_case", "column": "notes"}),
            check: |_, a| {
                let n = column(a, "notes");
                assert_eq!(n[5], json!("Mary-jane o'neil 🐉"));
                assert_eq!(n[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "sentence_case", "column": "name"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(
                    n[0],
                    json!("  mike  jones  "),
                    "the first character is a space"
                );
                assert_eq!(n[1], json!("Éric durand"));
                assert_eq!(n[6], json!("Zoë"));
            },
        },
        Case {
            command: json!({"op": "remove_accents", "column": "name"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(n[1], json!("Eric Durand"));
                assert_eq!(n[6], json!("Zoe"));
                assert_eq!(n[5], json!("李小龍"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(3));
            },
        },
        Case {
            command: json!({"op": "remove_accents", "column": "notes"}),
            check: |_, a| {
                assert_eq!(column(a, "notes")[5], json!("mary-jane o'NEIL 🐉"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(0));
            },
        },
        Case {
            command: json!({"op": "remove_non_printable", "column": "notes"}),
            check: |_, a| {
                let n = column(a, "notes");
                assert_eq!(n[0], json!("BobWilson"));
                assert_eq!(n[1], json!("zerowidth"));
                assert_eq!(n[2], json!("   "));
                assert_eq!(n[6], json!("a \u{a0} b"), "NBSP is printable");
                assert_eq!(n[5], json!("mary-jane o'NEIL 🐉"));
            },
        },
        Case {
            command: json!({"op": "replace", "column": "name", "find": "éric", "replaceWith": "Eric", "match": "contains", "caseSensitive": false}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(n[1], json!("Eric Durand"));
                assert_eq!(n[4], json!("Eric Durand"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(2));
            },
        },
        Case {
            command: json!({"op": "replace", "column": "city", "find": "o", "replaceWith": "0.$1\\", "match": "contains"}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[0], json!("  b0.$1\\st0.$1\\n"), "replacement is literal");
                assert_eq!(c[6], json!("\u{a0}Osl0.$1\\\u{a0}"), "case-sensitive");
                assert_eq!(c[2], Value::Null);
            },
        },
        Case {
            command: json!({"op": "replace", "column": "city", "find": "paris", "replaceWith": "PARIS", "match": "exact", "caseSensitive": false}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[1], json!("PARIS"));
                assert_eq!(c[0], json!("  boston"));
            },
        },
        Case {
            command: json!({"op": "replace", "column": "birth_date", "find": "^(\\d+)/(\\d+)/(\\d{4})$", "replaceWith": "$3-$1-$2", "match": "regex"}),
            check: |_, a| {
                let d = column(a, "birth_date");
                assert_eq!(d[0], json!("1985-03-15"));
                assert_eq!(d[1], json!("15.03.1985"));
            },
        },
        Case {
            command: json!({"op": "replace", "column": "name", "find": "\\s+", "replaceWith": "_", "match": "regex"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(n[0], json!("_MIKE_JONES_"));
                assert_eq!(n[5], json!("李小龍"));
            },
        },
        Case {
            command: json!({"op": "replace", "column": "amount", "find": "7", "replaceWith": "seven", "match": "exact"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "VARCHAR");
                assert_eq!(column(a, "amount")[1], json!("seven"));
                assert_eq!(column(a, "amount")[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "replace_empty", "column": "notes", "value": "n/a"}),
            check: |_, a| {
                let n = column(a, "notes");
                assert_eq!(n[2], json!("n/a"), "whitespace-only");
                assert_eq!(n[3], json!("n/a"), "NULL");
                assert_eq!(n[0], json!("Bob\tWilson"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(2));
            },
        },
        Case {
            command: json!({"op": "replace_empty", "column": "amount", "value": 0}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "VARCHAR");
                assert_eq!(column(a, "amount")[3], json!("0"));
            },
        },
        Case {
            command: json!({"op": "unformat_currency", "column": "price"}),
            check: |_, a| {
                assert_eq!(column_type(a, "price"), "DOUBLE");
                let p: Vec<Option<f64>> = column(a, "price").iter().map(Value::as_f64).collect();
                assert_eq!(
                    p,
                    [
                        Some(1234.56),
                        Some(-500.0),
                        Some(1234.56),
                        Some(-50.0),
                        Some(-500.0),
                        Some(-500.0),
                        Some(-100.0)
                    ]
                );
                assert!(a.timeline.steps.last().expect("step").warnings.is_empty());
            },
        },
        Case {
            command: json!({"op": "unformat_currency", "column": "notes"}),
            check: |_, a| {
                assert!(column(a, "notes").iter().all(Value::is_null));
                assert_eq!(
                    a.timeline.steps.last().expect("step").warnings,
                    ["5 values could not be parsed as numbers and became NULL"],
                    "NULL and whitespace-only are not failures"
                );
            },
        },
        Case {
            command: json!({"op": "fix_negatives", "column": "price"}),
            check: |_, a| {
                assert_eq!(column_type(a, "price"), "DOUBLE");
                let p: Vec<Option<f64>> = column(a, "price").iter().map(Value::as_f64).collect();
                assert_eq!(
                    p,
                    [
                        None,
                        Some(-500.0),
                        None,
                        None,
                        Some(-500.0),
                        Some(-500.0),
                        Some(-100.0)
                    ]
                );
                assert_eq!(
                    a.timeline.steps.last().expect("step").warnings,
                    ["3 values could not be parsed as numbers and became NULL"]
                );
            },
        },
        Case {
            command: json!({"op": "fix_negatives", "column": "amount"}),
            check: |b, a| {
                assert_eq!(column_type(a, "amount"), "DOUBLE");
                let before: Vec<Option<f64>> =
                    column(b, "amount").iter().map(Value::as_f64).collect();
                let after: Vec<Option<f64>> =
                    column(a, "amount").iter().map(Value::as_f64).collect();
                assert_eq!(before, after, "other numbers unchanged");
            },
        },
        Case {
            command: json!({"op": "cast_type", "column": "account", "type": "varchar"}),
            check: |_, a| {
                assert_eq!(column_type(a, "account"), "VARCHAR");
                assert_eq!(column(a, "account")[0], json!("45"));
                assert_eq!(column(a, "account")[3], Value::Null);
                assert!(a.timeline.steps.last().expect("step").warnings.is_empty());
            },
        },
        Case {
            command: json!({"op": "cast_type", "column": "name", "type": "INTEGER"}),
            check: |_, a| {
                assert_eq!(column_type(a, "name"), "INTEGER");
                assert!(column(a, "name").iter().all(Value::is_null));
                assert_eq!(
                    a.timeline.steps.last().expect("step").warnings,
                    ["7 values could not be cast to INTEGER and became NULL"]
                );
            },
        },
        Case {
            command: json!({"op": "cast_type", "column": "amount", "type": "DECIMAL(10, 2)"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "DECIMAL(10,2)");
                assert_eq!(column(a, "amount")[3], Value::Null);
                assert_eq!(
                    a.timeline.steps.last().map(|s| s.rows_affected),
                    Some(6),
                    "a retype changes every non-NULL cell"
                );
                assert!(a.timeline.steps.last().expect("step").warnings.is_empty());
            },
        },
        Case {
            command: json!({"op": "cast_type", "column": "birth_date", "type": "DATE"}),
            check: |_, a| {
                assert_eq!(column_type(a, "birth_date"), "DATE");
                let d = column(a, "birth_date");
                assert_eq!(d[2], json!("1985-03-15"));
                assert_eq!(d[5], json!("2000-12-31"));
                assert_eq!(d[0], Value::Null);
                assert_eq!(
                    a.timeline.steps.last().expect("step").warnings,
                    ["5 values could not be cast to DATE and became NULL"]
                );
            },
        },
        Case {
            command: json!({"op": "fill_down", "column": "city"}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[2], json!("Paris"));
                assert_eq!(c[3], json!("Denver"));
                assert_eq!(column_type(a, "city"), "VARCHAR");
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(1));
            },
        },
        Case {
            command: json!({"op": "fill_down", "column": "notes"}),
            check: |b, a| {
                let n = column(a, "notes");
                let above = column(b, "notes")[1].clone();
                assert_eq!(n[2], above, "whitespace-only is empty");
                assert_eq!(n[3], above, "NULL takes the last non-empty value");
            },
        },
        Case {
            command: json!({"op": "fill_down", "column": "amount"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "BIGINT", "type unchanged");
                assert_eq!(column(a, "amount")[3], json!(3));
            },
        },
        Case {
            command: json!({"op": "hash", "column": "name", "secret": "s3"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(
                    n[0],
                    json!("7c9b488cf7596f8e19ff2bfaab4c5b4884c33a6b0d39d19ce62f96a851162872")
                );
                assert_eq!(
                    n[5],
                    json!("cfcd7749befcd48c8b6068462abcd0d0ac8b1456268a98d23b8103498adb4090")
                );
                assert_eq!(
                    a.timeline.steps.last().map(|s| s.label.as_str()),
                    Some("Hash name")
                );
            },
        },
        Case {
            command: json!({"op": "hash", "column": "city", "secret": ""}),
            check: |_, a| assert_eq!(column(a, "city")[2], Value::Null, "NULL stays NULL"),
        },
        Case {
            command: json!({"op": "redact", "column": "city"}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[0], json!("[REDACTED]"));
                assert_eq!(c[2], Value::Null);
            },
        },
        Case {
            command: json!({"op": "mask", "column": "name"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(n[0], json!(" ************* "));
                assert_eq!(n[5], json!("李*龍"));
                assert_eq!(n[6], json!("Z*ë"));
            },
        },
        Case {
            command: json!({"op": "mask", "column": "amount"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "VARCHAR");
                let m = column(a, "amount");
                assert_eq!(m[0], json!("**"), "length <= 2: all stars");
                assert_eq!(m[1], json!("*"));
                assert_eq!(m[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "last4", "column": "account"}),
            check: |_, a| {
                let c = column(a, "account");
                assert_eq!(c[0], json!("45"));
                assert_eq!(c[1], json!("**3456"));
                assert_eq!(c[3], Value::Null);
            },
        },
        Case {
            command: json!({"op": "last4", "column": "city"}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[5], json!("香港 🐉"), "4 characters, not bytes");
                assert_eq!(c[0], json!("****ston"));
            },
        },
        Case {
            command: json!({"op": "year_only", "column": "birth_date"}),
            check: |_, a| {
                assert_eq!(column_type(a, "birth_date"), "DATE");
                let d = column(a, "birth_date");
                for i in [0, 1, 2, 3, 4] {
                    assert_eq!(d[i], json!("1985-01-01"), "row {i}");
                }
                assert_eq!(d[5], json!("2000-01-01"));
                assert_eq!(d[6], Value::Null);
                assert_eq!(
                    a.timeline.steps.last().expect("step").warnings,
                    ["1 value could not be parsed as dates and became NULL"]
                );
            },
        },
        Case {
            command: json!({"op": "combine_columns", "columns": ["name", "city"], "separator": ", ", "newColumn": "label"}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() + 1);
                assert_eq!(
                    a.info.columns.last().map(|c| c.name.as_str()),
                    Some("label")
                );
                assert_eq!(column_type(a, "label"), "VARCHAR");
                let l = column(a, "label");
                assert_eq!(l[0], json!("  MIKE  JONES  ,   boston"));
                assert_eq!(l[2], json!(" ana "), "NULL parts are skipped");
                assert_eq!(l[5], json!("李小龍, 香港 🐉"));
                assert_eq!(a.timeline.steps.last().map(|s| s.tier), Some(1));
            },
        },
        Case {
            command: json!({"op": "combine_columns", "columns": ["account", "amount"], "newColumn": "both"}),
            check: |_, a| {
                let l = column(a, "both");
                assert_eq!(l[0], json!("45 12"), "default separator, text form");
                assert_eq!(l[3], Value::Null, "all parts NULL");
            },
        },
        Case {
            command: json!({"op": "split_column", "column": "name", "delimiter": " ", "maxParts": 2}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() + 2);
                assert_eq!(column_type(a, "name_1"), "VARCHAR");
                let (first, rest) = (column(a, "name_1"), column(a, "name_2"));
                assert_eq!(
                    (&first[0], &rest[0]),
                    (&json!(""), &json!(" MIKE  JONES  ")),
                    "the last part keeps the rest"
                );
                assert_eq!((&first[1], &rest[1]), (&json!("Éric"), &json!("Durand")));
                assert_eq!((&first[5], &rest[5]), (&json!("李小龍"), &Value::Null));
                assert_eq!(column(a, "name"), column(b, "name"), "original kept");
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(7));
            },
        },
        Case {
            command: json!({"op": "split_column", "column": "birth_date", "delimiter": "/"}),
            check: |b, a| {
                let names: Vec<&str> = a.info.columns.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(names.len(), b.info.columns.len() + 3, "most parts found: 3");
                assert_eq!(
                    &names[names.len() - 3..],
                    ["birth_date_1", "birth_date_2", "birth_date_3"]
                );
                assert_eq!(
                    [
                        column(a, "birth_date_1")[0].clone(),
                        column(a, "birth_date_2")[0].clone(),
                        column(a, "birth_date_3")[0].clone()
                    ],
                    [json!("03"), json!("15"), json!("1985")]
                );
                assert_eq!(column(a, "birth_date_1")[1], json!("15.03.1985"));
                assert_eq!(column(a, "birth_date_2")[1], Value::Null);
            },
        },
        Case {
            command: json!({"op": "split_column", "column": "city", "delimiter": "🐉", "maxParts": 5}),
            check: |_, a| {
                assert_eq!(column(a, "city_1")[5], json!("香港 "));
                assert_eq!(column(a, "city_2")[5], json!(""));
                assert_eq!(column(a, "city_1")[2], Value::Null, "NULL stays NULL");
                assert_eq!(
                    column(a, "city_1")[0],
                    json!("  boston"),
                    "no delimiter: one part"
                );
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "UPDATE {table} SET amount = amount * 100 WHERE amount > 5"}),
            check: |b, a| {
                assert_eq!(
                    column(a, "amount"),
                    [
                        json!(1200),
                        json!(700),
                        json!(3),
                        Value::Null,
                        json!(700),
                        json!(1),
                        json!(5)
                    ]
                );
                let ids = |s: &Snapshot| s.rows.iter().map(|r| r.0).collect::<Vec<_>>();
                assert_eq!(ids(a), ids(b), "rows keep their row ids");
                assert_eq!(column(a, "name"), column(b, "name"));
                let step = a.timeline.steps.last().expect("step");
                assert_eq!((step.rows_affected, step.tier), (3, 3));
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "UPDATE {table} SET city = '東京 🗼' WHERE name = '李小龍'"}),
            check: |_, a| assert_eq!(column(a, "city")[5], json!("東京 🗼")),
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "DELETE FROM {table} WHERE city IS NULL OR amount < 2"}),
            check: |b, a| {
                assert_eq!(
                    a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [1, 2, 4, 5, 7]
                );
                assert_eq!(a.info.columns, b.info.columns);
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "INSERT INTO {table} (name, amount) VALUES ('Zed', 42), ('Zoë 2', NULL)"}),
            check: |b, a| {
                assert_eq!(a.info.row_count, 9);
                let last = &a.rows[7..];
                assert_eq!(
                    last.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [8, 9],
                    "new row ids, at the end"
                );
                assert_eq!(column(a, "name")[7], json!("Zed"));
                assert_eq!(column(a, "amount")[7], json!(42));
                assert_eq!(column(a, "city")[8], Value::Null);
                assert_eq!(a.rows[..7], b.rows[..], "other rows untouched");
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "ALTER TABLE {table} ADD COLUMN note VARCHAR DEFAULT 'n/a'"}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() + 1);
                assert_eq!(column(a, "note")[3], json!("n/a"));
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(7));
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "ALTER TABLE {table} RENAME COLUMN city TO town"}),
            check: |b, a| {
                let at = |s: &Snapshot, n: &str| s.info.columns.iter().position(|c| c.name == n);
                assert_eq!(at(a, "town"), at(b, "city"), "same place");
                assert_eq!(column(a, "town"), column(b, "city"));
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "ALTER TABLE {table} ALTER COLUMN amount TYPE DOUBLE"}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "DOUBLE");
                assert_eq!(column(a, "amount")[0], json!(12.0));
            },
        },
        Case {
            command: json!({"op": "custom_sql", "sql": "UPDATE {table} SET notes = NULL WHERE false"}),
            check: |b, a| {
                assert_eq!(a.rows, b.rows);
                assert_eq!(
                    a.timeline.steps.last().map(|s| s.rows_affected),
                    Some(0),
                    "still a step"
                );
            },
        },
        Case {
            command: json!({"op": "add_column", "name": "source"}),
            check: |b, a| {
                assert_eq!(a.info.columns.len(), b.info.columns.len() + 1);
                assert_eq!(column_type(a, "source"), "VARCHAR");
                assert!(column(a, "source").iter().all(Value::is_null));
                assert_eq!(a.timeline.steps.last().map(|s| s.tier), Some(2));
            },
        },
        Case {
            command: json!({"op": "add_column", "name": "batch", "type": "integer", "value": "7"}),
            check: |_, a| {
                assert_eq!(column_type(a, "batch"), "INTEGER");
                assert!(column(a, "batch").iter().all(|v| v == &json!(7)));
            },
        },
        Case {
            command: json!({"op": "add_column", "name": "checked", "type": "DATE", "value": "2024-02-29"}),
            check: |_, a| assert_eq!(column(a, "checked")[6], json!("2024-02-29")),
        },
        Case {
            command: json!({"op": "reorder_columns", "columns": ["notes", "price", "amount", "city", "account", "birth_date", "name"]}),
            check: |b, a| {
                let names: Vec<&str> = a.info.columns.iter().map(|c| c.name.as_str()).collect();
                assert_eq!(
                    names,
                    [
                        "notes",
                        "price",
                        "amount",
                        "city",
                        "account",
                        "birth_date",
                        "name"
                    ]
                );
                for c in &b.info.columns {
                    assert_eq!(column(a, &c.name), column(b, &c.name));
                }
                assert_eq!(a.timeline.steps.last().map(|s| s.tier), Some(2));
            },
        },
        Case {
            command: json!({"op": "filter_rows", "column": "city", "operator": "=", "value": "Paris"}),
            check: |_, a| {
                assert_eq!(a.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5]);
                assert_eq!(
                    a.timeline.steps.last().map(|s| (s.tier, s.rows_affected)),
                    Some((3, 5))
                );
            },
        },
        Case {
            command: json!({"op": "filter_rows", "column": "amount", "operator": ">", "value": 5}),
            check: |_, a| {
                assert_eq!(
                    a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [1, 2, 5],
                    "the NULL amount does not match"
                );
            },
        },
        Case {
            command: json!({"op": "filter_rows", "column": "amount", "operator": ">", "value": "5", "keep": false}),
            check: |_, a| {
                assert_eq!(
                    a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [3, 4, 6, 7],
                    "dropping matches keeps the NULL amount"
                );
            },
        },
        Case {
            command: json!({"op": "filter_rows", "column": "city", "operator": "is_null", "keep": false}),
            check: |_, a| {
                assert_eq!(
                    a.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                    [1, 2, 4, 5, 6, 7]
                );
            },
        },
        Case {
            command: json!({"op": "filter_rows", "column": "city", "operator": "contains", "value": "o"}),
            check: |_, a| assert_eq!(a.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 7]),
        },
        Case {
            command: json!({"op": "filter_rows", "column": "name", "operator": "starts_with", "value": "Éric"}),
            check: |_, a| assert_eq!(a.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5]),
        },
        Case {
            command: json!({"op": "filter_rows", "column": "city", "operator": "ends_with", "value": "🐉", "keep": false}),
            check: |_, a| assert_eq!(a.info.row_count, 6),
        },
        Case {
            command: json!({"op": "filter_rows", "column": "birth_date", "operator": "!=", "value": "not a date"}),
            check: |_, a| assert_eq!(a.info.row_count, 6),
        },
        Case {
            command: json!({"op": "filter_rows", "column": "name", "operator": "is_not_null"}),
            check: |b, a| {
                assert_eq!(a.rows, b.rows);
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(0));
            },
        },
        Case {
            command: json!({"op": "mass_edit", "column": "city", "edits": [{"from": ["Paris", "  boston"], "to": "PARIS"}, {"from": ["Denver"], "to": "Denver, CO"}]}),
            check: |_, a| {
                let c = column(a, "city");
                assert_eq!(c[0], json!("PARIS"));
                assert_eq!(c[1], json!("PARIS"));
                assert_eq!(c[3], json!("Denver, CO"));
                assert_eq!(c[2], Value::Null);
                assert_eq!(a.timeline.steps.last().map(|s| s.rows_affected), Some(4));
            },
        },
        Case {
            command: json!({"op": "mass_edit", "column": "amount", "edits": [{"from": ["7"], "to": "70"}]}),
            check: |_, a| {
                assert_eq!(column_type(a, "amount"), "BIGINT");
                assert_eq!(column(a, "amount")[1], json!(70));
                assert_eq!(column(a, "amount")[4], json!(70));
            },
        },
    ]
}

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
                .apply(t, case.command.clone())
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", case.command));
            assert_eq!(step.index, before.info.position + 1, "{}", case.command);
            let after = snapshot(&ws, t, 4).await;
            (case.check)(&before, &after);
            let undone = ws.undo(t).await.expect("undo").expect("a step to undo");
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
            ws.redo(t).await.expect("redo").expect("a step to redo");
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
        ws.undo(t).await.expect("undo after reopen");
        let undone = snapshot(&ws, t, 100).await;
        assert_eq!(
            (&undone.rows, &undone.info.columns, undone.info.position),
            (&before.rows, &before.info.columns, before.info.position),
            "undo after reopen of {command}"
        );
        ws.redo(t).await.expect("redo after reopen");
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
    ws.apply(t, json!({"op": "remove_duplicates"}))
        .await
        .expect("first run");
    let again = ws
        .apply(t, json!({"op": "remove_duplicates"}))
        .await
        .expect("second run");
    assert_eq!((again.index, again.rows_affected), (1, 0));
    let same = ws
        .apply(
            t,
            json!({"op": "edit_cell", "rowId": 2, "column": "city", "value": "Paris"}),
        )
        .await
        .expect("same value");
    assert_eq!((same.index, same.rows_affected), (1, 0));
    let no_match = ws
        .apply(
            t,
            json!({"op": "replace", "column": "city", "find": "Atlantis", "replaceWith": "x", "match": "contains"}),
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
            .apply(t, command.clone())
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        assert!(step.warnings.is_empty(), "{command}: {:?}", step.warnings);
        let after = snapshot(&ws, t, 10).await;
        assert_eq!(column(&after, column_name), expected, "{command}");
        ws.undo(t).await.expect("undo");
    }
}

/// Column names with spaces, quotes, dots and Unicode, and a 10,000-character value, through a
/// chain of commands: each step's undo and redo give the exact states, a reopen restores the last
/// one, and undoing everything gives the import back.
pub async fn odd_names_and_long_values<H: Harness>(h: &H) {
    use crate::export::ExportFormat;
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
            ws.apply(t, command.clone())
                .await
                .unwrap_or_else(|e| panic!("{command}: {e}"));
            let after = snapshot(&ws, t, 2).await;
            ws.undo(t).await.expect("undo");
            let undone = snapshot(&ws, t, 2).await;
            assert_eq!(
                (&undone.rows, &undone.info.columns, undone.info.position),
                (&before.rows, &before.info.columns, before.info.position),
                "undo of {command}"
            );
            ws.redo(t).await.expect("redo");
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
        let exported = ws.export(t, ExportFormat::Csv).await.expect("export");
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
    ws.goto(t, 0).await.expect("goto 0");
    let back = snapshot(&ws, t, 2).await;
    assert_eq!(
        (&back.rows, &back.info.columns),
        (&states[0].rows, &states[0].info.columns)
    );
}

/// Applying a step after an undo discards the redo branch and its files.
pub async fn redo_branch_discard<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}))
        .await
        .expect("trim");
    ws.apply(t, json!({"op": "uppercase", "column": "city"}))
        .await
        .expect("uppercase");
    ws.undo(t).await.expect("undo");
    let with_branch = files(&h.store().await).await;
    assert!(
        with_branch.iter().any(|(f, _)| f.contains("/steps/2/")),
        "step 2 files exist"
    );
    ws.apply(
        t,
        json!({"op": "pad_zeros", "column": "account", "length": 6}),
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
        !after.iter().any(|(f, _)| f.contains("/steps/2/")),
        "the discarded step's files are gone"
    );
    assert!(ws.redo(t).await.expect("redo").is_none());
}

/// Steps write their deltas and a manifest, and `bytesWritten` is exactly the growth they caused.
pub async fn bytes_written_are_the_files_written<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    let before: u64 = files(&h.store().await).await.iter().map(|f| f.1).sum();
    let step = ws
        .apply(t, json!({"op": "trim", "column": "name"}))
        .await
        .expect("trim");
    let now = files(&h.store().await).await;
    let step_files: u64 = now
        .iter()
        .filter(|(f, _)| f.contains("/steps/1/"))
        .map(|f| f.1)
        .sum();
    let manifest: u64 = now
        .iter()
        .filter(|(f, _)| f.starts_with("manifest-"))
        .map(|f| f.1)
        .sum();
    assert!(step_files > 0);
    assert_eq!(step.bytes_written, step_files + manifest);
    assert!(before > 0);
    let rename = ws
        .apply(
            t,
            json!({"op": "rename_column", "column": "name", "newName": "full_name"}),
        )
        .await
        .expect("rename");
    let manifest: u64 = files(&h.store().await)
        .await
        .iter()
        .filter(|(f, _)| f.starts_with("manifest-"))
        .map(|f| f.1)
        .sum();
    assert_eq!(
        rename.bytes_written, manifest,
        "a schema-only step writes only its manifest"
    );
}

/// Close and reopen with a new engine: same tables, rows, timelines and positions; undo still
/// works; stray files are removed.
pub async fn reopen_restores_everything<H: Harness>(h: &H) {
    let (expected, expected_list) = {
        let ws = open(h).await.with_chunk_row_count(2);
        let t = people::<H>(&ws).await;
        ws.apply(t, json!({"op": "trim", "column": "name"}))
            .await
            .expect("trim");
        ws.apply(t, json!({"op": "standardize_date", "column": "birth_date"}))
            .await
            .expect("dates");
        ws.apply(t, json!({"op": "remove_duplicates"}))
            .await
            .expect("dups");
        ws.apply(
            t,
            json!({"op": "rename_column", "column": "city", "newName": "town"}),
        )
        .await
        .expect("rename");
        ws.undo(t).await.expect("undo");
        let second = ws
            .import_csv(
                "second",
                b"a,b\n1,x\n2,y\n".to_vec(),
                &CsvOptions::default(),
            )
            .await
            .expect("second");
        ws.apply(second, json!({"op": "uppercase", "column": "b"}))
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
        .write("manifest-999999999999.json", b"0000\n{torn")
        .await
        .expect("torn manifest");
    let ws = open(h).await;
    assert_eq!(ws.tables().await.expect("tables"), expected_list);
    let t = ws.table_id("people").await.expect("people");
    let s = snapshot(&ws, t, 100).await;
    assert_eq!(s, expected);
    let listed = files(&h.store().await).await;
    assert!(
        !listed
            .iter()
            .any(|(f, _)| f.contains("steps/99") || f.contains("999999")),
        "garbage removed: {listed:?}"
    );
    ws.undo(t).await.expect("undo after reopen");
    let s = snapshot(&ws, t, 100).await;
    assert_eq!(s.info.position, 2);
    assert_eq!(s.info.row_count, 7);
    ws.redo(t).await.expect("redo after reopen");
    ws.redo(t).await.expect("redo the renamed step");
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
            .import_csv("long", csv.into_bytes(), &CsvOptions::default())
            .await
            .expect("import");
        for c in commands {
            ws.apply(t, c.clone()).await.expect("apply");
        }
        // The last step is undone: a preview applies only the steps before the position.
        ws.undo(t).await.expect("undo");
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
    ws.apply(t, json!({"op": "insert_row", "values": {"who": "top"}}))
        .await
        .expect("insert at the top");
    let expected = ws.rows(t, &options).await.expect("page");
    ws.close().await.expect("close");
    let ws = open(h).await;
    let page = ws.rows(t, &options).await.expect("page after reopen");
    assert_eq!(page, expected);
    assert_eq!(page.rows[0][1], json!("top"));
}

/// Diff counts, statuses, changed cells and keyset/position pages.
pub async fn diff_counts_and_pages<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}))
        .await
        .expect("trim");
    ws.apply(t, json!({"op": "remove_duplicates"}))
        .await
        .expect("dups");
    ws.apply(
        t,
        json!({"op": "insert_row", "after": 1, "values": {"name": "Neu"}}),
    )
    .await
    .expect("insert");
    ws.apply(
        t,
        json!({"op": "rename_column", "column": "city", "newName": "town"}),
    )
    .await
    .expect("rename");
    ws.apply(
        t,
        json!({"op": "pad_zeros", "column": "account", "length": 4}),
    )
    .await
    .expect("pad");
    let d = ws.diff(t, 0).await.expect("diff");
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
            .any(|c| c.kind == "renamed" && c.column == "town")
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
    let pad = ws.diff(t, 4).await.expect("diff of the last step");
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
    ws.goto(t, 1).await.expect("goto 1");
    assert_eq!(
        ws.diff_page(d, &DiffPageOptions::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound,
        "stale diff"
    );
    let forward = ws.diff(t, 2).await.expect("diff to a redoable state");
    let s = ws.diff_summary(forward).await.expect("summary");
    assert_eq!(
        (s.added, s.removed),
        (1, 0),
        "row 5 exists now and not in the later state"
    );
    let same = ws.diff(t, 1).await.expect("empty diff");
    let s = ws.diff_summary(same).await.expect("summary");
    assert_eq!((s.added, s.removed, s.modified, s.unchanged), (0, 0, 0, 7));
    ws.diff_close(same).await.expect("close");
    assert_eq!(
        ws.diff_summary(same).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// Bad input is rejected with API.md's code and changes nothing: table, timeline and files.
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

/// The main job on real data: flights.csv (336,776 rows, `NA` nulls).
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
    )
    .await
    .expect("rename");
    let dups = ws
        .apply(t, json!({"op": "remove_duplicates", "columns": ["carrier", "flight", "origin", "destination"]}))
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
        .apply(t, json!({"op": "edit_cell", "rowId": first.row_ids[0], "column": "carrier", "value": "ZZ"}))
        .await
        .expect("edit");
    assert_eq!(edit.rows_affected, 1);
    ws.undo(t).await.expect("undo");
    ws.redo(t).await.expect("redo");
    let d = ws.diff(t, 0).await.expect("diff");
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

/// `ws.stack` and `ws.join`: new tables from existing ones, with their own timelines.
pub async fn stack_and_join<H: Harness>(h: &H) {
    let ws = open(h).await;
    let csv = |text: &str| text.as_bytes().to_vec();
    let a = ws
        .import_csv("a", csv("id,name\n1,x\n2,y\n"), &CsvOptions::default())
        .await
        .expect("a");
    ws.apply(
        a,
        json!({"op": "insert_row", "after": null, "values": {"id": 0, "name": "top"}}),
    )
    .await
    .expect("insert");
    ws.import_csv("b", csv("city,id\nOslo,3\n"), &CsvOptions::default())
        .await
        .expect("b");
    let stacked = ws
        .stack("ab", &["a".into(), "b".into()])
        .await
        .expect("stack");
    let s = snapshot(&ws, stacked, 100).await;
    let names: Vec<&str> = s.info.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "city"]);
    let rows: Vec<Vec<Value>> = s.rows.into_iter().map(|r| r.1).collect();
    assert_eq!(
        rows,
        [
            vec![json!(0), json!("top"), Value::Null],
            vec![json!(1), json!("x"), Value::Null],
            vec![json!(2), json!("y"), Value::Null],
            vec![json!(3), Value::Null, json!("Oslo")],
        ]
    );
    ws.import_csv("l", csv("k,v\n1,a\n2,b\n3,c\n"), &CsvOptions::default())
        .await
        .expect("l");
    ws.import_csv(
        "r",
        csv("k,V,w\n3,y,q\n1,x,p\n4,z,r\n"),
        &CsvOptions::default(),
    )
    .await
    .expect("r");
    let join = |name: &'static str, how| {
        let ws = &ws;
        async move { ws.join(name, "l", "r", &["k".into()], how).await }
    };
    let inner = join("inner", crate::JoinKind::Inner).await.expect("inner");
    let s = snapshot(&ws, inner, 100).await;
    assert_eq!(
        s.info
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["k", "v", "V_right", "w"]
    );
    let rows: Vec<Vec<Value>> = s.rows.into_iter().map(|r| r.1).collect();
    assert_eq!(
        rows,
        [
            vec![json!(1), json!("a"), json!("x"), json!("p")],
            vec![json!(3), json!("c"), json!("y"), json!("q")]
        ]
    );
    let left = join("left", crate::JoinKind::Left).await.expect("left");
    assert_eq!(ws.table_info(left).await.expect("info").row_count, 3);
    let full = join("full", crate::JoinKind::Full).await.expect("full");
    let s = snapshot(&ws, full, 100).await;
    assert_eq!(s.rows.len(), 4);
    assert_eq!(
        s.rows[3].1[0],
        json!(4),
        "the unmatched right row comes last, its key kept"
    );
    ws.apply(full, json!({"op": "uppercase", "column": "v"}))
        .await
        .expect("a step on the new table");
    assert_eq!(ws.undo(full).await.expect("undo").map(|s| s.index), Some(1));
    let e = ws
        .join("l", "l", "r", &["k".into()], crate::JoinKind::Inner)
        .await
        .expect_err("name taken");
    assert_eq!(e.code(), ErrorCode::TableExists);
    let e = ws
        .join("j", "l", "r", &["nope".into()], crate::JoinKind::Inner)
        .await
        .expect_err("bad key");
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = ws
        .stack("s", &["a".into(), "ghost".into()])
        .await
        .expect_err("bad table");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(
        crate::JoinKind::parse("cross").unwrap_err().code(),
        ErrorCode::InvalidCommand
    );
    assert!(
        !ws.tables()
            .await
            .expect("tables")
            .iter()
            .any(|t| t.name == "j" || t.name == "s")
    );
}

/// `ws.compare`: two tables matched by key columns (nycflights13 `airlines.csv` and an edited copy).
pub async fn compare_tables<H: Harness>(h: &H) {
    let ws = open(h).await;
    let bytes = h.data("airlines.csv").await;
    let options = CsvOptions {
        null_strings: Some(vec!["NA".into()]),
        ..CsvOptions::default()
    };
    ws.import_csv("airlines", bytes.clone(), &options)
        .await
        .expect("airlines");
    let copy = ws
        .import_csv("airlines2", bytes, &options)
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
    )
    .await
    .expect("edit");
    ws.apply(copy, json!({"op": "delete_rows", "rowIds": [deleted]}))
        .await
        .expect("delete");
    ws.apply(
        copy,
        json!({"op": "insert_row", "after": null, "values": {"carrier": "ZZ", "name": "New Air"}}),
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
    ws.apply(copy, json!({"op": "uppercase", "column": "name"}))
        .await
        .expect("change a side");
    assert_eq!(
        ws.diff_summary(d).await.unwrap_err().code(),
        ErrorCode::NotFound,
        "stale once a side changes"
    );
}

/// A small table for export: a value with a comma, quotes and a newline, NULLs (`NA`), a date and
/// doubles.
pub const EXPORT_CSV: &str = "id,name,note,day,amount\n\
1,\"  Ann  \",\"says \"\"hi\"\", then\nleaves\",2024-02-29,1.5\n\
2,Bob,NA,2024-01-01,NA\n\
3,Cy,plain,NA,3\n";

/// Near-duplicate spellings for clustering.
pub const CLUSTER_CSV: &str = "name,city\n\
Éric Durand,Paris\n\
eric durand,paris\n\
\" DURAND, Éric\",PARIS\n\
Éric Durand,Lyon\n\
Ann Lee,Lyon\n\
NA,Pa ris\n";

async fn import_fixture<H: Harness>(ws: &Ws<H>, name: &str, csv: &str) -> u32 {
    ws.import_csv(
        name,
        csv.as_bytes().to_vec(),
        &CsvOptions {
            null_strings: Some(vec!["NA".into()]),
            ..CsvOptions::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("import {name}: {e}"))
}

/// `export`: exact CSV bytes after steps (display names and order, quoting, NULL as empty, the
/// empty string quoted, ISO dates), Parquet read back equal to the rows, in chunks.
pub async fn export_csv_and_parquet<H: Harness>(h: &H) {
    use crate::export::ExportFormat;
    let ws = open(h).await.with_chunk_row_count(2);
    let t = import_fixture::<H>(&ws, "export", EXPORT_CSV).await;
    for command in [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "rename_column", "column": "note", "newName": "comment"}),
        json!({"op": "insert_row", "after": 1, "values": {"id": 9, "comment": "x"}}),
        json!({"op": "edit_cell", "rowId": 3, "column": "name", "value": ""}),
    ] {
        ws.apply(t, command).await.expect("step");
    }
    let csv = ws.export(t, ExportFormat::Csv).await.expect("export csv");
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "id,name,comment,day,amount\n\
         1,Ann,\"says \"\"hi\"\", then\nleaves\",2024-02-29,1.5\n\
         9,,x,,\n\
         2,Bob,,2024-01-01,\n\
         3,\"\",plain,,3.0\n"
    );
    let s = snapshot(&ws, t, 100).await;
    let parquet = ws
        .export(t, ExportFormat::Parquet)
        .await
        .expect("export parquet");
    let row_groups =
        parquet::file::reader::SerializedFileReader::new(bytes::Bytes::from(parquet.clone()))
            .map(|r| parquet::file::reader::FileReader::metadata(&r).num_row_groups())
            .unwrap();
    assert_eq!(row_groups, 2, "one row group per chunk of 2 rows");
    let batches = crate::parquet_io::decode("export.parquet", parquet, None).expect("decode");
    let names: Vec<String> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["id", "name", "comment", "day", "amount"]);
    let rows = crate::values::rows(&batches).unwrap();
    assert_eq!(
        rows,
        s.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()
    );
    ws.apply(t, json!({"op": "delete_rows", "rowIds": [1, 2, 3, 4]}))
        .await
        .expect("delete all");
    assert_eq!(
        ws.export(t, ExportFormat::Csv).await.unwrap(),
        b"id,name,comment,day,amount\n"
    );
    let empty = ws.export(t, ExportFormat::Parquet).await.unwrap();
    let batches = crate::parquet_io::decode("empty.parquet", empty, None).expect("decode empty");
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    assert_eq!(batches[0].num_columns(), 5);
    assert_eq!(
        ws.export(99, ExportFormat::Csv).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// `recipe` / `applyRecipe`: a recipe replays on a fresh import to identical rows; bad recipes
/// apply nothing and name the step; a run-time failure goes back to the starting position.
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
        ws.apply(a, command).await.expect("step");
    }
    ws.undo(a).await.expect("undo");
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
        .apply_recipe(b, json.clone())
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
        let e = ws.apply_recipe(c, recipe.clone()).await.unwrap_err();
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
        ws.apply_recipe(99, json!({"version": 1, "steps": []}))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

/// `clusters`: fingerprint and n-gram key collision with counts; read-only.
pub async fn clusters_fingerprint_and_ngram<H: Harness>(h: &H) {
    use crate::clusters::{ClusterMethod, ClusterOptions};
    let ws = open(h).await.with_chunk_row_count(2);
    let t = import_fixture::<H>(&ws, "clusters", CLUSTER_CSV).await;
    let before = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let options = |column: &str, method, ngram_size| ClusterOptions {
        column: column.into(),
        method,
        ngram_size,
        ..ClusterOptions::default()
    };
    let got = ws
        .clusters(t, &options("name", ClusterMethod::Fingerprint, None))
        .await
        .expect("fingerprint");
    let got = serde_json::to_value(&got).unwrap();
    assert_eq!(
        got,
        json!([{"key": "durand eric", "values": [
            {"value": "Éric Durand", "count": 2},
            {"value": " DURAND, Éric", "count": 1},
            {"value": "eric durand", "count": 1}
        ]}])
    );
    let city = ws
        .clusters(t, &options("city", ClusterMethod::Fingerprint, None))
        .await
        .expect("fingerprint city");
    assert_eq!(city.len(), 1);
    assert_eq!(city[0].key, "paris");
    assert_eq!(
        city[0]
            .values
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        ["PARIS", "Paris", "paris"],
        "\"Pa ris\" has other tokens"
    );
    let ngram = ws
        .clusters(t, &options("city", ClusterMethod::Ngram, None))
        .await
        .expect("ngram");
    let ngram = serde_json::to_value(&ngram).unwrap();
    assert_eq!(
        ngram,
        json!([{"key": "arispari", "values": [
            {"value": "PARIS", "count": 1},
            {"value": "Pa ris", "count": 1},
            {"value": "Paris", "count": 1},
            {"value": "paris", "count": 1}
        ]}])
    );
    let wide = ws
        .clusters(t, &options("city", ClusterMethod::Ngram, Some(5)))
        .await
        .expect("ngram 5");
    assert_eq!(wide.len(), 1);
    assert_eq!(wide[0].key, "paris");
    assert_eq!(
        ws.clusters(t, &options("nope", ClusterMethod::Fingerprint, None))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        ws.clusters(t, &options("city", ClusterMethod::Ngram, Some(0)))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidCommand
    );
    assert_eq!(snapshot(&ws, t, 100).await, before, "read-only");
    assert_eq!(files(&h.store().await).await, stored);
}

/// A [`Store`] that fails its N-th mutating call (write or delete) with [`crate::Error::Storage`],
/// as a crash or a full disk would: fault injection for the reliability scenario.
pub struct FaultyStore<S: Store> {
    inner: S,
    mutations: Rc<Cell<u32>>,
    fail_at: Option<u32>,
}

impl<S: Store> FaultyStore<S> {
    /// Wraps `inner`; `fail_at` = the 1-based mutating call to fail (`None`: never).
    pub fn new(inner: S, fail_at: Option<u32>) -> Self {
        Self {
            inner,
            mutations: Rc::new(Cell::new(0)),
            fail_at,
        }
    }

    /// A counter of mutating calls shared with the store (read it after the run).
    #[must_use]
    pub fn counter(&self) -> Rc<Cell<u32>> {
        Rc::clone(&self.mutations)
    }

    fn mutate(&self) -> crate::Result<()> {
        let n = self.mutations.get() + 1;
        self.mutations.set(n);
        if self.fail_at == Some(n) {
            return Err(crate::Error::Storage(format!(
                "injected failure of mutating call {n}"
            )));
        }
        Ok(())
    }
}

impl<S: Store> Store for FaultyStore<S> {
    async fn list(&self) -> crate::Result<Vec<String>> {
        self.inner.list().await
    }
    async fn read(&self, path: &str) -> crate::Result<Vec<u8>> {
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: &[u8]) -> crate::Result<()> {
        self.mutate()?;
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> crate::Result<()> {
        self.mutate()?;
        self.inner.delete(path).await
    }
    async fn size(&self, path: &str) -> crate::Result<u64> {
        self.inner.size(path).await
    }
}

/// The operations of the fault-injection scenario; returns the snapshot after each one that
/// succeeded (errors are expected when a write fails).
async fn fault_run<E: Engine, S: Store>(ws: &Workspace<E, S>) -> Option<Snapshot> {
    let mut last = None;
    let Ok(t) = ws
        .import_csv(
            "people",
            PEOPLE_CSV.as_bytes().to_vec(),
            &CsvOptions::default(),
        )
        .await
    else {
        return last;
    };
    last = Some(snapshot(ws, t, 100).await);
    let ops: [Value; 4] = [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "remove_duplicates"}),
        json!({"op": "undo"}),
        json!({"op": "pad_zeros", "column": "account", "length": 8}),
    ];
    for op in ops {
        let result = if op["op"] == "undo" {
            ws.undo(t).await.map(|_| ())
        } else {
            ws.apply(t, op.clone()).await.map(|_| ())
        };
        let now = snapshot(ws, t, 100).await;
        if result.is_err() {
            assert_eq!(Some(&now), last.as_ref(), "a failed {op} changed the table");
        }
        last = Some(now);
    }
    last
}

/// Fault injection: for every N, fail the N-th store write or delete of a scenario. Reopening
/// must give exactly the last committed state, and garbage collection leaves one manifest and no
/// stray files.
pub async fn faults_leave_the_last_committed_state<H: Harness>(h: &H) {
    let clean = FaultyStore::new(h.store().await, None);
    let counter = clean.counter();
    let ws = Workspace::open("scenario", h.engine().await, clean)
        .await
        .expect("open");
    fault_run(&ws).await.expect("a clean run succeeds");
    ws.close().await.expect("close");
    let mutations = counter.get();
    assert!(mutations > 8, "the run writes files ({mutations})");
    for n in 1..=mutations {
        let store = h.store().await;
        for (f, _) in files(&store).await {
            store.delete(&f).await.expect("reset");
        }
        let faulty = FaultyStore::new(h.store().await, Some(n));
        let ws = Workspace::open("scenario", h.engine().await, faulty)
            .await
            .expect("open");
        let last = fault_run(&ws).await;
        ws.close().await.expect("close");
        let reopened = Workspace::open("scenario", h.engine().await, h.store().await)
            .await
            .expect("reopen");
        let tables = reopened.tables().await.expect("tables");
        match &last {
            None => assert!(tables.is_empty(), "failure {n}: nothing was committed"),
            Some(expected) => {
                let t = reopened.table_id("people").await.expect("people");
                assert_eq!(&snapshot(&reopened, t, 100).await, expected, "failure {n}");
            }
        }
        reopened.close().await.expect("close");
        let listed = files(&h.store().await).await;
        let manifests = listed
            .iter()
            .filter(|(f, _)| f.starts_with("manifest-"))
            .count();
        assert!(manifests <= 1, "failure {n}: {listed:?}");
        assert!(
            !listed.iter().any(|(f, _)| f.contains(".tmp")),
            "failure {n}: {listed:?}"
        );
    }
}

/// Declares one test per scenario.
///
/// - `scenario_tests!(native: make)`: `#[test]`s run with `futures::executor::block_on`; `make` is
///   `fn(&str) -> impl Harness` (given the scenario name).
/// - `scenario_tests!(browser: make)`: `#[wasm_bindgen_test]`s; `make` is
///   `async fn(&str) -> impl Harness`.
#[macro_export]
macro_rules! scenario_tests {
    (native: $harness:expr) => {
        $crate::scenario_tests!(@native $harness; import_and_pages commands_undo_redo stepless_commands redo_branch_discard bytes_written_are_the_files_written reopen_restores_everything reopen_first_page_preview diff_counts_and_pages bad_input_changes_nothing flights_main_job faults_leave_the_last_committed_state stack_and_join compare_tables export_csv_and_parquet recipe_round_trip_and_bad_recipes clusters_fingerprint_and_ngram odd_names_and_long_values time_zone_timestamps clusters_every_method);
    };
    (@native $harness:expr; $($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                let harness = ($harness)(stringify!($name));
                futures::executor::block_on($crate::scenarios::$name(&harness));
            }
        )*
    };
    (browser: $harness:expr) => {
        $crate::scenario_tests!(@browser $harness; import_and_pages commands_undo_redo stepless_commands redo_branch_discard bytes_written_are_the_files_written reopen_restores_everything reopen_first_page_preview diff_counts_and_pages bad_input_changes_nothing flights_main_job faults_leave_the_last_committed_state stack_and_join compare_tables export_csv_and_parquet recipe_round_trip_and_bad_recipes clusters_fingerprint_and_ngram odd_names_and_long_values time_zone_timestamps clusters_every_method);
    };
    (@browser $harness:expr; $($name:ident)*) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn $name() {
                let harness = ($harness)(stringify!($name)).await;
                $crate::scenarios::$name(&harness).await;
            }
        )*
    };
}

// ---- Issue 12: clustering methods -------------------------------------------------------------

/// Spellings for every clustering method: OpenRefine's folds (Æ, Ø, ß, ©, ligatures), symbols that
/// stay, phonetic twins, one-edit neighbours.
pub const CLUSTER_METHODS_CSV: &str = "name\n\
ÆØ Hansen\naeoe hansen\n\"Hansen, Æø\"\n©ß\ncss\nﬁsh\nfish\nfish\nFish\n$5 + 1\n5 + 1\n\
Müller\nMueller\nSmith\nSmyth\nNA\n";

/// `clusters` by every method through DuckDB: OpenRefine-exact fingerprint keys and order, n-gram,
/// Double Metaphone, Kölner Phonetik, kNN with radius and blocking, option errors, the limit.
pub async fn clusters_every_method<H: Harness>(h: &H) {
    use crate::clusters::{ClusterMethod, ClusterOptions};
    let ws = open(h).await;
    let t = import_fixture::<H>(&ws, "methods", CLUSTER_METHODS_CSV).await;
    let before = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let run = |options: Value| {
        let ws = &ws;
        async move {
            let options: ClusterOptions = serde_json::from_value(options).expect("options");
            ws.clusters(t, &options).await
        }
    };
    // Value sets of the clusters, each sorted, for the methods whose keys are codes.
    let groups = |clusters: &[crate::clusters::Cluster]| {
        let mut groups: Vec<Vec<String>> = clusters
            .iter()
            .map(|c| {
                let mut v: Vec<String> = c.values.iter().map(|v| v.value.clone()).collect();
                v.sort();
                v
            })
            .collect();
        groups.sort();
        groups
    };
    let fingerprint = run(json!({ "column": "name" })).await.expect("fingerprint");
    assert_eq!(
        serde_json::to_value(&fingerprint).unwrap(),
        json!([
            {"key": "fish", "values": [
                {"value": "fish", "count": 2}, {"value": "Fish", "count": 1},
                {"value": "ﬁsh", "count": 1}]},
            {"key": "aeoe hansen", "values": [
                {"value": "Hansen, Æø", "count": 1}, {"value": "aeoe hansen", "count": 1},
                {"value": "ÆØ Hansen", "count": 1}]},
            {"key": "css", "values": [{"value": "css", "count": 1}, {"value": "©ß", "count": 1}]}
        ]),
        "\"$5 + 1\" keeps its symbols: not \"5 + 1\""
    );
    let ngram = run(json!({ "column": "name", "method": "ngram" }))
        .await
        .expect("ngram");
    assert_eq!(
        groups(&ngram),
        [
            vec!["Fish", "fish", "ﬁsh"],
            vec!["aeoe hansen", "ÆØ Hansen"],
            vec!["css", "©ß"]
        ]
    );
    assert_eq!(ngram[0].key, "fiissh");
    let phonetic_groups = [
        vec!["$5 + 1", "5 + 1"],
        vec!["Fish", "fish", "ﬁsh"],
        vec!["Hansen, Æø", "aeoe hansen", "ÆØ Hansen"],
        vec!["Mueller", "Müller"],
        vec!["Smith", "Smyth"],
        vec!["css", "©ß"],
    ];
    for method in ["metaphone", "cologne"] {
        let got = run(json!({ "column": "name", "method": method }))
            .await
            .expect(method);
        assert_eq!(groups(&got), phonetic_groups, "{method}");
    }
    let smith = run(json!({ "column": "name", "method": "metaphone" }))
        .await
        .expect("metaphone");
    assert!(smith.iter().any(|c| c.key == "SM0" && c.values.len() == 2));
    let cologne = run(json!({ "column": "name", "method": "cologne" }))
        .await
        .expect("cologne");
    assert!(
        cologne
            .iter()
            .any(|c| c.key == "657" && c.values.len() == 2)
    );
    // kNN: defaults (radius 1, blocking 6) find nothing here, every value shorter than 6 or far off.
    let knn = run(json!({ "column": "name", "method": "knn" }))
        .await
        .expect("knn");
    assert!(knn.is_empty(), "{knn:?}");
    let knn = run(
        json!({ "column": "name", "method": "knn", "distance": "levenshtein",
        "radius": 1, "blockingNgramSize": 2 }),
    )
    .await
    .expect("knn blocking 2");
    assert_eq!(
        serde_json::to_value(&knn).unwrap(),
        json!([
            {"key": "Fish", "values": [{"value": "fish", "count": 2}, {"value": "Fish", "count": 1}]},
            {"key": "$5 + 1", "values": [{"value": "$5 + 1", "count": 1}, {"value": "5 + 1", "count": 1}]},
            {"key": "Smith", "values": [{"value": "Smith", "count": 1}, {"value": "Smyth", "count": 1}]}
        ])
    );
    let wide =
        run(json!({ "column": "name", "method": "knn", "radius": 2, "blockingNgramSize": 2 }))
            .await
            .expect("knn radius 2");
    assert!(
        wide.iter()
            .any(|c| groups(std::slice::from_ref(c)) == [vec!["Mueller", "Müller"]])
    );
    for bad in [
        json!({ "column": "name", "radius": 1 }),
        json!({ "column": "name", "method": "ngram", "blockingNgramSize": 2 }),
        json!({ "column": "name", "method": "knn", "ngramSize": 2 }),
        json!({ "column": "name", "method": "knn", "radius": -1 }),
        json!({ "column": "name", "method": "knn", "blockingNgramSize": 0 }),
    ] {
        assert_eq!(
            run(bad.clone()).await.unwrap_err().code(),
            ErrorCode::InvalidCommand,
            "{bad}"
        );
    }
    assert_eq!(snapshot(&ws, t, 100).await, before, "read-only");
    assert_eq!(files(&h.store().await).await, stored);

    // One distinct value over kNN's limit: refused before any keying, naming the limit.
    let limit = ClusterMethod::Knn.max_distinct_values();
    let mut many = String::from("v\n");
    for i in 0..=limit {
        writeln!(many, "v{i}").unwrap();
    }
    let big = import_fixture::<H>(&ws, "many", &many).await;
    let options = ClusterOptions {
        column: "v".into(),
        method: ClusterMethod::Knn,
        ..ClusterOptions::default()
    };
    let err = ws.clusters(big, &options).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCommand);
    let message = err.to_string();
    assert!(
        message.contains(&limit.to_string()) && message.contains("narrow"),
        "{message}"
    );
    let fingerprint = ClusterOptions {
        column: "v".into(),
        ..ClusterOptions::default()
    };
    assert!(
        ws.clusters(big, &fingerprint)
            .await
            .expect("under its limit")
            .is_empty()
    );
}
