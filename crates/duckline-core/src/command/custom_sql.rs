//! `custom_sql` (COMMANDS.md "Rows", tier 3) and its validation: one UPDATE, DELETE, INSERT or ALTER TABLE statement
//! on the table, written `{table}` in the text; no other table, no table function (so no file and
//! no URL), no second statement.
//!
//! The text is parsed into a syntax tree with `sqlparser` (DuckDB dialect) and checked on the tree,
//! never with regexes. DuckDB's own `json_serialize_sql` cannot do this job: it serializes SELECT
//! statements only, and it lives in the json extension, which DuckDB-WASM does not ship offline.
//! What runs is the statement re-rendered from the checked tree, not the caller's text, so text
//! the two parsers might split differently (a `;` in an odd quote) can never reach DuckDB as two
//! statements.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    AlterTableOperation, FromTable, ObjectName, Statement, TableFactor, TableObject, Visit, Visitor,
};
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;
use ts_rs::TS;

use super::params::PlanCx;
use super::{CommandSpec, Plan};
use crate::{Error, Result};

/// `custom_sql`: one UPDATE, DELETE, INSERT or ALTER TABLE statement on the table, written
/// `{table}` (checked by [`check`]); its undo is a full-table snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "CustomSqlParams")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomSql {
    /// The statement.
    pub sql: String,
}

impl CommandSpec for CustomSql {
    const TIER: u8 = 3;
    fn label(&self) -> String {
        let one_line = self.sql.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 60 {
            let short: String = one_line.chars().take(59).collect();
            format!("SQL: {short}…")
        } else {
            format!("SQL: {one_line}")
        }
    }
    fn plan(&self, _cx: &PlanCx<'_>) -> Result<Plan> {
        Ok(Plan::CustomSql {
            statement: check(&self.sql)?,
        })
    }
}

/// The placeholder callers write for the table.
pub const TABLE_PLACEHOLDER: &str = "{table}";

/// The name of the working table the statement runs on (see `Workspace::apply`): the
/// placeholder becomes this identifier before parsing.
pub const WORK_TABLE: &str = "_dl_custom_sql";

/// Kind of an accepted statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// `UPDATE {table} ...`
    Update,
    /// `DELETE FROM {table} ...`
    Delete,
    /// `INSERT INTO {table} ...`
    Insert,
    /// `ALTER TABLE {table} ...` (columns only).
    AlterTable,
}

/// A statement that passed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedStatement {
    /// What it is.
    pub kind: StatementKind,
    /// The statement re-rendered from its syntax tree, on [`WORK_TABLE`].
    pub sql: String,
    /// `(old name, new name)` of `ALTER TABLE ... RENAME COLUMN`, so the column keeps its identity.
    pub renamed_columns: Vec<(String, String)>,
}

/// Checks `text` and returns the statement to run.
///
/// Errors: [`Error::InvalidCommand`] saying what is refused: unparseable text, zero or several
/// statements, another kind of statement, a table other than `{table}`, a table function (files,
/// URLs, other databases), `RETURNING`, an ALTER TABLE operation other than adding, dropping,
/// renaming or retyping columns.
pub fn check(text: &str) -> Result<CheckedStatement> {
    let refuse = |why: String| Error::InvalidCommand(format!("custom_sql: {why}"));
    if !text.contains(TABLE_PLACEHOLDER) {
        return Err(refuse(format!(
            "name the table {TABLE_PLACEHOLDER} in the statement, e.g. UPDATE {TABLE_PLACEHOLDER} SET ..."
        )));
    }
    let replaced = text.replace(TABLE_PLACEHOLDER, WORK_TABLE);
    let statements = Parser::parse_sql(&DuckDbDialect {}, &replaced)
        .map_err(|e| refuse(format!("could not parse the statement: {e}")))?;
    let [statement] = statements.as_slice() else {
        return Err(refuse(format!(
            "exactly one statement is allowed, got {}",
            statements.len()
        )));
    };
    let mut renamed_columns = Vec::new();
    let kind = match statement {
        Statement::Update(update) => {
            if update.returning.is_some() {
                return Err(refuse("RETURNING is not allowed".into()));
            }
            StatementKind::Update
        }
        Statement::Delete(delete) => {
            if delete.returning.is_some() {
                return Err(refuse("RETURNING is not allowed".into()));
            }
            if !delete.tables.is_empty() || delete.using.is_some() {
                return Err(refuse("DELETE names one table only".into()));
            }
            let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
            if from.len() != 1 {
                return Err(refuse("DELETE names one table only".into()));
            }
            StatementKind::Delete
        }
        Statement::Insert(insert) => {
            if insert.returning.is_some() {
                return Err(refuse("RETURNING is not allowed".into()));
            }
            if !matches!(insert.table, TableObject::TableName(_)) {
                return Err(refuse("INSERT goes into {table} only".into()));
            }
            StatementKind::Insert
        }
        Statement::AlterTable(alter) => {
            for operation in &alter.operations {
                match operation {
                    AlterTableOperation::AddColumn { .. }
                    | AlterTableOperation::DropColumn { .. }
                    | AlterTableOperation::AlterColumn { .. } => {}
                    AlterTableOperation::RenameColumn {
                        old_column_name,
                        new_column_name,
                    } => renamed_columns
                        .push((old_column_name.value.clone(), new_column_name.value.clone())),
                    other => {
                        return Err(refuse(format!(
                            "ALTER TABLE may add, drop, rename or retype columns only, not {other}"
                        )));
                    }
                }
            }
            StatementKind::AlterTable
        }
        _ => {
            return Err(refuse(
                "only UPDATE, DELETE, INSERT and ALTER TABLE statements are allowed".into(),
            ));
        }
    };
    if let ControlFlow::Break(why) = statement.visit(&mut OnlyTheTable) {
        return Err(refuse(why));
    }
    Ok(CheckedStatement {
        kind,
        sql: statement.to_string(),
        renamed_columns,
    })
}

