//! One table row as one JSON object, written and read straight from the
//! typed cells: a batch reduce reads and writes every map row, and building
//! a `serde_json::Value` tree for each of them cost more than the reduce.
//!
//! A row is `{"<column>": cell, …, "_evidence": [[doc, start, end], …]}`:
//! ints and floats as numbers (an int in a float column stays an int, as the
//! map made it), dates as `YYYY-MM-DD`, empty cells as null. Keys the table
//! does not have are ignored; a column missing from the object is null.

use std::fmt;

use newslens_core::{Column, ColumnType, Evidence, Row, Value};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

/// Writes the rows of one table as JSON lines, straight into a byte buffer:
/// a batch run writes every map row, and going through serde's serializer
/// cost more than the writing itself. The output is what `serde_json` writes
/// for the same object (floats by `zmij`, the same string escapes), so either
/// can read it.
pub struct RowWriter {
    /// `{"first":`, then `,"next":` for each further column.
    keys: Vec<Vec<u8>>,
}

impl RowWriter {
    pub fn new(columns: &[Column]) -> RowWriter {
        let keys = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let mut key = vec![if i == 0 { b'{' } else { b',' }];
                write_str(&mut key, &column.name);
                key.push(b':');
                key
            })
            .collect();
        RowWriter { keys }
    }

    /// Appends `row` and a newline to `out`.
    pub fn write(&self, out: &mut Vec<u8>, row: &Row) {
        self.cells(out, &row.cells);
        self.open_evidence(out);
        for (i, e) in row.evidence.iter().enumerate() {
            evidence(out, e, i == 0);
        }
        close_row(out);
    }

    /// Appends `head`, every cell of a row but the last, and opens the last
    /// one, a text whose pieces [`text_piece`] appends; then
    /// [`close_text`](RowWriter::close_text), [`evidence`] for each span and
    /// [`close_row`] end the row as [`write`](RowWriter::write) would.
    pub fn open_last_text(&self, out: &mut Vec<u8>, head: &[Value]) {
        self.cells(out, head);
        if let Some(key) = self.keys.get(head.len()) {
            out.extend_from_slice(key);
        }
        out.push(b'"');
    }

    /// Ends the text [`open_last_text`](RowWriter::open_last_text) began
    /// and opens the evidence.
    pub fn close_text(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        self.open_evidence(out);
    }

    fn open_evidence(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.keys.is_empty() {
            b"{\"_evidence\":["
        } else {
            b",\"_evidence\":["
        });
    }

    fn cells(&self, out: &mut Vec<u8>, cells: &[Value]) {
        for (key, cell) in self.keys.iter().zip(cells) {
            out.extend_from_slice(key);
            match cell {
                Value::Null => out.extend_from_slice(b"null"),
                Value::Text(s) => write_str(out, s),
                Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
                Value::Float(x) if x.is_finite() => {
                    out.extend_from_slice(zmij::Buffer::new().format_finite(*x).as_bytes())
                }
                Value::Float(_) => out.extend_from_slice(b"null"),
                Value::Date(d) => write_date(out, *d),
                Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            }
        }
    }
}

/// Appends one span of a row's evidence (`first` of the row or not).
pub fn evidence(out: &mut Vec<u8>, e: &Evidence, first: bool) {
    out.extend_from_slice(if first { b"[" } else { b",[" });
    write_str(out, &e.doc);
    out.push(b',');
    out.extend_from_slice(itoa::Buffer::new().format(e.start).as_bytes());
    out.push(b',');
    out.extend_from_slice(itoa::Buffer::new().format(e.end).as_bytes());
    out.push(b']');
}

/// Ends a row's evidence, the row and its line.
pub fn close_row(out: &mut Vec<u8>) {
    out.extend_from_slice(b"]}\n");
}

/// Appends more of a text cell [`RowWriter::open_last_text`] opened, escaped.
pub fn text_piece(out: &mut Vec<u8>, s: &str) {
    let mut rest = s.as_bytes();
    out.reserve(rest.len());
    loop {
        let clean = clean_prefix(rest);
        out.extend_from_slice(&rest[..clean]);
        let Some((&b, tail)) = rest[clean..].split_first() else {
            break;
        };
        if let Some((escape, len)) = escape(b) {
            out.extend_from_slice(&escape[..len]);
        }
        rest = tail;
    }
}

