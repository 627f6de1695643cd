//! One self-contained, printable HTML file: inline CSS and inline SVG, no script, no external URL
//! (intranets are offline).

use std::fmt::Write;

use crate::content::{Block, CellStyle, Report, SimpleTable};
use crate::{chart, fonts};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn lines(s: &str) -> String {
    s.split('\n').map(esc).collect::<Vec<_>>().join("<br>")
}

fn css() -> String {
    format!(
        r#"@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
body {{ font-family: {body}; font-size: 16pt; line-height: 29pt; color: #000; background: #fff; max-width: 156mm; margin: 2em auto; }}
h1.title {{ font-family: {title}; font-size: 22pt; font-weight: bold; line-height: 1.4; text-align: center; margin: 0 0 29pt; }}
h2 {{ font-family: {hei}; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }}
h3 {{ font-family: {kai}; font-size: 16pt; font-weight: bold; text-indent: 2em; margin: 0; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
.sheet {{ margin: 1em 0; }}
.sheet .caption {{ font-family: {title}; font-size: 18pt; font-weight: bold; text-align: center; text-indent: 0; line-height: 1.5; }}
.sheet .subtitle {{ font-size: 12pt; text-align: center; text-indent: 0; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 1.4; }}
th, td {{ border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: middle; text-align: center; }}
td.text {{ text-align: left; }}
td.label, th {{ font-family: {hei}; font-weight: normal; }}
.note {{ font-size: 10.5pt; line-height: 1.5; text-indent: 0; }}
figure {{ margin: 1em 0; text-align: center; }}
figcaption {{ font-family: {hei}; font-size: 12pt; }}
.appendix {{ page-break-before: always; break-before: page; }}
.appendix table {{ font-size: 9pt; }}
.appendix caption {{ font-family: {hei}; font-size: 12pt; padding: 6pt 0; }}
@media print {{ body {{ margin: 0; max-width: none; }} tr {{ page-break-inside: avoid; }} }}
"#,
        body = fonts::css(fonts::BODY, "serif"),
        title = fonts::css(fonts::TITLE, "serif"),
        hei = fonts::css(fonts::HEI, "sans-serif"),
        kai = fonts::css(fonts::KAI, "serif"),
    )
}

/// Where the report's HTML goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A document of its own ([`render`]): the column widths as style attributes.
    Document,
    /// Inside a web page ([`fragment`]): no style attributes (a Content-Security-Policy refuses them;
    /// the page's stylesheet sizes the columns), and the 自评表 in a box that scrolls sideways on a
    /// narrow screen, which a keyboard can focus to scroll it (a named region for screen readers).
    Page,
}

pub fn sheet_html(report: &Report) -> String {
    sheet_table(report, Target::Document)
}

/// The 自评表.
fn sheet_table(report: &Report, target: Target) -> String {
    let s = &report.sheet;
    let mut h = String::new();
    let focusable = if target == Target::Page {
        format!(r#" tabindex="0" aria-label="{}""#, esc(&s.title))
    } else {
        String::new()
    };
    let _ = write!(
        h,
        r#"<section class="sheet"{focusable}><p class="caption">{}</p><p class="subtitle">{}</p><table>"#,
        esc(&s.title),
        esc(&s.subtitle)
    );
    if target == Target::Document {
        h.push_str("<colgroup>");
        let total: u16 = s.widths.iter().sum();
        for w in &s.widths {
            let _ = write!(
                h,
                r#"<col style="width:{:.1}%">"#,
                f64::from(*w) * 100.0 / f64::from(total.max(1))
            );
        }
        h.push_str("</colgroup>");
    }
    h.push_str("<tbody>");
    for row in &s.rows {
        h.push_str("<tr>");
        for c in row {
            // A header cell heads the cells below it (no scope: the sheet stacks several header rows of
            // different spans, and a column scope would let one section's header claim the next's
            // cells); a label cell (项目名称, 主管部门 …) heads the values beside it. An empty one (the
            // corner over the fund rows' labels) heads nothing and is a plain cell.
            let blank = c.text.trim().is_empty();
            let row_header = c.style == CellStyle::Label && !blank;
            let tag = match c.style {
                CellStyle::Header | CellStyle::Label if !blank => "th",
                _ => "td",
            };
            let class = match c.style {
                CellStyle::Label => "label",
                CellStyle::Header => "header",
                CellStyle::Text => "text",
                CellStyle::Center => "center",
                CellStyle::Number => "number",
            };
            let mut attrs = format!(r#" class="{class}""#);
            if row_header {
                attrs.push_str(r#" scope="row""#);
            }
            if c.colspan > 1 {
                let _ = write!(attrs, r#" colspan="{}""#, c.colspan);
            }
            if c.rowspan > 1 {
                let _ = write!(attrs, r#" rowspan="{}""#, c.rowspan);
            }
            let _ = write!(h, "<{tag}{attrs}>{}</{tag}>", lines(&c.text));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    for n in &s.notes {
        let _ = write!(h, r#"<p class="note">{}</p>"#, esc(n));
    }
    h.push_str("</section>");
    h
}

fn simple_table(t: &SimpleTable) -> String {
    let mut h = format!("<table><caption>{}</caption><thead><tr>", esc(&t.caption));
    for c in &t.header {
        let _ = write!(h, r#"<th scope="col">{}</th>"#, esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        h.push_str("<tr>");
        for c in r {
            let _ = write!(h, r#"<td class="text">{}</td>"#, lines(c));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

/// The whole report as one HTML document.
pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"jixiao {}\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&report.title),
        css()
    );
    let _ = writeln!(h, r#"<h1 class="title">{}</h1>"#, esc(&report.title));
    h.push_str(&blocks(report, Target::Document));
    h.push_str("</body>\n</html>\n");
    h
}

/// The report's sections, 自评表, chart and appendix without the document around them or its title (the
/// public site's evaluation page, under its own heading), and without inline styles.
pub fn fragment(report: &Report) -> String {
    blocks(report, Target::Page)
}

fn blocks(report: &Report, target: Target) -> String {
    let mut h = String::new();
    for b in &report.blocks {
        match b {
            Block::Heading1(t) => {
                let _ = writeln!(h, "<h2>{}</h2>", esc(t));
            }
            Block::Heading2(t) => {
                let _ = writeln!(h, "<h3>{}</h3>", esc(t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(h, "<p>{}</p>", esc(t));
            }
            Block::Sheet => {
                h.push_str(&sheet_table(report, target));
                h.push('\n');
            }
            Block::Chart => {
                // Inline SVG in HTML needs no namespace declaration.
                let svg = chart::svg(&report.chart, &fonts::css(fonts::HEI, "sans-serif"))
                    .replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1);
                let _ = writeln!(
                    h,
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    esc(&report.chart_caption)
                );
            }
        }
    }
    if let Some(a) = &report.appendix {
        let _ = write!(
            h,
            r#"<section class="appendix"><h2>{}</h2><p>{}</p>"#,
            esc(&a.title),
            esc(&a.intro)
        );
        for t in &a.tables {
            h.push_str(&simple_table(t));
        }
        h.push_str("</section>\n");
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(lines("a\n<b>"), "a<br>&lt;b&gt;");
    }
}
