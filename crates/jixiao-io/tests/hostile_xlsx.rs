//! Worksheets whose cell references are out of any spreadsheet's range: a clear error naming the file
//! instead of a panic inside calamine or an allocation of billions of cells. The first was found by the
//! `xlsx_import` fuzz target (tests/fixtures/fuzz-regressions/xlsx_import/).

#[path = "../../../fuzz/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::Path;

use jixiao_io::ImportError;
use jixiao_io::import::import_bytes;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

fn import_sheet(xml: &str, name: &str) -> Result<Vec<jixiao_io::Imported>, ImportError> {
    import_bytes(&harness::with_sheet(xml.as_bytes()), Path::new(name))
}

fn refused(xml: &str) -> String {
    let e = import_sheet(xml, "表.xlsx").expect_err("refused");
    assert!(matches!(e, ImportError::BadWorkbook { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("表.xlsx：xlsx/xls 文件已损坏或不完整：xl/worksheets/sheet1.xml："),
        "{msg}"
    );
    msg
}

#[test]
fn the_fuzzed_sheet_with_a_runaway_dimension_is_refused() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/fuzz-regressions/xlsx_import/calamine-dimension-overflow.xml");
    let bytes = std::fs::read(file).unwrap();
    let e =
        import_bytes(&harness::with_sheet(&bytes), Path::new("fuzz.xlsx")).expect_err("refused");
    assert!(e.to_string().contains("无效的单元格引用"), "{e}");
}

#[test]
fn references_past_excel_limits_are_refused() {
    for bad in [
        r#"<dimension ref="ZZZZZZZZ1"/>"#,
        r#"<dimension ref="B2:A1"/>"#,
        r#"<dimension ref="A1:A1048577"/>"#,
    ] {
        let msg = refused(&format!("{HEAD}{bad}<sheetData/></worksheet>"));
        assert!(msg.contains("无效的单元格引用"), "{bad}: {msg}");
    }
    for bad in [
        r#"<row r="1"><c r="A99999999"><v>1</v></c></row>"#,
        r#"<row r="0"/>"#,
        r#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#,
    ] {
        let msg = refused(&format!("{HEAD}<sheetData>{bad}</sheetData></worksheet>"));
        assert!(msg.contains("无效的单元格引用"), "{bad}: {msg}");
    }
}

#[test]
fn two_cells_at_opposite_corners_are_refused_before_the_sheet_is_allocated() {
    let cells = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let msg = refused(&format!("{HEAD}<sheetData>{cells}</sheetData></worksheet>"));
    assert!(
        msg.contains("1048576 行 × 16384 列") && msg.contains("超出导入上限"),
        "{msg}"
    );
}

#[test]
fn a_merge_over_the_whole_sheet_only_fills_the_cells_there_are() {
    let template = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/seeds/xlsx_import/panyu-national-sheet1.xml"),
    )
    .unwrap();
    let template = String::from_utf8(template).unwrap();
    let plain = import_sheet(&template, "原表.xlsx").unwrap();
    // A merge from the last cell of the form to the end of the sheet: the form reads as before.
    let merged = template.replacen(
        "</sheetData>",
        r#"</sheetData><mergeCells count="1"><mergeCell ref="J20:XFD1048576"/></mergeCells>"#,
        1,
    );
    assert_ne!(merged, template);
    let imported = import_sheet(&merged, "合并.xlsx").unwrap();
    assert_eq!(imported[0].project, plain[0].project);
}

#[test]
fn cells_without_a_reference_count_where_they_land() {
    // No `r` on the cells of the last row: they are placed by counting, across all 16,384 columns of
    // row 1,048,576. Reading them would span the whole sheet.
    let far = "<c><v>1</v></c>".repeat(16_384);
    let cells = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row><row r="1048576">{far}</row>"#
    );
    let msg = refused(&format!("{HEAD}<sheetData>{cells}</sheetData></worksheet>"));
    assert!(msg.contains("超出导入上限"), "{msg}");
    // One more cell than a row holds is past Excel's range.
    let over = format!(r#"<row r="1">{}</row>"#, "<c><v>1</v></c>".repeat(16_385));
    let msg = refused(&format!("{HEAD}<sheetData>{over}</sheetData></worksheet>"));
    assert!(
        msg.contains("第 1 行第 16385 列的单元格超出 Excel 的范围"),
        "{msg}"
    );
}

#[test]
fn sheets_that_are_each_within_the_limit_are_refused_together() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for _ in 0..3 {
        let ws = wb.add_worksheet();
        ws.write(0, 0, "项目名称").unwrap();
        ws.write(1999, 1999, 1).unwrap(); // 2,000 × 2,000 cells: 4,000,000, the limit of one sheet
    }
    let e =
        import_bytes(&wb.save_to_buffer().unwrap(), Path::new("三表.xlsx")).expect_err("refused");
    let msg = e.to_string();
    assert!(
        msg.starts_with("三表.xlsx：") && msg.contains("各工作表的单元格范围合计超过导入上限"),
        "{msg}"
    );
}
