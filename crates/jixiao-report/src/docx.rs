//! The 自评报告 as Word (docx) in the GB/T 9704 manner: A4, margins 37/35/28/26 mm, title 方正小标宋简体
//! 22 pt, body 仿宋_GB2312 16 pt at a fixed 29 pt line pitch, headings 黑体 / 楷体_GB2312, page numbers
//! `— 1 —` (odd pages right, even pages left). The fonts are named, not embedded: Word substitutes its
//! own when the official fonts are not installed. The 自评表 is a real Word table with vertical merges
//! (一级/二级指标) and grid spans. Word cannot show our SVG, so the chart becomes a small table.

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table, TableCell, TableRow,
    VAlignType, VMergeType, WidthType,
};

use crate::ReportError;
use crate::content::{Block, Cell, CellStyle, Report, SimpleTable};
use crate::text::score;

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEI_FONT: &str = "黑体";
const KAI_FONT: &str = "楷体_GB2312";
const SONG_FONT: &str = "宋体";

/// 1 mm in twentieths of a point.
fn mm(x: f64) -> i32 {
    (x * 1440.0 / 25.4).round() as i32
}

/// Text width: 156 mm.
const TEXT_WIDTH_MM: f64 = 156.0;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

fn run(text: &str, font: &str, half_points: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(half_points)
}

/// A run with line breaks for `\n`.
fn run_lines(text: &str, font: &str, half_points: usize) -> Run {
    let mut r = Run::new().fonts(fonts(font)).size(half_points);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r
}

/// 29 pt exact line pitch: 22 lines on the 225 mm text height.
fn body_spacing() -> LineSpacing {
    LineSpacing::new()
        .line(580)
        .line_rule(LineSpacingType::Exact)
        .before(0)
        .after(0)
}

fn body_para(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, 32))
        .line_spacing(body_spacing())
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .align(AlignmentType::Both)
}

/// Odd pages: right, one character in from the edge; even pages: left.
fn page_number_footer(odd: bool) -> Footer {
    let f = |t: &str| run(t, SONG_FONT, 28);
    let p = Paragraph::new()
        .align(if odd {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        })
        .indent(
            Some(if odd { 0 } else { 280 }),
            None,
            Some(if odd { 280 } else { 0 }),
            None,
        )
        .add_run(f("— "))
        .add_run(
            Run::new()
                .fonts(fonts(SONG_FONT))
                .size(28)
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(docx_rs::InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("1")
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(f(" —"));
    Footer::new().add_paragraph(p)
}

fn cell_para(c: &Cell) -> Paragraph {
    let (font, align) = match c.style {
        CellStyle::Label | CellStyle::Header => (HEI_FONT, AlignmentType::Center),
        CellStyle::Text => (BODY_FONT, AlignmentType::Left),
        CellStyle::Center | CellStyle::Number => (BODY_FONT, AlignmentType::Center),
    };
    Paragraph::new()
        .align(align)
        .add_run(run_lines(&c.text, font, 21))
        .line_spacing(
            LineSpacing::new()
                .line(300)
                .line_rule(LineSpacingType::Auto),
        )
}

fn grid(widths: &[u16]) -> Vec<usize> {
    let total: f64 = widths.iter().map(|w| f64::from(*w)).sum();
    widths
        .iter()
        .map(|w| (f64::from(mm(TEXT_WIDTH_MM)) * f64::from(*w) / total).round() as usize)
        .collect()
}

fn sheet_table(report: &Report) -> Table {
    let s = &report.sheet;
    let cols = s.columns();
    let grid_w = grid(&s.widths);
    // origin[r][c] = index into placed of the cell covering (r, c)
    let placed = s.placed();
    let mut origin = vec![vec![None; cols]; s.rows.len()];
    for (i, p) in placed.iter().enumerate() {
        for r in p.row..(p.row + p.cell.rowspan).min(s.rows.len()) {
            for c in p.col..(p.col + p.cell.colspan).min(cols) {
                origin[r][c] = Some(i);
            }
        }
    }
    let mut rows = Vec::new();
    for r in 0..s.rows.len() {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < cols {
            let Some(i) = origin[r][c] else {
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .width(grid_w[c], WidthType::Dxa),
                );
                c += 1;
                continue;
            };
            let p = placed[i];
            let width: usize = grid_w[p.col..(p.col + p.cell.colspan).min(cols)]
                .iter()
                .sum();
            let mut cell = TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center);
            if p.cell.colspan > 1 {
                cell = cell.grid_span(p.cell.colspan);
            }
            if p.row == r {
                cell = cell.add_paragraph(cell_para(p.cell));
                if p.cell.rowspan > 1 {
                    cell = cell.vertical_merge(VMergeType::Restart);
                }
            } else {
                cell = cell
                    .add_paragraph(Paragraph::new())
                    .vertical_merge(VMergeType::Continue);
            }
            cells.push(cell);
            c = p.col + p.cell.colspan;
        }
        // A row never splits over two pages (a merged cell would lose its text on one of them).
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows)
        .set_grid(grid_w)
        .width(mm(TEXT_WIDTH_MM) as usize, WidthType::Dxa)
}

