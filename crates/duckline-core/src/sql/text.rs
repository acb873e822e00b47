//! SQL text helpers for the text, value and privacy commands (COMMANDS.md): Unicode whitespace,
//! RE2 patterns and replacement strings, signed-number parsing.
//!
//! Everything here produces SQL built from DuckDB core functions only (DuckDB-WASM has no
//! extensions in the browser).

use crate::sql;
use crate::{Error, Result};

/// An RE2 character class matching one Unicode White_Space character.
#[must_use]
pub fn whitespace_class() -> String {
    let mut class = String::from("[");
    for c in sql::UNICODE_WHITESPACE.chars() {
        class.push_str(&format!("\\x{{{:X}}}", u32::from(c)));
    }
    class.push(']');
    class
}

/// True when the SQL text `v` is NULL, empty or whitespace-only.
#[must_use]
pub fn is_blank(v: &str) -> String {
    format!(
        "({v} IS NULL OR trim({v}, {}) = '')",
        sql::literal(sql::UNICODE_WHITESPACE)
    )
}

/// Escapes `text` so RE2 matches it literally.
#[must_use]
pub fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An RE2 rewrite string that inserts `text` literally.
#[must_use]
pub fn literal_rewrite(text: &str) -> String {
    text.replace('\\', "\\\\")
}

/// Converts a user replacement with `$1` groups (`$0` = whole match, `$$` = `$`) into an RE2
/// rewrite string (`\1`); other characters are literal. Errors when a group number exceeds
/// `groups`.
pub fn group_rewrite(text: &str, groups: usize) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '$' => match chars.peek().copied() {
                Some('$') => {
                    chars.next();
                    out.push('$');
                }
                Some(d) if d.is_ascii_digit() => {
                    chars.next();
                    let n = usize::from(d as u8 - b'0');
                    if n > groups {
                        return Err(Error::InvalidCommand(format!(
                            "replace: replaceWith uses ${n} but the pattern has {groups} group(s)"
                        )));
                    }
                    out.push('\\');
                    out.push(d);
                }
                _ => out.push('$'),
            },
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Checks what can be checked of an RE2 pattern without an RE2 (balanced groups and classes, no
/// look-around or back-references, which RE2 lacks) and returns its number of capturing groups.
pub fn check_regex(pattern: &str) -> Result<usize> {
    let bad = |why: &str| {
        Err(Error::InvalidCommand(format!(
            "replace: invalid regex {pattern:?}: {why}"
        )))
    };
    if pattern.is_empty() {
        return bad("it is empty");
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0usize;
    let mut groups = 0usize;
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            match chars.get(i + 1) {
                None => return bad("it ends with a backslash"),
                Some(d) if d.is_ascii_digit() && *d != '0' && !in_class => {
                    return bad("back-references are not supported (RE2)");
                }
                Some(_) => {}
            }
            i += 2;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            }
        } else {
            match c {
                '[' => {
                    in_class = true;
                    // `[]...]` and `[^]...]` take the first `]` literally.
                    if chars.get(i + 1) == Some(&'^') {
                        i += 1;
                    }
                    if chars.get(i + 1) == Some(&']') {
                        i += 1;
                    }
                }
                '(' => {
                    depth += 1;
                    if chars.get(i + 1) == Some(&'?') {
                        let rest: String = chars[i + 2..].iter().take(3).collect();
                        if rest.starts_with('=')
                            || rest.starts_with('!')
                            || rest.starts_with("<=")
                            || rest.starts_with("<!")
                        {
                            return bad("look-around is not supported (RE2)");
                        }
                        if rest.starts_with('P') || rest.starts_with('<') {
                            groups += 1;
                        }
                    } else {
                        groups += 1;
                    }
                }
                ')' => {
                    if depth == 0 {
                        return bad("unbalanced )");
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if in_class {
        return bad("unclosed [");
    }
    if depth > 0 {
        return bad("unclosed (");
    }
    Ok(groups)
}

/// SQL DOUBLE of a money or signed-number text `v` (already stripped of symbols and separators):
/// `(x)`, `-x` and `x-` are negative, `+x` and `x` positive; anything else NULL.
#[must_use]
pub fn signed_number_sql(v: &str) -> String {
    const NUM: &str = r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)";
    let paren = format!(r"\({NUM}\)");
    let lead = format!("-{NUM}");
    let trail = format!("{NUM}-");
    let plain = format!(r"\+?{NUM}");
    let arm = |pattern: &str, negative: bool| {
        let p = sql::literal(pattern);
        let value = format!("CAST(regexp_extract({v}, {p}, 1) AS DOUBLE)");
        let value = if negative {
            format!("(0 - {value})")
        } else {
            value
        };
        format!("WHEN regexp_full_match({v}, {p}) THEN {value}")
    };
    format!(
        "(CASE {} {} {} {} END)",
        arm(&paren, true),
        arm(&lead, true),
        arm(&trail, true),
        arm(&plain, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_checks_and_groups() {
        assert_eq!(check_regex(r"(\d+)-(\d+)").unwrap(), 2);
        assert_eq!(check_regex(r"(?i)a(?:b)c").unwrap(), 0);
        assert_eq!(check_regex(r"[(]x").unwrap(), 0);
        assert_eq!(check_regex(r"(?P<y>\d{4})").unwrap(), 1);
        for bad in ["", "(a", "a)", "[a", r"a\", r"(a)\1", "a(?=b)", "(?<!a)b"] {
            assert!(check_regex(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rewrites() {
        assert_eq!(
            group_rewrite("$2/$1 $$ \\ $x", 2).unwrap(),
            r"\2/\1 $ \\ $x"
        );
        assert!(group_rewrite("$3", 2).is_err());
        assert_eq!(literal_rewrite(r"a\1"), r"a\\1");
        assert_eq!(regex_escape("a.b*(c) é"), r"a\.b\*\(c\) é");
    }
}
