//! Real files (issue 11): CSV in every encoding and with the header and number quirks that
//! spreadsheet exports carry, each file written here byte by byte.

use super::*;
use crate::export::{ExportFormat, ExportOptions};
use crate::model::{CsvDialect, CsvPreview, DecimalSeparator};

/// One file of the table: its bytes, the options given, and what must come out.
struct FileCase {
    name: &'static str,
    bytes: Vec<u8>,
    options: CsvOptions,
    /// The resolved options ([`TableInfo::csv`], [`CsvPreview::options`]).
    dialect: CsvDialect,
    /// `(name, DuckDB type)` of each column.
    columns: &'static [(&'static str, &'static str)],
    rows: Vec<Vec<Value>>,
}

fn dialect(encoding: &str, delimiter: &str, skip_rows: u64, comma: bool) -> CsvDialect {
    CsvDialect {
        delimiter: delimiter.into(),
        header: true,
        encoding: encoding.into(),
        skip_rows,
        decimal_separator: if comma {
            DecimalSeparator::Comma
        } else {
            DecimalSeparator::Dot
        },
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let units = text.encode_utf16();
    if big_endian {
        [0xfe, 0xff]
            .into_iter()
            .chain(units.flat_map(u16::to_be_bytes))
            .collect()
    } else {
        [0xff, 0xfe]
            .into_iter()
            .chain(units.flat_map(u16::to_le_bytes))
            .collect()
    }
}

/// Names, cities and amounts with non-ASCII letters, `€` and curly quotes.
const WORLD: &str = "name,city,amount\nMüller,Köln,1.5\nZoë,“€ town”,-2\né,,3.25\n";

fn world_rows() -> Vec<Vec<Value>> {
    vec![
        vec![json!("Müller"), json!("Köln"), json!(1.5)],
        vec![json!("Zoë"), json!("“€ town”"), json!(-2.0)],
        vec![json!("é"), Value::Null, json!(3.25)],
    ]
}

const WORLD_COLUMNS: &[(&str, &str)] = &[
    ("name", "VARCHAR"),
    ("city", "VARCHAR"),
    ("amount", "DOUBLE"),
];

#[expect(
    clippy::too_many_lines,
    reason = "the table of files: one entry per file, read top to bottom"
)]
fn cases() -> Vec<FileCase> {
    let none = CsvOptions::default;
    vec![
        FileCase {
            name: "utf8",
            bytes: WORLD.as_bytes().to_vec(),
            options: none(),
            dialect: dialect("utf-8", ",", 0, false),
            columns: WORLD_COLUMNS,
            rows: world_rows(),
        },
        FileCase {
            name: "utf8_bom",
            bytes: [b"\xef\xbb\xbf".as_slice(), WORLD.as_bytes()].concat(),
            options: none(),
            dialect: dialect("utf-8", ",", 0, false),
            columns: WORLD_COLUMNS,
            rows: world_rows(),
        },
        FileCase {
            name: "utf16le",
            bytes: utf16(WORLD, false),
            options: none(),
            dialect: dialect("utf-16le", ",", 0, false),
            columns: WORLD_COLUMNS,
            rows: world_rows(),
        },
        FileCase {
            name: "utf16be",
            bytes: utf16(WORLD, true),
            options: none(),
            dialect: dialect("utf-16be", ",", 0, false),
            columns: WORLD_COLUMNS,
            rows: world_rows(),
        },
        FileCase {
            // Excel on Western Windows: € 0x80, “ 0x93, ” 0x94, ü 0xFC, é 0xE9.
            name: "windows_1252",
            bytes: b"name,word\nM\xfcller,\x80 \xfc \xe9 \x93 \x94\nCaf\xe9,\x93hi\x94\n".to_vec(),
            options: none(),
            dialect: dialect("windows-1252", ",", 0, false),
            columns: &[("name", "VARCHAR"), ("word", "VARCHAR")],
            rows: vec![
                vec![json!("Müller"), json!("€ ü é “ ”")],
                vec![json!("Café"), json!("“hi”")],
            ],
        },
        FileCase {
            // The same bytes named as ISO-8859-1: WHATWG reads that label as windows-1252.
            name: "latin1_label",
            bytes: b"w\n\x80\xe9\n".to_vec(),
            options: CsvOptions {
                encoding: Some("ISO-8859-1".into()),
                ..none()
            },
            dialect: dialect("windows-1252", ",", 0, false),
            columns: &[("w", "VARCHAR")],
            rows: vec![vec![json!("€é")]],
        },
        FileCase {
            name: "semicolon_decimal_comma",
            bytes: "product;price;qty;note\nA;1,5;3;x,y\nB;-12,25;4;\nC;7;5;z\n"
                .as_bytes()
                .to_vec(),
            options: none(),
            dialect: dialect("utf-8", ";", 0, true),
            columns: &[
                ("product", "VARCHAR"),
                ("price", "DOUBLE"),
                ("qty", "BIGINT"),
                ("note", "VARCHAR"),
            ],
            rows: vec![
                vec![json!("A"), json!(1.5), json!(3), json!("x,y")],
                vec![json!("B"), json!(-12.25), json!(4), Value::Null],
                vec![json!("C"), json!(7.0), json!(5), json!("z")],
            ],
        },
        FileCase {
            // Semicolons without decimal commas stay with the decimal point.
            name: "semicolon_text",
            bytes: "a;b\nx,1;2\ny;3\n".as_bytes().to_vec(),
            options: none(),
            dialect: dialect("utf-8", ";", 0, false),
            columns: &[("a", "VARCHAR"), ("b", "BIGINT")],
            rows: vec![vec![json!("x,1"), json!(2)], vec![json!("y"), json!(3)]],
        },
        FileCase {
            name: "decimal_comma_and_date_format",
            bytes: "day|amount\n31/12/2024|1,5\n01/02/2024|2\n"
                .as_bytes()
                .to_vec(),
            options: CsvOptions {
                decimal_separator: Some(DecimalSeparator::Comma),
                date_format: Some("%d/%m/%Y".into()),
                ..none()
            },
            dialect: dialect("utf-8", "|", 0, true),
            columns: &[("day", "DATE"), ("amount", "DOUBLE")],
            rows: vec![
                vec![json!("2024-12-31"), json!(1.5)],
                vec![json!("2024-02-01"), json!(2.0)],
            ],
        },
        FileCase {
            name: "title_lines",
            bytes: "Sales report\nExported 2024-01-01 by Ann\nid,name\n1,a\n2,b\n"
                .as_bytes()
                .to_vec(),
            options: CsvOptions {
                skip_rows: Some(2),
                ..none()
            },
            dialect: dialect("utf-8", ",", 2, false),
            columns: &[("id", "BIGINT"), ("name", "VARCHAR")],
            rows: vec![vec![json!(1), json!("a")], vec![json!(2), json!("b")]],
        },
        FileCase {
            name: "crlf",
            bytes: b"a,b\r\n1,x\r\n2,y\r\n".to_vec(),
            options: none(),
            dialect: dialect("utf-8", ",", 0, false),
            columns: &[("a", "BIGINT"), ("b", "VARCHAR")],
            rows: vec![vec![json!(1), json!("x")], vec![json!(2), json!("y")]],
        },
        FileCase {
            name: "quoted_newlines",
            bytes: b"id,text\r\n1,\"line one\r\nline two\"\r\n2,\"say \"\"hi\"\"\nok\"\r\n"
                .to_vec(),
            options: none(),
            dialect: dialect("utf-8", ",", 0, false),
            columns: &[("id", "BIGINT"), ("text", "VARCHAR")],
            rows: vec![
                vec![json!(1), json!("line one\r\nline two")],
                vec![json!(2), json!("say \"hi\"\nok")],
            ],
        },
        FileCase {
            name: "header_only",
            bytes: b"alpha,beta,gamma\n".to_vec(),
            options: CsvOptions {
                header: Some(true),
                ..none()
            },
            dialect: dialect("utf-8", ",", 0, false),
            columns: &[
                ("alpha", "VARCHAR"),
                ("beta", "VARCHAR"),
                ("gamma", "VARCHAR"),
            ],
            rows: vec![],
        },
        FileCase {
            // DuckDB's names for an empty and a repeated header cell (kept, CsvOptions docs).
            name: "empty_and_duplicate_names",
            bytes: b"a,,a\nx,y,z\n".to_vec(),
            options: none(),
            dialect: dialect("utf-8", ",", 0, false),
            columns: &[("a", "VARCHAR"), ("column1", "VARCHAR"), ("a_1", "VARCHAR")],
            rows: vec![vec![json!("x"), json!("y"), json!("z")]],
        },
    ]
}

