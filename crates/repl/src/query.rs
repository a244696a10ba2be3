//! The pipeline grammar shared by every command that makes a table:
//! `… | where EXPR | sort COL [desc], … | limit N | select COL, …`.
//!
//! Parsing is separate from evaluation, so a whole script can be checked
//! before anything runs; column names are checked against the table they
//! meet, with a caret under the offending word.

use std::cmp::Ordering;
use std::fmt;

use jiff::civil::Date;
use newslens_core::{ColumnType, Row, Table, Value};

/// An error at a character column of the input line.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Character offset in the line where the problem starts.
    pub column: usize,
    /// How many characters to underline.
    pub width: usize,
}

impl ParseError {
    pub fn new(message: impl Into<String>, column: usize, width: usize) -> ParseError {
        ParseError {
            message: message.into(),
            column,
            width: width.max(1),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A lexical token with its character position in the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Lexeme {
    pub kind: Lex,
    pub column: usize,
    pub width: usize,
    /// The characters as typed ("002" stays "002" though it lexes as a number).
    pub raw: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lex {
    Word(String),
    Str(String),
    Number(f64),
    Op(&'static str),
    Pipe,
    Comma,
    Open,
    Close,
}

impl Lex {
    pub fn describe(&self) -> String {
        match self {
            Lex::Word(w) => format!("`{w}`"),
            Lex::Str(s) => format!("\"{s}\""),
            Lex::Number(n) => format!("{n}"),
            Lex::Op(o) => format!("`{o}`"),
            Lex::Pipe => "`|`".into(),
            Lex::Comma => "`,`".into(),
            Lex::Open => "`(`".into(),
            Lex::Close => "`)`".into(),
        }
    }
}

/// Splits a line into lexemes. Words run until white space or an operator
/// character, so `casualty-figure`, `2020-02-01`, `out/report.csv` are words.
pub fn lex(line: &str) -> Result<Vec<Lexeme>, ParseError> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let single = |kind| (kind, 1);
        let (kind, width) = match c {
            '|' => single(Lex::Pipe),
            ',' => single(Lex::Comma),
            '(' => single(Lex::Open),
            ')' => single(Lex::Close),
            '~' => single(Lex::Op("~")),
            '=' if chars.get(i + 1) == Some(&'=') => (Lex::Op("="), 2),
            '=' => single(Lex::Op("=")),
            '!' if chars.get(i + 1) == Some(&'=') => (Lex::Op("!="), 2),
            '<' if chars.get(i + 1) == Some(&'=') => (Lex::Op("<="), 2),
            '>' if chars.get(i + 1) == Some(&'=') => (Lex::Op(">="), 2),
            '<' if chars.get(i + 1) == Some(&'>') => (Lex::Op("!="), 2),
            '<' => single(Lex::Op("<")),
            '>' => single(Lex::Op(">")),
            '"' | '\'' => {
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err(ParseError::new("unclosed quote", start, j - start)),
                        Some('\\') if chars.get(j + 1).is_some() => {
                            value.push(chars[j + 1]);
                            j += 2;
                        }
                        Some(&q) if q == c => break,
                        Some(&other) => {
                            value.push(other);
                            j += 1;
                        }
                    }
                }
                (Lex::Str(value), j + 1 - start)
            }
            _ => {
                let mut j = i;
                while j < chars.len()
                    && !chars[j].is_whitespace()
                    && !"|,()~=!<>\"".contains(chars[j])
                {
                    j += 1;
                }
                if j == i {
                    return Err(ParseError::new(format!("unexpected `{c}`"), i, 1));
                }
                let word: String = chars[i..j].iter().collect();
                let kind = match word.parse::<f64>() {
                    Ok(n)
                        if word.starts_with(|ch: char| {
                            ch.is_ascii_digit() || ch == '-' || ch == '.'
                        }) && n.is_finite() =>
                    {
                        Lex::Number(n)
                    }
                    _ => Lex::Word(word),
                };
                (kind, j - i)
            }
        };
        let raw: String = chars[start..start + width].iter().collect();
        out.push(Lexeme {
            kind,
            column: start,
            width,
            raw,
        });
        i = start + width;
    }
    Ok(out)
}

/// A literal in a `where` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Number(f64),
    Date(Date),
    Bool(bool),
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Compare {
        column: String,
        at: (usize, usize),
        op: &'static str,
        value: Literal,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    pub column: String,
    pub at: (usize, usize),
    pub descending: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    Where(Expr),
    Sort(Vec<SortKey>),
    Limit(usize),
    Select(Vec<(String, (usize, usize))>),
}

/// The names of the pipeline stages, for help and completion.
pub const STAGES: &[(&str, &str, &str)] = &[
    (
        "where",
        "where EXPR",
        "Keep rows where EXPR holds: = != < <= > >= ~ (contains, any case), and, or, not, ( ).",
    ),
    (
        "sort",
        "sort COL [asc|desc], …",
        "Sort by one or more columns.",
    ),
    ("limit", "limit N", "Keep the first N rows."),
    (
        "select",
        "select COL, …",
        "Keep these columns, in this order.",
    ),
];

/// Parses the stages after the first `|` (the lexemes of one stage each).
pub fn parse_stages(stages: &[&[Lexeme]]) -> Result<Vec<Stage>, ParseError> {
    stages.iter().map(|lexemes| parse_stage(lexemes)).collect()
}

fn parse_stage(lexemes: &[Lexeme]) -> Result<Stage, ParseError> {
    let Some(first) = lexemes.first() else {
        return Err(ParseError::new("empty pipeline stage after `|`", 0, 1));
    };
    let name = match &first.kind {
        Lex::Word(w) => w.to_lowercase(),
        other => {
            return Err(ParseError::new(
                format!(
                    "expected a stage (where, sort, limit, select), found {}",
                    other.describe()
                ),
                first.column,
                first.width,
            ))
        }
    };
    let rest = &lexemes[1..];
    let end_column = first.column + first.width;
    match name.as_str() {
        "where" => {
            if rest.is_empty() {
                return Err(ParseError::new(
                    "`where` needs a condition, e.g. where kind = \"killed\"",
                    end_column,
                    1,
                ));
            }
            let mut parser = ExprParser {
                lexemes: rest,
                position: 0,
            };
            let expr = parser.or()?;
            if let Some(extra) = rest.get(parser.position) {
                return Err(ParseError::new(
                    format!("unexpected {} in condition", extra.kind.describe()),
                    extra.column,
                    extra.width,
                ));
            }
            Ok(Stage::Where(expr))
        }
        "sort" | "order" => {
            let mut keys = Vec::new();
            for part in rest.split(|l| l.kind == Lex::Comma) {
                match part {
                    [Lexeme {
                        kind: Lex::Word(column),
                        column: at,
                        width,
                        ..
                    }] => keys.push(SortKey {
                        column: column.clone(),
                        at: (*at, *width),
                        descending: false,
                    }),
                    [Lexeme {
                        kind: Lex::Word(column),
                        column: at,
                        width,
                        ..
                    }, Lexeme {
                        kind: Lex::Word(direction),
                        column: dc,
                        width: dw,
                        ..
                    }] => {
                        let descending = match direction.to_lowercase().as_str() {
                            "desc" => true,
                            "asc" => false,
                            _ => {
                                return Err(ParseError::new(
                                    format!("expected asc or desc, found `{direction}`"),
                                    *dc,
                                    *dw,
                                ))
                            }
                        };
                        keys.push(SortKey {
                            column: column.clone(),
                            at: (*at, *width),
                            descending,
                        });
                    }
                    [] => {
                        return Err(ParseError::new(
                            "`sort` needs a column, e.g. sort low desc",
                            end_column,
                            1,
                        ))
                    }
                    [l, ..] => {
                        return Err(ParseError::new(
                            format!("expected `COLUMN [asc|desc]`, found {}", l.kind.describe()),
                            l.column,
                            l.width,
                        ))
                    }
                }
            }
            Ok(Stage::Sort(keys))
        }
        "limit" => match rest {
            [Lexeme {
                kind: Lex::Number(n),
                ..
            }] if *n >= 0.0 && n.fract() == 0.0 => Ok(Stage::Limit(*n as usize)),
            [l, ..] => Err(ParseError::new(
                "`limit` takes a whole number",
                l.column,
                l.width,
            )),
            [] => Err(ParseError::new(
                "`limit` takes a whole number",
                end_column,
                1,
            )),
        },
        "select" => {
            let mut columns = Vec::new();
            for part in rest.split(|l| l.kind == Lex::Comma) {
                match part {
                    [Lexeme {
                        kind: Lex::Word(column),
                        column: at,
                        width,
                        ..
                    }] => columns.push((column.clone(), (*at, *width))),
                    [] => {
                        return Err(ParseError::new(
                            "`select` needs column names, e.g. select source, text",
                            end_column,
                            1,
                        ))
                    }
                    [l, ..] => {
                        return Err(ParseError::new(
                            format!("expected a column name, found {}", l.kind.describe()),
                            l.column,
                            l.width,
                        ))
                    }
                }
            }
            Ok(Stage::Select(columns))
        }
        other => Err(ParseError::new(
            format!("unknown stage `{other}` (stages: where, sort, limit, select)"),
            first.column,
            first.width,
        )),
    }
}

struct ExprParser<'a> {
    lexemes: &'a [Lexeme],
    position: usize,
}

