//! Progress and cancellation of a long call (API.md `CallOptions`: `{ signal, onProgress }`).
//!
//! The caller hands a [`Call`] to every long [`Workspace`](crate::Workspace) method: `apply`,
//! `apply_recipe`, `undo`, `redo`, `goto`, `import_csv`, `import_parquet`, `diff`, `export`. The
//! method reports [`Progress`] to the call's [`Observer`] at each phase and at each chunk file it
//! writes or reads back, and asks it whether it was cancelled at the same points, up to the moment
//! its manifest is written. A cancelled call rejects with [`Error::Cancelled`] through the same
//! abort path as any other failure, so the table, its timeline and its files are as before. Once
//! the manifest is durable the call completes: cancelling then changes nothing.

use std::cell::Cell;
use std::rc::Rc;

use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// The phase of a long call (API.md `Progress.phase`), reported in this order, never going back
/// (a recipe reports the phases of each of its steps in turn).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Reading what the call needs: the table (loaded from its files if needed), the delta of a
    /// step and its undo/redo chunk files, the rows of an import or an export.
    Capture,
    /// Changing DuckDB's table: the step's `UPDATE`/`DELETE`/`INSERT`/`ALTER`, the deltas of
    /// undo/redo/goto replayed, a diff's comparison, an export's encoding.
    Execute,
    /// Making it durable: the manifest of the next generation and `COMMIT`.
    Persist,
}

/// API.md `Progress`: where a long call is.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Progress {
    /// The current phase.
    pub phase: Phase,
    /// Of the whole call, in `0.0..=1.0`; never smaller than the one reported before it. Within a
    /// phase it is an estimate: chunk files done out of the files the call knows of so far.
    pub fraction: f64,
    /// What is being done, for a status line (e.g. `"undo file 3 of 10"`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The caller's side of a long call: the JS `AbortSignal` and `onProgress` in the browser, a test
/// natively. No `Send` bound: the wasm observer holds JS values.
pub trait Observer {
    /// Whether the caller asked to stop (`signal.aborted`).
    fn cancelled(&self) -> bool;
    /// Receives each progress report, fractions never decreasing.
    fn progress(&self, progress: &Progress);
}

/// One long call's [`Observer`] (or none) and the progress reported so far. Cheap to clone; clones
/// share the progress so far.
#[derive(Clone, Default)]
pub struct Call {
    observer: Option<Rc<dyn Observer>>,
    reported: Rc<Cell<f64>>,
    /// The part of the observer's `0..1` this call covers (a recipe's step covers its share).
    span: (f64, f64),
}

impl Call {
    /// A call nobody observes: never cancelled, progress dropped.
    #[must_use]
    pub fn none() -> Self {
        Self {
            span: (0.0, 1.0),
            ..Self::default()
        }
    }

    /// A call reporting to `observer`.
    #[must_use]
    pub fn new(observer: Rc<dyn Observer>) -> Self {
        Self {
            observer: Some(observer),
            ..Self::none()
        }
    }

    /// The part `index` of `count` equal parts of this call, e.g. one step of a recipe: its
    /// fractions `0..1` cover `index/count..(index+1)/count` of this call's.
    #[must_use]
    pub fn part(&self, index: usize, count: usize) -> Self {
        let (lo, hi) = self.span;
        let width = (hi - lo) / count.max(1) as f64;
        Self {
            observer: self.observer.clone(),
            reported: Rc::clone(&self.reported),
            span: (lo + width * index as f64, lo + width * (index + 1) as f64),
        }
    }

    /// Errors with [`Error::Cancelled`] if the caller cancelled.
    ///
    /// Errors: [`Error::Cancelled`].
    pub fn check(&self) -> Result<()> {
        match &self.observer {
            Some(o) if o.cancelled() => Err(Error::Cancelled),
            _ => Ok(()),
        }
    }

    /// Reports `fraction` (`0..=1` of this call, raised to the last one reported if smaller) in
    /// `phase`, then checks for cancellation. Only before the call's point of no return.
    ///
    /// Errors: [`Error::Cancelled`].
    pub fn report(&self, phase: Phase, fraction: f64, message: Option<String>) -> Result<()> {
        self.notify(phase, fraction, message);
        self.check()
    }

    /// [`Call::report`] without the cancellation check: after the manifest is durable.
    pub fn notify(&self, phase: Phase, fraction: f64, message: Option<String>) {
        let Some(observer) = &self.observer else {
            return;
        };
        let (lo, hi) = self.span;
        let overall = (lo + (hi - lo) * fraction.clamp(0.0, 1.0)).max(self.reported.get());
        self.reported.set(overall);
        observer.progress(&Progress {
            phase,
            fraction: overall,
            message,
        });
    }
}

/// Where a chunked read or write reports within a phase: `lo..hi` of the call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub(crate) phase: Phase,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
}

impl Span {
    /// For work that reports nothing (a reload, a preview): no part of any call.
    pub(crate) const NONE: Self = Self::new(Phase::Capture, 0.0, 0.0);

    pub(crate) const fn new(phase: Phase, lo: f64, hi: f64) -> Self {
        Self { phase, lo, hi }
    }

    /// The `index`-th of `count` equal parts of this span.
    pub(crate) fn part(self, index: usize, count: usize) -> Self {
        let width = (self.hi - self.lo) / count.max(1) as f64;
        Self::new(
            self.phase,
            self.lo + width * index as f64,
            self.lo + width * (index + 1) as f64,
        )
    }

    /// Reports `done` of `count` units of this span (see [`Call::report`]).
    pub(crate) fn report(self, call: &Call, done: usize, count: usize, what: &str) -> Result<()> {
        let share = if count == 0 {
            1.0
        } else {
            done as f64 / count as f64
        };
        call.report(
            self.phase,
            self.lo + (self.hi - self.lo) * share,
            Some(format!("{what} {done} of {count}")),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[derive(Default)]
    struct Recorder {
        seen: RefCell<Vec<f64>>,
        cancel_after: Option<usize>,
    }

    impl Observer for Recorder {
        fn cancelled(&self) -> bool {
            self.cancel_after
                .is_some_and(|n| self.seen.borrow().len() >= n)
        }
        fn progress(&self, progress: &Progress) {
            self.seen.borrow_mut().push(progress.fraction);
        }
    }

    #[test]
    fn parts_cover_their_share_and_never_go_back() {
        let recorder = Rc::new(Recorder::default());
        let call = Call::new(recorder.clone());
        let second = call.part(1, 4);
        second.notify(Phase::Capture, 0.5, None);
        second.notify(Phase::Execute, 0.2, None);
        call.part(3, 4).notify(Phase::Persist, 1.0, None);
        assert_eq!(*recorder.seen.borrow(), vec![0.375, 0.375, 1.0]);
    }

    #[test]
    fn cancelled_after_the_observer_says_so() {
        let recorder = Rc::new(Recorder {
            cancel_after: Some(2),
            ..Recorder::default()
        });
        let call = Call::new(recorder);
        assert!(call.report(Phase::Capture, 0.1, None).is_ok());
        let err = call.report(Phase::Capture, 0.2, None).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Cancelled);
        assert!(Call::none().report(Phase::Persist, 1.0, None).is_ok());
    }

    #[test]
    fn spans_report_units_done() {
        let recorder = Rc::new(Recorder::default());
        let call = Call::new(recorder.clone());
        let span = Span::new(Phase::Capture, 0.0, 0.8).part(1, 2);
        span.report(&call, 1, 4, "file").unwrap();
        assert_eq!(*recorder.seen.borrow(), vec![0.5]);
    }
}
