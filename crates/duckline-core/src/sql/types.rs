//! Column types and literals: the types `cast_type` and `add_column` accept, and whether a JSON
//! literal fits a DuckDB type (so a bad `edit_cell`, `mass_edit` or `filter_rows` value is refused
//! before any SQL runs).

use crate::{Error, Result};

/// A type accepted by `cast_type` and `add_column`, normalized (`decimal(10, 2)` ->
/// `DECIMAL(10,2)`). Errors: [`Error::InvalidCommand`].
pub fn parse_type(op: &str, ty: &str) -> Result<String> {
    let upper = ty.trim().to_uppercase();
    let simple = [
        "VARCHAR",
        "BIGINT",
        "INTEGER",
        "DOUBLE",
        "BOOLEAN",
        "DATE",
        "TIMESTAMP",
    ];
    if simple.contains(&upper.as_str()) {
        return Ok(upper);
    }
    let bad = || {
        Error::InvalidCommand(format!(
            "{op}: type must be one of VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s) (1 <= p <= 38, 0 <= s <= p), BOOLEAN, DATE, TIMESTAMP; got {ty:?}"
        ))
    };
    let inner = upper
        .strip_prefix("DECIMAL")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(bad)?;
    let (p, s) = inner.split_once(',').ok_or_else(bad)?;
    let number = |t: &str| {
        let t = t.trim();
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse::<u32>().ok()
    };
    let (p, s) = (number(p).ok_or_else(bad)?, number(s).ok_or_else(bad)?);
    if !(1..=38).contains(&p) || s > p {
        return Err(bad());
    }
    Ok(format!("DECIMAL({p},{s})"))
}

/// The warning (`... and became NULL`) for values `cast_type` could not cast to `ty`.
#[must_use]
pub fn cast_warning(ty: &str) -> &'static str {
    match ty {
        "BIGINT" => "could not be cast to BIGINT",
        "INTEGER" => "could not be cast to INTEGER",
        "DOUBLE" => "could not be cast to DOUBLE",
        "BOOLEAN" => "could not be cast to BOOLEAN",
        "DATE" => "could not be cast to DATE",
        "TIMESTAMP" => "could not be cast to TIMESTAMP",
        "VARCHAR" => "could not be cast to VARCHAR",
        _ => "could not be cast to DECIMAL",
    }
}

/// True for the numeric DuckDB types.
#[must_use]
pub fn is_numeric_type(ty: &str) -> bool {
    let ty = ty.to_uppercase();
    [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "FLOAT",
        "DOUBLE",
        "REAL",
    ]
    .contains(&ty.as_str())
        || ty.starts_with("DECIMAL")
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid_date(text: &str) -> bool {
    if !crate::sql::dates::is_iso_date(text) {
        return false;
    }
    let year: i64 = text[..4].parse().unwrap_or(0);
    let month: i64 = text[5..7].parse().unwrap_or(0);
    let day: i64 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

fn valid_time(text: &str) -> bool {
    let (hms, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let parts: Vec<&str> = hms.split(':').collect();
    let two = |p: &str, max: u32| {
        p.len() == 2
            && p.chars().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    (parts.len() == 2 || parts.len() == 3)
        && two(parts[0], 23)
        && two(parts[1], 59)
        && (parts.len() == 2 || two(parts[2], 59))
        && !fraction.is_empty()
        && fraction.len() <= 6
        && fraction.chars().all(|c| c.is_ascii_digit())
}

fn valid_decimal(text: &str, precision: u32, scale: u32) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return false;
    }
    let significant = int.trim_start_matches('0').len();
    significant <= (precision - scale) as usize
}

/// Whether the JSON `value` (a string, number or boolean) can be stored in a column of type `ty`:
/// `Some(true/false)` for the types duckline knows, `None` when only DuckDB can tell.
#[must_use]
pub fn literal_fits(value: &serde_json::Value, ty: &str) -> Option<bool> {
    let text = match value {
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Null => return Some(true),
        _ => return Some(false),
    };
    let ty = ty.to_uppercase();
    Some(match ty.as_str() {
        "VARCHAR" => true,
        "BIGINT" => text.parse::<i64>().is_ok(),
        "INTEGER" => text.parse::<i32>().is_ok(),
        "SMALLINT" => text.parse::<i16>().is_ok(),
        "TINYINT" => text.parse::<i8>().is_ok(),
        "HUGEINT" => text.parse::<i128>().is_ok(),
        "DOUBLE" | "FLOAT" | "REAL" => text.parse::<f64>().is_ok(),
        "BOOLEAN" => matches!(text.to_lowercase().as_str(), "true" | "false"),
        "DATE" => valid_date(&text),
        "TIMESTAMP" => {
            valid_date(text.get(..10).unwrap_or(""))
                && match text.get(10..) {
                    Some("") => true,
                    Some(rest) => {
                        (rest.starts_with(' ') || rest.starts_with('T')) && valid_time(&rest[1..])
                    }
                    None => false,
                }
        }
        d if d.starts_with("DECIMAL(") => {
            let Ok(normal) = parse_type("", d) else {
                return None;
            };
            let inner = &normal["DECIMAL(".len()..normal.len() - 1];
            let (p, s) = inner.split_once(',')?;
            valid_decimal(&text, p.parse().ok()?, s.parse().ok()?)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_and_literals() {
        assert_eq!(parse_type("x", "integer").unwrap(), "INTEGER");
        assert_eq!(parse_type("x", "decimal(10, 2)").unwrap(), "DECIMAL(10,2)");
        for bad in [
            "DECIMAL",
            "DECIMAL(0,0)",
            "DECIMAL(39,2)",
            "DECIMAL(4,5)",
            "TEXT",
            "INT",
        ] {
            assert!(parse_type("x", bad).is_err(), "{bad}");
        }
        assert_eq!(literal_fits(&json!("12"), "INTEGER"), Some(true));
        assert_eq!(literal_fits(&json!("3000000000"), "INTEGER"), Some(false));
        assert_eq!(literal_fits(&json!(1.5), "DOUBLE"), Some(true));
        assert_eq!(literal_fits(&json!("2024-02-30"), "DATE"), Some(false));
        assert_eq!(literal_fits(&json!("2024-02-29"), "DATE"), Some(true));
        assert_eq!(
            literal_fits(&json!("2024-02-29 10:30:00.5"), "TIMESTAMP"),
            Some(true)
        );
        assert_eq!(
            literal_fits(&json!("2024-02-29 25:00"), "TIMESTAMP"),
            Some(false)
        );
        assert_eq!(literal_fits(&json!("123.456"), "DECIMAL(5,2)"), Some(true));
        assert_eq!(literal_fits(&json!("1234.5"), "DECIMAL(5,2)"), Some(false));
        assert_eq!(literal_fits(&json!(true), "BOOLEAN"), Some(true));
        assert_eq!(literal_fits(&json!("maybe"), "BOOLEAN"), Some(false));
        assert_eq!(literal_fits(&json!("x"), "TIME"), None);
    }
}
