//! The 项目支出绩效目标表 (jixiao_report::goals) of the example declaration, checked as a reader would:
//! the DOCX opened as a zip and its document text read, the PDF's text through poppler's pdftotext
//! (scripts/test installs poppler-utils).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao_core::goals::Declaration;
use jixiao_report::content::{CellStyle, Report};
use jixiao_report::goals;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> Declaration {
    let text =
        std::fs::read_to_string(root().join("examples/goals/hedao-baojie-2023.toml")).unwrap();
    toml::from_str(&text).expect("the example declaration loads")
}

/// The text of a docx's body, tags removed and entities decoded.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Text(t)) => out.push_str(&t.xml10_content()),
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                match r.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => out.push(c),
                    None => out.push_str(
                        &quick_xml::escape::unescape(&format!("&{};", r.xml10_content()))
                            .expect("a predefined entity"),
                    ),
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("document.xml is not well-formed: {e}"),
        }
    }
    out
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("goals.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/test installs poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Without whitespace: both formats break lines wherever a cell wraps.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_table_holds_every_field_of_the_declaration() {
    let d = example();
    let r: Report = goals::build(&d);
    assert_eq!(r.title, "项目支出绩效目标表");
    assert_eq!(r.sheet.subtitle, "（2023年度）");
    let texts: Vec<&str> = r
        .sheet
        .rows
        .iter()
        .flatten()
        .map(|c| c.text.as_str())
        .collect();
    for want in [
        "河涌保洁及水面垃圾清理",
        "番禺区水务局",
        "番禺区河道管理所",
        "延续项目",
        "2021—2023年",
        "1280.00",
        "其中：财政拨款",
        "1200.00",
        "其中：上年结转资金",
        "80.00",
        "中长期目标",
        "计划标准：《番禺区河涌保洁实施方案》",
        "行业标准：《地表水环境质量标准》（GB 3838—2002）",
        "历史标准",
    ] {
        assert!(texts.contains(&want), "{want} not in {texts:?}");
    }
    for g in &d.indicators {
        assert!(texts.contains(&g.name.as_str()), "{}", g.name);
        assert!(texts.contains(&g.target.as_str()), "{}", g.target);
        assert!(texts.contains(&g.explanation.as_str()), "{}", g.explanation);
    }
    // Money is exact: the cell keeps the declared amount.
    let total = r
        .sheet
        .rows
        .iter()
        .flatten()
        .find(|c| c.text == "1280.00")
        .unwrap();
    assert_eq!(total.style, CellStyle::Number);
    assert_eq!(total.number, Some(d.funds.total));
    // 一级 merged down its rows: 产出指标 over the five 产出 indicators.
    let l1 = r
        .sheet
        .rows
        .iter()
        .flatten()
        .find(|c| c.text == "产出指标")
        .unwrap();
    assert_eq!(l1.rowspan, 5);
    // Every row fills the grid exactly.
    let cols = r.sheet.columns();
    let placed = r.sheet.placed();
    for p in &placed {
        assert!(p.col + p.cell.colspan <= cols, "{p:?}");
    }
    assert_eq!(
        r.sheet.notes,
        vec!["注：各三级指标分值合计 90 分。".to_string()]
    );
}

#[test]
fn the_docx_opens_and_holds_the_project_and_every_indicator() {
    let d = example();
    let bytes = goals::docx(&d).unwrap();
    let text = squeeze(&docx_text(&bytes));
    for want in [
        "项目支出绩效目标表",
        "（2023年度）",
        "河涌保洁及水面垃圾清理",
        "番禺区水务局",
        "年度资金总额",
        "1280.00",
    ] {
        assert!(text.contains(&squeeze(want)), "{want} not in {text}");
    }
    for g in &d.indicators {
        assert!(text.contains(&squeeze(&g.name)), "{}", g.name);
        assert!(text.contains(&squeeze(&g.target)), "{}", g.target);
    }
    assert!(text.contains(&squeeze(&d.goals.annual)));
    assert!(text.contains(&squeeze(&d.goals.long_term)));
}

#[test]
fn the_pdf_starts_as_a_pdf_and_reads_as_the_table() {
    let d = example();
    let r = goals::pdf(&d, None).unwrap();
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let text = squeeze(&pdftotext(&r.bytes));
    for want in ["项目支出绩效目标表", "河涌保洁及水面垃圾清理", "1280.00"] {
        assert!(text.contains(want), "{want} not in {text}");
    }
    for g in &d.indicators {
        assert!(
            text.contains(&squeeze(&g.target)),
            "{} not in {text}",
            g.target
        );
    }
}

#[test]
fn a_bare_declaration_still_renders() {
    // No weights, explanations or bases, no long-term goal, markup characters in the text.
    let mut d = example();
    d.goals.long_term.clear();
    d.project.period = None;
    d.funds.sources.clear();
    for g in &mut d.indicators {
        g.weight = None;
        g.explanation.clear();
        g.basis = None;
        g.basis_note.clear();
        g.data_source.clear();
    }
    d.indicators[0].name = "<b>保洁</b> & \"长度\"".into();
    let r = goals::build(&d);
    assert_eq!(r.sheet.columns(), 4, "only the four indicator columns");
    assert!(r.sheet.notes.is_empty());
    let text = docx_text(&goals::docx(&d).unwrap());
    assert!(text.contains("<b>保洁</b> & \"长度\""), "{text}");
    let pdf = goals::pdf(&d, None).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"));

    d.indicators.clear();
    let r = goals::build(&d);
    assert!(
        r.sheet
            .rows
            .iter()
            .flatten()
            .any(|c| c.text == "（未填写绩效指标）")
    );
    assert!(goals::docx(&d).is_ok());
}
