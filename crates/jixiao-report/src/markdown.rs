//! Markdown (CommonMark + GFM tables). Markdown tables cannot merge cells, so the 自评表 is written as two
//! tables: the header block as 项目 / 内容 pairs, and the indicator table with 一级 and 二级 repeated on
//! every row.

use std::fmt::Write;

use crate::content::{Block, Report, SimpleTable};

/// Escapes what would change the meaning of text inside a table cell or paragraph.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// A paragraph: escape, and keep a leading `1.` or `-` from becoming a list.
fn para(s: &str) -> String {
    let e = esc(s);
    let digits = e.chars().take_while(char::is_ascii_digit).count();
    if e.starts_with('-')
        || e.starts_with('+')
        || (digits > 0 && matches!(e[digits..].chars().next(), Some('.') | Some(')')))
    {
        let (head, tail) = e.split_at(if digits > 0 { digits } else { 0 });
        if digits > 0 {
            format!("{head}\\{tail}")
        } else {
            format!("\\{e}")
        }
    } else {
        e
    }
}

fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out.push('\n');
}

fn sheet(out: &mut String, report: &Report) {
    let s = &report.sheet;
    let _ = writeln!(out, "**{}{}**\n", esc(&s.title), esc(&s.subtitle));
    // Expand merged cells into a full grid of (cell index, text), then read the parts from it.
    let cols = s.columns();
    let placed = s.placed();
    let mut grid = vec![vec![(usize::MAX, String::new()); cols]; s.rows.len()];
    for (i, p) in placed.iter().enumerate() {
        for r in p.row..(p.row + p.cell.rowspan).min(s.rows.len()) {
            for c in p.col..(p.col + p.cell.colspan).min(cols) {
                grid[r][c] = (i, p.cell.text.replace('\n', " "));
            }
        }
    }
    // A row of the header block as 项目 / 内容: the label, then each other cell once.
    let pair = |row: &Vec<(usize, String)>| {
        let mut seen = vec![row[0].0];
        let mut cells: Vec<String> = Vec::new();
        for (i, t) in row.iter().skip(1) {
            if !seen.contains(i) {
                seen.push(*i);
                if !t.is_empty() {
                    cells.push(t.clone());
                }
            }
        }
        vec![row[0].1.clone(), cells.join("｜")]
    };
    let h = s.indicator_header_row;
    let head: Vec<Vec<String>> = grid[..h].iter().map(pair).collect();
    table(out, &["项目".into(), "内容".into()], &head);
    // Indicator table without the 绩效指标 label column; 一级 and 二级 repeated on every row.
    let n_ind = s.rows[h].first().map_or(1, |c| c.rowspan);
    let texts = |row: &[(usize, String)]| row.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    let header = texts(&grid[h][1..]);
    let rows: Vec<Vec<String>> = grid[h + 1..h + n_ind]
        .iter()
        .map(|r| texts(&r[1..]))
        .collect();
    table(out, &header, &rows);
    let tail: Vec<Vec<String>> = grid[h + n_ind..].iter().map(pair).collect();
    table(out, &["项目".into(), "内容".into()], &tail);
    for n in &s.notes {
        let _ = writeln!(out, "{}\n", para(n));
    }
}

fn chart(out: &mut String, report: &Report) {
    let _ = writeln!(out, "**{}**\n", esc(&report.chart_caption));
    let rows: Vec<Vec<String>> = report
        .chart
        .iter()
        .map(|b| {
            vec![
                b.name.clone(),
                crate::text::score(b.weight),
                crate::text::score(b.score),
                b.computed.map_or_else(String::new, crate::text::score),
            ]
        })
        .collect();
    table(
        out,
        &[
            "一级指标".into(),
            "分值".into(),
            "得分".into(),
            "计算得分（不一致时）".into(),
        ],
        &rows,
    );
}

fn simple(out: &mut String, t: &SimpleTable) {
    let _ = writeln!(out, "**{}**\n", esc(&t.caption));
    table(out, &t.header, &t.rows);
}

pub fn render(report: &Report) -> String {
    let mut out = format!("# {}\n\n", esc(&report.title));
    for b in &report.blocks {
        match b {
            Block::Heading1(t) => {
                let _ = writeln!(out, "## {}\n", esc(t));
            }
            Block::Heading2(t) => {
                let _ = writeln!(out, "### {}\n", esc(t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(out, "{}\n", para(t));
            }
            Block::Sheet => sheet(&mut out, report),
            Block::Chart => chart(&mut out, report),
        }
    }
    if let Some(a) = &report.appendix {
        let _ = writeln!(out, "## {}\n\n{}\n", esc(&a.title), para(&a.intro));
        for t in &a.tables {
            simple(&mut out, t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(esc("a|b*c"), "a\\|b\\*c");
        assert_eq!(para("1.已组织活动"), "1\\.已组织活动");
        assert_eq!(para("-5%"), "\\-5%");
        assert_eq!(para("2022年"), "2022年");
    }
}
