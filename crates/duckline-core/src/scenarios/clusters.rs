//! Values clustering: fingerprint and n-gram key collisions.

use super::*;

/// Near-duplicate spellings for clustering.
pub const CLUSTER_CSV: &str = "name,city\n\
Éric Durand,Paris\n\
eric durand,paris\n\
\" DURAND, Éric\",PARIS\n\
Éric Durand,Lyon\n\
Ann Lee,Lyon\n\
NA,Pa ris\n";

/// `clusters`: fingerprint and n-gram key collision with counts; read-only.
pub async fn clusters_fingerprint_and_ngram<H: Harness>(h: &H) {
    use crate::clusters::{ClusterMethod, ClusterOptions};
    let ws = open(h).await.with_chunk_row_count(2);
    let t = import_fixture::<H>(&ws, "clusters", CLUSTER_CSV).await;
    let before = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let options = |column: &str, method, ngram_size| ClusterOptions {
        column: column.into(),
        method,
        ngram_size,
        ..ClusterOptions::default()
    };
    let got = ws
        .clusters(t, &options("name", ClusterMethod::Fingerprint, None))
        .await
        .expect("fingerprint");
    let got = serde_json::to_value(&got).unwrap();
    assert_eq!(
        got,
        json!([{"key": "durand eric", "values": [
            {"value": "Éric Durand", "count": 2},
            {"value": " DURAND, Éric", "count": 1},
            {"value": "eric durand", "count": 1}
        ]}])
    );
    let city = ws
        .clusters(t, &options("city", ClusterMethod::Fingerprint, None))
        .await
        .expect("fingerprint city");
    assert_eq!(city.len(), 1);
    assert_eq!(city[0].key, "paris");
    assert_eq!(
        city[0]
            .values
            .iter()
            .map(|v| v.value.as_str())
            .collect::<Vec<_>>(),
        ["PARIS", "Paris", "paris"],
        "\"Pa ris\" has other tokens"
    );
    let ngram = ws
        .clusters(t, &options("city", ClusterMethod::Ngram, None))
        .await
        .expect("ngram");
    let ngram = serde_json::to_value(&ngram).unwrap();
    assert_eq!(
        ngram,
        json!([{"key": "arispari", "values": [
            {"value": "PARIS", "count": 1},
            {"value": "Pa ris", "count": 1},
            {"value": "Paris", "count": 1},
            {"value": "paris", "count": 1}
        ]}])
    );
    let wide = ws
        .clusters(t, &options("city", ClusterMethod::Ngram, Some(5)))
        .await
        .expect("ngram 5");
    assert_eq!(wide.len(), 1);
    assert_eq!(wide[0].key, "paris");
    assert_eq!(
        ws.clusters(t, &options("nope", ClusterMethod::Fingerprint, None))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        ws.clusters(t, &options("city", ClusterMethod::Ngram, Some(0)))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidCommand
    );
    assert_eq!(snapshot(&ws, t, 100).await, before, "read-only");
    assert_eq!(files(&h.store().await).await, stored);
}

/// Spellings for every clustering method: OpenRefine's folds (Æ, Ø, ß, ©, ligatures), symbols that
/// stay, phonetic twins, one-edit neighbours.
pub const CLUSTER_METHODS_CSV: &str = "name\n\
ÆØ Hansen\naeoe hansen\n\"Hansen, Æø\"\n©ß\ncss\nﬁsh\nfish\nfish\nFish\n$5 + 1\n5 + 1\n\
Müller\nMueller\nSmith\nSmyth\nNA\n";

