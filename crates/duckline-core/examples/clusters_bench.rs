//! The clusters benchmark (README "Benchmark", `make bench-clusters`; not part of `make test`):
//! every clustering method over the distinct values of a seeded 1M-row column, with 50,000 and
//! 300,000 distinct values; prints the median of 3 runs (time, clusters found) per method.
//!
//! It times what `Workspace::clusters` does in Rust after DuckDB's `GROUP BY` (the distinct values
//! with counts are generated here): keying and grouping, or kNN. Ordering the clusters found is
//! left out (it is over the clusters only).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use duckline_core::keyer::{self, fingerprint, knn, ngram, phonetic};

const ROWS: usize = 1_000_000;
const RUNS: usize = 3;

/// A small deterministic generator (xorshift64*), so every run sees the same column.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FIRST: &[&str] = &[
    "Anna",
    "Bernd",
    "Carla",
    "Dieter",
    "Élise",
    "François",
    "Greta",
    "Hans",
    "Inès",
    "Jürgen",
    "Karin",
    "Lukas",
    "Marie",
    "Nils",
    "Olga",
    "Peter",
    "Quentin",
    "Renée",
    "Søren",
    "Thomas",
];
const SYLLABLES: &[&str] = &[
    "ber", "mann", "schm", "idt", "mül", "ler", "wa", "gner", "ko", "wal", "ski", "du", "rand",
    "le", "roy", "mar", "tin", "son", "sen", "berg", "ström", "ova", "ez", "ich",
];

/// A distinct value: a person-like name, or with `variant` a typical misspelling of one.
fn name(rng: &mut Rng, base: usize, variant: bool) -> String {
    let mut seed = Rng(base as u64 * 0x9E37_79B9 + 1);
    let first = FIRST[seed.below(FIRST.len())];
    let last: String = (0..2 + seed.below(2))
        .map(|_| SYLLABLES[seed.below(SYLLABLES.len())])
        .collect();
    let mut s = format!("{first} {}{} {base}", last[..1].to_uppercase(), &last[1..]);
    if variant {
        match rng.below(4) {
            0 => s = s.to_uppercase(),
            1 => s = format!("{}, {first}", &s[first.len() + 1..]),
            2 => {
                let at = s.char_indices().map(|(i, _)| i).nth(1 + rng.below(4));
                s.insert(at.unwrap_or(1), ' ');
            }
            _ => s = s.replacen(first, &first.to_lowercase(), 1),
        }
    }
    s
}

/// `distinct` distinct values (about one in five a variant of another) with row counts summing to
/// [`ROWS`].
fn column(distinct: usize) -> Vec<(String, u64)> {
    let mut rng = Rng(42);
    let mut values: HashMap<String, u64> = HashMap::new();
    let mut base = 0;
    while values.len() < distinct {
        let v = if base > 0 && rng.below(5) == 0 {
            let of = rng.below(base);
            name(&mut rng, of, true)
        } else {
            base += 1;
            name(&mut rng, base, false)
        };
        values.entry(v).or_insert(0);
    }
    let mut values: Vec<(String, u64)> = values.into_keys().map(|v| (v, 1)).collect();
    values.sort();
    for _ in values.len()..ROWS {
        let i = rng.below(values.len());
        values[i].1 += 1;
    }
    values
}

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// A clustering method under test: its name and a run returning the clusters found.
type Method<'a> = (&'a str, &'a dyn Fn(&[&str]) -> usize);

fn main() {
    let methods: [Method<'_>; 5] = [
        ("fingerprint", &|v| {
            keyer::key_collision(v, fingerprint::fingerprint).len()
        }),
        ("ngram (2)", &|v| {
            keyer::key_collision(v, |s| ngram::ngram_fingerprint(s, 2)).len()
        }),
        ("metaphone", &|v| {
            keyer::key_collision(v, phonetic::metaphone).len()
        }),
        ("cologne", &|v| {
            keyer::key_collision(v, phonetic::cologne).len()
        }),
        ("knn (r 1, block 6)", &|v| {
            knn::knn_clusters(v, 1.0, 6).len()
        }),
    ];
    println!("| distinct | method | median of {RUNS} | clusters |");
    println!("| ---: | --- | ---: | ---: |");
    for distinct in [50_000, 300_000] {
        let column = column(distinct);
        let texts: Vec<&str> = column.iter().map(|(v, _)| v.as_str()).collect();
        for (label, method) in &methods {
            let mut times = Vec::new();
            let mut found = 0;
            for _ in 0..RUNS {
                let start = Instant::now();
                found = method(&texts);
                times.push(start.elapsed());
            }
            println!(
                "| {distinct} | {label} | {:.2} s | {found} |",
                median(times).as_secs_f64()
            );
        }
    }
}
