//! The command table: one declaration per command drives parsing, `help`
//! and completion, so they never disagree.

use crate::query::{lex, parse_stages, Lex, Lexeme, ParseError, Stage};

/// What to complete for a command's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Complete {
    Nothing,
    Commands,
    Analyzers,
    Tables,
    DocIds,
    Paths,
    Modes,
    OnOff,
    CorpusColumns,
    Views,
}

/// One REPL command.
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub usage: &'static str,
    /// One sentence.
    pub summary: &'static str,
    /// Each runs on the bundled corpus in the test suite.
    pub examples: &'static [&'static str],
    pub complete: Complete,
    /// Whether `| where … | sort … | limit … | select …` may follow.
    pub pipeline: bool,
}

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        aliases: &["?"],
        usage: "help [COMMAND]",
        summary: "List the commands, or explain one.",
        examples: &["help", "help run"],
        complete: Complete::Commands,
        pipeline: false,
    },
    CommandSpec {
        name: "corpus",
        aliases: &["docs"],
        usage: "corpus [| PIPELINE]",
        summary: "List the documents of the active corpus.",
        examples: &["corpus", "corpus | where source ~ \"tele\""],
        complete: Complete::Nothing,
        pipeline: true,
    },
    CommandSpec {
        name: "show",
        aliases: &["cat"],
        usage: "show ID",
        summary: "Show a document's metadata and clean text.",
        examples: &["show 003"],
        complete: Complete::DocIds,
        pipeline: false,
    },
    CommandSpec {
        name: "analyzers",
        aliases: &[],
        usage: "analyzers",
        summary: "List the analyzers linked into newslens.",
        examples: &["analyzers"],
        complete: Complete::Nothing,
        pipeline: true,
    },
    CommandSpec {
        name: "run",
        aliases: &[],
        usage: "run NAME… | run all [| PIPELINE]",
        summary: "Run analyzers over the active corpus and show their tables; a pipeline filters the first table.",
        examples: &["run corpus-stats", "run corpus-stats | where words > 700 | select doc, source, words"],
        complete: Complete::Analyzers,
        pipeline: true,
    },
    CommandSpec {
        name: "view",
        aliases: &[],
        usage: "view NAME [ARG] [| PIPELINE]",
        summary: "Show an analyzer's view (`views` lists them); a view's name also works as a command of its own.",
        examples: &[],
        complete: Complete::Views,
        pipeline: true,
    },
    CommandSpec {
        name: "views",
        aliases: &[],
        usage: "views",
        summary: "List the analyzers' views: shortcuts such as `timeline` or `profile SOURCE`.",
        examples: &["views"],
        complete: Complete::Nothing,
        pipeline: true,
    },
    CommandSpec {
        name: "tables",
        aliases: &[],
        usage: "tables",
        summary: "List the tables of the last result.",
        examples: &["tables"],
        complete: Complete::Nothing,
        pipeline: true,
    },
    CommandSpec {
        name: "table",
        aliases: &[],
        usage: "table NAME [| PIPELINE]",
        summary: "Show one table of the last result.",
        examples: &["table sources"],
        complete: Complete::Tables,
        pipeline: true,
    },
    CommandSpec {
        name: "evidence",
        aliases: &["why"],
        usage: "evidence N",
        summary: "Show the sentences behind row N of the last table shown, with the span marked.",
        examples: &["evidence 1"],
        complete: Complete::Nothing,
        pipeline: false,
    },
    CommandSpec {
        name: "explain",
        aliases: &[],
        usage: "explain SENTENCE | explain N",
        summary: "Show how the sentiment lexicon scores a sentence, or the text of row N of the last table: each word, its value and the rules that changed it.",
        examples: &["explain \"The ceasefire is not very good.\""],
        complete: Complete::Nothing,
        pipeline: false,
    },
    CommandSpec {
        name: "kwic",
        aliases: &[],
        usage: "kwic TERM [| PIPELINE]",
        summary: "Show every occurrence of a word or phrase in context, grouped by source.",
        examples: &["kwic ceasefire | limit 3"],
        complete: Complete::Nothing,
        pipeline: true,
    },
    CommandSpec {
        name: "use",
        aliases: &[],
        usage: "use CONDITION | use all",
        summary: "Restrict the active corpus to the documents matching a condition on doc, source, published or title.",
        examples: &["use source = \"teleSUR English\"", "use published >= 2020-02-01", "use all"],
        complete: Complete::CorpusColumns,
        pipeline: false,
    },
    CommandSpec {
        name: "load",
        aliases: &[],
        usage: "load PATH",
        summary: "Load a corpus (a directory of .txt files, a .jsonl or .jsonl.gz file, a text file) or the output folder of a batch or reduce run.",
        examples: &[],
        complete: Complete::Paths,
        pipeline: false,
    },
    CommandSpec {
        name: "mode",
        aliases: &["format"],
        usage: "mode table|markdown|csv|json|jsonl",
        summary: "Set the output format.",
        examples: &["mode markdown"],
        complete: Complete::Modes,
        pipeline: false,
    },
    CommandSpec {
        name: "output",
        aliases: &["o"],
        usage: "output [FILE]",
        summary: "Send output to FILE, or back to the screen without one.",
        examples: &[],
        complete: Complete::Paths,
        pipeline: false,
    },
    CommandSpec {
        name: "export",
        aliases: &["save"],
        usage: "export FILE",
        summary: "Write the last result to FILE, in the format its extension names (.csv .md .json .jsonl .txt).",
        examples: &[],
        complete: Complete::Paths,
        pipeline: false,
    },
    CommandSpec {
        name: "timer",
        aliases: &[],
        usage: "timer on|off",
        summary: "Report how long each command takes, on standard error.",
        examples: &[],
        complete: Complete::OnOff,
        pipeline: false,
    },
    CommandSpec {
        name: "width",
        aliases: &[],
        usage: "width N",
        summary: "Fit tables into N columns (0: the terminal's width, or no limit off a terminal).",
        examples: &["width 100"],
        complete: Complete::Nothing,
        pipeline: false,
    },
    CommandSpec {
        name: "quit",
        aliases: &["exit", "q"],
        usage: "quit",
        summary: "Leave newslens (Ctrl-D does the same).",
        examples: &[],
        complete: Complete::Nothing,
        pipeline: false,
    },
];

