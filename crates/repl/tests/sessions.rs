//! Golden REPL sessions: each `tests/sessions/*.toml` is a script and the
//! output it must give on the bundled corpus (trycmd). Read new output against
//! the articles before committing it (`TRYCMD=overwrite` rewrites the files).

#[test]
fn sessions() {
    trycmd::TestCases::new()
        .env("NEWSLENS_HISTORY", "")
        .env("NO_COLOR", "1")
        .case(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/sessions/*.toml"
        ));
}
