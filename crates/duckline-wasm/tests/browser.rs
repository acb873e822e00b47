//! Browser tests of WasmEngine (DuckDB-WASM), OpfsStore and WorkspaceLock in headless Chromium.
//!
//! Needs `scripts/build-js-assets.sh` first (the glue bundle and `/vendor/` DuckDB-WASM files), then:
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 cargo test --target
//! wasm32-unknown-unknown --release` in this crate (the runner serves the crate root, so the DuckDB
//! files are same-origin at `/vendor/...`).
#![cfg(target_arch = "wasm32")]
#![cfg_attr(
    target_arch = "wasm32",
    expect(clippy::unwrap_used, reason = "test code: a panic is a test failure")
)]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Decimal128Type, Float64Type, Int64Type, TimestampMicrosecondType,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, IntervalUnit, Schema, TimeUnit};
use duckline_core::{Engine, Error, Store};
use duckline_wasm::engine::{DuckDbBundles, EngineOptions, WasmEngine};
use duckline_wasm::error::to_js_error;
use duckline_wasm::lock::WorkspaceLock;
use duckline_wasm::opfs::{OpfsStore, opfs_available, storage_estimate};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    static ENGINE: RefCell<Option<Rc<WasmEngine>>> = const { RefCell::new(None) };
}

/// `location.origin` of the test page.
fn origin() -> String {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    js_sys::Reflect::get(&location, &"origin".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// The `eh` bundle copied to `<crate>/vendor/` by scripts/build-js-assets.sh, as absolute URLs.
fn bundles() -> DuckDbBundles {
    DuckDbBundles::in_folder(&format!("{}/vendor", origin()))
}

fn options() -> EngineOptions {
    EngineOptions {
        memory_limit_mb: Some(1024),
        instantiate_timeout_ms: Some(60_000),
        ..EngineOptions::default()
    }
}

/// One DuckDB-WASM instance shared by the engine tests (instantiating takes ~1.5 s).
async fn engine() -> Rc<WasmEngine> {
    if let Some(engine) = ENGINE.with(|e| e.borrow().clone()) {
        return engine;
    }
    let start = js_sys::Date::now();
    let engine = Rc::new(
        WasmEngine::from_bundles(&bundles(), &options())
            .await
            .expect("instantiate DuckDB-WASM"),
    );
    console_log!(
        "DuckDB-WASM instantiated in {:.0} ms",
        js_sys::Date::now() - start
    );
    ENGINE.with(|e| *e.borrow_mut() = Some(Rc::clone(&engine)));
    engine
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", (js_sys::Math::random() * 1e12) as u64)
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap()
}

/// Concatenation of the row counts of all batches.
fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

async fn scalar_i64(engine: &WasmEngine, sql: &str) -> i64 {
    let batches = engine.query(sql).await.unwrap();
    let column = batches[0].column(0);
    match column.data_type() {
        DataType::Int64 => column.as_primitive::<Int64Type>().value(0),
        DataType::Decimal128(_, 0) => column.as_primitive::<Decimal128Type>().value(0) as i64,
        other => panic!("{sql}: unexpected type {other}"),
    }
}

async fn duck_types(engine: &WasmEngine, table: &str) -> Vec<String> {
    let batches = engine
        .query(&format!(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = '{table}' ORDER BY column_index"
        ))
        .await
        .unwrap();
    batches
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_string::<i32>()
                .iter()
                .map(|s| s.unwrap().to_owned())
        })
        .collect()
}

