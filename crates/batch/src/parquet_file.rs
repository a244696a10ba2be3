//! Tables as Parquet files with one fixed schema per table, derived from the
//! table's columns alone, so a query written against one run's files works
//! against the next run's:
//!
//! | newslens column type | Arrow / Parquet type |
//! |---|---|
//! | `text` | `Utf8` (Parquet `BYTE_ARRAY`, `STRING`) |
//! | `int` | `Int64` |
//! | `float` | `Float64` (an int written into a float column reads back as a float) |
//! | `date` | `Date32` (days since 1970-01-01) |
//! | `bool` | `Boolean` |
//!
//! Every column is nullable (an empty cell is null) and keeps the table's
//! column name and order. One more column, `_evidence`, comes last:
//! `List<Struct<doc: Utf8, start: Int64, end: Int64>>`, never null, the
//! row's character spans (end-exclusive) in the documents it rests on — a
//! list of structs rather than a JSON string, so DuckDB, Polars and Spark
//! can unnest it without parsing (`SELECT unnest(_evidence, recursive := true)`).
//! Pages are Snappy-compressed; row groups hold at most [`ROW_GROUP_ROWS`]
//! rows, which bounds the writer's memory.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use crate::output_file::OutputFile;
use anyhow::{bail, Context, Result};
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder,
    StringBuilder, StructBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use jiff::civil::Date;
use newslens_core::{ColumnType, Evidence, Row, Table, Value};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// Rows per row group: large enough for good compression, small enough that
/// a table of long sentences does not sit in memory whole.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Rows gathered before they are handed to the Parquet writer.
const BATCH_ROWS: usize = 8_192;

const EPOCH: Date = Date::constant(1970, 1, 1);

pub fn arrow_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text => DataType::Utf8,
        ColumnType::Int => DataType::Int64,
        ColumnType::Float => DataType::Float64,
        ColumnType::Date => DataType::Date32,
        ColumnType::Bool => DataType::Boolean,
    }
}

fn evidence_fields() -> Fields {
    Fields::from(vec![
        Field::new("doc", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
    ])
}

fn evidence_item() -> Arc<Field> {
    Arc::new(Field::new(
        "item",
        DataType::Struct(evidence_fields()),
        false,
    ))
}

/// The Arrow schema of a table's Parquet file.
pub fn schema(table: &Table) -> SchemaRef {
    let mut fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| Field::new(&c.name, arrow_type(c.ty), true))
        .collect();
    fields.push(Field::new(
        "_evidence",
        DataType::List(evidence_item()),
        false,
    ));
    Arc::new(Schema::new(fields))
}

enum Column {
    Text(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Bool(BooleanBuilder),
}

/// Writes rows of one table to a Parquet file under a temporary name; the
/// file gets its final name in [`finish`](ParquetWriter::finish).
pub struct ParquetWriter {
    schema: SchemaRef,
    columns: Vec<Column>,
    evidence: ListBuilder<StructBuilder>,
    rows: usize,
    writer: ArrowWriter<OutputFile>,
}

impl ParquetWriter {
    pub fn create(dir: &Path, table: &Table) -> Result<ParquetWriter> {
        let file = OutputFile::create(
            dir.join(format!("{}.parquet", table.name)),
            dir.join(format!(".{}.parquet.tmp", table.name)),
        )?;
        let schema = schema(table);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP_ROWS)
            .build();
        let writer = ArrowWriter::try_new(file, Arc::clone(&schema), Some(properties))?;
        let columns = table
            .columns
            .iter()
            .map(|c| match c.ty {
                ColumnType::Text => Column::Text(StringBuilder::new()),
                ColumnType::Int => Column::Int(Int64Builder::new()),
                ColumnType::Float => Column::Float(Float64Builder::new()),
                ColumnType::Date => Column::Date(Date32Builder::new()),
                ColumnType::Bool => Column::Bool(BooleanBuilder::new()),
            })
            .collect();
        let evidence = ListBuilder::new(StructBuilder::from_fields(evidence_fields(), 0))
            .with_field(evidence_item());
        Ok(ParquetWriter {
            schema,
            columns,
            evidence,
            rows: 0,
            writer,
        })
    }

    pub fn append(&mut self, row: &Row) -> Result<()> {
        for (column, cell) in self.columns.iter_mut().zip(&row.cells) {
            match (column, cell) {
                (Column::Text(b), Value::Text(s)) => b.append_value(s),
                (Column::Text(b), _) => b.append_null(),
                (Column::Int(b), Value::Int(i)) => b.append_value(*i),
                (Column::Int(b), _) => b.append_null(),
                (Column::Float(b), Value::Float(x)) => b.append_value(*x),
                (Column::Float(b), Value::Int(i)) => b.append_value(*i as f64),
                (Column::Float(b), _) => b.append_null(),
                (Column::Date(b), Value::Date(d)) => b.append_value(days_since_epoch(*d)?),
                (Column::Date(b), _) => b.append_null(),
                (Column::Bool(b), Value::Bool(x)) => b.append_value(*x),
                (Column::Bool(b), _) => b.append_null(),
            }
        }
        let spans = self.evidence.values();
        for e in &row.evidence {
            field::<StringBuilder>(spans, 0).append_value(&e.doc);
            field::<Int64Builder>(spans, 1).append_value(e.start as i64);
            field::<Int64Builder>(spans, 2).append_value(e.end as i64);
            spans.append(true);
        }
        self.evidence.append(true);
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut arrays: Vec<ArrayRef> = self
            .columns
            .iter_mut()
            .map(|c| match c {
                Column::Text(b) => Arc::new(b.finish()) as ArrayRef,
                Column::Int(b) => Arc::new(b.finish()),
                Column::Float(b) => Arc::new(b.finish()),
                Column::Date(b) => Arc::new(b.finish()),
                Column::Bool(b) => Arc::new(b.finish()),
            })
            .collect();
        arrays.push(Arc::new(self.evidence.finish()));
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), arrays)?;
        self.writer.write(&batch)?;
        self.rows = 0;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.writer.into_inner()?.finish()
    }
}

