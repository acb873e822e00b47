//! duckline-native: Engine over the duckdb crate, Store over std::fs.
