//! The TypeScript declarations of every shape that crosses to JS, rendered from the Rust types with
//! ts-rs, must equal the committed `crates/duckline-wasm/src/generated/types.d.ts` (which the npm
//! package's `duckline.d.ts` includes). A Rust type changed without regenerating fails here.
//!
//! Regenerate: `UPDATE_TYPES=1 cargo test -p duckline-core --test typescript`.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use duckline_core::clusters::{Cluster, ClusterOptions};
use duckline_core::export::{ExportFormat, ExportOptions};
use duckline_core::model::{
    ApplyRecipeOptions, CompareOptions, CsvOptions, CsvPreview, DiffPage, DiffPageOptions,
    DiffSummary, MemoryFigures, RowPage, RowsOptions, StepInfo, StorageInfo, TableInfo, Timeline,
    XlsxOptions,
};
use duckline_core::recipe::{RECIPE_VERSION, Recipe};
use duckline_core::{Command, DamagedManifest, ErrorCode, JoinOptions, Progress};
use ts_rs::{Config, TS, TypeVisitor};

/// Collects the declaration of a type and of every named type it refers to, by TypeScript name.
struct Declarations {
    cfg: Config,
    seen: HashSet<TypeId>,
    by_name: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives and containers have no output path and no declaration of their own; their
        // element types are visited through `visit_dependencies`.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let text = format!(
            "{}export {}\n",
            T::docs().unwrap_or_default(),
            T::decl(&self.cfg)
        );
        let name = T::ident(&self.cfg);
        if let Some(other) = self.by_name.insert(name.clone(), text.clone()) {
            assert_eq!(
                other, text,
                "two Rust types are both named {name} in TypeScript"
            );
        }
        T::visit_dependencies(self);
    }
}

/// Every declaration, sorted by name so that the file does not depend on ts-rs's visiting order.
fn render() -> String {
    // i64/u64 (row ids, counts, bytes) as `number`: results reach JS through `JSON.parse` and
    // options come in as JS numbers (crates/duckline-wasm/src/api.rs, `to_js` and `from_js`).
    let mut d = Declarations {
        cfg: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        by_name: BTreeMap::new(),
    };
    // The roots: what API.md's methods take and return; the rest follows from their fields.
    d.visit::<Command>();
    d.visit::<StepInfo>();
    d.visit::<Timeline>();
    d.visit::<TableInfo>();
    d.visit::<CsvOptions>();
    d.visit::<CsvPreview>();
    d.visit::<XlsxOptions>();
    d.visit::<RowsOptions>();
    d.visit::<RowPage>();
    d.visit::<DiffSummary>();
    d.visit::<DiffPageOptions>();
    d.visit::<DiffPage>();
    d.visit::<CompareOptions>();
    d.visit::<JoinOptions>();
    d.visit::<StorageInfo>();
    d.visit::<DamagedManifest>();
    d.visit::<MemoryFigures>();
    d.visit::<ExportFormat>();
    d.visit::<ExportOptions>();
    d.visit::<Recipe>();
    d.visit::<ApplyRecipeOptions>();
    d.visit::<ClusterOptions>();
    d.visit::<Cluster>();
    d.visit::<ErrorCode>();
    d.visit::<Progress>();
    let mut out = String::from(
        "// Generated from the Rust types of duckline-core by ts-rs; do not edit.\n\
         // Regenerate: UPDATE_TYPES=1 cargo test -p duckline-core --test typescript\n",
    );
    for text in d.by_name.values() {
        out.push('\n');
        out.push_str(text);
    }
    out
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../duckline-wasm/src/generated/types.d.ts")
}

#[test]
fn committed_declarations_are_up_to_date() {
    let rendered = render();
    let path = committed_path();
    if std::env::var_os("UPDATE_TYPES").is_some_and(|v| v == "1") {
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "{} is out of date: run `UPDATE_TYPES=1 cargo test -p duckline-core --test typescript`",
        path.display()
    );
}

#[test]
fn declarations_name_what_the_wasm_layer_refers_to() {
    let rendered = render();
    for name in [
        "Command",
        "StepInfo",
        "Timeline",
        "TableInfo",
        "ColumnInfo",
        "CsvOptions",
        "CsvPreview",
        "CsvDialect",
        "DecimalSeparator",
        "XlsxOptions",
        "RowsOptions",
        "RowPage",
        "DiffStatus",
        "DiffSummary",
        "DiffPageOptions",
        "DiffPage",
        "CompareOptions",
        "JoinOptions",
        "StorageInfo",
        "DamagedManifest",
        "MemoryInfo",
        "ExportFormat",
        "ExportOptions",
        "Recipe",
        "ApplyRecipeOptions",
        "ClusterOptions",
        "Cluster",
        "ErrorCode",
        "Progress",
        "Phase",
        "JsonValue",
    ] {
        assert!(
            rendered.contains(&format!("export type {name} = ")),
            "no declaration of {name}"
        );
    }
    // `Recipe.version` is written as a literal type (`#[ts(type = "1")]`): it must be the version.
    assert!(rendered.contains(&format!("version: {RECIPE_VERSION},")));
    // Every op of the registry is one member of the `Command` union.
    for op in duckline_core::command::OPS {
        assert!(
            rendered.contains(&format!("{{ \"op\": \"{op}\" }} & ")),
            "op {op} missing from Command"
        );
    }
}