#[wasm_bindgen_test]
#[expect(
    clippy::too_many_lines,
    reason = "a browser test is one linear script of calls and checks; cutting it up would hide the sequence"
)]
async fn round_trip_of_core_types() {
    let engine = engine().await;
    let table = unique("rt_types");
    let micros = vec![
        Some(1_700_000_000_123_456_i64),
        None,
        Some(-86_400_000_000),
        Some(0),
    ];
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "id",
            Arc::new(Int64Array::from(vec![
                Some(1),
                Some(2),
                Some(3),
                Some(i64::MAX),
            ])),
        ),
        (
            "i",
            Arc::new(Int64Array::from(vec![
                Some(-5),
                None,
                Some(i64::MIN),
                Some(0),
            ])),
        ),
        (
            "f",
            Arc::new(Float64Array::from(vec![
                Some(1.5),
                Some(f64::NAN),
                None,
                Some(-0.25),
            ])),
        ),
        (
            "s",
            Arc::new(StringArray::from(vec![
                Some("a"),
                None,
                Some(""),
                Some("ünï \"q\" 😀"),
            ])),
        ),
        (
            "b",
            Arc::new(BooleanArray::from(vec![
                Some(true),
                Some(false),
                None,
                Some(true),
            ])),
        ),
        (
            "d",
            Arc::new(Date32Array::from(vec![
                Some(0),
                Some(19_723),
                None,
                Some(-1),
            ])),
        ),
        (
            "ts_utc",
            Arc::new(TimestampMicrosecondArray::from(micros.clone()).with_timezone("UTC")),
        ),
        ("ts", Arc::new(TimestampMicrosecondArray::from(micros))),
        (
            "dec",
            Arc::new(
                Decimal128Array::from(vec![
                    Some(12_345),
                    None,
                    Some(-1),
                    Some(999_999_999_999_999_999),
                ])
                .with_precision_and_scale(18, 3)
                .unwrap(),
            ),
        ),
        (
            "ls",
            Arc::new(LargeStringArray::from(vec![
                Some("large"),
                None,
                Some("x"),
                Some(""),
            ])),
        ),
    ];
    let want = batch(columns);
    engine
        .create_table_from_batches(&table, vec![want.clone()])
        .await
        .unwrap();

    let types = duck_types(&engine, &table).await;
    console_log!("DuckDB column types from Arrow: {types:?}");
    assert_eq!(
        types,
        [
            "BIGINT",
            "BIGINT",
            "DOUBLE",
            "VARCHAR",
            "BOOLEAN",
            "DATE",
            "TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP",
            "DECIMAL(18,3)",
            "VARCHAR"
        ]
    );

    let got = engine
        .query(&format!("SELECT * FROM {table} ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(rows(&got), 4);
    assert_eq!(got.len(), 1);
    let got = &got[0];
    let got_types: Vec<String> = got
        .schema()
        .fields()
        .iter()
        .map(|f| format!("{}: {:?}", f.name(), f.data_type()))
        .collect();
    console_log!("Arrow types back: {got_types:?}");
    for (i, field) in want.schema().fields().iter().enumerate() {
        let expected_type = if field.name() == "ls" {
            &DataType::Utf8
        } else {
            field.data_type()
        };
        assert_eq!(
            got.schema().field(i).data_type(),
            expected_type,
            "column {}",
            field.name()
        );
        assert_eq!(got.schema().field(i).name(), field.name());
        if field.name() == "f" {
            let g = got.column(i).as_primitive::<Float64Type>();
            assert_eq!(g.value(0), 1.5);
            assert!(g.value(1).is_nan());
            assert!(g.is_null(2));
            assert_eq!(g.value(3), -0.25);
        } else if field.name() == "ls" {
            assert_eq!(
                got.column(i).as_string::<i32>().iter().collect::<Vec<_>>(),
                [Some("large"), None, Some("x"), Some("")]
            );
        } else {
            assert_eq!(
                got.column(i).to_data(),
                want.column(i).to_data(),
                "values of {}",
                field.name()
            );
        }
    }
    // Spot checks through the typed accessors.
    assert_eq!(got.column(5).as_primitive::<Date32Type>().value(1), 19_723);
    assert_eq!(
        got.column(6)
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_700_000_000_123_456
    );
    assert_eq!(
        got.column(8).as_primitive::<Decimal128Type>().value(3),
        999_999_999_999_999_999
    );
    engine
        .execute(&format!("DROP TABLE {table}"))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn zero_rows_keep_the_schema() {
    let engine = engine().await;
    let table = unique("empty");
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, false),
        Field::new("s", DataType::Utf8, true),
        Field::new("d", DataType::Date32, true),
    ]));
    engine
        .create_table_from_batches(&table, vec![RecordBatch::new_empty(schema)])
        .await
        .unwrap();
    assert_eq!(
        duck_types(&engine, &table).await,
        ["BIGINT", "VARCHAR", "DATE"]
    );
    let got = engine
        .query(&format!("SELECT * FROM {table}"))
        .await
        .unwrap();
    assert_eq!(got.len(), 1, "one empty batch");
    assert_eq!(got[0].num_rows(), 0);
    let types: Vec<DataType> = got[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect();
    assert_eq!(types, [DataType::Int64, DataType::Utf8, DataType::Date32]);
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM {table}")).await,
        0
    );
    // A query without rows from a filter: one empty batch as well.
    let got = engine
        .query("SELECT 1::BIGINT AS x WHERE false")
        .await
        .unwrap();
    assert_eq!(
        (
            got.len(),
            got[0].num_rows(),
            got[0].schema().field(0).data_type()
        ),
        (1, 0, &DataType::Int64)
    );
    engine
        .execute(&format!("DROP TABLE {table}"))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn query_result_types() {
    let engine = engine().await;
    let batches = engine
        .query(
            "SELECT 42::BIGINT AS big, 7::INTEGER AS int, 3::SMALLINT AS small, 1::TINYINT AS tiny, \
             5::UBIGINT AS ubig, 9::HUGEINT AS huge, 1.5::DOUBLE AS dbl, 1.5::FLOAT AS flt, \
             12.34::DECIMAL(10,2) AS dec, 1.5::DECIMAL(38,10) AS dec38, 1.5::DECIMAL(4,1) AS dec4, \
             'x'::VARCHAR AS v, true AS b, DATE '2024-01-02' AS d, \
             TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, \
             TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS tz, TIME '03:04:05' AS t, \
             INTERVAL 3 DAY AS iv, 'ab'::BLOB AS bl, uuid() AS u, [1, 2]::BIGINT[] AS l, \
             {'k': 1} AS st",
        )
        .await
        .unwrap();
    let schema = batches[0].schema();
    let types: Vec<(String, DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    for (name, t) in &types {
        console_log!("query type {name}: {t:?}");
    }
    let us = TimeUnit::Microsecond;
    let expected = vec![
        ("big", DataType::Int64),
        ("int", DataType::Int32),
        ("small", DataType::Int16),
        ("tiny", DataType::Int8),
        ("ubig", DataType::UInt64),
        ("huge", DataType::Decimal128(38, 0)),
        ("dbl", DataType::Float64),
        ("flt", DataType::Float32),
        ("dec", DataType::Decimal128(10, 2)),
        ("dec38", DataType::Decimal128(38, 10)),
        ("dec4", DataType::Decimal128(4, 1)),
        ("v", DataType::Utf8),
        ("b", DataType::Boolean),
        ("d", DataType::Date32),
        ("ts", DataType::Timestamp(us, None)),
        ("tz", DataType::Timestamp(us, Some("UTC".into()))),
        ("t", DataType::Time64(us)),
        ("iv", DataType::Interval(IntervalUnit::MonthDayNano)),
        ("bl", DataType::Binary),
        ("u", DataType::Utf8),
    ];
    for (i, (name, t)) in expected.iter().enumerate() {
        assert_eq!((types[i].0.as_str(), &types[i].1), (*name, t));
    }
    console_log!("list: {:?}; struct: {:?}", types[20].1, types[21].1);
}

#[wasm_bindgen_test]
async fn large_results_and_inserts() {
    let engine = engine().await;
    // A result of many DuckDB chunks decodes into many batches.
    let start = engine.now_millis();
    let got = engine
        .query("SELECT range AS i, 'row ' || range AS s FROM range(100000)")
        .await
        .unwrap();
    console_log!(
        "100k-row query: {} batches in {:.1} ms",
        got.len(),
        engine.now_millis() - start
    );
    assert_eq!(rows(&got), 100_000);
    assert!(got.len() > 1);

    // ~30 MB of IPC in one stream.
    let table = unique("chunked");
    let batches: Vec<RecordBatch> = (0..10_i64)
        .map(|b| {
            let ids: Vec<i64> = (b * 50_000..(b + 1) * 50_000).collect();
            let strings: Vec<String> = ids
                .iter()
                .map(|i| format!("value number {i:>12} of the test"))
                .collect();
            batch(vec![
                ("id", Arc::new(Int64Array::from(ids)) as ArrayRef),
                ("s", Arc::new(StringArray::from(strings)) as ArrayRef),
            ])
        })
        .collect();
    let start = engine.now_millis();
    engine
        .create_table_from_batches(&table, batches)
        .await
        .unwrap();
    console_log!("500k-row insert in {:.1} ms", engine.now_millis() - start);
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM {table}")).await,
        500_000
    );
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT sum(id)::BIGINT FROM {table}")).await,
        499_999 * 500_000 / 2
    );
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM {table} WHERE s = 'value number ' || lpad(id::VARCHAR, 12, ' ') || ' of the test'")).await,
        500_000
    );
    engine
        .execute(&format!("DROP TABLE {table}"))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn failed_creates_change_nothing() {
    let engine = engine().await;
    let table = unique("taken");
    engine
        .execute(&format!("CREATE TABLE {table} AS SELECT 1::BIGINT AS a"))
        .await
        .unwrap();
    let one = batch(vec![(
        "a",
        Arc::new(Int64Array::from(vec![5, 6])) as ArrayRef,
    )]);

    let err = engine
        .create_table_from_batches(&table, vec![one.clone()])
        .await
        .unwrap_err();
    console_log!("create over an existing table: {err}");
    match &err {
        Error::Engine(m) => assert!(
            m.starts_with("Catalog Error: ") && m.contains("already exists"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM {table}")).await,
        1
    );

    assert!(matches!(
        engine.create_table_from_batches("x_none", vec![]).await,
        Err(Error::Engine(_))
    ));
    let other = batch(vec![(
        "a",
        Arc::new(StringArray::from(vec!["x"])) as ArrayRef,
    )]);
    let err = engine
        .create_table_from_batches("x_mixed", vec![one.clone(), other])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Engine(_)), "{err:?}");
    assert_eq!(
        scalar_i64(
            &engine,
            "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('x_none', 'x_mixed')"
        )
        .await,
        0
    );

    // The connection is clean afterwards: a new insert works.
    let fresh = unique("fresh");
    engine
        .create_table_from_batches(&fresh, vec![one])
        .await
        .unwrap();
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT sum(a)::BIGINT FROM {fresh}")).await,
        11
    );
    engine
        .execute(&format!("DROP TABLE {table}; DROP TABLE {fresh};"))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn execute_runs_several_statements_and_reports_duckdb_errors() {
    let engine = engine().await;
    let table = unique("multi");
    engine
        .execute(&format!(
            "CREATE TABLE {table} (a INTEGER); INSERT INTO {table} VALUES (1), (2), (3);"
        ))
        .await
        .unwrap();
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM {table}")).await,
        3
    );

    let err = engine
        .query("SELECT * FROM no_such_table_here")
        .await
        .unwrap_err();
    console_log!("missing table: {err}");
    match &err {
        Error::Engine(message) => assert!(message.contains("no_such_table_here"), "{message}"),
        other => panic!("{other:?}"),
    }
    let js = to_js_error(err);
    let code = js_sys::Reflect::get(&js, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("Engine"));
    assert!(js.is_instance_of::<js_sys::Error>());

    // Extension autoloading is off: Parquet fails cleanly instead of fetching an extension.
    let err = engine
        .execute("COPY (SELECT 1) TO 'x.parquet' (FORMAT parquet)")
        .await
        .unwrap_err();
    console_log!("parquet offline: {err}");
    let settings = engine
        .query("SELECT value FROM duckdb_settings() WHERE name = 'autoload_known_extensions'")
        .await
        .unwrap();
    assert_eq!(settings[0].column(0).as_string::<i32>().value(0), "false");
    let limit = engine
        .query("SELECT current_setting('memory_limit') AS m")
        .await
        .unwrap();
    console_log!(
        "memory_limit: {}",
        limit[0].column(0).as_string::<i32>().value(0)
    );
    engine
        .execute(&format!("DROP TABLE {table}"))
        .await
        .unwrap();
    assert_eq!(engine.version().await.unwrap(), "v1.4.3");
}

