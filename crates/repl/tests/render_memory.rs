//! The memory a shown table takes, counted by the allocator: a file or a
//! pipe gets every cell whole, and one long cell must cost its own length,
//! not its length on every line (comfy-table padded each line to the widest
//! cell before trimming; a 10 MB corpus's sentences took 5 GB); and a result
//! is shown from the session's cached report, not from a copy of it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// The counters are the process's: one test runs at a time, its setup
/// included, since another test's allocations would count in its peak.
static MEASURING: Mutex<()> = Mutex::new(());

/// The most bytes live at once during `f`, above those live before it.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

#[test]
fn one_long_last_cell_costs_its_length_once() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
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

    let mut text = String::new();
    let peak = peak_during(|| text = newslens_repl::render::render_table(&t, None));

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

#[test]
fn one_long_cell_before_the_last_costs_its_length_once() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let mut t = Table::new(
        "timeline",
        &[
            ("date", ColumnType::Text),
            ("sources", ColumnType::Text),
            ("n", ColumnType::Int),
        ],
    );
    for i in 0..2000 {
        t.push(Row::new(vec![
            format!("2020-01-{:02}", i % 28 + 1).into(),
            "Reuters".into(),
            (i as i64).into(),
        ]));
    }
    let long = "Reuters; ".repeat(10_000);
    t.push(Row::new(vec![
        "2020-02-01".into(),
        long.as_str().into(),
        1i64.into(),
    ]));

    let mut text = String::new();
    let peak = peak_during(|| text = newslens_repl::render::render_table(&t, None));

    // The long cell is whole, and the columns after it follow it on its line.
    let long_line = text.lines().find(|l| l.contains(long.trim_end())).unwrap();
    assert!(
        long_line.ends_with("│    1"),
        "{}",
        &long_line[long_line.len() - 40..]
    );
    // The other lines are padded to a bounded width, not to the long cell's
    // 90,000 characters: the whole output is the long cell and some 200
    // columns a line.
    let short = text
        .lines()
        .find(|l| l.starts_with(" 2020-01-08 │ Reuters ") && l.ends_with(" 7"))
        .unwrap();
    assert!(
        short.chars().count() < 250,
        "{} characters",
        short.chars().count()
    );
    assert!(
        text.len() < 2 * long.len() + 2001 * 250 * 3,
        "{} bytes",
        text.len()
    );
    // Padding each of the 2,001 lines to 90,000 characters would be 180 MB.
    assert!(peak < 10_000_000, "{peak} bytes at the peak");
}

#[test]
fn a_cached_result_is_shown_from_its_tables_not_a_copy_of_them() {
    let _measuring = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    use newslens_repl::commands::parse_line;
    use newslens_repl::session::Session;
    let mut session = Session::new(
        newslens_core::bundled::config(),
        None,
        newslens_core::load::LoadOptions::default(),
    )
    .unwrap();
    session.mode = newslens_repl::render::Mode::Jsonl;
    let run = |session: &mut Session, line: &str, out: &mut Vec<u8>| {
        let invocation = parse_line(line).unwrap().unwrap();
        session.execute(&invocation, out).unwrap();
    };
    let mut out = Vec::new();
    run(&mut session, "run sentiment-lexicon", &mut out);
    let sentences = String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(r#"{"table":"sentences""#))
        .count();
    // A copy of the table would be its rows' cells alone, eleven of 24
    // bytes a row: some 50 KB.
    assert!(sentences > 200, "{sentences} sentence rows");

    // The first table of the cached result, one row of it kept.
    let mut out = Vec::with_capacity(1 << 16);
    let peak = peak_during(|| run(&mut session, "run sentiment-lexicon | limit 1", &mut out));
    let shown = String::from_utf8(out).unwrap();
    assert_eq!(shown.lines().count(), 1, "{shown}");
    assert!(shown.starts_with(r#"{"table":"sentences""#), "{shown}");
    // The row kept, its line and the buffers that render it: 4 KB when
    // measured. Copying the table before the limit took 98 KB, and copying
    // every table of the result to give it its name 249 KB.
    assert!(peak < 20_000, "{peak} bytes at the peak");
}
