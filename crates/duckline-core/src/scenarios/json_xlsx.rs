//! JSON and XLSX imports (issue 11), on files written here: a JSON array, NDJSON, nested JSON and
//! a workbook written by `rust_xlsxwriter` with several sheets, typed cells and a merged header.

use super::*;
use crate::export::{ExportFormat, ExportOptions};
use crate::model::XlsxOptions;

/// A file, how to import it, and what must come out.
struct SourceCase {
    name: &'static str,
    source: Source,
    /// `(name, DuckDB type)` of each column.
    columns: &'static [(&'static str, &'static str)],
    rows: Vec<Vec<Value>>,
}

enum Source {
    Json(Vec<u8>),
    Xlsx(Vec<u8>, XlsxOptions),
}

impl Source {
    async fn import<H: Harness>(&self, ws: &Ws<H>, name: &str) -> crate::Result<u32> {
        match self {
            Source::Json(bytes) => ws.import_json(name, bytes.clone(), &Call::none()).await,
            Source::Xlsx(bytes, options) => {
                ws.import_xlsx(name, bytes.clone(), options, &Call::none())
                    .await
            }
        }
    }
}

const PEOPLE_COLUMNS: &[(&str, &str)] = &[
    ("id", "BIGINT"),
    ("name", "VARCHAR"),
    ("score", "DOUBLE"),
    ("active", "BOOLEAN"),
];

fn people_rows() -> Vec<Vec<Value>> {
    vec![
        vec![json!(1), json!("Müller"), json!(1.5), json!(true)],
        vec![json!(2), Value::Null, json!(-2.25), json!(false)],
        vec![json!(3), json!("Zoë “€”"), Value::Null, Value::Null],
    ]
}

/// A workbook of three sheets: "Notes" (text only), "Data" (typed cells under a header whose
/// `Period` cell is merged over two columns, and a blank row) and "Empty".
fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "note").unwrap();
    notes.write_string(1, 0, "exported by the test").unwrap();
    let data = book.add_worksheet();
    data.set_name("Data").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (col, h) in ["id", "name", "amount", "ok", "Period"].iter().enumerate() {
        data.write_string(0, u16::try_from(col).unwrap(), *h)
            .unwrap();
    }
    data.merge_range(0, 4, 0, 5, "Period", &Format::new())
        .unwrap();
    data.write_string(0, 6, "mixed").unwrap();
    let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap();
    data.write_number(1, 0, 1).unwrap();
    data.write_string(1, 1, "Ann").unwrap();
    data.write_number(1, 2, 1.5).unwrap();
    data.write_boolean(1, 3, true).unwrap();
    data.write_datetime_with_format(1, 4, day(2024, 2, 29), &date)
        .unwrap();
    data.write_datetime_with_format(1, 5, day(2024, 3, 1).and_hms(12, 30, 0).unwrap(), &datetime)
        .unwrap();
    data.write_number(1, 6, 7).unwrap();
    // Row 3 is blank: skipped.
    data.write_number(3, 0, 2).unwrap();
    data.write_string(3, 1, "Bo").unwrap();
    data.write_number(3, 2, -2).unwrap();
    data.write_boolean(3, 3, false).unwrap();
    data.write_datetime_with_format(3, 4, day(1999, 12, 31), &date)
        .unwrap();
    data.write_string(3, 6, "text").unwrap();
    book.add_worksheet().set_name("Empty").unwrap();
    book.save_to_buffer().unwrap()
}

