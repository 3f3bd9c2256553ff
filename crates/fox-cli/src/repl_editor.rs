//! The REPL's line editor: rustyline configured for Morph, Tab completion
//! and the history file.
//!
//! **Completion** (Tab; a second Tab lists the candidates, as bash and
//! python do): the globals defined so far, the builtins (standard-library
//! functions included), `argumen_sistem`/`PI`/`E` and the keywords; after
//! `modul.` the globals of that module; inside the string of `ambil_semua`,
//! `dari` or `pinjam` the standard-library modules. Names starting with `_`
//! (internal builtins) are offered only once `_` is typed. Tab at the start
//! of a line (only blanks before the cursor) indents by four spaces.
//!
//! **History** (`history_path`): `$FOX_HISTORY` when set (empty: no history
//! file), else `$XDG_STATE_HOME/fox/history` (the XDG base-directory
//! place for history), else `~/.local/state/fox/history`. Read when the
//! session starts, appended after every entry (rustyline's file format,
//! under a file lock, so concurrent sessions keep each other's lines); the
//! last 1,000 entries are kept; an entry starting with a space and a repeat
//! of the previous one are not recorded.

use fox_vm::value::V;
use fox_vm::Vm;
use morph_syntax::token::Keyword;
use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Context, Editor, Helper};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The editor the REPL reads with.
pub type MorphEditor = Editor<MorphHelper, FileHistory>;

/// Entries kept in the history file.
const HISTORY_SIZE: usize = 1000;

/// Where the history is kept, or `None` for no history file.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FOX_HISTORY") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    // The spec ignores relative values.
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(state.join("fox").join("history"))
}

/// A rustyline editor with Morph completion.
pub fn editor() -> rustyline::Result<MorphEditor> {
    let config = rustyline::Config::builder()
        .max_history_size(HISTORY_SIZE)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor = MorphEditor::with_config(config)?;
    editor.set_helper(Some(MorphHelper::default()));
    Ok(editor)
}

/// What Tab can complete to; refreshed from the VM before every prompt.
#[derive(Default)]
pub struct MorphHelper {
    /// Keywords, builtins and the REPL module's defined globals, sorted.
    names: Vec<String>,
    /// The globals of each global that holds a module, by its name.
    members: BTreeMap<String, Vec<String>>,
}

/// The defined globals of module `m`.
fn defined_globals(vm: &Vm, m: u32) -> Vec<String> {
    let Some(module) = vm.modules.get(m as usize) else {
        return Vec::new();
    };
    module
        .names
        .iter()
        .zip(&module.globals)
        .filter(|(_, v)| !matches!(v.unpack(), V::Undef))
        .map(|(n, _)| n.to_string())
        .collect()
}

impl MorphHelper {
    /// Take the names in scope of the REPL's module `module`.
    pub fn refresh(&mut self, vm: &Vm, module: u32) {
        let mut names: Vec<String> = Keyword::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .collect();
        names.extend(vm.native_by_name.keys().map(|n| n.to_string()));
        names.extend(["argumen_sistem", "PI", "E"].map(String::from));
        names.extend(defined_globals(vm, module));
        names.sort();
        names.dedup();
        self.names = names;
        self.members.clear();
        for name in defined_globals(vm, module) {
            let Some(V::Obj(g)) = vm.module_get(module, &name).map(|v| v.unpack()) else {
                continue;
            };
            if let fox_vm::object::Object::Module(id) = vm.heap.get(g) {
                let mut m = defined_globals(vm, *id);
                m.sort();
                self.members.insert(name, m);
            }
        }
    }

    /// Candidates for the text before the cursor (`after`: the rest of the
    /// line): the start of what they replace and the candidates.
    pub fn candidates(&self, before: &str, after: &str) -> (usize, Vec<String>) {
        if let Some(r) = import_completion(before, after) {
            return r;
        }
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(before.len(), |(i, _)| i);
        let prefix = &before[start..];
        let head = &before[..start];
        if prefix.is_empty() && head.trim().is_empty() {
            return (start, vec!["    ".to_string()]);
        }
        let pool: &[String] = match head.strip_suffix('.') {
            Some(obj) => {
                let obj_start = obj
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
                    .last()
                    .map_or(obj.len(), |(i, _)| i);
                match self.members.get(&obj[obj_start..]) {
                    Some(m) => m,
                    None => return (start, Vec::new()),
                }
            }
            None => &self.names,
        };
        let found = pool
            .iter()
            .filter(|n| n.starts_with(prefix) && (prefix.starts_with('_') || !n.starts_with('_')))
            .cloned()
            .collect();
        (start, found)
    }
}

/// Inside the string of an import (`ambil_semua "`, `dari "`, `pinjam "`):
/// the standard-library modules, with the closing quote unless one follows.
fn import_completion(before: &str, after: &str) -> Option<(usize, Vec<String>)> {
    let quote = before.rfind('"')?;
    // An even number of quotes before this one: it opens a string.
    if !before[..quote].matches('"').count().is_multiple_of(2) {
        return None;
    }
    let head = before[..quote].trim_end();
    let opener = ["ambil_semua", "dari", "pinjam"]
        .iter()
        .any(|k| head.ends_with(k));
    if !opener {
        return None;
    }
    let prefix = &before[quote + 1..];
    let close = if after.starts_with('"') { "" } else { "\"" };
    let found = fox_vm::stdlib::names()
        .filter(|n| n.starts_with(prefix))
        .map(|n| format!("{n}{close}"))
        .collect();
    Some((quote + 1, found))
}

impl Completer for MorphHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let (before, after) = line.split_at(pos.min(line.len()));
        Ok(self.candidates(before, after))
    }
}

impl Hinter for MorphHelper {
    type Hint = String;
}
impl Highlighter for MorphHelper {}
impl Validator for MorphHelper {}
impl Helper for MorphHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> MorphHelper {
        let mut h = MorphHelper {
            names: [
                "biar",
                "berhenti",
                "hitung_luas",
                "hitung",
                "_sys_tidur",
                "tulis",
            ]
            .map(String::from)
            .to_vec(),
            members: BTreeMap::new(),
        };
        h.members
            .insert("teks".into(), vec!["huruf_besar".into(), "potong".into()]);
        h
    }

    #[test]
    fn names_members_imports_and_indentation() {
        let h = helper();
        assert_eq!(
            h.candidates("biar x = hit", ""),
            (9, vec!["hitung_luas".into(), "hitung".into()])
        );
        assert_eq!(h.candidates("b", "").1, ["biar", "berhenti"]);
        assert_eq!(h.candidates("x = _s", "").1, ["_sys_tidur"]);
        assert!(
            h.candidates("x = s", "").1.is_empty(),
            "internal names need '_'"
        );
        assert_eq!(
            h.candidates("tulis(teks.p", ")"),
            (11, vec!["potong".into()])
        );
        assert!(h.candidates("lain.p", "").1.is_empty());
        assert_eq!(h.candidates("    ", ""), (4, vec!["    ".into()]));
        let (start, found) = h.candidates("ambil_semua \"matematika/d", "");
        assert_eq!((start, found), (13, vec!["matematika/dasar\"".to_string()]));
        let found = h.candidates("dari \"matematika/d", "\" ambil_sebagian x").1;
        assert_eq!(found, ["matematika/dasar"]);
        assert!(
            import_completion("tulis(\"ab", "").is_none(),
            "not an import"
        );
        let closed = "dari \"teks\" ambil_sebagian x";
        assert!(import_completion(closed, "").is_none(), "string closed");
    }
}
