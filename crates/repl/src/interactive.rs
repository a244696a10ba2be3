//! The interactive REPL: line editing, completion and history (rustyline),
//! Ctrl-C to cancel a line or a running analysis, Ctrl-D to leave.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use crate::commands::{find, parse_line, Complete, COMMANDS};
use crate::query::STAGES;
use crate::render::Mode;
use crate::session::{Flow, Session};

/// What completion can offer; refreshed after every command.
#[derive(Default, Clone)]
pub struct Vocabulary {
    pub analyzers: Vec<String>,
    pub tables: Vec<String>,
    pub columns: Vec<String>,
    pub doc_ids: Vec<String>,
    pub sources: Vec<String>,
}

impl Vocabulary {
    pub fn of(session: &Session) -> Vocabulary {
        Vocabulary {
            analyzers: session
                .analyzer_names()
                .iter()
                .map(|s| s.to_string())
                .chain(["all".to_string()])
                .collect(),
            tables: session.table_names(),
            columns: session.column_names(),
            doc_ids: session.doc_ids(),
            sources: session.sources(),
        }
    }
}

pub struct ReplHelper {
    pub vocabulary: Arc<Mutex<Vocabulary>>,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub fn new(vocabulary: Vocabulary) -> ReplHelper {
        ReplHelper {
            vocabulary: Arc::new(Mutex::new(vocabulary)),
            files: FilenameCompleter::new(),
        }
    }

