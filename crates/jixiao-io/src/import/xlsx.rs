//! Excel workbooks (.xlsx, .xls) through calamine. Merged ranges are filled with their top-left value, so
//! every cell sits in the column its header names; numbers go through their shortest decimal text to an
//! exact decimal (never f64 arithmetic).

use std::io::Cursor;
use std::str::FromStr;
use std::path::Path;

use calamine::{Data, Reader};

use super::draft::Draft;
use super::grid::{self, Cell, Mode, Row};
use super::{keep_forms, ImportError, Origin};

/// The text of a cell as the form shows it. Floats: Rust's shortest round-trip representation.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// A float cell as exact decimal text: its shortest round-trip representation, rounded to 9 decimal places
/// so that binary artefacts of formulas (`0.30000000000000004`) read as what the sheet shows.
fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let shortest = f.to_string();
    match rust_decimal::Decimal::from_str(&shortest).or_else(|_| rust_decimal::Decimal::from_scientific(&format!("{f:e}"))) {
        Ok(d) => d.round_dp(9).normalize().to_string(),
        Err(_) => shortest,
    }
}

pub fn read(bytes: &[u8], file: &Path, xls: bool) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let bad = |e: String| ImportError::BadWorkbook { file: file.into(), reason: e };
    let mut sheets: Vec<(String, Vec<Row>)> = Vec::new();
    if xls {
        let mut wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        for name in wb.sheet_names().to_vec() {
            let range = wb.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
            let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            sheets.push((name.clone(), grid_of(&name, &range, &merges)));
        }
    } else {
        let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        for name in wb.sheet_names().to_vec() {
            let range = wb.worksheet_range(&name).map_err(|e| bad(format!("工作表“{name}”：{e}")))?;
            let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            sheets.push((name.clone(), grid_of(&name, &range, &merges)));
        }
    }
    let mut drafts = Vec::new();
    for (name, rows) in &sheets {
        for part in grid::split_forms(rows) {
            let d = grid::read(part, Mode::Positional);
            drafts.push((d, Origin { sheet: Some(name.clone()), ..Default::default() }));
        }
    }
    keep_forms(drafts, file, "工作簿")
}

fn grid_of(sheet: &str, range: &calamine::Range<Data>, merges: &[calamine::Dimensions]) -> Vec<Row> {
    let Some((r0, c0)) = range.start() else { return Vec::new() };
    let (h, w) = range.get_size();
    let mut texts: Vec<Vec<String>> = (0..h).map(|r| (0..w).map(|c| range.get((r, c)).map(cell_text).unwrap_or_default()).collect()).collect();
    for m in merges {
        let (sr, sc) = (m.start.0 as i64 - r0 as i64, m.start.1 as i64 - c0 as i64);
        if sr < 0 || sc < 0 || sr as usize >= h || sc as usize >= w {
            continue;
        }
        let v = texts[sr as usize][sc as usize].clone();
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
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
                .map(|(c, text)| Cell {
                    text,
                    x: None,
                    origin: Origin { sheet: Some(sheet.to_string()), row: Some(r as u32 + r0 + 1), col: Some(c as u32 + c0 + 1), ..Default::default() },
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
}