fn cases() -> Vec<SourceCase> {
    let array = r#"[
        {"id": 1, "name": "Müller", "score": 1.5, "active": true},
        {"id": 2, "name": null, "score": -2.25, "active": false},
        {"id": 3, "name": "Zoë “€”"}
    ]"#;
    let ndjson = "{\"id\": 1, \"name\": \"Müller\", \"score\": 1.5, \"active\": true}\n\
                  {\"id\": 2, \"score\": -2.25, \"active\": false}\n\
                  \n\
                  {\"id\": 3, \"name\": \"Zoë “€”\", \"score\": null}\n";
    let nested = r#"[
        {"id": 1, "user": {"name": "Ann", "address": {"city": "Köln"}}, "tags": ["a", "b"]},
        {"id": 2, "user": {"name": "Bo"}, "tags": []},
        {"id": 3, "tags": [1, {"x": null}], "extra": 2.5}
    ]"#;
    vec![
        SourceCase {
            name: "json_array",
            source: Source::Json(array.as_bytes().to_vec()),
            columns: PEOPLE_COLUMNS,
            rows: people_rows(),
        },
        SourceCase {
            name: "ndjson",
            source: Source::Json([b"\xef\xbb\xbf".as_slice(), ndjson.as_bytes()].concat()),
            columns: PEOPLE_COLUMNS,
            rows: people_rows(),
        },
        SourceCase {
            name: "json_nested",
            source: Source::Json(nested.as_bytes().to_vec()),
            columns: &[
                ("id", "BIGINT"),
                ("user.name", "VARCHAR"),
                ("user.address.city", "VARCHAR"),
                ("tags", "VARCHAR"),
                ("extra", "DOUBLE"),
            ],
            rows: vec![
                vec![
                    json!(1),
                    json!("Ann"),
                    json!("Köln"),
                    json!("[\"a\",\"b\"]"),
                    Value::Null,
                ],
                vec![json!(2), json!("Bo"), Value::Null, json!("[]"), Value::Null],
                vec![
                    json!(3),
                    Value::Null,
                    Value::Null,
                    json!("[1,{\"x\":null}]"),
                    json!(2.5),
                ],
            ],
        },
        SourceCase {
            name: "xlsx_data_sheet",
            source: Source::Xlsx(
                workbook(),
                XlsxOptions {
                    sheet: Some("Data".into()),
                },
            ),
            columns: &[
                ("id", "BIGINT"),
                ("name", "VARCHAR"),
                ("amount", "DOUBLE"),
                ("ok", "BOOLEAN"),
                ("Period", "DATE"),
                ("Period_1", "TIMESTAMP"),
                ("mixed", "VARCHAR"),
            ],
            rows: vec![
                vec![
                    json!(1),
                    json!("Ann"),
                    json!(1.5),
                    json!(true),
                    json!("2024-02-29"),
                    json!("2024-03-01T12:30:00"),
                    json!("7"),
                ],
                vec![
                    json!(2),
                    json!("Bo"),
                    json!(-2.0),
                    json!(false),
                    json!("1999-12-31"),
                    Value::Null,
                    json!("text"),
                ],
            ],
        },
        SourceCase {
            name: "xlsx_first_sheet",
            source: Source::Xlsx(workbook(), XlsxOptions::default()),
            columns: &[("note", "VARCHAR")],
            rows: vec![vec![json!("exported by the test")]],
        },
    ]
}

/// Each file: columns, types and values exact; a step undoes and redoes; a reopen (which reloads
/// the original chunks) restores both positions; an XLSX export imports back to the same values.
/// Bad files and a missing sheet are typed errors that create nothing.
pub async fn json_and_xlsx_imports<H: Harness>(h: &H) {
    let cases = cases();
    let mut expected = Vec::new();
    {
        let ws = open(h).await;
        for case in &cases {
            let what = case.name;
            let t = case
                .source
                .import::<H>(&ws, what)
                .await
                .unwrap_or_else(|e| panic!("import {what}: {e}"));
            let s = snapshot(&ws, t, 2).await;
            let columns: Vec<(&str, &str)> = s
                .info
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.data_type.as_str()))
                .collect();
            assert_eq!(columns, case.columns, "{what}: columns");
            let rows: Vec<Vec<Value>> = s.rows.iter().map(|(_, r)| r.clone()).collect();
            assert_eq!(rows, case.rows, "{what}: rows");
            assert_eq!(s.info.csv, None, "{what}: no CSV dialect");
            ws.apply(
                t,
                json!({"op": "delete_rows", "rowIds": [1]}),
                &Call::none(),
            )
            .await
            .expect("step");
            let after = snapshot(&ws, t, 2).await;
            ws.undo(t, &Call::none()).await.expect("undo");
            assert_eq!(snapshot(&ws, t, 2).await.rows, s.rows, "{what}: undo");
            ws.redo(t, &Call::none()).await.expect("redo");
            assert_eq!(snapshot(&ws, t, 2).await, after, "{what}: redo");
            xlsx_round_trip::<H>(&ws, t, what).await;
            expected.push((s, after));
        }
        bad_files_create_nothing::<H>(&ws).await;
        ws.close().await.expect("close");
    }
    let ws = open(h).await;
    for (case, (before, after)) in cases.iter().zip(&expected) {
        let what = case.name;
        let t = ws.table_id(what).await.expect("table");
        assert_eq!(&snapshot(&ws, t, 2).await, after, "{what}: reopened");
        ws.undo(t, &Call::none()).await.expect("undo");
        assert_eq!(
            snapshot(&ws, t, 2).await.rows,
            before.rows,
            "{what}: reopened, undone"
        );
    }
    ws.close().await.expect("close");
}

