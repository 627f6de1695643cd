//! The `jixiao` binary's integration tests, one module per command or concern, built as one test
//! program: one link instead of one per file (each would carry the whole product, ~140 MB), which keeps
//! the test build's time and disk use down. nextest still runs every test in its own process.

mod support;

mod backup;
mod batch;
mod cli;
mod crash;
mod goals;
mod hostile_paths;
mod import_cli;
mod library;
mod monitor;
mod report;
mod schema;
mod serve;
mod several;
mod two_servers;
