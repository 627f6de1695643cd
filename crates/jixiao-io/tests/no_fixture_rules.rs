//! The importer reads documents by what a class of forms has in common, never by one excerpt's quirks:
//! no reading rule names a fixture or treats a collector's transcription marks as document syntax.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_reading_rule_exists_for_one_fixture() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/import"),
        &mut files,
    );
    assert!(files.len() > 10, "{files:?}");
    // Marks a reader once added to excerpts, and the names of the corpus files.
    let marks = [
        "(blank)",
        "(empty)",
        "[实际]",
        "fixtures/published",
        "chizhou",
        "qingshen",
        "caidian",
    ];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for m in marks {
            assert!(!text.contains(m), "{} contains {m}", f.display());
        }
    }
}
