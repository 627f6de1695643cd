//! What the writers of the 绩效目标申报表 and the 监控表 share: the cell formats of the official layouts, and
//! the helpers that write text and amounts into cells and size rows to their text (the writing side of
//! crate::sheet, which the readers share).

use std::borrow::Cow;

use jixiao_core::Direction;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The formats both forms use: a bordered 宋体 body, 黑体 labels and title.
pub(crate) struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub label: Format,
    pub text: Format,
    pub center: Format,
    pub number: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10.5)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_font_name("黑体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new()
                .set_font_name("宋体")
                .set_font_size(11)
                .set_align(FormatAlign::Center),
            label: base
                .clone()
                .set_font_name("黑体")
                .set_align(FormatAlign::Center),
            text: base.clone().set_align(FormatAlign::Left),
            center: base.clone().set_align(FormatAlign::Center),
            number: base.set_align(FormatAlign::Center).set_num_format("0.00"),
        }
    }
}

/// Excel holds at most 32,767 characters in a cell: a longer text is cut, and says so.
pub(crate) fn fit(s: &str) -> Cow<'_, str> {
    const MAX: usize = 32_767;
    const NOTE: &str = "…（超出 Excel 单元格 32767 字的上限，以下已截断）";
    if s.chars().count() <= MAX {
        return s.into();
    }
    let kept: String = s.chars().take(MAX - NOTE.chars().count()).collect();
    format!("{kept}{NOTE}").into()
}

/// A text cell, merged over `c0..=c1` when that is more than one column. Text is always text: a value
/// such as `=11个` or `+5%` never becomes a formula.
pub(crate) fn text(
    ws: &mut Worksheet,
    r: u32,
    (c0, c1): (u16, u16),
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if c1 > c0 {
        ws.merge_range(r, c0, r, c1, "", f)?;
    }
    ws.write_string_with_format(r, c0, fit(s), f)?;
    Ok(())
}

/// A text cell merged down `n` rows from `r` (one row is a plain cell: a spreadsheet cannot merge one).
pub(crate) fn merge_down(
    ws: &mut Worksheet,
    r: u32,
    n: usize,
    c: u16,
    s: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    if n > 1 {
        ws.merge_range(r, c, r + n as u32 - 1, c, "", f)?;
    }
    ws.write_string_with_format(r, c, fit(s), f)?;
    Ok(())
}

/// An amount over `c0..=c1`: a number cell when the number survives the spreadsheet's binary float
/// exactly, else text (a spreadsheet cannot hold more than 15 significant digits).
pub(crate) fn money(
    ws: &mut Worksheet,
    r: u32,
    (c0, c1): (u16, u16),
    x: Decimal,
    fs: &Formats,
) -> Result<(), XlsxError> {
    let exact = x.to_f64().filter(|f| {
        let shown: Option<Decimal> = f.to_string().parse().ok();
        shown == Some(x.normalize())
    });
    if c1 > c0 {
        ws.merge_range(r, c0, r, c1, "", &fs.number)?;
    }
    match exact {
        Some(f) => ws.write_number_with_format(r, c0, f, &fs.number)?,
        None => ws.write_string_with_format(r, c0, x.normalize().to_string(), &fs.center)?,
    };
    Ok(())
}

/// 指标方向 as the forms print it.
pub(crate) fn direction_label(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::Positive) => "正向",
        Some(Direction::Reverse) => "反向",
        Some(Direction::Qualitative) => "定性",
        None => "",
    }
}

/// The width of columns `c0..=c1` of a layout's `(header, width)` columns.
pub(crate) fn span_width<H>(columns: &[(H, f64)], c0: u16, c1: u16) -> f64 {
    columns[c0 as usize..=c1 as usize].iter().map(|c| c.1).sum()
}

/// Rows a text needs in a cell of this width (2 units per Chinese character).
pub(crate) fn lines(s: &str, width: f64) -> f64 {
    let usable = (width * 2.0 - 2.0).max(2.0);
    s.split('\n')
        .map(|l| {
            ((UnicodeWidthStr::width(l) as f64) / usable)
                .ceil()
                .max(1.0)
        })
        .sum()
}

/// A row height for `lines` lines of text, within Excel's 409 points.
pub(crate) fn height(lines: f64, min: f64) -> f64 {
    (lines * 14.0 + 6.0).clamp(min, 409.0)
}