/// Each file of the table: `previewCsv` and the import agree on options, columns and values, which
/// are exact; a step undoes and redoes; a reopen (which reads the stored original again, decoding
/// it as at import) restores both positions; and the export, with `;` and a byte order mark,
/// imports back to the same columns and values.
pub async fn csv_encodings_and_quirks<H: Harness>(h: &H) {
    let cases = cases();
    let mut expected = Vec::new();
    {
        let ws = open(h).await;
        for case in &cases {
            let what = case.name;
            let preview: CsvPreview = ws
                .preview_csv(&case.bytes, &case.options)
                .await
                .unwrap_or_else(|e| panic!("preview {what}: {e}"));
            assert_eq!(preview.options, case.dialect, "{what}: previewed options");
            let columns: Vec<(&str, &str)> = preview
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.data_type.as_str()))
                .collect();
            assert_eq!(columns, case.columns, "{what}: previewed columns");
            assert_eq!(preview.rows, case.rows, "{what}: previewed rows");
            let t = ws
                .import_csv(what, case.bytes.clone(), &case.options, &Call::none())
                .await
                .unwrap_or_else(|e| panic!("import {what}: {e}"));
            let s = snapshot(&ws, t, 2).await;
            assert_eq!(s.info.csv.as_ref(), Some(&case.dialect), "{what}: options");
            let columns: Vec<(&str, &str)> = s
                .info
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.data_type.as_str()))
                .collect();
            assert_eq!(columns, case.columns, "{what}: columns");
            let rows: Vec<Vec<Value>> = s.rows.iter().map(|(_, r)| r.clone()).collect();
            assert_eq!(rows, case.rows, "{what}: rows");
            // The same import with the resolved options reads the same.
            let again = ws
                .import_csv(
                    &format!("{what}_again"),
                    case.bytes.clone(),
                    &resolved(&case.dialect, &case.options),
                    &Call::none(),
                )
                .await
                .unwrap_or_else(|e| panic!("import {what} with its options: {e}"));
            let s_again = snapshot(&ws, again, 2).await;
            assert_eq!(
                (&s_again.info.columns, &s_again.rows, &s_again.info.csv),
                (&s.info.columns, &s.rows, &s.info.csv),
                "{what}: resolved options read the same"
            );
            ws.drop_table(&format!("{what}_again")).await.expect("drop");
            // A step with a delta of whole rows, then undo and redo.
            let command = if case.rows.is_empty() {
                json!({"op": "rename_column", "column": case.columns[0].0, "newName": "renamed"})
            } else {
                json!({"op": "delete_rows", "rowIds": [1]})
            };
            ws.apply(t, command, &Call::none()).await.expect("step");
            let after = snapshot(&ws, t, 2).await;
            ws.undo(t, &Call::none()).await.expect("undo");
            assert_eq!(
                (&snapshot(&ws, t, 2).await.rows, &s.info.columns),
                (&s.rows, &s.info.columns),
                "{what}: undo"
            );
            ws.redo(t, &Call::none()).await.expect("redo");
            assert_eq!(snapshot(&ws, t, 2).await, after, "{what}: redo");
            expected.push((s, after));
            export_round_trip::<H>(&ws, t, what, &after_columns(&expected)).await;
        }
        ws.close().await.expect("close");
    }
    let ws = open(h).await;
    for (case, (before, after)) in cases.iter().zip(&expected) {
        let what = case.name;
        let t = ws.table_id(what).await.expect("table");
        assert_eq!(&snapshot(&ws, t, 2).await, after, "{what}: reopened");
        ws.undo(t, &Call::none()).await.expect("undo");
        let undone = snapshot(&ws, t, 2).await;
        assert_eq!(
            (&undone.rows, &undone.info.columns),
            (&before.rows, &before.info.columns),
            "{what}: reopened, undone"
        );
    }
    ws.close().await.expect("close");
}

