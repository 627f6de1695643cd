//! The 自评表 as an Excel workbook: merged cells, thin borders, 宋体/黑体, column widths sized for Chinese
//! (two units per CJK character, not `autofit()`), row heights from the wrapped text, A4 portrait one page
//! wide, the indicator header row repeated on every printed page. Text that looks like a formula
//! (`=0`, `+5%`) is stored as text: nothing here ever writes a formula.
//!
//! With the review appendix, two more sheets: 评分明细 (each score's rule and formula) and 审核发现.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use crate::content::{Cell, CellStyle, Report, SimpleTable};

const FONT: &str = "宋体";
const HEI: &str = "黑体";
/// Points per wrapped line at 10.5 pt.
const LINE: f64 = 14.0;

fn format(style: CellStyle) -> Format {
    let base = Format::new()
        .set_font_name(FONT)
        .set_font_size(10.5)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    match style {
        CellStyle::Label | CellStyle::Header => {
            base.set_font_name(HEI).set_align(FormatAlign::Center)
        }
        CellStyle::Text => base.set_align(FormatAlign::Left),
        CellStyle::Center | CellStyle::Number => base.set_align(FormatAlign::Center),
    }
}

fn number_format(cell: &Cell) -> Format {
    let f = format(cell.style);
    if cell.text.ends_with('%') {
        let whole = cell
            .number
            .is_some_and(|n| (n * rust_decimal::Decimal::ONE_HUNDRED).fract().is_zero());
        f.set_num_format(if whole { "0%" } else { "0.00%" })
    } else if cell.text.contains('.') && cell.text.split('.').nth(1).is_some_and(|d| d.len() == 2) {
        f.set_num_format("0.00")
    } else {
        f.set_num_format("General")
    }
}

/// Display width of the longest line (CJK = 2 units).
fn text_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Wrapped line count of a text in a cell `width` units wide.
fn wrapped_lines(s: &str, width: f64) -> usize {
    let usable = (width - 1.0).max(2.0);
    s.split('\n')
        .map(|l| {
            ((UnicodeWidthStr::width(l) as f64) / usable)
                .ceil()
                .max(1.0) as usize
        })
        .sum()
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell) -> Result<(), XlsxError> {
    let (last_row, last_col) = (row + cell.rowspan as u32 - 1, col + cell.colspan as u16 - 1);
    let merged = last_row != row || last_col != col;
    match cell.number.and_then(|n| n.to_f64()) {
        Some(n) => {
            let f = number_format(cell);
            if merged {
                ws.merge_range(row, col, last_row, last_col, "", &f)?;
            }
            ws.write_number_with_format(row, col, n, &f)?;
        }
        None => {
            let f = format(cell.style);
            if merged {
                ws.merge_range(row, col, last_row, last_col, &cell.text, &f)?;
            } else {
                ws.write_string_with_format(row, col, &cell.text, &f)?;
            }
        }
    }
    Ok(())
}

fn sheet(ws: &mut Worksheet, report: &Report) -> Result<(), XlsxError> {
    let s = &report.sheet;
    let cols = s.columns();
    ws.set_name("自评表")?;
    ws.set_screen_gridlines(false);

    // Column widths: the layout's minimum (2 units per Chinese character) or the widest single-column
    // content, capped so long text wraps instead.
    let mut widths: Vec<f64> = s.widths.iter().map(|w| f64::from(*w) * 2.0 + 1.0).collect();
    let placed = s.placed();
    for p in &placed {
        if p.cell.colspan == 1 {
            let need = (text_width(&p.cell.text) as f64 + 2.0).min(widths[p.col] * 1.6);
            widths[p.col] = widths[p.col].max(need);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }

    let title = Format::new()
        .set_font_name(HEI)
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let subtitle = Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, cols as u16 - 1, &s.title, &title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, cols as u16 - 1, &s.subtitle, &subtitle)?;
    let top = 2u32;

    // Row heights from the wrapped text; a cell spanning rows shares its lines among them.
    let mut lines = vec![1usize; s.rows.len()];
    for p in &placed {
        let width: f64 = widths[p.col..(p.col + p.cell.colspan).min(cols)]
            .iter()
            .sum();
        let need = wrapped_lines(&p.cell.text, width).div_ceil(p.cell.rowspan);
        for r in p.row..(p.row + p.cell.rowspan).min(s.rows.len()) {
            lines[r] = lines[r].max(need);
        }
    }
    for p in &placed {
        write_cell(ws, top + p.row as u32, p.col as u16, p.cell)?;
    }
    for (r, n) in lines.iter().enumerate() {
        ws.set_row_height(top + r as u32, (*n as f64 * LINE + 6.0).max(20.0))?;
    }
    let first_note = top + s.rows.len() as u32;
    let note = Format::new()
        .set_font_name(FONT)
        .set_font_size(9)
        .set_text_wrap()
        .set_align(FormatAlign::Left);
    for (row, n) in (first_note..).zip(&s.notes) {
        ws.merge_range(row, 0, row, cols as u16 - 1, n, &note)?;
        ws.set_row_height(
            row,
            wrapped_lines(n, widths.iter().sum()) as f64 * 12.0 + 4.0,
        )?;
    }

    // Print: A4 portrait, one page wide, centered, 页码 in the footer, indicator header repeated.
    ws.set_paper_size(9);
    ws.set_portrait();
    ws.set_margins(0.6, 0.6, 0.8, 0.8, 0.3, 0.4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C— &P —");
    ws.set_repeat_rows(
        top + s.indicator_header_row as u32,
        top + s.indicator_header_row as u32,
    )?;
    Ok(())
}

fn simple_sheet(ws: &mut Worksheet, name: &str, t: &SimpleTable) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let head = format(CellStyle::Header).set_background_color(Color::RGB(0xEEEEEE));
    let body = format(CellStyle::Text);
    let mut widths: Vec<f64> = t
        .header
        .iter()
        .map(|h| text_width(h) as f64 + 4.0)
        .collect();
    for r in &t.rows {
        for (c, v) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(c) {
                *w = w.max((text_width(v) as f64 + 2.0).min(50.0));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &head)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let mut n = 1;
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &body)?;
            n = n.max(wrapped_lines(v, widths[c]));
        }
        ws.set_row_height(r as u32 + 1, n as f64 * LINE + 6.0)?;
    }
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(&report.title)
            .set_author("jixiao"),
    );
    sheet(wb.add_worksheet(), report)?;
    if let Some(a) = &report.appendix {
        for t in &a.tables {
            let name = t
                .caption
                .split_whitespace()
                .last()
                .unwrap_or("附表")
                .to_string();
            simple_sheet(wb.add_worksheet(), &name, t)?;
        }
    }
    wb.save_to_buffer()
}
