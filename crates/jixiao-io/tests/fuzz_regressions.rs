//! The fuzz targets' own functions (`fuzz/harness.rs`) over every committed seed and every input a fuzzer
//! once crashed on (`tests/fixtures/fuzz-regressions/<target>/`), so that CI keeps them fixed without
//! cargo-fuzz. See docs/fuzzing.md.

#[path = "../../../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Files directly in `dir` whose name ends with one of `exts` (any file when `exts` is empty).
fn files(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| exts.is_empty() || exts.iter().any(|x| p.to_string_lossy().ends_with(x)))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    out.sort();
    out
}

/// Runs `run` over every input, naming the input that panicked.
fn run_all(target: &str, mut inputs: Vec<PathBuf>, run: fn(&[u8])) -> usize {
    inputs.extend(files(&format!("fuzz/seeds/{target}"), &[]));
    inputs.extend(files(
        &format!("tests/fixtures/fuzz-regressions/{target}"),
        &[],
    ));
    assert!(!inputs.is_empty(), "no inputs for the {target} target");
    for input in &inputs {
        let bytes = std::fs::read(input).unwrap();
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            panic!("fuzz target {target} panics on {}", input.display());
        }
    }
    inputs.len()
}

#[test]
fn value_seeds_and_regressions() {
    let n = run_all("value", Vec::new(), harness::value);
    assert!(
        n >= 50,
        "the value seeds are committed under fuzz/seeds/value ({n} found)"
    );
}

#[test]
fn evaluate_seeds_and_regressions() {
    // Whole projects through `evaluate`; the regressions include the two panics of issue 13 (a negative
    // reverse target divided by zero, an actual near 10^28 overflowed).
    let n = run_all("evaluate", Vec::new(), harness::evaluate_project);
    assert!(
        n >= 5,
        "the evaluate seeds are committed under fuzz/seeds/evaluate ({n} found)"
    );
}

#[test]
fn text_import_seeds_and_regressions() {
    let mut inputs = files("tests/fixtures/published", &[".txt"]);
    inputs.extend(files("tests/fixtures/seed", &[".txt"]));
    let n = run_all("text_import", inputs, harness::text_import);
    assert!(n >= 10);
}

#[test]
fn xlsx_import_seeds_and_regressions() {
    let n = run_all(
        "xlsx_import",
        files("tests/fixtures/import", &[".xlsx"]),
        harness::xlsx_import,
    );
    assert!(n >= 2);
}

#[test]
fn project_file_seeds_and_regressions() {
    let mut inputs = files("examples", &[".toml"]);
    inputs.extend(files("examples/demo", &[".toml"]));
    let n = run_all("project_file", inputs, harness::project_file);
    assert!(n >= 5);
}

#[test]
fn xls_import_seeds_and_regressions() {
    let n = run_all(
        "xls_import",
        files("tests/fixtures/import", &[".xls"]),
        harness::xls_import,
    );
    assert!(n >= 3);
}

#[test]
fn docx_import_seeds_and_regressions() {
    let n = run_all(
        "docx_import",
        files("tests/fixtures/lo-pdf", &[".docx"]),
        harness::docx_import,
    );
    assert!(n >= 10);
}

#[test]
fn pdf_import_seeds_and_regressions() {
    // The real PDFs of the import fixtures, through pdftotext, and the committed seeds.
    let n = run_all(
        "pdf_import",
        files("tests/fixtures/import", &[".pdf"]),
        harness::pdf_import,
    );
    assert!(n >= 2);
}

#[test]
fn the_document_wrapper_yields_the_template_report() {
    // The docx target's structured half only reaches the table reader if the wrapped report imports.
    let xml = std::fs::read(root().join("fuzz/seeds/docx_import/document-panyu-2022.xml")).unwrap();
    let imported =
        jixiao_io::import::import_bytes(&harness::with_document(&xml), Path::new("wrapped.docx"))
            .unwrap();
    assert_eq!(imported.len(), 1);
    let direct = jixiao_io::import::import_bytes(
        &std::fs::read(root().join("tests/fixtures/lo-pdf/c-noscore_docx_panyu-2022.docx"))
            .unwrap(),
        Path::new("direct.docx"),
    )
    .unwrap();
    assert_eq!(imported[0].project, direct[0].project);
}

#[test]
fn the_sheet_wrapper_yields_the_template_workbook() {
    // The xlsx target's structured half only reaches the grid reader if the wrapped workbook imports.
    let sheet = {
        use std::io::Read;
        let bytes =
            std::fs::read(root().join("tests/fixtures/import/panyu-national.xlsx")).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = Vec::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_end(&mut xml)
            .unwrap();
        xml
    };
    let imported =
        jixiao_io::import::import_bytes(&harness::with_sheet(&sheet), Path::new("wrapped.xlsx"))
            .unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].project.project.name, "产业人才发展专项资金");
}