/// The last expected state's columns (for the export check).
fn after_columns(expected: &[(Snapshot, Snapshot)]) -> Vec<(String, String)> {
    expected
        .last()
        .map(|(_, a)| {
            a.info
                .columns
                .iter()
                .map(|c| (c.name.clone(), c.data_type.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// `options` with every guess of `dialect` filled in, as a frontend passes a preview's options back.
fn resolved(dialect: &CsvDialect, options: &CsvOptions) -> CsvOptions {
    CsvOptions {
        delimiter: Some(dialect.delimiter.clone()),
        header: Some(dialect.header),
        encoding: Some(dialect.encoding.clone()),
        skip_rows: Some(dialect.skip_rows),
        decimal_separator: Some(dialect.decimal_separator),
        ..options.clone()
    }
}

/// Exports `t` as CSV with `;` and a byte order mark, imports the bytes back and checks the
/// columns (names and types) and values are those of `t`.
async fn export_round_trip<H: Harness>(
    ws: &Ws<H>,
    t: u32,
    what: &str,
    columns: &[(String, String)],
) {
    let exported = ws
        .export(
            t,
            ExportFormat::Csv,
            &ExportOptions {
                delimiter: Some(";".into()),
                bom: Some(true),
            },
            &Call::none(),
        )
        .await
        .expect("export");
    assert!(exported.starts_with(b"\xef\xbb\xbf"), "{what}: the BOM");
    let back = ws
        .import_csv(
            &format!("{what}_exported"),
            exported,
            &CsvOptions {
                header: Some(true),
                ..CsvOptions::default()
            },
            &Call::none(),
        )
        .await
        .unwrap_or_else(|e| panic!("{what}: import of the export: {e}"));
    let b = snapshot(ws, back, 2).await;
    let now = snapshot(ws, t, 2).await;
    let back_columns: Vec<(String, String)> = b
        .info
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.data_type.clone()))
        .collect();
    assert_eq!(back_columns, columns, "{what}: exported columns");
    let values = |s: &Snapshot| s.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
    assert_eq!(values(&b), values(&now), "{what}: exported values");
    // (The delimiter of a one-column file is the sniffer's default, `,`.)
    let delimiter = if columns.len() > 1 { ";" } else { "," };
    assert_eq!(
        b.info
            .csv
            .as_ref()
            .map(|d| (d.delimiter.as_str(), d.encoding.as_str())),
        Some((delimiter, "utf-8")),
        "{what}: the export's dialect"
    );
    ws.drop_table(&format!("{what}_exported"))
        .await
        .expect("drop");
}