#[wasm_bindgen_test]
async fn registered_files_are_readable_from_sql() {
    let engine = engine().await;
    let name = format!("{}.csv", unique("people"));
    let path = engine
        .register_file(&name, b"a,b\n1,x\n2,y\n3,z\n")
        .await
        .unwrap();
    assert_eq!(path, name);
    assert_eq!(
        scalar_i64(&engine, &format!("SELECT count(*) FROM read_csv('{path}')")).await,
        3
    );
    assert_eq!(
        scalar_i64(
            &engine,
            &format!("SELECT sum(a)::BIGINT FROM read_csv('{path}')")
        )
        .await,
        6
    );
    engine.unregister_file(&name).await.unwrap();
    engine
        .unregister_file("never-registered.csv")
        .await
        .unwrap();
    assert!(
        engine
            .query(&format!("SELECT count(*) FROM read_csv('{path}')"))
            .await
            .is_err()
    );
}

#[wasm_bindgen_test]
async fn an_existing_async_duckdb_can_be_shared() {
    let first = engine().await;
    let second = WasmEngine::from_duckdb(first.duckdb().clone(), &EngineOptions::default())
        .await
        .unwrap();
    let table = unique("shared");
    second
        .execute(&format!("CREATE TABLE {table} AS SELECT 7::BIGINT AS a"))
        .await
        .unwrap();
    assert_eq!(
        scalar_i64(&first, &format!("SELECT a FROM {table}")).await,
        7
    );
    second.close().await.unwrap();
    let third = WasmEngine::from_duckdb(first.duckdb().clone(), &EngineOptions::default())
        .await
        .unwrap();
    drop(third);
    // Closing or dropping a borrowed instance only closed its connection.
    assert_eq!(
        scalar_i64(&first, &format!("SELECT a FROM {table}")).await,
        7
    );
    first.execute(&format!("DROP TABLE {table}")).await.unwrap();

    let err = WasmEngine::from_duckdb(JsValue::from_str("nope"), &EngineOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCommand(_)), "{err:?}");
}

