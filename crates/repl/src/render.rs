//! Rendering tables: aligned text, markdown, csv, json and jsonl.
//!
//! JSON (`.mode json`): one document per command, an object keyed by table
//! name, each an array of row objects, e.g.
//! `{"figures": [{"doc": "000", "kind": "killed", "low": 1000, "start": 612, "end": 617}]}`.
//! JSONL (`.mode jsonl`): one object per row with a leading `table` field.
//! Ints and floats are JSON numbers, dates `YYYY-MM-DD` strings, empty cells
//! `null`. `doc`, `start`, `end` are the document id and character (code
//! point) offsets into its text, end-exclusive. A row of a table without
//! those columns that rests on text carries `evidence`: a list of
//! `{"doc", "start", "end"}`.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Result;
use comfy_table::{CellAlignment, ContentArrangement, ContentLineStyle, LineStyle, TableStyle};
use newslens_core::report::format_float;
use newslens_core::{ColumnType, Row, Table, Value};
use serde_json::{json, Map};

/// A table as one command shows it: under the name it goes by in the last
/// result (`analyzer.table` where two analyzers made tables of one name),
/// and shared with the session's cached report rather than copied to be
/// given that name.
#[derive(Clone, Debug)]
pub struct Shown {
    pub name: String,
    pub table: Arc<Table>,
}

impl Shown {
    /// A table of its own, under its own name.
    pub fn new(table: Table) -> Shown {
        Shown::from(Arc::new(table))
    }
}

/// A shared table under its own name.
impl From<Arc<Table>> for Shown {
    fn from(table: Arc<Table>) -> Shown {
        Shown {
            name: table.name.clone(),
            table,
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Table,
    Markdown,
    Csv,
    Json,
    Jsonl,
}

impl Mode {
    pub const NAMES: &'static [&'static str] = &["table", "markdown", "csv", "json", "jsonl"];

    pub fn parse(name: &str) -> Option<Mode> {
        Some(match name.to_lowercase().as_str() {
            "table" | "box" | "text" => Mode::Table,
            "markdown" | "md" => Mode::Markdown,
            "csv" => Mode::Csv,
            "json" => Mode::Json,
            "jsonl" | "ndjson" => Mode::Jsonl,
            _ => return None,
        })
    }

    /// The format a file's extension asks for.
    pub fn from_extension(path: &str) -> Option<Mode> {
        let extension = path.rsplit('.').next()?.to_lowercase();
        Some(match extension.as_str() {
            "txt" => Mode::Table,
            "md" | "markdown" => Mode::Markdown,
            "csv" => Mode::Csv,
            "json" => Mode::Json,
            "jsonl" | "ndjson" => Mode::Jsonl,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Table => "table",
            Mode::Markdown => "markdown",
            Mode::Csv => "csv",
            Mode::Json => "json",
            Mode::Jsonl => "jsonl",
        }
    }
}

/// A whole number without ".0", others as the renderer formats floats.
pub fn number_text(n: f64) -> String {
    format_float(n)
}

/// Renders the tables of one command.
pub fn render(tables: &[Shown], mode: Mode, width: Option<u16>) -> Result<String> {
    let mut out = String::new();
    match mode {
        Mode::Table => {
            for Shown { name, table } in tables {
                if tables.len() > 1 {
                    writeln!(out, "{name}")?;
                }
                out.push_str(&render_table(table, width));
                out.push('\n');
            }
        }
        Mode::Markdown => {
            // A blank line after each table, so consecutive tables stay apart.
            for Shown { name, table } in tables {
                if tables.len() > 1 {
                    writeln!(out, "### {name}\n")?;
                }
                out.push_str(&render_markdown(table));
                out.push('\n');
            }
        }
        Mode::Csv => {
            for (i, Shown { name, table }) in tables.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                if tables.len() > 1 {
                    writeln!(out, "# {name}")?;
                }
                out.push_str(&render_csv(table)?);
            }
        }
        Mode::Json => {
            let mut object = Map::new();
            for Shown { name, table } in tables {
                let rows: Vec<serde_json::Value> = table
                    .rows
                    .iter()
                    .map(|r| row_object(table, r, None))
                    .collect();
                object.insert(name.clone(), serde_json::Value::Array(rows));
            }
            out.push_str(&serde_json::to_string_pretty(&serde_json::Value::Object(
                object,
            ))?);
            out.push('\n');
        }
        Mode::Jsonl => {
            for Shown { name, table } in tables {
                for row in &table.rows {
                    out.push_str(&serde_json::to_string(&row_object(
                        table,
                        row,
                        Some(name.as_str()),
                    ))?);
                    out.push('\n');
                }
            }
        }
    }
    Ok(out)
}

fn cell_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Text(s) => json!(s.as_str()),
        Value::Int(i) => json!(i),
        // Rounded as the text renderings are, so outputs agree.
        Value::Float(x) => format_float(*x)
            .parse::<f64>()
            .map_or(serde_json::Value::Null, |v| json!(v)),
        Value::Date(d) => json!(d.to_string()),
        Value::Bool(b) => json!(b),
    }
}

