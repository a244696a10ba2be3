//! A REPL session: the loaded corpus, the analyzers built from the
//! configuration, the last result, and the output settings. Each command
//! line is parsed (crate::commands) and executed here.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use newslens_core::load::{load_path, LoadOptions};
use newslens_core::text::fold::FoldedText;
use newslens_core::text::{byte_offset, AnnotatedDoc, Annotator};
use newslens_core::{Analyzer, ColumnType, Config, Registry, Report, Row, Span, Table, Value};

use crate::commands::{find, Invocation, COMMANDS};
use crate::query::{apply, apply_to, Lex, Lexeme, ParseError, Stage, STAGES};
use crate::render::{render, Mode, Shown};

/// An error from a command: a message, and where in the line it points, if anywhere.
#[derive(Debug)]
pub struct CommandError {
    pub message: String,
    pub at: Option<(usize, usize)>,
}

impl From<anyhow::Error> for CommandError {
    fn from(e: anyhow::Error) -> CommandError {
        CommandError {
            message: format!("{e:#}"),
            at: None,
        }
    }
}

impl From<ParseError> for CommandError {
    fn from(e: ParseError) -> CommandError {
        CommandError {
            message: e.message,
            at: Some((e.column, e.width)),
        }
    }
}

fn fail<T>(message: impl Into<String>, at: &Lexeme) -> Result<T, CommandError> {
    Err(CommandError {
        message: message.into(),
        at: Some((at.column, at.width)),
    })
}

/// What a command asks the loop to do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// A table of the last result, with the analyzer that made it; shared
/// with the analyzer's cached report rather than copied from it.
#[derive(Clone)]
struct ResultTable {
    analyzer: &'static str,
    table: Arc<Table>,
}

/// An analyzer's report over the active corpus, kept until the corpus
/// changes; its tables are shared by the results shown from it.
#[derive(Clone, Default)]
struct CachedReport {
    tables: Vec<Arc<Table>>,
    notes: Vec<String>,
}

impl From<Report> for CachedReport {
    fn from(report: Report) -> CachedReport {
        CachedReport {
            tables: report.tables.into_iter().map(Arc::new).collect(),
            notes: report.notes,
        }
    }
}

pub struct Session {
    config: Config,
    registry: Registry,
    analyzers: BTreeMap<&'static str, Box<dyn Analyzer>>,
    annotator: Annotator,
    corpus_name: String,
    all_docs: Vec<AnnotatedDoc>,
    active: Vec<AnnotatedDoc>,
    filter: Option<String>,
    cache: BTreeMap<&'static str, CachedReport>,
    last_result: Vec<ResultTable>,
    last_shown: Option<Shown>,
    pub mode: Mode,
    width: Option<u16>,
    timer: bool,
    output: Option<(PathBuf, std::fs::File)>,
    /// Colour and terminal width: only when stdout is a terminal.
    pub terminal: bool,
    pub cancel: Arc<AtomicBool>,
    current_line: String,
}

impl Session {
    /// Builds every linked analyzer from the configuration (a bad section is
    /// an error here, before any command runs) and annotates the corpus.
    pub fn new(config: Config, corpus: Option<&Path>, options: LoadOptions) -> Result<Session> {
        let registry = Registry::linked()?;
        if registry.is_empty() {
            bail!("no analyzers are linked into this binary");
        }
        for section in config.analyzer_sections() {
            if registry.get(section).is_err() {
                let known: Vec<&str> = registry.names().collect();
                bail!(
                    "{}: [analyzers.{section}] names no analyzer (known: {})",
                    config
                        .path
                        .as_ref()
                        .map_or("<config>".into(), |p| p.display().to_string()),
                    known.join(", ")
                );
            }
        }
        let mut analyzers = BTreeMap::new();
        for registration in registry.iter() {
            let analyzer = (registration.build)(&config.settings_for(registration.name))
                .with_context(|| format!("configuring analyzer {}", registration.name))?;
            analyzers.insert(registration.name, analyzer);
        }
        let annotator = Annotator::new(Arc::clone(&config.gazetteer));
        let mut session = Session {
            config: config.clone(),
            registry,
            analyzers,
            annotator,
            corpus_name: String::new(),
            all_docs: Vec::new(),
            active: Vec::new(),
            filter: None,
            cache: BTreeMap::new(),
            last_result: Vec::new(),
            last_shown: None,
            mode: Mode::Table,
            width: None,
            timer: false,
            output: None,
            terminal: false,
            cancel: Arc::new(AtomicBool::new(false)),
            current_line: String::new(),
        };
        let skipped = session.load(corpus, options)?;
        if !skipped.is_empty() {
            for message in &skipped {
                eprintln!("{message}");
            }
            eprintln!(
                "skipped {} bad record{}",
                skipped.len(),
                if skipped.len() == 1 { "" } else { "s" }
            );
        }
        Ok(session)
    }

