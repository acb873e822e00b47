//! The command catalogue (COMMANDS.md): one struct per command in the file of its family, each
//! implementing [`CommandSpec`] (its tier, timeline label and [`Plan`]); [`Command`] is the wire
//! enum `{ "op": ..., ...camelCase parameters }`, generated with its dispatch by one registry
//! ([`commands!`](crate::command) below), so that a new command is one struct plus one line.
//!
//! Families: [`text`], [`values`], [`privacy`], [`columns`], [`rows`], [`mass_edit`],
//! [`custom_sql`]; [`plan`] is the contract with the executor, [`params`] the shared parameter
//! types and [`PlanCx`].

pub mod columns;
pub mod custom_sql;
pub mod mass_edit;
pub mod params;
pub mod plan;
pub mod privacy;
pub mod rows;
pub mod text;
pub mod values;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use self::columns::MAX_SPLIT_PARTS;
pub use self::params::{FilterOperator, MassEditGroup, MatchMode, PlanCx};
pub use self::plan::{CellsPlan, Plan, RowSelector};
use crate::schema::ColumnMeta;
use crate::{Error, Result};

/// What every command implements, next to its parameters in its family's file.
pub trait CommandSpec {
    /// Tier of COMMANDS.md: 1 rewrites cells, 2 schema only, 3 rows or the whole table.
    const TIER: u8;
    /// Human label for the timeline, e.g. "Trim name".
    fn label(&self) -> String;
    /// Validates the command against the schema and returns its plan.
    ///
    /// Errors: [`Error::NotFound`] for an unknown column (API.md lists columns under `NotFound`),
    /// [`Error::InvalidCommand`] for a bad parameter or a name clash.
    fn plan(&self, cx: &PlanCx<'_>) -> Result<Plan>;
    /// Whether [`CommandSpec::fill_defaults`] needs today's date.
    fn needs_today(&self) -> bool {
        false
    }
    /// Fills defaults that depend on the moment of applying (as `YYYY-MM-DD`), so that the stored
    /// command replays identically.
    fn fill_defaults(&mut self, _today: &str) {}
    /// Drops what must never be stored (`hash`'s secret), once the step has been planned.
    fn forget_secrets(&mut self) {}
}

/// The registry: `"op" => Variant(family::Struct)`, in COMMANDS.md order. Generates [`Command`],
/// [`OPS`] and the one-line dispatch of every [`Command`] method.
macro_rules! commands {
    ($($op:literal => $variant:ident($family:ident :: $spec:ident),)*) => {
        /// One command, as JSON `{ "op": ..., ...camelCase parameters }` (COMMANDS.md).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
        #[serde(tag = "op")]
        pub enum Command {
            $(
                #[doc = concat!("`", $op, "`: [`", stringify!($family), "::", stringify!($spec), "`].")]
                #[serde(rename = $op)]
                $variant($family::$spec),
            )*
        }

        /// Every op name, in COMMANDS.md order.
        pub const OPS: &[&str] = &[$($op),*];

        impl Command {
            /// The op name, e.g. `trim`.
            #[must_use]
            pub fn op(&self) -> &'static str {
                match self { $(Self::$variant(_) => $op,)* }
            }

            /// Tier of COMMANDS.md: 1 rewrites cells, 2 schema only, 3 rows or the whole table.
            #[must_use]
            pub fn tier(&self) -> u8 {
                match self { $(Self::$variant(_) => <$family::$spec as CommandSpec>::TIER,)* }
            }

            /// Human label for the timeline, e.g. "Trim name".
            #[must_use]
            pub fn label(&self) -> String {
                match self { $(Self::$variant(c) => c.label(),)* }
            }

            /// Validates the command against `schema` and returns its plan.
            ///
            /// Errors: [`Error::NotFound`] for an unknown column (API.md lists columns under
            /// `NotFound`), [`Error::InvalidCommand`] for a bad parameter or a name clash.
            pub fn plan(&self, schema: &[ColumnMeta]) -> Result<Plan> {
                let cx = PlanCx { schema };
                match self { $(Self::$variant(c) => c.plan(&cx),)* }
            }

            /// Whether [`Command::fill_defaults`] needs today's date.
            #[must_use]
            pub fn needs_today(&self) -> bool {
                match self { $(Self::$variant(c) => c.needs_today(),)* }
            }

            /// Fills defaults that depend on the moment of applying (`calculate_age.asOf` =
            /// `today`, as `YYYY-MM-DD`), so the stored command replays identically.
            pub fn fill_defaults(&mut self, today: &str) {
                match self { $(Self::$variant(c) => c.fill_defaults(today),)* }
            }

            /// Drops every secret (`hash`'s key): what is stored, returned in `StepInfo` or put in
            /// a recipe never holds one.
            pub fn forget_secrets(&mut self) {
                match self { $(Self::$variant(c) => c.forget_secrets(),)* }
            }
        }
    };
}

