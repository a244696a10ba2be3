//! The evidence of the reduced rows, kept on disk as it comes.
//!
//! A reduced row lists the first [`EVIDENCE_CAP`] spans behind it. Held in
//! memory, those spans grow with the corpus until every row is full (a few
//! million spans over a large corpus, each naming its document, so the
//! documents had to be interned too: a name a document). Here a row keeps a
//! count and a few hundred bytes of spans not yet written; full blocks go
//! to one temporary file of the run, and the row remembers where. Reading a
//! row's evidence back is one read a block, done once when the row is
//! written out (and again for the profile rows that gather it).

use std::path::PathBuf;

use anyhow::{Context, Result};
use newslens_core::{Evidence, Text};

use super::keysort::{get_varint, put_varint, TempFile};
use super::EVIDENCE_CAP;

/// Bytes of a row's spans held before they go to disk as one block: a
/// dozen spans or so, so that thousands of rows cost a few megabytes.
const BLOCK: usize = 256;

/// The file that full blocks of every row's spans go to.
pub(super) struct EvidenceStore {
    dir: PathBuf,
    file: Option<TempFile>,
    len: u64,
    /// Whether blocks were written since the last flush (reads see only
    /// what is flushed).
    unflushed: bool,
}

impl EvidenceStore {
    pub(super) fn new(dir: PathBuf) -> EvidenceStore {
        EvidenceStore {
            dir,
            file: None,
            len: 0,
            unflushed: false,
        }
    }

    fn write(&mut self, block: &[u8]) -> Result<u64> {
        if self.file.is_none() {
            self.file = Some(TempFile::create(&self.dir, "evidence")?);
        }
        let Some(file) = self.file.as_mut() else {
            anyhow::bail!("source-bias: no evidence file");
        };
        file.write_all(block).context("writing evidence")?;
        let at = self.len;
        self.len += block.len() as u64;
        self.unflushed = true;
        Ok(at)
    }

    fn read(&mut self, at: u64, len: u32, out: &mut Vec<u8>) -> Result<()> {
        let Some(file) = self.file.as_mut() else {
            anyhow::bail!("source-bias: an evidence block was lost");
        };
        if self.unflushed {
            file.flush().context("writing evidence")?;
            self.unflushed = false;
        }
        let start = out.len();
        out.resize(start + len as usize, 0);
        let got = file
            .read_at(&mut out[start..], at)
            .context("reading evidence")?;
        if got != len as usize {
            anyhow::bail!("source-bias: the evidence file is cut short");
        }
        Ok(())
    }
}

/// The first [`EVIDENCE_CAP`] spans of a row, in the order they came: full
/// blocks in the [`EvidenceStore`], the rest here.
///
/// A span is its document's name (its length and bytes, or length 0 for the
/// span before's document), its start and its length, as varints.
#[derive(Default)]
pub(super) struct Spans {
    kept: u16,
    /// The document of the last span, so a row's spans from one document
    /// name it once.
    last_doc: Text,
    pending: Vec<u8>,
    /// Blocks on disk: where each starts and its bytes.
    blocks: Vec<(u64, u32)>,
}

impl Spans {
    pub(super) fn is_full(&self) -> bool {
        usize::from(self.kept) >= EVIDENCE_CAP
    }

    pub(super) fn push(
        &mut self,
        store: &mut EvidenceStore,
        doc: &str,
        start: usize,
        end: usize,
    ) -> Result<()> {
        if self.is_full() {
            return Ok(());
        }
        if self.kept > 0 && self.last_doc == doc {
            put_varint(&mut self.pending, 0);
        } else {
            put_varint(&mut self.pending, doc.len() as u64);
            self.pending.extend_from_slice(doc.as_bytes());
            self.last_doc = Text::from(doc);
        }
        put_varint(&mut self.pending, start as u64);
        put_varint(&mut self.pending, end.saturating_sub(start) as u64);
        self.kept += 1;
        if self.pending.len() >= BLOCK {
            let at = store.write(&self.pending)?;
            self.blocks.push((at, self.pending.len() as u32));
            self.pending.clear();
        }
        Ok(())
    }

    pub(super) fn add(&mut self, store: &mut EvidenceStore, evidence: &[Evidence]) -> Result<()> {
        for e in evidence {
            if self.is_full() {
                break;
            }
            self.push(store, &e.doc, e.start, e.end)?;
        }
        Ok(())
    }

