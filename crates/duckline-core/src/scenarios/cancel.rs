//! Cancel and progress: every long call cancelled at each of its check points in turn rejects
//! with `Cancelled` and changes nothing; run to the end, it reports its phases in order with a
//! fraction that never decreases and ends at 1.

use std::cell::RefCell;

use super::*;
use crate::export::{ExportFormat, ExportOptions};
use crate::{Observer, Phase, Progress};

/// Cancels at its `at`-th check point (1-based) and records every report.
struct CancelAt {
    at: usize,
    checks: Cell<usize>,
    reports: RefCell<Vec<Progress>>,
}

impl Observer for CancelAt {
    fn cancelled(&self) -> bool {
        self.checks.set(self.checks.get() + 1);
        self.checks.get() >= self.at
    }

    fn progress(&self, progress: &Progress) {
        self.reports.borrow_mut().push(progress.clone());
    }
}

/// One long call of the scenario.
enum Long {
    ImportCsv(&'static str),
    ImportParquet(&'static str, Vec<u8>),
    Apply(Value),
    Recipe(Value),
    Undo,
    Redo,
    Goto(usize),
    Diff(usize),
    Export(ExportFormat),
}

impl Long {
    async fn run<E: Engine, S: Store>(
        &self,
        ws: &Workspace<E, S>,
        t: u32,
        call: &Call,
    ) -> crate::Result<()> {
        match self {
            Self::ImportCsv(name) => {
                let bytes = PEOPLE_CSV.as_bytes().to_vec();
                let options = CsvOptions {
                    null_strings: Some(vec!["NA".into()]),
                    ..CsvOptions::default()
                };
                ws.import_csv(name, bytes, &options, call).await.map(drop)
            }
            Self::ImportParquet(name, bytes) => {
                ws.import_parquet(name, bytes.clone(), call).await.map(drop)
            }
            Self::Apply(command) => ws.apply(t, command.clone(), call).await.map(drop),
            Self::Recipe(recipe) => ws
                .apply_recipe(t, recipe.clone(), &[], call)
                .await
                .map(drop),
            Self::Undo => ws.undo(t, call).await.map(drop),
            Self::Redo => ws.redo(t, call).await.map(drop),
            Self::Goto(position) => ws.goto(t, *position, call).await,
            Self::Diff(from) => {
                let id = ws.diff(t, *from, call).await?;
                ws.diff_close(id).await
            }
            Self::Export(format) => ws
                .export(t, *format, &ExportOptions::default(), call)
                .await
                .map(drop),
        }
    }

    fn name(&self) -> String {
        match self {
            Self::ImportCsv(_) => "importCsv".into(),
            Self::ImportParquet(..) => "importParquet".into(),
            Self::Apply(command) => format!("apply {}", command["op"]),
            Self::Recipe(_) => "applyRecipe".into(),
            Self::Undo => "undo".into(),
            Self::Redo => "redo".into(),
            Self::Goto(position) => format!("goto {position}"),
            Self::Diff(from) => format!("diff from {from}"),
            Self::Export(format) => format!("export {format:?}"),
        }
    }
}

/// Each long call, cancelled at its 1st, 2nd, ... check point until it completes. Each cancelled
/// run: `Cancelled`, and the table (content, row ids, timeline), the table list and every stored
/// file as before. The completed run: phases in order, fractions never decreasing, the last 1.
/// Chunks of 2 rows, so that the people table's delta files come in several chunks. Prints the
/// number of cancel points tried.
pub async fn cancel_changes_nothing<H: Harness>(h: &H) {
    let ws = open(h).await.with_chunk_row_count(2);
    let t = people::<H>(&ws).await;
    let parquet = ws
        .export(
            t,
            ExportFormat::Parquet,
            &ExportOptions::default(),
            &Call::none(),
        )
        .await
        .expect("parquet of people");
    let calls = vec![
        Long::ImportCsv("second"),
        Long::ImportParquet("third", parquet),
        Long::Apply(json!({"op": "trim", "column": "name"})),
        Long::Apply(json!({"op": "remove_duplicates"})),
        Long::Apply(json!({"op": "add_column", "name": "extra", "value": "x"})),
        Long::Apply(json!({"op": "delete_column", "column": "extra"})),
        Long::Apply(json!({"op": "insert_row", "after": null, "values": {"name": "Zed"}})),
        Long::Apply(json!({"op": "custom_sql", "sql": "UPDATE {table} SET city = upper(city)"})),
        Long::Recipe(json!({"version": 1, "steps": [
            {"op": "uppercase", "column": "name"},
            {"op": "lowercase", "column": "notes"},
        ]})),
        Long::Undo,
        Long::Redo,
        Long::Goto(0),
        Long::Goto(8),
        Long::Diff(0),
        Long::Export(ExportFormat::Csv),
        Long::Export(ExportFormat::Parquet),
    ];
    let mut tried = 0;
    for long in &calls {
        let name = long.name();
        for at in 1.. {
            let state = snapshot(&ws, t, 100).await;
            let stored = files(&h.store().await).await;
            let tables = ws.tables().await.expect("tables");
            let observer = Rc::new(CancelAt {
                at,
                checks: Cell::new(0),
                reports: RefCell::new(Vec::new()),
            });
            match long.run(&ws, t, &Call::new(observer.clone())).await {
                Err(e) => {
                    assert_eq!(e.code(), ErrorCode::Cancelled, "{name} at {at}: {e}");
                    tried += 1;
                    let what = format!("{name} cancelled at check point {at}");
                    let now = snapshot(&ws, t, 100).await;
                    if matches!(long, Long::Recipe(_)) {
                        // A recipe goes back to where it started; the steps it had applied stay
                        // redoable (Workspace::apply_recipe).
                        assert_eq!(now.rows, state.rows, "{what}");
                        assert_eq!(now.timeline.position, state.timeline.position, "{what}");
                        continue;
                    }
                    assert_eq!(now, state, "{what}");
                    assert_eq!(files(&h.store().await).await, stored, "{what}");
                    assert_eq!(ws.tables().await.expect("tables"), tables, "{what}");
                }
                Ok(()) => {
                    assert!(at > 1, "{name}: no check point");
                    let per_step = matches!(long, Long::Recipe(_));
                    check_reports(&name, &observer.reports.borrow(), per_step);
                    break;
                }
            }
        }
    }
    let before_reopen = snapshot(&ws, t, 100).await;
    ws.close().await.expect("close");
    let ws = open(h).await;
    assert_eq!(snapshot(&ws, t, 100).await, before_reopen, "reopen");
    println!("cancel points tried: {tried} over {} calls", calls.len());
}

/// Fractions never decrease and stay in `0..=1`, the last is 1; phases never go back (with
/// `per_step`, a recipe's, only within each of its steps).
fn check_reports(name: &str, reports: &[Progress], per_step: bool) {
    let last = reports.last().expect("progress reports");
    assert!(
        (last.fraction - 1.0).abs() < 1e-9,
        "{name}: ends at {}",
        last.fraction
    );
    for pair in reports.windows(2) {
        assert!(pair[0].fraction <= pair[1].fraction, "{name}: {pair:?}");
        let restart = per_step && pair[1].phase == Phase::Capture;
        assert!(
            restart || pair[0].phase <= pair[1].phase,
            "{name}: {pair:?}"
        );
    }
    assert!(
        reports.iter().all(|p| (0.0..=1.0).contains(&p.fraction)),
        "{name}: {reports:?}"
    );
    assert_eq!(reports[0].phase, Phase::Capture, "{name}");
}
