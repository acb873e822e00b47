//! NativeEngine against the real libduckdb 1.4.3.

use std::error::Error as StdError;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array,
    Int8Array, Int16Array, Int32Array, Int64Array, LargeStringArray, ListArray, RecordBatch,
    StringArray, StringViewArray, TimestampMicrosecondArray, UInt8Array, UInt16Array, UInt32Array,
    UInt64Array,
};
use arrow_schema::{DataType, Field, IntervalUnit, Schema, TimeUnit};
use duckline_core::{Engine, Error};
use duckline_native::NativeEngine;
use futures::executor::block_on;

type TestResult = Result<(), Box<dyn StdError>>;

fn engine() -> Result<NativeEngine, Error> {
    NativeEngine::open_in_memory(Some(512))
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, Box<dyn StdError>> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
}

/// `SELECT * FROM table` as one batch (tests keep these tables small enough for one batch).
fn select_all(engine: &NativeEngine, table: &str) -> Result<RecordBatch, Box<dyn StdError>> {
    let batches = block_on(engine.query(&format!("SELECT * FROM {table}")))?;
    match batches.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("expected one batch, got {}", batches.len()).into()),
    }
}

/// DuckDB column types of `table`, in column order.
fn column_types(engine: &NativeEngine, table: &str) -> Result<Vec<String>, Box<dyn StdError>> {
    let batches = block_on(engine.query(&format!(
        "SELECT data_type FROM duckdb_columns() WHERE table_name = '{table}' ORDER BY column_index"
    )))?;
    let mut out = Vec::new();
    for b in &batches {
        let col = b.column(0).as_string::<i32>();
        out.extend(col.iter().map(|v| v.unwrap_or_default().to_owned()));
    }
    Ok(out)
}

/// Creates `t` from `input`, reads it back and checks each column against `expected` (type and
/// values), and the DuckDB column types against `duck_types`.
fn round_trip(
    table: &str,
    input: Vec<(&str, ArrayRef)>,
    expected: &[ArrayRef],
    duck_types: &[&str],
) -> TestResult {
    let engine = engine()?;
    let input = batch(input)?;
    block_on(engine.create_table_from_batches(table, vec![input]))?;
    assert_eq!(column_types(&engine, table)?, duck_types);
    let out = select_all(&engine, table)?;
    assert_eq!(out.num_columns(), expected.len());
    for (i, want) in expected.iter().enumerate() {
        let got = out.column(i);
        assert_eq!(got.data_type(), want.data_type(), "column {i} type");
        assert_eq!(got, want, "column {i} values");
    }
    Ok(())
}

#[test]
fn integers_round_trip_with_nulls() -> TestResult {
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int8Array::from(vec![Some(-128), None, Some(127)])),
        Arc::new(Int16Array::from(vec![Some(i16::MIN), None, Some(i16::MAX)])),
        Arc::new(Int32Array::from(vec![Some(i32::MIN), None, Some(i32::MAX)])),
        Arc::new(Int64Array::from(vec![Some(i64::MIN), None, Some(i64::MAX)])),
        Arc::new(UInt8Array::from(vec![Some(0), None, Some(u8::MAX)])),
        Arc::new(UInt16Array::from(vec![Some(0), None, Some(u16::MAX)])),
        Arc::new(UInt32Array::from(vec![Some(0), None, Some(u32::MAX)])),
        Arc::new(UInt64Array::from(vec![Some(0), None, Some(u64::MAX)])),
    ];
    let names = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];
    let input = names.iter().copied().zip(cols.iter().cloned()).collect();
    round_trip(
        "ints",
        input,
        &cols,
        &[
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "UTINYINT",
            "USMALLINT",
            "UINTEGER",
            "UBIGINT",
        ],
    )
}

#[test]
fn floats_bool_round_trip_with_nulls() -> TestResult {
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Float32Array::from(vec![Some(1.5), None, Some(-0.25)])),
        Arc::new(Float64Array::from(vec![
            Some(f64::MAX),
            None,
            Some(-1e-300),
        ])),
        Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
    ];
    let input = ["f32", "f64", "b"]
        .iter()
        .copied()
        .zip(cols.iter().cloned())
        .collect();
    round_trip("floats", input, &cols, &["FLOAT", "DOUBLE", "BOOLEAN"])
}