/// The builder of one field of the evidence struct; the fields are made in
/// [`evidence_fields`], so their types are known.
fn field<T: ArrayBuilder>(spans: &mut StructBuilder, index: usize) -> &mut T {
    spans
        .field_builder::<T>(index)
        .expect("evidence fields are doc: Utf8, start: Int64, end: Int64")
}

/// One column of a record batch, typed.
enum Cells<'a> {
    Text(&'a arrow_array::StringArray),
    Int(&'a arrow_array::Int64Array),
    Float(&'a arrow_array::Float64Array),
    Date(&'a arrow_array::Date32Array),
    Bool(&'a arrow_array::BooleanArray),
}

impl Cells<'_> {
    fn value(&self, i: usize) -> Result<Value> {
        let null = match self {
            Cells::Text(a) => a.is_null(i),
            Cells::Int(a) => a.is_null(i),
            Cells::Float(a) => a.is_null(i),
            Cells::Date(a) => a.is_null(i),
            Cells::Bool(a) => a.is_null(i),
        };
        if null {
            return Ok(Value::Null);
        }
        Ok(match self {
            Cells::Text(a) => Value::text(a.value(i)),
            Cells::Int(a) => Value::Int(a.value(i)),
            Cells::Float(a) => Value::Float(a.value(i)),
            Cells::Date(a) => {
                Value::Date(EPOCH.checked_add(jiff::Span::new().try_days(a.value(i))?)?)
            }
            Cells::Bool(a) => Value::Bool(a.value(i)),
        })
    }
}

fn days_since_epoch(date: Date) -> Result<i32> {
    Ok((date - EPOCH).get_days())
}

/// Reads a table written by [`ParquetWriter`] back, typed by its schema.
pub fn read(path: &Path, name: &str) -> Result<Table> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)?;
    let arrow_schema = Arc::clone(reader.schema());
    let mut columns = Vec::new();
    for field in arrow_schema.fields() {
        if field.name() == "_evidence" {
            continue;
        }
        let ty = match field.data_type() {
            DataType::Utf8 => ColumnType::Text,
            DataType::Int64 => ColumnType::Int,
            DataType::Float64 => ColumnType::Float,
            DataType::Date32 => ColumnType::Date,
            DataType::Boolean => ColumnType::Bool,
            other => bail!("{}: column {} is {other}", path.display(), field.name()),
        };
        columns.push((field.name().clone(), ty));
    }
    let refs: Vec<(&str, ColumnType)> = columns.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let mut table = Table::new(name, &refs);
    let unexpected =
        |what: &str| anyhow::anyhow!("{}: {what} is not as newslens writes it", path.display());
    for batch in reader.build()? {
        let batch = batch?;
        let cells: Vec<Cells> = columns
            .iter()
            .enumerate()
            .map(|(c, (name, ty))| {
                let array = batch.column(c);
                let typed = match ty {
                    ColumnType::Text => array.as_string_opt::<i32>().map(Cells::Text),
                    ColumnType::Int => array.as_primitive_opt::<Int64Type>().map(Cells::Int),
                    ColumnType::Float => array.as_primitive_opt::<Float64Type>().map(Cells::Float),
                    ColumnType::Date => array.as_primitive_opt::<Date32Type>().map(Cells::Date),
                    ColumnType::Bool => array.as_boolean_opt().map(Cells::Bool),
                };
                typed.ok_or_else(|| unexpected(name))
            })
            .collect::<Result<_>>()?;
        let evidence = batch
            .column_by_name("_evidence")
            .and_then(|a| a.as_list_opt::<i32>())
            .ok_or_else(|| unexpected("_evidence"))?;
        for i in 0..batch.num_rows() {
            let mut row = Row::new(
                cells
                    .iter()
                    .map(|column| column.value(i))
                    .collect::<Result<_>>()?,
            );
            let spans = evidence.value(i);
            let spans = spans
                .as_struct_opt()
                .ok_or_else(|| unexpected("_evidence"))?;
            let (Some(docs), Some(starts), Some(ends)) = (
                spans
                    .column_by_name("doc")
                    .and_then(|a| a.as_string_opt::<i32>()),
                spans
                    .column_by_name("start")
                    .and_then(|a| a.as_primitive_opt::<Int64Type>()),
                spans
                    .column_by_name("end")
                    .and_then(|a| a.as_primitive_opt::<Int64Type>()),
            ) else {
                return Err(unexpected("_evidence"));
            };
            for j in 0..spans.len() {
                row.evidence.push(Evidence {
                    doc: docs.value(j).into(),
                    start: usize::try_from(starts.value(j)).unwrap_or(0),
                    end: usize::try_from(ends.value(j)).unwrap_or(0),
                });
            }
            table.rows.push(row);
        }
    }
    Ok(table)
}
