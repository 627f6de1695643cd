//! `jixiao goals` and `--goals` from the real binary: a declaration checked, a self-evaluation measured
//! against its approved goals, the 申报表 written and read back.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
}

#[test]
fn a_complete_declaration_passes_and_a_history_is_read() {
    jixiao()
        .args(["goals", "check"])
        .arg(example("goals/hedao-baojie-2023.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("未发现问题"));
    // The river goals against a history where last year cleared more than this year's target.
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("2022.toml");
    let text = std::fs::read_to_string(example("demo/hedao-baojie-2023.toml")).unwrap();
    std::fs::write(&last, text.replace("year = 2023", "year = 2022")).unwrap();
    let out = jixiao()
        .args(["goals", "check", "--json"])
        .arg(example("goals/hedao-baojie-2023.toml"))
        .arg("--history")
        .arg(&last)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"target-below-history"), "{codes:?}");
    assert!(out.status.success(), "warnings only");
}

#[test]
fn a_lowered_target_is_an_error_against_the_approved_goals() {
    let dir = tempfile::tempdir().unwrap();
    let lowered = dir.path().join("lowered.toml");
    let text = std::fs::read_to_string(example("demo/hedao-baojie-2023.toml")).unwrap();
    std::fs::write(
        &lowered,
        text.replacen("target = \"≥90%\"", "target = \"≥85%\"", 1),
    )
    .unwrap();
    // Without the goals nothing is wrong; with them the change is an error (exit 1).
    jixiao().arg("check").arg(&lowered).assert().success();
    jixiao()
        .arg("check")
        .arg(&lowered)
        .arg("--goals")
        .arg(example("goals/hedao-baojie-2023.toml"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "指标“河涌水质达标率”批复的指标值为“≥90%”，自评表为“≥85%”",
        ));
    // The documents' review appendix says it too.
    let report = dir.path().join("r.md");
    jixiao()
        .args(["report", "--format", "md", "--appendix", "-o"])
        .arg(&report)
        .arg(&lowered)
        .arg("--goals")
        .arg(example("goals/hedao-baojie-2023.toml"))
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("指标值与批复不符")
    );
}

#[test]
fn the_declaration_round_trips_through_its_workbook_and_prints_as_documents() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("申报表.xlsx");
    jixiao()
        .args(["goals", "export", "-f", "xlsx", "-o"])
        .arg(&xlsx)
        .arg(example("goals/hedao-baojie-2023.toml"))
        .assert()
        .success();
    let back = dir.path().join("back.toml");
    jixiao()
        .args(["goals", "import", "-o"])
        .arg(&back)
        .arg(&xlsx)
        .assert()
        .success();
    let want: jixiao_core::Declaration =
        toml::from_str(&std::fs::read_to_string(example("goals/hedao-baojie-2023.toml")).unwrap())
            .unwrap();
    let got: jixiao_core::Declaration =
        toml::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!(got, want);
    for format in ["docx", "pdf"] {
        let out = dir.path().join(format!("绩效目标表.{format}"));
        jixiao()
            .args(["goals", "export", "-f", format, "-o"])
            .arg(&out)
            .arg(example("goals/hedao-baojie-2023.toml"))
            .assert()
            .success();
        assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    }
    // Bad input names the file and the field.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[project]\nname = \"x\"\nyear = 2024\n[funds]\ntotal = \"-5\"\n",
    )
    .unwrap();
    jixiao()
        .args(["goals", "check"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml：funds.total"));
    jixiao()
        .args(["goals", "export", "-f", "odt", "-o", "x.odt"])
        .arg(example("goals/hedao-baojie-2023.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("不支持的格式“odt”"));
}