/// A JSON string, escaped as `serde_json` escapes it: quote, backslash and
/// control characters only; everything else (all of UTF-8) as it is.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    text_piece(out, s);
    out.push(b'"');
}

/// How many bytes at the start of `bytes` need no escape. Text rarely has
/// one, and a batch run writes every map row's text, so the scan looks at
/// sixteen bytes at a time where it can, eight, then one.
fn clean_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    #[cfg(target_arch = "x86_64")]
    {
        while let Some(chunk) = bytes.get(at..at + 16) {
            match escapes_in_16(chunk) {
                0 => at += 16,
                mask => return at + mask.trailing_zeros() as usize,
            }
        }
        // The last few bytes: the final sixteen again, overlapping those
        // already clean, rather than one byte at a time.
        if at > 0 && at < bytes.len() {
            let seen = 16 - (bytes.len() - at);
            let mask = escapes_in_16(&bytes[bytes.len() - 16..]) >> seen;
            return match mask {
                0 => bytes.len(),
                mask => at + mask.trailing_zeros() as usize,
            };
        }
    }
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        match escapes_in_8(word) {
            0 => at += 8,
            mask => return at + mask.trailing_zeros() as usize / 8,
        }
    }
    at + bytes[at..]
        .iter()
        .position(|&b| escape(b).is_some())
        .unwrap_or(bytes.len() - at)
}

/// A bit for each of the 16 bytes that is a control character, a quote or
/// a backslash (SSE2, which every x86-64 has).
#[cfg(target_arch = "x86_64")]
fn escapes_in_16(chunk: &[u8]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x,
    };
    let half = |range: std::ops::Range<usize>| {
        i64::from_le_bytes(chunk[range].try_into().unwrap_or_default())
    };
    // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it,
    // and these intrinsics touch no memory.
    unsafe {
        let v = _mm_set_epi64x(half(8..16), half(0..8));
        let last_control = _mm_set1_epi8(0x1f);
        // Unsigned max with 0x1f leaves 0x1f exactly for the bytes below 0x20.
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32
    }
}

/// Appends `date` as serde and jiff write it: `"YYYY-MM-DD"` (jiff's years
/// end at 9999; a year before 0 is written signed, with six digits).
fn write_date(out: &mut Vec<u8>, date: jiff::civil::Date) {
    let (year, month, day) = (date.year(), date.month(), date.day());
    out.push(b'"');
    if (0..=9999).contains(&year) {
        let digit = |n: i16| b'0' + n as u8;
        out.extend_from_slice(&[
            digit(year / 1000),
            digit(year / 100 % 10),
            digit(year / 10 % 10),
            digit(year % 10),
            b'-',
            digit(i16::from(month) / 10),
            digit(i16::from(month) % 10),
            b'-',
            digit(i16::from(day) / 10),
            digit(i16::from(day) % 10),
        ]);
    } else {
        out.extend_from_slice(date.to_string().as_bytes());
    }
    out.push(b'"');
}

/// The high bit of each of the eight bytes that is a control character, a
/// quote or a backslash (the classic "has a byte less than n" and "has a
/// zero byte" tests). Bits above a hit may be wrong, but the lowest set bit
/// is always the first hit, which is all the caller reads.
fn escapes_in_8(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    below_space | zero(quote) | zero(backslash)
}

/// The escape of `b` and its length: two bytes (`\n`) or six (`\u001b`).
fn escape(b: u8) -> Option<([u8; 6], usize)> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = |c: u8| Some(([b'\\', c, 0, 0, 0, 0], 2));
    match b {
        b'"' => short(b'"'),
        b'\\' => short(b'\\'),
        b'\n' => short(b'n'),
        b'\r' => short(b'r'),
        b'\t' => short(b't'),
        0x08 => short(b'b'),
        0x0c => short(b'f'),
        0..0x20 => Some((
            [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ],
            6,
        )),
        _ => None,
    }
}

/// Reads one row of a table with `columns`.
pub struct RowIn<'a> {
    pub columns: &'a [Column],
}

