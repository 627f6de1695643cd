//! A workbook's sheets as rectangles of cell texts with their merged ranges filled in: every cell of a
//! range holds the range's text and knows the range's top-left cell (its anchor), so that a label never
//! reads its own merged copy as its value and a header spanning two rows is not read twice. Shared by the
//! readers of the 绩效目标申报表 and the 监控表 (each maps [`SheetError`] into its own error, naming the file),
//! with the vocabulary both read by: how labels compare ([`key`]), blanks, digits and amounts.

use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;

use calamine::{Data, Reader};
use regex::Regex;
use rust_decimal::Decimal;

use crate::import::{ImportError, Origin, SourceFormat, detect};

/// Why a file's sheets could not be read.
#[derive(Debug)]
pub(crate) enum SheetError {
    /// What the importer's format check says (empty, a zip bomb …).
    Import(ImportError),
    /// Not an xlsx or xls workbook.
    NotWorkbook,
    /// The workbook is damaged: why, naming the sheet where it can.
    Bad(String),
}

impl From<ImportError> for SheetError {
    fn from(e: ImportError) -> SheetError {
        SheetError::Import(e)
    }
}

/// At most this many rows and columns of a sheet are read from its first filled cell (a form is a page or
/// two; a workbook of a department's forms a few thousand rows), at most this many filled cells kept and
/// at most this many cells filled from merged ranges.
const MAX_ROWS: usize = 5_000;
const MAX_COLS: usize = 60;
const MAX_CELLS: usize = 300_000;
const MAX_MERGE_FILL: usize = 1_000_000;

#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub sheet: String,
    /// 0-based sheet row and column of `text[0][0]`.
    pub top: u32,
    pub left: u32,
    pub text: Vec<Vec<String>>,
    pub anchor: Vec<Vec<(usize, usize)>>,
}

impl Sheet {
    pub fn rows(&self) -> usize {
        self.text.len()
    }
    pub fn cols(&self) -> usize {
        self.text.first().map_or(0, Vec::len)
    }
    pub fn at(&self, r: usize, c: usize) -> &str {
        self.text
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", String::as_str)
    }
    pub fn anchor(&self, r: usize, c: usize) -> (usize, usize) {
        self.anchor
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or((r, c))
    }
    /// The cell starts here: not a copy of a merged range's text from above or from the left.
    pub fn own(&self, r: usize, c: usize) -> bool {
        self.anchor(r, c) == (r, c)
    }
    /// Where a cell is, in the user's words (工作表“…”第 5 行第 C 列).
    pub fn origin(&self, r: usize, c: usize) -> Origin {
        Origin {
            sheet: Some(self.sheet.clone()),
            row: Some(self.top + r as u32 + 1),
            col: Some(self.left + c as u32 + 1),
            ..Default::default()
        }
    }
    /// A whole row (工作表“…”第 5 行).
    pub fn row_origin(&self, r: usize) -> Origin {
        Origin {
            sheet: Some(self.sheet.clone()),
            row: Some(self.top + r as u32 + 1),
            ..Default::default()
        }
    }
    pub fn sheet_origin(&self) -> Origin {
        Origin {
            sheet: Some(self.sheet.clone()),
            ..Default::default()
        }
    }
}

/// The sheets of an xlsx or xls workbook. Chart sheets and empty sheets are left out. An xlsx sheet is
/// read cell by cell (never as a dense range, which a sheet claiming a cell at XFD1048576 would make
/// enormous).
pub(crate) fn sheets(bytes: &[u8], file: &str) -> Result<Vec<Sheet>, SheetError> {
    let bad = SheetError::Bad;
    let mut out = Vec::new();
    match detect(bytes, Path::new(file))? {
        SourceFormat::Xlsx => {
            let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
            for name in wb.sheet_names().to_vec() {
                let in_sheet = |e: calamine::XlsxError| bad(format!("工作表“{name}”：{e}"));
                let mut cells = Vec::new();
                match wb.worksheet_cells_reader(&name) {
                    Ok(mut reader) => {
                        while let Some(cell) = reader.next_cell().map_err(in_sheet)? {
                            if cells.len() >= MAX_CELLS {
                                break;
                            }
                            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                                let data: Data = cell.get_value().clone().into();
                                cells.push((cell.get_position(), cell_text(&data)));
                            }
                        }
                    }
                    Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(in_sheet(e)),
                }
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                out.extend(sheet_of(&name, cells, &merges));
            }
        }
        SourceFormat::Xls => {
            let mut wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
            for name in wb.sheet_names().to_vec() {
                let range = wb
                    .worksheet_range(&name)
                    .map_err(|e| bad(format!("工作表“{name}”：{e}")))?;
                let (r0, c0) = range.start().unwrap_or_default();
                let cells = range
                    .used_cells()
                    .take(MAX_CELLS)
                    .map(|(r, c, d)| ((r as u32 + r0, c as u32 + c0), cell_text(d)))
                    .collect();
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                out.extend(sheet_of(&name, cells, &merges));
            }
        }
        _ => {
            return Err(SheetError::NotWorkbook);
        }
    }
    Ok(out)
}

