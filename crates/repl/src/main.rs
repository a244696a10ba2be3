fn main() {
    std::process::exit(newslens_repl::cli::main());
}
