//! A file holding several projects (two forms in one text, one per sheet) is evaluated, checked and
//! reported project by project; a 部门整体 form is read and scored as a department-wide evaluation; an
//! import that contradicts the form makes `check` exit 1.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

/// A county form as published text: one row per line, cells separated by spaces.
fn form(title: &str, name_label: &str, name: &str, funds: &str, first_row: &str) -> String {
    format!(
        "{title}\n（2023年度）\n{name_label} {name}\n主管部门 某县司法局 实施单位 某县司法局\n\
         项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n\
         年度资金总额 {funds}\n\
         年度总体目标 预期目标 实际完成情况\n做好工作 已完成\n\
         一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n\
         {first_row}\n\
         效益指标 社会效益指标 重新犯罪率 ≤1% 0.5% 30 30\n\
         满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 10 10\n\
         总分 100 99.83\n"
    )
}

fn two_projects(dir: &tempfile::TempDir) -> PathBuf {
    let text = format!(
        "{}\n{}",
        form(
            "项目支出绩效自评表",
            "项目名称",
            "社区矫正经费",
            "30 30 29.5 10 98.33% 9.83",
            "产出指标 数量指标 矫正对象人数 ≥50人 56人 50 50"
        ),
        form(
            "项目支出绩效自评表",
            "项目名称",
            "法律援助经费",
            "20 20 19.666 10 98.33% 9.83",
            "产出指标 数量指标 援助案件数 ≥100件 120件 50 50"
        )
    );
    let path = dir.path().join("两个项目.txt");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn eval_scores_every_project_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = two_projects(&dir);
    jixiao()
        .arg("eval")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("社区矫正经费"))
        .stdout(predicate::str::contains("法律援助经费"))
        .stdout(predicate::str::contains("第 2 个，共 2 个"));
    let out = jixiao()
        .arg("eval")
        .arg("--json")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v.as_array().expect("several projects: a list");
    let names: Vec<&str> = list
        .iter()
        .map(|p| p["project"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["社区矫正经费", "法律援助经费"]);
}

#[test]
fn check_and_report_take_every_project_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = two_projects(&dir);
    let out = jixiao()
        .arg("check")
        .arg("--json")
        .arg(&file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    let target = dir.path().join("报告.md");
    jixiao()
        .args(["report", "--format", "md", "-o"])
        .arg(&target)
        .arg(&file)
        .assert()
        .success();
    let first = std::fs::read_to_string(dir.path().join("报告-1.md")).unwrap();
    let second = std::fs::read_to_string(dir.path().join("报告-2.md")).unwrap();
    assert!(first.contains("社区矫正经费"), "{first}");
    assert!(second.contains("法律援助经费"), "{second}");
}

#[test]
fn a_department_wide_form_is_scored_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("部门整体.txt");
    std::fs::write(
        &file,
        form(
            "部门整体支出绩效自评表",
            "部门（单位）名称",
            "某县司法局",
            "300 300 295 10 98.33% 9.83",
            "产出指标 数量指标 矫正对象人数 ≥50人 56人 50 50",
        )
        .replace("主管部门 某县司法局 实施单位 某县司法局\n", ""),
    )
    .unwrap();
    let out = jixiao()
        .arg("eval")
        .arg("--json")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["project"]["kind"], "department");
    assert_eq!(v["project"]["name"], "某县司法局");
    assert_eq!(v["evaluation"]["total"], "99.83");
    jixiao()
        .arg("eval")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("部门整体支出绩效自评"));
    let md = dir.path().join("报告.md");
    jixiao()
        .args(["report", "--format", "md", "-o"])
        .arg(&md)
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("部门整体支出绩效自评"), "{text}");
}

#[test]
fn an_import_that_contradicts_the_form_fails_check() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import/funds-row-contradicts.txt");
    jixiao()
        .arg("check")
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("import-inconsistent"));
}
