//! `jixiao report` end to end: every format from the seed example, warnings on stderr, errors with exit 2.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/panyu-2022.toml")
}

fn jixiao() -> Command {
    let mut cmd = Command::cargo_bin("jixiao").unwrap();
    cmd.env_remove("JIXIAO_FONTS_DIR");
    cmd
}

#[test]
fn report_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let magic: [(&str, &[u8]); 6] = [
        ("xlsx", b"PK"),
        ("docx", b"PK"),
        ("pdf", b"%PDF-"),
        ("html", b"<!DOCTYPE html>"),
        ("md", "# 番禺区委组织部".as_bytes()),
        ("json", b"{"),
    ];
    for (format, start) in magic {
        let out = dir.path().join(format!("seed.{format}"));
        jixiao()
            .args([
                "report",
                seed().to_str().unwrap(),
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ])
            .assert()
            .success()
            .stderr(contains("已生成"));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(start), "{format}");
    }
}

#[test]
fn report_options_template_and_appendix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.md");
    jixiao()
        .args([
            "report",
            seed().to_str().unwrap(),
            "--format",
            "md",
            "-o",
            out.to_str().unwrap(),
            "--template",
            "mof-2020",
            "--appendix",
        ])
        .assert()
        .success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("## 七、其他需要说明的问题"));
    assert!(md.contains("## 附件：复核附录"));
    assert!(
        md.contains("budget-adjusted"),
        "the seed's 90% mid-year cut is a finding in the appendix"
    );
}

#[test]
fn rare_characters_warn_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed()).unwrap().replacen(
        "implementer = \"番禺区委组织部\"",
        "implementer = \"李堃工作室\"",
        1,
    );
    assert!(text.contains("李堃工作室"));
    let project = dir.path().join("rare.toml");
    std::fs::write(&project, text).unwrap();
    let out = dir.path().join("rare.pdf");
    jixiao()
        .args([
            "report",
            project.to_str().unwrap(),
            "--format",
            "pdf",
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stderr(contains("警告：").and(contains("堃（U+5803）")));
    assert!(out.exists());
}

#[test]
fn bad_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    jixiao()
        .args([
            "report",
            seed().to_str().unwrap(),
            "--format",
            "odt",
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .failure()
        .stderr(contains("不支持的文档格式“odt”"));
    jixiao()
        .args([
            "report",
            "no-such-file.toml",
            "--format",
            "pdf",
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("no-such-file.toml"));
    jixiao()
        .args([
            "report",
            seed().to_str().unwrap(),
            "--format",
            "pdf",
            "-o",
            out.to_str().unwrap(),
            "--fonts-dir",
            dir.path().join("none").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(contains("字体目录"));
    assert!(!out.exists(), "nothing written on error");
}
