//! The tested examples of the documentation: how they are written in
//! Markdown, how they are found, and how their expected output is rewritten
//! (blessed). The runner lives with the `fox` binary's tests
//! (`crates/fox-cli/tests/doc_examples.rs`); this module only reads and
//! writes text.
//!
//! The format, at the start of a line:
//!
//! ````text
//! ```morph                  a program, run as its own file by `fox run`
//! tulis(1 + 2)
//! ```
//! ```input                  optional: what the program reads on stdin
//! ```
//! ```output                 required: its exact stdout (`exit=N` when the
//! 3                         exit status is not 0, `no-newline` when the
//! ```                       output does not end with a newline)
//! ````
//!
//! Only blank lines may separate the three blocks. A ```` ```morph
//! file=NAME.fox ```` block is a helper file, not an example: it is written
//! beside every later example of the same document (for imports). Any other
//! fence language (`text`, `sh`, none) is not run.

/// One runnable example found in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// 1-based line of the ```` ```morph ```` fence.
    pub line: usize,
    pub source: String,
    pub input: Option<String>,
    pub expected: String,
    pub exit: i32,
    /// Helper files (relative name, contents) declared earlier in the document.
    pub helpers: Vec<(String, String)>,
    /// 0-based line indices of the output block's opening and closing fences.
    pub output_fences: (usize, usize),
}

/// A malformed example: the 1-based line and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatError {
    pub line: usize,
    pub message: String,
}

/// A fenced block: language, attributes, fence lines and contents.
struct Block {
    lang: String,
    attrs: Vec<String>,
    open: usize,
    close: usize,
    content: String,
}

fn blocks(lines: &[&str]) -> Result<Vec<Block>, FormatError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].strip_prefix("```") else {
            i += 1;
            continue;
        };
        let mut words = info.split_whitespace();
        let lang = words.next().unwrap_or("").to_string();
        let attrs = words.map(str::to_string).collect();
        let open = i;
        let Some(len) = lines[open + 1..].iter().position(|l| l.trim_end() == "```") else {
            return Err(FormatError {
                line: open + 1,
                message: "code block is never closed".into(),
            });
        };
        let close = open + 1 + len;
        let content = lines[open + 1..close]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        out.push(Block {
            lang,
            attrs,
            open,
            close,
            content,
        });
        i = close + 1;
    }
    Ok(out)
}

/// Whether only blank lines lie between two blocks.
fn adjacent(lines: &[&str], a: &Block, b: &Block) -> bool {
    lines[a.close + 1..b.open]
        .iter()
        .all(|l| l.trim().is_empty())
}

fn helper_name(attrs: &[String], line: usize) -> Result<Option<String>, FormatError> {
    let mut name = None;
    for a in attrs {
        match a.strip_prefix("file=") {
            Some(n) if valid_helper_name(n) => name = Some(n.to_string()),
            _ => {
                return Err(FormatError {
                    line,
                    message: format!("unknown attribute `{a}` of a morph block (file=NAME.fox)"),
                })
            }
        }
    }
    Ok(name)
}

/// A relative path inside the example's folder, ending in `.fox`.
fn valid_helper_name(n: &str) -> bool {
    n.ends_with(".fox")
        && !n.starts_with('/')
        && n.split('/').all(|part| !part.is_empty() && part != "..")
}

/// `exit=N` and `no-newline` of an output block.
fn output_attrs(attrs: &[String], line: usize) -> Result<(i32, bool), FormatError> {
    let mut exit = 0;
    let mut newline = true;
    for a in attrs {
        if a == "no-newline" {
            newline = false;
        } else if let Some(n) = a.strip_prefix("exit=").and_then(|n| n.parse().ok()) {
            exit = n;
        } else {
            return Err(FormatError {
                line,
                message: format!("unknown attribute `{a}` of an output block (exit=N, no-newline)"),
            });
        }
    }
    Ok((exit, newline))
}

