//! COMMANDS.md "Values clustering" (tier 1): `mass_edit`, the step a person sends after picking
//! clusters from `table.clusters`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::params::{MassEditGroup, PlanCx, physical};
use super::{CommandSpec, Plan};
use crate::sql::{self, types};
use crate::{Error, Result};

/// `mass_edit`: every cell equal to one of `from` becomes `to` (first matching group wins).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "MassEditParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MassEdit {
    /// Column name.
    pub column: String,
    /// The edits, applied first match first.
    pub edits: Vec<MassEditGroup>,
}

impl CommandSpec for MassEdit {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        match self.edits.iter().map(|e| e.from.len()).sum::<usize>() {
            1 => format!("Edit 1 value of {}", self.column),
            n => format!("Edit {n} values of {}", self.column),
        }
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        if self.edits.is_empty() || self.edits.iter().any(|e| e.from.is_empty()) {
            return Err(Error::InvalidCommand(
                "mass_edit: edits must be a non-empty list of { from: [...], to } with non-empty from".into(),
            ));
        }
        let physical = physical(meta);
        let v = format!("CAST({physical} AS VARCHAR)");
        let mut arms = String::new();
        for edit in &self.edits {
            let to = serde_json::Value::String(edit.to.clone());
            if types::literal_fits(&to, &meta.data_type) == Some(false) {
                return Err(Error::InvalidCommand(format!(
                    "mass_edit: {:?} cannot be stored in column {:?} of type {}",
                    edit.to, meta.name, meta.data_type
                )));
            }
            let from = edit
                .from
                .iter()
                .map(|f| sql::literal(f))
                .collect::<Vec<_>>()
                .join(", ");
            arms.push_str(&format!(
                " WHEN {v} IN ({from}) THEN CAST({} AS {})",
                sql::literal(&edit.to),
                meta.data_type
            ));
        }
        Ok(Plan::cells(
            meta.clone(),
            format!("CASE{arms} ELSE {physical} END"),
        ))
    }
}
