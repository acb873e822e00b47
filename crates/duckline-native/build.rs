//! Lets this package's test and example binaries find `libduckdb.so` at run time without
//! `LD_LIBRARY_PATH`: the library comes from npm `@duckdb/node-bindings-linux-x64` (see
//! `.cargo/config.toml`, which points the duckdb crate's link step at the same folder).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    let dir = match env::var_os("DUCKDB_LIB_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
            manifest.join("../../node_modules/@duckdb/node-bindings-linux-x64")
        }
    };
    // Absolute, without `..`, so the rpath survives moving the binary elsewhere on this machine.
    let dir = dir.canonicalize().unwrap_or(dir);
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
}
