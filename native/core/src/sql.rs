//! Identifiers and literals in SQL built from data. Every identifier is
//! checked and back-quoted and every string literal escaped, so nothing a
//! record holds can change the statement.

use crate::error::{TdError, TdResult};

/// TDengine's limit for table and column names.
pub const MAX_NAME_BYTES: usize = 192;

/// A back-quoted identifier. Backticks, control characters and empty or
/// over-long names cannot be quoted, so they are refused.
pub fn ident(name: &str) -> Result<String, String> {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(name, &mut out)?;
    Ok(out)
}

/// Appends [`ident`]'s back-quoted name (no allocation: rows render many).
pub fn push_ident(name: &str, out: &mut String) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(format!("name '{name}' must be 1-{MAX_NAME_BYTES} bytes"));
    }
    if name.chars().any(|c| c == '`' || c.is_control()) {
        return Err(format!(
            "name '{}' holds a backtick or control character",
            name.escape_debug()
        ));
    }
    out.push('`');
    out.push_str(name);
    out.push('`');
    Ok(())
}

/// `db`.`name`
pub fn qualified(db: &str, name: &str) -> Result<String, String> {
    let mut out = String::with_capacity(db.len() + name.len() + 5);
    push_qualified(db, name, &mut out)?;
    Ok(out)
}

/// Appends [`qualified`]'s `db`.`name`.
pub fn push_qualified(db: &str, name: &str, out: &mut String) -> Result<(), String> {
    push_ident(db, out)?;
    out.push('.');
    push_ident(name, out)
}

/// A single-quoted string literal with quotes and backslashes escaped.
pub fn string_literal(s: &str, out: &mut String) {
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// A record-level data error for a name that cannot be an identifier.
pub fn checked_ident(index: usize, name: &str) -> TdResult<String> {
    ident(name).map_err(|e| TdError::data(index, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_names_are_quoted_and_unsafe_ones_refused() {
        assert_eq!(ident("temp °C / sensor.1").unwrap(), "`temp °C / sensor.1`");
        assert_eq!(ident("d'quote\"").unwrap(), "`d'quote\"`");
        assert!(ident("a`; DROP DATABASE x; `").is_err());
        assert!(ident("").is_err());
        assert!(ident(&"x".repeat(193)).is_err());
        assert!(ident("tab\there").is_err());
    }

    #[test]
    fn literals_cannot_close_the_quote() {
        let mut s = String::new();
        string_literal("it's a \\ test'); DROP DATABASE x; --", &mut s);
        assert_eq!(s, "'it\\'s a \\\\ test\\'); DROP DATABASE x; --'");
    }
}