#[wasm_bindgen_test]
async fn a_missing_bundle_fails_instead_of_hanging() {
    let start = js_sys::Date::now();
    let bad = DuckDbBundles {
        main_module: "/vendor/missing.wasm".into(),
        main_worker: "/vendor/duckdb-browser-eh.worker.js".into(),
    };
    let options = EngineOptions {
        memory_limit_mb: None,
        instantiate_timeout_ms: Some(5_000),
        ..EngineOptions::default()
    };
    let err = WasmEngine::from_bundles(&bad, &options).await.unwrap_err();
    console_log!(
        "missing wasm after {:.0} ms: {err}",
        js_sys::Date::now() - start
    );
    let bad = DuckDbBundles {
        main_worker: "/vendor/missing.worker.js".into(),
        ..bundles()
    };
    let err = WasmEngine::from_bundles(&bad, &options).await.unwrap_err();
    console_log!(
        "missing worker after {:.0} ms: {err}",
        js_sys::Date::now() - start
    );
    assert!(matches!(err, Error::Engine(_)));
}

#[wasm_bindgen_test]
#[expect(
    clippy::too_many_lines,
    reason = "a browser test is one linear script of calls and checks; cutting it up would hide the sequence"
)]
async fn opfs_store_round_trip() {
    assert!(opfs_available());
    let store = OpfsStore::open(&unique("test-ws")).await.unwrap();
    assert!(store.list().await.unwrap().is_empty());
    store.write("manifest-1.json", b"{\"g\":1}").await.unwrap();
    store
        .write("tables/3/steps/7/undo-00000.parquet", &[1, 2, 3])
        .await
        .unwrap();
    store
        .write("tables/3/original/part-00000.parquet", &[])
        .await
        .unwrap();
    let big: Vec<u8> = (0..3_000_000_u32).map(|i| (i % 251) as u8).collect();
    store.write("tables/3/big.bin", &big).await.unwrap();

    let mut files = store.list().await.unwrap();
    files.sort();
    assert_eq!(
        files,
        [
            "manifest-1.json",
            "tables/3/big.bin",
            "tables/3/original/part-00000.parquet",
            "tables/3/steps/7/undo-00000.parquet"
        ]
    );
    assert_eq!(store.read("manifest-1.json").await.unwrap(), b"{\"g\":1}");
    assert_eq!(store.read("tables/3/big.bin").await.unwrap(), big);
    assert_eq!(store.size("tables/3/big.bin").await.unwrap(), 3_000_000);
    assert_eq!(
        store
            .size("tables/3/original/part-00000.parquet")
            .await
            .unwrap(),
        0
    );

    // Overwrite replaces everything.
    store.write("manifest-1.json", b"x").await.unwrap();
    assert_eq!(store.read("manifest-1.json").await.unwrap(), b"x");

    // Missing files.
    assert!(matches!(
        store.read("nope.json").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        store.read("no/such/dir.json").await,
        Err(Error::NotFound(_))
    ));
    assert!(
        matches!(store.size("tables/3").await, Err(Error::NotFound(_))),
        "a folder is not a file"
    );
    assert!(matches!(
        store.write("../escape", b"").await,
        Err(Error::Storage(_))
    ));
    assert!(matches!(
        store.write("a//b", b"").await,
        Err(Error::Storage(_))
    ));

    // Delete: missing is fine; emptied folders go away.
    store
        .delete("tables/3/steps/7/undo-00000.parquet")
        .await
        .unwrap();
    store
        .delete("tables/3/steps/7/undo-00000.parquet")
        .await
        .unwrap();
    store.delete("no/such/file").await.unwrap();
    let mut files = store.list().await.unwrap();
    files.sort();
    assert_eq!(
        files,
        [
            "manifest-1.json",
            "tables/3/big.bin",
            "tables/3/original/part-00000.parquet"
        ]
    );
    // Write again into the pruned folder.
    store
        .write("tables/3/steps/8/redo-00000.parquet", &[9])
        .await
        .unwrap();
    assert_eq!(
        store
            .read("tables/3/steps/8/redo-00000.parquet")
            .await
            .unwrap(),
        [9]
    );

    // A second handle on the same workspace sees the same files (reopen).
    let again = OpfsStore::open(store.name()).await.unwrap();
    assert_eq!(again.read("manifest-1.json").await.unwrap(), b"x");

    let name = store.name().to_owned();
    store.remove_all().await.unwrap();
    assert!(again.list().await.is_err() || again.list().await.unwrap().is_empty());
    let reopened = OpfsStore::open(&name).await.unwrap();
    assert!(reopened.list().await.unwrap().is_empty());
    reopened.remove_all().await.unwrap();

    assert!(matches!(
        OpfsStore::open("a/b").await,
        Err(Error::InvalidCommand(_))
    ));
    assert!(matches!(
        OpfsStore::open("").await,
        Err(Error::InvalidCommand(_))
    ));
}

