//! COMMANDS.md "Values and types" (tier 1): dates, ages, money and signed numbers, casts, fill
//! down and single-cell edits. Unlike the text commands these may retype the column (a retype
//! stores the whole column in the undo delta).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::params::{PlanCx, json_literal, physical};
use super::{CellsPlan, CommandSpec, Plan};
use crate::sql::dates::{self, DateOrder};
use crate::sql::{self, ROW_ID, text, types};
use crate::{Error, Result};

/// `standardize_date`: parse dates in many formats into DATE (or VARCHAR in `format`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "StandardizeDateParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StandardizeDate {
    /// Column name.
    pub column: String,
    /// Reading of ambiguous `A/B/YYYY` dates.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub order: DateOrder,
    /// `"date"` (default) or a strftime pattern such as `%d.%m.%Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl CommandSpec for StandardizeDate {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Standardize dates in {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let date = dates::parse_date_sql(meta, self.order);
        let expression = match self.format.as_deref() {
            None | Some("date") => date,
            Some(pattern) => {
                if pattern.is_empty() || !pattern.contains('%') {
                    return Err(Error::InvalidCommand(format!(
                        "standardize_date: format must be \"date\" or a strftime pattern like \"%d.%m.%Y\", got {pattern:?}"
                    )));
                }
                format!("strftime({date}, {})", sql::literal(pattern))
            }
        };
        Ok(Plan::Cells(CellsPlan {
            null_warning: Some("could not be parsed as dates"),
            ..CellsPlan::new(meta.clone(), expression)
        }))
    }
}

/// `calculate_age`: completed years at `asOf`, as a new INTEGER column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "CalculateAgeParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CalculateAge {
    /// Column holding birth dates.
    pub column: String,
    /// Reference date `YYYY-MM-DD`; filled with today's date when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Name of the new column (default `age`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_column: Option<String>,
}

impl CommandSpec for CalculateAge {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!(
            "Calculate {} from {}",
            self.new_column.as_deref().unwrap_or("age"),
            self.column
        )
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let name = self.new_column.clone().unwrap_or_else(|| "age".into());
        cx.check_new_name(&name, None)?;
        let as_of = self
            .as_of
            .as_deref()
            .ok_or_else(|| Error::InvalidCommand("calculate_age: asOf is required".into()))?;
        if !dates::is_iso_date(as_of) {
            return Err(Error::InvalidCommand(format!(
                "calculate_age: asOf must be YYYY-MM-DD, got {as_of:?}"
            )));
        }
        Ok(Plan::AddColumn {
            name,
            expression: dates::age_sql(as_of),
            null_warning: Some("could not be parsed as dates"),
            source: meta.clone(),
            helper: Some(dates::parse_date_sql(meta, DateOrder::Mdy)),
        })
    }
    fn needs_today(&self) -> bool {
        self.as_of.is_none()
    }
    fn fill_defaults(&mut self, today: &str) {
        if self.as_of.is_none() {
            self.as_of = Some(today.to_owned());
        }
    }
}

/// `unformat_currency`: money text (`$1,234.56`, `1.234,56 €`, `(50)`) to DOUBLE.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "UnformatCurrencyParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnformatCurrency {
    /// Column name.
    pub column: String,
}

impl CommandSpec for UnformatCurrency {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Unformat currency in {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let junk = format!("(?i)USD|EUR|GBP|[$€£¥,]|{}", text::whitespace_class());
        to_number(cx, &self.column, |v| {
            format!("regexp_replace({v}, {}, '', 'g')", sql::literal(&junk))
        })
    }
}

/// `fix_negatives`: `(500)` and `500-` to -500, as DOUBLE.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "FixNegativesParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixNegatives {
    /// Column name.
    pub column: String,
}

impl CommandSpec for FixNegatives {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Fix negative numbers in {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        to_number(cx, &self.column, |v| {
            format!("trim({v}, {})", sql::literal(sql::UNICODE_WHITESPACE))
        })
    }
}

/// The column as DOUBLE: numeric columns cast, text `strip`ped then read as a signed number.
fn to_number(cx: &PlanCx<'_>, column: &str, strip: impl FnOnce(&str) -> String) -> Result<Plan> {
    let meta = cx.column(column)?;
    let physical = physical(meta);
    let expression = if types::is_numeric_type(&meta.data_type) {
        format!("CAST({physical} AS DOUBLE)")
    } else {
        text::signed_number_sql(&strip(&format!("CAST({physical} AS VARCHAR)")))
    };
    Ok(Plan::Cells(CellsPlan {
        null_warning: Some("could not be parsed as numbers"),
        ..CellsPlan::new(meta.clone(), expression)
    }))
}

/// `cast_type`: `TRY_CAST` to a type; failures become NULL with a warning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "CastTypeParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CastType {
    /// Column name.
    pub column: String,
    /// VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), BOOLEAN, DATE or TIMESTAMP.
    #[serde(rename = "type")]
    pub data_type: String,
}

impl CommandSpec for CastType {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!(
            "Change type of {} to {}",
            self.column,
            self.data_type.trim().to_uppercase()
        )
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let ty = types::parse_type("cast_type", &self.data_type)?;
        Ok(Plan::Cells(CellsPlan {
            null_warning: Some(types::cast_warning(&ty)),
            ..CellsPlan::new(
                meta.clone(),
                format!("TRY_CAST({} AS {ty})", physical(meta)),
            )
        }))
    }
}

/// `fill_down`: NULL or empty cells take the last non-empty value above them (display order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "FillDownParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FillDown {
    /// Column name.
    pub column: String,
}

impl CommandSpec for FillDown {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Fill down {}", self.column)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let physical = physical(meta);
        let blank = text::is_blank(&format!("CAST({physical} AS VARCHAR)"));
        Ok(Plan::cells(
            meta.clone(),
            format!(
                "CASE WHEN {blank} THEN coalesce(last_value(CASE WHEN {blank} THEN NULL ELSE {physical} END IGNORE NULLS) OVER (ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), {physical}) ELSE {physical} END",
                order = sql::ORDER_KEY
            ),
        ))
    }
}

/// `edit_cell`: set one cell; the value is cast to the column type (`InvalidCommand` when it
/// cannot be); step-less when the cell already holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "EditCellParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditCell {
    /// Row id.
    pub row_id: i64,
    /// Column name.
    pub column: String,
    /// New value (string, number, boolean or null).
    pub value: serde_json::Value,
}

impl CommandSpec for EditCell {
    const TIER: u8 = 1;
    fn label(&self) -> String {
        format!("Edit {} of row {}", self.column, self.row_id)
    }
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan> {
        let meta = cx.column(&self.column)?;
        let literal = json_literal(&self.value, "edit_cell")?;
        let row_id = self.row_id;
        Ok(Plan::Cells(CellsPlan {
            column: meta.clone(),
            expression: format!(
                "CASE WHEN {ROW_ID} = {row_id} THEN TRY_CAST({literal} AS {ty}) ELSE {physical} END",
                ty = meta.data_type,
                physical = physical(meta)
            ),
            null_warning: None,
            filter: Some(format!("{ROW_ID} = {row_id}")),
            stepless_when_unchanged: true,
            cast_check: Some(literal),
        }))
    }
}
