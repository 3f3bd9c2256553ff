//! Finding test programs: every `NAME.fox` under a folder that has an
//! expected `NAME.out` beside it. Files and folders starting with `_`, and
//! folders ending in `_lib`, are helpers, not tests. Sorted, so runs and
//! failure lists are deterministic.

use std::path::{Path, PathBuf};

/// The test programs under `dir`, recursively, in path order.
pub fn programs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(dir, &mut out);
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if name.starts_with('_') {
            continue;
        }
        if p.is_dir() {
            if !name.ends_with("_lib") {
                collect(&p, out);
            }
        } else if name.ends_with(".fox") && p.with_extension("out").exists() {
            out.push(p);
        }
    }
}
