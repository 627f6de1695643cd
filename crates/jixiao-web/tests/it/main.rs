//! The web application's integration tests, one module per feature or concern, built as one test
//! program: one link instead of one per file (each would carry the whole product, ~140 MB), which keeps
//! the test build's time and disk use down. nextest still runs every test in its own process. The
//! servers are real (port 0), the browser tests drive a real Chromium ([`common::ui`]).

mod common;

mod accounts;
mod browser;
mod csp_browser;
mod dashboard;
mod demo_browser;
mod goals;
mod goals_browser;
mod hardening;
mod hostile;
mod http;
mod monitoring;
mod monitoring_browser;
mod operations;
mod policy;
mod public;
mod public_browser;
