//! The seed report text imports to the hand transcription (examples/panyu-2022.toml) and evaluates the same.

use jixiao_core::Code;
use std::path::{Path, PathBuf};

use jixiao_core::{Policy, Project, evaluate};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Narrative text compared without whitespace (line breaks and extraction spaces are not content).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn without_narrative(p: &Project) -> Project {
    let mut p = p.clone();
    p.goals = Default::default();
    p.report = Default::default();
    p
}

#[test]
fn seed_text_imports_to_the_hand_transcription() {
    let imported =
        jixiao_io::import_file(&root().join("tests/fixtures/seed/000_fdc4d79588a6b52b.txt"))
            .unwrap();
    assert_eq!(imported.len(), 1);
    let got = &imported[0].project;
    let want = jixiao_io::load(&root().join("examples/panyu-2022.toml")).unwrap();

    // Everything but the narrative is exactly equal, field by field first for a readable failure.
    assert_eq!(got.project, want.project);
    assert_eq!(got.funds, want.funds);
    assert_eq!(got.indicators.len(), want.indicators.len());
    for (g, w) in got.indicators.iter().zip(&want.indicators) {
        assert_eq!(g, w);
    }
    assert_eq!(got.statement, want.statement);
    assert_eq!(without_narrative(got), without_narrative(&want));

    // Narrative: equal up to whitespace.
    for (field, g, w) in [
        ("goals.expected", &got.goals.expected, &want.goals.expected),
        ("goals.actual", &got.goals.actual, &want.goals.actual),
        (
            "report.background",
            &got.report.background,
            &want.report.background,
        ),
        ("report.goals", &got.report.goals, &want.report.goals),
        (
            "report.funds_usage",
            &got.report.funds_usage,
            &want.report.funds_usage,
        ),
        (
            "report.implementation",
            &got.report.implementation,
            &want.report.implementation,
        ),
        (
            "report.overview",
            &got.report.overview,
            &want.report.overview,
        ),
        (
            "report.conclusion",
            &got.report.conclusion,
            &want.report.conclusion,
        ),
        (
            "report.experience",
            &got.report.experience,
            &want.report.experience,
        ),
        (
            "report.problems",
            &got.report.problems,
            &want.report.problems,
        ),
        (
            "report.measures",
            &got.report.measures,
            &want.report.measures,
        ),
    ] {
        assert_eq!(squeeze(g), squeeze(w), "{field}");
    }
}

#[test]
fn seed_text_evaluates_like_the_hand_transcription() {
    let got =
        jixiao_io::load_any(&root().join("tests/fixtures/seed/000_fdc4d79588a6b52b.txt")).unwrap();
    let want = jixiao_io::load(&root().join("examples/panyu-2022.toml")).unwrap();
    let policy = Policy::builtin("mof-2020").unwrap();
    let (g, w) = (evaluate(&got, &policy), evaluate(&want, &policy));
    assert_eq!(format!("{:.2}", g.total), "100.00");
    assert_eq!(g.grade.as_str(), "优");
    assert_eq!(g.total, w.total);
    assert_eq!(g.grade, w.grade);
    let codes = |e: &jixiao_core::Evaluation| {
        e.findings
            .iter()
            .map(|f| (f.code, f.path.clone(), f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&g), codes(&w));
}

#[test]
fn seed_provenance_points_at_the_lines() {
    let imported = jixiao_io::load_any_with_findings(
        &root().join("tests/fixtures/seed/000_fdc4d79588a6b52b.txt"),
    )
    .unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/seed/000_fdc4d79588a6b52b.txt"))
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let line = |path: &str| {
        let o = imported
            .provenance
            .get(path)
            .unwrap_or_else(|| panic!("no provenance for {path}"));
        lines[o.line.expect("a text origin has a line") as usize - 1]
    };
    assert!(line("project.name").contains("产业人才发展专项资金"));
    assert!(line("funds.annual").contains("14.53"));
    assert!(line("indicators[4]").contains("媒体报道"));
    assert!(line("indicators[5].weight").contains("10 10"));
    assert!(line("statement.total").contains("100"));
    assert!(line("funds.initial").contains("150.00"));
}

#[test]
fn seed_text_cut_mid_table_imports_what_is_there() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/seed/000_fdc4d79588a6b52b.txt"))
        .unwrap();
    let cut = text.find("媒体报道 5篇").expect("the row is in the seed");
    let all =
        jixiao_io::import::import_bytes(&text.as_bytes()[..cut], Path::new("cut.txt")).unwrap();
    let imp = &all[0];
    let names: Vec<&str> = imp
        .project
        .indicators
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["政策调研、咨询", "人才活动", "人才政策", "人才政策申报"]
    );
    assert!(
        imp.findings
            .iter()
            .any(|f| f.code == Code::ImportIncomplete && f.path == "indicators")
    );
    assert_eq!(imp.project.funds.annual.to_string(), "14.53");
    // The table's 总分 row is cut off; the narrative's "总得分为 100 分" stands in for it, and says so.
    assert_eq!(
        imp.project
            .statement
            .total
            .map(|t| t.to_string())
            .as_deref(),
        Some("100")
    );
    assert!(
        imp.findings
            .iter()
            .any(|f| f.code == Code::ImportAmbiguous && f.path == "statement.total")
    );
}
