//! Excel workbooks (.xlsx, .xls) → one table of positioned cells per sheet. An xlsx is read in one pass
//! over its XML ([`super::sheetxml`]), calamine when that gives up, an .xls through calamine. Merged ranges
//! are filled with their top-left value, so every cell sits in the column its header names; numbers go
//! through their shortest decimal text to an exact decimal (never f64 arithmetic).

use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader};

use super::sheetxml::{self, Cells};
use crate::import::cell::{Cell, Row};
use crate::import::{ImportError, Origin};

/// The text of a cell as the form shows it. Floats: Rust's shortest round-trip representation.
pub fn cell_text(d: Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(f),
        Data::Bool(b) => if b { "是" } else { "否" }.into(),
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s,
    }
}

/// A float cell as exact decimal text: its shortest round-trip representation, rounded to 9 decimal places
/// so that binary artefacts of formulas (`0.30000000000000004`) read as what the sheet shows.
pub(super) fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let shortest = f.to_string();
    match rust_decimal::Decimal::from_str(&shortest)
        .or_else(|_| rust_decimal::Decimal::from_scientific(&format!("{f:e}")))
    {
        Ok(d) => d.round_dp(9).normalize().to_string(),
        Err(_) => shortest,
    }
}

/// The sheets of a workbook, each as rows of cells, with an origin naming the sheet.
pub fn read(bytes: &[u8], file: &Path, xls: bool) -> Result<Vec<(Origin, Vec<Row>)>, ImportError> {
    let bad = |reason: String| ImportError::BadWorkbook {
        file: file.into(),
        reason,
    };
    let sheets = if xls {
        // calamine's .xls reader can panic on a malformed compound file: that is a damaged file too.
        crate::import::guard::guarded(|| xls_sheets(bytes))
            .map_err(|panic| bad(format!("OLE 复合文件结构损坏（{panic}）")))?
            .map_err(bad)?
    } else {
        match sheetxml::scan(bytes).map_err(bad)?.into_sheets() {
            Ok(direct) => direct,
            Err(scan) => calamine_sheets(bytes, &scan).map_err(bad)?,
        }
    };
    Ok(sheets
        .into_iter()
        .map(|(name, cells, merges)| {
            let rows = grid_of(&name, cells, &merges);
            let whole = Origin {
                sheet: Some(name),
                ..Default::default()
            };
            (whole, rows)
        })
        .collect())
}

/// The sheets of an .xls workbook through calamine: each sheet's non-empty cells and merged ranges.
fn xls_sheets(bytes: &[u8]) -> Result<Vec<(String, Cells, Vec<calamine::Dimensions>)>, String> {
    // calamine allocates every sheet's rectangle as it opens the file: measure them first (biff.rs).
    let spanned = super::biff::spanned_cells(bytes)?;
    if spanned > sheetxml::MAX_SHEET_CELLS {
        return Err(format!(
            "各工作表的单元格范围合计超过导入上限 {} 个（{spanned} 个）",
            sheetxml::MAX_SHEET_CELLS
        ));
    }
    let mut wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut sheets = Vec::new();
    let mut total: u64 = 0;
    for name in wb.sheet_names().to_vec() {
        let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
        // The xlsx limit (sheetxml::MAX_SHEET_CELLS) on the same measure, before the grid allocates the
        // rectangle again with a text and an origin per cell. calamine has built its own range by now.
        let (h, w) = range.get_size();
        total = total.saturating_add((h as u64).saturating_mul(w as u64));
        if total > sheetxml::MAX_SHEET_CELLS {
            return Err(format!(
                "各工作表的单元格范围合计超过导入上限 {} 个（到工作表“{name}”为止 {total} 个）",
                sheetxml::MAX_SHEET_CELLS
            ));
        }
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let (r0, c0) = range.start().unwrap_or_default();
        let cells = range
            .used_cells()
            .map(|(r, c, d)| ((r as u32 + r0, c as u32 + c0), cell_text(d.clone())))
            .collect();
        sheets.push((name, cells, merges));
    }
    Ok(sheets)
}

