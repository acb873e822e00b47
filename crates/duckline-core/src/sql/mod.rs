//! SQL text helpers: the one place identifiers and literals are quoted, and the physical names
//! duckline gives tables and columns inside DuckDB. Children hold the SQL the commands build:
//! [`text`] (whitespace, RE2 patterns), [`types`] (accepted types, literal checks), [`dates`].

pub mod dates;
pub mod text;
pub mod types;

/// Hidden stable row identity column (DESIGN.md, "Row and column identity").
pub const ROW_ID: &str = "_row_id";
/// Hidden display-order key; `DOUBLE` so a row can be inserted between two others without
/// renumbering (the midpoint of its neighbours' keys).
pub const ORDER_KEY: &str = "_order";

/// Quotes an identifier for DuckDB: `a"b` -> `"a""b"`.
#[must_use]
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a string literal for DuckDB: `it's` -> `'it''s'`.
#[must_use]
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Physical DuckDB name of a table with the given id. User-facing names live in the manifest, so
/// renaming never touches DuckDB.
#[must_use]
pub fn table_name(table_id: u32) -> String {
    format!("t{table_id}")
}

/// Physical DuckDB name of a column with the given stable column id.
#[must_use]
pub fn column_name(column_id: u32) -> String {
    format!("c{column_id}")
}

/// A DOUBLE literal that round-trips exactly.
#[must_use]
pub fn double(value: f64) -> String {
    format!("CAST('{value:?}' AS DOUBLE)")
}

/// Every Unicode White_Space character (COMMANDS.md: "Whitespace means Unicode White_Space").
pub const UNICODE_WHITESPACE: &str = "\u{9}\u{a}\u{b}\u{c}\u{d}\u{20}\u{85}\u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_embedded_quotes() {
        assert_eq!(ident(r#"a "b" c"#), r#""a ""b"" c""#);
        assert_eq!(literal("it's"), "'it''s'");
    }

    #[test]
    fn doubles_round_trip() {
        assert_eq!(double(0.1), "CAST('0.1' AS DOUBLE)");
        assert_eq!(double(1.0), "CAST('1.0' AS DOUBLE)");
    }
}
