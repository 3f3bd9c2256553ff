//! The standard library (Appendix A), written in Morph and embedded in the
//! binary. Importable by short name (`"teks"`, `"matematika/dasar"`) and by
//! the original paths (`"greenfield/cotc/stdlib/core.fox"`, …).

macro_rules! modules {
    ($($name:literal => $file:literal),* $(,)?) => {
        static MODULES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("stdlib/", $file)))),*
        ];
    };
}

modules! {
    "core" => "core.fox",
    "teks" => "teks.fox",
    "struktur/tumpukan" => "struktur/tumpukan.fox",
    "struktur/antrian" => "struktur/antrian.fox",
    "struktur/himpunan" => "struktur/himpunan.fox",
    "matematika/dasar" => "matematika/dasar.fox",
    "matematika/trigonometri" => "matematika/trigonometri.fox",
    "matematika/kompleks" => "matematika/kompleks.fox",
    "matematika/himpunan" => "matematika/himpunan.fox",
    "warna" => "warna.fox",
    "unit" => "unit.fox",
    "data/json" => "data/json.fox",
    "data/base64" => "data/base64.fox",
    "io/berkas" => "io/berkas.fox",
    "waktu/dtime" => "waktu/dtime.fox",
}

/// Map an import path to a standard-library module name.
pub fn normalize(path: &str) -> String {
    let mut p = path.trim().replace('\\', "/");
    if let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    if !p.ends_with(".fox") && !p.contains('/') && p.contains('.') {
        p = p.replace('.', "/");
    }
    if let Some(rest) = p.strip_suffix(".fox") {
        p = rest.to_string();
    }
    for prefix in ["greenfield/cotc/", "cotc(stdlib)/", "cotc/"] {
        if let Some(rest) = p.strip_prefix(prefix) {
            p = rest.to_string();
        }
    }
    if let Some(rest) = p.strip_prefix("stdlib/") {
        p = rest.to_string();
    }
    if p == "sistem/core" {
        p = "core".to_string();
    }
    p
}

/// Every module as (short name, Morph source), in registry order (used by
/// the documentation generator).
pub fn modules() -> &'static [(&'static str, &'static str)] {
    MODULES
}

/// The short names of every standard-library module (for completion).
pub fn names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(n, _)| *n)
}

pub fn source(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

pub fn canonical_name(name: &str) -> &'static str {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| *n)
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn original_paths_map_to_short_names() {
        assert_eq!(normalize("greenfield/cotc/stdlib/core.fox"), "core");
        assert_eq!(normalize("greenfield/cotc/stdlib/teks.fox"), "teks");
        assert_eq!(
            normalize("greenfield/cotc/struktur/tumpukan.fox"),
            "struktur/tumpukan"
        );
        assert_eq!(normalize("matematika/dasar"), "matematika/dasar");
        assert_eq!(normalize("cotc(stdlib)/core.fox"), "core");
        assert!(source("data/json").is_some());
    }
}
