//! Layout: the text of a report (a .txt, or the text layer of a PDF) → rows of cells. How the table was
//! flattened decides how its rows are rebuilt: `|` between cells (web tables), runs of spaces (a text
//! extraction; `pdftotext -layout` keeps the columns, so cells are placed under the header), one cell per
//! paragraph, one cell per line ended by `|`, or a whole table on one line. Two layouts keep no rows at all
//! (one cell per line with wrapped cells, cells run together): they are recognised here and read by their
//! own form readers.

use std::sync::LazyLock;

use regex::Regex;

use super::Origin;
use super::cell::{Cell, Row, join_labels};
use super::vocab;

/// How the table was flattened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `a | b | c` per row (web tables).
    Pipes,
    /// One row per line, cells separated by runs of spaces (`pdftotext -layout`: two or more).
    Spaces { min_gap: usize },
    /// A PDF extraction with one cell (or a piece of one) per line.
    Wrapped,
    /// One cell per paragraph, paragraphs separated by empty lines, an empty cell a line of spaces (how
    /// many sites publish a Word table): the row structure is gone and is rebuilt from the labels.
    Paragraphs,
    /// One cell per line, each ending in `|`, rows ended by lines of `|` only (a table exported cell by
    /// cell).
    PipeCells,
}

/// How a text was flattened. In a PDF's text (`pdftotext -layout`) columns are runs of two or more spaces.
pub fn layout_of(text: &str, pdf: bool) -> Layout {
    match layout_by_lines(text) {
        Layout::Spaces { .. } if pdf => Layout::Spaces { min_gap: 2 },
        other => other,
    }
}

fn layout_by_lines(text: &str) -> Layout {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let piped = lines.iter().filter(|l| l.matches('|').count() >= 1).count();
    let pipe_only = lines
        .iter()
        .filter(|l| l.trim().chars().all(|c| c == '|'))
        .count();
    let one_trailing = lines
        .iter()
        .filter(|l| l.matches('|').count() == 1 && l.trim_end().ends_with('|'))
        .count();
    if pipe_only >= 3 && one_trailing >= 5 && (pipe_only + one_trailing) * 4 >= lines.len() * 3 {
        return Layout::PipeCells;
    }
    if piped >= 3 && piped * 4 >= lines.len() {
        return Layout::Pipes;
    }
    if looks_wrapped(&lines) {
        return Layout::Wrapped;
    }
    if paragraph_cells(text) {
        return Layout::Paragraphs;
    }
    let wide_gaps = lines.iter().filter(|l| l.trim().contains("  ")).count();
    if wide_gaps * 3 >= lines.len() && lines.len() >= 5 {
        Layout::Spaces { min_gap: 2 }
    } else {
        Layout::Spaces { min_gap: 1 }
    }
}

/// Labels every form prints in one cell; a PDF extraction of a narrow column breaks them over lines.
const FORM_LABELS: &[&str] = &[
    "项目名称",
    "主管部门",
    "实施单位",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
];

/// True when form labels are broken over lines: the text has them once its lines are joined, but no
/// line holds `项目名称` and some label is found only across a line break.
fn looks_wrapped(lines: &[&str]) -> bool {
    let keys: Vec<String> = lines.iter().map(|l| vocab::key(l).into_owned()).collect();
    if keys.iter().any(|k| k.contains("项目名称")) {
        return false;
    }
    let joined = keys.concat();
    FORM_LABELS
        .iter()
        .any(|l| joined.contains(l) && !keys.iter().any(|k| k.contains(l)))
}

/// True when the text has form labels glued to their values (no spaces, no `|`, few lines).
pub fn looks_run_on(text: &str) -> bool {
    let k = vocab::key(text);
    let labels = [
        "项目名称",
        "主管部门",
        "实施单位",
        "年度资金总额",
        "一级指标",
        "三级指标",
    ]
    .iter()
    .filter(|l| k.contains(*l))
    .count();
    let spaces = text.chars().filter(|c| *c == ' ').count();
    labels >= 3 && spaces * 10 < text.chars().count()
}

/// A cell of a `pdftotext -layout` line: first and end character column, text.
type Positioned = (usize, usize, String);

