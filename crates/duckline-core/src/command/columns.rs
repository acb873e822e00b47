//! COMMANDS.md "Columns": new columns from data (tier 1: split, combine) and schema-only changes
//! (tier 2: add, delete, rename, reorder).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::params::{PlanCx, default_separator, default_varchar, json_literal, physical};
use super::{CommandSpec, Plan};
use crate::schema::ColumnMeta;
use crate::sql::{self, types};
use crate::{Error, Result};

/// Most columns one `split_column` may create.
pub const MAX_SPLIT_PARTS: u32 = 64;

/// `split_column`: new VARCHAR columns `<column>_1` .. `<column>_n` holding the parts of a column
/// split on a delimiter: `n` is the most parts any value has, capped by `maxParts`; the last part
/// keeps the rest (delimiters included). The original column stays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "SplitColumnParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitColumn {
    /// Column name.
    pub column: String,
    /// Literal delimiter (not a pattern), non-empty.
    pub delimiter: String,
    /// At most this many parts (2..=[`MAX_SPLIT_PARTS`]); without it the data decides, up to
    /// [`MAX_SPLIT_PARTS`] (more is refused with `InvalidCommand`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parts: Option<u32>,
}

impl CommandSpec for SplitColumn {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Split {} on {:?}", self.column, self.delimiter)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        if self.delimiter.is_empty() {
            return Err(Error::InvalidCommand(
                "split_column: delimiter must not be empty".into(),
            ));
        }
        if let Some(n) = self.max_parts
            && !(2..=MAX_SPLIT_PARTS).contains(&n)
        {
            return Err(Error::InvalidCommand(format!(
                "split_column: maxParts must be 2..{MAX_SPLIT_PARTS}, got {n}"
            )));
        }
        Ok(Plan::SplitColumn {
            column: meta.clone(),
            delimiter: self.delimiter.clone(),
            max_parts: self.max_parts,
        })
    }
}

/// `combine_columns`: a new VARCHAR column joining columns with a separator (NULL parts
/// skipped; NULL when every part is).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "CombineColumnsParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CombineColumns {
    /// Columns joined, in order.
    pub columns: Vec<String>,
    /// Separator (default one space).
    #[serde(default = "default_separator")]
    #[ts(optional = nullable)]
    pub separator: String,
    /// Name of the new column.
    pub new_column: String,
}

impl CommandSpec for CombineColumns {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!(
            "Combine {} into {}",
            self.columns.join(", "),
            self.new_column
        )
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        if self.columns.len() < 2 {
            return Err(Error::InvalidCommand(
                "combine_columns: columns needs at least two columns".into(),
            ));
        }
        let metas = self
            .columns
            .iter()
            .map(|n| cx.column(n))
            .collect::<Result<Vec<_>>>()?;
        cx.check_new_name(&self.new_column, None)?;
        let parts = metas
            .iter()
            .map(|m| format!("CAST({} AS VARCHAR)", physical(m)))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Plan::AddColumn {
            name: self.new_column.clone(),
            expression: format!(
                "CASE WHEN coalesce({parts}) IS NULL THEN NULL ELSE concat_ws({}, {parts}) END",
                sql::literal(&self.separator)
            ),
            null_warning: None,
            source: metas[0].clone(),
            helper: None,
        })
    }
}

/// `add_column`: a new column holding one constant value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AddColumnParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddColumn {
    /// Name of the new column.
    pub name: String,
    /// Its type (default VARCHAR).
    #[serde(rename = "type", default = "default_varchar")]
    #[ts(optional = nullable)]
    pub data_type: String,
    /// Its value (default NULL).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub value: serde_json::Value,
}

impl CommandSpec for AddColumn {
    const TIER: u8 = 2;
    fn label(&self) -> String {
        format!("Add column {}", self.name)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        cx.check_new_name(&self.name, None)?;
        let ty = types::parse_type("add_column", &self.data_type)?;
        let literal = json_literal(&self.value, "add_column")?;
        if types::literal_fits(&self.value, &ty) == Some(false) {
            return Err(Error::InvalidCommand(format!(
                "add_column: {} cannot be stored as {ty}",
                self.value
            )));
        }
        let source = cx
            .schema
            .first()
            .ok_or_else(|| Error::InvalidCommand("add_column: the table has no columns".into()))?;
        Ok(Plan::AddColumn {
            name: self.name.clone(),
            expression: format!("CAST({literal} AS {ty})"),
            null_warning: None,
            source: source.clone(),
            helper: None,
        })
    }
}

/// `delete_column`: delete a column (its values go to the undo delta).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "DeleteColumnParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteColumn {
    /// Column name.
    pub column: String,
}

impl CommandSpec for DeleteColumn {
    const TIER: u8 = 2;
    fn label(&self) -> String {
        format!("Delete column {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        if cx.schema.len() == 1 {
            return Err(Error::InvalidCommand(
                "delete_column: a table keeps at least one column".into(),
            ));
        }
        Ok(Plan::DeleteColumn {
            column: meta.clone(),
        })
    }
}

/// `rename_column`: rename a column (schema only: the manifest's display name changes, DuckDB's
/// physical column does not).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "RenameColumnParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RenameColumn {
    /// Current name.
    pub column: String,
    /// New name.
    pub new_name: String,
}

impl CommandSpec for RenameColumn {
    const TIER: u8 = 2;
    fn label(&self) -> String {
        format!("Rename {} to {}", self.column, self.new_name)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        cx.check_new_name(&self.new_name, Some(meta.id))?;
        let schema = cx
            .schema
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if c.id == meta.id {
                    c.name.clone_from(&self.new_name);
                }
                c
            })
            .collect();
        Ok(Plan::Schema { schema })
    }
}

/// `reorder_columns`: new column order (every column exactly once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ReorderColumnsParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReorderColumns {
    /// All column names in their new order.
    pub columns: Vec<String>,
}

impl CommandSpec for ReorderColumns {
    const TIER: u8 = 2;
    fn label(&self) -> String {
        "Reorder columns".into()
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let mut order: Vec<ColumnMeta> = Vec::with_capacity(self.columns.len());
        for name in &self.columns {
            let meta = cx.column(name)?;
            if order.iter().any(|c| c.id == meta.id) {
                return Err(Error::InvalidCommand(format!(
                    "reorder_columns: column {name:?} is listed twice"
                )));
            }
            order.push(meta.clone());
        }
        if order.len() != cx.schema.len() {
            let missing: Vec<&str> = cx
                .schema
                .iter()
                .filter(|c| !order.iter().any(|o| o.id == c.id))
                .map(|c| c.name.as_str())
                .collect();
            return Err(Error::InvalidCommand(format!(
                "reorder_columns: columns must list every column once; missing {}",
                missing.join(", ")
            )));
        }
        Ok(Plan::Schema { schema: order })
    }
}
