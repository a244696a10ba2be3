//! The interactive REPL through a pseudo-terminal, the way a person uses it:
//! the prompt, tab completion, Ctrl-C on a line, the sub-corpus prompt,
//! history saved on Ctrl-D.

use std::process::Command;

use rexpect::session::{spawn_command, PtySession};

fn start(history: &std::path::Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newslens"));
    command
        .env("NEWSLENS_HISTORY", history)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut session = spawn_command(command, Some(20_000)).expect("newslens starts in a pty");
    session.exp_string("newslens> ").expect("a prompt");
    settle();
    session
}

/// Waits for the REPL to be reading again: the line editor discards what is
/// typed while it switches the terminal's mode, as a person would notice.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(300));
}

#[test]
fn a_person_at_the_terminal() {
    let history = std::env::temp_dir().join(format!("newslens-history-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&history);
    let mut p = start(&history);

    // Tab completes the command and the analyzer name.
    p.send("ru\t").unwrap();
    p.send("corpus-st\t").unwrap();
    p.send_line("| select doc, words | limit 2").unwrap();
    p.exp_string("(2 rows)").unwrap();
    settle();

    // Ctrl-C drops the line being typed and gives a fresh prompt.
    p.send("run nonsense-that-is-never-run").unwrap();
    p.send_control('c').unwrap();
    settle();

    // An error points at the problem and the session goes on.
    p.send_line("table sources | where wordz > 1").unwrap();
    p.exp_string("unknown column `wordz` (did you mean `words`?)")
        .unwrap();
    settle();

    // The prompt shows the active sub-corpus.
    p.send_line("use source = \"South Front\"").unwrap();
    p.exp_string("using 1 of 5 documents").unwrap();
    p.exp_string("newslens[source = \"South Front\"]> ")
        .unwrap();
    settle();

    // Ctrl-D leaves and saves the history.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(
        saved.contains("run corpus-stats | select doc, words | limit 2"),
        "{saved}"
    );
    assert!(
        !saved.contains("nonsense-that-is-never-run"),
        "a cancelled line is not history: {saved}"
    );
    let _ = std::fs::remove_file(&history);
}
