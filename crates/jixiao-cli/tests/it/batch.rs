//! `jixiao gen` then `jixiao batch` on a few hundred projects in every generated format (xlsx, toml,
//! jsonl), with corrupted input mixed in: every planted error is found, every computed total is the one
//! the generator expects, the corrupted inputs are listed and skipped, the workbook has its sheets and
//! columns, and the dashboard is self-contained.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use jixiao_batch::synthetic::Manifest;
use jixiao_batch::workbook;
use rust_decimal::Decimal;
use serde_json::Value;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

fn generate(out: &Path, format: &str, projects: usize, seed: u64) -> Manifest {
    jixiao()
        .args([
            "gen",
            "--projects",
            &projects.to_string(),
            "--seed",
            &seed.to_string(),
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(Manifest::path_for(out)).unwrap();
    let m: Manifest = serde_json::from_str(&text).unwrap();
    assert_eq!(m.projects.len(), projects);
    m
}

/// Source as the batch names it → (stated total, computed total, planted) from the manifests.
fn expected<'m>(
    dir: &Path,
    m: &'m Manifest,
    jsonl: Option<&Path>,
) -> Vec<(String, &'m jixiao_batch::synthetic::Expected)> {
    m.projects
        .iter()
        .map(|e| {
            let source = match (jsonl, e.line) {
                (Some(f), Some(line)) => format!("{}:{line}", f.display()),
                _ => dir.join(&e.file).display().to_string(),
            };
            (source, e)
        })
        .collect()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal as string: {v}"))
        .parse()
        .unwrap()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn gen_then_batch_finds_every_planted_error_and_the_expected_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let xlsx_dir = root.join("xlsx");
    let toml_dir = root.join("toml");
    let jsonl = root.join("more.jsonl");
    let mx = generate(&xlsx_dir, "xlsx", 80, 11);
    let mt = generate(&toml_dir, "toml", 200, 12);
    let mj = generate(&jsonl, "jsonl", 200, 13);
    // Same seed, same data.
    let again = root.join("again.jsonl");
    generate(&again, "jsonl", 200, 13);
    assert_eq!(
        std::fs::read(&jsonl).unwrap(),
        std::fs::read(&again).unwrap()
    );
    std::fs::remove_file(&again).unwrap();
    std::fs::remove_file(Manifest::path_for(&again)).unwrap();

    // Corrupted input: a truncated workbook, a text file that is no report, a bad JSON line.
    let good = std::fs::read(xlsx_dir.join(&mx.projects[0].file)).unwrap();
    let truncated = xlsx_dir.join("00").join("truncated.xlsx");
    std::fs::write(&truncated, &good[..good.len() / 3]).unwrap();
    let junk = toml_dir.join("notes.txt");
    std::fs::write(&junk, "会议纪要：下周一开会。\n").unwrap();
    let mut lines = std::fs::read_to_string(&jsonl).unwrap();
    lines.push_str("{\"project\": {\"name\": \"截断的记录\"\n");
    std::fs::write(&jsonl, lines).unwrap();
    let bad_line = format!("{}:{}", jsonl.display(), mj.projects.len() + 1);

    let out = root.join("审核.xlsx");
    let html = root.join("看板.html");
    let json = root.join("审核.json");
    let assert = jixiao()
        .args([
            "batch",
            xlsx_dir.to_str().unwrap(),
            toml_dir.to_str().unwrap(),
            jsonl.to_str().unwrap(),
        ])
        .args([
            "-o",
            out.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
            "--jobs",
            "2",
        ])
        .assert()
        .code(2); // unreadable input, as for every command; the rest is complete
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("truncated.xlsx"), "{stdout}");
    assert!(stdout.contains("notes.txt"), "{stdout}");
    assert!(
        stdout.contains("共审核 480 个项目（3 个文件或记录无法读取，已跳过）"),
        "{stdout}"
    );
    assert!(stdout.contains("峰值内存"), "{stdout}");

    let review: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows: BTreeMap<String, &Value> = review["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["source"].as_str().unwrap().to_string(), r))
        .collect();
    assert_eq!(rows.len(), 480);
    let failures: BTreeSet<String> = review["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        failures,
        BTreeSet::from([
            truncated.display().to_string(),
            junk.display().to_string(),
            bad_line.clone()
        ])
    );

    // Findings, from the workbook's findings sheet: (source, code, path). A reviewer reads each
    // finding by its Chinese name; the code is the last column, for searching.
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let findings = wb.worksheet_range(workbook::FINDINGS).unwrap();
    assert_eq!(text(&findings.rows().next().unwrap()[4]), "审核发现");
    for r in findings.rows().skip(1) {
        let code = jixiao_core::Code::parse(&text(&r[9])).expect("a catalogue code");
        assert_eq!(text(&r[4]), code.name());
        assert!(!code.name().is_ascii());
    }
    let found: BTreeSet<(String, String, String)> = findings
        .rows()
        .skip(1)
        .map(|r| (text(&r[0]), text(&r[9]), text(&r[6])))
        .collect();

    let mut planted = 0;
    let mut codes = BTreeSet::new();
    let all: Vec<_> = expected(&xlsx_dir, &mx, None)
        .into_iter()
        .chain(expected(&toml_dir, &mt, None))
        .chain(expected(root, &mj, Some(&jsonl)))
        .collect();
    for (source, e) in &all {
        let row = rows
            .get(source)
            .unwrap_or_else(|| panic!("{source} is in the batch"));
        assert_eq!(
            dec(&row["computed_total"]),
            e.computed_total,
            "{source}: computed total"
        );
        assert_eq!(
            dec(&row["stated_total"]),
            e.stated_total,
            "{source}: stated total"
        );
        for p in &e.planted {
            assert!(
                found.contains(&(source.clone(), p.code.to_string(), p.path.clone())),
                "{source}: planted {} at {} not found",
                p.code,
                p.path
            );
            planted += 1;
            codes.insert(p.code);
        }
    }
    assert!(
        planted > 50,
        "a few hundred projects carry dozens of planted errors ({planted})"
    );
    assert_eq!(
        codes.len(),
        6,
        "every kind of planted error occurs: {codes:?}"
    );

    // The shortlist: the lenient and the hidden budget cuts are on it, with their reasons.
    let short = review["shortlist"].as_array().unwrap();
    assert!(!short.is_empty());
    let first = &review["rows"][short[0].as_u64().unwrap() as usize];
    assert!(!first["reasons"].as_array().unwrap().is_empty());
    let lenient = all
        .iter()
        .find(|(_, e)| {
            e.planted
                .iter()
                .any(|p| p.code == jixiao_core::Code::SelfScoreAboveComputed)
        })
        .unwrap();
    let reasons = rows[&lenient.0]["reasons"].to_string();
    assert!(reasons.contains("高于按规则计算"), "{reasons}");
    let cut = all
        .iter()
        .find(|(_, e)| {
            e.planted
                .iter()
                .any(|p| p.code == jixiao_core::Code::BudgetAdjusted)
        })
        .unwrap();
    let reasons = rows[&cut.0]["reasons"].to_string();
    assert!(
        reasons.contains("调减") && reasons.contains("仍报"),
        "{reasons}"
    );
}

#[test]
fn the_workbook_has_its_sheets_and_columns_and_the_dashboard_is_self_contained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("toml");
    let m = generate(&dir, "toml", 120, 5);
    let out = tmp.path().join("审核.xlsx");
    let html = tmp.path().join("看板.html");
    jixiao()
        .args([
            "batch",
            dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ])
        .assert()
        .success();

    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            workbook::SUMMARY,
            workbook::FINDINGS,
            workbook::ORGS,
            workbook::SHORTLIST,
            workbook::FAILURES
        ]
    );
    for (sheet, columns) in [
        (workbook::SUMMARY, workbook::SUMMARY_COLUMNS),
        (workbook::FINDINGS, workbook::FINDING_COLUMNS),
        (workbook::ORGS, workbook::ORG_COLUMNS),
        (workbook::SHORTLIST, workbook::SHORTLIST_COLUMNS),
        (workbook::FAILURES, workbook::FAILURE_COLUMNS),
    ] {
        let range = wb.worksheet_range(sheet).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(text).collect();
        let want: Vec<&str> = columns.iter().map(|c| c.0).collect();
        assert_eq!(header, want, "{sheet}");
    }
    let summary = wb.worksheet_range(workbook::SUMMARY).unwrap();
    assert_eq!(summary.height(), m.projects.len() + 1);
    // Computed totals as numbers, and the per-organisation sheet covers every project.
    let col = |n: &str| {
        workbook::SUMMARY_COLUMNS
            .iter()
            .position(|c| c.0 == n)
            .unwrap()
    };
    let total_sum: f64 = summary
        .rows()
        .skip(1)
        .map(|r| r[col("计算总分")].get_float().unwrap())
        .sum();
    let expected_sum: Decimal = m.projects.iter().map(|p| p.computed_total).sum();
    assert!((total_sum - expected_sum.to_string().parse::<f64>().unwrap()).abs() < 1e-6);
    let orgs = wb.worksheet_range(workbook::ORGS).unwrap();
    let counted: f64 = orgs.rows().skip(1).map(|r| r[2].get_float().unwrap()).sum();
    assert_eq!(counted as usize, m.projects.len());

    let page = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "<svg",
        "评价等级分布",
        "总分分布",
        "各类审核发现",
        "单位平均计算总分排名",
        "平均差额",
        "抽查清单",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let lower = page.to_ascii_lowercase();
    for external in [
        "http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link",
    ] {
        assert!(
            !lower.contains(external),
            "the dashboard must not load anything: found {external}"
        );
    }
}
