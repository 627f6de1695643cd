//! `jixiao library`: search, show and export the indicator library from the real binary.

use assert_cmd::Command;
use predicates::prelude::*;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

#[test]
fn search_finds_by_name_and_show_prints_the_sourced_examples() {
    let out = jixiao()
        .args(["library", "search", "满意度", "--json", "--limit", "5"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    let id = hits[0]["id"].as_str().unwrap().to_string();
    assert!(hits[0]["name"].as_str().unwrap().contains("满意度"));
    jixiao()
        .args(["library", "show", &id])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("一级指标：满意度指标")
                .and(predicate::str::contains("出处：")),
        );
    jixiao()
        .args(["library", "show", "no-such-id"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("没有编号为“no-such-id”的指标"));
    jixiao()
        .args(["library", "search", "量子纠缠通信卫星"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "没有与“量子纠缠通信卫星”匹配的指标",
        ));
}

#[test]
fn export_writes_every_entry_and_the_toml_reads_back_as_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("library.toml");
    jixiao()
        .args(["library", "export", "-f", "toml", "-o"])
        .arg(&toml_path)
        .assert()
        .success();
    let back =
        jixiao_core::library::Library::from_toml(&std::fs::read_to_string(&toml_path).unwrap())
            .unwrap();
    assert_eq!(&back, jixiao_core::library::Library::builtin());
    let csv = jixiao().args(["library", "export"]).output().unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    let examples: usize = back.entries.iter().map(|e| e.examples.len()).sum();
    assert_eq!(
        text.lines().count(),
        examples + 1,
        "one line per example and a header"
    );
    assert!(text.starts_with("\u{feff}编号,类别,行业,一级指标"));
    jixiao()
        .args(["library", "export", "-f", "pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("不支持的导出格式“pdf”"));
}
