//! A step: a command applied to a table as one [`StepTx`] (`BEGIN` -> capture the delta -> write
//! its Parquet files -> change the table -> manifest -> `COMMIT`).
//!
//! [`Workspace::apply`] turns the command into a [`Plan`]; `run_plan` hands it to the capture of
//! its kind. Each child file pairs a delta kind's capture (what the step writes into its undo and
//! redo files) with its replay (what undo, redo and reload read back from them): `cells`,
//! `columns`, `rows`, `snapshot`.

use crate::call::{Call, Phase, Span};
use crate::command::{Command, Plan};
use crate::model::{ColumnMeta, StepInfo};
use crate::persist::manifest::{Delta, FileRef, StepRecord, TableEntry};
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::State;
use super::sql_results::{first_string, string_pairs};
use super::tx::StepTx;

mod cells;
mod columns;
mod rows;
mod snapshot;

/// The outcome of running a plan inside the step transaction.
struct Outcome {
    delta: Delta,
    schema_after: Vec<ColumnMeta>,
    row_count_after: u64,
    rows_affected: u64,
    warnings: Vec<String>,
    next_row_id: i64,
    next_column_id: u32,
    /// Nothing changed and the command is one of COMMANDS.md's step-less ones.
    stepless: bool,
}

/// What the capture of one plan works with: the table, the directory of its step's files, and the
/// open transaction's files and scratch tables (so that an abort can remove them).
struct StepCx<'a, E: Engine, S: Store> {
    ws: &'a Workspace<E, S>,
    st: &'a mut State,
    entry: &'a TableEntry,
    /// `t<id>`.
    table: String,
    /// `tables/<id>/steps/<step id>`.
    dir: String,
    written: &'a mut Vec<FileRef>,
    temps: &'a mut Vec<String>,
    call: &'a Call,
    /// Where the next delta file write starts reporting in [`Phase::Capture`].
    next_fraction: f64,
}

/// The fractions of a step's phases: capture (the delta and its files) up to this, execute (the
/// table changed) up to [`PERSIST_FRACTION`], then the manifest.
const EXECUTE_FRACTION: f64 = 0.8;
/// Where a step's [`Phase::Persist`] starts.
pub(super) const PERSIST_FRACTION: f64 = 0.9;