/// Every example of a document, or every format error in it.
pub fn extract(text: &str) -> Result<Vec<Example>, Vec<FormatError>> {
    let lines: Vec<&str> = text.lines().collect();
    let blocks = blocks(&lines).map_err(|e| vec![e])?;
    let mut examples = Vec::new();
    let mut errors = Vec::new();
    let mut helpers: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let b = &blocks[i];
        i += 1;
        let line = b.open + 1;
        match b.lang.as_str() {
            "morph" => {}
            "output" | "input" => {
                errors.push(FormatError {
                    line,
                    message: format!("```{} block follows no ```morph block", b.lang),
                });
                continue;
            }
            _ => continue,
        }
        match helper_name(&b.attrs, line) {
            Err(e) => {
                errors.push(e);
                continue;
            }
            Ok(Some(name)) => {
                helpers.retain(|(n, _)| *n != name);
                helpers.push((name, b.content.clone()));
                continue;
            }
            Ok(None) => {}
        }
        let mut next = blocks.get(i).filter(|n| adjacent(&lines, b, n));
        let mut input = None;
        if let Some(n) = next.filter(|n| n.lang == "input") {
            input = Some(n.content.clone());
            i += 1;
            next = blocks.get(i).filter(|m| adjacent(&lines, n, m));
        }
        let Some(out) = next.filter(|n| n.lang == "output") else {
            errors.push(FormatError {
                line,
                message: "```morph block is not followed by an ```output block".into(),
            });
            continue;
        };
        i += 1;
        match output_attrs(&out.attrs, out.open + 1) {
            Ok((exit, newline)) => {
                let mut expected = out.content.clone();
                if !newline {
                    expected.pop();
                }
                examples.push(Example {
                    line,
                    source: b.content.clone(),
                    input,
                    expected,
                    exit,
                    helpers: helpers.clone(),
                    output_fences: (out.open, out.close),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(examples)
    } else {
        Err(errors)
    }
}

/// What an example actually printed and its exit status.
#[derive(Clone, Debug, PartialEq)]
pub struct Actual {
    pub stdout: String,
    pub exit: i32,
}

/// The output block an example should have for `actual`.
pub fn output_block(actual: &Actual) -> Vec<String> {
    let mut fence = "```output".to_string();
    if actual.exit != 0 {
        fence.push_str(&format!(" exit={}", actual.exit));
    }
    let body = match actual.stdout.strip_suffix('\n') {
        Some(b) => b,
        None if actual.stdout.is_empty() => "",
        None => {
            fence.push_str(" no-newline");
            actual.stdout.as_str()
        }
    };
    let mut out = vec![fence];
    if !actual.stdout.is_empty() {
        out.extend(body.split('\n').map(str::to_string));
    }
    out.push("```".to_string());
    out
}

/// `text` with the output blocks of `results` replaced by what the examples
/// actually printed (examples from [`extract`] of this same text).
pub fn bless(text: &str, results: &[(Example, Actual)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut sorted: Vec<&(Example, Actual)> = results.iter().collect();
    sorted.sort_by_key(|(e, _)| std::cmp::Reverse(e.output_fences.0));
    for (ex, actual) in sorted {
        let (open, close) = ex.output_fences;
        if close < lines.len() && open <= close {
            lines.splice(open..=close, output_block(actual));
        }
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const DOC: &str = "# Title\n\
\n\
```morph file=lib.fox\n\
biar X = 1\n\
```\n\
\n\
```morph\n\
tulis(1)\n\
```\n\
\n\
```output\n\
1\n\
```\n\
text\n\
```morph\n\
tulis(masukan())\n\
```\n\
```input\n\
hai\n\
```\n\
```output exit=3\n\
```\n\
```sh\n\
fox run x.fox\n\
```\n";

    #[test]
    fn extracts_examples_inputs_and_helpers() {
        let ex = extract(DOC).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].line, 7);
        assert_eq!(ex[0].source, "tulis(1)\n");
        assert_eq!(ex[0].expected, "1\n");
        assert_eq!(ex[0].exit, 0);
        assert_eq!(ex[0].input, None);
        assert_eq!(
            ex[0].helpers,
            vec![("lib.fox".to_string(), "biar X = 1\n".to_string())]
        );
        assert_eq!(ex[1].input.as_deref(), Some("hai\n"));
        assert_eq!(ex[1].expected, "");
        assert_eq!(ex[1].exit, 3);
    }

    #[test]
    fn a_morph_block_without_output_is_an_error() {
        let errs = extract("```morph\ntulis(1)\n```\nprose\n```output\n1\n```\n").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.contains("not followed"));
        assert_eq!(errs[1].line, 5);
        assert!(errs[1].message.contains("follows no"));
    }

    #[test]
    fn bad_attributes_and_unclosed_fences_are_errors() {
        let errs = extract("```morph\nx\n```\n```output exit=x\n```\n").unwrap_err();
        assert!(errs[0].message.contains("exit=x"));
        let errs = extract("```morph file=../x.fox\nx\n```\n").unwrap_err();
        assert!(errs[0].message.contains("file=../x.fox"));
        let errs = extract("a\n```morph\nx\n").unwrap_err();
        assert_eq!(errs[0].line, 2);
    }

    #[test]
    fn no_newline_drops_the_last_newline() {
        let ex = extract("```morph\ncetak(1)\n```\n```output no-newline\n1\n```\n").unwrap();
        assert_eq!(ex[0].expected, "1");
    }

    #[test]
    fn bless_rewrites_output_blocks_only() {
        let ex = extract(DOC).unwrap();
        let results = vec![
            (
                ex[0].clone(),
                Actual {
                    stdout: "2\n3\n".into(),
                    exit: 0,
                },
            ),
            (
                ex[1].clone(),
                Actual {
                    stdout: "hai".into(),
                    exit: 0,
                },
            ),
        ];
        let new = bless(DOC, &results);
        let again = extract(&new).unwrap();
        assert_eq!(again[0].expected, "2\n3\n");
        assert_eq!(again[1].expected, "hai");
        assert_eq!(again[1].exit, 0);
        assert!(new.contains("```output no-newline\nhai\n```"));
        assert!(new.ends_with("fox run x.fox\n```\n"));
    }

    #[test]
    fn output_block_of_empty_output() {
        let block = output_block(&Actual {
            stdout: String::new(),
            exit: 1,
        });
        assert_eq!(block, vec!["```output exit=1", "```"]);
    }
}
