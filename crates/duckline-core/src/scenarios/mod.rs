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
use crate::{Call, Engine, ErrorCode, Store, Workspace};

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
    /// The fault scenario tries every `fault_stride`-th fault point of each call kind (1: all of
    /// them). Natively all run in about a minute; on OPFS each point costs ~4 s, so the browser
    /// samples.
    fn fault_stride(&self) -> u32 {
        1
    }
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
        &Call::none(),
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

async fn import_fixture<H: Harness>(ws: &Ws<H>, name: &str, csv: &str) -> u32 {
    ws.import_csv(
        name,
        csv.as_bytes().to_vec(),
        &CsvOptions {
            null_strings: Some(vec!["NA".into()]),
            ..CsvOptions::default()
        },
        &Call::none(),
    )
    .await
    .unwrap_or_else(|e| panic!("import {name}: {e}"))
}

mod bad_input;
mod cancel;
mod cases;
mod clusters;
mod commands;
mod damage;
mod derived;
mod diff;
mod export;
mod faults;
mod flights;
mod import;
mod json_xlsx;
mod real_files;
mod recipe;
mod reopen;
mod secrets;
mod timeline;

pub use bad_input::bad_input_changes_nothing;
pub use cancel::cancel_changes_nothing;
pub use clusters::{
    CLUSTER_CSV, CLUSTER_METHODS_CSV, clusters_every_method, clusters_fingerprint_and_ngram,
};
pub use commands::{commands_undo_redo, stepless_commands, time_zone_timestamps};
pub use damage::damaged_manifests_destroy_nothing;
pub use derived::stack_and_join;
pub use diff::{compare_tables, diff_counts_and_pages};
pub use export::{EXPORT_CSV, export_csv_and_parquet};
pub use faults::{
    CallKind, FaultCounts, Faults, FaultyStore, faults_leave_the_last_committed_state,
};
pub use flights::flights_main_job;
pub use import::{import_and_pages, odd_names_and_long_values};
pub use json_xlsx::json_and_xlsx_imports;
pub use real_files::csv_encodings_and_quirks;
pub use recipe::recipe_round_trip_and_bad_recipes;
pub use reopen::{reopen_first_page_preview, reopen_restores_everything};
pub use secrets::secrets_are_never_stored;
pub use timeline::{bytes_written_are_the_files_written, redo_branch_discard};

/// Declares one test per scenario, from the one list of scenario names below (both platforms run
/// exactly this list; a new scenario is one line here).
///
/// - `scenario_tests!(native: make)`: `#[test]`s run with `futures::executor::block_on`; `make` is
///   `fn(&str) -> impl Harness` (given the scenario name).
/// - `scenario_tests!(browser: make)`: `#[wasm_bindgen_test]`s; `make` is
///   `async fn(&str) -> impl Harness`.
#[macro_export]
macro_rules! scenario_tests {
    ($platform:ident: $harness:expr) => {
        $crate::scenario_tests!(@$platform $harness;
            import_and_pages
            odd_names_and_long_values
            csv_encodings_and_quirks
            json_and_xlsx_imports
            commands_undo_redo
            stepless_commands
            time_zone_timestamps
            redo_branch_discard
            bytes_written_are_the_files_written
            reopen_restores_everything
            reopen_first_page_preview
            diff_counts_and_pages
            compare_tables
            bad_input_changes_nothing
            flights_main_job
            faults_leave_the_last_committed_state
            cancel_changes_nothing
            damaged_manifests_destroy_nothing
            stack_and_join
            export_csv_and_parquet
            recipe_round_trip_and_bad_recipes
            secrets_are_never_stored
            clusters_fingerprint_and_ngram
            clusters_every_method
        );
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
