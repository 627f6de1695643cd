//! Excel workbooks (.xlsx, .xls) through calamine. Merged ranges are filled with their top-left value, so
//! every cell sits in the column its header names; numbers go through their shortest decimal text to an
//! exact decimal (never f64 arithmetic).

use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader};

use super::draft::Draft;
use super::grid::{self, Cell, Mode, Row};
use super::{ImportError, Origin, keep_forms};

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
    match rust_decimal::Decimal::from_str(&shortest)
        .or_else(|_| rust_decimal::Decimal::from_scientific(&format!("{f:e}")))
    {
        Ok(d) => d.round_dp(9).normalize().to_string(),
        Err(_) => shortest,
    }
}

pub fn read(bytes: &[u8], file: &Path, xls: bool) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let bad = |e: String| ImportError::BadWorkbook {
        file: file.into(),
        reason: e,
    };
    let mut sheets: Vec<(String, Vec<Row>)> = Vec::new();
    if xls {
        let mut wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        for name in wb.sheet_names().to_vec() {
            let range = wb.worksheet_range(&name).map_err(|e| bad(e.to_string()))?;
            let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            sheets.push((name.clone(), grid_of(&name, &range, &merges)));
        }
    } else {
        check_sheet_extents(bytes, file)?;
        let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        for name in wb.sheet_names().to_vec() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| bad(format!("工作表“{name}”：{e}")))?;
            let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            sheets.push((name.clone(), grid_of(&name, &range, &merges)));
        }
    }
    let mut drafts = Vec::new();
    for (name, rows) in &sheets {
        for part in grid::split_forms(rows) {
            let d = grid::read(part, Mode::Positional);
            drafts.push((
                d,
                Origin {
                    sheet: Some(name.clone()),
                    ..Default::default()
                },
            ));
        }
    }
    keep_forms(drafts, file, "工作簿")
}

/// Excel's own limits: a reference beyond them does not come from a spreadsheet program.
const MAX_ROW: u64 = 1_048_576;
const MAX_COL: u64 = 16_384;
/// At most this many cells in the rectangle a sheet's cells span: the reader holds every cell of it (a
/// batch workbook of a few thousand projects spans about a million).
pub const MAX_SHEET_CELLS: u64 = 4_000_000;

/// A1-style reference → (row, column), 1-based, inside Excel's limits; None for anything else.
fn cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim_start_matches('$');
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = s.split_at(letters);
    let row = row.trim_start_matches('$');
    if !(1..=3).contains(&letters)
        || row.is_empty()
        || row.len() > 7
        || !row.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = col.bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u64 = row.parse().ok()?;
    (row >= 1 && row <= MAX_ROW && col <= MAX_COL).then_some((row, col))
}

/// `A1` or `A1:B2` with the start not after the end.
fn range_ref(s: &str) -> bool {
    match s.split_once(':') {
        None => cell_ref(s).is_some(),
        Some((a, b)) => {
            matches!((cell_ref(a), cell_ref(b)), (Some(a), Some(b)) if a.0 <= b.0 && a.1 <= b.1)
        }
    }
}

/// Reads every worksheet's cell references before calamine does: calamine panics or wraps around on
/// references past `u32` (a 900-byte fuzzed sheet did), and allocates the whole rectangle its cells span, so
/// two cells at A1 and XFD1048576 would ask for billions of cells.
fn check_sheet_extents(bytes: &[u8], file: &Path) -> Result<(), ImportError> {
    use quick_xml::events::Event;
    let bad = |reason: String| ImportError::BadWorkbook {
        file: file.into(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let sheets: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in sheets {
        let entry = zip
            .by_name(&name)
            .map_err(|e| bad(format!("{name}：{e}")))?;
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
        let mut buf = Vec::new();
        let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
        loop {
            let event = reader
                .read_event_into(&mut buf)
                .map_err(|e| bad(format!("{name}：XML 错误：{e}")))?;
            let e = match event {
                Event::Start(e) | Event::Empty(e) => e,
                Event::Eof => break,
                _ => {
                    buf.clear();
                    continue;
                }
            };
            let tag = e.local_name();
            let key = match tag.as_ref() {
                "c" | "row" => "r",
                "dimension" | "mergeCell" => "ref",
                _ => {
                    buf.clear();
                    continue;
                }
            };
            let value = e
                .attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == key)
                .map(|a| a.value.to_string());
            if let Some(v) = value {
                let invalid = || {
                    bad(format!(
                        "{name}：无效的单元格引用“{}”",
                        v.chars().take(40).collect::<String>()
                    ))
                };
                match tag.as_ref() {
                    "c" => {
                        let (r, c) = cell_ref(&v).ok_or_else(invalid)?;
                        rows = (rows.0.min(r), rows.1.max(r));
                        cols = (cols.0.min(c), cols.1.max(c));
                    }
                    "row" => {
                        let r: u64 = v
                            .parse()
                            .ok()
                            .filter(|r| (1..=MAX_ROW).contains(r))
                            .ok_or_else(invalid)?;
                        rows = (rows.0.min(r), rows.1.max(r));
                    }
                    _ if !range_ref(&v) => return Err(invalid()),
                    _ => {}
                }
            }
            buf.clear();
        }
        if rows.0 <= rows.1 && cols.0 <= cols.1 {
            let span = (rows.1 - rows.0 + 1) * (cols.1 - cols.0 + 1);
            if span > MAX_SHEET_CELLS {
                return Err(bad(format!(
                    "{name}：单元格分布在 {} 行 × {} 列的范围内（{span} 个单元格），超出导入上限 {MAX_SHEET_CELLS} 个",
                    rows.1 - rows.0 + 1,
                    cols.1 - cols.0 + 1
                )));
            }
        }
    }
    Ok(())
}

fn grid_of(
    sheet: &str,
    range: &calamine::Range<Data>,
    merges: &[calamine::Dimensions],
) -> Vec<Row> {
    let Some((r0, c0)) = range.start() else {
        return Vec::new();
    };
    let (h, w) = range.get_size();
    let mut texts: Vec<Vec<String>> = (0..h)
        .map(|r| {
            (0..w)
                .map(|c| range.get((r, c)).map(cell_text).unwrap_or_default())
                .collect()
        })
        .collect();
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
                .map(|(c, text)| Cell {
                    text,
                    x: None,
                    origin: Origin {
                        sheet: Some(sheet.to_string()),
                        row: Some(r as u32 + r0 + 1),
                        col: Some(c as u32 + c0 + 1),
                        ..Default::default()
                    },
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
