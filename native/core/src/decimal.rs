//! Connect `Decimal` into TDengine `DECIMAL(p,s)` (servers 3.3.6 and later):
//! the column a value creates, and the exact literal of a value in an
//! existing column. A value that needs more digits than the column has, or
//! more than TDengine's 38, is a data error; TDengine itself would round
//! surplus decimal places silently.

/// Most digits a TDengine DECIMAL holds.
pub const MAX_PRECISION: u8 = 38;

/// First server version with DECIMAL columns.
pub const FIRST_VERSION: [u32; 3] = [3, 3, 6];

/// A plain decimal text (`-12.340`) taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Digits<'a> {
    negative: bool,
    /// Integer digits without leading zeros (empty for zero).
    integer: &'a str,
    /// Fraction digits as written (trailing zeros kept: they are the scale).
    fraction: &'a str,
}

fn digits(text: &str) -> Result<Digits<'_>, String> {
    let bad = || format!("'{text}' is not a plain decimal number");
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    if integer.is_empty() && fraction.is_empty() {
        return Err(bad());
    }
    if !integer
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    Ok(Digits {
        negative,
        integer: integer.trim_start_matches('0'),
        fraction,
    })
}

/// `(precision, scale)` of the column a value creates: the scale as
/// written, the declared precision (Connect's `connect.decimal.precision`,
/// 0 when absent) or else the most TDengine has.
pub fn column_for(text: &str, declared: u8) -> Result<(u8, u8), String> {
    let d = digits(text)?;
    let scale = d.fraction.len();
    let needed = d.integer.len() + scale;
    let precision = if declared == 0 {
        usize::from(MAX_PRECISION)
    } else {
        usize::from(declared)
    };
    if declared > MAX_PRECISION {
        return Err(format!(
            "its schema declares precision {declared}; TDengine DECIMAL holds at most {MAX_PRECISION} digits"
        ));
    }
    if needed.max(scale).max(1) > usize::from(MAX_PRECISION) {
        return Err(format!(
            "{text} needs {needed} digits; TDengine DECIMAL holds at most {MAX_PRECISION}"
        ));
    }
    if needed > precision {
        return Err(format!(
            "{text} needs {needed} digits, more than its declared precision {declared}"
        ));
    }
    Ok((precision.max(scale).max(1) as u8, scale as u8))
}

/// Appends `text` as an exact string literal for a `DECIMAL(precision,
/// scale)` column, or says why it does not fit.
pub fn literal(text: &str, precision: u8, scale: u8, out: &mut String) -> Result<(), String> {
    let d = digits(text)?;
    let significant = d.fraction.trim_end_matches('0');
    if significant.len() > usize::from(scale) {
        return Err(format!(
            "{text} has {} decimal places; DECIMAL({precision},{scale}) would round it",
            significant.len()
        ));
    }
    if d.integer.len() > usize::from(precision.saturating_sub(scale)) {
        return Err(format!(
            "{text} is out of range for DECIMAL({precision},{scale})"
        ));
    }
    out.push('\'');
    if d.negative {
        out.push('-');
    }
    out.push_str(if d.integer.is_empty() { "0" } else { d.integer });
    if !significant.is_empty() {
        out.push('.');
        out.push_str(significant);
    }
    out.push('\'');
    Ok(())
}

/// Parses `DECIMAL(10, 2)` as DESCRIBE shows it.
pub fn from_describe(type_name: &str) -> Option<(u8, u8)> {
    let upper = type_name.trim().to_ascii_uppercase();
    let inner = upper.strip_prefix("DECIMAL(")?.strip_suffix(')')?;
    let (p, s) = inner.split_once(',')?;
    Some((p.trim().parse().ok()?, s.trim().parse().ok()?))
}

/// Whether a `SERVER_VERSION()` text (`3.3.7.5.alpha`) is one with DECIMAL.
pub fn server_has_decimal(version: &str) -> bool {
    let parts: Vec<u32> = version
        .split('.')
        .map_while(|p| p.parse::<u32>().ok())
        .collect();
    parts.len() >= 3 && parts[..3] >= FIRST_VERSION[..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str, p: u8, s: u8) -> Result<String, String> {
        let mut out = String::new();
        literal(text, p, s, &mut out).map(|_| out)
    }

    #[test]
    fn columns_take_the_written_scale_and_the_declared_precision() {
        assert_eq!(column_for("12.340", 0), Ok((38, 3)));
        assert_eq!(column_for("-12.34", 10), Ok((10, 2)));
        assert_eq!(column_for("0", 0), Ok((38, 0)));
        assert_eq!(column_for("0.001", 3), Ok((3, 3)));
        assert!(column_for("0.001", 2).is_err());
        assert!(column_for("123456.7", 5).is_err());
        assert!(column_for(&format!("1.{}", "0".repeat(38)), 0).is_err());
        assert!(column_for("1e5", 0).is_err());
        assert!(column_for("1.5", 40).is_err());
        assert!(column_for("", 0).is_err());
    }

    #[test]
    fn literals_are_exact_or_refused() {
        assert_eq!(lit("12.340", 10, 2).unwrap(), "'12.34'");
        assert_eq!(lit("-0.5", 10, 2).unwrap(), "'-0.5'");
        assert_eq!(lit("007", 3, 0).unwrap(), "'7'");
        assert_eq!(
            lit("123456789012345678.0123456789", 38, 10).unwrap(),
            "'123456789012345678.0123456789'"
        );
        assert!(lit("1.239", 10, 2).is_err());
        assert!(lit("123456789.5", 10, 2).is_err());
        assert!(lit("abc", 10, 2).is_err());
    }

    #[test]
    fn describe_and_versions_parse() {
        assert_eq!(from_describe("DECIMAL(10, 2)"), Some((10, 2)));
        assert_eq!(from_describe("decimal(38,10)"), Some((38, 10)));
        assert_eq!(from_describe("VARCHAR(8)"), None);
        assert!(server_has_decimal("3.3.7.5.alpha"));
        assert!(server_has_decimal("3.3.6.0"));
        assert!(server_has_decimal("3.4.0.0"));
        assert!(!server_has_decimal("3.3.2.0"));
        assert!(!server_has_decimal("3.3.5.9"));
        assert!(!server_has_decimal("unknown"));
    }
}
