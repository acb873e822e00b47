//! What duckline writes to the store: the checksummed, generation-numbered [`manifest`] that
//! commits every change, and the [`parquet`] encoding of originals and deltas.

pub mod manifest;
pub mod parquet;
