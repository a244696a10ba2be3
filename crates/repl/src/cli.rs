//! Command-line arguments, scripts and the interactive loop.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use newslens_core::load::LoadOptions;
use newslens_core::Config;

use crate::commands::{parse_line, Invocation};
use crate::render::Mode;
use crate::session::{CommandError, Flow, Session};

pub const HELP: &str = "\
newslens — read the news critically: timelines, sentiment, casualty figures and
source bias across outlets, every number traced to its sentence.

Usage: newslens [OPTIONS]
       newslens batch --corpus PATH... --out DIR [--run all|NAME...] [--format jsonl|csv|parquet]
                                                          (see newslens batch --help)
       newslens reduce DIR... --out DIR [--format jsonl|csv|parquet]  (see newslens reduce --help)

With no -c or -f and a terminal on standard input, opens the REPL on the
corpus. Otherwise runs the commands given (-c, -f, or standard input) and exits.

Options:
  -c, --command CMD   Run CMD; repeatable, run in order. Standard input is then not read.
  -f, --file FILE     Run the commands in FILE (`-` for standard input); repeatable.
      --corpus PATH   The corpus: a directory of .txt files with a manifest.toml, a
                      .jsonl or .jsonl.gz file (fields id, source, published, title,
                      url, text), a directory of such files (and .txt files, one
                      document each), or one text file. Default: the bundled Libya corpus.
      --config PATH   Configuration (gazetteer and [analyzers.NAME] sections).
                      Default: newslens.toml in the --corpus folder or beside the --corpus
                      file if there is one (as batch runs do), else the
                      bundled corpus/newslens.toml.
      --skip-bad      Leave out malformed records, listing each with file and line,
                      instead of stopping at the first.
      --mode FORMAT   Output format: table, markdown, csv, json, jsonl (default table).
      --echo          Print each command before its output.
      --keep-going    After an error in a script, run on; exit 1 at the end.
  -j, --jobs N        Worker threads (default: one per core).
  -h, --help          Print this help.
  -V, --version       Print the version.

Exit status: 0 success; 1 a command failed; 2 bad arguments, configuration or corpus.
Inside the REPL, `help` lists the commands.
";

/// Parsed arguments.
#[derive(Debug, Default)]
pub struct Args {
    pub commands: Vec<String>,
    pub files: Vec<String>,
    pub corpus: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub skip_bad: bool,
    pub mode: Option<Mode>,
    pub echo: bool,
    pub keep_going: bool,
    pub jobs: Option<usize>,
    pub help: bool,
    pub version: bool,
}

pub fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Args> {
    let mut args = Args::default();
    let mut raw = raw.into_iter();
    while let Some(arg) = raw.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            inline
                .clone()
                .or_else(|| raw.next())
                .ok_or_else(|| anyhow!("{name} needs a value"))
        };
        match flag.as_str() {
            "-c" | "--command" => args.commands.push(value("--command")?),
            "-f" | "--file" => args.files.push(value("--file")?),
            "--corpus" => args.corpus = Some(PathBuf::from(value("--corpus")?)),
            "--config" => args.config = Some(PathBuf::from(value("--config")?)),
            "--skip-bad" => args.skip_bad = true,
            "--mode" => {
                let name = value("--mode")?;
                args.mode = Some(Mode::parse(&name).ok_or_else(|| {
                    anyhow!("unknown mode `{name}` (modes: {})", Mode::NAMES.join(", "))
                })?);
            }
            "--echo" => args.echo = true,
            "--keep-going" => args.keep_going = true,
            "-j" | "--jobs" => {
                let n = value("--jobs")?;
                args.jobs = Some(
                    n.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| anyhow!("--jobs takes a positive number, not `{n}`"))?,
                );
            }
            "-h" | "--help" => args.help = true,
            "-V" | "--version" => args.version = true,
            other => bail!("unknown argument `{other}` (see newslens --help)"),
        }
    }
    Ok(args)
}

/// One command of a script, with where it came from.
struct ScriptLine {
    origin: String,
    line: usize,
    text: String,
}

/// The entry point; returns the exit status.
pub fn main() -> i32 {
    newslens_batch::purge_freed_pages_after_a_second();
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if let Some(command @ ("batch" | "reduce")) = raw.first().map(String::as_str) {
        return newslens_batch::main(command, &raw[1..]);
    }
    let args = match parse_args(raw) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e:#}");
            return 2;
        }
    };
    if args.help {
        print!("{HELP}");
        return 0;
    }
    if args.version {
        println!("newslens {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    if let Some(jobs) = args.jobs {
        // Only fails if a pool was built already, which nothing here has done.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    let mut session = match open_session(&args) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: {e:#}");
            return 2;
        }
    };
    if let Some(mode) = args.mode {
        session.mode = mode;
    }
    let scripted =
        !args.commands.is_empty() || !args.files.is_empty() || !std::io::stdin().is_terminal();
    if !scripted {
        session.terminal =
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        return crate::interactive::run(session);
    }
    let lines = match script_lines(&args) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("error: {e:#}");
            return 2;
        }
    };
    run_script(&mut session, &lines, &args)
}

fn open_session(args: &Args) -> Result<Session> {
    let config = Config::for_corpus(args.config.as_deref(), args.corpus.as_deref())?;
    let session = Session::new(
        config,
        args.corpus.as_deref(),
        LoadOptions {
            skip_bad: args.skip_bad,
        },
    )?;
    Ok(session)
}

