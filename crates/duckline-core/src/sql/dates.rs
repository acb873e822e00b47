//! SQL for reading dates written in many ways (COMMANDS.md `standardize_date`) and for completed
//! years (`calculate_age`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::schema::ColumnMeta;
use crate::sql;

/// Date order for ambiguous `A/B/YYYY` dates (COMMANDS.md `standardize_date`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month first (US).
    #[default]
    Mdy,
    /// Day first.
    Dmy,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// True for a well-formed `YYYY-MM-DD` string (the calendar check is left to DuckDB).
#[must_use]
pub fn is_iso_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// SQL month number (1-12) of an English month name or its 3-letter (or `sept`) abbreviation.
fn month_number(name_sql: &str) -> String {
    let mut arms = String::new();
    for (i, month) in MONTHS.iter().enumerate() {
        let n = i + 1;
        arms.push_str(&format!(
            " WHEN '{month}' THEN {n} WHEN '{}' THEN {n}",
            &month[..3]
        ));
    }
    format!("(CASE lower({name_sql}){arms} WHEN 'sept' THEN 9 END)")
}

/// SQL DATE from integer SQL expressions; NULL if not a calendar date.
fn make_date(year: &str, month: &str, day: &str) -> String {
    format!("TRY_CAST(printf('%04d-%02d-%02d', {year}, {month}, {day}) AS DATE)")
}

/// SQL DATE read from `column` (COMMANDS.md `standardize_date` inputs); NULL when unparseable.
///
/// DATE columns are kept, TIMESTAMP columns give their date part, everything else (time-zone
/// timestamps included) is read as text:
/// `YYYY-MM-DD` (and ISO timestamps), `YYYY/MM/DD`, `YYYYMMDD`, `A/B/YYYY` with `/`, `-` or `.`,
/// `A/B/YY` (00-68 -> 20YY, 69-99 -> 19YY), `Mon D, YYYY`, `Month D, YYYY`, `D Mon YYYY`. `A B`
/// follows `order` unless one side is > 12.
#[must_use]
pub fn parse_date_sql(column: &ColumnMeta, order: DateOrder) -> String {
    let physical = sql::ident(&sql::column_name(column.id));
    let ty = column.data_type.to_uppercase();
    if ty == "DATE" {
        return physical;
    }
    // TIMESTAMP WITH TIME ZONE -> DATE needs the ICU extension, which DuckDB-WASM lacks offline:
    // such columns go through their text form below (UTC there, `... 10:00:00+00`).
    if ty.starts_with("TIMESTAMP") && !ty.contains("TIME ZONE") && ty != "TIMESTAMPTZ" {
        return format!("CAST({physical} AS DATE)");
    }
    let v = format!(
        "trim(CAST({physical} AS VARCHAR), {})",
        sql::literal(sql::UNICODE_WHITESPACE)
    );
    let group = |pattern: &str, n: u8| format!("regexp_extract({v}, '{pattern}', {n})");
    let int = |pattern: &str, n: u8| format!("TRY_CAST({} AS INTEGER)", group(pattern, n));
    let matches = |pattern: &str| format!("regexp_full_match({v}, '{pattern}')");

    let iso = r"(\d{4})-(\d{1,2})-(\d{1,2})([T ].*)?";
    let slash_ymd = r"(\d{4})/(\d{1,2})/(\d{1,2})";
    let compact = r"(\d{4})(\d{2})(\d{2})";
    let abyyyy = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})";
    let abyy = r"(\d{1,2})/(\d{1,2})/(\d{2})";
    let mon_d_y = r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})";
    let d_mon_y = r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})";

    let ab = |pattern: &str, year: String| {
        let (a, b) = (int(pattern, 1), int(pattern, 2));
        let (first_month, first_day) = match order {
            DateOrder::Mdy => (&a, &b),
            DateOrder::Dmy => (&b, &a),
        };
        let month =
            format!("(CASE WHEN {a} > 12 THEN {b} WHEN {b} > 12 THEN {a} ELSE {first_month} END)");
        let day =
            format!("(CASE WHEN {a} > 12 THEN {a} WHEN {b} > 12 THEN {b} ELSE {first_day} END)");
        make_date(&year, &month, &day)
    };
    let yy = int(abyy, 3);
    let yy_year = format!("(CASE WHEN {yy} <= 68 THEN 2000 + {yy} ELSE 1900 + {yy} END)");

    let full = |pattern: &str| make_date(&int(pattern, 1), &int(pattern, 2), &int(pattern, 3));
    format!(
        "(CASE \
         WHEN {m_iso} THEN {d_iso} \
         WHEN {m_slash} THEN {d_slash} \
         WHEN {m_compact} THEN {d_compact} \
         WHEN {m_abyyyy} THEN {d_abyyyy} \
         WHEN {m_abyy} THEN {d_abyy} \
         WHEN {m_mon_d_y} THEN {d_mon_d_y} \
         WHEN {m_d_mon_y} THEN {d_d_mon_y} \
         END)",
        m_iso = matches(iso),
        d_iso = full(iso),
        m_slash = matches(slash_ymd),
        d_slash = full(slash_ymd),
        m_compact = matches(compact),
        d_compact = full(compact),
        m_abyyyy = matches(abyyyy),
        d_abyyyy = ab(abyyyy, int(abyyyy, 3)),
        m_abyy = matches(abyy),
        d_abyy = ab(abyy, yy_year),
        m_mon_d_y = matches(mon_d_y),
        d_mon_d_y = make_date(
            &int(mon_d_y, 3),
            &month_number(&group(mon_d_y, 1)),
            &int(mon_d_y, 2)
        ),
        m_d_mon_y = matches(d_mon_y),
        d_d_mon_y = make_date(
            &int(d_mon_y, 3),
            &month_number(&group(d_mon_y, 2)),
            &int(d_mon_y, 1)
        ),
    )
}

/// SQL for completed years at `as_of` (`YYYY-MM-DD`) of the birth date held in the helper column
/// `_dl_h` (the `helper` of an `AddColumn` plan): birthday-aware, so someone born on Feb 29
/// turns a year older on Mar 1 in non-leap years; future dates give NULL.
#[must_use]
pub fn age_sql(as_of: &str) -> String {
    let (year, rest) = as_of.split_at(4);
    let month: u32 = rest[1..3].parse().unwrap_or(1);
    let day: u32 = rest[4..6].parse().unwrap_or(1);
    format!(
        "(CASE WHEN _dl_h IS NULL OR _dl_h > DATE '{as_of}' THEN NULL \
         ELSE CAST({year} - year(_dl_h) - (CASE WHEN month(_dl_h) > {month} OR (month(_dl_h) = {month} AND day(_dl_h) > {day}) THEN 1 ELSE 0 END) AS INTEGER) END)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_date_shape() {
        assert!(is_iso_date("2024-01-01"));
        assert!(!is_iso_date("2024-1-01"));
        assert!(!is_iso_date("20240101"));
    }
}
