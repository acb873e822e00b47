//! Cell rewrites ([`Plan::Cells`], e.g. trim, `edit_cell`, `standardize_date`) and their delta
//! [`Delta::Cells`]: capture writes the old and new values of the changed cells (every value when
//! the column is retyped), replay sets them back.

use crate::command::CellsPlan;
use crate::persist::manifest::{Delta, FileRef};
use crate::sql::{self, ROW_ID};
use crate::{Engine, Error, Result, Store};

use super::super::replay::Replay;
use super::super::sql_results::column_type;
use super::{Outcome, StepCx, non_empty, push_warning};

impl<E: Engine, S: Store> StepCx<'_, E, S> {
    /// [`Plan::Cells`]: the changed cells' old and new values, the column retyped when the
    /// expression's type differs (then every value is stored).
    #[expect(
        clippy::too_many_lines,
        reason = "capture of one Cells step in sequence: checks, retype detection, delta files, the rewrite"
    )]
    pub(super) async fn cells(&mut self, plan: &CellsPlan) -> Result<Outcome> {
        let CellsPlan {
            column,
            expression,
            null_warning,
            filter,
            stepless_when_unchanged,
            cast_check,
        } = plan;
        let (null_warning, stepless_when_unchanged) = (*null_warning, *stepless_when_unchanged);
        let (filter, cast_check) = (filter.as_deref(), cast_check.as_deref());
        let table = self.table.clone();
        let mut outcome = self.unchanged();
        let physical = sql::ident(&sql::column_name(column.id));
        if let Some(value) = cast_check {
            self.ws.check_castable("edit_cell", value, column).await?;
        }
        if let Some(filter) = filter {
            let n = self
                .count(&format!("SELECT count(*) FROM {table} WHERE {filter}"))
                .await?;
            if n == 0 {
                return Err(Error::NotFound(format!("no row matches {filter}")));
            }
        }
        let new_type = self.ws.expression_type(&table, expression).await?;
        let full = !new_type.eq_ignore_ascii_case(&column.data_type);
        let changes = self.scratch("changes");
        let where_filter = filter.map(|f| format!(" WHERE {f}")).unwrap_or_default();
        let capture = format!(
            "SELECT {ROW_ID}, {physical} AS old_value, {expression} AS new_value FROM {table}{where_filter}"
        );
        let capture = if full {
            capture
        } else {
            format!("SELECT * FROM ({capture}) WHERE old_value IS DISTINCT FROM new_value")
        };
        self.execute(&format!("CREATE TABLE {changes} AS {capture}"))
            .await?;
        // A retype changes every non-NULL cell, even when its text stays the same.
        let changed = if full {
            "old_value IS NOT NULL OR new_value IS NOT NULL"
        } else {
            "CAST(old_value AS VARCHAR) IS DISTINCT FROM CAST(new_value AS VARCHAR)"
        };
        outcome.rows_affected = self
            .count(&format!("SELECT count(*) FROM {changes} WHERE {changed}"))
            .await?;
        if let Some(what) = null_warning {
            let failed = self
                .count(&format!(
                    "SELECT count(*) FROM {changes} WHERE new_value IS NULL AND {}",
                    non_empty("old_value")
                ))
                .await?;
            push_warning(&mut outcome.warnings, failed, what);
        }
        if stepless_when_unchanged && outcome.rows_affected == 0 {
            outcome.stepless = true;
            return Ok(outcome);
        }
        let not_null = |c: &str| {
            if full {
                format!(" WHERE {c} IS NOT NULL")
            } else {
                String::new()
            }
        };
        let undo = self
            .write(
                "undo",
                &format!(
                    "SELECT {ROW_ID}, old_value AS value FROM {changes}{}",
                    not_null("old_value")
                ),
            )
            .await?;
        let redo = self
            .write(
                "redo",
                &format!(
                    "SELECT {ROW_ID}, new_value AS value FROM {changes}{}",
                    not_null("new_value")
                ),
            )
            .await?;
        self.executing()?;
        if full {
            self.execute(&format!(
                    "ALTER TABLE {table} ALTER COLUMN {physical} SET DATA TYPE {new_type} USING CAST(NULL AS {new_type})"
                ))
                .await?;
        }
        self.execute(&format!(
                "UPDATE {table} SET {physical} = c.new_value FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}"
            ))
            .await?;
        for c in &mut outcome.schema_after {
            if c.id == column.id {
                c.data_type.clone_from(&new_type);
            }
        }
        outcome.delta = Delta::Cells {
            column_id: column.id,
            full,
            undo,
            redo,
        };
        Ok(outcome)
    }
}

impl<E: Engine, S: Store> Replay<'_, E, S> {
    /// Replays [`Delta::Cells`]: the column retyped first when the step retyped it (`full`).
    pub(in crate::workspace) async fn cells(
        &mut self,
        column_id: u32,
        full: bool,
        old: &[FileRef],
        new: &[FileRef],
    ) -> Result<()> {
        let (files, schema) = if self.undo {
            (old, &self.step.schema_before)
        } else {
            (new, &self.step.schema_after)
        };
        let column = sql::ident(&sql::column_name(column_id));
        if full {
            let ty = column_type(schema, column_id)?;
            let table = self.table;
            self.execute(&format!(
                "ALTER TABLE {table} ALTER COLUMN {column} SET DATA TYPE {ty} USING CAST(NULL AS {ty})"
            ))
            .await?;
        }
        self.update(&column, files).await
    }
}
