//! In-process checks of the command language on the bundled corpus: every
//! example in the command table runs, export is atomic and faithful, and no
//! input line can crash a session.

use newslens_core::load::LoadOptions;
use newslens_repl::commands::{parse_line, COMMANDS};
use newslens_repl::session::{Flow, Session};

fn session() -> Session {
    Session::new(
        newslens_core::bundled::config(),
        None,
        LoadOptions::default(),
    )
    .unwrap()
}

/// Runs one line; Ok(output) or Err(message).
fn run(session: &mut Session, line: &str) -> Result<String, String> {
    let mut out = Vec::new();
    let invocation = match parse_line(line) {
        Ok(Some(invocation)) => invocation,
        Ok(None) => return Ok(String::new()),
        Err(e) => return Err(e.message),
    };
    session.set_current_line(line);
    match session.execute(&invocation, &mut out) {
        Ok(Flow::Continue | Flow::Quit) => Ok(String::from_utf8(out).unwrap()),
        Err(e) => Err(e.message),
    }
}

#[test]
fn every_example_in_the_command_table_runs() {
    let mut session = session();
    // `evidence` and `table` examples need a result first.
    run(&mut session, "run corpus-stats").unwrap();
    let mut problems = Vec::new();
    for command in COMMANDS {
        for example in command.examples {
            if let Err(e) = run(&mut session, example) {
                problems.push(format!("{example}: {e}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn export_writes_the_last_result_atomically_in_the_extension_s_format() {
    let dir = std::env::temp_dir().join(format!("newslens-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut session = session();
    run(&mut session, "run corpus-stats").unwrap();
    let json = dir.join("stats.json");
    let said = run(&mut session, &format!("export {}", json.display())).unwrap();
    assert!(said.starts_with("wrote "), "{said}");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(value["documents"].as_array().unwrap().len(), 5);
    assert_eq!(value["documents"][0]["doc"], "000");
    // A csv file holds one table: the three-table result is refused, one table is fine.
    let csv = dir.join("stats.csv");
    assert!(run(&mut session, &format!("export {}", csv.display()))
        .unwrap_err()
        .contains("one table"));
    run(&mut session, "table sources | select source, words").unwrap();
    // The last result is still the run; `table` showed one of its tables.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
    assert!(run(
        &mut session,
        &format!("export {}", dir.join("x.xlsx").display())
    )
    .unwrap_err()
    .contains("extension"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_redirects_and_comes_back() {
    let path = std::env::temp_dir().join(format!("newslens-output-{}.txt", std::process::id()));
    let mut session = session();
    assert_eq!(
        run(&mut session, &format!("output {}", path.display())).unwrap(),
        ""
    );
    assert_eq!(run(&mut session, "analyzers | select name").unwrap(), "");
    run(&mut session, "output").unwrap();
    assert!(run(&mut session, "analyzers | select name")
        .unwrap()
        .contains("corpus-stats"));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("corpus-stats"));
    let _ = std::fs::remove_file(&path);
}

/// A small deterministic generator (no extra crates): xorshift.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn no_input_line_crashes_a_session() {
    let words = [
        "run",
        "all",
        "corpus-stats",
        "|",
        "where",
        "sort",
        "limit",
        "select",
        "table",
        "tables",
        "evidence",
        "why",
        "kwic",
        "use",
        "show",
        "000",
        "004",
        "help",
        ".mode",
        "csv",
        "json",
        "width",
        "timer",
        "off",
        "and",
        "or",
        "not",
        "(",
        ")",
        "=",
        "!=",
        "<",
        ">=",
        "~",
        "\"",
        "'",
        "\"teleSUR English\"",
        "words",
        "source",
        "published",
        "2020-02-19",
        "-1",
        "0",
        "1e309",
        "99999999999999999999",
        ",",
        "desc",
        "\\",
        "#",
        "…",
        "Çavuşoğlu",
        "\u{0}",
        "🙂",
        "\u{202e}",
        "null",
        "true",
    ];
    let mut noise = Noise(0x9e3779b97f4a7c15);
    let mut session = session();
    for _ in 0..3_000 {
        let n = 1 + noise.next() % 9;
        let line: Vec<&str> = (0..n).map(|_| noise.pick(&words)).collect();
        let joined = if noise.next().is_multiple_of(3) {
            line.concat()
        } else {
            line.join(" ")
        };
        // Result or error, never a panic.
        let _ = run(&mut session, &joined);
        if joined.starts_with("use") {
            let _ = run(&mut session, "use all");
        }
    }
    // Arbitrary Unicode, byte-ish noise.
    for i in 0..2_000u32 {
        let line: String = (0..(i % 40))
            .filter_map(|k| char::from_u32((noise.next() as u32 ^ k) % 0x11_0000))
            .collect();
        let _ = run(&mut session, &line);
    }
}

/// `newslens` with `args`, from the workspace root; its standard output, or
/// a panic with its standard error.
fn newslens(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_newslens"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "newslens {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_batch_or_reduce_output_folder_is_explored_like_a_fresh_run() {
    let dir = std::env::temp_dir().join(format!("newslens-results-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let batch = dir.join("batch");
    let merged = dir.join("merged");
    let (batch, merged) = (batch.to_str().unwrap(), merged.to_str().unwrap());
    newslens(&[
        "batch",
        "--corpus",
        "corpus",
        "--out",
        batch,
        "--part-size",
        "2",
    ]);
    newslens(&["reduce", batch, "--out", merged]);
    let fresh = newslens(&["-c", "run all", "-c", "tables"]);
    for folder in [batch, merged] {
        // `tables` first: the loaded tables are the last result, as after `run all`.
        let loaded = newslens(&[
            "-c",
            &format!("load {folder}"),
            "-c",
            "tables",
            "-c",
            "run all",
            "-c",
            "tables",
        ]);
        let (said, rest) = loaded.split_once('\n').unwrap();
        assert!(
            said.starts_with(&format!(
                "loaded the results of a batch run from {folder}: "
            )),
            "{said}"
        );
        let tables_at = fresh.rfind("\n table ").unwrap() + 1;
        let listing = &fresh[tables_at..];
        assert!(rest.starts_with(listing), "{folder}: {rest}");
        assert_eq!(&rest[listing.len()..], fresh, "{folder}");
    }
    // Given as the corpus, the folder is refused with the way to open it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_newslens"))
        .args(["--corpus", merged, "-c", "tables"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("open it with `load {merged}`")),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corpus_file_s_own_configuration_is_used_by_the_repl_batch_and_reduce_alike() {
    let dir = std::env::temp_dir().join(format!("newslens-beside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A FA-KES sentence (CC BY 4.0), and a gazetteer naming a place the
    // bundled one does not.
    let corpus = dir.join("news.jsonl");
    std::fs::write(
        &corpus,
        r#"{"id": "a", "source": "FA-KES", "text": "At least 50 people have lost their lives and 100 others sustained injuries in twin bomb attacks targeting a residential neighborhood in Syrias western city of Homs."}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("newslens.toml"),
        "[[actors]]\nid = \"homs\"\nname = \"Homs\"\nkind = \"place\"\nside = \"none\"\naliases = [\"Homs\"]\n",
    )
    .unwrap();
    let corpus = corpus.to_str().unwrap();
    let shown = newslens(&[
        "--corpus",
        corpus,
        "--mode",
        "csv",
        "-c",
        "run corpus-stats",
        "-c",
        "table actors | select source, actor, mentions",
    ]);
    assert!(shown.contains("FA-KES,homs,1"), "{shown}");
    let out = dir.join("out");
    newslens(&[
        "batch",
        "--corpus",
        corpus,
        "--out",
        out.to_str().unwrap(),
        "--run",
        "corpus-stats",
    ]);
    let actors = std::fs::read_to_string(out.join("corpus-stats/actors.jsonl")).unwrap();
    assert!(actors.contains("\"homs\""), "{actors}");
    // The run keeps its configuration, and a reduce of it uses that one.
    let own = std::fs::read_to_string(dir.join("newslens.toml")).unwrap();
    let kept = |folder: &std::path::Path| std::fs::read_to_string(folder.join("newslens.toml"));
    assert_eq!(kept(&out).unwrap(), own);
    let merged = dir.join("merged");
    newslens(&[
        "reduce",
        out.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--run",
        "corpus-stats",
    ]);
    assert_eq!(kept(&merged).unwrap(), own);
    // A shard made with another configuration (the bundled one) is not
    // reduced with this one by accident.
    let other = dir.join("other");
    newslens(&[
        "batch",
        "--corpus",
        "corpus",
        "--out",
        other.to_str().unwrap(),
        "--run",
        "corpus-stats",
    ]);
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_newslens"))
        .args(["reduce", out.to_str().unwrap(), other.to_str().unwrap()])
        .args([
            "--out",
            dir.join("refused").to_str().unwrap(),
            "--run",
            "corpus-stats",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("different configurations"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