    /// Candidates for the word that ends at `pos`: the start of that word and the words.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| c.is_whitespace() || c == '|' || c == ',' || c == '(')
            .map_or(0, |i| i + 1);
        let partial = &before[start..];
        let vocabulary = self
            .vocabulary
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default();
        // The current pipeline segment decides what is completed.
        let segment = before.rsplit('|').next().unwrap_or("");
        let in_pipeline = before.contains('|');
        let words: Vec<&str> = segment[..segment.len().saturating_sub(partial.len())]
            .split_whitespace()
            .collect();
        let pool: Vec<String> = match words.first() {
            None if in_pipeline => STAGES.iter().map(|(n, _, _)| n.to_string()).collect(),
            None => COMMANDS
                .iter()
                .map(|c| c.name)
                .chain(crate::view_names().iter().copied())
                .map(String::from)
                .collect(),
            Some(&stage) if in_pipeline => match stage {
                "where" | "sort" | "select" => {
                    let mut pool = vocabulary.columns.clone();
                    if stage == "where" {
                        pool.extend(["and", "or", "not"].map(String::from));
                    }
                    if stage == "sort" {
                        pool.extend(["asc", "desc"].map(String::from));
                    }
                    pool
                }
                _ => Vec::new(),
            },
            Some(&command) => match find(command).map(|c| c.complete) {
                Some(Complete::Commands) => COMMANDS.iter().map(|c| c.name.to_string()).collect(),
                Some(Complete::Analyzers) => vocabulary.analyzers.clone(),
                Some(Complete::Tables) => vocabulary.tables.clone(),
                Some(Complete::DocIds) => vocabulary.doc_ids.clone(),
                Some(Complete::Modes) => Mode::NAMES.iter().map(|s| s.to_string()).collect(),
                Some(Complete::OnOff) => vec!["on".into(), "off".into()],
                Some(Complete::CorpusColumns) => {
                    if words.last() == Some(&"=") || words.last() == Some(&"~") {
                        vocabulary
                            .sources
                            .iter()
                            .map(|s| format!("\"{s}\""))
                            .collect()
                    } else {
                        ["doc", "source", "published", "title", "all"]
                            .map(String::from)
                            .to_vec()
                    }
                }
                Some(Complete::Views) => {
                    crate::view_names().iter().map(|s| s.to_string()).collect()
                }
                Some(Complete::Paths) | Some(Complete::Nothing) | None => Vec::new(),
            },
        };
        let mut matches: Vec<String> = pool
            .into_iter()
            .filter(|w| w.starts_with(partial))
            .collect();
        matches.sort();
        matches.dedup();
        (start, matches)
    }

    fn wants_paths(line: &str, pos: usize) -> bool {
        let before = &line[..pos];
        let command = before.split_whitespace().next().unwrap_or("");
        before.contains(char::is_whitespace)
            && find(command).is_some_and(|c| c.complete == Complete::Paths)
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if Self::wants_paths(line, pos) {
            return self.files.complete(line, pos, ctx);
        }
        let (start, words) = self.candidates(line, pos);
        // A single candidate is the whole word: finish it with a space, as shells do.
        let finish = if words.len() == 1 { " " } else { "" };
        Ok((
            start,
            words
                .into_iter()
                .map(|w| Pair {
                    replacement: format!("{w}{finish}"),
                    display: w,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}
impl Highlighter for ReplHelper {}
impl Validator for ReplHelper {}
impl Helper for ReplHelper {}

/// Where history lives: `$NEWSLENS_HISTORY` (empty: no history), else the
/// user's state directory.
pub fn history_path() -> Option<PathBuf> {
    match std::env::var_os("NEWSLENS_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .map(|d| d.join("newslens").join("history.txt")),
    }
}

pub fn run(mut session: Session) -> i32 {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .max_history_size(10_000)
        .map_or_else(|_| Config::default(), |b| b.auto_add_history(false).build());
    let mut editor: Editor<ReplHelper, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(editor) => editor,
            Err(e) => {
                eprintln!("error: cannot open the terminal: {e}");
                return 2;
            }
        };
    let helper = ReplHelper::new(Vocabulary::of(&session));
    let vocabulary = Arc::clone(&helper.vocabulary);
    editor.set_helper(Some(helper));
    let history = history_path();
    if let Some(path) = &history {
        // A missing file is the first session, not an error.
        let _ = editor.load_history(path);
    }
    // Ctrl-C while an analysis runs sets the flag the runner checks between documents.
    let cancel = Arc::clone(&session.cancel);
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));

    eprintln!(
        "newslens {} — {}. `help` lists the commands; Ctrl-D leaves.",
        env!("CARGO_PKG_VERSION"),
        session.corpus_summary()
    );
    let stdout = std::io::stdout();
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            session.prompt()
        } else {
            "      ...> ".to_string()
        };
        match editor.readline(&prompt) {
            Ok(line) => {
                if let Some(body) = line.strip_suffix('\\') {
                    buffer.push_str(if buffer.is_empty() {
                        body
                    } else {
                        body.trim_start()
                    });
                    buffer.push(' ');
                    continue;
                }
                buffer.push_str(if buffer.is_empty() {
                    &line
                } else {
                    line.trim_start()
                });
                let text = std::mem::take(&mut buffer);
                if !text.trim().is_empty() {
                    let _ = editor.add_history_entry(text.as_str());
                }
                let invocation = match parse_line(&text) {
                    Ok(Some(invocation)) => invocation,
                    Ok(None) => continue,
                    Err(e) => {
                        crate::cli::report_error(None, &text, &e.into());
                        continue;
                    }
                };
                session.set_current_line(&text);
                let mut out = stdout.lock();
                match session.execute(&invocation, &mut out) {
                    Ok(Flow::Quit) => break,
                    Ok(Flow::Continue) => {}
                    Err(e) => {
                        drop(out);
                        crate::cli::report_error(None, &text, &e);
                    }
                }
                if let Ok(mut v) = vocabulary.lock() {
                    *v = Vocabulary::of(&session);
                }
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(path);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ReplHelper {
        ReplHelper::new(Vocabulary {
            analyzers: vec!["corpus-stats".into(), "all".into()],
            tables: vec!["documents".into(), "sources".into()],
            columns: vec!["doc".into(), "source".into(), "words".into()],
            doc_ids: vec!["000".into(), "001".into()],
            sources: vec!["teleSUR English".into()],
        })
    }

    fn complete(line: &str) -> Vec<String> {
        helper().candidates(line, line.len()).1
    }

    #[test]
    fn completes_by_position() {
        assert_eq!(complete("ru"), ["run"]);
        assert_eq!(complete("run co"), ["corpus-stats"]);
        assert_eq!(complete("table s"), ["sources"]);
        assert_eq!(complete("show 00"), ["000", "001"]);
        assert_eq!(complete("run all | whe"), ["where"]);
        assert_eq!(complete("run all | where wo"), ["words"]);
        assert_eq!(complete("run all | sort words d"), ["desc", "doc"]);
        assert_eq!(complete("use source = \"te"), ["\"teleSUR English\""]);
        assert_eq!(complete("use source = "), ["\"teleSUR English\""]);
        assert_eq!(complete(".mode js"), ["json", "jsonl"]);
    }
}
