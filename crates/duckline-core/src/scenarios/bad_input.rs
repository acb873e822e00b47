//! Bad input: a table of hostile or malformed inputs across the API, each rejected with API.md's
//! code, changing nothing.

use super::*;
use crate::JoinKind;
use crate::clusters::{ClusterMethod, ClusterOptions};

/// One hostile call that is not a command, a CSV import or a recipe.
enum Hostile {
    Parquet(Vec<u8>),
    Rows(RowsOptions),
    Clusters(ClusterOptions),
    Goto(usize),
    Diff(usize),
    Lookup(&'static str),
    Stack(&'static str, Vec<String>),
    Join(&'static str, Vec<String>),
    Compare(Vec<String>),
}

impl Hostile {
    async fn run<E: Engine, S: Store>(self, ws: &Workspace<E, S>, t: u32) -> crate::Result<()> {
        match self {
            Self::Parquet(bytes) => ws
                .import_parquet("pq", bytes, &Call::none())
                .await
                .map(drop),
            Self::Rows(options) => ws.rows(t, &options).await.map(drop),
            Self::Clusters(options) => ws.clusters(t, &options).await.map(drop),
            Self::Goto(position) => ws.goto(t, position, &Call::none()).await,
            Self::Diff(from) => ws.diff(t, from, &Call::none()).await.map(drop),
            Self::Lookup(name) => ws.table_id(name).await.map(drop),
            Self::Stack(name, tables) => ws.stack(name, &tables).await.map(drop),
            Self::Join(right, on) => ws
                .join("joined", "people", right, &on, JoinKind::Inner)
                .await
                .map(drop),
            Self::Compare(keys) => ws.compare("people", "people", &keys).await.map(drop),
        }
    }
}

fn rows(after: Option<&str>, limit: Option<u64>, columns: Option<&[&str]>) -> Hostile {
    Hostile::Rows(RowsOptions {
        after: after.map(Into::into),
        limit,
        columns: columns.map(|c| c.iter().map(|s| (*s).to_owned()).collect()),
    })
}

fn clusters(method: ClusterMethod, f: impl FnOnce(&mut ClusterOptions)) -> Hostile {
    let mut options = ClusterOptions {
        column: "name".into(),
        method,
        ..ClusterOptions::default()
    };
    f(&mut options);
    Hostile::Clusters(options)
}

/// A value nested `depth` objects deep.
/// A CSV of `columns` columns (`c1..`) and two rows.
fn wide_csv(columns: usize) -> Vec<u8> {
    let header: Vec<String> = (1..=columns).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
    format!(
        "{}\n{}\n{}\n",
        header.join(","),
        row.join(","),
        row.join(",")
    )
    .into_bytes()
}

fn deep_json(depth: usize) -> Value {
    (0..depth).fold(json!("bottom"), |inner, _| json!({ "a": inner }))
}

/// Bad input is rejected with API.md's code and changes nothing: table, timeline, table list and
/// files, checked after each one. Prints how many inputs were tried.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn bad_input_changes_nothing<H: Harness>(h: &H) {
    let ws = open(h).await;
    let t = people::<H>(&ws).await;
    ws.apply(t, json!({"op": "trim", "column": "name"}), &Call::none())
        .await
        .expect("trim");
    let state = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let tables = ws.tables().await.expect("tables");
    let csv = |b: &[u8]| b.to_vec();
    let imports: Vec<(&str, Vec<u8>, ErrorCode)> = vec![
        (
            "ragged",
            csv(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n"),
            ErrorCode::InvalidInput,
        ),
        (
            "binary",
            vec![0, 159, 146, 150, 0, 1, 2, 255, 254, 0, 0, 7],
            ErrorCode::InvalidInput,
        ),
        ("empty", Vec::new(), ErrorCode::InvalidInput),
        ("blank", csv(b"  \n\n"), ErrorCode::InvalidInput),
        ("people", csv(b"a\n1\n"), ErrorCode::TableExists),
        (
            "huge_field",
            format!("a,b\n1,\"{}\"\n", "x".repeat(3 << 20)).into_bytes(),
            ErrorCode::InvalidInput,
        ),
        ("wide", wide_csv(10_000), ErrorCode::InvalidInput),
    ];
    let mut tried = 0;
    let unchanged = async |what: &str| {
        assert_eq!(snapshot(&ws, t, 100).await, state, "{what}");
        assert_eq!(files(&h.store().await).await, stored, "{what}");
        assert_eq!(ws.tables().await.expect("tables"), tables, "{what}");
    };
    for (name, bytes, code) in imports {
        let e = ws
            .import_csv(name, bytes, &CsvOptions::default(), &Call::none())
            .await
            .expect_err(name);
        assert_eq!(e.code(), code, "{name}: {e}");
        unchanged(name).await;
        tried += 1;
    }
    let commands: Vec<(Value, ErrorCode)> = vec![
        (
            json!({"op": "frobnicate", "column": "name"}),
            ErrorCode::InvalidCommand,
        ),
        (json!({"column": "name"}), ErrorCode::InvalidCommand),
        (json!({"op": "trim"}), ErrorCode::InvalidCommand),
        (json!({"op": "trim", "column": "nope"}), ErrorCode::NotFound),
        (
            json!({"op": "pad_zeros", "column": "account", "length": 65}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "pad_zeros", "column": "account", "length": "5"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "rename_column", "column": "name", "newName": "CITY"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "calculate_age", "column": "birth_date", "newColumn": "name", "asOf": "2024-01-01"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "calculate_age", "column": "birth_date", "asOf": "01/01/2024"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "edit_cell", "rowId": 1, "column": "amount", "value": "lots"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "edit_cell", "rowId": 999, "column": "amount", "value": 1}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "delete_rows", "rowIds": []}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "delete_rows", "rowIds": [2, 999]}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "insert_row", "after": 999}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "insert_row", "after": 1, "values": {"amount": "x"}}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "remove_duplicates", "columns": ["ghost"]}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "trim", "column": "name", "unknownOption": true}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": 42, "column": "name"}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "trim", "column": ["name"]}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "pad_zeros", "column": "account", "length": -3}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "pad_zeros", "column": "account", "length": 1e300}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "delete_rows", "rowIds": [1e300]}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "delete_rows", "rowIds": [-1]}),
            ErrorCode::NotFound,
        ),
        (
            json!({"op": "edit_cell", "rowId": 1, "column": "amount", "value": deep_json(200)}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "insert_row", "after": 1, "values": {"amount": deep_json(200)}}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "split_column", "column": "name", "delimiter": ""}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "split_column", "column": "name", "delimiter": " ", "maxParts": 1}),
            ErrorCode::InvalidCommand,
        ),
        (
            json!({"op": "split_column", "column": "ghost", "delimiter": " "}),
            ErrorCode::NotFound,
        ),
        (
            // DuckDB refuses at run time (no such column): after the working copy was made.
            json!({"op": "custom_sql", "sql": "UPDATE {table} SET ghost = 1"}),
            ErrorCode::Engine,
        ),
        (
            // A cast failing half-way through the rows.
            json!({"op": "custom_sql", "sql": "UPDATE {table} SET amount = CAST(name AS INTEGER)"}),
            ErrorCode::Engine,
        ),
    ];
    let refused_sql = [
        "SELECT * FROM {table}",
        "UPDATE {table} SET amount = 1; DROP TABLE {table}",
        "UPDATE people SET amount = 1",
        "UPDATE {table} SET amount = (SELECT count(*) FROM duckdb_tables())",
        "INSERT INTO {table} SELECT * FROM read_csv('data.csv')",
        "INSERT INTO {table} SELECT * FROM read_parquet('https://example.com/x.parquet')",
        "DROP TABLE {table}",
        "CREATE TABLE copy AS SELECT * FROM {table}",
        "COPY {table} TO 'out.csv'",
        "ATTACH 'other.db'",
        "ALTER TABLE {table} RENAME TO renamed",
        "UPDATE amount SET amount = 1",
        "UPDATE {table} SET",
        "PRAGMA database_list",
        "SET threads = 1",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CALL pragma_version()",
        "EXPORT DATABASE 'dump'",
        "DETACH DATABASE memory",
        "UPDATE {table} SET name = (SELECT content FROM read_text('/etc/passwd'))",
        "UPDATE {table} SET name = (SELECT count(*)::VARCHAR FROM glob('*'))",
        "DELETE FROM {table} WHERE name IN (SELECT name FROM 'data.csv')",
        "UPDATE {table} SET name = 'x'; ATTACH 'y' AS y",
        "UPDATE {table} SET name = 'a' WHERE 1 = 1; -- trailing\nCOPY {table} TO 'x.csv'",
        "/* a comment */ DROP TABLE {table}",
        "UPDATE {table} SET name = $$x$$; DROP TABLE {table}",
    ];
    let commands = commands.into_iter().chain(refused_sql.iter().map(|sql| {
        (
            json!({"op": "custom_sql", "sql": sql}),
            ErrorCode::InvalidCommand,
        )
    }));
    for (command, code) in commands {
        let e = ws
            .apply(t, command.clone(), &Call::none())
            .await
            .expect_err(&command.to_string());
        assert_eq!(e.code(), code, "{command}: {e}");
        unchanged(&command.to_string()).await;
        tried += 1;
    }
    // A recipe is refused as a whole before any step runs: `InvalidInput` naming the step.
    let step = |command: Value| json!({"version": 1, "steps": [command]});
    let recipes: Vec<(Value, Vec<String>, ErrorCode)> = vec![
        (json!([]), vec![], ErrorCode::InvalidInput),
        (
            json!({"version": 2, "steps": []}),
            vec![],
            ErrorCode::InvalidInput,
        ),
        (json!({"version": 1}), vec![], ErrorCode::InvalidInput),
        (
            json!({"version": 1, "steps": [], "from": "a stranger"}),
            vec![],
            ErrorCode::InvalidInput,
        ),
        (
            step(json!({"op": "frobnicate"})),
            vec![],
            ErrorCode::InvalidInput,
        ),
        (
            step(json!({"op": "hash", "column": "name", "secret": null})),
            vec![],
            ErrorCode::InvalidInput,
        ),
        (
            step(json!({"op": "trim", "column": "name"})),
            vec!["unasked".into()],
            ErrorCode::InvalidInput,
        ),
        (
            step(json!({"op": "custom_sql", "sql": "COPY {table} TO 'out.csv'"})),
            vec![],
            ErrorCode::InvalidInput,
        ),
        (
            step(
                json!({"op": "custom_sql", "sql": "INSERT INTO {table} SELECT * FROM read_csv('https://example.com/x.csv')"}),
            ),
            vec![],
            ErrorCode::InvalidInput,
        ),
    ];
    for (recipe, secrets, code) in recipes {
        let e = ws
            .apply_recipe(t, recipe.clone(), &secrets, &Call::none())
            .await
            .expect_err(&recipe.to_string());
        assert_eq!(e.code(), code, "recipe {recipe}: {e}");
        unchanged(&recipe.to_string()).await;
        tried += 1;
    }
    let knn = ClusterMethod::Knn;
    let calls: Vec<(&str, Hostile, ErrorCode)> = vec![
        (
            "parquet",
            Hostile::Parquet(b"PAR1 not really".to_vec()),
            ErrorCode::InvalidInput,
        ),
        (
            "forged cursor",
            rows(Some("garbage"), None, None),
            ErrorCode::InvalidCommand,
        ),
        (
            "empty cursor",
            rows(Some(""), None, None),
            ErrorCode::InvalidCommand,
        ),
        (
            "limit 0",
            rows(None, Some(0), None),
            ErrorCode::InvalidCommand,
        ),
        (
            "limit 10,001",
            rows(None, Some(10_001), None),
            ErrorCode::InvalidCommand,
        ),
        (
            "limit u64::MAX",
            rows(None, Some(u64::MAX), None),
            ErrorCode::InvalidCommand,
        ),
        (
            "rows of a ghost column",
            rows(None, None, Some(&["ghost"])),
            ErrorCode::NotFound,
        ),
        (
            "clusters of a ghost column",
            clusters(ClusterMethod::Fingerprint, |o| o.column = "ghost".into()),
            ErrorCode::NotFound,
        ),
        (
            "ngram size 0",
            clusters(ClusterMethod::Ngram, |o| o.ngram_size = Some(0)),
            ErrorCode::InvalidCommand,
        ),
        (
            "ngram size u32::MAX",
            clusters(ClusterMethod::Ngram, |o| o.ngram_size = Some(u32::MAX)),
            ErrorCode::InvalidCommand,
        ),
        (
            "radius NaN",
            clusters(knn, |o| o.radius = Some(f64::NAN)),
            ErrorCode::InvalidCommand,
        ),
        (
            "radius Infinity",
            clusters(knn, |o| o.radius = Some(f64::INFINITY)),
            ErrorCode::InvalidCommand,
        ),
        (
            "radius -1",
            clusters(knn, |o| o.radius = Some(-1.0)),
            ErrorCode::InvalidCommand,
        ),
        (
            "radius for fingerprint",
            clusters(ClusterMethod::Fingerprint, |o| o.radius = Some(1.0)),
            ErrorCode::InvalidCommand,
        ),
        ("goto 9", Hostile::Goto(9), ErrorCode::NotFound),
        (
            "goto usize::MAX",
            Hostile::Goto(usize::MAX),
            ErrorCode::NotFound,
        ),
        ("diff from 5", Hostile::Diff(5), ErrorCode::NotFound),
        (
            "unknown table",
            Hostile::Lookup("ghost"),
            ErrorCode::NotFound,
        ),
        (
            "stack under a taken name",
            Hostile::Stack("people", vec!["people".into()]),
            ErrorCode::TableExists,
        ),
        (
            "stack a ghost",
            Hostile::Stack("all", vec!["ghost".into()]),
            ErrorCode::NotFound,
        ),
        (
            "join a ghost",
            Hostile::Join("ghost", vec!["name".into()]),
            ErrorCode::NotFound,
        ),
        (
            "join on nothing",
            Hostile::Join("people", vec![]),
            ErrorCode::InvalidCommand,
        ),
        (
            "compare on a ghost key",
            Hostile::Compare(vec!["ghost".into()]),
            ErrorCode::NotFound,
        ),
    ];
    for (what, call, code) in calls {
        let e = call.run(&ws, t).await.expect_err(what);
        assert_eq!(e.code(), code, "{what}: {e}");
        unchanged(what).await;
        tried += 1;
    }
    assert!(tried >= 40, "{tried}");
    println!("bad inputs tried: {tried}, each rejected with its code, nothing changed");
}
