//! Python's texts of scalar values: `repr(float)` (shortest round-trip
//! digits with Python's exponent thresholds) and `repr(str)` (quotes and
//! escapes), used by `format.rs` and by messages.

use std::fmt::Write;

/// Python's `repr(float)`.
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let sci = shortest_sci(f);
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..16).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// Shortest round-trip digits in scientific form, e.g. "1.2345e-5", as
/// Python chooses them: of the shortest digit strings that read back as
/// `f`, the one nearest its exact value, a tie going to the even digit.
/// Rust's shortest formatting can end a tie the other way
/// (1200000000000000.25 gives `…0.3` where Python writes `…0.2`), so the
/// digit count is taken from it and the digits from the exactly rounded
/// (half-even) expansion of that length, when that reads back as `f`.
fn shortest_sci(f: f64) -> String {
    let short = format!("{f:e}");
    let n = short
        .split('e')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .count();
    if n <= 1 {
        return short;
    }
    let exact = format!("{:.*e}", n - 1, f);
    if exact.parse::<f64>() == Ok(f) {
        exact
    } else {
        short
    }
}

/// Python's `repr(str)`.
pub fn repr_str(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // As Python: what `str.isprintable()` rejects is escaped, in
            // the shortest of `\xhh`, `\uhhhh` and `\Uhhhhhhhh`.
            c if !crate::printable::is_printable(c) => {
                let _ = match c as u32 {
                    n @ 0..=0xff => write!(out, "\\x{n:02x}"),
                    n @ 0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    n => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::fmt_float;

    #[test]
    fn floats_like_python() {
        let cases = [
            (2.5, "2.5"),
            (3.0, "3.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e16, "1e+16"),
            (1.2e-5, "1.2e-05"),
            (1.234567895e17, "1.234567895e+17"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (f64::INFINITY, "inf"),
            (-2.5e-10, "-2.5e-10"),
            (100.0, "100.0"),
            // Ties between two shortest candidates go to the even digit.
            (1200000000000000.0 + 0.25, "1200000000000000.2"),
            (587251300990694.0 + 0.25, "587251300990694.2"),
            (587251300990694.0 + 0.125, "587251300990694.1"),
            (-9007199254740993.0 * 2.0, "-1.8014398509481984e+16"),
            (-(1999999999999991.0 + 0.25), "-1999999999999991.2"),
            (1e23, "1e+23"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for (f, want) in cases {
            assert_eq!(fmt_float(f), want, "{f:?}");
        }
    }
}