#[test]
fn strings_round_trip_as_utf8() -> TestResult {
    let values = vec![Some(" padded "), None, Some(""), Some("ünïcødé \"q\" 'a'")];
    let utf8: ArrayRef = Arc::new(StringArray::from(values.clone()));
    let input: Vec<(&str, ArrayRef)> = vec![
        ("utf8", Arc::clone(&utf8)),
        ("large", Arc::new(LargeStringArray::from(values.clone()))),
        ("view", Arc::new(StringViewArray::from(values))),
    ];
    // Every string type comes back as plain Utf8 (DuckDB's default Arrow export).
    let expected = vec![Arc::clone(&utf8), Arc::clone(&utf8), utf8];
    round_trip("strs", input, &expected, &["VARCHAR", "VARCHAR", "VARCHAR"])
}

#[test]
fn dates_timestamps_decimals_round_trip() -> TestResult {
    let date: ArrayRef = Arc::new(Date32Array::from(vec![
        Some(0),
        None,
        Some(19_724),
        Some(-719_162),
    ]));
    let micros = vec![Some(1_704_164_645_123_456), None, Some(0), Some(-1)];
    let ts: ArrayRef = Arc::new(TimestampMicrosecondArray::from(micros.clone()));
    let ts_berlin: ArrayRef =
        Arc::new(TimestampMicrosecondArray::from(micros.clone()).with_timezone("Europe/Berlin"));
    let ts_utc: ArrayRef = Arc::new(TimestampMicrosecondArray::from(micros).with_timezone("UTC"));
    let dec: ArrayRef = Arc::new(
        Decimal128Array::from(vec![Some(12_345), None, Some(-1), Some(9_999_999_999)])
            .with_precision_and_scale(10, 2)?,
    );
    let dec38: ArrayRef = Arc::new(
        Decimal128Array::from(vec![Some(10_i128.pow(37)), None, Some(-5), Some(0)])
            .with_precision_and_scale(38, 4)?,
    );
    let input: Vec<(&str, ArrayRef)> = vec![
        ("d", Arc::clone(&date)),
        ("ts", Arc::clone(&ts)),
        ("tz", ts_berlin),
        ("dec", Arc::clone(&dec)),
        ("dec38", Arc::clone(&dec38)),
    ];
    // A TIMESTAMPTZ keeps the instant and comes back labelled UTC.
    round_trip(
        "temporal",
        input,
        &[date, ts, ts_utc, dec, dec38],
        &[
            "DATE",
            "TIMESTAMP",
            "TIMESTAMP WITH TIME ZONE",
            "DECIMAL(10,2)",
            "DECIMAL(38,4)",
        ],
    )
}

#[test]
fn zero_row_batch_creates_typed_empty_table() -> TestResult {
    let engine = engine()?;
    let schema = Arc::new(Schema::new(vec![
        Field::new("i", DataType::Int32, true),
        Field::new("u", DataType::UInt64, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("b", DataType::Boolean, true),
        Field::new("d", DataType::Date32, true),
        Field::new("ts", DataType::Timestamp(TimeUnit::Microsecond, None), true),
        Field::new(
            "tz",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            true,
        ),
        Field::new("dec", DataType::Decimal128(10, 2), true),
        Field::new("f", DataType::Float64, true),
    ]));
    block_on(
        engine.create_table_from_batches(
            "empty_t",
            vec![RecordBatch::new_empty(Arc::clone(&schema))],
        ),
    )?;
    assert_eq!(
        column_types(&engine, "empty_t")?,
        [
            "INTEGER",
            "UBIGINT",
            "VARCHAR",
            "BOOLEAN",
            "DATE",
            "TIMESTAMP",
            "TIMESTAMP WITH TIME ZONE",
            "DECIMAL(10,2)",
            "DOUBLE"
        ]
    );
    // A query without rows still yields the schema, in one empty batch.
    let batches = block_on(engine.query("SELECT * FROM empty_t"))?;
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].num_rows(), 0);
    assert_eq!(batches[0].schema().fields(), schema.fields());
    let filtered = block_on(engine.query("SELECT i, s FROM empty_t WHERE i > 3"))?;
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].num_rows(), 0);
    assert_eq!(filtered[0].schema().field(1).data_type(), &DataType::Utf8);
    Ok(())
}

