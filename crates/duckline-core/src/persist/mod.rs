//! What duckline writes to the store: the checksummed, generation-numbered [`manifest`] that
//! commits every change, the [`parquet`] encoding of originals and deltas, and the [`layout`] of
//! the folder that garbage collection keeps to.

pub mod layout;
pub mod manifest;
pub mod parquet;
