//! Fault injection: a store that fails its N-th call of one kind (list, read, write, delete,
//! size), and the scenario proving that every failure leaves the last committed state.

use super::*;
use crate::persist::layout;
use crate::persist::manifest::{Manifest, TableEntry};

/// The calls of the [`Store`] trait, as fault points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// [`Store::list`].
    List,
    /// [`Store::read`].
    Read,
    /// [`Store::write`].
    Write,
    /// [`Store::delete`].
    Delete,
    /// [`Store::size`].
    Size,
}

impl CallKind {
    /// Every kind, in the order of [`FaultCounts`].
    pub const ALL: [Self; 5] = [
        Self::List,
        Self::Read,
        Self::Write,
        Self::Delete,
        Self::Size,
    ];
}

/// Calls counted per [`CallKind`], indexed in the order of [`CallKind::ALL`].
pub type FaultCounts = [u32; 5];

/// The state shared by the [`FaultyStore`]s of one run: counters, the fault, and whether it is
/// armed (checks of the scenario itself disarm it, so that only the calls under test count).
#[derive(Default)]
pub struct Faults {
    counts: Cell<FaultCounts>,
    fail_at: Option<(CallKind, u32)>,
    disarmed: Cell<bool>,
}

impl Faults {
    /// Counts calls, failing the `n`-th (1-based) call of `kind` when `fail_at` is given.
    #[must_use]
    pub fn new(fail_at: Option<(CallKind, u32)>) -> Rc<Self> {
        Rc::new(Self {
            fail_at,
            ..Self::default()
        })
    }

    /// Calls counted so far.
    #[must_use]
    pub fn counts(&self) -> FaultCounts {
        self.counts.get()
    }

    fn call(&self, kind: CallKind) -> crate::Result<()> {
        if self.disarmed.get() {
            return Ok(());
        }
        let index = CallKind::ALL.iter().position(|k| *k == kind).unwrap();
        let mut counts = self.counts.get();
        counts[index] += 1;
        self.counts.set(counts);
        if self.fail_at == Some((kind, counts[index])) {
            return Err(crate::Error::Storage(format!(
                "injected failure of {kind:?} call {}",
                counts[index]
            )));
        }
        Ok(())
    }
}

/// A [`Store`] that fails one chosen call with [`crate::Error::Storage`], as a crash, a full disk
/// or a flaky device would: fault injection for the reliability scenario.
pub struct FaultyStore<S: Store> {
    inner: S,
    faults: Rc<Faults>,
}

impl<S: Store> FaultyStore<S> {
    /// Wraps `inner`, counting (and failing) calls in `faults`.
    pub fn new(inner: S, faults: Rc<Faults>) -> Self {
        Self { inner, faults }
    }
}

