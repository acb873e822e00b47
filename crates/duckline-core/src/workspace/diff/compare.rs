//! `compare`: the diff index of two tables joined on key columns, both read in place.

use crate::model::ColumnMeta;
use crate::schema::find_column;
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::DiffState;
use super::build::mask_expressions;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Compares two tables matched by `keys` (column names present in both) and returns a diff id:
    /// `left` is "before", `right` is "after". Columns are compared by name (case-insensitively);
    /// rows come in `right`'s display order, then rows only in `left` in its order.
    ///
    /// Errors: [`Error::NotFound`] (table or key column), [`Error::InvalidCommand`] (no keys),
    /// [`Error::InvalidInput`] when a side has duplicate keys (saying how many), [`Error::Engine`].
    pub async fn compare(&self, left: &str, right: &str, keys: &[String]) -> Result<u32> {
        if keys.is_empty() {
            return Err(Error::InvalidCommand(
                "compare: keys must name at least one column".into(),
            ));
        }
        let mut st = self.lock().await?;
        let mut sides = Vec::new();
        for name in [left, right] {
            let (id, schema) = self.loaded_table(&mut st, name).await?;
            sides.push((id, schema, st.entry(id)?.row_count()));
        }
        let (right_id, right_schema, right_rows) = sides.pop().expect("two sides");
        let (left_id, left_schema, _) = sides.pop().expect("two sides");
        let mut condition = Vec::new();
        for k in keys {
            let (l, r) = (
                find_column(&left_schema, k)?,
                find_column(&right_schema, k)?,
            );
            condition.push(format!(
                "b.{} = a.{}",
                sql::ident(&sql::column_name(l.id)),
                sql::ident(&sql::column_name(r.id))
            ));
        }
        self.check_unique_keys(left, left_id, &left_schema, keys)
            .await?;
        self.check_unique_keys(right, right_id, &right_schema, keys)
            .await?;
        let compared: Vec<(ColumnMeta, ColumnMeta)> = right_schema
            .iter()
            .filter_map(|r| {
                left_schema
                    .iter()
                    .find(|l| l.name.eq_ignore_ascii_case(&r.name))
                    .map(|l| (l.clone(), r.clone()))
            })
            .collect();
        let index = st.temp("compare_index");
        let (before, after) = (sql::table_name(left_id), sql::table_name(right_id));
        let built = async {
            self.build_index(
                &index,
                &after,
                &before,
                Some(&condition.join(" AND ")),
                &mask_expressions(&compared, None),
                "after_order NULLS LAST, before_order",
            )
            .await?;
            let summary = self
                .summarize(
                    &index,
                    &compared,
                    None,
                    &left_schema,
                    &right_schema,
                    right_rows,
                )
                .await?;
            Ok::<_, Error>(summary)
        }
        .await;
        match built {
            Ok(summary) => {
                let version = |id: u32| st.versions.get(&id).copied().unwrap_or_default();
                let diff = DiffState {
                    tables: vec![(left_id, version(left_id)), (right_id, version(right_id))],
                    index_table: index,
                    before_table: before,
                    owns_before: false,
                    before_column_ids: None,
                    after_table: after,
                    compared,
                    from_schema: left_schema,
                    current_schema: right_schema,
                    summary,
                };
                st.next_diff_id += 1;
                let id = st.next_diff_id;
                st.diffs.insert(id, diff);
                Ok(id)
            }
            Err(e) => {
                self.drop_tables(&[index]).await;
                Err(e)
            }
        }
    }

    /// Refuses keys that do not identify the rows of table `name` (id `id`).
    /// Errors: [`Error::InvalidInput`] naming how many key values repeat.
    async fn check_unique_keys(
        &self,
        name: &str,
        id: u32,
        schema: &[ColumnMeta],
        keys: &[String],
    ) -> Result<()> {
        let key_columns = keys
            .iter()
            .map(|k| find_column(schema, k).map(|c| sql::ident(&sql::column_name(c.id))))
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let duplicated = self
            .count(&format!(
                "SELECT count(*) FROM (SELECT {key_columns} FROM {} GROUP BY ALL HAVING count(*) > 1)",
                sql::table_name(id)
            ))
            .await?;
        if duplicated > 0 {
            return Err(Error::InvalidInput(format!(
                "compare: {duplicated} key values occur more than once in {name:?}; keys must identify rows"
            )));
        }
        Ok(())
    }
}
