//! A progress line on standard error for long work (annotating a corpus as
//! it loads, running an analyzer over it): documents done, the share and the
//! time left. Only on a terminal, and only once the work has taken half a
//! second, so short commands and scripts whose standard error is a file
//! print nothing; the line is cleared when the work ends.

use std::cell::Cell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How long work runs before its progress is shown.
const QUIET_FOR: Duration = Duration::from_millis(500);
/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(100);

pub struct ProgressLine {
    what: String,
    total: usize,
    started: Instant,
    shown: Cell<Option<Instant>>,
    on_terminal: bool,
}

impl ProgressLine {
    /// Progress of `what` ("annotating", "timeline") over `total` documents.
    pub fn new(what: impl Into<String>, total: usize) -> ProgressLine {
        ProgressLine {
            what: what.into(),
            total,
            started: Instant::now(),
            shown: Cell::new(None),
            on_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// `done` of the documents are done.
    pub fn update(&self, done: usize) {
        let now = Instant::now();
        if !self.due(now) {
            return;
        }
        self.shown.set(Some(now));
        eprint!(
            "\r{}\x1b[K",
            progress_text(&self.what, done, self.total, now - self.started)
        );
    }

    /// Whether the line is to be drawn at `now`.
    fn due(&self, now: Instant) -> bool {
        self.on_terminal
            && now.saturating_duration_since(self.started) >= QUIET_FOR
            && self
                .shown
                .get()
                .is_none_or(|at| now.saturating_duration_since(at) >= EVERY)
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        if self.shown.get().is_some() {
            // Back to the line's start, cleared, for what the command prints.
            eprint!("\r\x1b[K");
        }
    }
}

/// "timeline: 12000 of 20768 articles (58%), 0:04 left", as batch runs count.
fn progress_text(what: &str, done: usize, total: usize, elapsed: Duration) -> String {
    let share = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let mut text = format!("{what}: {done} of {total} articles ({:.0}%)", share * 100.0);
    if share > 0.0 && share < 1.0 {
        let left = newslens_batch::time_left(elapsed.as_secs_f64(), share);
        text.push_str(&format!(", {left} left"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_tells_the_count_the_share_and_the_time_left() {
        let text = progress_text("timeline", 12_000, 20_768, Duration::from_secs(6));
        // 58% in 6 s: 4.4 s more.
        assert_eq!(text, "timeline: 12000 of 20768 articles (58%), 0:04 left");
        let done = progress_text("annotating", 1_000_000, 1_000_000, Duration::from_secs(90));
        assert_eq!(done, "annotating: 1000000 of 1000000 articles (100%)");
        let start = progress_text("source-bias", 0, 999, Duration::from_secs(1));
        assert_eq!(start, "source-bias: 0 of 999 articles (0%)");
        assert_eq!(
            progress_text("timeline", 30, 61_000, Duration::from_secs(2)),
            "timeline: 30 of 61000 articles (0%), 67:45 left"
        );
    }

    #[test]
    fn the_line_waits_half_a_second_then_redraws_ten_times_a_second_and_only_on_a_terminal() {
        let start = Instant::now();
        let line = |on_terminal| ProgressLine {
            what: "timeline".into(),
            total: 10,
            started: start,
            shown: Cell::new(None),
            on_terminal,
        };
        let on = line(true);
        assert!(!on.due(start + Duration::from_millis(499)));
        assert!(on.due(start + Duration::from_millis(500)));
        on.shown.set(Some(start + Duration::from_millis(500)));
        assert!(!on.due(start + Duration::from_millis(599)));
        assert!(on.due(start + Duration::from_millis(600)));
        assert!(!line(false).due(start + Duration::from_secs(5)));
    }
}
