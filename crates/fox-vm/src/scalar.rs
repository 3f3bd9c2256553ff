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
    // Shortest round-trip digits in scientific form, e.g. "1.2345e-5".
    let sci = format!("{f:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = even_tie(f, digits, exp);
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

/// Rust's shortest digits break a tie between two equally near shortest
/// candidates upwards; Python's (David Gay's `dtoa`) takes the even one
/// (`587251300990694.25` prints `587251300990694.2`). A tie needs the
/// exact decimal value of `f` to end one digit after the candidates, `5`,
/// which only floats with few fractional bits can.
fn even_tie(f: f64, digits: String, exp: i32) -> String {
    let Some(&last) = digits.as_bytes().last() else {
        return digits;
    };
    if (last - b'0').is_multiple_of(2) {
        return digits;
    }
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let mant = if biased == 0 {
        (bits & ((1 << 52) - 1)) << 1
    } else {
        (bits & ((1 << 52) - 1)) | (1 << 52)
    };
    // f = odd · 2^e: the exact expansion has at least 0.69·(-e) digits.
    let e = biased.max(1) - 1075 + mant.trailing_zeros() as i32;
    if e < -32 {
        return digits;
    }
    let exact = format!("{:.*e}", 800, f.abs());
    let all: Vec<u8> = exact
        .split('e')
        .next()
        .unwrap_or("")
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect();
    let n = digits.len();
    let mut low = digits.clone().into_bytes();
    low[n - 1] -= 1;
    let tie = all.len() > n
        && all[..n] == low[..]
        && all[n] == b'5'
        && all[n + 1..].iter().all(|&c| c == b'0');
    let low = String::from_utf8(low).unwrap_or_default();
    let text = format!("{low}e{}", exp - (n as i32 - 1));
    if tie && text.parse::<f64>() == Ok(f.abs()) {
        low
    } else {
        digits
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
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
            (587251300990694.0 + 0.25, "587251300990694.2"),
            (587251300990694.0 + 0.125, "587251300990694.1"),
            (-9007199254740993.0 * 2.0, "-1.8014398509481984e+16"),
        ];
        for (f, want) in cases {
            assert_eq!(fmt_float(f), want, "{f:?}");
        }
    }
}
