//! The registry equals the crates under plugins/: a plugin whose crate is not
//! linked (no dependency line or no `use` line in src/plugins.rs) loses its
//! registration silently, and this test is what notices.

use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (directory name, package name) of every crate under plugins/.
fn plugin_crates() -> Vec<(String, String)> {
    let mut crates = Vec::new();
    for entry in std::fs::read_dir(workspace().join("plugins")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let parsed: toml_like::Manifest = toml_like::parse(&text);
        crates.push((
            dir.file_name().unwrap().to_string_lossy().into_owned(),
            parsed.name,
        ));
    }
    crates.sort();
    crates
}

/// Just enough of Cargo.toml: the package name.
mod toml_like {
    pub struct Manifest {
        pub name: String,
    }
    pub fn parse(text: &str) -> Manifest {
        let name = text
            .lines()
            .skip_while(|l| l.trim() != "[package]")
            .find_map(|l| {
                l.trim()
                    .strip_prefix("name = ")
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_default();
        Manifest { name }
    }
}

#[test]
fn every_plugin_crate_is_registered_under_its_own_name() {
    let registered = newslens_repl::analyzer_names();
    let registry = newslens_core::Registry::linked().unwrap();
    let mut problems = Vec::new();
    for (dir, package) in plugin_crates() {
        if package != format!("newslens-{dir}") {
            problems.push(format!(
                "plugins/{dir}: package is {package:?}, expected \"newslens-{dir}\""
            ));
        }
        if !registered.contains(&dir.as_str()) {
            problems.push(format!(
                "plugins/{dir}: not registered as {dir:?}; add it to crates/repl/Cargo.toml and a `use` line to crates/repl/src/plugins.rs"
            ));
        }
    }
    for name in &registered {
        if !workspace().join("plugins").join(name).is_dir() {
            problems.push(format!("analyzer {name:?} has no crate plugins/{name}"));
        }
        let summary = registry.get(name).unwrap().summary;
        if !(summary.starts_with(char::is_uppercase) && summary.ends_with('.')) {
            problems.push(format!(
                "analyzer {name:?}: summary {summary:?} is not one sentence"
            ));
        }
        if name.chars().any(|c| !(c.is_ascii_lowercase() || c == '-')) {
            problems.push(format!("analyzer {name:?}: names are kebab-case"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(!registered.is_empty());
}

#[test]
fn every_analyzer_builds_from_the_bundled_config_and_names_itself() {
    let config = newslens_core::bundled::config();
    for registration in newslens_core::Registry::linked().unwrap().iter() {
        let analyzer = (registration.build)(&config.settings_for(registration.name)).unwrap();
        assert_eq!(analyzer.name(), registration.name);
    }
}

#[test]
fn every_view_names_a_table_its_analyzer_makes_and_no_command() {
    let registry = newslens_core::Registry::linked().unwrap();
    let config = newslens_core::bundled::config();
    let docs = newslens_core::testing::bundled_corpus();
    let mut problems = Vec::new();
    for (analyzer, view) in registry.views() {
        if newslens_repl::commands::find(view.name).is_some() {
            problems.push(format!("view {} shadows a command", view.name));
        }
        let built =
            (registry.get(analyzer).unwrap().build)(&config.settings_for(analyzer)).unwrap();
        let report = newslens_core::run::run_analyzer(built.as_ref(), &docs, None).unwrap();
        match report.table(view.table) {
            None => problems.push(format!(
                "view {}: {analyzer} makes no table {}",
                view.name, view.table
            )),
            Some(table) => {
                if let Some(column) = view.filter {
                    if table.column_index(column).is_none() {
                        problems.push(format!(
                            "view {}: table {} has no column {column}",
                            view.name, view.table
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