    fn load(&mut self, corpus: Option<&Path>, options: LoadOptions) -> Result<Vec<String>> {
        let (loaded, name) = match corpus {
            None => (
                newslens_core::bundled::corpus(),
                "bundled Libya corpus".to_string(),
            ),
            // A batch run's output holds tables, not documents: say how to open it.
            Some(path) if newslens_batch::is_result_folder(path) => bail!(
                "{0} holds the tables of a batch or reduce run, not a corpus: open it with `load {0}` \
                 (newslens -c \"load {0}\")",
                path.display()
            ),
            Some(path) => (load_path(path, options)?, path.display().to_string()),
        };
        let messages = loaded
            .skipped
            .iter()
            .map(|e| format!("skipped {e}"))
            .collect();
        let progress = crate::progress::ProgressLine::new("annotating", loaded.docs.len());
        self.all_docs = newslens_core::run::annotate_all_reporting(
            &self.annotator,
            &loaded.docs,
            Some(&|done| progress.update(done)),
        );
        drop(progress);
        self.active = self.all_docs.clone();
        self.corpus_name = name;
        self.filter = None;
        self.cache.clear();
        self.last_result.clear();
        self.last_shown = None;
        Ok(messages)
    }

    /// The prompt, showing the active sub-corpus.
    pub fn prompt(&self) -> String {
        match &self.filter {
            Some(filter) => format!("newslens[{filter}]> "),
            None => "newslens> ".to_string(),
        }
    }

