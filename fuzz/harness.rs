//! What each fuzz target does with one input. Shared by the cargo-fuzz targets (`fuzz/fuzz_targets`) and by
//! the ordinary test `crates/jixiao-io/tests/fuzz_regressions.rs`, which runs every committed seed and every
//! regression input through the same functions in CI. A panic, or a broken invariant below, is a finding.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use jixiao_core::{Policy, Project, evaluate, value};
use jixiao_io::LoadError;
use jixiao_io::import::import_bytes;

/// Bytes as the input a fuzzer gives, without ever failing on non-UTF-8.
fn lossy(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The value language: a target on the first line, an actual after it (read in the light of the target),
/// and the whole input as one value.
pub fn value(data: &[u8]) {
    let text = lossy(data);
    let whole = value::parse(&text);
    assert_eq!(whole.text, text, "a value keeps its text as written");
    let (target, actual) = text.split_once('\n').unwrap_or((&text, ""));
    let t = value::parse(target);
    let a = value::parse_actual(actual, &t);
    assert_eq!(a.text, actual);
}

/// Every project that came in is scored and its project file written and read back: what `jixiao import`
/// and `jixiao eval` do next with it. An import may be incomplete (its findings say so) and then fail
/// validation, but its file must always be well-formed, and a complete one must come back unchanged.
fn follow_up(project: &Project) {
    let _ = evaluate(project, Policy::standard());
    let toml = jixiao_io::to_toml(project);
    let json = jixiao_io::to_json(project);
    for (text, back) in [
        (&toml, jixiao_io::from_toml(&toml, Path::new("back.toml"))),
        (&json, jixiao_io::from_json(&json, Path::new("back.json"))),
    ] {
        match back {
            Ok(back) => assert_eq!(
                &back, project,
                "the project file round trip changed the project:\n{text}"
            ),
            Err(e @ LoadError::Syntax { .. }) => {
                panic!("a project's own file is malformed: {e}\n{text}")
            }
            Err(_) => {}
        }
    }
}

/// Imports `data` as the file `name`; an error must name the file.
fn import_as(data: &[u8], name: &str) {
    match import_bytes(data, Path::new(name)) {
        Ok(all) => all.iter().for_each(|i| follow_up(&i.project)),
        Err(e) => assert!(
            e.to_string().contains(name),
            "error does not name the file: {e}"
        ),
    }
}

/// The published-text importer (UTF-8 or GBK text as pasted from a report).
pub fn text_import(data: &[u8]) {
    import_as(data, "fuzz.txt");
}

/// The xlsx importer, twice: the bytes as an uploaded file, and the bytes as the first worksheet of a real
/// workbook (so that mutations reach the grid reader instead of stopping at the zip checksum).
pub fn xlsx_import(data: &[u8]) {
    import_as(data, "fuzz.xlsx");
    import_as(&with_sheet(data), "fuzz-sheet.xlsx");
}

/// The workbook `tests/fixtures/import/panyu-national.xlsx` with `xl/worksheets/sheet1.xml` replaced.
pub fn with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    static TEMPLATE: &[u8] = include_bytes!("../tests/fixtures/import/panyu-national.xlsx");
    let mut src =
        zip::ZipArchive::new(Cursor::new(TEMPLATE)).expect("the template workbook is a zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).expect("template entry");
        let name = entry.name().expect("template entry name").into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("template entry reads");
        out.start_file(name.as_str(), stored).expect("zip entry");
        out.write_all(if name == "xl/worksheets/sheet1.xml" {
            sheet_xml
        } else {
            &bytes
        })
        .expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}

/// The project-file loader: TOML and JSON text, straight and through the importer's detection.
pub fn project_file(data: &[u8]) {
    let text = lossy(data);
    for (name, load) in [
        (
            "fuzz.toml",
            jixiao_io::from_toml as fn(&str, &Path) -> Result<Project, LoadError>,
        ),
        ("fuzz.json", jixiao_io::from_json),
    ] {
        match load(&text, Path::new(name)) {
            Ok(p) => follow_up(&p),
            Err(e) => assert!(
                e.to_string().contains(name),
                "error does not name the file: {e}"
            ),
        }
    }
    import_as(data, "fuzz-project");
}