/// Bad files and a missing sheet are typed errors (`InvalidInput`; `InvalidCommand` naming the
/// sheets) and create nothing.
async fn bad_files_create_nothing<H: Harness>(ws: &Ws<H>) {
    let tables = ws.tables().await.expect("tables").len();
    let workbook = workbook();
    for (what, result) in [
        (
            "missing sheet",
            ws.import_xlsx(
                "x",
                workbook.clone(),
                &XlsxOptions {
                    sheet: Some("Nope".into()),
                },
                &Call::none(),
            )
            .await,
        ),
        (
            "empty sheet",
            ws.import_xlsx(
                "x",
                workbook,
                &XlsxOptions {
                    sheet: Some("Empty".into()),
                },
                &Call::none(),
            )
            .await,
        ),
        (
            "CSV as XLSX",
            ws.import_xlsx(
                "x",
                b"a,b\n1,2\n".to_vec(),
                &XlsxOptions::default(),
                &Call::none(),
            )
            .await,
        ),
        (
            "JSON of numbers",
            ws.import_json("x", b"[1, 2]".to_vec(), &Call::none()).await,
        ),
        (
            "torn NDJSON",
            ws.import_json("x", b"{\"a\": 1}\n{\"a\":".to_vec(), &Call::none())
                .await,
        ),
    ] {
        let err = result.expect_err(what);
        let code = if what == "missing sheet" {
            ErrorCode::InvalidCommand
        } else {
            ErrorCode::InvalidInput
        };
        assert_eq!(err.code(), code, "{what}: {err}");
        if what == "missing sheet" {
            assert!(err.to_string().contains("\"Data\""), "{what}: {err}");
        }
    }
    assert_eq!(
        ws.tables().await.expect("tables").len(),
        tables,
        "a failed import creates nothing"
    );
}

/// Exports `t` as XLSX, imports the workbook back and checks the values are those of `t` (types
/// may narrow: a DOUBLE column of whole numbers reads back as BIGINT, since Excel has one number
/// type, so values are compared as numbers).
async fn xlsx_round_trip<H: Harness>(ws: &Ws<H>, t: u32, what: &str) {
    let bytes = ws
        .export(
            t,
            ExportFormat::Xlsx,
            &ExportOptions::default(),
            &Call::none(),
        )
        .await
        .unwrap_or_else(|e| panic!("{what}: export xlsx: {e}"));
    let back = ws
        .import_xlsx(
            &format!("{what}_xlsx"),
            bytes,
            &XlsxOptions::default(),
            &Call::none(),
        )
        .await
        .unwrap_or_else(|e| panic!("{what}: import of the xlsx export: {e}"));
    let b = snapshot(ws, back, 2).await;
    let now = snapshot(ws, t, 2).await;
    let names = |s: &Snapshot| {
        s.info
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&b), names(&now), "{what}: exported column names");
    let number = |v: &Value| v.as_f64().map_or_else(|| v.clone(), |f| json!(f));
    let values = |s: &Snapshot| {
        s.rows
            .iter()
            .map(|(_, r)| r.iter().map(number).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&b), values(&now), "{what}: exported values");
    ws.drop_table(&format!("{what}_xlsx")).await.expect("drop");
}