/// Cells of a `pdftotext -layout` line with their character columns.
fn positioned(line: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < chars.len() {
            if chars[end].is_whitespace() {
                let gap = chars[end..]
                    .iter()
                    .take_while(|c| c.is_whitespace())
                    .count();
                if gap >= 2 || end + gap == chars.len() {
                    break;
                }
                end += gap;
            } else {
                end += 1;
            }
        }
        // A full cell leaves one space before the next: split before a form label (`番禺区委组织 实施单位`).
        let mut from = start;
        let mut k = start;
        while k < end {
            if chars[k] == ' ' {
                let word_end = (k + 1..end).find(|&j| chars[j] == ' ').unwrap_or(end);
                let word: String = chars[k + 1..word_end].iter().collect();
                if vocab::header_field(&word).is_some() {
                    out.push((
                        from,
                        k,
                        chars[from..k].iter().collect::<String>().trim().to_string(),
                    ));
                    from = k + 1;
                }
            }
            k += 1;
        }
        out.push((
            from,
            end,
            chars[from..end]
                .iter()
                .collect::<String>()
                .trim()
                .to_string(),
        ));
        i = end;
    }
    out
}

/// A line that continues the cells of the line above (a table cell wrapped in the PDF): no numbers, no form
/// words, fewer cells, each under a cell of the line above.
fn continues(prev: &[(usize, usize, String)], line: &[(usize, usize, String)]) -> bool {
    let form_word = |t: &str| {
        vocab::level1(t).is_some()
            || vocab::level2(t).is_some()
            || vocab::header_field(t).is_some()
            || vocab::funds_row(t).is_some()
            || vocab::key(t) == "总分"
            || vocab::key(t).starts_with("存在问题")
    };
    !prev.is_empty()
        && line.len() < prev.len()
        && !prev
            .iter()
            .any(|c| vocab::key(&c.2) == "年度总体目标" || vocab::key(&c.2).contains("预期目标"))
        && line.iter().all(|(s, e, t)| {
            vocab::number(t).is_none()
                && !t.ends_with('%')
                && !form_word(t)
                && !t.contains('、')
                && prev.iter().filter(|(ps, pe, _)| s < pe && ps < e).count() == 1
        })
}

fn merge_continuation(row: &mut [(usize, usize, String)], line: &[(usize, usize, String)]) {
    for (s, e, t) in line {
        let best = row
            .iter_mut()
            .max_by_key(|(ps, pe, _)| (*pe).min(*e).saturating_sub((*ps).max(*s)));
        if let Some(cell) = best {
            cell.2.push_str(t);
            cell.1 = cell.1.max(*e);
        }
    }
}

/// Most lines are short and stand alone between empty lines: a table published one cell per paragraph.
fn paragraph_cells(text: &str) -> bool {
    let all: Vec<&str> = text.lines().collect();
    let (mut alone, mut filled) = (0, 0);
    for (i, l) in all.iter().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        filled += 1;
        let before = i == 0 || all[i - 1].is_empty();
        let after = i + 1 == all.len() || all[i + 1].is_empty();
        if before && after && l.chars().count() <= 40 {
            alone += 1;
        }
    }
    filled >= 20 && alone * 2 >= filled
}

/// The cells of a [`Layout::Paragraphs`] text, in reading order: a paragraph's lines make one cell, a
/// paragraph of spaces is an empty cell.
fn paragraph_rows(text: &str) -> Vec<Row> {
    let mut cells = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() {
            if let Some((t, at)) = current.take() {
                cells.push(Cell::new(t, Origin::line(at + 1), None));
            }
            continue;
        }
        match &mut current {
            Some((t, _)) => t.push_str(line.trim()),
            None => current = Some((line.trim().to_string(), i)),
        }
    }
    if let Some((t, at)) = current {
        cells.push(Cell::new(t, Origin::line(at + 1), None));
    }
    // A narrow column breaks its header over paragraphs (`年初` / `预算数`).
    vec![join_labels(cells)]
}

/// The rows of a [`Layout::PipeCells`] text: the lines between two lines of `|` are one row's cells.
fn pipe_cell_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut row: Row = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.is_empty() && t.chars().all(|c| c == '|') {
            if row.iter().any(|c| !c.is_blank()) {
                rows.push(std::mem::take(&mut row));
            }
            row.clear();
            continue;
        }
        if t.is_empty() {
            continue;
        }
        let cell = t.strip_suffix('|').unwrap_or(t).trim().to_string();
        row.push(Cell::new(cell, Origin::line(i + 1), None));
    }
    if row.iter().any(|c| !c.is_blank()) {
        rows.push(row);
    }
    rows
}

