//! Python's `str.title()` and `str.capitalize()`: a character after a
//! cased one is lowercased, any other is title-cased (which for `ß`, the
//! `ǆ` family, ligatures and Georgian is not its upper case), and a capital
//! sigma that ends a word becomes `ς`. The tables come from Python's
//! Unicode data (`casing_tables.rs`).

use crate::casing_tables::{CASE_IGNORABLE, TITLE, TITLECASE_LETTERS};

/// Is `c` cased (an upper-, lower- or titlecase letter)?
pub fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || TITLECASE_LETTERS.binary_search(&(c as u32)).is_ok()
}

fn is_case_ignorable(c: char) -> bool {
    crate::printable::in_ranges(&CASE_IGNORABLE, c)
}

/// Append the title case of `c`.
fn push_title(c: char, out: &mut String) {
    match TITLE.binary_search_by_key(&(c as u32), |&(k, _)| k) {
        Ok(i) => out.push_str(TITLE[i].1),
        Err(_) => out.extend(c.to_uppercase()),
    }
}

/// Append the lower case of `chars[i]`; a capital sigma preceded by a cased
/// letter and not followed by one (case-ignorable characters skipped)
/// becomes the final `ς`, as in Python's `str.lower()`.
fn push_lower(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c == '\u{3a3}' {
        let cased_before = chars[..i]
            .iter()
            .rev()
            .find(|&&d| !is_case_ignorable(d))
            .is_some_and(|&d| is_cased(d));
        let cased_after = chars[i + 1..]
            .iter()
            .find(|&&d| !is_case_ignorable(d))
            .is_some_and(|&d| is_cased(d));
        if cased_before && !cased_after {
            out.push('\u{3c2}');
            return;
        }
    }
    out.extend(c.to_lowercase());
}

/// Python's `str.title()`.
pub fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_cased {
            push_lower(&chars, i, &mut out);
        } else {
            push_title(c, &mut out);
        }
        previous_cased = is_cased(c);
    }
    out
}

/// Python's `str.capitalize()`: the first character title-cased, the rest
/// lowercased.
pub fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_title(c, &mut out);
        } else {
            push_lower(&chars, i, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{capitalize, title};

    #[test]
    fn like_python() {
        assert_eq!(title("日本語a b  c"), "日本語A B  C");
        assert_eq!(title("hello wORLD's 3rd"), "Hello World'S 3Rd");
        assert_eq!(title("ßa ǆb ﬁx"), "Ssa ǅb Fix");
        assert_eq!(title("ΟΔΟΣ ΟΔΟΣ"), "Οδος Οδος");
        assert_eq!(capitalize("ßIG"), "Ssig");
        assert_eq!(capitalize("ΑΣ"), "Ας");
        assert_eq!(capitalize(""), "");
    }
}
