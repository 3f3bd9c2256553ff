//! Unit tests of the example format: extraction, helper files, format
//! errors and blessing.

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
