//! `docs/errors.md` stays true: its list of codes is the catalogue's
//! (`FOX_BLESS=1` rewrites it), and each of its ```morph examples followed
//! by an ```output block prints exactly that output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fox_vm::host::SharedBufferHost;
use fox_vm::{Config, Vm};
use std::path::PathBuf;

const START: &str = "<!-- kode:mulai -->\n";
const END: &str = "<!-- kode:akhir -->";

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/errors.md")
}

#[test]
fn the_code_list_is_the_catalogue() {
    let path = doc_path();
    let doc = std::fs::read_to_string(&path).expect("docs/errors.md");
    let (Some(a), Some(b)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/errors.md lacks the {START:?}/{END:?} markers");
    };
    let want = fox_vm::codes::catalogue_markdown();
    let have = &doc[a + START.len()..b];
    if have != want {
        if std::env::var_os("FOX_BLESS").is_some() {
            let new = format!("{}{want}{}", &doc[..a + START.len()], &doc[b..]);
            std::fs::write(&path, new).unwrap();
            return;
        }
        panic!("docs/errors.md's code list is stale; rerun with FOX_BLESS=1\n--- want\n{want}");
    }
}

#[test]
fn examples_print_what_the_page_says() {
    let doc = std::fs::read_to_string(doc_path()).expect("docs/errors.md");
    let mut examples = 0;
    let mut rest = doc.as_str();
    while let Some(i) = rest.find("```morph\n") {
        rest = &rest[i + 9..];
        let Some(end) = rest.find("```") else { break };
        let src = &rest[..end];
        rest = &rest[end + 3..];
        let after = rest.trim_start_matches('\n');
        let Some(out) = after.strip_prefix("```output\n") else {
            continue;
        };
        let want = &out[..out.find("```").unwrap_or(out.len())];
        let host = SharedBufferHost::new();
        let mut vm = Vm::new(Config::default(), Box::new(host.clone()));
        let r = vm.run_main("contoh.fox", src);
        vm.flush();
        assert!(r.is_ok(), "{src}\n{r:?}");
        assert_eq!(host.output(), want, "{src}");
        examples += 1;
    }
    assert!(examples >= 3, "only {examples} examples");
}