impl<E: Engine, S: Store> StepCx<'_, E, S> {
    /// The outcome of a step that changes nothing yet: the table's schema, counts and ids as they
    /// are.
    fn unchanged(&self) -> Outcome {
        Outcome {
            delta: Delta::Schema,
            schema_after: self.entry.schema().to_vec(),
            row_count_after: self.entry.row_count(),
            rows_affected: 0,
            warnings: Vec::new(),
            next_row_id: self.entry.next_row_id,
            next_column_id: self.entry.next_column_id,
            stepless: false,
        }
    }

    /// A new scratch table name, dropped when the step ends.
    fn scratch(&mut self, purpose: &str) -> String {
        let name = self.st.temp(purpose);
        self.temps.push(name.clone());
        name
    }

    /// Writes `select` as the step's `kind` files (`undo`, `redo`, ...). Its progress takes half
    /// of what is left of [`Phase::Capture`]: a capture writes one or two kinds of files, and
    /// their chunk counts are known only when each starts.
    async fn write(&mut self, kind: &str, select: &str) -> Result<Vec<FileRef>> {
        let prefix = format!("{}/{kind}", self.dir);
        let lo = self.next_fraction;
        self.next_fraction = lo + (EXECUTE_FRACTION - lo) / 2.0;
        let span = Span::new(Phase::Capture, lo, self.next_fraction);
        self.ws
            .write_chunks(select, &prefix, self.written, (self.call, span))
            .await
    }

    /// Enters [`Phase::Execute`]: the capture is done and the table changes next.
    ///
    /// Errors: [`Error::Cancelled`].
    fn executing(&self) -> Result<()> {
        self.call.report(Phase::Execute, EXECUTE_FRACTION, None)
    }

    async fn count(&self, query: &str) -> Result<u64> {
        self.ws.count(query).await
    }

    async fn execute(&self, statement: &str) -> Result<()> {
        self.ws.engine.execute(statement).await
    }
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Applies a command (JSON as in COMMANDS.md) as a new step; durable when it returns.
    /// Discards the redo branch (steps after the position) and its files.
    ///
    /// Reports progress to `call` (capture, execute, persist) and stops with
    /// [`Error::Cancelled`] when it is cancelled before the manifest is written.
    ///
    /// Errors: [`Error::InvalidCommand`] (unknown op, bad parameter, uncastable value),
    /// [`Error::NotFound`] (unknown table, column or row id), [`Error::Engine`],
    /// [`Error::StorageFull`], [`Error::Cancelled`]; after any error nothing changed.
    pub async fn apply(
        &self,
        table_id: u32,
        command: serde_json::Value,
        call: &Call,
    ) -> Result<StepInfo> {
        let started = self.engine.now_millis();
        let mut command = Command::from_json(command)?;
        let mut st = self.lock().await?;
        call.report(Phase::Capture, 0.0, None)?;
        let entry = st.entry(table_id)?.clone();
        if command.needs_today() {
            command.fill_defaults(&self.today().await?);
        }
        let plan = command.plan(entry.schema())?;
        command.forget_secrets();
        self.ensure_loaded(&mut st, table_id).await?;
        call.check()?;
        let mut tx = self.begin(table_id).await?;
        let outcome = match self.run_plan(&mut st, &entry, &plan, &mut tx, call).await {
            Ok(o) if !o.stepless => o,
            other => {
                tx.abort().await;
                let o = other?;
                let mut info = StepInfo {
                    index: entry.position,
                    label: command.label(),
                    tier: command.tier(),
                    command,
                    rows_affected: 0,
                    bytes_written: 0,
                    duration_ms: 0.0,
                    warnings: o.warnings,
                };
                info.duration_ms = self.engine.now_millis() - started;
                call.notify(Phase::Persist, 1.0, None);
                return Ok(info);
            }
        };
        let files_bytes: u64 = tx.written.iter().map(|f| f.bytes).sum();
        let mut new_entry = entry.clone();
        new_entry.steps.truncate(entry.position);
        let info = StepInfo {
            index: entry.position + 1,
            label: command.label(),
            tier: command.tier(),
            command,
            rows_affected: outcome.rows_affected,
            bytes_written: files_bytes,
            duration_ms: 0.0,
            warnings: outcome.warnings,
        };
        new_entry.steps.push(StepRecord {
            id: entry.next_step_id,
            info,
            schema_before: entry.schema().to_vec(),
            schema_after: outcome.schema_after,
            row_count_before: entry.row_count(),
            row_count_after: outcome.row_count_after,
            delta: outcome.delta,
        });
        new_entry.position = entry.position + 1;
        new_entry.next_step_id = entry.next_step_id + 1;
        new_entry.next_row_id = outcome.next_row_id;
        new_entry.next_column_id = outcome.next_column_id;
        let manifest = call
            .report(Phase::Persist, PERSIST_FRACTION, None)
            .and_then(|()| {
                self.manifest_with(
                    &st,
                    new_entry,
                    |e, manifest_bytes, elapsed| {
                        let step = e.steps.last_mut().expect("a step was just pushed");
                        step.info.bytes_written = files_bytes + manifest_bytes;
                        step.info.duration_ms = elapsed;
                    },
                    started,
                )
            });
        tx.commit(&mut st, manifest)
            .await?
            .finish(&mut st, entry.position..entry.position + 1)
            .await;
        call.notify(Phase::Persist, 1.0, None);
        Ok(st.entry(table_id)?.steps[entry.position].info.clone())
    }

    /// Today's UTC date `YYYY-MM-DD`, from DuckDB's clock. `current_date` lives in the ICU
    /// extension, which DuckDB-WASM lacks offline; the core timestamp cast to DATE does not.
    async fn today(&self) -> Result<String> {
        let batches = self
            .engine
            .query(
                "SELECT CAST(CAST(CAST(get_current_timestamp() AS TIMESTAMP) AS DATE) AS VARCHAR)",
            )
            .await?;
        Ok(first_string(&batches, 0).unwrap_or_else(|| "1970-01-01".into()))
    }

    /// Runs a plan inside the open transaction: captures the delta, writes its files, changes the
    /// table. One capture per plan kind, in the file of its delta kind.
    async fn run_plan(
        &self,
        st: &mut State,
        entry: &TableEntry,
        plan: &Plan,
        tx: &mut StepTx<'_, E, S>,
        call: &Call,
    ) -> Result<Outcome> {
        let mut cx = StepCx {
            ws: self,
            st,
            entry,
            table: sql::table_name(entry.id),
            dir: format!("tables/{}/steps/{}", entry.id, entry.next_step_id),
            written: &mut tx.written,
            temps: &mut tx.temps,
            call,
            next_fraction: 0.0,
        };
        match plan {
            Plan::Cells(plan) => cx.cells(plan).await,
            Plan::AddColumn {
                name,
                expression,
                null_warning,
                source,
                helper,
            } => {
                cx.add_column(name, expression, *null_warning, source, helper.as_deref())
                    .await
            }
            Plan::SplitColumn {
                column,
                delimiter,
                max_parts,
            } => cx.split_column(column, delimiter, *max_parts).await,
            Plan::DeleteColumn { column } => cx.delete_column(column).await,
            Plan::Schema { schema } => Ok(cx.schema(schema)),
            Plan::DeleteRows {
                selector,
                stepless_when_unchanged,
                expected_row_count,
            } => {
                cx.delete_rows(selector, *stepless_when_unchanged, *expected_row_count)
                    .await
            }
            Plan::InsertRow { after, values } => cx.insert_row(*after, values).await,
            Plan::CustomSql { statement } => cx.custom_sql(statement).await,
        }
    }

    /// The DuckDB type of `expression` evaluated over `source`.
    async fn expression_type(&self, source: &str, expression: &str) -> Result<String> {
        let described = self
            .engine
            .query(&format!(
                "DESCRIBE SELECT {expression} AS new_value FROM {source}"
            ))
            .await?;
        string_pairs(&described, 0, 1)?
            .into_iter()
            .next()
            .map(|(_, ty)| ty)
            .ok_or_else(|| Error::Engine("DESCRIBE returned no column".into()))
    }

    /// Errors with [`Error::InvalidCommand`] unless the SQL literal `value` casts to `column`'s type.
    async fn check_castable(&self, op: &str, value: &str, column: &ColumnMeta) -> Result<()> {
        if value == "NULL" {
            return Ok(());
        }
        let ok = self
            .count(&format!(
                "SELECT count(*) WHERE TRY_CAST({value} AS {}) IS NOT NULL",
                column.data_type
            ))
            .await?;
        if ok == 0 {
            return Err(Error::InvalidCommand(format!(
                "{op}: {value} cannot be stored in column {:?} of type {}",
                column.name, column.data_type
            )));
        }
        Ok(())
    }
}

/// SQL predicate: `column` holds something other than NULL, empty or whitespace.
fn non_empty(column: &str) -> String {
    format!(
        "{column} IS NOT NULL AND trim(CAST({column} AS VARCHAR), {}) <> ''",
        sql::literal(sql::UNICODE_WHITESPACE)
    )
}

fn push_warning(warnings: &mut Vec<String>, count: u64, what: &str) {
    if count > 0 {
        let noun = if count == 1 { "value" } else { "values" };
        warnings.push(format!(
            "{} {noun} {what} and became NULL",
            thousands(count)
        ));
    }
}

/// `1204` -> `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(12), "12");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