/// Finds a command by name or alias; a leading `.` is ignored (`.mode csv`).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    let name = name.strip_prefix('.').unwrap_or(name).to_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name.as_str()))
}

/// A parsed command line.
#[derive(Debug)]
pub struct Invocation {
    pub spec: &'static CommandSpec,
    pub args: Vec<Lexeme>,
    pub stages: Vec<Stage>,
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Parses one logical line; `Ok(None)` for blank lines and `#` comments.
pub fn parse_line(line: &str) -> Result<Option<Invocation>, ParseError> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let lexemes = lex(line)?;
    let mut segments = lexemes.split(|l| l.kind == Lex::Pipe);
    let head = segments.next().unwrap_or(&[]);
    let Some(first) = head.first() else {
        let column = lexemes.first().map_or(0, |l| l.column);
        return Err(ParseError::new("expected a command before `|`", column, 1));
    };
    let Lex::Word(name) = &first.kind else {
        return Err(ParseError::new(
            format!("expected a command, found {}", first.kind.describe()),
            first.column,
            first.width,
        ));
    };
    // A view's name is a command of its own: `timeline` is `view timeline`.
    if find(name).is_none() && crate::view_names().contains(&name.as_str()) {
        let spec = find("view").expect("the view command is declared");
        let stage_lexemes: Vec<&[Lexeme]> = segments.collect();
        let stages = parse_stages(&stage_lexemes)?;
        return Ok(Some(Invocation {
            spec,
            args: head.to_vec(),
            stages,
        }));
    }
    let Some(spec) = find(name) else {
        let bare = name.strip_prefix('.').unwrap_or(name);
        let suggestion = COMMANDS
            .iter()
            .map(|c| (crate::query::edit_distance(c.name, bare), c.name))
            .filter(|&(d, _)| d <= 2)
            .min()
            .map(|(_, n)| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(ParseError::new(
            format!("unknown command `{name}`{suggestion}; `help` lists the commands"),
            first.column,
            first.width,
        ));
    };
    let stage_lexemes: Vec<&[Lexeme]> = segments.collect();
    if !stage_lexemes.is_empty() && !spec.pipeline {
        let pipe = lexemes
            .iter()
            .find(|l| l.kind == Lex::Pipe)
            .map_or(0, |l| l.column);
        return Err(ParseError::new(
            format!("`{}` takes no pipeline", spec.name),
            pipe,
            1,
        ));
    }
    let stages = parse_stages(&stage_lexemes)?;
    Ok(Some(Invocation {
        spec,
        args: head[1..].to_vec(),
        stages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_documented_and_unique() {
        let mut problems = Vec::new();
        let mut names = std::collections::HashSet::new();
        for c in COMMANDS {
            for name in std::iter::once(&c.name).chain(c.aliases) {
                if !names.insert(*name) {
                    problems.push(format!("{name}: declared twice"));
                }
            }
            if !(c.summary.starts_with(char::is_uppercase) && c.summary.ends_with('.')) {
                problems.push(format!("{}: summary is not a sentence", c.name));
            }
            if !c.usage.starts_with(c.name) {
                problems.push(format!("{}: usage does not start with the name", c.name));
            }
            for example in c.examples {
                match parse_line(example) {
                    Ok(Some(inv)) if inv.spec.name == c.name => {}
                    other => problems.push(format!(
                        "{}: example {example:?} parses as {other:?}",
                        c.name
                    )),
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn dots_aliases_comments_and_errors() {
        assert_eq!(parse_line(".mode csv").unwrap().unwrap().spec.name, "mode");
        assert_eq!(parse_line("why 2").unwrap().unwrap().spec.name, "evidence");
        assert!(parse_line("  # a comment").unwrap().is_none());
        assert!(parse_line("").unwrap().is_none());
        let e = parse_line("rnu all").unwrap_err();
        assert!(
            e.message
                .starts_with("unknown command `rnu` (did you mean `run`?)"),
            "{}",
            e.message
        );
        let e = parse_line("show 000 | limit 1").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.column),
            ("`show` takes no pipeline", 9)
        );
        assert_eq!(
            parse_line("run a b | limit 1")
                .unwrap()
                .unwrap()
                .stages
                .len(),
            1
        );
    }
}
