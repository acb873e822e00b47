//! Values clustering (COMMANDS.md, `table.clusters`): groups of distinct values of a column that are
//! likely the same thing. Read-only; a person picks a cluster and sends a `mass_edit`.
//!
//! DuckDB only counts the distinct values (one `GROUP BY`); the methods run in Rust over them
//! ([`crate::keyer`], each exactly as its source), so the same keys come out natively and in the
//! browser. Clusters are ordered as OpenRefine orders them: most distinct values first, then most
//! rows, then by key; each cluster's values most frequent first (ties in UTF-16 order, as
//! OpenRefine's sorted maps). A cluster's suggested new value, as OpenRefine's dialog suggests it,
//! is its most frequent value: `values[0]`.
//!
//! Each method has a limit on the distinct values it takes ([`ClusterMethod::max_distinct_values`],
//! from the clusters benchmark, README "Benchmark"); a column with more is refused with
//! [`Error::InvalidCommand`] before any keying.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::keyer::{self, fingerprint, knn, ngram, phonetic};
use crate::schema::find_column;
use crate::sql::{self};
use crate::{Engine, Error, Result, Store, Workspace, values};

/// Largest accepted `ngramSize` and `blockingNgramSize`.
pub const MAX_NGRAM_SIZE: u32 = 32;

/// OpenRefine's default `blocking-ngram-size` for kNN.
pub const DEFAULT_BLOCKING_NGRAM_SIZE: u32 = 6;

/// The clustering method, each named after its source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ClusterMethod {
    /// Key collision on OpenRefine 3.10 `FingerprintKeyer` keys ([`fingerprint::fingerprint`]).
    #[default]
    Fingerprint,
    /// Key collision on OpenRefine 3.10 `NGramFingerprintKeyer` keys ([`ngram::ngram_fingerprint`]).
    Ngram,
    /// Key collision on Double Metaphone primary codes per token ([`phonetic::metaphone`]).
    Metaphone,
    /// Key collision on Kölner Phonetik codes per token ([`phonetic::cologne`]).
    Cologne,
    /// OpenRefine 3.10 `kNNClusterer`: neighbours within `radius`, n-gram blocking
    /// ([`knn::knn_clusters`]).
    Knn,
}

impl ClusterMethod {
    /// The most distinct values this method clusters, from the clusters benchmark (README
    /// "Benchmark"; 1M rows, native, medians of 3): key collision took 0.2 s at 50,000 and 1.5-2.1 s
    /// at 300,000 distinct values, so 500,000 stays near 3.5 s natively (the browser is slower);
    /// kNN (radius 1, blocking 6) took 4.9 s at 50,000, and its pairs within blocks grow faster
    /// than the values.
    #[must_use]
    pub const fn max_distinct_values(self) -> u64 {
        match self {
            Self::Fingerprint | Self::Ngram | Self::Metaphone | Self::Cologne => 500_000,
            Self::Knn => 50_000,
        }
    }
}

/// The distance of kNN clustering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ClusterDistance {
    /// Levenshtein edit distance over UTF-16 code units (OpenRefine's `levenshtein`).
    #[default]
    Levenshtein,
}

/// Options of `table.clusters({ column, method, ngramSize, distance, radius, blockingNgramSize })`.
/// An option another method uses is refused (`InvalidCommand`), as are unknown fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ClusterOptions {
    /// Column name.
    pub column: String,
    /// Method (default `fingerprint`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub method: ClusterMethod,
    /// n-gram size for `ngram`, 1..=[`MAX_NGRAM_SIZE`] (default 2).
    #[serde(default)]
    pub ngram_size: Option<u32>,
    /// Distance for `knn` (default and only: `levenshtein`).
    #[serde(default)]
    pub distance: Option<ClusterDistance>,
    /// Largest distance between neighbours for `knn`, finite and >= 0 (default 1).
    #[serde(default)]
    pub radius: Option<f64>,
    /// Blocking n-gram size for `knn`, 1..=[`MAX_NGRAM_SIZE`] (default
    /// [`DEFAULT_BLOCKING_NGRAM_SIZE`]).
    #[serde(default)]
    pub blocking_ngram_size: Option<u32>,
}

/// One distinct value of a cluster and how many rows hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClusterValue {
    /// The value as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// A group of distinct values likely the same thing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cluster {
    /// The shared key (key collision), or for `knn` the value whose neighbours these are (the first
    /// of them in UTF-16 order).
    pub key: String,
    /// Its values, most frequent first (ties in UTF-16 order); `values[0]` is the suggested new
    /// value.
    pub values: Vec<ClusterValue>,
}