/// `clusters` by every method through DuckDB: OpenRefine-exact fingerprint keys and order, n-gram,
/// Double Metaphone, Kölner Phonetik, kNN with radius and blocking, option errors, the limit.
#[expect(
    clippy::too_many_lines,
    reason = "a scenario is one linear script of steps and checks; cutting it up would hide the sequence"
)]
pub async fn clusters_every_method<H: Harness>(h: &H) {
    use crate::clusters::{ClusterMethod, ClusterOptions};
    let ws = open(h).await;
    let t = import_fixture::<H>(&ws, "methods", CLUSTER_METHODS_CSV).await;
    let before = snapshot(&ws, t, 100).await;
    let stored = files(&h.store().await).await;
    let run = |options: Value| {
        let ws = &ws;
        async move {
            let options: ClusterOptions = serde_json::from_value(options).expect("options");
            ws.clusters(t, &options).await
        }
    };
    // Value sets of the clusters, each sorted, for the methods whose keys are codes.
    let groups = |clusters: &[crate::clusters::Cluster]| {
        let mut groups: Vec<Vec<String>> = clusters
            .iter()
            .map(|c| {
                let mut v: Vec<String> = c.values.iter().map(|v| v.value.clone()).collect();
                v.sort();
                v
            })
            .collect();
        groups.sort();
        groups
    };
    let fingerprint = run(json!({ "column": "name" })).await.expect("fingerprint");
    assert_eq!(
        serde_json::to_value(&fingerprint).unwrap(),
        json!([
            {"key": "fish", "values": [
                {"value": "fish", "count": 2}, {"value": "Fish", "count": 1},
                {"value": "ﬁsh", "count": 1}]},
            {"key": "aeoe hansen", "values": [
                {"value": "Hansen, Æø", "count": 1}, {"value": "aeoe hansen", "count": 1},
                {"value": "ÆØ Hansen", "count": 1}]},
            {"key": "css", "values": [{"value": "css", "count": 1}, {"value": "©ß", "count": 1}]}
        ]),
        "\"$5 + 1\" keeps its symbols: not \"5 + 1\""
    );
    let ngram = run(json!({ "column": "name", "method": "ngram" }))
        .await
        .expect("ngram");
    assert_eq!(
        groups(&ngram),
        [
            vec!["Fish", "fish", "ﬁsh"],
            vec!["aeoe hansen", "ÆØ Hansen"],
            vec!["css", "©ß"]
        ]
    );
    assert_eq!(ngram[0].key, "fiissh");
    let phonetic_groups = [
        vec!["$5 + 1", "5 + 1"],
        vec!["Fish", "fish", "ﬁsh"],
        vec!["Hansen, Æø", "aeoe hansen", "ÆØ Hansen"],
        vec!["Mueller", "Müller"],
        vec!["Smith", "Smyth"],
        vec!["css", "©ß"],
    ];
    for method in ["metaphone", "cologne"] {
        let got = run(json!({ "column": "name", "method": method }))
            .await
            .expect(method);
        assert_eq!(groups(&got), phonetic_groups, "{method}");
    }
    let smith = run(json!({ "column": "name", "method": "metaphone" }))
        .await
        .expect("metaphone");
    assert!(smith.iter().any(|c| c.key == "SM0" && c.values.len() == 2));
    let cologne = run(json!({ "column": "name", "method": "cologne" }))
        .await
        .expect("cologne");
    assert!(
        cologne
            .iter()
            .any(|c| c.key == "657" && c.values.len() == 2)
    );
    // kNN: defaults (radius 1, blocking 6) find nothing here, every value shorter than 6 or far off.
    let knn = run(json!({ "column": "name", "method": "knn" }))
        .await
        .expect("knn");
    assert!(knn.is_empty(), "{knn:?}");
    let knn = run(
        json!({ "column": "name", "method": "knn", "distance": "levenshtein",
        "radius": 1, "blockingNgramSize": 2 }),
    )
    .await
    .expect("knn blocking 2");
    assert_eq!(
        serde_json::to_value(&knn).unwrap(),
        json!([
            {"key": "Fish", "values": [{"value": "fish", "count": 2}, {"value": "Fish", "count": 1}]},
            {"key": "$5 + 1", "values": [{"value": "$5 + 1", "count": 1}, {"value": "5 + 1", "count": 1}]},
            {"key": "Smith", "values": [{"value": "Smith", "count": 1}, {"value": "Smyth", "count": 1}]}
        ])
    );
    let wide =
        run(json!({ "column": "name", "method": "knn", "radius": 2, "blockingNgramSize": 2 }))
            .await
            .expect("knn radius 2");
    assert!(
        wide.iter()
            .any(|c| groups(std::slice::from_ref(c)) == [vec!["Mueller", "Müller"]])
    );
    for bad in [
        json!({ "column": "name", "radius": 1 }),
        json!({ "column": "name", "method": "ngram", "blockingNgramSize": 2 }),
        json!({ "column": "name", "method": "knn", "ngramSize": 2 }),
        json!({ "column": "name", "method": "knn", "radius": -1 }),
        json!({ "column": "name", "method": "knn", "blockingNgramSize": 0 }),
    ] {
        assert_eq!(
            run(bad.clone()).await.unwrap_err().code(),
            ErrorCode::InvalidCommand,
            "{bad}"
        );
    }
    assert_eq!(snapshot(&ws, t, 100).await, before, "read-only");
    assert_eq!(files(&h.store().await).await, stored);

    // One distinct value over kNN's limit: refused before any keying, naming the limit.
    let limit = ClusterMethod::Knn.max_distinct_values();
    let mut many = String::from("v\n");
    for i in 0..=limit {
        writeln!(many, "v{i}").unwrap();
    }
    let big = import_fixture::<H>(&ws, "many", &many).await;
    let options = ClusterOptions {
        column: "v".into(),
        method: ClusterMethod::Knn,
        ..ClusterOptions::default()
    };
    let err = ws.clusters(big, &options).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCommand);
    let message = err.to_string();
    assert!(
        message.contains(&limit.to_string()) && message.contains("narrow"),
        "{message}"
    );
    let fingerprint = ClusterOptions {
        column: "v".into(),
        ..ClusterOptions::default()
    };
    assert!(
        ws.clusters(big, &fingerprint)
            .await
            .expect("under its limit")
            .is_empty()
    );
}
