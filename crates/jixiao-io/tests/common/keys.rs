//! The answer keys of the workbook corpora (tests/fixtures/goals/, tests/fixtures/monitor/): a TOML list
//! of what a workbook holds, each item with the findings it must raise ("code path"). Shared by the
//! 绩效目标申报表 and 监控表 tests.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jixiao_core::Finding;
use serde::de::DeserializeOwned;

/// The items of the key at `path` listed as `[[list]]`, each with the findings expected.
pub fn load_key<T: DeserializeOwned>(path: &Path, list: &str) -> Vec<(T, BTreeSet<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let items = table
        .remove(list)
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_else(|| panic!("{}: no [[{list}]]", path.display()));
    items
        .into_iter()
        .map(|v| {
            let mut t = v.as_table().expect("a table").clone();
            let findings: BTreeSet<String> = t
                .remove("findings")
                .and_then(|f| f.as_array().cloned())
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.as_str().expect("a string").to_string())
                .collect();
            let item: T = toml::Value::Table(t)
                .try_into()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (item, findings)
        })
        .collect()
}

/// Findings as an answer key lists them.
pub fn finding_keys(findings: &[Finding]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|f| format!("{} {}", f.code.as_str(), f.path))
        .collect()
}

/// The answer keys (`*.key.toml`) of a folder, sorted.
pub fn keys_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".key.toml"))
        .collect();
    out.sort();
    out
}
