//! A project whose every text field carries `<script>`, quotes, an entity and a formula trigger
//! (tests/fixtures/hostile/project.json): every document shows the literal text, escaped where the format
//! needs it, and never as markup or a formula.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao_core::{Policy, Project, evaluate};
use jixiao_report::{Format, Options, render};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hostile() -> Project {
    jixiao_io::load(&root().join("tests/fixtures/hostile/project.json"))
        .expect("the hostile project is a valid project file")
}

fn bytes(project: &Project, format: Format, appendix: bool) -> Vec<u8> {
    let policy = Policy::default_policy();
    let evaluation = evaluate(project, &policy);
    let options = Options {
        appendix,
        ..Options::default()
    };
    render(project, &evaluation, &policy, format, &options)
        .expect("renders")
        .bytes
}

/// The hostile tail of field `n`, as the user wrote it.
fn tail(n: usize) -> String {
    format!("<script>alert(\"F{n:02}\")</script>'\"&amp;")
}

const FIELDS: usize = 50;

fn zip_entry(zip: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Fields of the narrative report (report.*), which the 自评表 itself does not show.
const FORM_FIELDS: std::ops::Range<usize> = 0..41;

#[test]
fn html_shows_every_field_escaped() {
    let html = String::from_utf8(bytes(&hostile(), Format::Html, true)).unwrap();
    for n in 0..FIELDS {
        let escaped = jixiao_report::html::esc(&tail(n));
        assert!(
            escaped.contains("&lt;script&gt;")
                && escaped.contains("&quot;")
                && escaped.contains("&amp;amp;")
        );
        assert!(
            html.contains(&escaped),
            "field F{n:02} is missing or not escaped"
        );
    }
    assert!(
        !html.contains("<script>alert"),
        "a field's markup reached the page"
    );
}

/// The text of document.xml, as Word reads it: it must be well-formed XML.
fn docx_text(docx: &[u8]) -> String {
    let xml = zip_entry(docx, "word/document.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                match r.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => text.push(c),
                    None => text.push_str(
                        &quick_xml::escape::unescape(&format!("&{};", r.xml10_content()))
                            .expect("a predefined entity"),
                    ),
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "document.xml is not well-formed at {}: {e}",
                reader.error_position()
            ),
        }
    }
    text
}

#[test]
fn docx_is_well_formed_and_holds_the_literal_text() {
    let text = docx_text(&bytes(&hostile(), Format::Docx, true));
    for n in 0..FIELDS {
        assert!(
            text.contains(&tail(n)),
            "field F{n:02} is not in the document as written"
        );
    }
}

#[test]
fn pdf_shows_the_literal_text() {
    let pdf = bytes(&hostile(), Format::Pdf, true);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/test installs poppler-utils)");
    assert!(out.status.success());
    // pdftotext breaks lines wherever the layout wraps a cell.
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&String::from_utf8(out.stdout).unwrap());
    for n in 0..FIELDS {
        assert!(
            text.contains(&squeeze(&tail(n))),
            "field F{n:02} is not in the PDF as written"
        );
    }
}

#[test]
fn xlsx_cells_starting_with_a_formula_trigger_are_text() {
    use calamine::{Data, Reader, Xlsx};
    let p = hostile();
    let xlsx = bytes(&p, Format::Xlsx, true);
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    let sheets = wb.sheet_names().to_vec();
    let mut strings = Vec::new();
    for name in &sheets {
        let formulas = wb.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "sheet {name} has a formula"
        );
        strings.extend(wb.worksheet_range(name).unwrap().used_cells().filter_map(
            |(_, _, d)| match d {
                Data::String(s) => Some(s.clone()),
                _ => None,
            },
        ));
    }
    for n in FORM_FIELDS {
        let cell = strings
            .iter()
            .find(|s| s.contains(&format!("\"F{n:02}\"")))
            .unwrap_or_else(|| panic!("field F{n:02} is not in a text cell"));
        assert!(cell.contains(&tail(n)), "{cell}");
    }
    for trigger in ['=', '+', '-', '@'] {
        assert!(
            strings
                .iter()
                .any(|s| s.starts_with(trigger) && s.contains("<script>")),
            "a text cell starting with {trigger}"
        );
    }
    // And in the file itself: string cells only, no formula element anywhere.
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        if entry.name().unwrap().starts_with("xl/worksheets/") {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).unwrap();
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{} holds a formula",
                entry.name().unwrap()
            );
        }
    }
}