#[test]
fn many_batches_and_rows_beyond_one_vector() -> TestResult {
    // DuckDB vectors hold 2,048 rows: cross that boundary, use sliced batches and an empty one.
    let engine = engine()?;
    let n: i64 = 10_000;
    let ids = Int64Array::from_iter_values(0..n);
    let names = StringArray::from_iter((0..n).map(|i| (i % 7 != 0).then(|| format!("name {i}"))));
    let full = batch(vec![("id", Arc::new(ids)), ("name", Arc::new(names))])?;
    let parts = vec![
        full.slice(0, 3_000),
        full.slice(3_000, 0),
        full.slice(3_000, 7_000),
    ];
    block_on(engine.create_table_from_batches("big", parts))?;
    let stats = block_on(engine.query(
        "SELECT count(*)::BIGINT, count(name)::BIGINT, sum(id)::BIGINT, \
         count(*) FILTER (WHERE name = 'name ' || id)::BIGINT FROM big",
    ))?;
    let row: Vec<i64> = (0..4)
        .map(|i| stats[0].column(i).as_primitive::<Int64Type>().value(0))
        .collect();
    let nulls = (0..n).filter(|i| i % 7 == 0).count() as i64;
    assert_eq!(row, [n, n - nulls, n * (n - 1) / 2, n - nulls]);
    // query returns every row even when DuckDB produces several batches.
    let all = block_on(engine.query("SELECT id FROM big ORDER BY id"))?;
    let total: usize = all.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(total, n as usize);
    let mut expect = 0;
    for b in &all {
        for v in b.column(0).as_primitive::<Int64Type>().values() {
            assert_eq!(*v, expect);
            expect += 1;
        }
    }
    Ok(())
}

