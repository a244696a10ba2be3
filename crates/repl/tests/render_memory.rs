//! The memory an aligned table takes to render, counted by the allocator:
//! a file or a pipe gets every cell whole, and one long cell must cost its
//! own length, not its length on every line (comfy-table padded each line
//! to the widest cell before trimming; a 10 MB corpus's sentences took 5 GB).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use newslens_core::{ColumnType, Row, Table};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn one_long_last_cell_costs_its_length_once() {
    let mut t = Table::new(
        "sentences",
        &[("doc", ColumnType::Text), ("text", ColumnType::Text)],
    );
    for i in 0..2000 {
        t.push(Row::new(vec![
            format!("{i:04}").into(),
            "A short one.".into(),
        ]));
    }
    let long = "word ".repeat(20_000);
    t.push(Row::new(vec!["2000".into(), long.as_str().into()]));

    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let text = newslens_repl::render::render_table(&t, None);
    let peak = PEAK.load(Ordering::Relaxed) - before;

    assert!(
        text.contains("\n 0007 │ A short one.\n"),
        "{}",
        &text[..200]
    );
    assert!(text.contains(&long[..1000]));
    // The cells, the output (the long cell once, its rule of three-byte
    // characters once) and the growing buffers: a few MB. Padding each of
    // the 2,001 lines to 100,000 characters would be 200 MB.
    assert!(peak < 10_000_000, "{peak} bytes at the peak");
}