    pub fn analyzer_names(&self) -> Vec<&'static str> {
        self.registry.names().collect()
    }

    pub fn table_names(&self) -> Vec<String> {
        self.labels()
    }

    pub fn column_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .last_shown
            .iter()
            .flat_map(|t| t.table.columns.iter().map(|c| c.name.clone()))
            .chain(["doc", "source", "published", "title"].map(String::from))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    pub fn doc_ids(&self) -> Vec<String> {
        self.all_docs.iter().map(|d| d.id().to_string()).collect()
    }

    pub fn sources(&self) -> Vec<String> {
        let mut sources: Vec<String> = self
            .all_docs
            .iter()
            .map(|d| d.source().to_string())
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }

    pub fn corpus_summary(&self) -> String {
        format!("{} ({} documents)", self.corpus_name, self.all_docs.len())
    }

    /// Executes one parsed command, writing its output.
    pub fn execute(
        &mut self,
        invocation: &Invocation,
        out: &mut dyn Write,
    ) -> Result<Flow, CommandError> {
        self.cancel.store(false, Ordering::Relaxed);
        let started = Instant::now();
        let output = self.dispatch(invocation)?;
        match output {
            Output::Quit => return Ok(Flow::Quit),
            Output::Nothing => {}
            Output::Text(text) => self.write(out, &text)?,
            Output::Tables(mut tables) => {
                let rendered = render(&tables, self.mode, self.table_width())?;
                self.last_shown = tables.pop();
                self.write(out, &rendered)?;
            }
        }
        if self.timer {
            eprintln!("time: {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
        }
        Ok(Flow::Continue)
    }

    fn table_width(&self) -> Option<u16> {
        match self.width {
            Some(0) | None if self.terminal && self.output.is_none() => {
                Some(terminal_width().unwrap_or(100))
            }
            Some(0) | None => None,
            Some(w) => Some(w),
        }
    }

    fn write(&mut self, out: &mut dyn Write, text: &str) -> Result<()> {
        match &mut self.output {
            Some((path, file)) => file
                .write_all(text.as_bytes())
                .with_context(|| format!("writing {}", path.display())),
            None => {
                out.write_all(text.as_bytes())?;
                out.flush()?;
                Ok(())
            }
        }
    }

    fn dispatch(&mut self, inv: &Invocation) -> Result<Output, CommandError> {
        let args = &inv.args;
        match inv.spec.name {
            "help" => self.help(args),
            "corpus" => shown(self.corpus_table(), &inv.stages),
            "show" => self.show(args, inv),
            "analyzers" => {
                let mut table = Table::new(
                    "analyzers",
                    &[("name", ColumnType::Text), ("summary", ColumnType::Text)],
                );
                for registration in self.registry.iter() {
                    table.push(Row::new(vec![
                        registration.name.into(),
                        registration.summary.into(),
                    ]));
                }
                shown(table, &inv.stages)
            }
            "run" => self.run(inv),
            "tables" => {
                let mut table = Table::new(
                    "tables",
                    &[
                        ("table", ColumnType::Text),
                        ("analyzer", ColumnType::Text),
                        ("rows", ColumnType::Int),
                        ("columns", ColumnType::Text),
                    ],
                );
                for (label, result) in self.labels().into_iter().zip(&self.last_result) {
                    let columns: Vec<&str> = result
                        .table
                        .columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    table.push(Row::new(vec![
                        label.into(),
                        result.analyzer.into(),
                        result.table.rows.len().into(),
                        columns.join(", ").into(),
                    ]));
                }
                shown(table, &inv.stages)
            }
            "table" => {
                let [name] = args.as_slice() else {
                    return Err(anyhow!("usage: table NAME (`tables` lists them)").into());
                };
                let wanted = word(name);
                let labels = self.labels();
                let Some(index) = labels.iter().position(|l| *l == wanted) else {
                    if labels.is_empty() {
                        return fail("no result yet: `run` an analyzer first", name);
                    }
                    return fail(
                        format!(
                            "no table `{wanted}` in the last result (tables: {})",
                            labels.join(", ")
                        ),
                        name,
                    );
                };
                let table = Shown::from(Arc::clone(&self.last_result[index].table));
                Ok(Output::Tables(vec![staged(table, &inv.stages)?]))
            }
            "evidence" => self.evidence(args),
            "explain" => self.explain(args),
            "views" => {
                use ColumnType::*;
                let mut table = Table::new(
                    "views",
                    &[
                        ("view", Text),
                        ("analyzer", Text),
                        ("table", Text),
                        ("argument", Text),
                        ("summary", Text),
                    ],
                );
                for (analyzer, view) in self.registry.views() {
                    table.push(Row::new(vec![
                        view.name.into(),
                        analyzer.into(),
                        view.table.into(),
                        Value::opt_text(view.filter),
                        view.summary.into(),
                    ]));
                }
                shown(table, &inv.stages)
            }
            "view" => self.view(inv),
            "kwic" => {
                if args.is_empty() {
                    return Err(anyhow!("usage: kwic TERM").into());
                }
                let term: Vec<String> = args.iter().map(word).collect();
                shown(self.kwic(&term.join(" ")), &inv.stages)
            }
            "use" => self.use_filter(args),
            "load" => {
                let [path] = args.as_slice() else {
                    return Err(anyhow!("usage: load PATH").into());
                };
                let path = PathBuf::from(word(path));
                // A batch output folder: its reduced tables answer `run` from now on,
                // and are the last result, as after `run` of those analyzers.
                if newslens_batch::is_result_folder(&path) {
                    let results = newslens_batch::load_results(&path)?;
                    let mut names = Vec::new();
                    for (analyzer, report) in results {
                        if let Some(registration) =
                            self.registry.iter().find(|r| r.name == analyzer)
                        {
                            names.push(registration.name);
                            self.cache.insert(registration.name, report.into());
                        }
                    }
                    // Registry order, as `run` gives them; every report is cached now.
                    names.sort_unstable();
                    self.make_result(&names)?;
                    self.last_shown = None;
                    return Ok(Output::Text(format!(
                        "loaded the results of a batch run from {}: {} (`tables` lists them)\n",
                        path.display(),
                        names.join(", ")
                    )));
                }
                let skipped = self.load(Some(&path), LoadOptions { skip_bad: false })?;
                let mut text = format!("loaded {}\n", self.corpus_summary());
                for message in skipped {
                    text.push_str(&message);
                    text.push('\n');
                }
                Ok(Output::Text(text))
            }
            "mode" => {
                let [name] = args.as_slice() else {
                    return Ok(Output::Text(format!("{}\n", self.mode.name())));
                };
                match Mode::parse(&word(name)) {
                    Some(mode) => {
                        self.mode = mode;
                        Ok(Output::Nothing)
                    }
                    None => fail(
                        format!(
                            "unknown mode `{}` (modes: {})",
                            word(name),
                            Mode::NAMES.join(", ")
                        ),
                        name,
                    ),
                }
            }
            "output" => match args.as_slice() {
                [] => {
                    self.output = None;
                    Ok(Output::Nothing)
                }
                [path] => {
                    let path = PathBuf::from(word(path));
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    self.output = Some((path, file));
                    Ok(Output::Nothing)
                }
                [_, extra, ..] => fail("usage: output [FILE]", extra),
            },
            "export" => self.export(args),
            "timer" => {
                self.timer = on_off(args)?;
                Ok(Output::Nothing)
            }
            "width" => match args.as_slice() {
                [Lexeme {
                    kind: Lex::Number(n),
                    ..
                }] if *n >= 0.0 && *n <= 10_000.0 && n.fract() == 0.0 => {
                    self.width = Some(*n as u16);
                    Ok(Output::Nothing)
                }
                [other, ..] => fail(
                    "usage: width N (a whole number; 0 for the terminal's width)",
                    other,
                ),
                [] => Err(anyhow!("usage: width N").into()),
            },
            "quit" => Ok(Output::Quit),
            other => Err(anyhow!("command `{other}` has no implementation").into()),
        }
    }

    fn help(&self, args: &[Lexeme]) -> Result<Output, CommandError> {
        let mut text = String::new();
        match args {
            [] => {
                text.push_str("Commands (a leading `.` is accepted: .mode csv):\n");
                for c in COMMANDS {
                    text.push_str(&format!("  {:<36} {}\n", c.usage, c.summary));
                }
                text.push_str("\nPipeline stages, after `|` on any command that shows a table:\n");
                for (_, usage, summary) in STAGES {
                    text.push_str(&format!("  {usage:<36} {summary}\n"));
                }
                let views = self.registry.views();
                if !views.is_empty() {
                    text.push_str(
                        "\nViews, shortcuts to an analyzer's table (`views` for more):\n",
                    );
                    for (_, view) in views {
                        let usage = match view.filter {
                            Some(column) => format!("{} [{}]", view.name, column.to_uppercase()),
                            None => view.name.to_string(),
                        };
                        text.push_str(&format!("  {usage:<36} {}\n", view.summary));
                    }
                }
                text.push_str("\nAnalyzers: ");
                text.push_str(&self.analyzer_names().join(", "));
                text.push_str("\n`help COMMAND` or `help ANALYZER` for more.\n");
            }
            [topic] => {
                let topic = word(topic);
                if let Some(c) = find(&topic) {
                    text.push_str(&format!("{}\n  {}\n", c.usage, c.summary));
                    if !c.aliases.is_empty() {
                        text.push_str(&format!("  aliases: {}\n", c.aliases.join(", ")));
                    }
                    if !c.examples.is_empty() {
                        text.push_str("  examples:\n");
                        for example in c.examples {
                            text.push_str(&format!("    {example}\n"));
                        }
                    }
                } else if let Some(&(name, usage, summary)) =
                    STAGES.iter().find(|(n, _, _)| *n == topic)
                {
                    text.push_str(&format!(
                        "{usage}\n  {summary}\n  example: run corpus-stats | {name} …\n"
                    ));
                } else if let Some((analyzer, view)) = self
                    .registry
                    .views()
                    .into_iter()
                    .find(|(_, v)| v.name == topic)
                {
                    let usage = view.filter.map_or(view.name.to_string(), |c| {
                        format!("{} [{}]", view.name, c.to_uppercase())
                    });
                    text.push_str(&format!(
                        "{usage}\n  {}\n  shows table `{}` of `run {analyzer}`{}\n",
                        view.summary,
                        view.table,
                        view.filter.map_or(String::new(), |c| format!(
                            ", keeping rows whose `{c}` contains the argument"
                        ))
                    ));
                } else if let Ok(registration) = self.registry.get(&topic) {
                    text.push_str(&format!(
                        "{}\n  {}\n  run it: run {}\n  configure it: [analyzers.{}] in newslens.toml\n",
                        registration.name, registration.summary, registration.name, registration.name
                    ));
                } else {
                    return Err(anyhow!(
                        "no command, stage or analyzer `{topic}`; `help` lists them"
                    )
                    .into());
                }
            }
            [_, extra, ..] => return fail("usage: help [COMMAND]", extra),
        }
        Ok(Output::Text(text))
    }

    fn corpus_table(&self) -> Table {
        use ColumnType::*;
        let mut table = Table::new(
            "corpus",
            &[
                ("doc", Text),
                ("source", Text),
                ("published", Date),
                ("title", Text),
                ("sentences", Int),
                ("chars", Int),
            ],
        );
        for doc in &self.active {
            let meta = &doc.doc.meta;
            let chars = doc.char_offset(doc.text().len() as u32);
            table.push(
                Row::new(vec![
                    doc.id().into(),
                    meta.source.as_str().into(),
                    meta.published.into(),
                    Value::opt_text(meta.title.clone()),
                    doc.sentences.len().into(),
                    chars.into(),
                ])
                .with_evidence(doc.evidence(Span::new(0, doc.text().len()))),
            );
        }
        table
    }

    fn show(&self, args: &[Lexeme], _inv: &Invocation) -> Result<Output, CommandError> {
        let [id] = args else {
            return Err(anyhow!("usage: show ID (`corpus` lists the ids)").into());
        };
        let id_text = word(id);
        let Some(doc) = self.all_docs.iter().find(|d| d.id() == id_text) else {
            return fail(
                format!(
                    "no document `{id_text}` (ids: {})",
                    self.doc_ids().join(", ")
                ),
                id,
            );
        };
        let meta = &doc.doc.meta;
        let mut text = format!(
            "{} | {} | {}\n",
            doc.id(),
            meta.source,
            meta.published
                .map_or("date unknown".to_string(), |d| d.to_string())
        );
        text.push('\n');
        text.push_str(doc.text());
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(Output::Text(text))
    }

    /// Result-table labels: the table name, or `analyzer.table` where two
    /// analyzers of one result made tables of the same name.
    fn labels(&self) -> Vec<String> {
        self.last_result
            .iter()
            .map(|r| {
                let shared = self
                    .last_result
                    .iter()
                    .filter(|o| o.table.name == r.table.name)
                    .count()
                    > 1;
                if shared {
                    format!("{}.{}", r.analyzer, r.table.name)
                } else {
                    r.table.name.clone()
                }
            })
            .collect()
    }

    fn run(&mut self, inv: &Invocation) -> Result<Output, CommandError> {
        if inv.args.is_empty() {
            return Err(anyhow!(
                "usage: run NAME… or run all (analyzers: {})",
                self.analyzer_names().join(", ")
            )
            .into());
        }
        let mut names: Vec<&'static str> = Vec::new();
        for arg in &inv.args {
            let name = word(arg);
            if name == "all" {
                names.extend(self.registry.names());
                continue;
            }
            match self.registry.get(&name) {
                Ok(registration) => names.push(registration.name),
                Err(e) => return fail(e.to_string(), arg),
            }
        }
        // Registry order, so `run b a` and `run a b` print the same.
        names.sort_unstable();
        names.dedup();
        for note in self.make_result(&names)? {
            eprintln!("note: {note}");
        }
        let mut tables = self.shown_result();
        if !inv.stages.is_empty() {
            let first = tables.swap_remove(0);
            tables = vec![staged(first, &inv.stages)?];
        }
        Ok(Output::Tables(tables))
    }

    /// Makes the last result the tables of the analyzers `names`, in that
    /// order (reports computed or cached); returns their reports' notes.
    fn make_result(&mut self, names: &[&'static str]) -> Result<Vec<String>, CommandError> {
        let mut result = Vec::new();
        let mut notes = Vec::new();
        for &name in names {
            let report = self.report(name)?;
            notes.extend(report.notes.iter().cloned());
            for table in &report.tables {
                result.push(ResultTable {
                    analyzer: name,
                    table: Arc::clone(table),
                });
            }
        }
        self.last_result = result;
        Ok(notes)
    }

    /// The last result's tables under their labels, sharing the cached tables.
    fn shown_result(&self) -> Vec<Shown> {
        self.labels()
            .into_iter()
            .zip(&self.last_result)
            .map(|(label, r)| Shown {
                name: label,
                table: Arc::clone(&r.table),
            })
            .collect()
    }

    /// An analyzer's report over the active corpus, computed once per corpus state.
    fn report(&mut self, name: &'static str) -> Result<CachedReport, CommandError> {
        if let Some(report) = self.cache.get(name) {
            return Ok(report.clone());
        }
        let analyzer = self
            .analyzers
            .get(name)
            .ok_or_else(|| anyhow!("analyzer {name} is not built"))?;
        let docs = &self.active;
        let cancel = Arc::clone(&self.cancel);
        // A bug in one analyzer must not take the session down with it.
        let progress = crate::progress::ProgressLine::new(name, docs.len());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            newslens_core::run::run_analyzer_reporting(
                analyzer.as_ref(),
                docs,
                Some(&cancel),
                Some(&|done| progress.update(done)),
            )
        }));
        drop(progress);
        let report = match outcome {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => return Err(e.into()),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown panic");
                return Err(anyhow!("analyzer {name} failed: {message}").into());
            }
        };
        let report = CachedReport::from(report);
        self.cache.insert(name, report.clone());
        Ok(report)
    }

    fn view(&mut self, inv: &Invocation) -> Result<Output, CommandError> {
        let Some((name_lexeme, rest)) = inv.args.split_first() else {
            return Err(anyhow!("usage: view NAME [ARG] (`views` lists them)").into());
        };
        let name = word(name_lexeme);
        let views = self.registry.views();
        let Some(&(analyzer, view)) = views.iter().find(|(_, v)| v.name == name) else {
            let names: Vec<&str> = views.iter().map(|(_, v)| v.name).collect();
            return fail(
                format!("no view `{name}` (views: {})", names.join(", ")),
                name_lexeme,
            );
        };
        let report = self.report(analyzer)?;
        let whole = report
            .tables
            .iter()
            .find(|t| t.name == view.table)
            .ok_or_else(|| anyhow!("analyzer {analyzer} made no table `{}`", view.table))?;
        let argument: Vec<String> = rest.iter().map(word).collect();
        // Without an argument the view is the cached table itself; with one,
        // only the rows it keeps are copied.
        let table = match (view.filter, argument.is_empty()) {
            (_, true) => Arc::clone(whole),
            (Some(column), false) => {
                let needle = argument.join(" ").to_lowercase();
                let index = whole
                    .column_index(column)
                    .ok_or_else(|| anyhow!("table {} has no column {column}", whole.name))?;
                let rows: Vec<Row> = whole
                    .rows
                    .iter()
                    .filter(|row| {
                        row.cells[index]
                            .to_string()
                            .to_lowercase()
                            .contains(&needle)
                    })
                    .cloned()
                    .collect();
                if rows.is_empty() {
                    return fail(
                        format!(
                            "no `{column}` of `{}` contains {:?}",
                            whole.name,
                            argument.join(" ")
                        ),
                        &rest[0],
                    );
                }
                Arc::new(Table {
                    rows,
                    ..whole.empty_like()
                })
            }
            (None, false) => return fail(format!("`{name}` takes no argument"), &rest[0]),
        };
        self.last_result = vec![ResultTable {
            analyzer,
            table: Arc::clone(&table),
        }];
        Ok(Output::Tables(vec![staged(
            Shown::from(table),
            &inv.stages,
        )?]))
    }

    fn explain(&self, args: &[Lexeme]) -> Result<Output, CommandError> {
        let sentence = match args {
            [] => {
                return Err(anyhow!(
                    "usage: explain SENTENCE or explain N (a row of the last table)"
                )
                .into())
            }
            [n @ Lexeme {
                kind: Lex::Number(_),
                ..
            }] => {
                let Shown { name, table } = self
                    .last_shown
                    .as_ref()
                    .ok_or_else(|| anyhow!("no table shown yet"))?;
                let Some(column) = table.column_index("text") else {
                    return fail(format!("`{name}` has no `text` column to explain"), n);
                };
                let index: usize = n.raw.parse().unwrap_or(0);
                match table.rows.get(index.wrapping_sub(1)) {
                    Some(row) => row.cells[column].to_string(),
                    None => return fail(format!("no row {} in `{name}`", n.raw), n),
                }
            }
            words => words.iter().map(word).collect::<Vec<_>>().join(" "),
        };
        let settings = self.config.settings_for("sentiment-lexicon");
        let config: newslens_sentiment_lexicon::Config = settings.parse()?;
        let scorer = newslens_sentiment_lexicon::Scorer::new(&config)?;
        Ok(Output::Text(format!(
            "{sentence}\n{}\n(lexicon: {})\n",
            scorer.explain(&sentence),
            config.lexicon
        )))
    }

    fn evidence(&self, args: &[Lexeme]) -> Result<Output, CommandError> {
        let [n] = args else {
            return Err(
                anyhow!("usage: evidence N (a row number of the last table, from 1)").into(),
            );
        };
        let Some(Shown { name, table }) = &self.last_shown else {
            return fail("no table shown yet", n);
        };
        let row = match &n.kind {
            Lex::Number(x) if *x >= 1.0 && x.fract() == 0.0 => table.rows.get(*x as usize - 1),
            _ => return fail("usage: evidence N (a row number, from 1)", n),
        };
        let Some(row) = row else {
            let count = table.rows.len();
            return fail(
                format!(
                    "row {} is past the end of `{}` ({count} row{})",
                    word(n),
                    name,
                    if count == 1 { "" } else { "s" }
                ),
                n,
            );
        };
        if row.evidence.is_empty() {
            return fail(format!("row {} of `{name}` rests on no text", word(n)), n);
        }
        const MOST: usize = 20;
        let mut text = String::new();
        for evidence in row.evidence.iter().take(MOST) {
            let Some(doc) = self.all_docs.iter().find(|d| d.id() == evidence.doc) else {
                text.push_str(&format!("{}: not in the loaded corpus\n", evidence.doc));
                continue;
            };
            let start = byte_offset(doc.text(), evidence.start) as u32;
            let end = byte_offset(doc.text(), evidence.end) as u32;
            let span = Span { start, end };
            // The sentences the span touches, whole.
            let first = doc.sentence_index(start).unwrap_or(0);
            let last = doc
                .sentence_index(end.saturating_sub(1).max(start))
                .unwrap_or(first);
            let context = match (doc.sentences.get(first), doc.sentences.get(last)) {
                (Some(a), Some(b)) if span.len() < 2_000 => a.cover(*b),
                _ => span,
            };
            let (open, close) = if self.terminal {
                ("\x1b[1;4m", "\x1b[0m")
            } else {
                ("[[", "]]")
            };
            let before = Span {
                start: context.start,
                end: start.max(context.start),
            };
            let after = Span {
                start: end.min(context.end),
                end: context.end,
            };
            let marked = shorten(doc.slice(span), 300).replace('\n', " ");
            text.push_str(&format!(
                "{} {} (sentence {}, chars {}..{}):\n  {}{open}{}{close}{}\n",
                doc.id(),
                doc.source(),
                first + 1,
                evidence.start,
                evidence.end,
                doc.slice(before),
                marked,
                doc.slice(after),
            ));
        }
        if row.evidence.len() > MOST {
            text.push_str(&format!("… and {} more\n", row.evidence.len() - MOST));
        }
        Ok(Output::Text(text))
    }

    fn kwic(&self, term: &str) -> Table {
        use ColumnType::*;
        let mut table = Table::new(
            "kwic",
            &[
                ("source", Text),
                ("doc", Text),
                ("left", Text),
                ("match", Text),
                ("right", Text),
                ("start", Int),
                ("end", Int),
            ],
        );
        let needle = newslens_core::text::fold(term.trim());
        const CONTEXT: usize = 40;
        let mut rows = Vec::new();
        for doc in &self.active {
            if needle.is_empty() {
                break;
            }
            let folded = FoldedText::new(doc.text());
            let bytes = folded.text.as_bytes();
            let mut from = 0;
            while let Some(found) = folded.text[from..].find(&needle) {
                let start = from + found;
                let end = start + needle.len();
                from = end;
                let whole_word = (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
                    && (end == bytes.len() || !bytes[end].is_ascii_alphanumeric());
                if !whole_word {
                    continue;
                }
                let span = folded.original_span(start, end, doc.text());
                let sentence = doc
                    .sentence_index(span.start)
                    .map(|i| doc.sentences[i])
                    .unwrap_or(span);
                let left: String = doc
                    .slice(Span {
                        start: sentence.start,
                        end: span.start,
                    })
                    .chars()
                    .rev()
                    .take(CONTEXT)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let right: String = doc
                    .slice(Span {
                        start: span.end,
                        end: sentence.end.max(span.end),
                    })
                    .chars()
                    .take(CONTEXT)
                    .collect();
                let left = format!("{left:>CONTEXT$}");
                rows.push((
                    doc.source().to_string(),
                    Row::new(vec![
                        doc.source().into(),
                        doc.id().into(),
                        left.replace('\n', " ").into(),
                        doc.slice(span).into(),
                        right.replace('\n', " ").into(),
                        doc.char_offset(span.start).into(),
                        doc.char_offset(span.end).into(),
                    ])
                    .with_evidence(doc.evidence(span)),
                ));
            }
        }
        // Grouped by source; within a source, in corpus and text order.
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, row) in rows {
            table.push(row);
        }
        table
    }

    fn use_filter(&mut self, args: &[Lexeme]) -> Result<Output, CommandError> {
        if args.is_empty() {
            return Err(anyhow!("usage: use CONDITION or use all").into());
        }
        if let [only] = args {
            if word(only) == "all" {
                self.active = self.all_docs.clone();
                self.filter = None;
                self.cache.clear();
                return Ok(Output::Text(format!(
                    "using all {} documents\n",
                    self.active.len()
                )));
            }
        }
        // The condition is a `where` over the corpus listing.
        let mut where_lexemes = vec![Lexeme {
            kind: Lex::Word("where".into()),
            column: 0,
            width: 0,
            raw: String::new(),
        }];
        where_lexemes.extend(args.iter().cloned());
        let stages = crate::query::parse_stages(&[&where_lexemes])?;
        let mut listing = self.corpus_table();
        listing.rows.clear();
        for doc in &self.all_docs {
            let meta = &doc.doc.meta;
            listing.push(Row::new(vec![
                doc.id().into(),
                meta.source.as_str().into(),
                meta.published.into(),
                Value::opt_text(meta.title.clone()),
                doc.sentences.len().into(),
                doc.char_offset(doc.text().len() as u32).into(),
            ]));
        }
        let kept = apply(listing, &stages)?;
        let ids: std::collections::HashSet<String> =
            kept.rows.iter().map(|r| r.cells[0].to_string()).collect();
        if ids.is_empty() {
            return Err(anyhow!("no document matches; the active corpus is unchanged").into());
        }
        self.active = self
            .all_docs
            .iter()
            .filter(|d| ids.contains(d.id()))
            .cloned()
            .collect();
        let first = args.first().map_or(0, |l| l.column);
        let last = args.last().map_or(0, |l| l.column + l.width);
        self.filter = Some(
            self.current_line
                .chars()
                .skip(first)
                .take(last - first)
                .collect(),
        );
        self.cache.clear();
        Ok(Output::Text(format!(
            "using {} of {} documents\n",
            self.active.len(),
            self.all_docs.len()
        )))
    }

    fn export(&self, args: &[Lexeme]) -> Result<Output, CommandError> {
        let [path_lexeme] = args else {
            return Err(anyhow!("usage: export FILE").into());
        };
        let path = PathBuf::from(word(path_lexeme));
        let Some(mode) = Mode::from_extension(&path.to_string_lossy()) else {
            return fail(
                "export names its format by extension: .csv .md .json .jsonl .txt",
                path_lexeme,
            );
        };
        let tables: Vec<Shown> = if self.last_result.is_empty() {
            self.last_shown.iter().cloned().collect()
        } else {
            self.shown_result()
        };
        if tables.is_empty() {
            return fail(
                "nothing to export yet: run a command that shows a table",
                path_lexeme,
            );
        }
        if mode == Mode::Csv && tables.len() > 1 {
            return fail(
                format!("a csv file holds one table and the last result has {}; use `table NAME` then `export`, or .json", tables.len()),
                path_lexeme,
            );
        }
        let text = render(&tables, mode, None)?;
        write_atomically(&path, text.as_bytes())?;
        let rows: usize = tables.iter().map(|t| t.table.rows.len()).sum();
        Ok(Output::Text(format!(
            "wrote {} ({} tables, {rows} rows, {})\n",
            path.display(),
            tables.len(),
            mode.name()
        )))
    }
}

