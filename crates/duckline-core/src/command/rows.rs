//! COMMANDS.md "Rows" (tier 3): removing duplicates, deleting, inserting and filtering rows.
//! Deleted rows go whole into the undo delta; the selection is a [`RowSelector`] the executor
//! renders for its table.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::params::{FilterOperator, PlanCx, default_true, json_literal, physical};
use super::{CommandSpec, Plan, RowSelector};
use crate::schema::ColumnMeta;
use crate::sql::{ROW_ID, types};
use crate::{Error, Result};

/// `remove_duplicates`: keep the first row of each group of equal rows, in display order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "RemoveDuplicatesParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveDuplicates {
    /// Columns that define equality (default all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl CommandSpec for RemoveDuplicates {
    const TIER: u8 = 3;
    fn label(&self) -> String {
        match &self.columns {
            None => "Remove duplicate rows".into(),
            Some(c) => format!("Remove duplicates by {}", c.join(", ")),
        }
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let keys: Vec<ColumnMeta> = match &self.columns {
            None => cx.schema.to_vec(),
            Some(names) if names.is_empty() => {
                return Err(Error::InvalidCommand(
                    "remove_duplicates: columns must not be empty (omit it for all columns)".into(),
                ));
            }
            Some(names) => names
                .iter()
                .map(|n| cx.column(n).cloned())
                .collect::<Result<_>>()?,
        };
        Ok(Plan::DeleteRows {
            selector: RowSelector::DuplicatesBy(keys),
            stepless_when_unchanged: true,
            expected_row_count: None,
        })
    }
}

/// `delete_rows`: delete rows by row id (every id must exist, else `NotFound`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "DeleteRowsParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteRows {
    /// Row ids to delete.
    pub row_ids: Vec<i64>,
}

impl CommandSpec for DeleteRows {
    const TIER: u8 = 3;
    fn label(&self) -> String {
        match self.row_ids.len() {
            1 => "Delete 1 row".into(),
            n => format!("Delete {n} rows"),
        }
    }
    fn plan(&self, _cx: &PlanCx<'_>) -> Result<Plan> {
        if self.row_ids.is_empty() {
            return Err(Error::InvalidCommand("delete_rows: rowIds is empty".into()));
        }
        let list = self
            .row_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Plan::DeleteRows {
            selector: RowSelector::Where(format!("{ROW_ID} IN ({list})")),
            stepless_when_unchanged: false,
            expected_row_count: Some(self.row_ids.iter().collect::<BTreeSet<_>>().len() as u64),
        })
    }
}

/// `insert_row`: insert one row after a row (or at the top).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "InsertRowParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InsertRow {
    /// Row id to insert after; `null` inserts at the top.
    pub after: Option<i64>,
    /// Values by column name; missing ones are NULL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<serde_json::Map<String, serde_json::Value>>,
}

impl CommandSpec for InsertRow {
    const TIER: u8 = 3;
    fn label(&self) -> String {
        "Insert row".into()
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let mut values = Vec::new();
        for (name, value) in self.values.iter().flatten() {
            let meta = cx.column(name)?;
            values.push((meta.clone(), json_literal(value, "insert_row")?));
        }
        Ok(Plan::InsertRow {
            after: self.after,
            values,
        })
    }
}

/// `filter_rows`: keep (or drop) the rows matching a condition on one column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "FilterRowsParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterRows {
    /// Column name.
    pub column: String,
    /// Comparison.
    pub operator: FilterOperator,
    /// Operand (absent for `is_null` / `is_not_null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// True keeps the matching rows, false drops them.
    #[serde(default = "default_true")]
    #[ts(optional = nullable)]
    pub keep: bool,
}

impl CommandSpec for FilterRows {
    const TIER: u8 = 3;
    fn label(&self) -> String {
        let verb = if self.keep { "Keep" } else { "Remove" };
        let (column, op) = (&self.column, self.operator.as_str());
        match &self.value {
            Some(serde_json::Value::String(v)) => format!("{verb} rows where {column} {op} {v:?}"),
            Some(serde_json::Value::Null) | None => format!("{verb} rows where {column} {op}"),
            Some(v) => format!("{verb} rows where {column} {op} {v}"),
        }
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let condition = self.condition(meta)?;
        let delete = if self.keep { "IS NOT TRUE" } else { "IS TRUE" };
        Ok(Plan::DeleteRows {
            selector: RowSelector::Where(format!("({condition}) {delete}")),
            stepless_when_unchanged: false,
            expected_row_count: None,
        })
    }
}

impl FilterRows {
    /// SQL that is true for the rows matching the condition.
    fn condition(&self, meta: &ColumnMeta) -> Result<String> {
        let physical = physical(meta);
        let operator = self.operator;
        let value = self.value.as_ref().filter(|v| !v.is_null());
        if matches!(operator, FilterOperator::IsNull | FilterOperator::IsNotNull) {
            if value.is_some() {
                return Err(Error::InvalidCommand(format!(
                    "filter_rows: {} takes no value",
                    operator.as_str()
                )));
            }
            let not = if operator == FilterOperator::IsNull {
                ""
            } else {
                "NOT "
            };
            return Ok(format!("{physical} IS {not}NULL"));
        }
        let value = value.ok_or_else(|| {
            Error::InvalidCommand(format!("filter_rows: {} needs a value", operator.as_str()))
        })?;
        let literal = json_literal(value, "filter_rows")?;
        let text_value = format!("CAST({physical} AS VARCHAR)");
        let typed = || -> Result<String> {
            if types::literal_fits(value, &meta.data_type) == Some(false) {
                return Err(Error::InvalidCommand(format!(
                    "filter_rows: {value} cannot be compared with column {:?} of type {}",
                    meta.name, meta.data_type
                )));
            }
            Ok(format!("CAST({literal} AS {})", meta.data_type))
        };
        Ok(match operator {
            FilterOperator::Contains => format!("contains({text_value}, {literal})"),
            FilterOperator::StartsWith => format!("prefix({text_value}, {literal})"),
            FilterOperator::EndsWith => format!("suffix({text_value}, {literal})"),
            FilterOperator::Eq => format!("{physical} = {}", typed()?),
            FilterOperator::Ne => format!("{physical} <> {}", typed()?),
            FilterOperator::Lt => format!("{physical} < {}", typed()?),
            FilterOperator::Le => format!("{physical} <= {}", typed()?),
            FilterOperator::Gt => format!("{physical} > {}", typed()?),
            FilterOperator::Ge => format!("{physical} >= {}", typed()?),
            FilterOperator::IsNull | FilterOperator::IsNotNull => {
                unreachable!("handled above")
            }
        })
    }
}
