//! The newslens REPL: a command language over the analyzers' tables, for
//! exploring a corpus interactively and rerunning the same session as a
//! script, byte for byte.
//!
//! Flow: `cli` reads arguments and lines → `commands` parses each line with
//! the `query` pipeline grammar → `session` executes it against the corpus and
//! the analyzers → `render` formats the tables. Only this crate renders or
//! touches the terminal.
//!
//! ```
//! let inv = newslens_repl::commands::parse_line("run corpus-stats | limit 2").unwrap().unwrap();
//! assert_eq!(inv.spec.name, "run");
//! ```

pub mod cli;
pub mod commands;
pub mod interactive;
mod plugins;
pub mod progress;
pub mod query;
pub mod render;
pub mod session;

/// The names of the analyzers' views, which the REPL accepts as commands.
pub fn view_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        newslens_core::Registry::linked()
            .map(|r| r.views().into_iter().map(|(_, v)| v.name).collect())
            .unwrap_or_default()
    })
}

/// The names of every registered analyzer; calling it links every plugin.
pub fn analyzer_names() -> Vec<&'static str> {
    newslens_core::Registry::linked()
        .map(|r| r.names().collect())
        .unwrap_or_default()
}
