//! Recipes (API.md `table.recipe()` / `table.applyRecipe(recipe)`): the commands of a table's
//! timeline up to its position, as versioned JSON, replayable on another table.
//!
//! `applyRecipe` validates the whole recipe before anything runs: the version, every step's op and
//! parameters ([`Command::from_json`]), and every column a step names, by simulating the schema
//! step by step ([`Command::plan`]). A bad recipe is [`Error::InvalidInput`] naming the 1-based
//! step and the reason, and nothing is applied. After a `split_column` or `custom_sql` step the
//! schema depends on the data, so the columns of later steps are checked when they run.
//!
//! Then each command is applied as one step. All or nothing: if a step fails at run time (a row
//! id that does not exist, DuckDB refusing a cast...), the table goes back to the position it had
//! before the call and the error is returned. The steps that call had already applied stay in the
//! timeline after the position, as redoable steps (like after an undo); as with any apply, the
//! first step discarded the redo branch the table had before the call.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::call::Call;
use crate::command::{Command, Plan};
use crate::model::{ColumnMeta, StepInfo};
use crate::{Engine, Error, Result, Store, Workspace};

/// The recipe format version this build writes and reads.
pub const RECIPE_VERSION: u32 = 1;

/// API.md `Recipe`: `{ version: 1, steps: Command[] }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Recipe {
    /// Format version, [`RECIPE_VERSION`].
    #[ts(type = "1")]
    pub version: u32,
    /// The commands, as stored (defaults filled in, e.g. `calculate_age.asOf`).
    pub steps: Vec<Command>,
}

impl Recipe {
    /// Parses and validates a recipe's JSON against the schema it will start from.
    ///
    /// Errors: [`Error::InvalidInput`] naming the failing step (1-based) and why.
    ///
    /// `secrets` are the keys of the recipe's `hash` steps whose `secret` is `null` (as every
    /// recipe from `recipe()` has), one per such step, in order; a missing one, or one too many, is
    /// [`Error::InvalidInput`].
    pub fn validate(
        json: serde_json::Value,
        schema: &[ColumnMeta],
        secrets: &[String],
    ) -> Result<Self> {
        let bad = |m: String| Error::InvalidInput(format!("bad recipe: {m}"));
        let serde_json::Value::Object(mut object) = json else {
            return Err(bad("a recipe is an object { version, steps }".into()));
        };
        if let Some(key) = object
            .keys()
            .find(|k| !matches!(k.as_str(), "version" | "steps"))
        {
            return Err(bad(format!("unknown field {key:?}")));
        }
        match object.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(RECIPE_VERSION) => {}
            Some(v) => {
                return Err(bad(format!(
                    "unsupported version {v} (this build reads version {RECIPE_VERSION})"
                )));
            }
            None => return Err(bad("\"version\" must be a number".into())),
        }
        let Some(serde_json::Value::Array(steps)) = object.remove("steps") else {
            return Err(bad("\"steps\" must be an array of commands".into()));
        };
        let mut schema = schema.to_vec();
        let mut next_id = schema.iter().map(|c| c.id).max().unwrap_or(0) + 1;
        // After `split_column` or `custom_sql` the schema depends on the data: later steps are
        // checked for their op and parameters only, their columns when they run.
        let mut schema_known = true;
        let mut commands = Vec::with_capacity(steps.len());
        let mut secrets = secrets.iter();
        for (i, step) in steps.into_iter().enumerate() {
            let at = |e: Error| bad(format!("step {}: {e}", i + 1));
            let mut command = Command::from_json(step).map_err(at)?;
            if let Command::Hash(hash) = &mut command
                && hash.secret.is_none()
            {
                let secret = secrets.next().ok_or_else(|| {
                    bad(format!(
                        "step {}: hash has no secret (secrets are never stored): pass one per hash step in secrets",
                        i + 1
                    ))
                })?;
                hash.secret = Some(secret.clone());
            }
            if !schema_known {
                if let Command::CustomSql(c) = &command {
                    crate::command::custom_sql::check(&c.sql).map_err(at)?;
                }
                commands.push(command);
                continue;
            }
            match command.plan(&schema).map_err(at)? {
                Plan::Schema { schema: after } => schema = after,
                Plan::AddColumn { name, .. } => {
                    // The real type is known only when the step runs; a placeholder suffices to
                    // check the names later steps use.
                    schema.push(ColumnMeta {
                        id: next_id,
                        name,
                        data_type: "VARCHAR".into(),
                    });
                    next_id += 1;
                }
                Plan::DeleteColumn { column } => schema.retain(|c| c.id != column.id),
                Plan::SplitColumn { .. } | Plan::CustomSql { .. } => schema_known = false,
                Plan::Cells(_) | Plan::DeleteRows { .. } | Plan::InsertRow { .. } => {}
            }
            commands.push(command);
        }
        if secrets.next().is_some() {
            return Err(bad("more secrets than hash steps without a secret".into()));
        }
        Ok(Self {
            version: RECIPE_VERSION,
            steps: commands,
        })
    }
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// The commands of the steps up to the table's position, as a [`Recipe`].
    ///
    /// Errors: [`Error::NotFound`] (unknown table).
    pub async fn recipe(&self, table_id: u32) -> Result<Recipe> {
        let st = self.lock().await?;
        let entry = st.entry(table_id)?;
        Ok(Recipe {
            version: RECIPE_VERSION,
            steps: entry.steps[..entry.position]
                .iter()
                .map(|s| s.info.command.clone())
                .collect(),
        })
    }

    /// Validates `recipe` (see the module docs), then applies its commands as steps, returning
    /// one [`StepInfo`] per command (a step-less command gives the step-less info).
    ///
    /// Each step reports to its equal part of `call` (see [`Workspace::apply`]); cancelling is a
    /// run-time failure of the step under way.
    ///
    /// Errors: [`Error::InvalidInput`] for a bad recipe (nothing applied); [`Error::NotFound`]
    /// (unknown table); a run-time failure of a step ([`Error::Cancelled`] included) returns that
    /// step's error after moving the table back to its starting position (the module docs say
    /// what stays redoable).
    pub async fn apply_recipe(
        &self,
        table_id: u32,
        recipe: serde_json::Value,
        secrets: &[String],
        call: &Call,
    ) -> Result<Vec<StepInfo>> {
        let (schema, start) = {
            let st = self.lock().await?;
            let entry = st.entry(table_id)?;
            (entry.schema().to_vec(), entry.position)
        };
        let recipe = Recipe::validate(recipe, &schema, secrets)?;
        let count = recipe.steps.len();
        let mut infos = Vec::with_capacity(count);
        for (i, command) in recipe.steps.into_iter().enumerate() {
            let json = serde_json::to_value(&command)
                .map_err(|e| Error::InvalidInput(format!("bad recipe: step {}: {e}", i + 1)))?;
            match self.apply(table_id, json, &call.part(i, count)).await {
                Ok(info) => infos.push(info),
                Err(e) => {
                    if !infos.is_empty() {
                        self.goto(table_id, start, &Call::none()).await?;
                    }
                    return Err(e);
                }
            }
        }
        Ok(infos)
    }
}