/// A sheet from its filled cells (0-based sheet positions) and merged ranges; none when it has no cell.
fn sheet_of(
    name: &str,
    cells: Vec<((u32, u32), String)>,
    merges: &[calamine::Dimensions],
) -> Option<Sheet> {
    let cells: Vec<_> = cells.into_iter().filter(|(_, t)| !t.is_empty()).collect();
    let top = cells.iter().map(|c| c.0.0).min()?;
    let left = cells.iter().map(|c| c.0.1).min()?;
    let (mut h, mut w) = (0usize, 0usize);
    for ((r, c), _) in &cells {
        h = h.max((r - top) as usize + 1);
        w = w.max((c - left) as usize + 1);
    }
    let (h, w) = (h.min(MAX_ROWS), w.min(MAX_COLS));
    let mut text = vec![vec![String::new(); w]; h];
    for ((r, c), t) in cells {
        let (r, c) = ((r - top) as usize, (c - left) as usize);
        if r < h && c < w {
            text[r][c] = t;
        }
    }
    let mut anchor: Vec<Vec<(usize, usize)>> =
        (0..h).map(|r| (0..w).map(|c| (r, c)).collect()).collect();
    let mut budget = MAX_MERGE_FILL;
    for m in merges {
        if m.start.0 < top || m.start.1 < left || m.end.0 < m.start.0 || m.end.1 < m.start.1 {
            continue;
        }
        let (sr, sc) = ((m.start.0 - top) as usize, (m.start.1 - left) as usize);
        if sr >= h || sc >= w {
            continue;
        }
        let er = ((m.end.0 - top) as usize).min(h - 1);
        let ec = ((m.end.1 - left) as usize).min(w - 1);
        let area = (er - sr + 1) * (ec - sc + 1);
        if area > budget {
            break;
        }
        budget -= area;
        let v = text[sr][sc].clone();
        for r in sr..=er {
            for c in sc..=ec {
                anchor[r][c] = (sr, sc);
                if (r, c) != (sr, sc) {
                    text[r][c] = v.clone();
                }
            }
        }
    }
    Some(Sheet {
        sheet: name.to_string(),
        top,
        left,
        text,
        anchor,
    })
}

/// A cell's text as the form shows it: numbers through their shortest decimal text (never f64
/// arithmetic), dates as `2023-12-31`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// A float cell as the decimal the sheet shows: the shortest round-trip text, rounded to 9 places so that
/// a formula's binary artefacts (`0.30000000000000004`) read as `0.3`.
pub(crate) fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let shortest = f.to_string();
    match Decimal::from_str(&shortest).or_else(|_| Decimal::from_scientific(&format!("{f:e}"))) {
        Ok(d) => d.round_dp(9).normalize().to_string(),
        Err(_) => shortest,
    }
}

// The vocabulary both readers compare labels and read numbers by.

/// A label or header as compared: whitespace and `★`/`*` marks removed, full-width brackets, colons,
/// commas and percent signs folded, a trailing colon dropped.
pub(crate) fn key(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '★' | '☆' | '*' | '＊'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            '％' => '%',
            c => c,
        })
        .collect();
    k.trim_end_matches(':').to_string()
}

/// Empty, or a placeholder for "nothing here" (`-`, `—`, `/`, `……`).
pub(crate) fn is_blank(s: &str) -> bool {
    matches!(
        key(s).as_str(),
        "" | "-" | "--" | "—" | "——" | "/" | "／" | "…" | "……" | "\\"
    )
}

/// A number as typed, in ASCII: full-width digits and point folded, spaces and thousands separators
/// dropped.
pub(crate) fn ascii_digits(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect()
}

/// How an amount cell reads.
pub(crate) enum Amount {
    Exact(Decimal),
    /// A number followed by other text (`854万(其中…)`, `87.57（含结转）`): the number.
    Leading(Decimal),
    Bad,
}

/// An amount in 万元: in the unit written after it (万元, 万, 元), else in 元 if `yuan`, else in 万元.
pub(crate) fn amount(text: &str, yuan: bool) -> Amount {
    static NUM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([-+]?\d+(?:\.\d+)?)(万元|万|元)?").expect("literal"));
    let s = ascii_digits(text);
    let Some(m) = NUM.captures(&s) else {
        return Amount::Bad;
    };
    // More than 15 digits before the point is no amount in 万元 (and sums of such could overflow).
    let digits = m[1]
        .trim_start_matches(['-', '+'])
        .split('.')
        .next()
        .unwrap_or("");
    if digits.len() > 15 {
        return Amount::Bad;
    }
    let Ok(x) = Decimal::from_str(&m[1]) else {
        return Amount::Bad;
    };
    let x = match m.get(2).map(|u| u.as_str()) {
        Some("万元" | "万") => x,
        Some(_) => (x / Decimal::from(10_000)).normalize(),
        None if yuan => (x / Decimal::from(10_000)).normalize(),
        None => x,
    };
    if m.get(0).expect("match").end() == s.len() {
        Amount::Exact(x)
    } else {
        Amount::Leading(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_the_decimals_shown() {
        assert_eq!(float_text(330.984), "330.984");
        assert_eq!(float_text(87.57), "87.57");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(3309840.0), "3309840");
        assert_eq!(float_text(f64::NAN), "");
        assert_eq!(float_text(f64::INFINITY), "");
    }

    #[test]
    fn what_is_not_a_workbook_is_said() {
        assert!(matches!(
            sheets(b"hello", "x.txt"),
            Err(SheetError::NotWorkbook)
        ));
        assert!(matches!(
            sheets(b"PK\x03\x04garbage", "x.xlsx"),
            Err(SheetError::Bad(_) | SheetError::Import(_))
        ));
    }
}