/// A size option: `given` or `default`, within 1..=[`MAX_NGRAM_SIZE`].
fn size_option(name: &str, given: Option<u32>, default: u32) -> Result<usize> {
    let n = given.unwrap_or(default);
    if (1..=MAX_NGRAM_SIZE).contains(&n) {
        Ok(n as usize)
    } else {
        Err(Error::InvalidCommand(format!(
            "{name} must be 1..={MAX_NGRAM_SIZE}, got {n}"
        )))
    }
}

/// Refuses the options `method` does not use.
fn check_applicable(options: &ClusterOptions) -> Result<()> {
    let knn = options.method == ClusterMethod::Knn;
    let misplaced = [
        (
            "ngramSize",
            options.ngram_size.is_some() && options.method != ClusterMethod::Ngram,
        ),
        ("distance", options.distance.is_some() && !knn),
        ("radius", options.radius.is_some() && !knn),
        (
            "blockingNgramSize",
            options.blocking_ngram_size.is_some() && !knn,
        ),
    ];
    match misplaced.iter().find(|(_, bad)| *bad) {
        Some((name, _)) => Err(Error::InvalidCommand(format!(
            "{name} does not apply to method {:?}",
            options.method
        ))),
        None => Ok(()),
    }
}

/// Orders clusters of `(key, value indices)` over `distinct` as the module docs say.
fn into_clusters(distinct: &[(String, u64)], groups: Vec<(String, Vec<usize>)>) -> Vec<Cluster> {
    let by_count = |a: &ClusterValue, b: &ClusterValue| -> Ordering {
        b.count
            .cmp(&a.count)
            .then_with(|| keyer::java_cmp(&a.value, &b.value))
    };
    let mut clusters: Vec<(u64, Cluster)> = groups
        .into_iter()
        .map(|(key, ix)| {
            let mut values: Vec<ClusterValue> = ix
                .into_iter()
                .map(|i| ClusterValue {
                    value: distinct[i].0.clone(),
                    count: distinct[i].1,
                })
                .collect();
            values.sort_by(by_count);
            (
                values.iter().map(|v| v.count).sum(),
                Cluster { key, values },
            )
        })
        .collect();
    clusters.sort_by(|(ra, a), (rb, b)| {
        b.values
            .len()
            .cmp(&a.values.len())
            .then_with(|| rb.cmp(ra))
            .then_with(|| keyer::java_cmp(&a.key, &b.key))
    });
    clusters.into_iter().map(|(_, c)| c).collect()
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Clusters of the distinct non-NULL values of a column (cast to text) by `options.method`
    /// (see the module docs): only groups of two or more distinct values.
    ///
    /// Errors: [`Error::NotFound`] (table, column), [`Error::InvalidCommand`] (a size or radius out
    /// of range, an option of another method, more distinct values than the method's limit),
    /// [`Error::Engine`].
    pub async fn clusters(&self, table_id: u32, options: &ClusterOptions) -> Result<Vec<Cluster>> {
        check_applicable(options)?;
        let n = size_option("ngramSize", options.ngram_size, 2)?;
        let blocking = size_option(
            "blockingNgramSize",
            options.blocking_ngram_size,
            DEFAULT_BLOCKING_NGRAM_SIZE,
        )?;
        let radius = options.radius.unwrap_or(1.0);
        if !(radius.is_finite() && radius >= 0.0) {
            return Err(Error::InvalidCommand(format!(
                "radius must be a finite number >= 0, got {radius}"
            )));
        }
        let distinct = self.distinct_values(table_id, options).await?;
        let texts: Vec<&str> = distinct.iter().map(|(v, _)| v.as_str()).collect();
        let groups = match options.method {
            ClusterMethod::Fingerprint => keyer::key_collision(&texts, fingerprint::fingerprint),
            ClusterMethod::Ngram => {
                keyer::key_collision(&texts, |v| ngram::ngram_fingerprint(v, n))
            }
            ClusterMethod::Metaphone => keyer::key_collision(&texts, phonetic::metaphone),
            ClusterMethod::Cologne => keyer::key_collision(&texts, phonetic::cologne),
            ClusterMethod::Knn => knn::knn_clusters(&texts, radius, blocking)
                .into_iter()
                .map(|ix| {
                    let center = ix
                        .iter()
                        .map(|&i| texts[i])
                        .min_by(|a, b| keyer::java_cmp(a, b));
                    (center.unwrap_or_default().to_string(), ix)
                })
                .collect(),
        };
        Ok(into_clusters(&distinct, groups))
    }

    /// The distinct non-NULL values of the column as text with their row counts, read in chunks;
    /// [`Error::InvalidCommand`] beyond the method's limit.
    async fn distinct_values(
        &self,
        table_id: u32,
        options: &ClusterOptions,
    ) -> Result<Vec<(String, u64)>> {
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        let column = find_column(entry.schema(), &options.column)?.clone();
        self.ensure_loaded(&mut st, table_id).await?;
        let temp = st.temp("clusters");
        let physical = sql::ident(&sql::column_name(column.id));
        // Numbered so they can be read in bounded chunks.
        self.engine
            .execute(&format!(
                "CREATE TABLE {} AS SELECT row_number() OVER () AS _dl_i, v, n \
                 FROM (SELECT CAST({physical} AS VARCHAR) AS v, count(*) AS n FROM {} \
                 WHERE {physical} IS NOT NULL GROUP BY 1)",
                sql::ident(&temp),
                sql::table_name(table_id)
            ))
            .await?;
        let read = async {
            let total = self
                .engine
                .query(&format!("SELECT count(*) FROM {}", sql::ident(&temp)))
                .await?;
            let total = values::rows(&total)?
                .first()
                .and_then(|r| r[0].as_u64())
                .unwrap_or(0);
            let limit = options.method.max_distinct_values();
            if total > limit {
                return Err(Error::InvalidCommand(format!(
                    "clusters: column {:?} has {total} distinct values, over the limit of {limit} \
                     for method {:?}; narrow the work first (e.g. delete or filter out rows in a \
                     copy of the table, or cluster a column with fewer distinct values)",
                    options.column, options.method
                )));
            }
            let chunk = self.chunk_row_count.max(1);
            let mut distinct = Vec::with_capacity(total as usize);
            let mut lo = 0_u64;
            while lo < total {
                let batches = self
                    .engine
                    .query(&format!(
                        "SELECT v, CAST(n AS BIGINT) FROM {} WHERE _dl_i > {lo} AND _dl_i <= {}",
                        sql::ident(&temp),
                        lo + chunk
                    ))
                    .await?;
                for row in values::rows(&batches)? {
                    if let Value::String(value) = &row[0] {
                        distinct.push((value.clone(), row[1].as_u64().unwrap_or(0)));
                    }
                }
                lo += chunk;
            }
            Ok::<_, Error>(distinct)
        }
        .await;
        self.drop_tables(std::slice::from_ref(&temp)).await;
        read
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_decode_and_check() {
        let o: ClusterOptions = serde_json::from_value(serde_json::json!({
            "column": "c", "method": "knn", "distance": "levenshtein", "radius": 2.5,
            "blockingNgramSize": 3
        }))
        .expect("knn options");
        assert_eq!(o.radius, Some(2.5));
        assert!(check_applicable(&o).is_ok());
        for bad in [
            serde_json::json!({ "column": "c", "threshold": 1 }),
            serde_json::json!({ "column": "c", "method": "soundex" }),
            serde_json::json!({ "column": "c", "method": "knn", "distance": "jaro" }),
        ] {
            assert!(
                serde_json::from_value::<ClusterOptions>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        let misplaced: ClusterOptions =
            serde_json::from_value(serde_json::json!({ "column": "c", "radius": 1 }))
                .expect("decode");
        assert!(check_applicable(&misplaced).is_err());
        assert!(size_option("ngramSize", Some(0), 2).is_err());
        assert_eq!(size_option("ngramSize", None, 2).expect("default"), 2);
    }

    #[test]
    fn clusters_ordered_as_openrefine() {
        let distinct: Vec<(String, u64)> =
            [("a", 1), ("b", 5), ("c", 2), ("d", 2), ("e", 9), ("f", 1)]
                .iter()
                .map(|(v, n)| ((*v).to_string(), *n))
                .collect();
        let got = into_clusters(
            &distinct,
            vec![
                ("k1".into(), vec![4, 5]),
                ("k2".into(), vec![0, 1, 2]),
                ("k3".into(), vec![2, 3]),
            ],
        );
        let keys: Vec<&str> = got.iter().map(|c| c.key.as_str()).collect();
        // Most distinct values first, then most rows (10 before 4).
        assert_eq!(keys, ["k2", "k1", "k3"]);
        let values: Vec<&str> = got[0].values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["b", "c", "a"]);
        let tie: Vec<&str> = got[2].values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(tie, ["c", "d"], "ties in value order");
    }
}