fn row_object(table: &Table, row: &Row, table_field: Option<&str>) -> serde_json::Value {
    let mut object = Map::new();
    if let Some(name) = table_field {
        object.insert("table".into(), json!(name));
    }
    for (column, cell) in table.columns.iter().zip(&row.cells) {
        object.insert(column.name.clone(), cell_json(cell));
    }
    let points_into_text = ["doc", "start", "end"]
        .iter()
        .all(|c| table.column_index(c).is_some());
    if !points_into_text && !row.evidence.is_empty() {
        let evidence: Vec<serde_json::Value> = row
            .evidence
            .iter()
            .map(|e| json!({"doc": e.doc.as_str(), "start": e.start, "end": e.end}))
            .collect();
        object.insert("evidence".into(), serde_json::Value::Array(evidence));
    }
    serde_json::Value::Object(object)
}

/// psql's look: a rule under the header, bars between columns, nothing else.
const STYLE: TableStyle = TableStyle::new()
    .header_lines(ContentLineStyle::none().junction('│'))
    .header_separator(LineStyle::none().fill('─').junction('┼'))
    .content_lines(ContentLineStyle::none().junction('│'));

fn is_numeric(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Int | ColumnType::Float)
}

/// An aligned table that fits `width` columns (wrapping long cells), or
/// with every cell whole when there is no width (columns padded to at most
/// 200 characters), with a row count
/// underneath, as psql prints it.
pub fn render_table(table: &Table, width: Option<u16>) -> String {
    let mut text = match width {
        Some(width) => comfy_table(table, Some(width)),
        None => whole_cells_table(table),
    };
    let n = table.rows.len();
    let _ = write!(text, "\n({n} row{})\n", if n == 1 { "" } else { "s" });
    text
}

/// The cell as the aligned table shows it: on one line.
fn cell_text(value: &Value) -> String {
    value.to_string().replace('\n', " ")
}

