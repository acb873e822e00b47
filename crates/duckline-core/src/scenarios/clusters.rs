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
