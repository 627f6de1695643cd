//! What each fuzz target does with one input. Shared by the cargo-fuzz targets (`fuzz/fuzz_targets`) and by
//! the ordinary test `crates/jixiao-io/tests/fuzz_regressions.rs`, which runs every committed seed and every
//! regression input through the same functions in CI. A panic, or a broken invariant below, is a finding.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use jixiao_core::{Code, Policy, Project, evaluate, value};
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

/// The fuzzer's panic hook aborts on every panic. Panics the importer itself catches and turns into an
/// error naming the file (`jixiao_io::import::panic_is_caught`: calamine's .xls reader) go on to that catch;
/// every other panic still reaches the fuzzer's hook.
fn let_caught_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fatal = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !jixiao_io::import::panic_is_caught() {
                fatal(info)
            }
        }));
    });
}

/// Imports `data` as the file `name`; an error must name the file.
fn import_as(data: &[u8], name: &str) {
    let_caught_panics_unwind();
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
    replace_entry(TEMPLATE, "xl/worksheets/sheet1.xml", sheet_xml)
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

/// A whole project from fuzzer text, scored and checked: the first line is the project (year, 全年预算数,
/// 执行数, 预算执行率分值, its self-score, the stated total, 年初预算数), each further line an indicator
/// (一级指标, 二级指标, name, target, actual, weight, self-score, direction), fields separated by `|`. A field
/// that is no number is left out. Projects the model refuses (`Project::validate`) stop there, as the loaders
/// do; every other project must be evaluated without a panic, with every score between 0 and its weight.
pub fn evaluate_project(data: &[u8]) {
    use jixiao_core::model::{Direction, Funds, Goals, Header, Indicator, Narrative, Statement};
    use jixiao_core::scoring::Outcome;
    use rust_decimal::Decimal;

    let text = lossy(data);
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split('|').collect();
    let field = |f: &[&str], i: usize| f.get(i).copied().unwrap_or("").trim().to_string();
    let number = |f: &[&str], i: usize| field(f, i).parse::<Decimal>().ok();
    let project = Project {
        project: Header {
            name: "模糊测试".into(),
            year: field(&head, 0).parse().unwrap_or(2023),
            level: None,
            department: String::new(),
            implementer: String::new(),
            code: None,
            kind: Default::default(),
        },
        funds: Funds {
            initial: number(&head, 6),
            annual: number(&head, 1).unwrap_or(Decimal::ONE_HUNDRED),
            executed: number(&head, 2).unwrap_or(Decimal::ONE_HUNDRED),
            execution_weight: number(&head, 3).unwrap_or(Decimal::TEN),
            self_score: number(&head, 4),
            review_score: None,
            sources: Vec::new(),
        },
        goals: Goals::default(),
        indicators: lines
            .map(|line| {
                let f: Vec<&str> = line.split('|').collect();
                Indicator {
                    level1: match field(&f, 0) {
                        s if s.is_empty() => "产出指标".into(),
                        s => s,
                    },
                    level2: field(&f, 1),
                    name: match field(&f, 2) {
                        s if s.is_empty() => "指标".into(),
                        s => s,
                    },
                    target: f.get(3).copied().unwrap_or("").to_string(),
                    actual: f.get(4).copied().unwrap_or("").to_string(),
                    weight: number(&f, 5).unwrap_or(Decimal::TEN),
                    self_score: number(&f, 6),
                    review_score: None,
                    deviation: None,
                    direction: match field(&f, 7).as_str() {
                        "正向" => Some(Direction::Positive),
                        "反向" => Some(Direction::Reverse),
                        "定性" => Some(Direction::Qualitative),
                        _ => None,
                    },
                }
            })
            .collect(),
        statement: Statement {
            total: number(&head, 5),
            ..Statement::default()
        },
        report: Narrative::default(),
    };
    if !project.validate().is_empty() {
        return;
    }
    for policy in [Policy::standard(), &linear_policy()] {
        let e = evaluate(&project, policy);
        for (ind, sc) in project.indicators.iter().zip(&e.indicators) {
            if let Some(s) = sc.score {
                assert!(
                    s >= Decimal::ZERO && s <= ind.weight,
                    "score {s} outside 0–{} for {:?} / {:?}",
                    ind.weight,
                    ind.target,
                    ind.actual
                );
            }
            if sc.outcome == Outcome::Unscorable && !sc.unit_mismatch {
                assert!(
                    e.findings.iter().any(|f| f.code == Code::ValueUnparsed),
                    "an indicator that cannot be scored is an error finding"
                );
            }
        }
        if let Some(s) = e.execution.score {
            assert!(s >= Decimal::ZERO && s <= project.funds.execution_weight);
        }
        assert!(e.total >= Decimal::ZERO);
    }
}

/// The built-in policy with the linear reverse formula, so that both formulas are fuzzed.
fn linear_policy() -> Policy {
    let mut p = Policy::default_policy();
    p.reverse.formula = jixiao_core::policy::ReverseFormula::Linear;
    p
}

/// The .xls importer (Excel 97-2003, an OLE compound file read by calamine): the bytes as an uploaded
/// `fuzz.xls`. The committed seeds are real .xls workbooks, so mutations reach calamine's BIFF reader.
pub fn xls_import(data: &[u8]) {
    import_as(data, "fuzz.xls");
}

/// The Word importer: the bytes as an uploaded `fuzz.docx`, and as the `word/document.xml` of a real
/// report (so that mutations reach the table and paragraph reader instead of stopping at the zip).
pub fn docx_import(data: &[u8]) {
    import_as(data, "fuzz.docx");
    import_as(&with_document(data), "fuzz-document.docx");
}

/// The committed report `tests/fixtures/lo-pdf/c-noscore_docx_panyu-2022.docx` with its
/// `word/document.xml` replaced.
pub fn with_document(document_xml: &[u8]) -> Vec<u8> {
    static TEMPLATE: &[u8] =
        include_bytes!("../tests/fixtures/lo-pdf/c-noscore_docx_panyu-2022.docx");
    replace_entry(TEMPLATE, "word/document.xml", document_xml)
}

/// The PDF importer: the bytes as an uploaded `fuzz.pdf` (the attached project file through lopdf, the
/// text layer through pdftotext when installed, else lopdf).
pub fn pdf_import(data: &[u8]) {
    import_as(data, "fuzz.pdf");
}

/// A copy of the zip `template` with the entry `name` replaced by `bytes` (entries stored, not deflated).
fn replace_entry(template: &[u8], name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(template)).expect("the template is a zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..src.len() {
        let mut entry = src.by_index(i).expect("template entry");
        let entry_name = entry.name().expect("template entry name").into_owned();
        let mut original = Vec::new();
        entry
            .read_to_end(&mut original)
            .expect("template entry reads");
        out.start_file(entry_name.as_str(), stored)
            .expect("zip entry");
        out.write_all(if entry_name == name { bytes } else { &original })
            .expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}
