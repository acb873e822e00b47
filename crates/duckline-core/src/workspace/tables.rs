//! Table handles and facts: ids, [`TableInfo`], timelines, dropping a table, name checks.

use crate::model::{ColumnInfo, TableInfo, Timeline};
use crate::persist::manifest::TableEntry;
use crate::schema::ColumnMeta;
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::State;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Every table, in creation order.
    ///
    /// Errors: [`Error::NotFound`] after [`Workspace::close`].
    pub async fn tables(&self) -> Result<Vec<TableInfo>> {
        let st = self.lock().await?;
        Ok(st.manifest.tables.iter().map(table_info).collect())
    }

    /// The id of the table named `name`. Errors: [`Error::NotFound`].
    pub async fn table_id(&self, name: &str) -> Result<u32> {
        self.lock().await?.table_named(name)
    }

    /// The table named `name`, loaded: its id and visible schema. Errors: [`Error::NotFound`], and
    /// those of reloading it.
    pub(super) async fn loaded_table(
        &self,
        st: &mut State,
        name: &str,
    ) -> Result<(u32, Vec<ColumnMeta>)> {
        let id = st.table_named(name)?;
        self.ensure_loaded(st, id).await?;
        Ok((id, st.entry(id)?.schema().to_vec()))
    }

    /// [`TableInfo`] of a table. Errors: [`Error::NotFound`].
    pub async fn table_info(&self, table_id: u32) -> Result<TableInfo> {
        let st = self.lock().await?;
        Ok(table_info(st.entry(table_id)?))
    }

    /// The timeline of a table. Errors: [`Error::NotFound`].
    pub async fn timeline(&self, table_id: u32) -> Result<Timeline> {
        let st = self.lock().await?;
        let entry = st.entry(table_id)?;
        Ok(Timeline {
            position: entry.position,
            steps: entry.steps.iter().map(|s| s.info.clone()).collect(),
        })
    }

    /// Drops a table and removes its files. The drop is committed like a step; a second manifest
    /// of the same state then retires the previous generation, so that the table's files are
    /// deleted now rather than at the next commit (best effort: else at the next open).
    ///
    /// Errors: [`Error::NotFound`]; [`Error::Storage`] / [`Error::StorageFull`] when the manifest
    /// cannot be written (nothing changed).
    pub async fn drop_table(&self, name: &str) -> Result<()> {
        let table_id = self.table_id(name).await?;
        let mut st = self.lock().await?;
        st.entry(table_id)?;
        let mut manifest = st.manifest.clone();
        manifest.tables.retain(|t| t.id != table_id);
        let committed = self
            .manifest_only(table_id)
            .commit(&mut st, Ok(manifest))
            .await?;
        self.drop_tables(&[sql::table_name(table_id)]).await;
        st.loaded.remove(&table_id);
        let stale: Vec<u32> = st
            .diffs
            .iter()
            .filter(|(_, d)| d.reads(table_id))
            .map(|(k, _)| *k)
            .collect();
        for id in stale {
            if let Some(d) = st.diffs.remove(&id) {
                self.drop_tables(&d.temp_tables()).await;
            }
        }
        committed.finish(&mut st, 0..0).await;
        let same = st.manifest.clone();
        self.write_manifest(&mut st, same).await.ok();
        Ok(())
    }
}

fn table_info(entry: &TableEntry) -> TableInfo {
    TableInfo {
        name: entry.name.clone(),
        row_count: entry.row_count(),
        columns: entry
            .schema()
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
            })
            .collect(),
        position: entry.position,
        step_count: entry.steps.len(),
        csv: entry
            .original_csv
            .as_ref()
            .and_then(|c| super::csv::dialect(&c.options)),
    }
}

pub(super) fn check_table_name(st: &State, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::InvalidCommand(
            "a table name must not be empty".into(),
        ));
    }
    if st.manifest.tables.iter().any(|t| t.name == name) {
        return Err(Error::TableExists(name.to_owned()));
    }
    Ok(())
}

impl State {
    /// The id of the table named `name`. Errors: [`Error::NotFound`].
    pub(super) fn table_named(&self, name: &str) -> Result<u32> {
        self.manifest
            .tables
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.id)
            .ok_or_else(|| Error::NotFound(format!("no table named {name:?}")))
    }
}