/// The rows of a text in its layout; a table flattened onto a line or three is cut back into rows.
pub fn rows(text: &str, layout: Layout) -> Vec<Row> {
    let rows = rows_by_layout(text, layout);
    if rows.len() <= 3 && rows.iter().map(Vec::len).sum::<usize>() >= 30 {
        return reflow(rows);
    }
    rows
}

/// Rows of cells with their line numbers (page and line for text with form feeds).
fn rows_by_layout(text: &str, layout: Layout) -> Vec<Row> {
    match layout {
        Layout::Spaces { min_gap: 2 } => return layout_rows(text),
        Layout::Paragraphs => return paragraph_rows(text),
        Layout::PipeCells => return pipe_cell_rows(text),
        _ => {}
    }
    let mut out = Vec::new();
    for (origin, line) in paged_lines(text) {
        let cells: Vec<String> = match layout {
            Layout::Pipes => {
                let mut cells: Vec<String> =
                    line.split('|').map(|c| c.trim().to_string()).collect();
                while cells.last().is_some_and(|c| c.is_empty()) {
                    cells.pop();
                }
                cells
            }
            Layout::Spaces { min_gap } => split_gaps(line, min_gap),
            Layout::Wrapped | Layout::Paragraphs | Layout::PipeCells => {
                vec![line.trim().to_string()]
            }
        };
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        out.push(
            cells
                .into_iter()
                .map(|text| Cell::new(text, origin.clone(), None))
                .collect(),
        );
    }
    out
}

fn split_gaps(line: &str, min_gap: usize) -> Vec<String> {
    static GAP1: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\s\u{3000}]+").unwrap());
    static GAP2: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \t\u{3000}]{2,}|\t").unwrap());
    let re = if min_gap >= 2 { &*GAP2 } else { &*GAP1 };
    re.split(line.trim())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A whole table flattened onto one line (`项目名称 X 主管部门 Y … 数量指标 A ≥50个 50 8 8 质量指标 …`): rows
/// start at each label, level name or table header; in the indicator table a row also ends after its run of
/// trailing numbers (分值 得分).
fn reflow(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    let mut in_header_group = false;
    let mut in_table = false;
    let mut numbers_run = 0;
    let mut in_body = false;
    for cell in rows.into_iter().flatten() {
        let t = cell.text.as_str();
        let k = vocab::key(t);
        // Inside the indicator rows, words such as 达成预期指标 are values, not column headers.
        let ind_col = !in_body
            && vocab::indicator_role(t).is_some()
            && k.chars().count() <= 12
            && (in_header_group || k == "一级指标");
        let funds_col = !in_table && vocab::funds_role(t).is_some() && k.chars().count() <= 12;
        if in_table
            && !in_header_group
            && (vocab::level1(t).is_some() || vocab::level2(t).is_some())
        {
            in_body = true;
        }
        let is_num = vocab::number(t).is_some();
        let starts = vocab::header_field(t).is_some()
            || vocab::funds_row(t).is_some()
            || k.starts_with("项目资金")
            || k == "年度总体目标"
            || k == "绩效指标"
            || k == "总分"
            || k == "存在问题"
            || k == "改进措施"
            || vocab::level1(t).is_some()
            || vocab::level2(t).is_some() && k.ends_with("指标")
            || in_table && numbers_run >= 2 && !is_num;
        let col = ind_col || funds_col;
        if col && !in_header_group {
            if !out
                .last()
                .is_some_and(|r| r.len() == 1 && vocab::key(&r[0].text) == "绩效指标")
            {
                out.push(Vec::new());
            }
            in_header_group = true;
            in_table |= ind_col;
        } else if starts {
            out.push(Vec::new());
            in_header_group = false;
        } else if !col {
            in_header_group = false;
        }
        numbers_run = if is_num { numbers_run + 1 } else { 0 };
        match out.last_mut() {
            Some(r) => r.push(cell),
            None => out.push(vec![cell]),
        }
    }
    out
}

/// Each line with where it stands: its 1-based number, and its page when the text has form feeds (a PDF
/// extraction starts each page with one); the form feeds themselves are taken off the line.
fn paged_lines(text: &str) -> impl Iterator<Item = (Origin, &str)> {
    let paged = text.contains('\u{c}');
    let mut page = 1u32;
    text.lines().enumerate().map(move |(i, raw)| {
        let mut line = raw;
        while let Some(rest) = line.strip_prefix('\u{c}') {
            page += 1;
            line = rest;
        }
        let origin = Origin {
            line: Some(i as u32 + 1),
            page: paged.then_some(page),
            ..Default::default()
        };
        (origin, line)
    })
}

