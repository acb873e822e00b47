//! The command table: one case per command of COMMANDS.md, each the command and a check of the snapshot after it.

use super::*;

/// One command's expected effect: the command and a check of the snapshot after it.
pub(super) struct Case {
    pub(super) command: Value,
    pub(super) check: fn(&Snapshot, &Snapshot),
}

#[expect(
    clippy::too_many_lines,
    reason = "the table of cases, one literal per command of COMMANDS.md"
)]
pub(super) fn cases() -> Vec<Case> {
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
                let crate::Command::CalculateAge(crate::command::values::CalculateAge {
                    as_of: Some(as_of),
                    ..
                }) = &step.command
                else {
                    panic!("asOf is filled in: {:?}", step.command);
                };
                assert!(crate::sql::dates::is_iso_date(as_of), "{as_of}");
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
            // HMAC-SHA-256 with key "s3" (RFC 2104), as Python's hmac module gives it.
            command: json!({"op": "hash", "column": "name", "secret": "s3"}),
            check: |_, a| {
                let n = column(a, "name");
                assert_eq!(
                    n[0],
                    json!("d490fd085be30f6783248aa3e91788f4dcebdc0281627265370c4ba7f9940ffe")
                );
                assert_eq!(
                    n[5],
                    json!("a6611a42f16fbdd2bdda1d5a71051422bb625e67cbc00864c8fbebb7d73c8289")
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