#[test]
fn duckdb_types_arrive_as_documented_arrow_types() -> TestResult {
    let engine = engine()?;
    let batches = block_on(engine.query(
        "SELECT TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS tz, DATE '2024-01-02' AS d, \
         12.34::DECIMAL(10,2) AS dec, 'x'::VARCHAR AS v, 42::BIGINT AS big, 7::INTEGER AS int, \
         TIMESTAMP '2024-01-02 03:04:05' AS ts, true AS b, 1.5::DOUBLE AS dbl, 1.5::FLOAT AS flt, \
         170141183460469231731687303715884105727::HUGEINT AS huge, '\\x01'::BLOB AS blob, \
         TIME '01:02:03' AS t, INTERVAL 3 DAY AS iv, 5::UBIGINT AS ub, \
         'c0ffee00-0000-0000-0000-000000000000'::UUID AS uuid, \
         TIMESTAMP_MS '2024-01-02 03:04:05' AS ts_ms, TIMESTAMP_NS '2024-01-02 03:04:05' AS ts_ns, \
         TIMESTAMP_S '2024-01-02 03:04:05' AS ts_s, 1.5::DECIMAL(4,1) AS dec4, \
         1.5::DECIMAL(38,10) AS dec38",
    ))?;
    let schema = batches[0].schema();
    let types: Vec<(String, DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let us = TimeUnit::Microsecond;
    let expected = [
        ("tz", DataType::Timestamp(us, Some("UTC".into()))),
        ("d", DataType::Date32),
        ("dec", DataType::Decimal128(10, 2)),
        ("v", DataType::Utf8),
        ("big", DataType::Int64),
        ("int", DataType::Int32),
        ("ts", DataType::Timestamp(us, None)),
        ("b", DataType::Boolean),
        ("dbl", DataType::Float64),
        ("flt", DataType::Float32),
        ("huge", DataType::Decimal128(38, 0)),
        ("blob", DataType::Binary),
        ("t", DataType::Time64(us)),
        ("iv", DataType::Interval(IntervalUnit::MonthDayNano)),
        ("ub", DataType::UInt64),
        ("uuid", DataType::Utf8),
        ("ts_ms", DataType::Timestamp(TimeUnit::Millisecond, None)),
        ("ts_ns", DataType::Timestamp(TimeUnit::Nanosecond, None)),
        ("ts_s", DataType::Timestamp(TimeUnit::Second, None)),
        ("dec4", DataType::Decimal128(4, 1)),
        ("dec38", DataType::Decimal128(38, 10)),
    ];
    for ((name, got), (want_name, want)) in types.iter().zip(expected.iter()) {
        assert_eq!(name, want_name);
        assert_eq!(got, want, "column {name}");
    }
    assert_eq!(types.len(), expected.len());
    assert!(schema.fields().iter().all(|f| f.is_nullable()));
    let tz = batches[0]
        .column(0)
        .as_primitive::<arrow_array::types::TimestampMicrosecondType>();
    assert_eq!(tz.value(0), 1_704_164_645_123_456);
    let dec = batches[0]
        .column(2)
        .as_primitive::<arrow_array::types::Decimal128Type>();
    assert_eq!(dec.value(0), 1234);
    Ok(())
}

#[test]
fn register_file_is_readable_by_read_csv() -> TestResult {
    let engine = engine()?;
    let csv = b"name,age\nAnn,31\nBob,\n\"Smith, J\",40\n";
    let path = block_on(engine.register_file("people.csv", csv))?;
    assert!(std::path::Path::new(&path).is_absolute());
    assert!(path.starts_with(engine.files_dir().to_str().ok_or("utf8")?));
    let out = block_on(engine.query(&format!("SELECT count(*)::BIGINT FROM read_csv('{path}')")))?;
    assert_eq!(out[0].column(0).as_primitive::<Int64Type>().value(0), 3);
    block_on(engine.unregister_file("people.csv"))?;
    assert!(!std::path::Path::new(&path).exists());
    let gone = block_on(engine.query(&format!("SELECT count(*) FROM read_csv('{path}')")));
    assert!(matches!(gone, Err(Error::Engine(_))));
    block_on(engine.unregister_file("never-registered.csv"))?;
    for bad in ["", "..", "a/b", "../x"] {
        assert!(block_on(engine.register_file(bad, &[])).is_err(), "{bad:?}");
    }
    Ok(())
}

#[test]
fn errors_carry_duckdb_text_and_change_nothing() -> TestResult {
    let engine = engine()?;
    match block_on(engine.execute("SELEC 1")) {
        Err(Error::Engine(msg)) => assert!(msg.contains("syntax error"), "{msg}"),
        other => return Err(format!("expected Engine error, got {other:?}").into()),
    }
    match block_on(engine.query("SELECT * FROM missing_table")) {
        Err(Error::Engine(msg)) => assert!(msg.contains("missing_table"), "{msg}"),
        other => return Err(format!("expected Engine error, got {other:?}").into()),
    }
    let one = batch(vec![("a", Arc::new(Int32Array::from(vec![1, 2])))])?;
    block_on(engine.create_table_from_batches("t", vec![one.clone()]))?;
    // Creating it again fails and leaves the first table as it was.
    assert!(matches!(
        block_on(engine.create_table_from_batches("t", vec![one])),
        Err(Error::Engine(_))
    ));
    let n = block_on(engine.query("SELECT count(*)::BIGINT FROM t"))?;
    assert_eq!(n[0].column(0).as_primitive::<Int64Type>().value(0), 2);
    // An unsupported Arrow type is rejected and creates nothing.
    let list =
        ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![Some(vec![
            Some(1),
        ])]);
    let bad = batch(vec![("l", Arc::new(list))])?;
    assert!(matches!(
        block_on(engine.create_table_from_batches("l", vec![bad])),
        Err(Error::Engine(_))
    ));
    assert!(block_on(engine.query("SELECT * FROM l")).is_err());
    // No batch at all: no schema.
    assert!(block_on(engine.create_table_from_batches("none", vec![])).is_err());
    // Batches with different schemas.
    let a = batch(vec![("a", Arc::new(Int32Array::from(vec![1])))])?;
    let b = batch(vec![("a", Arc::new(Int64Array::from(vec![1])))])?;
    assert!(block_on(engine.create_table_from_batches("mixed", vec![a, b])).is_err());
    assert!(block_on(engine.query("SELECT * FROM mixed")).is_err());
    Ok(())
}

