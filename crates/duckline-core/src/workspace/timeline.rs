//! Time travel: undo, redo and `goto` apply inverse or forward deltas in one transaction, then
//! commit a manifest.

use crate::call::{Call, Phase, Span};
use crate::model::StepInfo;
use crate::sql;
use crate::{Engine, Error, Result, Store, Workspace};

use super::State;
use super::replay::Direction;
use super::step::PERSIST_FRACTION;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Undoes the step before the position; `None` at position 0. Reports to `call` like
    /// [`Workspace::goto`].
    ///
    /// Errors: [`Error::NotFound`], [`Error::Engine`], store errors, [`Error::Cancelled`];
    /// nothing changes on failure.
    pub async fn undo(&self, table_id: u32, call: &Call) -> Result<Option<StepInfo>> {
        let mut st = self.lock().await?;
        let position = st.entry(table_id)?.position;
        if position == 0 {
            return Ok(None);
        }
        self.move_to(&mut st, table_id, position - 1, call).await?;
        Ok(Some(st.entry(table_id)?.steps[position - 1].info.clone()))
    }

    /// Redoes the step after the position; `None` at the end. Reports to `call` like
    /// [`Workspace::goto`].
    ///
    /// Errors: as [`Workspace::undo`].
    pub async fn redo(&self, table_id: u32, call: &Call) -> Result<Option<StepInfo>> {
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?;
        let position = entry.position;
        if position == entry.steps.len() {
            return Ok(None);
        }
        self.move_to(&mut st, table_id, position + 1, call).await?;
        Ok(Some(st.entry(table_id)?.steps[position].info.clone()))
    }

    /// Moves the table to `position` (0 = as imported) by applying inverse or forward deltas,
    /// never by replaying SQL; durable when it returns. Reports to `call`: capture (the table
    /// loaded), execute (each delta file of each step applied), persist (the manifest).
    ///
    /// Errors: [`Error::NotFound`] for a position beyond the timeline (API.md: unknown step), else
    /// as [`Workspace::undo`].
    pub async fn goto(&self, table_id: u32, position: usize, call: &Call) -> Result<()> {
        let mut st = self.lock().await?;
        self.move_to(&mut st, table_id, position, call).await
    }

    /// [`Workspace::goto`] under the lock.
    async fn move_to(
        &self,
        st: &mut State,
        table_id: u32,
        position: usize,
        call: &Call,
    ) -> Result<()> {
        let entry = st.entry(table_id)?.clone();
        if position > entry.steps.len() {
            return Err(Error::NotFound(format!(
                "position {position} is beyond the timeline (0..={})",
                entry.steps.len()
            )));
        }
        if position == entry.position {
            call.notify(Phase::Persist, 1.0, None);
            return Ok(());
        }
        call.report(Phase::Capture, 0.0, None)?;
        self.ensure_loaded(st, table_id).await?;
        call.check()?;
        let table = sql::table_name(table_id);
        let tx = self.begin(table_id).await?;
        let (steps, direction) = if position < entry.position {
            let steps: Vec<_> = entry.steps[position..entry.position].iter().rev().collect();
            (steps, Direction::Undo)
        } else {
            let steps: Vec<_> = entry.steps[entry.position..position].iter().collect();
            (steps, Direction::Redo)
        };
        let moved = async {
            let span = Span::new(Phase::Execute, 0.0, PERSIST_FRACTION);
            for (i, step) in steps.iter().enumerate() {
                let part = span.part(i, steps.len());
                self.apply_delta(st, &table, step, direction, (call, part))
                    .await?;
            }
            call.report(Phase::Persist, PERSIST_FRACTION, None)?;
            let mut new_entry = entry.clone();
            new_entry.position = position;
            self.manifest_with(st, new_entry, |_, _, _| {}, 0.0)
        }
        .await;
        let moved_over = position.min(entry.position)..position.max(entry.position);
        tx.commit(st, moved).await?.finish(st, moved_over).await;
        call.notify(Phase::Persist, 1.0, None);
        Ok(())
    }
}
