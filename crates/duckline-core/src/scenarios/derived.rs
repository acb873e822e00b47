//! Workspace commands: `stack` and `join` create new tables with their own timelines.

use super::*;

/// `ws.stack` and `ws.join`: new tables from existing ones, with their own timelines.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn stack_and_join<H: Harness>(h: &H) {
    let ws = open(h).await;
    let csv = |text: &str| text.as_bytes().to_vec();
    let a = ws
        .import_csv(
            "a",
            csv("id,name\n1,x\n2,y\n"),
            &CsvOptions::default(),
            &Call::none(),
        )
        .await
        .expect("a");
    ws.apply(
        a,
        json!({"op": "insert_row", "after": null, "values": {"id": 0, "name": "top"}}),
        &Call::none(),
    )
    .await
    .expect("insert");
    ws.import_csv(
        "b",
        csv("city,id\nOslo,3\n"),
        &CsvOptions::default(),
        &Call::none(),
    )
    .await
    .expect("b");
    let stacked = ws
        .stack("ab", &["a".into(), "b".into()])
        .await
        .expect("stack");
    let s = snapshot(&ws, stacked, 100).await;
    let names: Vec<&str> = s.info.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "city"]);
    let rows: Vec<Vec<Value>> = s.rows.into_iter().map(|r| r.1).collect();
    assert_eq!(
        rows,
        [
            vec![json!(0), json!("top"), Value::Null],
            vec![json!(1), json!("x"), Value::Null],
            vec![json!(2), json!("y"), Value::Null],
            vec![json!(3), Value::Null, json!("Oslo")],
        ]
    );
    ws.import_csv(
        "l",
        csv("k,v\n1,a\n2,b\n3,c\n"),
        &CsvOptions::default(),
        &Call::none(),
    )
    .await
    .expect("l");
    ws.import_csv(
        "r",
        csv("k,V,w\n3,y,q\n1,x,p\n4,z,r\n"),
        &CsvOptions::default(),
        &Call::none(),
    )
    .await
    .expect("r");
    let join = |name: &'static str, how| {
        let ws = &ws;
        async move { ws.join(name, "l", "r", &["k".into()], how).await }
    };
    let inner = join("inner", crate::JoinKind::Inner).await.expect("inner");
    let s = snapshot(&ws, inner, 100).await;
    assert_eq!(
        s.info
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["k", "v", "V_right", "w"]
    );
    let rows: Vec<Vec<Value>> = s.rows.into_iter().map(|r| r.1).collect();
    assert_eq!(
        rows,
        [
            vec![json!(1), json!("a"), json!("x"), json!("p")],
            vec![json!(3), json!("c"), json!("y"), json!("q")]
        ]
    );
    let left = join("left", crate::JoinKind::Left).await.expect("left");
    assert_eq!(ws.table_info(left).await.expect("info").row_count, 3);
    let full = join("full", crate::JoinKind::Full).await.expect("full");
    let s = snapshot(&ws, full, 100).await;
    assert_eq!(s.rows.len(), 4);
    assert_eq!(
        s.rows[3].1[0],
        json!(4),
        "the unmatched right row comes last, its key kept"
    );
    ws.apply(
        full,
        json!({"op": "uppercase", "column": "v"}),
        &Call::none(),
    )
    .await
    .expect("a step on the new table");
    assert_eq!(
        ws.undo(full, &Call::none())
            .await
            .expect("undo")
            .map(|s| s.index),
        Some(1)
    );
    let e = ws
        .join("l", "l", "r", &["k".into()], crate::JoinKind::Inner)
        .await
        .expect_err("name taken");
    assert_eq!(e.code(), ErrorCode::TableExists);
    let e = ws
        .join("j", "l", "r", &["nope".into()], crate::JoinKind::Inner)
        .await
        .expect_err("bad key");
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = ws
        .stack("s", &["a".into(), "ghost".into()])
        .await
        .expect_err("bad table");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(
        crate::JoinKind::parse("cross").unwrap_err().code(),
        ErrorCode::InvalidCommand
    );
    assert!(
        !ws.tables()
            .await
            .expect("tables")
            .iter()
            .any(|t| t.name == "j" || t.name == "s")
    );
}