#[test]
fn create_table_joins_an_open_transaction() -> TestResult {
    let engine = engine()?;
    let one = batch(vec![("a", Arc::new(Int32Array::from(vec![1])))])?;
    block_on(engine.execute("BEGIN TRANSACTION"))?;
    block_on(engine.create_table_from_batches("in_tx", vec![one.clone()]))?;
    block_on(engine.execute("ROLLBACK"))?;
    assert!(block_on(engine.query("SELECT * FROM in_tx")).is_err());
    block_on(engine.execute("BEGIN TRANSACTION"))?;
    block_on(engine.create_table_from_batches("in_tx", vec![one]))?;
    block_on(engine.execute("COMMIT"))?;
    assert_eq!(
        block_on(engine.query("SELECT * FROM in_tx"))?[0].num_rows(),
        1
    );

    // A taken name fails inside a transaction too, and the existing table survives (the failure
    // aborts the transaction, as any DuckDB error does: roll back).
    block_on(engine.execute("CREATE TABLE taken AS SELECT 42 AS x"))?;
    block_on(engine.execute("BEGIN TRANSACTION"))?;
    let clash = batch(vec![("a", Arc::new(Int32Array::from(vec![1])))])?;
    assert!(block_on(engine.create_table_from_batches("taken", vec![clash.clone()])).is_err());
    block_on(engine.execute("ROLLBACK"))?;
    assert!(block_on(engine.create_table_from_batches("taken", vec![clash])).is_err());
    let x = block_on(engine.query("SELECT x FROM taken"))?;
    assert_eq!(
        x[0].column(0)
            .as_primitive::<arrow_array::types::Int32Type>()
            .value(0),
        42
    );
    Ok(())
}

#[test]
fn a_failed_load_leaves_no_table() -> TestResult {
    // A value that does not fit its declared precision makes the duckdb crate's conversion panic;
    // the engine turns that into an error and removes the half-made table.
    let engine = engine()?;
    let huge = Decimal128Array::from(vec![10_i128.pow(30)]).with_precision_and_scale(18, 0)?;
    let bad = batch(vec![("d", Arc::new(huge))])?;
    assert!(matches!(
        block_on(engine.create_table_from_batches("bad", vec![bad.clone()])),
        Err(Error::Engine(_))
    ));
    assert!(block_on(engine.query("SELECT * FROM bad")).is_err());
    block_on(engine.execute("BEGIN TRANSACTION"))?;
    assert!(block_on(engine.create_table_from_batches("bad", vec![bad])).is_err());
    block_on(engine.execute("ROLLBACK"))?;
    assert!(block_on(engine.query("SELECT * FROM bad")).is_err());
    // The engine is still usable.
    assert_eq!(block_on(engine.query("SELECT 1"))?[0].num_rows(), 1);
    Ok(())
}

#[test]
fn quoted_names_survive() -> TestResult {
    let engine = engine()?;
    let b = batch(vec![
        (
            "First Name",
            Arc::new(StringArray::from(vec!["a"])) as ArrayRef,
        ),
        ("we\"ird", Arc::new(Int32Array::from(vec![1]))),
    ])?;
    block_on(engine.create_table_from_batches("MixedCase", vec![b]))?;
    let out = block_on(engine.query("SELECT \"First Name\", \"we\"\"ird\" FROM mixedcase"))?;
    assert_eq!(out[0].schema().field(0).name(), "First Name");
    assert_eq!(out[0].schema().field(1).name(), "we\"ird");
    Ok(())
}

#[test]
fn settings_and_clock() -> TestResult {
    let engine = engine()?;
    let out = block_on(engine.query(
        "SELECT current_setting('autoload_known_extensions')::VARCHAR, \
         current_setting('autoinstall_known_extensions')::VARCHAR, \
         current_setting('memory_limit')::VARCHAR",
    ))?;
    let get = |i: usize| out[0].column(i).as_string::<i32>().value(0).to_owned();
    assert_eq!(get(0), "false");
    assert_eq!(get(1), "false");
    assert!(get(2).starts_with("512"), "{}", get(2));
    let a = engine.now_millis();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let b = engine.now_millis();
    assert!(a >= 0.0 && b - a >= 5.0, "{a} {b}");
    Ok(())
}
