//! REPL start-up and `run all` on the bundled corpus, timed over whole
//! processes of the release binary (`cargo bench -p newslens-repl --bench startup`).
//!
//! "start" runs `newslens -c quit`: parse arguments, build every analyzer,
//! load and annotate the five articles, read one command, exit — everything
//! the interactive REPL does before its first prompt.

use std::process::Command;
use std::time::Instant;

fn median_ms(args: &[&str], rounds: usize) -> f64 {
    let binary = env!("CARGO_BIN_EXE_newslens");
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(binary)
                .args(args)
                .env("NEWSLENS_HISTORY", "")
                .output()
                .expect("newslens runs");
            assert!(
                status.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&status.stderr)
            );
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[rounds / 2]
}

fn main() {
    let rounds = 21;
    println!(
        "start to first prompt (newslens -c quit): {:.1} ms median of {rounds}",
        median_ms(&["-c", "quit"], rounds)
    );
    println!(
        "run all on the bundled corpus (newslens -c 'run all'): {:.1} ms median of {rounds}",
        median_ms(&["-c", "run all"], rounds)
    );
}