/// Refuses every relation but the work table and every table factor that is not a plain table
/// or a subquery (table functions read files, URLs or other tables).
struct OnlyTheTable;

impl Visitor for OnlyTheTable {
    type Break = String;

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<String> {
        let is_table = relation.0.len() == 1
            && relation.0[0]
                .as_ident()
                .is_some_and(|i| i.value.eq_ignore_ascii_case(WORK_TABLE));
        if is_table {
            ControlFlow::Continue(())
        } else {
            let shown = relation.to_string().replace(WORK_TABLE, TABLE_PLACEHOLDER);
            ControlFlow::Break(format!("only {TABLE_PLACEHOLDER} may be used, not {shown}"))
        }
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<String> {
        match factor {
            TableFactor::Table { args: None, .. }
            | TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. } => ControlFlow::Continue(()),
            TableFactor::Table { name, .. } => ControlFlow::Break(format!(
                "table functions such as {name} are not allowed (no files, URLs or other tables)"
            )),
            other => ControlFlow::Break(format!(
                "{other} is not allowed: only {TABLE_PLACEHOLDER} and subqueries on it"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn accepts_the_four_kinds_on_the_table() {
        let cases = [
            (
                "UPDATE {table} SET amount = amount * 100 WHERE currency = 'EUR'",
                StatementKind::Update,
            ),
            (
                "DELETE FROM {table} WHERE amount IS NULL",
                StatementKind::Delete,
            ),
            (
                "INSERT INTO {table} (name) VALUES ('x')",
                StatementKind::Insert,
            ),
            (
                "INSERT INTO {table} SELECT * FROM {table} WHERE id < 3",
                StatementKind::Insert,
            ),
            (
                "ALTER TABLE {table} ADD COLUMN note VARCHAR",
                StatementKind::AlterTable,
            ),
            (
                "UPDATE {table} SET a = (SELECT max(a) FROM {table})",
                StatementKind::Update,
            ),
        ];
        for (text, kind) in cases {
            let checked = check(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(checked.kind, kind, "{text}");
            assert!(checked.sql.contains(WORK_TABLE), "{}", checked.sql);
        }
    }

    #[test]
    fn keeps_renamed_column_identity() {
        let checked = check("ALTER TABLE {table} RENAME COLUMN \"a b\" TO c").unwrap();
        assert_eq!(checked.renamed_columns, vec![("a b".into(), "c".into())]);
    }

    #[test]
    fn refuses_everything_else_with_invalid_command() {
        let refused = [
            "SELECT * FROM {table}",
            "UPDATE {table} SET a = 1; DROP TABLE {table}",
            "UPDATE other SET a = 1",
            "UPDATE {table} SET a = 1 WHERE a IN (SELECT a FROM other)",
            "INSERT INTO {table} SELECT * FROM read_csv('/etc/passwd')",
            "INSERT INTO {table} SELECT * FROM read_parquet('https://example.com/x.parquet')",
            "INSERT INTO {table} SELECT * FROM 'data.csv'",
            "DROP TABLE {table}",
            "CREATE TABLE x AS SELECT * FROM {table}",
            "COPY {table} TO 'out.csv'",
            "ATTACH 'x.db'",
            "ALTER TABLE {table} RENAME TO other",
            "UPDATE {table} SET a = 1 RETURNING *",
            "UPDATE main.{table} SET a = 1",
            "UPDATE t SET a = 1",
            "",
            "UPDATE {table} SET",
        ];
        for text in refused {
            let e = check(text).expect_err(text);
            assert_eq!(e.code(), ErrorCode::InvalidCommand, "{text}: {e}");
        }
    }
}
