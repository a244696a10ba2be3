//! Results: a [`Report`] is a list of named [`Table`]s with typed columns.
//!
//! Tables are plain data. Analyzers build them; only the REPL renders them,
//! so every analyzer's output can be filtered, sorted and exported the same way.

use std::cmp::Ordering;
use std::fmt;

use jiff::civil::Date;

/// The type of a column; every cell of the column is of this type or `Null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    Text,
    Int,
    Float,
    Date,
    Bool,
}

impl ColumnType {
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Int => "int",
            ColumnType::Float => "float",
            ColumnType::Date => "date",
            ColumnType::Bool => "bool",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

/// The text of a cell or an evidence id: most (ids, outlets, labels) are
/// short, and a string of up to 24 bytes needs no allocation of its own, so
/// a map row costs a few allocations instead of one a cell.
pub type Text = compact_str::CompactString;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Text(Text),
    Int(i64),
    Float(f64),
    Date(Date),
    Bool(bool),
}

impl Value {
    pub fn text(s: impl Into<Text>) -> Value {
        Value::Text(s.into())
    }

    /// `Null` for `None`, otherwise the text.
    pub fn opt_text(s: Option<impl Into<Text>>) -> Value {
        s.map_or(Value::Null, |s| Value::Text(s.into()))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A total order for sorting: nulls first, numbers numerically (ints and
    /// floats compare with each other), text by code point.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        match (self, other) {
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            (Int(a), Int(b)) => a.cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.rank().cmp(&b.rank()),
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int(_) | Value::Float(_) => 2,
            Value::Date(_) => 3,
            Value::Text(_) => 4,
        }
    }
}

impl fmt::Display for Value {
    /// The one place floats are formatted, so golden output is stable:
    /// up to four decimals, trailing zeros trimmed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Text(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&format_float(*x)),
            Value::Date(d) => write!(f, "{d}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// Four decimals at most, trailing zeros trimmed, no negative zero.
pub fn format_float(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let mut s = format!("{x:.4}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.into())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s.into())
    }
}
impl From<Text> for Value {
    fn from(s: Text) -> Value {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<Date> for Value {
    fn from(d: Date) -> Value {
        Value::Date(d)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A place in a document that a row rests on: the document id and a
/// character (code point) range into its text, end-exclusive.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Evidence {
    pub doc: Text,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Value>,
    /// The text behind the row; `evidence N` in the REPL shows it.
    pub evidence: Vec<Evidence>,
}

impl Row {
    pub fn new(cells: Vec<Value>) -> Row {
        Row {
            cells,
            evidence: Vec::new(),
        }
    }

    pub fn with_evidence(mut self, evidence: Evidence) -> Row {
        self.evidence.push(evidence);
        self
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// What one row is, in the plural, snake_case (`figures`, `events`).
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(name: &str, columns: &[(&str, ColumnType)]) -> Table {
        Table {
            name: name.to_string(),
            columns: columns
                .iter()
                .map(|&(name, ty)| Column {
                    name: name.to_string(),
                    ty,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// An empty table with the same name and columns.
    pub fn empty_like(&self) -> Table {
        Table {
            name: self.name.clone(),
            columns: self.columns.clone(),
            rows: Vec::new(),
        }
    }

    /// Adds a row. A row of the wrong width or with a cell of the wrong type
    /// is a bug in the analyzer, caught in debug builds.
    pub fn push(&mut self, row: Row) {
        debug_assert_eq!(
            row.cells.len(),
            self.columns.len(),
            "table {}: row width",
            self.name
        );
        debug_assert!(
            row.cells
                .iter()
                .zip(&self.columns)
                .all(|(cell, column)| cell_fits(cell, column.ty)),
            "table {}: cell types {:?} do not fit columns {:?}",
            self.name,
            row.cells,
            self.columns
        );
        self.rows.push(row);
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The cell of `row` in the column `name`.
    pub fn cell<'a>(&self, row: &'a Row, name: &str) -> Option<&'a Value> {
        self.column_index(name).and_then(|i| row.cells.get(i))
    }

    /// Sorts rows by the named columns in order (stable, ascending).
    pub fn sort_by_columns(&mut self, names: &[&str]) {
        let indices: Vec<usize> = names
            .iter()
            .filter_map(|name| self.column_index(name))
            .collect();
        self.rows.sort_by(|a, b| {
            indices
                .iter()
                .map(|&i| a.cells[i].total_cmp(&b.cells[i]))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
    }
}

fn cell_fits(cell: &Value, ty: ColumnType) -> bool {
    matches!(
        (cell, ty),
        (Value::Null, _)
            | (Value::Text(_), ColumnType::Text)
            | (Value::Int(_), ColumnType::Int)
            | (Value::Float(_), ColumnType::Float)
            | (Value::Int(_), ColumnType::Float)
            | (Value::Date(_), ColumnType::Date)
            | (Value::Bool(_), ColumnType::Bool)
    )
}

/// What an analyzer returns: its tables, plus notes on anything it could not
/// do (a date it could not resolve), which never stop a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(tables: Vec<Table>) -> Report {
        Report {
            tables,
            notes: Vec::new(),
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    /// Removes and returns the named table.
    pub fn take_table(&mut self, name: &str) -> Option<Table> {
        let index = self.tables.iter().position(|t| t.name == name)?;
        Some(self.tables.remove(index))
    }

    /// Appends the rows of `other`'s tables to the tables of the same name,
    /// adding tables this report lacks; used to concatenate per-document maps.
    pub fn append(&mut self, other: Report) {
        for table in other.tables {
            match self.tables.iter_mut().find(|t| t.name == table.name) {
                Some(mine) => mine.rows.extend(table.rows),
                None => self.tables.push(table),
            }
        }
        self.notes.extend(other.notes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_format_stably() {
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(-0.00001), "0");
        assert_eq!(format_float(2.0), "2");
        assert_eq!(format_float(0.123456), "0.1235");
    }

    #[test]
    fn append_concatenates_by_name() {
        let mut a = Report::new(vec![Table::new("t", &[("x", ColumnType::Int)])]);
        a.tables[0].push(Row::new(vec![1i64.into()]));
        let mut b = Report::new(vec![Table::new("t", &[("x", ColumnType::Int)])]);
        b.tables[0].push(Row::new(vec![2i64.into()]));
        a.append(b);
        assert_eq!(a.tables.len(), 1);
        assert_eq!(a.tables[0].rows.len(), 2);
    }

    #[test]
    fn mixed_numbers_sort_numerically_and_nulls_first() {
        let mut t = Table::new("t", &[("x", ColumnType::Float)]);
        for v in [Value::Float(2.5), Value::Int(1), Value::Null, Value::Int(3)] {
            t.push(Row::new(vec![v]));
        }
        t.sort_by_columns(&["x"]);
        let got: Vec<String> = t.rows.iter().map(|r| r.cells[0].to_string()).collect();
        assert_eq!(got, ["", "1", "2.5", "3"]);
    }
}