/// Reads `-c`, `-f` and standard input into logical lines: a line ending in
/// `\` continues on the next.
fn script_lines(args: &Args) -> Result<Vec<ScriptLine>> {
    let mut raw: Vec<(String, usize, String)> = Vec::new();
    for (i, command) in args.commands.iter().enumerate() {
        for line in command.lines() {
            raw.push(("-c".into(), i + 1, line.to_string()));
        }
    }
    for file in &args.files {
        let text = if file == "-" {
            read_stdin()?
        } else {
            std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?
        };
        let origin = if file == "-" {
            "<stdin>".to_string()
        } else {
            file.clone()
        };
        raw.extend(
            text.lines()
                .enumerate()
                .map(|(i, l)| (origin.clone(), i + 1, l.to_string())),
        );
    }
    if args.commands.is_empty() && args.files.is_empty() {
        let text = read_stdin()?;
        raw.extend(
            text.lines()
                .enumerate()
                .map(|(i, l)| ("<stdin>".to_string(), i + 1, l.to_string())),
        );
    }
    let mut lines: Vec<ScriptLine> = Vec::new();
    let mut pending: Option<ScriptLine> = None;
    for (origin, number, text) in raw {
        let (body, continues) = match text.strip_suffix('\\') {
            Some(body) => (body.to_string(), true),
            None => (text, false),
        };
        let current = match pending.take() {
            Some(mut open) => {
                open.text.push(' ');
                open.text.push_str(body.trim_start());
                open
            }
            None => ScriptLine {
                origin,
                line: number,
                text: body,
            },
        };
        if continues {
            pending = Some(current);
        } else {
            lines.push(current);
        }
    }
    lines.extend(pending);
    Ok(lines)
}

fn read_stdin() -> Result<String> {
    let mut text = String::new();
    for line in std::io::stdin().lock().lines() {
        text.push_str(&line.context("reading standard input")?);
        text.push('\n');
    }
    Ok(text)
}

/// `error: FILE:LINE:COLUMN: message`, then the line with a caret under the problem.
pub fn report_error(origin: Option<(&str, usize)>, line: &str, error: &CommandError) {
    let place = match (origin, error.at) {
        (Some((file, n)), Some((column, _))) => format!("{file}:{n}:{}: ", column + 1),
        (Some((file, n)), None) => format!("{file}:{n}: "),
        (None, _) => String::new(),
    };
    let mut text = format!("error: {place}{}\n", error.message);
    if let Some((column, width)) = error.at {
        let prefix: String = line.chars().take(column).collect();
        let pad = unicode_width::UnicodeWidthStr::width(prefix.as_str());
        text.push_str(&format!(
            "  | {line}\n  | {}{}\n",
            " ".repeat(pad),
            "^".repeat(width.max(1))
        ));
    }
    // Flush stdout first, so a transcript that merges the two keeps its order.
    let _ = std::io::stdout().flush();
    eprint!("{text}");
}

fn run_script(session: &mut Session, lines: &[ScriptLine], args: &Args) -> i32 {
    // Check the whole script before running any of it.
    let mut parsed: Vec<(&ScriptLine, Invocation)> = Vec::new();
    for line in lines {
        match parse_line(&line.text) {
            Ok(Some(invocation)) => parsed.push((line, invocation)),
            Ok(None) => {}
            Err(e) => {
                report_error(Some((&line.origin, line.line)), &line.text, &e.into());
                if !args.keep_going {
                    return 1;
                }
            }
        }
    }
    let mut failed = parsed.len() < lines.iter().filter(|l| !is_blank(&l.text)).count();
    let stdout = std::io::stdout();
    for (line, invocation) in parsed {
        let mut out = stdout.lock();
        if args.echo {
            let _ = writeln!(out, "{}{}", session.prompt(), line.text.trim());
        }
        session.set_current_line(&line.text);
        match session.execute(&invocation, &mut out) {
            Ok(Flow::Continue) => {}
            Ok(Flow::Quit) => break,
            Err(e) => {
                drop(out);
                if is_broken_pipe(&e) {
                    return 0;
                }
                report_error(Some((&line.origin, line.line)), &line.text, &e);
                failed = true;
                if !args.keep_going {
                    return 1;
                }
            }
        }
    }
    i32::from(failed)
}

fn is_blank(text: &str) -> bool {
    let t = text.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// A closed pipe (`newslens -c … | head`) is not an error.
fn is_broken_pipe(error: &CommandError) -> bool {
    error.message.contains("Broken pipe")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let a = args(&[
            "-c",
            "corpus",
            "--command=run all",
            "--echo",
            "--mode",
            "csv",
            "-j",
            "2",
        ])
        .unwrap();
        assert_eq!(a.commands, ["corpus", "run all"]);
        assert!(a.echo);
        assert_eq!(a.mode, Some(Mode::Csv));
        assert_eq!(a.jobs, Some(2));
        assert_eq!(
            args(&["--bogus"]).unwrap_err().to_string(),
            "unknown argument `--bogus` (see newslens --help)"
        );
        assert_eq!(
            args(&["-c"]).unwrap_err().to_string(),
            "--command needs a value"
        );
        assert!(args(&["--mode", "xml"]).is_err());
        assert!(args(&["-j", "0"]).is_err());
    }

    #[test]
    fn help_names_every_flag_the_parser_takes() {
        for flag in [
            "--command",
            "--file",
            "--corpus",
            "--config",
            "--skip-bad",
            "--mode",
            "--echo",
            "--keep-going",
            "--jobs",
            "--help",
            "--version",
        ] {
            assert!(HELP.contains(flag), "{flag} missing from --help");
        }
    }
}
