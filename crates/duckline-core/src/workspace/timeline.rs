//! Time travel: undo, redo and `goto` apply inverse or forward deltas in one transaction, then
//! commit a manifest.

use crate::model::StepInfo;
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::replay::Direction;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Undoes the step before the position; `None` at position 0.
    ///
    /// Errors: [`Error::NotFound`], [`Error::Engine`], store errors; nothing changes on failure.
    pub async fn undo(&self, table_id: u32) -> Result<Option<StepInfo>> {
        let position = self.table_info(table_id).await?.position;
        if position == 0 {
            return Ok(None);
        }
        self.goto(table_id, position - 1).await?;
        let st = self.lock().await?;
        Ok(Some(st.entry(table_id)?.steps[position - 1].info.clone()))
    }

    /// Redoes the step after the position; `None` at the end.
    ///
    /// Errors: as [`Workspace::undo`].
    pub async fn redo(&self, table_id: u32) -> Result<Option<StepInfo>> {
        let info = self.table_info(table_id).await?;
        if info.position == info.step_count {
            return Ok(None);
        }
        self.goto(table_id, info.position + 1).await?;
        let st = self.lock().await?;
        Ok(Some(st.entry(table_id)?.steps[info.position].info.clone()))
    }

    /// Moves the table to `position` (0 = as imported) by applying inverse or forward deltas,
    /// never by replaying SQL; durable when it returns.
    ///
    /// Errors: [`Error::NotFound`] for a position beyond the timeline (API.md: unknown step), else
    /// as [`Workspace::undo`].
    pub async fn goto(&self, table_id: u32, position: usize) -> Result<()> {
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        if position > entry.steps.len() {
            return Err(Error::NotFound(format!(
                "position {position} is beyond the timeline (0..={})",
                entry.steps.len()
            )));
        }
        if position == entry.position {
            return Ok(());
        }
        self.ensure_loaded(&mut st, table_id).await?;
        let table = sql::table_name(table_id);
        let tx = self.begin(table_id).await?;
        let moved = async {
            if position < entry.position {
                for step in entry.steps[position..entry.position].iter().rev() {
                    self.apply_delta(&mut st, &table, step, Direction::Undo)
                        .await?;
                }
            } else {
                for step in &entry.steps[entry.position..position] {
                    self.apply_delta(&mut st, &table, step, Direction::Redo)
                        .await?;
                }
            }
            let mut new_entry = entry.clone();
            new_entry.position = position;
            self.manifest_with(&st, new_entry, |_, _, _| {}, 0.0)
        }
        .await;
        let moved_over = position.min(entry.position)..position.max(entry.position);
        tx.commit(&mut st, moved)
            .await?
            .finish(&mut st, moved_over)
            .await;
        Ok(())
    }
}