impl ExprParser<'_> {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.lexemes.get(self.position), Some(Lexeme { kind: Lex::Word(w), .. }) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.position += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.position += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek_word("not") {
            self.position += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if matches!(
            self.lexemes.get(self.position),
            Some(Lexeme {
                kind: Lex::Open,
                ..
            })
        ) {
            let open = &self.lexemes[self.position];
            self.position += 1;
            let inner = self.or()?;
            return match self.lexemes.get(self.position) {
                Some(Lexeme {
                    kind: Lex::Close, ..
                }) => {
                    self.position += 1;
                    Ok(inner)
                }
                _ => Err(ParseError::new("unclosed `(`", open.column, 1)),
            };
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let end = self.lexemes.last().map_or(0, |l| l.column + l.width);
        let column = match self.lexemes.get(self.position) {
            Some(Lexeme {
                kind: Lex::Word(w),
                column,
                width,
                ..
            }) => (w.clone(), (*column, *width)),
            Some(l) => {
                return Err(ParseError::new(
                    format!("expected a column name, found {}", l.kind.describe()),
                    l.column,
                    l.width,
                ))
            }
            None => return Err(ParseError::new("expected a condition", end, 1)),
        };
        self.position += 1;
        let op = match self.lexemes.get(self.position) {
            Some(Lexeme {
                kind: Lex::Op(op), ..
            }) => *op,
            Some(l) => {
                return Err(ParseError::new(
                    format!(
                        "expected an operator (= != < <= > >= ~), found {}",
                        l.kind.describe()
                    ),
                    l.column,
                    l.width,
                ))
            }
            None => {
                return Err(ParseError::new(
                    format!("expected an operator after `{}`", column.0),
                    end,
                    1,
                ))
            }
        };
        self.position += 1;
        let value = match self.lexemes.get(self.position) {
            Some(Lexeme { kind: Lex::Str(s), .. }) => Literal::Str(s.clone()),
            Some(Lexeme { kind: Lex::Number(n), .. }) => Literal::Number(*n),
            Some(Lexeme { kind: Lex::Word(w), column, width, .. }) => match w.to_lowercase().as_str() {
                "true" => Literal::Bool(true),
                "false" => Literal::Bool(false),
                "null" => Literal::Null,
                _ => match w.parse::<Date>() {
                    Ok(d) => Literal::Date(d),
                    Err(_) => {
                        return Err(ParseError::new(
                            format!("expected a value (\"text\", number, YYYY-MM-DD, true, false, null), found `{w}`; quote text"),
                            *column,
                            *width,
                        ))
                    }
                },
            },
            Some(l) => return Err(ParseError::new(format!("expected a value, found {}", l.kind.describe()), l.column, l.width)),
            None => return Err(ParseError::new(format!("expected a value after `{op}`"), end, 1)),
        };
        self.position += 1;
        Ok(Expr::Compare {
            column: column.0,
            at: column.1,
            op,
            value,
        })
    }
}