/// The line being executed, for echoing the sub-corpus condition in the prompt.
impl Session {
    pub fn set_current_line(&mut self, line: &str) {
        self.current_line = line.to_string();
    }
}

enum Output {
    Nothing,
    Quit,
    Text(String),
    Tables(Vec<Shown>),
}

/// A table a command made, through the command's stages.
fn shown(table: Table, stages: &[Stage]) -> Result<Output, CommandError> {
    Ok(Output::Tables(vec![Shown::new(apply(table, stages)?)]))
}

/// A shared table through `stages`: the session's cached report holds it
/// too, so it is copied only where a stage changes it, and then only the
/// rows a first `where` or `limit` keeps.
fn staged(table: Shown, stages: &[Stage]) -> Result<Shown, CommandError> {
    if stages.is_empty() {
        return Ok(table);
    }
    Ok(Shown {
        name: table.name,
        table: Arc::new(apply_to(&table.table, stages)?),
    })
}

/// Long evidence (a whole document) keeps its start and end, joined by "…".
fn shorten(text: &str, most: usize) -> String {
    let n = text.chars().count();
    if n <= most {
        return text.to_string();
    }
    let head: String = text.chars().take(most * 2 / 3).collect();
    let tail: String = text.chars().skip(n - most / 3).collect();
    format!("{head} … {tail}")
}

/// The text of a word or string argument.
fn word(lexeme: &Lexeme) -> String {
    match &lexeme.kind {
        Lex::Word(w) | Lex::Str(w) => w.clone(),
        Lex::Number(_) => lexeme.raw.clone(),
        other => other.describe(),
    }
}

fn on_off(args: &[Lexeme]) -> Result<bool, CommandError> {
    match args {
        [a] if word(a) == "on" => Ok(true),
        [a] if word(a) == "off" => Ok(false),
        [a, ..] => fail("expected on or off", a),
        [] => Err(anyhow!("expected on or off").into()),
    }
}

/// Writes to a temporary file beside `path`, then renames it into place, so
/// a reader never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} names no file", path.display()))?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temp, bytes).with_context(|| format!("writing {}", temp.display()))?;
    std::fs::rename(&temp, path)
        .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))?;
    Ok(())
}

/// The terminal's width, when stdout is one.
fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}
