//! The `jixiao` binary as users and scripts call it (README, 命令行): real processes, real files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/panyu-2022.toml")
}

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

/// The seed example with one replacement applied, written to a temp file.
fn broken(dir: &tempfile::TempDir, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(seed()).unwrap();
    assert!(text.contains(from), "{from} not in the seed");
    let path = dir.path().join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn eval_prints_the_table_total_and_findings() {
    jixiao()
        .args(["eval", seed().to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("产业人才发展专项资金"))
        .stdout(predicate::str::contains("走访高层次人才"))
        .stdout(predicate::str::contains("计算 100.00"))
        .stdout(predicate::str::contains("评价等级 优"))
        .stdout(predicate::str::contains("target-overshoot"));
}

#[test]
fn eval_json_has_the_contract_fields() {
    let out = jixiao()
        .args(["eval", "--json", seed().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The one JSON form (schema jixiao-evaluation): exact decimals as strings.
    assert_eq!(v["schema"], "jixiao-evaluation");
    let e = &v["evaluation"];
    assert_eq!(e["total"], "100");
    assert_eq!(e["grade"], "优");
    assert_eq!(e["execution"]["rate"], "1");
    assert_eq!(e["execution"]["computed_score"], "10");
    assert_eq!(e["self_total"], "100");
    assert_eq!(v["funds"]["annual"]["unit"], "万元");
    let inds = e["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 6);
    assert_eq!(inds[4]["name"], "媒体报道");
    assert_eq!(inds[4]["level1"], "效益指标");
    assert_eq!(inds[4]["level2"], "社会效益");
    assert_eq!(inds[4]["weight"], "15");
    assert_eq!(inds[4]["computed_score"], "15");
    assert_eq!(inds[4]["self_score"], "15");
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["code"] == "budget-adjusted"
        && f["name"] == "预算调整幅度大"
        && f["severity"] == "warning"
        && f["path"] == "funds.annual"));
    assert!(
        findings
            .iter()
            .all(|f| f["message"].as_str().is_some_and(|m| !m.is_empty()))
    );
}

#[test]
fn check_exit_codes() {
    // No error-level finding: 0.
    jixiao()
        .args(["check", seed().to_str().unwrap()])
        .assert()
        .code(0);
    let dir = tempfile::tempdir().unwrap();
    // An error-level finding (stated total does not match): 1.
    let wrong_total = broken(&dir, "total.toml", "total = 100", "total = 95");
    jixiao()
        .args(["check", wrong_total.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("total-mismatch"));
    // Unreadable input: 2, and the readable files are still checked.
    let bad = broken(&dir, "bad.toml", "[project]", "[project");
    jixiao()
        .args(["check", seed().to_str().unwrap(), bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("budget-adjusted"))
        .stderr(predicate::str::contains("bad.toml"));
}

#[test]
fn an_unreadable_value_is_scored_around_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = broken(&dir, "unparsed.toml", "target = \"1场\"", "target = \"≥\"");
    jixiao()
        .args(["eval", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("value-unparsed"))
        .stdout(predicate::str::contains("人才活动"))
        .stdout(predicate::str::contains("无法计分"));
    jixiao()
        .args(["check", file.to_str().unwrap()])
        .assert()
        .code(1);
}

/// Each broken project file: exit 2, a message naming the file and the field, no panic.
#[test]
fn broken_project_files_name_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "syntax.toml",
            "name = \"产业人才发展专项资金\"",
            "name = \"产业人才发展专项资金",
            "第 13 行",
        ),
        (
            "unknown-key.toml",
            "execution_weight = 10",
            "execution_weight = 10\nexecuted_total = 3",
            "funds.executed_total",
        ),
        (
            "negative-weight.toml",
            "weight = 15\nself_score = 15\n\n[[indicators]]",
            "weight = -15\nself_score = 15\n\n[[indicators]]",
            "indicators[3].weight",
        ),
        (
            "weight-nan.toml",
            "weight = 10\nself_score = 10",
            "weight = \"十分\"\nself_score = 10",
            "indicators[2].weight",
        ),
        (
            "empty-name.toml",
            "name = \"人才活动\"",
            "name = \"  \"",
            "indicators[1].name",
        ),
        (
            "bad-grade.toml",
            "grade = \"优\"",
            "grade = \"特优\"",
            "statement.grade",
        ),
        (
            "missing-field.toml",
            "annual = \"14.53\"                      #",
            "#",
            "funds",
        ),
        // Beyond the model's bounds (issue 13): amounts, weights, scores and their decimal places.
        (
            "huge-amount.toml",
            "executed = \"14.53\"",
            "executed = \"79228162514264337593543950335\"",
            "funds.executed",
        ),
        (
            "huge-weight.toml",
            "weight = 10\nself_score = 10",
            "weight = \"100000000000000000000\"\nself_score = 10",
            "indicators[2].weight",
        ),
        (
            "long-score.toml",
            "weight = 10\nself_score = 10",
            "weight = 10\nself_score = \"9.0000000000000000001\"",
            "indicators[2].self_score",
        ),
        (
            "huge-total.toml",
            "total = 100",
            "total = \"100000000000000000000\"",
            "statement.total",
        ),
    ];
    for (name, from, to, field) in cases {
        let file = broken(&dir, name, from, to);
        jixiao()
            .args(["eval", file.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name))
            .stderr(predicate::str::contains(field))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn json_project_files_load_too() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed()).unwrap();
    let project: toml::Value = toml::from_str(&text).unwrap();
    let file = dir.path().join("seed.json");
    std::fs::write(&file, serde_json::to_string(&project).unwrap()).unwrap();
    let out = jixiao()
        .args(["eval", "--json", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["evaluation"]["total"], "100");
    // A JSON field error names the path too.
    std::fs::write(
        &file,
        serde_json::to_string(&project)
            .unwrap()
            .replace("\"weight\":20", "\"weight\":true"),
    )
    .unwrap();
    jixiao()
        .args(["eval", file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("indicators[0].weight"));
}

#[test]
fn missing_and_empty_files() {
    jixiao()
        .args(["eval", "/nonexistent/project.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/project.toml"));
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    jixiao()
        .args(["eval", empty.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.toml"));
    let junk = dir.path().join("junk.toml");
    std::fs::write(&junk, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    jixiao()
        .args(["eval", junk.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("junk.toml"));
}

#[test]
fn policies() {
    jixiao()
        .args(["policy", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("mof-2020"))
        .stdout(predicate::str::contains("mof-2017"));
    jixiao()
        .args(["policy", "show", "mof-2017"])
        .assert()
        .success()
        .stdout(predicate::str::contains("partial = [50, 80]"));
    jixiao()
        .args(["policy", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope"));
    // A user's own policy file: linear reverse formula and integer execution score.
    let dir = tempfile::tempdir().unwrap();
    let out = jixiao()
        .args(["policy", "show", "mof-2020"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace("name = \"mof-2020\"", "name = \"local\"")
        .replace("integer = false", "integer = true");
    let file = dir.path().join("local.toml");
    std::fs::write(&file, text).unwrap();
    let out = jixiao()
        .args([
            "eval",
            "--json",
            "--policy",
            file.to_str().unwrap(),
            seed().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["evaluation"]["policy"]["name"], "local");
    // A broken policy file is bad input.
    std::fs::write(&file, "name = 1").unwrap();
    jixiao()
        .args([
            "eval",
            "--policy",
            file.to_str().unwrap(),
            seed().to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("local.toml"));
}

#[test]
fn schema_describes_the_project_file() {
    let out = jixiao().arg("schema").output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = &v["properties"];
    for key in [
        "project",
        "funds",
        "goals",
        "indicators",
        "statement",
        "report",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
    assert_eq!(v["additionalProperties"], false);
}

/// Regression: `jixiao eval … | head` panicked with "Broken pipe" when head closed the pipe.
#[test]
fn a_closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("jixiao");
    let out = std::process::Command::new("sh")
        .arg("-c")
        // The reader closes its end at once, so jixiao's first write meets a closed pipe.
        .arg(format!(
            "'{}' eval '{}' | (exec 0<&-; sleep 1)",
            bin.display(),
            seed().display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}
