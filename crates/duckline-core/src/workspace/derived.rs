//! Workspace commands that create new tables from existing ones (COMMANDS.md "Workspace
//! commands"; API.md `ws.stack`, `ws.join`). They are not steps: the new table starts its own
//! timeline with the result as its original.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::State;
use super::import::Created;
use super::tables::check_table_name;
use crate::call::Call;
use crate::model::ColumnMeta;
use crate::schema::find_column;
use crate::sql::{self, ORDER_KEY};
use crate::{Engine, Error, Result, Store, Workspace};

/// Options of `ws.join(newName, options)` (API.md): the two tables, the key columns both have,
/// and how rows match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JoinOptions {
    /// Left table name.
    pub left: String,
    /// Right table name.
    pub right: String,
    /// Key columns, named alike in both tables (at least one).
    pub on: Vec<String>,
    /// How rows match.
    pub how: JoinKind,
}

/// How `join` matches rows (API.md `how`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum JoinKind {
    /// Only rows with a match on both sides; the `Default` only of options that were not given
    /// at all (their empty table names are then refused).
    #[default]
    Inner,
    /// Every left row; right columns NULL without a match.
    Left,
    /// Every right row; left columns NULL without a match.
    Right,
    /// Every row of both sides.
    Full,
}

impl JoinKind {
    /// Parses `"inner" | "left" | "right" | "full"`. Errors: [`Error::InvalidCommand`].
    pub fn parse(how: &str) -> Result<Self> {
        Ok(match how {
            "inner" => Self::Inner,
            "left" => Self::Left,
            "right" => Self::Right,
            "full" => Self::Full,
            other => {
                return Err(Error::InvalidCommand(format!(
                    "join: how must be \"inner\", \"left\", \"right\" or \"full\", got {other:?}"
                )));
            }
        })
    }

    fn sql(self) -> &'static str {
        match self {
            Self::Inner => "INNER JOIN",
            Self::Left => "LEFT JOIN",
            Self::Right => "RIGHT JOIN",
            Self::Full => "FULL OUTER JOIN",
        }
    }
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Creates table `new_name` from the query `select` (display names as column names), keeping
    /// the query's row order, and persists it as the new table's original.
    async fn create_table_from_query(
        &self,
        st: &mut State,
        new_name: &str,
        select: &str,
    ) -> Result<u32> {
        let table_id = st.manifest.next_table_id;
        let staging = st.temp("staging");
        let created = async {
            self.engine
                .execute(&format!("CREATE TABLE {staging} AS {select}; ALTER TABLE {staging} DROP COLUMN _dl_o1; ALTER TABLE {staging} DROP COLUMN _dl_o2"))
                .await?;
            self.create_from_source(table_id, &sql::ident(&staging)).await
        }
        .await;
        self.drop_tables(&[staging]).await;
        let (schema, row_count) = created?;
        let created = Created {
            table_id,
            schema,
            row_count,
        };
        self.finish_import(st, new_name, created, None, &Call::none())
            .await?;
        Ok(table_id)
    }

    /// Stacks the rows of `tables` (in that order, each in display order) into a new table.
    /// Columns match by name; a column missing from a table is NULL in its rows; DuckDB unifies
    /// differing types (`UNION ALL BY NAME`).
    ///
    /// Errors: [`Error::TableExists`], [`Error::NotFound`] (a table), [`Error::InvalidCommand`]
    /// (no tables), [`Error::Engine`] (types DuckDB cannot unify).
    pub async fn stack(&self, new_name: &str, tables: &[String]) -> Result<u32> {
        if tables.is_empty() {
            return Err(Error::InvalidCommand(
                "stack: give at least one table".into(),
            ));
        }
        let mut st = self.lock().await?;
        check_table_name(&st, new_name)?;
        let mut parts = Vec::new();
        for (i, name) in tables.iter().enumerate() {
            let (id, schema) = self.loaded_table(&mut st, name).await?;
            let columns = schema
                .iter()
                .map(|c| {
                    format!(
                        ", {} AS {}",
                        sql::ident(&sql::column_name(c.id)),
                        sql::ident(&c.name)
                    )
                })
                .collect::<String>();
            parts.push(format!(
                "SELECT {i} AS _dl_o1, {ORDER_KEY} AS _dl_o2{columns} FROM {}",
                sql::table_name(id)
            ));
        }
        let select = format!(
            "SELECT * FROM ({}) ORDER BY _dl_o1, _dl_o2",
            parts.join(" UNION ALL BY NAME ")
        );
        self.create_table_from_query(&mut st, new_name, &select)
            .await
    }

    /// Joins `left` and `right` on the columns `on` (same names in both) into a new table: the key
    /// columns once, then the other left columns, then the other right columns, whose names get the
    /// suffix `_right` where they clash with a left name (case-insensitively). Rows in left display
    /// order, then right order for unmatched right rows.
    ///
    /// Errors: [`Error::TableExists`], [`Error::NotFound`] (table or key column),
    /// [`Error::InvalidCommand`] (no keys), [`Error::Engine`] (keys DuckDB cannot compare).
    pub async fn join(
        &self,
        new_name: &str,
        left: &str,
        right: &str,
        on: &[String],
        how: JoinKind,
    ) -> Result<u32> {
        if on.is_empty() {
            return Err(Error::InvalidCommand(
                "join: on must name at least one column".into(),
            ));
        }
        let mut st = self.lock().await?;
        check_table_name(&st, new_name)?;
        let (left_id, left_schema) = self.loaded_table(&mut st, left).await?;
        let (right_id, right_schema) = self.loaded_table(&mut st, right).await?;
        let mut keys = Vec::new();
        for k in on {
            keys.push((
                find_column(&left_schema, k)?.clone(),
                find_column(&right_schema, k)?.clone(),
            ));
        }
        let col =
            |side: &str, c: &ColumnMeta| format!("{side}.{}", sql::ident(&sql::column_name(c.id)));
        let mut select = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for (l, r) in &keys {
            select.push(format!(
                "coalesce({}, {}) AS {}",
                col("l", l),
                col("r", r),
                sql::ident(&l.name)
            ));
            taken.push(l.name.to_lowercase());
        }
        for c in left_schema
            .iter()
            .filter(|c| !keys.iter().any(|(l, _)| l.id == c.id))
        {
            select.push(format!("{} AS {}", col("l", c), sql::ident(&c.name)));
            taken.push(c.name.to_lowercase());
        }
        for c in right_schema
            .iter()
            .filter(|c| !keys.iter().any(|(_, r)| r.id == c.id))
        {
            let mut name = c.name.clone();
            while taken.contains(&name.to_lowercase()) {
                name.push_str("_right");
            }
            taken.push(name.to_lowercase());
            select.push(format!("{} AS {}", col("r", c), sql::ident(&name)));
        }
        let condition = keys
            .iter()
            .map(|(l, r)| format!("{} = {}", col("l", l), col("r", r)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let query = format!(
            "SELECT l.{ORDER_KEY} AS _dl_o1, r.{ORDER_KEY} AS _dl_o2, {} FROM {} l {} {} r ON {condition} \
             ORDER BY _dl_o1 NULLS LAST, _dl_o2",
            select.join(", "),
            sql::table_name(left_id),
            how.sql(),
            sql::table_name(right_id),
        );
        self.create_table_from_query(&mut st, new_name, &query)
            .await
    }
}
