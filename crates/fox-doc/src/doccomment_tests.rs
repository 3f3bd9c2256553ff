//! Unit tests of the doc-comment convention.

#![allow(clippy::unwrap_used)]

use super::*;

const SRC: &str = "## The module.
## Second line.

## Colours.
biar MERAH = 1
biar HIJAU = 2
biar _PRIVAT = 3
biar BIRU = 4

## Adds.
##
##     indented
fungsi tambah_dua(a, b) maka
    kembali a + b
akhir

# not a doc comment
fungsi tanpa_dok() maka
akhir

fungsi _pribadi() maka
akhir

## A result.
tipe Hasil = Sukses(x) | Gagal

## A stack.
kelas Tumpukan maka
    fungsi inisiasi(awal) maka
    akhir

    ## Push.
    fungsi dorong(x) maka
    akhir

    fungsi angkat() maka
    akhir

    fungsi _rapikan() maka
    akhir
akhir
";

#[test]
fn reads_module_and_item_docs() {
    let m = module_doc("contoh", SRC);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.doc.as_deref(), Some("The module.\nSecond line.\n"));
    let sigs: Vec<&str> = m.items.iter().map(|i| i.signature.as_str()).collect();
    assert_eq!(
        sigs,
        vec![
            "MERAH, HIJAU",
            "BIRU",
            "tambah_dua(a, b)",
            "tanpa_dok()",
            "tipe Hasil = Sukses(x) | Gagal",
            "kelas Tumpukan(awal)",
        ]
    );
    assert_eq!(m.items[0].doc.as_deref(), Some("Colours.\n"));
    assert_eq!(m.items[1].doc, None);
    assert_eq!(m.items[2].doc.as_deref(), Some("Adds.\n\n    indented\n"));
    assert_eq!(m.items[3].doc, None);
    assert_eq!(m.items[4].names, vec!["Hasil", "Sukses", "Gagal"]);
    let class = &m.items[5];
    let methods: Vec<&str> = class.methods.iter().map(|i| i.signature.as_str()).collect();
    assert_eq!(methods, vec!["Tumpukan.dorong(x)", "Tumpukan.angkat()"]);
    assert_eq!(class.methods[0].doc.as_deref(), Some("Push.\n"));
}

#[test]
fn lists_what_lacks_a_doc_comment() {
    let m = module_doc("contoh", SRC);
    assert_eq!(
        undocumented(&m),
        vec!["8 BIRU", "18 tanpa_dok()", "36 Tumpukan.angkat()"]
    );
    let bare = module_doc("x", "fungsi f() maka\nakhir\n");
    assert_eq!(
        undocumented(&bare),
        vec!["1 (the module's doc comment)", "1 f()"]
    );
}

#[test]
fn a_comment_touching_the_first_declaration_is_not_the_module_doc() {
    let m = module_doc("x", "## f's doc.\nfungsi f() maka\nakhir\n");
    assert_eq!(m.doc, None);
    assert_eq!(m.items[0].doc.as_deref(), Some("f's doc.\n"));
}
