//! Values clustering (COMMANDS.md, `table.clusters`): groups of distinct values of a column that are
//! likely the same thing, by OpenRefine fingerprint keying (key collision: values whose keys are
//! equal form a cluster). Read-only; a person picks a cluster and sends a `mass_edit`.
//!
//! Keys (OpenRefine's `FingerprintKeyer` and `NGramFingerprintKeyer`):
//!
//! - `fingerprint`: trim, lowercase, remove accents, remove punctuation and control characters,
//!   split on whitespace, sort and dedupe the tokens, join them with one space.
//!   `" DURAND, Éric"` -> `durand eric`.
//! - `ngram` (size n, default 2): lowercase, remove accents, remove punctuation, control
//!   characters and whitespace, take the character n-grams, sort and dedupe them, join them without
//!   separator. A value shorter than n keeps its whole text as its key.
//!
//! Lowercasing and accent removal run in DuckDB (`lower`, `strip_accents`: core functions, so the
//! same in DuckDB-WASM, which has no extensions) once per distinct value; the rest runs in Rust.
//! "Punctuation" here is every character that is not a letter, digit or whitespace (so symbols and
//! emoji go too). Values whose key is empty (only punctuation) are not clustered.

use std::collections::{BTreeSet, HashMap};

use arrow_array::RecordBatch;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::find_column;
use crate::sql::{self};
use crate::{Engine, Error, Result, Store, Workspace, values};

/// Largest accepted `ngramSize`.
pub const MAX_NGRAM_SIZE: u32 = 32;

/// The keying method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterMethod {
    /// Token fingerprint.
    #[default]
    Fingerprint,
    /// Character n-gram fingerprint.
    Ngram,
}

/// Options of `table.clusters({ column, method, ngramSize })`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterOptions {
    /// Column name.
    pub column: String,
    /// Keying method (default `fingerprint`).
    #[serde(default)]
    pub method: ClusterMethod,
    /// n-gram size for `ngram`, 1..=[`MAX_NGRAM_SIZE`] (default 2).
    #[serde(default)]
    pub ngram_size: Option<u32>,
}

/// One distinct value of a cluster and how many rows hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterValue {
    /// The value as text.
    pub value: String,
    /// Rows holding it.
    pub count: u64,
}

/// A group of distinct values sharing a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// The shared key.
    pub key: String,
    /// Its values, most frequent first (ties by value).
    pub values: Vec<ClusterValue>,
}

/// `value` after `lower` and `strip_accents`: drops what is not a letter, digit or whitespace.
fn clean(lowered: &str, keep_whitespace: bool) -> String {
    lowered
        .chars()
        .filter(|c| c.is_alphanumeric() || (keep_whitespace && c.is_whitespace()))
        .collect()
}

/// The fingerprint key of a value already lowercased and stripped of accents.
#[must_use]
pub fn fingerprint_key(lowered: &str) -> String {
    let cleaned = clean(lowered, true);
    let tokens: BTreeSet<&str> = cleaned.split_whitespace().collect();
    tokens.into_iter().collect::<Vec<_>>().join(" ")
}

/// The n-gram fingerprint key of a value already lowercased and stripped of accents.
#[must_use]
pub fn ngram_key(lowered: &str, n: usize) -> String {
    let chars: Vec<char> = clean(lowered, false).chars().collect();
    if chars.len() <= n {
        return chars.into_iter().collect();
    }
    let grams: BTreeSet<String> = chars.windows(n).map(|w| w.iter().collect()).collect();
    grams.into_iter().collect()
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Clusters of the distinct non-NULL values of a column (see the module docs): only groups of
    /// two or more distinct values, largest first (by rows, then by distinct values, then key).
    ///
    /// Errors: [`Error::NotFound`] (table, column), [`Error::InvalidCommand`] (bad `ngramSize`),
    /// [`Error::Engine`].
    pub async fn clusters(&self, table_id: u32, options: &ClusterOptions) -> Result<Vec<Cluster>> {
        let n = options.ngram_size.unwrap_or(2);
        if !(1..=MAX_NGRAM_SIZE).contains(&n) {
            return Err(Error::InvalidCommand(format!(
                "ngramSize must be 1..={MAX_NGRAM_SIZE}, got {n}"
            )));
        }
        let n = n as usize;
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        let column = find_column(entry.schema(), &options.column)?.clone();
        self.ensure_loaded(&mut st, table_id).await?;
        let temp = st.temp("clusters");
        let physical = sql::ident(&sql::column_name(column.id));
        // Distinct values with counts, numbered so they can be read in bounded chunks.
        self.engine
            .execute(&format!(
                "CREATE TABLE {} AS SELECT row_number() OVER () AS _dl_i, v, strip_accents(lower(v)) AS k, n \
                 FROM (SELECT CAST({physical} AS VARCHAR) AS v, count(*) AS n FROM {} \
                 WHERE {physical} IS NOT NULL GROUP BY 1)",
                sql::ident(&temp),
                sql::table_name(table_id)
            ))
            .await?;
        let read = async {
            let chunk = self.chunk_row_count.max(1);
            let mut groups: HashMap<String, Vec<ClusterValue>> = HashMap::new();
            let mut lo = 0_u64;
            loop {
                let batches = self
                    .engine
                    .query(&format!(
                        "SELECT v, k, CAST(n AS BIGINT) FROM {} WHERE _dl_i > {lo} AND _dl_i <= {}",
                        sql::ident(&temp),
                        lo + chunk
                    ))
                    .await?;
                let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
                for row in values::rows(&batches)? {
                    let (Value::String(value), Value::String(lowered)) = (&row[0], &row[1]) else {
                        continue;
                    };
                    let key = match options.method {
                        ClusterMethod::Fingerprint => fingerprint_key(lowered),
                        ClusterMethod::Ngram => ngram_key(lowered, n),
                    };
                    if key.is_empty() {
                        continue;
                    }
                    groups.entry(key).or_default().push(ClusterValue {
                        value: value.clone(),
                        count: row[2].as_u64().unwrap_or(0),
                    });
                }
                if (rows as u64) < chunk {
                    break;
                }
                lo += chunk;
            }
            Ok::<_, Error>(groups)
        }
        .await;
        self.drop_tables(std::slice::from_ref(&temp)).await;
        let mut clusters: Vec<(u64, Cluster)> = read?
            .into_iter()
            .filter(|(_, v)| v.len() >= 2)
            .map(|(key, mut values)| {
                values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                let total = values.iter().map(|v| v.count).sum();
                (total, Cluster { key, values })
            })
            .collect();
        clusters.sort_by(|(ta, a), (tb, b)| {
            tb.cmp(ta)
                .then_with(|| b.values.len().cmp(&a.values.len()))
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(clusters.into_iter().map(|(_, c)| c).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_keys() {
        // Inputs as DuckDB's lower + strip_accents hand them over.
        assert_eq!(fingerprint_key(" durand, eric"), "durand eric");
        assert_eq!(fingerprint_key("eric durand"), "durand eric");
        assert_eq!(fingerprint_key("a b a\u{a0}c\t"), "a b c");
        assert_eq!(fingerprint_key("--"), "");
    }

    #[test]
    fn ngram_keys() {
        assert_eq!(ngram_key("paris", 2), "arispari");
        assert_eq!(ngram_key("pa ris!", 2), "arispari");
        assert_eq!(ngram_key("ab", 3), "ab");
        assert_eq!(ngram_key("aaa", 1), "a");
    }
}