    /// This row's spans appended to `out`, until it holds `EVIDENCE_CAP`.
    fn read_into(&self, store: &mut EvidenceStore, out: &mut Vec<Evidence>) -> Result<()> {
        if out.len() >= EVIDENCE_CAP || self.kept == 0 {
            return Ok(());
        }
        let mut bytes = Vec::new();
        for &(at, len) in &self.blocks {
            store.read(at, len, &mut bytes)?;
        }
        bytes.extend_from_slice(&self.pending);
        let cut = || anyhow::anyhow!("source-bias: an evidence block is cut short");
        let mut at = 0;
        let mut doc = Text::default();
        for _ in 0..self.kept {
            if out.len() >= EVIDENCE_CAP {
                break;
            }
            let len = get_varint(&bytes, &mut at).ok_or_else(cut)? as usize;
            if len > 0 {
                let name = bytes.get(at..at + len).ok_or_else(cut)?;
                doc = Text::from(std::str::from_utf8(name).context("evidence that is not UTF-8")?);
                at += len;
            }
            let start = get_varint(&bytes, &mut at).ok_or_else(cut)? as usize;
            let length = get_varint(&bytes, &mut at).ok_or_else(cut)? as usize;
            out.push(Evidence {
                doc: doc.clone(),
                start,
                end: start + length,
            });
        }
        Ok(())
    }

    /// This row's evidence.
    pub(super) fn evidence(&self, store: &mut EvidenceStore) -> Result<Vec<Evidence>> {
        gathered(store, [self])
    }
}

/// The first [`EVIDENCE_CAP`] spans of `rows` one after another: the
/// evidence of a row that sums several.
pub(super) fn gathered<'a>(
    store: &mut EvidenceStore,
    rows: impl IntoIterator<Item = &'a Spans>,
) -> Result<Vec<Evidence>> {
    let mut out = Vec::new();
    for spans in rows {
        if out.len() >= EVIDENCE_CAP {
            break;
        }
        spans.read_into(store, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(doc: &str, start: usize, end: usize) -> Evidence {
        Evidence {
            doc: doc.into(),
            start,
            end,
        }
    }

    #[test]
    fn spans_come_back_in_order_across_blocks_and_stop_at_the_cap() {
        let mut store = EvidenceStore::new(std::env::temp_dir());
        let (mut a, mut b) = (Spans::default(), Spans::default());
        let mut expected_a = Vec::new();
        // Long names and repeats of one document, interleaved across two rows,
        // past the cap, so blocks on disk and in memory both matter.
        for i in 0..EVIDENCE_CAP + 40 {
            let doc = format!("a-document-with-a-long-name-{}", i / 3);
            let e = span(&doc, i * 7, i * 7 + 1 + i % 5);
            if i < EVIDENCE_CAP {
                expected_a.push(e.clone());
            }
            a.add(&mut store, std::slice::from_ref(&e)).unwrap();
            if i % 10 == 0 {
                b.push(&mut store, "b", i, i + 2).unwrap();
            }
        }
        assert!(a.is_full());
        assert!(!b.is_full());
        assert_eq!(a.evidence(&mut store).unwrap(), expected_a);
        let b_spans: Vec<Evidence> = (0..EVIDENCE_CAP + 40)
            .step_by(10)
            .map(|i| span("b", i, i + 2))
            .collect();
        assert_eq!(b.evidence(&mut store).unwrap(), b_spans);
        // Gathered: b's spans, then a's until the cap.
        let both = gathered(&mut store, [&b, &a]).unwrap();
        assert_eq!(both.len(), EVIDENCE_CAP);
        assert_eq!(both[..b_spans.len()], b_spans[..]);
        assert_eq!(
            both[b_spans.len()..],
            expected_a[..EVIDENCE_CAP - b_spans.len()]
        );
        // Writing more after a read still reads back.
        let mut c = Spans::default();
        for i in 0..100 {
            c.push(&mut store, "c", i, i).unwrap();
        }
        assert_eq!(c.evidence(&mut store).unwrap().len(), 100);
        assert_eq!(Spans::default().evidence(&mut store).unwrap(), []);
    }
}
