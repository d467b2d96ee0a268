//! The layers of core, lowest first (docs/ARCHITECTURE.md). A module may use its own layer and the
//! ones below, never one above, and no two modules may use each other. The test reads every
//! source file, so a new module has to be given a layer here before anything compiles past it.

/// Each layer's modules. Root items (`PRODUCT_NAME`, …) sit below them all.
pub const LAYERS: &[&[&str]] = &[
    &[
        "money",
        "numbers",
        "clock",
        "secret",
        "currency",
        "plan",
        "ids",
        "coin",
        "text_value",
        "calls",
    ],
    &["store", "paths", "locks", "vault"],
    &[
        "assets", "accounts", "ledger", "backup", "tokens", "privacy",
    ],
    &[
        "holdings", "rates", "settings", "alerts", "transfer", "notify", "wallets",
    ],
    &["valuation", "lots"],
    &["error", "info", "events", "app"],
    &["sync"],
];

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use super::LAYERS;

    /// The module a re-exported root name belongs to.
    fn owner_of(name: &str) -> Option<&'static str> {
        Some(match name {
            "App" | "AppConfig" | "VaultStatus" | "RestoreOutcome" => "app",
            "Error" | "ErrorCode" | "ErrorReport" => "error",
            "Amount" => "money",
            "DataDir" => "paths",
            "Passphrase" => "secret",
            "AppInfo" => "info",
            _ => return None,
        })
    }

    fn layer_of(module: &str) -> Option<usize> {
        LAYERS.iter().position(|layer| layer.contains(&module))
    }

    fn sources(folder: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// The code of a file without comments and without its `#[cfg(test)]` items (tests may
    /// reach up). An item ends at its `;` or at the brace closing its first `{`.
    fn code_of(text: &str) -> String {
        let code: String = text
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let mut kept = String::new();
        let mut rest = code.as_str();
        while let Some(at) = rest.find("#[cfg(test)]") {
            kept.push_str(&rest[..at]);
            let item = &rest[at..];
            let end = match (item.find('{'), item.find(';')) {
                (Some(open), semicolon) if semicolon.is_none_or(|s| s > open) => {
                    let mut depth = 0usize;
                    item[open..]
                        .char_indices()
                        .find_map(|(i, c)| {
                            match c {
                                '{' => depth += 1,
                                '}' => depth = depth.saturating_sub(1),
                                _ => return None,
                            }
                            (depth == 0).then_some(open + i + 1)
                        })
                        .unwrap_or(item.len())
                }
                (_, Some(semicolon)) => semicolon + 1,
                _ => item.len(),
            };
            rest = &item[end..];
        }
        kept.push_str(rest);
        kept
    }

    /// The modules `code` uses through `crate::…`, including `use crate::{a, B, c::d}` lists.
    fn used_modules(code: &str) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(list) = rest.strip_prefix('{') {
                let end = list.find('}').unwrap_or(list.len());
                for item in list[..end].split(',') {
                    let first = item.trim().split("::").next().unwrap_or("").trim();
                    if let Some(owner) = owner_of(first) {
                        used.insert(owner.to_owned());
                    } else if first.starts_with(|c: char| c.is_ascii_lowercase()) {
                        used.insert(first.to_owned());
                    }
                }
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if let Some(owner) = owner_of(&name) {
                used.insert(owner.to_owned());
            } else if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                used.insert(name);
            }
        }
        used
    }

    #[test]
    fn no_module_uses_a_layer_above_its_own_and_no_two_use_each_other() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 20, "found the sources in {}", root.display());
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut problems = Vec::new();
        for file in &files {
            let relative = file.strip_prefix(&root).unwrap_or(file);
            let module = relative
                .components()
                .next()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_owned()
                })
                .unwrap_or_default();
            if module == "lib" || module == "layers" || relative.ends_with("tests.rs") {
                continue;
            }
            let Some(own) = layer_of(&module) else {
                problems.push(format!("{module} ({}) has no layer", relative.display()));
                continue;
            };
            let text = std::fs::read_to_string(file).unwrap_or_default();
            for used in used_modules(&code_of(&text)) {
                if used == module {
                    continue;
                }
                match layer_of(&used) {
                    Some(layer) if layer > own => problems.push(format!(
                        "{} (layer {own}) uses {used} (layer {layer})",
                        relative.display()
                    )),
                    Some(_) => {
                        uses.entry(module.clone()).or_default().insert(used);
                    }
                    None => problems.push(format!(
                        "{} uses {used}, which has no layer",
                        relative.display()
                    )),
                }
            }
        }
        for (module, used) in &uses {
            for other in used {
                if uses.get(other).is_some_and(|back| back.contains(module)) && module < other {
                    problems.push(format!("{module} and {other} use each other"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "layering broken:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn the_scanner_sees_lists_root_names_and_paths() {
        let code = "use crate::{holdings, Error};\nlet x = crate::money::Amount::ZERO;\n\
                    use crate::vault::{self, Keychain};";
        let used: Vec<String> = used_modules(code).into_iter().collect();
        assert_eq!(used, ["error", "holdings", "money", "vault"]);
        assert_eq!(
            code_of("a // crate::sync\n#[cfg(test)]\nuse crate::app;"),
            "a \n"
        );
        let code =
            code_of("#[cfg(test)]\nmod t { fn f() { crate::app::x(); } }\nuse crate::money;");
        assert_eq!(
            used_modules(&code).into_iter().collect::<Vec<_>>(),
            ["money"]
        );
    }
}
