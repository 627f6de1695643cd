//! Word and PDF: the 自评表 table and the headed sections of a report.

mod common;

use std::path::{Path, PathBuf};

use jixiao_core::Project;
use lopdf::dictionary;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> Project {
    jixiao_io::load(&root().join("examples/panyu-2022.toml")).unwrap()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The seed with cells short enough that no table cell wraps on an A4 landscape page.
pub fn short_seed() -> Project {
    let mut p = seed();
    for (i, a) in p.indicators.iter_mut().zip([
        "已赴黄埔区调研1次",
        "已组织3场",
        "已出台实施细则",
        "申报率100%",
        "超30篇次",
        "62人次",
    ]) {
        i.actual = a.into();
    }
    p.goals.expected = "吸引带动各类产业人才".into();
    p.goals.actual = "完成年度目标".into();
    p
}

#[test]
fn docx_report_imports_table_and_sections() {
    let p = seed();
    let bytes = common::docx::report(&p);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("番禺.docx");
    std::fs::write(&file, &bytes).unwrap();
    let imp = jixiao_io::load_any_with_findings(&file).unwrap();
    let got = &imp.project;
    assert_eq!(got.project, p.project);
    assert_eq!(got.funds, p.funds);
    assert_eq!(got.goals, p.goals);
    assert_eq!(got.indicators, p.indicators);
    assert_eq!(got.statement.total, p.statement.total);
    for (g, w) in [
        (&got.report.background, &p.report.background),
        (&got.report.goals, &p.report.goals),
        (&got.report.funds_usage, &p.report.funds_usage),
        (&got.report.implementation, &p.report.implementation),
        (&got.report.overview, &p.report.overview),
        (&got.report.conclusion, &p.report.conclusion),
        (&got.report.experience, &p.report.experience),
        (&got.report.problems, &p.report.problems),
        (&got.report.measures, &p.report.measures),
    ] {
        assert_eq!(squeeze(g), squeeze(w));
    }
    let o = imp.provenance.get("indicators[1]").unwrap();
    assert_eq!((o.table, o.row), (Some(1), Some(12)));
}

/// tests/fixtures/import/panyu-short.pdf was made from `common::docx::report(&short_seed())` with
/// LibreOffice (`soffice --headless --convert-to pdf`); see tests/fixtures/import/README.md.
#[test]
fn pdf_imports_header_funds_and_indicator_table() {
    let want = short_seed();
    let file = root().join("tests/fixtures/import/panyu-short.pdf");
    let got = jixiao_io::load_any(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.project, want.project);
    assert_eq!(got.funds, want.funds);
    assert_eq!(got.indicators, want.indicators);
    assert_eq!(got.statement.total, want.statement.total);
    // The narrative sections around the table, without the table in them.
    let (g, w) = (&got.report, &want.report);
    for (name, a, b) in [
        ("background", &g.background, &w.background),
        ("funds_usage", &g.funds_usage, &w.funds_usage),
        ("overview", &g.overview, &w.overview),
        ("conclusion", &g.conclusion, &w.conclusion),
        ("experience", &g.experience, &w.experience),
        ("problems", &g.problems, &w.problems),
        ("measures", &g.measures, &w.measures),
    ] {
        assert_eq!(squeeze(a), squeeze(b), "{name}");
    }
}

#[test]
fn scanned_pdf_needs_ocr() {
    // A one-page PDF with no text layer, as a scanner makes (here: an empty page).
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(lopdf::Stream::new(
        dictionary! {},
        b"0 0 1 rg 0 0 100 100 re f".to_vec(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        lopdf::Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let err = jixiao_io::import::import_bytes(&bytes, Path::new("扫描件.pdf")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("扫描件.pdf：") && msg.contains("OCR"),
        "{msg}"
    );
}

/// The Word source of the PDF fixture imports to the same table; JIXIAO_WRITE_PDF_SOURCE=path also writes it
/// out, to remake the PDF.
#[test]
fn pdf_fixture_source_imports() {
    let bytes = common::docx::report(&short_seed());
    if let Ok(path) = std::env::var("JIXIAO_WRITE_PDF_SOURCE") {
        std::fs::write(path, &bytes).unwrap();
    }
    let imp = jixiao_io::import::import_bytes(&bytes, Path::new("short.docx")).unwrap();
    assert_eq!(imp[0].project.indicators, short_seed().indicators);
}
