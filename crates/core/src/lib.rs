//! newslens core: the document model, loading and cleaning, the shared text
//! layer, the `Analyzer` trait and its registry, result tables, and the
//! parallel runner.
//!
//! Data flows one way: `load` → `clean` → `text` (annotate) → `analyzer`
//! (map per document, reduce across documents) → `report` (tables). Core
//! knows no analyzer by name and renders nothing.
//!
//! ```
//! use newslens_core::testing;
//! let doc = testing::annotate("Field Marshal Haftar met Mr Shoigu. “We agree,” Lavrov said.", None);
//! assert_eq!(doc.sentences.len(), 2);
//! assert_eq!(doc.mentions.len(), 3);
//! assert_eq!(doc.quotes.len(), 1);
//! ```

pub mod analyzer;
pub mod bundled;
pub mod clean;
pub mod config;
pub mod document;
pub mod load;
pub mod report;
pub mod run;
pub mod scratch;
pub mod span;
pub mod spill;
pub mod testing;
pub mod text;

pub use analyzer::{Analyzer, Registration, Registry, View};
pub use config::{Actor, AnalyzerSettings, Config, Gazetteer};
pub use document::{Document, Meta};
pub use report::{Column, ColumnType, Evidence, Report, Row, Table, Text, Value};
pub use span::Span;
pub use text::{AnnotatedDoc, Annotator};

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