/// The sheets of an xlsx workbook the direct reading left to calamine: each sheet's non-empty cells, as
/// calamine's `worksheet_range` keeps them (without building its range), and its merged ranges.
fn calamine_sheets(
    bytes: &[u8],
    scan: &sheetxml::Scan,
) -> Result<Vec<(String, Cells, Vec<calamine::Dimensions>)>, String> {
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names().to_vec() {
        let merges = match scan.merges_of(&name) {
            Some(m) => m.to_vec(),
            None => wb.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        };
        let in_sheet = |e: calamine::XlsxError| format!("工作表“{name}”：{e}");
        let mut cells = Vec::new();
        match wb.worksheet_cells_reader(&name) {
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(in_sheet)? {
                    if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                        cells.push((
                            cell.get_position(),
                            cell_text(cell.get_value().clone().into()),
                        ));
                    }
                }
            }
            Err(calamine::XlsxError::NotAWorksheet(_)) => {} // a chart sheet: no cells
            Err(e) => return Err(in_sheet(e)),
        }
        sheets.push((name, cells, merges));
    }
    Ok(sheets)
}

/// The rows of a sheet from its non-empty cells (0-based positions): the rectangle they span, with each
/// merged range filled with its top-left value.
fn grid_of(sheet: &str, cells: Cells, merges: &[calamine::Dimensions]) -> Vec<Row> {
    let Some(r0) = cells.iter().map(|c| c.0.0).min() else {
        return Vec::new();
    };
    let c0 = cells.iter().map(|c| c.0.1).min().unwrap_or(0);
    let (h, w) = cells.iter().fold((0, 0), |(h, w), ((r, c), _)| {
        (h.max((r - r0) as usize + 1), w.max((c - c0) as usize + 1))
    });
    let mut texts = vec![vec![String::new(); w]; h];
    for ((r, c), text) in cells {
        texts[(r - r0) as usize][(c - c0) as usize] = text;
    }
    for m in merges {
        let (sr, sc) = (m.start.0 as i64 - r0 as i64, m.start.1 as i64 - c0 as i64);
        if sr < 0 || sc < 0 || sr as usize >= h || sc as usize >= w {
            continue;
        }
        let v = texts[sr as usize][sc as usize].clone();
        // Only the part of the merge inside the sheet's cells: a merge may claim the whole sheet.
        let (last_r, last_c) = (r0 + h as u32 - 1, c0 + w as u32 - 1);
        for r in m.start.0..=m.end.0.min(last_r) {
            for c in m.start.1..=m.end.1.min(last_c) {
                let (rr, cc) = ((r - r0) as usize, (c - c0) as usize);
                if rr < h && cc < w && texts[rr][cc].is_empty() {
                    texts[rr][cc] = v.clone();
                }
            }
        }
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .enumerate()
                .map(|(c, text)| {
                    let origin = Origin {
                        sheet: Some(sheet.to_string()),
                        row: Some(r as u32 + r0 + 1),
                        col: Some(c as u32 + c0 + 1),
                        ..Default::default()
                    };
                    Cell::new(text, origin, None)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_become_the_decimals_the_sheet_shows() {
        assert_eq!(float_text(14.53), "14.53");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(145300.0), "145300");
        assert_eq!(float_text(89.974), "89.974");
        assert_eq!(float_text(1e22), "10000000000000000000000");
        assert_eq!(float_text(f64::NAN), "");
    }

    /// calamine's own reading of each sheet's merged ranges, for comparison with the single scan.
    fn calamine_merges(bytes: &[u8]) -> Vec<(String, Vec<calamine::Dimensions>)> {
        let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
        wb.sheet_names()
            .to_vec()
            .into_iter()
            .map(|n| {
                let m = wb.merge_cells_by_sheet_name(&n).unwrap();
                (n, m)
            })
            .collect()
    }

    /// A workbook with what real forms hold: several sheets, rich text, padded and escaped text, numbers,
    /// booleans, formulas with their values, dates, blank formatted cells, merged ranges.
    fn varied_workbook() -> Vec<u8> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (i, name) in ["自评表", "A&B <2>", "第三张"].iter().enumerate() {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            ws.write(0, 0, "项目名称").unwrap();
            ws.write(0, 1, "  前后有空格  ").unwrap();
            ws.write(0, 2, "a < b & c > \"d\" 'e'").unwrap();
            ws.write(0, 3, "第一行\r\n第二行\n第三行").unwrap();
            ws.write_rich_string(
                1,
                0,
                &[(&bold, "产出"), (&Format::default(), "指标（50分）")],
            )
            .unwrap();
            ws.write(1, 1, 14.53).unwrap();
            ws.write(1, 2, 0.1 + 0.2).unwrap();
            ws.write(1, 3, -145300).unwrap();
            ws.write(1, 4, 1e22).unwrap();
            ws.write_boolean(2, 0, true).unwrap();
            ws.write_boolean(2, 1, false).unwrap();
            ws.write_formula(2, 2, Formula::new("=B2*2").set_result("29.06"))
                .unwrap();
            ws.write_formula(2, 3, Formula::new("=\"优\"").set_result("优"))
                .unwrap();
            ws.write_datetime_with_format(
                2,
                4,
                ExcelDateTime::from_ymd(2023, 12, 31).unwrap(),
                &date,
            )
            .unwrap();
            ws.write_blank(3, 6, &bold).unwrap();
            ws.write(4, 1, "").unwrap();
            ws.merge_range(5, 0, 5 + i as u32, 3, "合并", &Format::default())
                .unwrap();
            if i == 2 {
                ws.merge_range(10, 5, 12, 7, "", &Format::default())
                    .unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn the_direct_reading_gives_what_calamine_gives() {
        for bytes in [
            varied_workbook(),
            fixture("panyu-national.xlsx"),
            fixture("no-table.xlsx"),
            fixture("panyu-2022-libreoffice.xlsx"),
        ] {
            let scan = sheetxml::scan(&bytes).unwrap();
            let by_calamine = calamine_sheets(&bytes, &scan).unwrap();
            let direct = scan
                .into_sheets()
                .unwrap_or_else(|_| panic!("the direct reading gave up"));
            assert_eq!(direct.len(), by_calamine.len());
            for ((name, cells, _), (cname, ccells, _)) in direct.iter().zip(&by_calamine) {
                assert_eq!(name, cname);
                assert_eq!(cells, ccells, "sheet {name}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any text and number written by a spreadsheet library reads back the same both ways: escapes
        /// (`_x000D_`, `_x005F_`), characters beyond the BMP, padding, markup characters.
        #[test]
        fn any_cell_reads_the_same_directly_and_through_calamine(
            texts in proptest::collection::vec("([ \t\r\n]|_x00[0-9A-F]{2}_|_x|[<>&\"'a-z]|[一-龥]|[😀-😏]|\u{3000}){0,12}", 1..12),
            numbers in proptest::collection::vec(proptest::num::f64::NORMAL, 0..6),
        ) {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (i, t) in texts.iter().enumerate() {
                ws.write(i as u32, 0, t.as_str()).unwrap();
            }
            for (i, x) in numbers.iter().enumerate() {
                ws.write(i as u32, 1, *x).unwrap();
            }
            let bytes = wb.save_to_buffer().unwrap();
            let scan = sheetxml::scan(&bytes).unwrap();
            let by_calamine = calamine_sheets(&bytes, &scan).unwrap();
            let direct = scan.into_sheets().map_err(|_| "the direct reading gave up").unwrap();
            proptest::prop_assert_eq!(&direct[0].1, &by_calamine[0].1);
        }
    }

    #[test]
    fn what_the_direct_reading_does_not_know_is_left_to_calamine() {
        use rust_xlsxwriter::{Formula, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write(0, 0, "项目名称").unwrap();
        // A formula whose value is an error: the direct reading leaves error cells to calamine.
        ws.write_formula(0, 1, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        ws.write(1, 0, "回车_x000D_转义\r").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let scan = sheetxml::scan(&bytes).unwrap();
        let scan = scan
            .into_sheets()
            .expect_err("an error cell is calamine's business");
        let sheets = calamine_sheets(&bytes, &scan).unwrap();
        assert_eq!(sheets[0].1[0], ((0, 0), "项目名称".to_string()));
        assert!(
            sheets[0]
                .1
                .contains(&((1, 0), "回车_x000D_转义\r".to_string())),
            "{:?}",
            sheets[0].1
        );
        let rows = crate::import::import_bytes(&bytes, Path::new("t.xlsx"))
            .err()
            .map(|e| e.to_string());
        assert!(
            rows.is_some_and(|e| e.contains("t.xlsx")),
            "a workbook without a form is an error naming the file"
        );
    }

    #[test]
    fn the_scan_finds_each_sheets_merges_as_calamine_does() {
        let (generated, fixture) = (varied_workbook(), fixture("panyu-national.xlsx"));
        for bytes in [generated, fixture] {
            let scan = sheetxml::scan(&bytes).unwrap();
            let expected = calamine_merges(&bytes);
            assert!(expected.iter().any(|(_, m)| !m.is_empty()));
            for (name, merges) in expected {
                assert_eq!(
                    scan.merges_of(&name),
                    Some(merges.as_slice()),
                    "sheet {name}"
                );
            }
        }
    }
}