fn simple_table(t: &SimpleTable, header_font: &str) -> Table {
    let n = t.header.len().max(1);
    let w = mm(TEXT_WIDTH_MM) as usize / n;
    let cell = |text: &str, font: &str, align: AlignmentType| {
        TableCell::new()
            .width(w, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
            .add_paragraph(
                Paragraph::new()
                    .align(align)
                    .add_run(run_lines(text, font, 18)),
            )
    };
    let mut rows = vec![TableRow::new(
        t.header
            .iter()
            .map(|h| cell(h, header_font, AlignmentType::Center))
            .collect(),
    )];
    for r in &t.rows {
        rows.push(TableRow::new(
            r.iter()
                .map(|x| cell(x, BODY_FONT, AlignmentType::Left))
                .collect(),
        ));
    }
    Table::new(rows)
        .set_grid(vec![w; n])
        .width(mm(TEXT_WIDTH_MM) as usize, WidthType::Dxa)
}

fn caption(text: &str, font: &str, half_points: usize) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run(text, font, half_points))
        .line_spacing(LineSpacing::new().before(120).after(120))
}

pub fn render(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: mm(37.0),
            bottom: mm(35.0),
            left: mm(28.0),
            right: mm(26.0),
            header: mm(15.0),
            footer: mm(23.0),
            gutter: 0,
        })
        .default_fonts(fonts(BODY_FONT))
        .default_size(32)
        .footer(page_number_footer(true))
        .even_footer(page_number_footer(false));

    doc = doc.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(&report.title, TITLE_FONT, 44))
            .line_spacing(
                LineSpacing::new()
                    .line(700)
                    .line_rule(LineSpacingType::Exact)
                    .after(580),
            ),
    );
    for b in &report.blocks {
        doc = match b {
            Block::Heading1(t) => {
                doc.add_paragraph(body_para(t, HEI_FONT).outline_lvl(0).keep_next(true))
            }
            Block::Heading2(t) => {
                doc.add_paragraph(body_para(t, KAI_FONT).outline_lvl(1).keep_next(true))
            }
            Block::Paragraph(t) => doc.add_paragraph(body_para(t, BODY_FONT)),
            Block::Sheet => {
                let s = &report.sheet;
                let mut d = doc
                    .add_paragraph(caption(&s.title, HEI_FONT, 36).keep_next(true))
                    .add_paragraph(caption(&s.subtitle, BODY_FONT, 24).keep_next(true))
                    .add_table(sheet_table(report));
                for n in &s.notes {
                    d = d.add_paragraph(Paragraph::new().add_run(run(n, BODY_FONT, 21)));
                }
                d
            }
            Block::Chart => {
                let t = SimpleTable {
                    caption: report.chart_caption.clone(),
                    header: vec![
                        "一级指标".into(),
                        "分值".into(),
                        "得分".into(),
                        "计算得分（不一致时）".into(),
                    ],
                    rows: report
                        .chart
                        .iter()
                        .map(|b| {
                            vec![
                                b.name.clone(),
                                score(b.weight),
                                score(b.score),
                                b.computed.map_or_else(String::new, score),
                            ]
                        })
                        .collect(),
                };
                doc.add_paragraph(caption(&t.caption, HEI_FONT, 24).keep_next(true))
                    .add_table(simple_table(&t, HEI_FONT))
            }
        };
    }
    if let Some(a) = &report.appendix {
        doc = doc
            .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            .add_paragraph(body_para(&a.title, HEI_FONT).outline_lvl(0))
            .add_paragraph(body_para(&a.intro, BODY_FONT));
        for t in &a.tables {
            doc = doc
                .add_paragraph(caption(&t.caption, HEI_FONT, 24).keep_next(true))
                .add_table(simple_table(t, HEI_FONT));
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
