//! The document model: an article's id, metadata and text.

use jiff::civil::Date;

/// Where an article came from and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// The outlet, as users will filter on it ("teleSUR English").
    pub source: String,
    /// Publication date; `None` when unknown.
    pub published: Option<Date>,
    pub title: Option<String>,
    pub url: Option<String>,
}

impl Meta {
    /// The source of an article whose input names none.
    pub const UNKNOWN_SOURCE: &'static str = "unknown";
}

/// One article. `text` is the text every span points into: exactly as given for
/// JSONL and plain-text input, and after page-chrome cleaning where the corpus
/// asks for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Stable, unique within a corpus.
    pub id: String,
    pub meta: Meta,
    pub text: String,
}
