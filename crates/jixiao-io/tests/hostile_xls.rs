//! An .xls whose cells span more than the importer holds is refused with the same limit as an .xlsx, naming
//! the file, before the grid of cells is built; one whose compound-file structure makes calamine panic is
//! refused as damaged.

use std::path::Path;

use jixiao_io::ImportError;
use jixiao_io::import::import_bytes;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(name),
    )
    .unwrap()
}

#[test]
fn an_xls_spanning_more_cells_than_the_limit_is_refused_naming_the_file() {
    let e = import_bytes(&fixture("hostile/wide-span.xls"), Path::new("宽表.xls"))
        .expect_err("refused");
    assert!(matches!(e, ImportError::BadWorkbook { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("宽表.xls：xlsx/xls 文件已损坏或不完整："),
        "{msg}"
    );
    assert!(
        msg.contains("超过导入上限 4000000 个") && msg.contains("5120000 个"),
        "{msg}"
    );
}

#[test]
fn a_compound_file_calamine_panics_on_is_a_damaged_file() {
    // Found by the xls_import fuzz target: a sector id within the file's sector count but past its end
    // makes calamine's .xls reader slice past its buffer.
    let e = import_bytes(
        &fixture("fuzz-regressions/xls_import/calamine-cfb-sector-past-eof.xls"),
        Path::new("坏.xls"),
    )
    .expect_err("refused");
    assert!(matches!(e, ImportError::BadWorkbook { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("坏.xls：xlsx/xls 文件已损坏或不完整：OLE 复合文件结构损坏"),
        "{msg}"
    );
    assert!(!jixiao_io::import::panic_is_caught());
}

#[test]
fn an_ordinary_xls_still_imports() {
    let imported = import_bytes(&fixture("import/panyu-2022.xls"), Path::new("番禺.xls")).unwrap();
    assert_eq!(imported.len(), 1);
    assert!(!imported[0].project.indicators.is_empty());
}