impl<'de> DeserializeSeed<'de> for RowIn<'_> {
    type Value = Row;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Row, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowIn<'_> {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let mut row = Row::new(vec![Value::Null; self.columns.len()]);
        while let Some(key) = map.next_key_seed(KeyIn {
            columns: self.columns,
        })? {
            match key {
                Key::Evidence => {
                    let spans: Option<Vec<(String, usize, usize)>> = map.next_value()?;
                    row.evidence = spans
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(doc, start, end)| Evidence {
                            doc: doc.into(),
                            start,
                            end,
                        })
                        .collect();
                }
                Key::Column(i) => {
                    row.cells[i] = map.next_value_seed(CellIn {
                        ty: self.columns[i].ty,
                        column: &self.columns[i].name,
                    })?;
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(row)
    }
}

enum Key {
    Column(usize),
    Evidence,
    Other,
}

/// A key, matched against the column names without copying it.
struct KeyIn<'a> {
    columns: &'a [Column],
}

impl<'de> DeserializeSeed<'de> for KeyIn<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIn<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a column name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(if key == "_evidence" {
            Key::Evidence
        } else {
            self.columns
                .iter()
                .position(|c| c.name == key)
                .map_or(Key::Other, Key::Column)
        })
    }
}

struct CellIn<'a> {
    ty: ColumnType,
    column: &'a str,
}

impl<'de> DeserializeSeed<'de> for CellIn<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl CellIn<'_> {
    fn wrong<E: de::Error>(&self, found: impl fmt::Display) -> E {
        E::custom(format!(
            "column {} is of type {}, not {found}",
            self.column,
            self.ty.name()
        ))
    }
}

