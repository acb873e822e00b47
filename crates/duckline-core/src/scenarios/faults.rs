//! Fault injection: a store that fails its N-th call, and the scenario proving that every failure leaves the last committed state.

use super::*;

/// A [`Store`] that fails its N-th mutating call (write or delete) with [`crate::Error::Storage`],
/// as a crash or a full disk would: fault injection for the reliability scenario.
pub struct FaultyStore<S: Store> {
    inner: S,
    mutations: Rc<Cell<u32>>,
    fail_at: Option<u32>,
}

impl<S: Store> FaultyStore<S> {
    /// Wraps `inner`; `fail_at` = the 1-based mutating call to fail (`None`: never).
    pub fn new(inner: S, fail_at: Option<u32>) -> Self {
        Self {
            inner,
            mutations: Rc::new(Cell::new(0)),
            fail_at,
        }
    }

    /// A counter of mutating calls shared with the store (read it after the run).
    #[must_use]
    pub fn counter(&self) -> Rc<Cell<u32>> {
        Rc::clone(&self.mutations)
    }

    fn mutate(&self) -> crate::Result<()> {
        let n = self.mutations.get() + 1;
        self.mutations.set(n);
        if self.fail_at == Some(n) {
            return Err(crate::Error::Storage(format!(
                "injected failure of mutating call {n}"
            )));
        }
        Ok(())
    }
}

impl<S: Store> Store for FaultyStore<S> {
    async fn list(&self) -> crate::Result<Vec<String>> {
        self.inner.list().await
    }
    async fn read(&self, path: &str) -> crate::Result<Vec<u8>> {
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: &[u8]) -> crate::Result<()> {
        self.mutate()?;
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> crate::Result<()> {
        self.mutate()?;
        self.inner.delete(path).await
    }
    async fn size(&self, path: &str) -> crate::Result<u64> {
        self.inner.size(path).await
    }
}

/// The operations of the fault-injection scenario; returns the snapshot after each one that
/// succeeded (errors are expected when a write fails).
async fn fault_run<E: Engine, S: Store>(ws: &Workspace<E, S>) -> Option<Snapshot> {
    let mut last = None;
    let Ok(t) = ws
        .import_csv(
            "people",
            PEOPLE_CSV.as_bytes().to_vec(),
            &CsvOptions::default(),
        )
        .await
    else {
        return last;
    };
    last = Some(snapshot(ws, t, 100).await);
    let ops: [Value; 4] = [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "remove_duplicates"}),
        json!({"op": "undo"}),
        json!({"op": "pad_zeros", "column": "account", "length": 8}),
    ];
    for op in ops {
        let result = if op["op"] == "undo" {
            ws.undo(t).await.map(|_| ())
        } else {
            ws.apply(t, op.clone()).await.map(|_| ())
        };
        let now = snapshot(ws, t, 100).await;
        if result.is_err() {
            assert_eq!(Some(&now), last.as_ref(), "a failed {op} changed the table");
        }
        last = Some(now);
    }
    last
}

/// Fault injection: for every N, fail the N-th store write or delete of a scenario. Reopening
/// must give exactly the last committed state, and garbage collection leaves one manifest and no
/// stray files.
pub async fn faults_leave_the_last_committed_state<H: Harness>(h: &H) {
    let clean = FaultyStore::new(h.store().await, None);
    let counter = clean.counter();
    let ws = Workspace::open("scenario", h.engine().await, clean)
        .await
        .expect("open");
    fault_run(&ws).await.expect("a clean run succeeds");
    ws.close().await.expect("close");
    let mutations = counter.get();
    assert!(mutations > 8, "the run writes files ({mutations})");
    for n in 1..=mutations {
        let store = h.store().await;
        for (f, _) in files(&store).await {
            store.delete(&f).await.expect("reset");
        }
        let faulty = FaultyStore::new(h.store().await, Some(n));
        let ws = Workspace::open("scenario", h.engine().await, faulty)
            .await
            .expect("open");
        let last = fault_run(&ws).await;
        ws.close().await.expect("close");
        let reopened = Workspace::open("scenario", h.engine().await, h.store().await)
            .await
            .expect("reopen");
        let tables = reopened.tables().await.expect("tables");
        match &last {
            None => assert!(tables.is_empty(), "failure {n}: nothing was committed"),
            Some(expected) => {
                let t = reopened.table_id("people").await.expect("people");
                assert_eq!(&snapshot(&reopened, t, 100).await, expected, "failure {n}");
            }
        }
        reopened.close().await.expect("close");
        let listed = files(&h.store().await).await;
        let manifests = listed
            .iter()
            .filter(|(f, _)| f.starts_with("manifest-"))
            .count();
        assert!(manifests <= 1, "failure {n}: {listed:?}");
        assert!(
            !listed.iter().any(|(f, _)| f.contains(".tmp")),
            "failure {n}: {listed:?}"
        );
    }
}