impl<S: Store> Store for FaultyStore<S> {
    async fn list(&self) -> crate::Result<Vec<String>> {
        self.faults.call(CallKind::List)?;
        self.inner.list().await
    }
    async fn read(&self, path: &str) -> crate::Result<Vec<u8>> {
        self.faults.call(CallKind::Read)?;
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: &[u8]) -> crate::Result<()> {
        self.faults.call(CallKind::Write)?;
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> crate::Result<()> {
        self.faults.call(CallKind::Delete)?;
        self.inner.delete(path).await
    }
    async fn size(&self, path: &str) -> crate::Result<u64> {
        self.faults.call(CallKind::Size)?;
        self.inner.size(path).await
    }
}

/// What users see of the workspace: the table list and the state of `people`.
type State = (Vec<TableInfo>, Option<Snapshot>);

async fn state<E: Engine, S: Store>(ws: &Workspace<E, S>, faults: &Faults) -> State {
    faults.disarmed.set(true);
    let tables = ws.tables().await.expect("tables");
    let people = match ws.table_id("people").await {
        Ok(t) => Some(snapshot(ws, t, 100).await),
        Err(_) => None,
    };
    faults.disarmed.set(false);
    (tables, people)
}

/// One call of the scenario.
enum Action {
    Apply(Value),
    Undo,
    Redo,
    Goto(usize),
    Import(&'static str),
    Drop(&'static str),
    Storage,
}

/// The scenario: an import, each delta kind, undo, redo, goto, a new branch after undo, a
/// second table dropped, storage figures. Returns the state after the last call that committed
/// (`None`: nothing did). A failed call must reject with a typed error and change nothing.
async fn fault_run<E: Engine, S: Store>(ws: &Workspace<E, S>, faults: &Faults) -> Option<State> {
    let t = ws
        .import_csv(
            "people",
            PEOPLE_CSV.as_bytes().to_vec(),
            &CsvOptions::default(),
            &Call::none(),
        )
        .await
        .ok()?;
    let mut last = state(ws, faults).await;
    let calls = [
        Action::Apply(json!({"op": "trim", "column": "name"})),
        Action::Apply(json!({"op": "remove_duplicates"})),
        Action::Apply(json!({"op": "add_column", "name": "extra", "value": "x"})),
        Action::Apply(json!({"op": "rename_column", "column": "extra", "newName": "more"})),
        Action::Apply(json!({"op": "delete_column", "column": "more"})),
        Action::Apply(json!({"op": "insert_row", "after": null, "values": {"name": "Zed"}})),
        Action::Apply(json!({"op": "custom_sql", "sql": "UPDATE {table} SET name = name || '!'"})),
        Action::Undo,
        Action::Undo,
        Action::Redo,
        Action::Goto(0),
        Action::Goto(6),
        Action::Undo,
        Action::Apply(json!({"op": "pad_zeros", "column": "account", "length": 8})),
        Action::Import("second"),
        Action::Drop("second"),
        Action::Storage,
    ];
    let mut failed = false;
    for call in calls {
        let result = match &call {
            Action::Apply(command) => ws
                .apply(t, command.clone(), &Call::none())
                .await
                .map(|_| ()),
            Action::Undo => ws.undo(t, &Call::none()).await.map(|_| ()),
            Action::Redo => ws.redo(t, &Call::none()).await.map(|_| ()),
            Action::Goto(position) => ws.goto(t, *position, &Call::none()).await,
            Action::Import(name) => ws
                .import_csv(
                    name,
                    b"a,b\n1,x\n".to_vec(),
                    &CsvOptions::default(),
                    &Call::none(),
                )
                .await
                .map(|_| ()),
            Action::Drop(name) => ws.drop_table(name).await,
            Action::Storage => ws.storage().await.map(|_| ()),
        };
        let now = state(ws, faults).await;
        if let Err(e) = result {
            // The injected failure comes first; later calls may fail as its consequence (a
            // column that was not added), each with its own code.
            if !failed {
                assert_eq!(e.code(), ErrorCode::Storage, "the injected failure: {e}");
            }
            failed = true;
            assert_eq!(now, last, "a failed call changed the workspace: {e}");
        }
        last = now;
    }
    Some(last)
}

/// Every file of duckline's layout is named by one of the (at most two) manifests kept.
async fn assert_no_stray_files<S: Store>(store: &S, context: &str) {
    let listed = files(store).await;
    let manifests: Vec<&String> = listed
        .iter()
        .map(|(f, _)| f)
        .filter(|f| Manifest::generation_of(f).is_some())
        .collect();
    assert!(manifests.len() <= 2, "{context}: {listed:?}");
    let mut named = std::collections::HashSet::new();
    for path in &manifests {
        let manifest =
            Manifest::decode(path, &store.read(path).await.expect("read")).expect("valid");
        named.insert((*path).clone());
        named.extend(
            manifest
                .tables
                .iter()
                .flat_map(TableEntry::files)
                .map(|f| f.path.clone()),
        );
    }
    let stray: Vec<&(String, u64)> = listed
        .iter()
        .filter(|(f, _)| layout::is_ours(f) && !named.contains(f))
        .collect();
    assert!(stray.is_empty(), "{context}: stray files {stray:?}");
}

/// Deletes every file, then runs the scenario on a store counting (and failing) in `faults`;
/// returns the last committed state (`None` when the open itself failed or nothing committed).
async fn fresh_run<H: Harness>(h: &H, faults: &Rc<Faults>, context: &str) -> Option<State> {
    let store = h.store().await;
    for (f, _) in files(&store).await {
        store.delete(&f).await.expect("reset");
    }
    let store = FaultyStore::new(h.store().await, Rc::clone(faults));
    match Workspace::open("scenario", h.engine().await, store).await {
        Ok(ws) => {
            let last = fault_run(&ws, faults).await;
            ws.close().await.expect("close");
            last
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::Storage, "{context}: {e}");
            None
        }
    }
}

/// Opens the workspace on a store counting (and failing) in `faults`.
async fn faulty_open<H: Harness>(
    h: &H,
    faults: &Rc<Faults>,
) -> crate::Result<Workspace<H::Engine, FaultyStore<H::Store>>> {
    let store = FaultyStore::new(h.store().await, Rc::clone(faults));
    Workspace::open("scenario", h.engine().await, store).await
}

/// Fault injection: for every kind of store call and every N, fail the N-th such call of a
/// scenario (see `fault_run`), then of a reopen of its end state. Each failed call rejects with a
/// typed error and changes nothing; a clean reopen gives exactly the last committed state
/// (content, row ids, timeline) and leaves no stray files. Prints the fault points tried per
/// call kind. [`Harness::fault_stride`] may sample the fault points of the run.
pub async fn faults_leave_the_last_committed_state<H: Harness>(h: &H) {
    let clean = Faults::new(None);
    fresh_run(h, &clean, "clean run")
        .await
        .expect("a clean run succeeds");
    let in_run = clean.counts();
    assert!(in_run[2] > 8, "the run writes files ({in_run:?})");
    let stride = usize::try_from(h.fault_stride().max(1)).unwrap();
    let mut tried = [0u32; 5];
    for (k, kind) in CallKind::ALL.into_iter().enumerate() {
        for n in (1..=in_run[k]).step_by(stride) {
            let context = format!("{kind:?} call {n} of the run");
            let last = fresh_run(h, &Faults::new(Some((kind, n))), &context).await;
            let ws = open(h).await;
            let now = state(&ws, &Faults::default()).await;
            ws.close().await.expect("close");
            assert_eq!(now, last.unwrap_or_default(), "{context}");
            assert_no_stray_files(&h.store().await, &context).await;
            tried[k] += 1;
        }
    }

    // Step durations differ between runs: the reopen phase compares with its own clean run.
    let expected = fresh_run(h, &Faults::new(None), "clean run")
        .await
        .expect("a clean run succeeds");
    let reopen = Faults::new(None);
    let ws = faulty_open(h, &reopen).await.expect("reopen");
    assert_eq!(state(&ws, &reopen).await, expected, "a clean reopen");
    ws.close().await.expect("close");
    let at_reopen = reopen.counts();
    for (k, kind) in CallKind::ALL.into_iter().enumerate() {
        for n in 1..=at_reopen[k] {
            let context = format!("{kind:?} call {n} of a reopen");
            let before = files(&h.store().await).await;
            let faults = Faults::new(Some((kind, n)));
            match faulty_open(h, &faults).await {
                Ok(ws) => {
                    assert_eq!(state(&ws, &faults).await, expected, "{context}");
                    ws.close().await.expect("close");
                }
                Err(e) => {
                    assert_eq!(e.code(), ErrorCode::Storage, "{context}: {e}");
                    assert_eq!(files(&h.store().await).await, before, "{context}");
                }
            }
            let ws = open(h).await;
            assert_eq!(state(&ws, &Faults::default()).await, expected, "{context}");
            ws.close().await.expect("close");
            tried[k] += 1;
        }
    }
    let tried: Vec<String> = CallKind::ALL
        .iter()
        .zip(tried)
        .map(|(kind, n)| format!("{kind:?} {n}"))
        .collect();
    println!(
        "fault points tried: {} (run: {in_run:?}, reopen: {at_reopen:?})",
        tried.join(", ")
    );
}