impl<'de> Visitor<'de> for CellIn<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} cell", self.ty.name())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        match self.ty {
            ColumnType::Int | ColumnType::Float => Ok(Value::Int(i)),
            _ => Err(self.wrong(i)),
        }
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        match (self.ty, i64::try_from(u)) {
            (ColumnType::Int | ColumnType::Float, Ok(i)) => Ok(Value::Int(i)),
            (ColumnType::Float, Err(_)) => Ok(Value::Float(u as f64)),
            _ => Err(self.wrong(u)),
        }
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        match self.ty {
            ColumnType::Float => Ok(Value::Float(x)),
            _ => Err(self.wrong(x)),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.ty {
            ColumnType::Bool => Ok(Value::Bool(b)),
            _ => Err(self.wrong(b)),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        match self.ty {
            ColumnType::Text => Ok(Value::text(s)),
            ColumnType::Date => s
                .parse()
                .map(Value::Date)
                .map_err(|e| E::custom(format!("{}: {s:?} is not a date: {e}", self.column))),
            _ => Err(self.wrong(format!("{s:?}"))),
        }
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        match self.ty {
            // The parser's own buffer, when it had to unescape: no copy.
            ColumnType::Text => Ok(Value::Text(s.into())),
            _ => self.visit_str(&s),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(self.wrong("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(self.wrong("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newslens_core::Table;

    fn table() -> Table {
        use ColumnType::*;
        Table::new(
            "t",
            &[
                ("name", Text),
                ("n", Int),
                ("x", Float),
                ("day", Date),
                ("yes", Bool),
            ],
        )
    }

    fn read(line: &str) -> Result<Row, serde_json::Error> {
        let t = table();
        let mut parser = serde_json::Deserializer::from_str(line);
        DeserializeSeed::deserialize(
            RowIn {
                columns: &t.columns,
            },
            &mut parser,
        )
    }

    #[test]
    fn rows_round_trip_with_their_types() {
        let t = table();
        let rows = [
            Row::new(vec![
                Value::text("Tripoli \"airport\"\n"),
                Value::Int(-3),
                Value::Float(0.1 + 0.2),
                Value::Date(jiff::civil::date(2020, 2, 29)),
                Value::Bool(true),
            ])
            .with_evidence(Evidence {
                doc: "000".into(),
                start: 3,
                end: 9,
            }),
            // An int in a float column stays an int; empty cells are null.
            Row::new(vec![
                Value::Null,
                Value::Null,
                Value::Int(1000),
                Value::Null,
                Value::Null,
            ]),
        ];
        let writer = RowWriter::new(&t.columns);
        for row in rows {
            let mut line = Vec::new();
            writer.write(&mut line, &row);
            let line = String::from_utf8(line).unwrap();
            assert!(line.ends_with("}\n") && !line[..line.len() - 1].contains('\n'));
            assert_eq!(read(&line).unwrap(), row, "{line}");
        }
    }

    /// A row written in pieces (its last text cell a piece at a time, then
    /// its evidence) is the line the whole row gives.
    #[test]
    fn a_row_in_pieces_is_the_row_whole() {
        use ColumnType::*;
        let t = Table::new("compare", &[("kind", Text), ("n", Int), ("reports", Text)]);
        let writer = RowWriter::new(&t.columns);
        let spans = [("000", 3, 9), ("003", 0, 12)].map(|(doc, start, end)| Evidence {
            doc: doc.into(),
            start,
            end,
        });
        for (pieces, evidence) in [
            (
                vec![
                    "The National: about \"140,000\"",
                    " | ",
                    "News Agencies: 146,000\n",
                ],
                &spans[..],
            ),
            (vec![], &spans[..1]),
            (vec!["", "tab\there"], &[][..]),
        ] {
            let mut row = Row::new(vec![
                Value::text("displaced"),
                Value::Int(2),
                Value::text(pieces.concat()),
            ]);
            row.evidence = evidence.to_vec();
            let mut whole = Vec::new();
            writer.write(&mut whole, &row);
            let mut line = Vec::new();
            writer.open_last_text(&mut line, &row.cells[..2]);
            for piece in &pieces {
                text_piece(&mut line, piece);
            }
            writer.close_text(&mut line);
            for (i, e) in evidence.iter().enumerate() {
                super::evidence(&mut line, e, i == 0);
            }
            close_row(&mut line);
            assert_eq!(
                String::from_utf8(line).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn strings_and_numbers_are_written_as_serde_json_writes_them() {
        for s in [
            "plain",
            "quote \" and backslash \\",
            "tab\t, return\r, bell\u{7}, nul\u{0}, escape\u{1b}, delete\u{7f}",
            "Misrata \u{2014} \u{201c}ceasefire\u{201d} \u{645}\u{635}\u{631}\u{627}\u{62a}\u{629}",
            "a long run of plain words, then \"a quote\" at byte 32, and one at the very end\"",
            "\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\u{1f}\\\\\\\\\\\\\\\\ 12345678",
            // Escapes in the padded tail, after a whole chunk and in short strings.
            "12345678\"",
            "12345678ab\n",
            "\"",
            "a\\b",
            "",
            "short",
            "é\u{7}",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
        let t = Table::new("t", &[("x", ColumnType::Float)]);
        for x in [0.1 + 0.2, -0.0, 1e300, 5e-324, 0.5, 3.0, f64::NAN] {
            let mut out = Vec::new();
            RowWriter::new(&t.columns).write(&mut out, &Row::new(vec![Value::Float(x)]));
            let expected = format!(
                "{{\"x\":{},\"_evidence\":[]}}\n",
                serde_json::to_string(&x).unwrap()
            );
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn every_escape_is_found_at_every_place_and_length() {
        // The scan reads sixteen bytes, then an overlapping last sixteen, then
        // eight, then one: put each kind of byte at each position of strings
        // of every length around those sizes, beside multi-byte UTF-8.
        for len in 0..=40 {
            for at in 0..len {
                for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "\u{7f}", "\u{e9}", " "] {
                    let mut s: String = "Sirte, Misrata: ".chars().cycle().take(len).collect();
                    s.replace_range(at..at + 1, special);
                    let mut out = Vec::new();
                    write_str(&mut out, &s);
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        serde_json::to_string(&s).unwrap(),
                        "{s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn dates_are_written_as_jiff_displays_them() {
        for (y, m, d) in [
            (2020, 2, 29),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (-5, 3, 4),
        ] {
            let date = jiff::civil::date(y, m, d);
            let mut out = Vec::new();
            write_date(&mut out, date);
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{date}\""));
        }
    }

    #[test]
    fn unknown_keys_are_ignored_and_missing_columns_are_null() {
        let row = read(r#"{"extra": {"a": [1]}, "n": 2, "_evidence": [["d", 0, 1]]}"#).unwrap();
        assert_eq!(row.cells[1], Value::Int(2));
        assert!(row.cells[0].is_null() && row.cells[2].is_null());
        assert_eq!(row.evidence[0].doc, "d");
    }

    #[test]
    fn a_cell_of_the_wrong_type_names_its_column() {
        let error = read(r#"{"n": 2.5}"#).unwrap_err().to_string();
        assert!(
            error.contains("column n is of type int, not 2.5"),
            "{error}"
        );
        let error = read(r#"{"day": "Monday"}"#).unwrap_err().to_string();
        assert!(error.contains("day: \"Monday\" is not a date"), "{error}");
    }
}