/// Checks a column name against a table; the error suggests the nearest name.
pub fn resolve_column(table: &Table, name: &str, at: (usize, usize)) -> Result<usize, ParseError> {
    if let Some(i) = table.columns.iter().position(|c| c.name == name) {
        return Ok(i);
    }
    if let Some(i) = table
        .columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(name))
    {
        return Ok(i);
    }
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let suggestion = names
        .iter()
        .map(|n| (edit_distance(n, name), *n))
        .filter(|&(d, n)| d <= 2.max(n.len() / 3))
        .min()
        .map(|(_, n)| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(ParseError::new(
        format!(
            "unknown column `{name}`{suggestion}; `{}` has: {}",
            table.name,
            names.join(", ")
        ),
        at.0,
        at.1,
    ))
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let current = row[j + 1];
            row[j + 1] = if ca == b[j] {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// Applies the stages to a table held elsewhere too (a cached result): a
/// first `where` or `limit` copies only the rows it keeps, not the table.
pub fn apply_to(table: &Table, stages: &[Stage]) -> Result<Table, ParseError> {
    let Some((first, rest)) = stages.split_first() else {
        return Ok(table.clone());
    };
    let rows: Vec<Row> = match first {
        Stage::Where(expr) => {
            let compiled = compile(table, expr)?;
            table
                .rows
                .iter()
                .filter(|row| eval(&compiled, &row.cells))
                .cloned()
                .collect()
        }
        Stage::Limit(n) => table.rows.iter().take(*n).cloned().collect(),
        Stage::Sort(_) | Stage::Select(_) => return apply(table.clone(), stages),
    };
    let kept = Table {
        rows,
        ..table.empty_like()
    };
    apply(kept, rest)
}

/// Applies the stages to a table.
pub fn apply(mut table: Table, stages: &[Stage]) -> Result<Table, ParseError> {
    for stage in stages {
        match stage {
            Stage::Where(expr) => {
                let compiled = compile(&table, expr)?;
                table.rows.retain(|row| eval(&compiled, &row.cells));
            }
            Stage::Sort(keys) => {
                let resolved: Vec<(usize, bool)> = keys
                    .iter()
                    .map(|k| resolve_column(&table, &k.column, k.at).map(|i| (i, k.descending)))
                    .collect::<Result<_, _>>()?;
                table.rows.sort_by(|a, b| {
                    resolved
                        .iter()
                        .map(|&(i, descending)| {
                            let order = a.cells[i].total_cmp(&b.cells[i]);
                            if descending {
                                order.reverse()
                            } else {
                                order
                            }
                        })
                        .find(|o| o.is_ne())
                        .unwrap_or(Ordering::Equal)
                });
            }
            Stage::Limit(n) => table.rows.truncate(*n),
            Stage::Select(columns) => {
                let indices: Vec<usize> = columns
                    .iter()
                    .map(|(name, at)| resolve_column(&table, name, *at))
                    .collect::<Result<_, _>>()?;
                table.columns = indices.iter().map(|&i| table.columns[i].clone()).collect();
                for row in &mut table.rows {
                    row.cells = indices.iter().map(|&i| row.cells[i].clone()).collect();
                }
            }
        }
    }
    Ok(table)
}

enum Compiled {
    Compare {
        index: usize,
        op: &'static str,
        value: Value,
        contains: Option<String>,
    },
    And(Box<Compiled>, Box<Compiled>),
    Or(Box<Compiled>, Box<Compiled>),
    Not(Box<Compiled>),
}

fn compile(table: &Table, expr: &Expr) -> Result<Compiled, ParseError> {
    Ok(match expr {
        Expr::And(a, b) => {
            Compiled::And(Box::new(compile(table, a)?), Box::new(compile(table, b)?))
        }
        Expr::Or(a, b) => Compiled::Or(Box::new(compile(table, a)?), Box::new(compile(table, b)?)),
        Expr::Not(a) => Compiled::Not(Box::new(compile(table, a)?)),
        Expr::Compare {
            column,
            at,
            op,
            value,
        } => {
            let index = resolve_column(table, column, *at)?;
            let ty = table.columns[index].ty;
            let mismatch = |what: &str| {
                ParseError::new(
                    format!(
                        "column `{column}` is {}, but the value is {what}",
                        ty.name()
                    ),
                    at.0,
                    at.1,
                )
            };
            let value = match (value, ty) {
                (Literal::Null, _) => Value::Null,
                (Literal::Str(s), ColumnType::Text) => Value::text(s.as_str()),
                (Literal::Str(s), ColumnType::Date) => match s.parse::<Date>() {
                    Ok(d) => Value::Date(d),
                    Err(_) => return Err(mismatch("text that is not a YYYY-MM-DD date")),
                },
                (Literal::Str(s), _) if *op == "~" => Value::text(s.as_str()),
                (Literal::Str(_), _) => return Err(mismatch("text")),
                (Literal::Number(n), ColumnType::Int | ColumnType::Float) => Value::Float(*n),
                (Literal::Number(n), ColumnType::Text) => {
                    Value::text(super::render::number_text(*n))
                }
                (Literal::Number(_), _) => return Err(mismatch("a number")),
                (Literal::Date(d), ColumnType::Date) => Value::Date(*d),
                (Literal::Date(d), ColumnType::Text) => Value::text(d.to_string()),
                (Literal::Date(_), _) => return Err(mismatch("a date")),
                (Literal::Bool(b), ColumnType::Bool) => Value::Bool(*b),
                (Literal::Bool(b), ColumnType::Text) => Value::text(b.to_string()),
                (Literal::Bool(_), _) => return Err(mismatch("true or false")),
            };
            let contains = (*op == "~").then(|| value.to_string().to_lowercase());
            Compiled::Compare {
                index,
                op,
                value,
                contains,
            }
        }
    })
}

fn eval(expr: &Compiled, cells: &[Value]) -> bool {
    match expr {
        Compiled::And(a, b) => eval(a, cells) && eval(b, cells),
        Compiled::Or(a, b) => eval(a, cells) || eval(b, cells),
        Compiled::Not(a) => !eval(a, cells),
        Compiled::Compare {
            index,
            op,
            value,
            contains,
        } => {
            let cell = &cells[*index];
            if let Some(needle) = contains {
                return !cell.is_null()
                    && cell.to_string().to_lowercase().contains(needle.as_str());
            }
            if value.is_null() || cell.is_null() {
                let both = value.is_null() && cell.is_null();
                return match *op {
                    "=" => both,
                    "!=" => !both,
                    _ => false,
                };
            }
            let order = match (cell, value) {
                (Value::Text(a), Value::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
                _ => cell.total_cmp(value),
            };
            match *op {
                "=" => order == Ordering::Equal,
                "!=" => order != Ordering::Equal,
                "<" => order == Ordering::Less,
                "<=" => order != Ordering::Greater,
                ">" => order == Ordering::Greater,
                ">=" => order != Ordering::Less,
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newslens_core::Row;

    fn table() -> Table {
        use ColumnType::*;
        let mut t = Table::new(
            "figures",
            &[
                ("source", Text),
                ("kind", Text),
                ("low", Int),
                ("date", Date),
            ],
        );
        for (source, kind, low, date) in [
            ("teleSUR English", "killed", 280, "2020-01-14"),
            ("The National", "killed", 1000, "2020-02-19"),
            ("The National", "displaced", 140000, "2020-02-19"),
        ] {
            t.push(Row::new(vec![
                source.into(),
                kind.into(),
                (low as i64).into(),
                Value::Date(date.parse().unwrap()),
            ]));
        }
        t
    }

    fn run(pipeline: &str) -> Result<Vec<String>, ParseError> {
        let lexemes = lex(pipeline)?;
        let stages: Vec<&[Lexeme]> = lexemes.split(|l| l.kind == Lex::Pipe).collect();
        let stages = parse_stages(&stages)?;
        let t = apply(table(), &stages)?;
        Ok(t.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect())
    }

    #[test]
    fn stages_on_a_shared_table_give_what_they_give_on_its_copy() {
        let t = table();
        for pipeline in [
            "where kind = \"killed\"",
            "where low > 500 | sort low desc | select source",
            "limit 2",
            "limit 0",
            "limit 2 | where source ~ \"national\"",
            "sort date desc, low | limit 2",
            "select kind, low | where low < 1000",
        ] {
            let lexemes = lex(pipeline).unwrap();
            let stages: Vec<&[Lexeme]> = lexemes.split(|l| l.kind == Lex::Pipe).collect();
            let stages = parse_stages(&stages).unwrap();
            assert_eq!(
                apply_to(&t, &stages).unwrap(),
                apply(t.clone(), &stages).unwrap(),
                "{pipeline}"
            );
        }
        // An error is the same error.
        let lexemes = lex("where nothing = 1").unwrap();
        let stages = parse_stages(&[&lexemes[..]]).unwrap();
        assert_eq!(
            apply_to(&t, &stages).unwrap_err().message,
            apply(t.clone(), &stages).unwrap_err().message
        );
    }

    #[test]
    fn where_sort_limit_select() {
        assert_eq!(
            run("where kind = \"killed\" and source ~ \"tele\" | select source, low").unwrap(),
            ["teleSUR English/280"]
        );
        assert_eq!(
            run("sort low desc | limit 2 | select low").unwrap(),
            ["140000", "1000"]
        );
        assert_eq!(
            run("where not (kind = 'killed') | select kind").unwrap(),
            ["displaced"]
        );
        assert_eq!(
            run("where date >= 2020-02-01 and low < 5000 | select low").unwrap(),
            ["1000"]
        );
        assert_eq!(
            run("where kind = \"KILLED\" or low > 100000 | select low").unwrap(),
            ["280", "1000", "140000"]
        );
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = run("where kindd = 1").unwrap_err();
        assert!(
            e.message
                .starts_with("unknown column `kindd` (did you mean `kind`?)"),
            "{}",
            e.message
        );
        assert_eq!((e.column, e.width), (6, 5));
        let e = run("where low = \"x\"").unwrap_err();
        assert_eq!(e.message, "column `low` is int, but the value is text");
        let e = run("where kind = killed").unwrap_err();
        assert!(e.message.contains("quote text"), "{}", e.message);
        assert_eq!(
            run("limit x").unwrap_err().message,
            "`limit` takes a whole number"
        );
        assert!(run("where (kind = \"a\"")
            .unwrap_err()
            .message
            .contains("unclosed"));
        assert!(run("frobnicate")
            .unwrap_err()
            .message
            .starts_with("unknown stage"));
        assert_eq!(
            run("where kind = \"x").unwrap_err().message,
            "unclosed quote"
        );
    }
}
