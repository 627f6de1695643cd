//! `jixiao import`, and `eval` / `check` on every importable format, end to end.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

const SEED: &str = "tests/fixtures/seed/000_fdc4d79588a6b52b.txt";

#[test]
fn import_seed_text_to_stdout_is_a_loadable_project_file() {
    let out = jixiao()
        .current_dir(root())
        .args(["import", SEED])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = String::from_utf8(out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.toml");
    std::fs::write(&file, &toml).unwrap();
    let imported = jixiao_io::load(&file).unwrap();
    let example = jixiao_io::load(&root().join("examples/panyu-2022.toml")).unwrap();
    assert_eq!(imported.indicators, example.indicators);
    assert_eq!(imported.funds, example.funds);
    // The import findings go to stderr, naming the file.
    assert!(String::from_utf8_lossy(&out.stderr).contains("import-ambiguous"));
}

#[test]
fn eval_accepts_the_seed_text_and_scores_like_the_example() {
    let json = |file: &str| {
        let out = jixiao()
            .current_dir(root())
            .args(["eval", file, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (got, want) = (json(SEED), json("examples/panyu-2022.toml"));
    assert_eq!(got["evaluation"]["total"], "100");
    assert_eq!(got["evaluation"]["grade"], "优");
    // The same review findings; the import's own (the year taken from the text) come first.
    let (import, review): (Vec<_>, Vec<_>) = got["findings"]
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .partition(|f| f["code"].as_str().unwrap().starts_with("import-"));
    assert_eq!(serde_json::Value::Array(review), want["findings"]);
    assert!(
        import.iter().any(|f| f["path"] == "project.year"),
        "{import:?}"
    );
    assert_eq!(
        got["evaluation"]["indicators"],
        want["evaluation"]["indicators"]
    );
}

#[test]
fn eval_and_check_accept_xlsx_and_pdf() {
    jixiao()
        .current_dir(root())
        .args(["eval", "tests/fixtures/import/panyu-national.xlsx"])
        .assert()
        .success()
        .stdout(predicate::str::contains("100.00").and(predicate::str::contains("优")));
    jixiao()
        .current_dir(root())
        .args([
            "check",
            "tests/fixtures/import/panyu-national.xlsx",
            "tests/fixtures/import/panyu-short.pdf",
            "--json",
        ])
        .assert()
        .code(predicate::in_iter([0, 1]))
        .stdout(predicate::str::contains("target-overshoot"));
}

#[test]
fn import_several_files_into_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    jixiao()
        .current_dir(root())
        .args([
            "import",
            SEED,
            "tests/fixtures/import/panyu-national.xlsx",
            "tests/fixtures/published/02_sichuan_daying_sifaju_anke_2023.txt",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("import-incomplete"));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "000_fdc4d79588a6b52b.toml",
            "02_sichuan_daying_sifaju_anke_2023-2.toml",
            "02_sichuan_daying_sifaju_anke_2023.toml",
            "panyu-national.toml"
        ]
    );
    let xlsx = jixiao_io::load(&out.join("panyu-national.toml")).unwrap();
    assert_eq!(xlsx.project.name, "产业人才发展专项资金");
}

#[test]
fn import_to_a_json_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.json");
    jixiao()
        .current_dir(root())
        .args(["import", "tests/fixtures/import/panyu-short.pdf", "-o"])
        .arg(&out)
        .assert()
        .success();
    let p = jixiao_io::load(&out).unwrap();
    assert_eq!(p.indicators.len(), 6);
}

fn bad(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    (dir, file)
}

#[test]
fn malformed_inputs_exit_2_with_a_message_naming_the_file() {
    let mut truncated =
        std::fs::read(root().join("tests/fixtures/import/panyu-national.xlsx")).unwrap();
    truncated.truncate(truncated.len() / 2);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.xlsx", truncated, "损坏或不完整"),
        (
            "archive.xlsx",
            b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec(),
            "不是 xlsx",
        ),
        ("empty.txt", Vec::new(), "文件为空"),
        (
            "junk.txt",
            (0..2048u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 11) as u8)
                .collect(),
            "不是文本文件",
        ),
        (
            "no-table.xlsx",
            std::fs::read(root().join("tests/fixtures/import/no-table.xlsx")).unwrap(),
            "没有可识别的绩效自评表",
        ),
    ];
    for (name, bytes, words) in cases {
        let (_dir, file) = bad(name, &bytes);
        for cmd in [vec!["import"], vec!["eval"], vec!["check"]] {
            let assert = jixiao().args(&cmd).arg(&file).assert().code(2);
            let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
            assert!(
                stderr.contains(name) && stderr.contains(words),
                "{cmd:?} {name}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

#[test]
fn scanned_pdf_needs_ocr() {
    // The smallest PDF with a page and no text layer.
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let (_dir, file) = bad("扫描件.pdf", pdf);
    jixiao()
        .arg("import")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("扫描件.pdf").and(predicate::str::contains("OCR")));
}
