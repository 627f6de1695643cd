//! The open-data export: the one JSON form of a project with its evaluation and findings
//! (jixiao_core::exchange, schema `jixiao-evaluation`, documented in docs/open-data.md).

use jixiao_core::{Evaluation, Exchange, Policy, Project};

/// The export as pretty-printed UTF-8 JSON.
pub fn render(p: &Project, e: &Evaluation, policy: &Policy) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(&Exchange::new(p, e, policy))?;
    bytes.push(b'\n');
    Ok(bytes)
}