/// `pdftotext -layout` text: cells by their columns; lines that continue wrapped cells are merged into them.
fn layout_rows(text: &str) -> Vec<Row> {
    let mut out: Vec<(Origin, Vec<Positioned>)> = Vec::new();
    let mut header_starts: Vec<(usize, usize)> = Vec::new();
    for (origin, line) in paged_lines(text) {
        let mut cells = positioned(line);
        if cells.is_empty() {
            continue;
        }
        if !header_starts.is_empty() {
            cells = split_at_columns(cells, &header_starts);
        }
        match out.last_mut() {
            Some((_, prev)) if continues(prev, &cells) => merge_continuation(prev, &cells),
            _ => out.push((origin, cells)),
        }
        let last = &out.last().expect("pushed").1;
        let labels = last
            .iter()
            .filter(|c| vocab::funds_role(&c.2).is_some() || vocab::indicator_role(&c.2).is_some())
            .count();
        if labels >= 3 {
            header_starts = last.iter().map(|c| (c.0, c.1)).collect();
        }
    }
    out.into_iter()
        .map(|(o, cells)| {
            cells
                .into_iter()
                .map(|(s, e, text)| Cell::new(text, o.clone(), Some((s as u32, e as u32))))
                .collect()
        })
        .collect()
}

/// A full cell is followed by a single space only: split a cell where a word sits under another column of
/// the table header above (`年度资金总额 150`: `150` is under `年初预算数`), not elsewhere (`申报率 100%` stays
/// one cell).
fn split_at_columns(
    cells: Vec<(usize, usize, String)>,
    header: &[(usize, usize)],
) -> Vec<(usize, usize, String)> {
    let nearest = |a: usize, b: usize| {
        header
            .iter()
            .enumerate()
            .min_by_key(|(_, (hs, he))| ((a + b) as i64 - (hs + he) as i64).abs())
            .map(|(i, _)| i)
    };
    let mut out = Vec::new();
    for (s, e, t) in cells {
        let chars: Vec<char> = t.chars().collect();
        let words: Vec<(usize, usize)> = {
            let mut w = Vec::new();
            let mut k = 0;
            while k < chars.len() {
                let start = k;
                while k < chars.len() && chars[k] != ' ' {
                    k += 1;
                }
                w.push((start, k));
                k += 1;
            }
            w
        };
        let mut from = 0;
        let mut col = nearest(s + words[0].0, s + words[0].1);
        for &(ws, we) in &words[1..] {
            let here = nearest(s + ws, s + we);
            let head: String = chars[from..ws - 1].iter().collect();
            let after_label = vocab::funds_row(&head).is_some()
                || vocab::header_field(&head).is_some()
                || matches!(&*vocab::key(&head), "总分" | "合计");
            if here != col || after_label {
                out.push((
                    s + from,
                    s + ws - 1,
                    chars[from..ws - 1]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_string(),
                ));
                from = ws;
                col = here;
            }
        }
        out.push((
            s + from,
            e,
            chars[from..].iter().collect::<String>().trim().to_string(),
        ));
    }
    out
}

/// The lines (0-based, end exclusive) the form occupies in a text, so that the narrative sections around it
/// do not swallow it: from its title or 项目名称 row (or the indicator header when there is no header block)
/// to the row before the next narrative heading.
pub fn table_span(rows: &[Row]) -> Option<std::ops::Range<usize>> {
    let line = |r: &Row| {
        r.first()
            .and_then(|c| c.origin.line)
            .map(|l| l as usize - 1)
    };
    let is_start = |r: &Row| {
        r.iter().any(|c| {
            vocab::header_field(&c.text).is_some()
                || vocab::key(&c.text).ends_with("自评表")
                    && vocab::key(&c.text).chars().count() <= 30
        }) || r
            .iter()
            .filter(|c| vocab::indicator_role(&c.text).is_some())
            .count()
            >= 3
    };
    let first = rows.iter().position(is_start)?;
    let end = rows[first + 1..]
        .iter()
        .position(|r| {
            r.len() == 1
                && vocab::heading(&r[0].text).is_some()
                && vocab::key(&r[0].text).chars().count() <= 40
        })
        .map(|i| first + 1 + i);
    let start_line = line(&rows[first])?;
    let end_line = match end {
        Some(e) => line(&rows[e])?,
        None => usize::MAX,
    };
    Some(start_line..end_line)
}
