//! The `jtool` command: argument parsing, files and exit codes on top of the library.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