commands! {
    "trim" => Trim(text::Trim),
    "collapse_spaces" => CollapseSpaces(text::CollapseSpaces),
    "lowercase" => Lowercase(text::Lowercase),
    "uppercase" => Uppercase(text::Uppercase),
    "title_case" => TitleCase(text::TitleCase),
    "sentence_case" => SentenceCase(text::SentenceCase),
    "remove_accents" => RemoveAccents(text::RemoveAccents),
    "remove_non_printable" => RemoveNonPrintable(text::RemoveNonPrintable),
    "replace" => Replace(text::Replace),
    "replace_empty" => ReplaceEmpty(text::ReplaceEmpty),
    "pad_zeros" => PadZeros(text::PadZeros),
    "standardize_date" => StandardizeDate(values::StandardizeDate),
    "calculate_age" => CalculateAge(values::CalculateAge),
    "unformat_currency" => UnformatCurrency(values::UnformatCurrency),
    "fix_negatives" => FixNegatives(values::FixNegatives),
    "cast_type" => CastType(values::CastType),
    "fill_down" => FillDown(values::FillDown),
    "edit_cell" => EditCell(values::EditCell),
    "hash" => Hash(privacy::Hash),
    "redact" => Redact(privacy::Redact),
    "mask" => Mask(privacy::Mask),
    "last4" => Last4(privacy::Last4),
    "year_only" => YearOnly(privacy::YearOnly),
    "split_column" => SplitColumn(columns::SplitColumn),
    "combine_columns" => CombineColumns(columns::CombineColumns),
    "add_column" => AddColumn(columns::AddColumn),
    "delete_column" => DeleteColumn(columns::DeleteColumn),
    "rename_column" => RenameColumn(columns::RenameColumn),
    "reorder_columns" => ReorderColumns(columns::ReorderColumns),
    "remove_duplicates" => RemoveDuplicates(rows::RemoveDuplicates),
    "delete_rows" => DeleteRows(rows::DeleteRows),
    "insert_row" => InsertRow(rows::InsertRow),
    "filter_rows" => FilterRows(rows::FilterRows),
    "custom_sql" => CustomSql(custom_sql::CustomSql),
    "mass_edit" => MassEdit(mass_edit::MassEdit),
}

impl Command {
    /// Parses a command from its JSON form. Errors: [`Error::InvalidCommand`] naming the unknown op
    /// or the missing/bad parameter.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let op = value
            .get("op")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        serde_json::from_value(value).map_err(|e| match op {
            None => Error::InvalidCommand("a command needs an \"op\" string".into()),
            Some(op) => {
                let text = e.to_string();
                if text.starts_with("unknown variant") {
                    Error::InvalidCommand(format!("unknown op {op:?}"))
                } else {
                    Error::InvalidCommand(format!("{op}: {text}"))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Vec<ColumnMeta> {
        vec![
            ColumnMeta {
                id: 1,
                name: "name".into(),
                data_type: "VARCHAR".into(),
            },
            ColumnMeta {
                id: 2,
                name: "dest".into(),
                data_type: "VARCHAR".into(),
            },
        ]
    }

    #[test]
    fn parses_camel_case_parameters() {
        let c = Command::from_json(
            json!({"op": "edit_cell", "rowId": 3, "column": "name", "value": "x"}),
        )
        .unwrap();
        assert_eq!(
            c,
            Command::EditCell(values::EditCell {
                row_id: 3,
                column: "name".into(),
                value: json!("x")
            })
        );
    }

    #[test]
    fn unknown_op_and_bad_parameters_are_invalid_commands() {
        let e = Command::from_json(json!({"op": "frobnicate", "column": "a"})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        assert!(e.to_string().contains("frobnicate"));
        let e = Command::from_json(json!({"op": "trim"})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        let e = Command::from_json(json!({"op": "trim", "column": "a", "extra": 1})).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
    }

    #[test]
    fn op_is_the_wire_name_and_every_op_parses() {
        for op in OPS {
            if let Err(e) = Command::from_json(json!({ "op": op })) {
                assert!(!e.to_string().contains("unknown op"), "{op}: {e}");
            }
        }
        let c = Command::from_json(json!({"op": "pad_zeros", "column": "a", "length": 5})).unwrap();
        assert_eq!(c.op(), "pad_zeros");
        assert_eq!(serde_json::to_value(&c).unwrap()["op"], "pad_zeros");
        assert_eq!(c.tier(), 1);
        assert_eq!(
            Command::from_json(json!({"op": "delete_rows", "rowIds": [1]}))
                .unwrap()
                .tier(),
            3
        );
        assert_eq!(
            Command::from_json(json!({"op": "rename_column", "column": "a", "newName": "b"}))
                .unwrap()
                .tier(),
            2
        );
    }

    #[test]
    fn validation_against_the_schema() {
        let s = schema();
        let e = Command::Trim(text::Trim {
            column: "nope".into(),
        })
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::NotFound);
        let e = Command::RenameColumn(columns::RenameColumn {
            column: "name".into(),
            new_name: "DEST".into(),
        })
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        let e = Command::PadZeros(text::PadZeros {
            column: "name".into(),
            length: 0,
        })
        .plan(&s)
        .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidCommand);
        assert!(
            Command::RenameColumn(columns::RenameColumn {
                column: "name".into(),
                new_name: "Name".into()
            })
            .plan(&s)
            .is_ok()
        );
    }
}