/// The table laid out by comfy-table: fitted to `width` (long cells
/// wrapped), or with no width every cell whole.
fn comfy_table(table: &Table, width: Option<u16>) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(STYLE);
    t.set_header(table.columns.iter().map(|c| c.name.clone()));
    match width {
        Some(width) => {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(width);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    for row in &table.rows {
        t.add_row(row.cells.iter().map(cell_text));
    }
    for (i, column) in table.columns.iter().enumerate() {
        if is_numeric(column.ty) {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    t.trim_fmt()
}

/// The widest a column is padded to in a table with no width to fit: a
/// wider cell is printed whole and pushes the rest of its line to the right.
/// Padding every line to a column's widest cell made one long cell cost its
/// length on every line: `run timeline` over 20,000 articles, to a file,
/// wrote 3.5 GB (a `sources` cell of 113,000 characters) and took 8 GB.
const PADDED_WIDTH: usize = 200;

/// The table with no width to fit (output to a file or a pipe), in
/// [`STYLE`], each line without its trailing blanks; as comfy-table lays it
/// out where no cell before a line's last is wider than [`PADDED_WIDTH`].
/// Written here rather than by comfy-table, which pads every line to the
/// full width of the widest cell before trimming: one long sentence in a
/// last `text` column made the sentences of a 10 MB corpus take 5 GB.
fn whole_cells_table(table: &Table) -> String {
    use unicode_width::UnicodeWidthStr;
    // Each cell with its width, measured once for the columns' widths and
    // the cell's padding alike.
    let measured = |text: String| {
        let width = text.width();
        (text, width)
    };
    let header: Vec<(String, usize)> = table
        .columns
        .iter()
        .map(|c| measured(c.name.clone()))
        .collect();
    let rows: Vec<Vec<(String, usize)>> = table
        .rows
        .iter()
        .map(|row| row.cells.iter().map(|c| measured(cell_text(c))).collect())
        .collect();
    let right: Vec<bool> = table.columns.iter().map(|c| is_numeric(c.ty)).collect();
    let mut widths: Vec<usize> = header.iter().map(|(_, w)| *w).collect();
    for row in &rows {
        for (i, &(_, cell_width)) in row.iter().enumerate() {
            // The last column is never padded; its rule spans its widest cell.
            let cell_width = if i + 1 < header.len() {
                cell_width.min(PADDED_WIDTH)
            } else {
                cell_width
            };
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(cell_width),
                None => widths.push(cell_width),
            }
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[(String, usize)]| {
        let start = out.len();
        for (i, &width) in widths.iter().enumerate() {
            if i > 0 {
                out.push('│');
            }
            let (cell, cell_width) = cells.get(i).map_or(("", 0), |(c, w)| (c.as_str(), *w));
            let pad = width.saturating_sub(cell_width);
            out.push(' ');
            if right.get(i) == Some(&true) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                // The last cell's padding would be trimmed away.
                if i + 1 < widths.len() {
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push(' ');
        }
        let kept = start + out[start..].trim_end().len();
        out.truncate(kept);
    };
    line(&mut out, &header);
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
    out.push_str(&rule.join("┼"));
    for row in &rows {
        out.push('\n');
        line(&mut out, row);
    }
    out
}

fn markdown_cell(value: &Value) -> String {
    value.to_string().replace('|', "\\|").replace('\n', " ")
}

pub fn render_markdown(table: &Table) -> String {
    let mut out = String::new();
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let _ = writeln!(out, "| {} |", names.join(" | "));
    let rule: Vec<&str> = table
        .columns
        .iter()
        .map(|c| if is_numeric(c.ty) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in &table.rows {
        let cells: Vec<String> = row.cells.iter().map(markdown_cell).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

pub fn render_csv(table: &Table) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(table.columns.iter().map(|c| c.name.as_str()))?;
    for row in &table.rows {
        writer.write_record(row.cells.iter().map(|c| c.to_string()))?;
    }
    Ok(String::from_utf8(
        writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use newslens_core::Evidence;

    fn table() -> Table {
        use ColumnType::*;
        let mut t = Table::new(
            "figures",
            &[("source", Text), ("low", Int), ("share", Float)],
        );
        t.push(
            Row::new(vec!["The National".into(), 1000i64.into(), 0.25.into()]).with_evidence(
                Evidence {
                    doc: "000".into(),
                    start: 3,
                    end: 8,
                },
            ),
        );
        t.push(Row::new(vec!["a|b, \"c\"".into(), Value::Null, 1.0.into()]));
        t
    }

    #[test]
    fn formats() {
        let t = table();
        assert_eq!(
            render_markdown(&t),
            "| source | low | share |\n| --- | ---: | ---: |\n| The National | 1000 | 0.25 |\n| a\\|b, \"c\" |  | 1 |\n"
        );
        assert_eq!(
            render_csv(&t).unwrap(),
            "source,low,share\nThe National,1000,0.25\n\"a|b, \"\"c\"\"\",,1\n"
        );
        let jsonl = render(&[Shown::new(t.clone())], Mode::Jsonl, None).unwrap();
        assert_eq!(
            jsonl.lines().next().unwrap(),
            r#"{"table":"figures","source":"The National","low":1000,"share":0.25,"evidence":[{"doc":"000","start":3,"end":8}]}"#
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(&[Shown::new(t.clone())], Mode::Json, None).unwrap())
                .unwrap();
        assert_eq!(json["figures"][1]["low"], serde_json::Value::Null);
        let text = render_table(&t, None);
        assert!(text.ends_with("(2 rows)\n"), "{text}");
    }

    #[test]
    fn whole_cells_are_laid_out_as_comfy_table_lays_them_out() {
        // Every table of every analyzer over the bundled corpus.
        let registry = newslens_core::Registry::linked().unwrap();
        let config = newslens_core::bundled::config();
        let docs = newslens_core::testing::bundled_corpus();
        let mut tables = 0;
        for r in registry.iter() {
            let analyzer = (r.build)(&config.settings_for(r.name)).unwrap();
            let report = newslens_core::run::run_analyzer(analyzer.as_ref(), &docs, None).unwrap();
            for t in &report.tables {
                assert_eq!(whole_cells_table(t), comfy_table(t, None), "{}", t.name);
                tables += 1;
            }
        }
        assert!(tables >= 15, "{tables} tables");
        // Cells two columns wide, blanks at a cell's end, empty cells, a
        // numeric last column, and no rows at all.
        use ColumnType::*;
        let mut t = Table::new("odd", &[("name", Text), ("note", Text), ("n", Int)]);
        t.push(Row::new(vec![
            "東京".into(),
            "ends in blanks  ".into(),
            7i64.into(),
        ]));
        t.push(Row::new(vec!["".into(), Value::Null, 123456i64.into()]));
        t.push(Row::new(vec![
            "Hürriyet".into(),
            "two\nlines".into(),
            Value::Null,
        ]));
        assert_eq!(whole_cells_table(&t), comfy_table(&t, None));
        let mut last = Table::new("last", &[("n", Int), ("text", Text)]);
        last.push(Row::new(vec![1i64.into(), "trailing tab\t".into()]));
        last.push(Row::new(vec![22i64.into(), "".into()]));
        assert_eq!(whole_cells_table(&last), comfy_table(&last, None));
        last.rows.clear();
        assert_eq!(whole_cells_table(&last), comfy_table(&last, None));
    }

    #[test]
    fn modes_by_name_and_extension() {
        assert_eq!(Mode::parse("md"), Some(Mode::Markdown));
        assert_eq!(Mode::from_extension("out/report.JSONL"), Some(Mode::Jsonl));
        assert_eq!(Mode::from_extension("report.xlsx"), None);
    }
}