#[wasm_bindgen_test]
async fn storage_estimate_reports_a_quota() {
    let (usage, quota) = storage_estimate().await.unwrap();
    console_log!("storage estimate: usage {usage} B, quota {quota} B");
    assert!(quota > 0);
}

#[wasm_bindgen_test]
async fn workspace_lock_is_exclusive() {
    let name = unique("lock");
    let lock = WorkspaceLock::acquire(&name).await.unwrap();
    assert_eq!(lock.workspace(), name);
    match WorkspaceLock::acquire(&name).await {
        Err(Error::WorkspaceBusy(n)) => assert_eq!(n, name),
        other => panic!("expected WorkspaceBusy, got {other:?}"),
    }
    // Another workspace is independent.
    let other = WorkspaceLock::acquire(&unique("lock")).await.unwrap();
    lock.release();
    // The browser frees the lock asynchronously: retry briefly.
    let mut again = None;
    for _ in 0..50 {
        match WorkspaceLock::acquire(&name).await {
            Ok(l) => {
                again = Some(l);
                break;
            }
            Err(Error::WorkspaceBusy(_)) => sleep_ms(10).await,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(again.is_some(), "lock was not released");
    drop(again);
    drop(other);
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap();
        let set_timeout: js_sys::Function = set_timeout.into();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn now_millis_is_monotonic() {
    let engine = engine().await;
    let a = engine.now_millis();
    sleep_ms(5).await;
    let b = engine.now_millis();
    assert!(b >= a + 4.0, "{a} -> {b}");
}

#[wasm_bindgen_test]
async fn other_arrow_types_are_converted() {
    let engine = engine().await;
    let table = unique("conv");
    let mut list =
        arrow_array::builder::ListBuilder::new(arrow_array::builder::LargeStringBuilder::new());
    list.values().append_value("a");
    list.values().append_null();
    list.append(true);
    list.append(true);
    list.append(false);
    let list = list.finish();
    let columns: Vec<(&str, ArrayRef)> = vec![
        (
            "i32",
            Arc::new(arrow_array::Int32Array::from(vec![1, 2, 3])),
        ),
        (
            "f32",
            Arc::new(arrow_array::Float32Array::from(vec![0.5, 1.0, -2.0])),
        ),
        (
            "view",
            Arc::new(arrow_array::StringViewArray::from(vec![
                Some("v"),
                None,
                Some("a longer string than twelve"),
            ])),
        ),
        (
            "berlin",
            Arc::new(
                TimestampMicrosecondArray::from(vec![Some(1_700_000_000_000_000), None, Some(0)])
                    .with_timezone("Europe/Berlin"),
            ),
        ),
        ("list", Arc::new(list)),
    ];
    engine
        .create_table_from_batches(&table, vec![batch(columns)])
        .await
        .unwrap();
    let types = duck_types(&engine, &table).await;
    console_log!("DuckDB column types from other Arrow types: {types:?}");
    assert_eq!(
        types,
        [
            "INTEGER",
            "FLOAT",
            "VARCHAR",
            "TIMESTAMP WITH TIME ZONE",
            "VARCHAR[]"
        ]
    );
    let got = engine
        .query(&format!("SELECT * FROM {table} ORDER BY i32"))
        .await
        .unwrap();
    let got = &got[0];
    for f in got.schema().fields() {
        console_log!("back: {}: {:?}", f.name(), f.data_type());
    }
    assert_eq!(
        got.column(2).as_string::<i32>().value(2),
        "a longer string than twelve"
    );
    assert!(got.column(2).is_null(1));
    assert_eq!(
        got.schema().field(3).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    assert_eq!(
        got.column(3)
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_700_000_000_000_000
    );
    let lists = got.column(4).as_list::<i32>();
    assert_eq!(
        lists.value(0).as_string::<i32>().iter().collect::<Vec<_>>(),
        [Some("a"), None]
    );
    assert_eq!(lists.value(1).len(), 0);
    assert!(lists.is_null(2));
    engine
        .execute(&format!("DROP TABLE {table}"))
        .await
        .unwrap();
}
