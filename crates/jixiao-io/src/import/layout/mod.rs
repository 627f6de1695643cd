//! Published report text: decoding (UTF-8, UTF-16 with BOM, GBK/GB18030), the table as flattened by a web
//! page (`|` between cells) or by a text extraction (cells separated by spaces, or wrapped one cell per line),
//! and the narrative sections (一、… 六、) in their places.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::import::draft::Draft;
use crate::import::form::{self as grid, Cell, Mode, Row, runon, wrapped as stream};
use crate::import::{ImportError, Origin, keep_forms, vocab};

/// Text from bytes: UTF-8 (BOM optional), UTF-16 with BOM, else GB18030 (a superset of GBK). None for binary.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).ok()?
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])?
            .into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])?
            .into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)?
            .into_owned()
    };
    // Control characters other than line breaks, tabs and form feeds mean binary content.
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control > 0 && control * 50 > text.chars().count().max(1) || text.contains('\0') {
        return None;
    }
    Some(text)
}

/// The 1-based line of the first invalid byte of text that is UTF-8 with damage (a cut or a stray byte, or a
/// GBK passage pasted into it), as opposed to GBK text: it has a UTF-8 BOM, or Chinese characters in valid
/// UTF-8 before the damage (GBK bytes rarely form even one three-byte UTF-8 sequence). Such text must not
/// be read as GBK: that would turn it into other characters without a word.
pub fn damaged_utf8(bytes: &[u8]) -> Option<usize> {
    let (bom, body) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let error = std::str::from_utf8(body).err()?;
    let valid = std::str::from_utf8(&body[..error.valid_up_to()]).ok()?;
    let wide = valid.chars().filter(|c| c.len_utf8() >= 3).take(2).count();
    (bom || wide >= 2).then(|| valid.matches('\n').count() + 1)
}

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

pub fn layout_of(text: &str) -> Layout {
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
    if stream::looks_wrapped(&lines) {
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

/// Rows of cells with their line numbers (page and line for text with form feeds).
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
    vec![stream::join_labels(cells)]
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

pub fn rows(text: &str, layout: Layout) -> Vec<Row> {
    match layout {
        Layout::Spaces { min_gap: 2 } => return layout_rows(text),
        Layout::Paragraphs => return paragraph_rows(text),
        Layout::PipeCells => return pipe_cell_rows(text),
        _ => {}
    }
    let mut out = Vec::new();
    let mut page = 1u32;
    let paged = text.contains('\u{c}');
    for (i, raw) in text.lines().enumerate() {
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

/// Reads a published text: the forms it contains, and the narrative sections around them.
pub fn read(text: &str, file: &Path) -> Result<Vec<(Draft, Origin)>, ImportError> {
    read_as(text, file, layout_of(text))
}

/// `pdftotext -layout` output: columns are runs of two or more spaces.
pub fn read_pdf_layout(text: &str, file: &Path) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let layout = match layout_of(text) {
        Layout::Spaces { .. } => Layout::Spaces { min_gap: 2 },
        other => other,
    };
    read_as(text, file, layout)
}

fn read_as(text: &str, file: &Path, layout: Layout) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let mut table_lines: Option<std::ops::Range<usize>> = None;
    let mut drafts = match layout {
        Layout::Wrapped => vec![stream::read(text)],
        _ => {
            let mut rows = rows(text, layout);
            if rows.len() <= 3 && rows.iter().map(Vec::len).sum::<usize>() >= 30 {
                rows = reflow(rows);
            }
            table_lines = table_span(&rows);
            let mode = Mode::Sequential;
            grid::split_forms(&rows)
                .into_iter()
                .map(|part| grid::read(part, mode))
                .collect()
        }
    };
    if drafts.iter().all(Draft::is_empty) && runon::looks_run_on(text) {
        drafts = vec![runon::read(text)];
    }
    let whole = Origin::default();
    if drafts.len() == 1 {
        let d = &mut drafts[0];
        if layout != Layout::Wrapped {
            let skip: Vec<std::ops::Range<usize>> = table_lines.into_iter().collect();
            sections(text, &skip, d);
        }
        fill_from_text(text, d);
    }
    keep_forms(
        drafts.into_iter().map(|d| (d, whole.clone())).collect(),
        file,
        "文本",
    )
}

/// Where a table stood among the paragraphs of a Word document: it ends the section before it.
pub const TABLE_MARK: &str = "\u{1}table";

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))\s*(\S.*)$").unwrap()
});

/// Which narrative field a heading opens.
fn section_field(title: &str) -> Option<&'static str> {
    let k = vocab::key(title);
    let has = |w: &str| k.contains(w);
    Some(if has("背景") || has("立项依据") {
        "background"
    } else if has("资金来源") || has("资金使用") || has("使用情况") && has("资金") {
        "funds_usage"
    } else if has("实施情况") {
        "implementation"
    } else if has("评价概述") || has("评价工作") {
        "overview"
    } else if has("评价结论") || has("绩效分析") {
        "conclusion"
    } else if has("主要绩效") || has("成功经验") {
        "experience"
    } else if has("存在问题") || has("存在的问题") {
        "problems"
    } else if has("改进措施") || has("下一步") {
        "measures"
    } else if has("绩效目标") && !has("完成") {
        "goals"
    } else {
        return None;
    })
}

/// Fills the narrative fields from the headed sections of `text`, leaving out the lines in `skip` (the table).
pub fn sections(text: &str, skip: &[std::ops::Range<usize>], d: &mut Draft) {
    let mut current: Option<(&'static str, usize)> = None;
    let mut buf: Vec<&str> = Vec::new();
    let flush = |d: &mut Draft, current: Option<(&'static str, usize)>, buf: &mut Vec<&str>| {
        if let Some((field, line)) = current {
            let value = join_paragraphs(buf);
            let slot = match field {
                "background" => &mut d.report.background,
                "goals" => &mut d.report.goals,
                "funds_usage" => &mut d.report.funds_usage,
                "implementation" => &mut d.report.implementation,
                "overview" => &mut d.report.overview,
                "conclusion" => &mut d.report.conclusion,
                "experience" => &mut d.report.experience,
                "problems" => &mut d.report.problems,
                _ => &mut d.report.measures,
            };
            if slot.is_empty() && !value.is_empty() {
                *slot = value;
                d.at(format!("report.{field}"), &Origin::line(line + 1));
            }
        }
        buf.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if skip.iter().any(|r| r.contains(&i)) {
            continue;
        }
        if line == TABLE_MARK {
            flush(d, current, &mut buf);
            current = None;
            continue;
        }
        let k = vocab::key(line);
        if k.chars().count() <= 24
            && (k.ends_with("自评表") || k.starts_with('(') && vocab::year_in(&k).is_some())
        {
            continue; // the table's title lines
        }
        if let Some(c) = HEADING.captures(line) {
            let title = c[1].trim();
            if title.chars().count() <= 30 {
                if let Some(field) = section_field(title) {
                    flush(d, current, &mut buf);
                    current = Some((field, i));
                    continue;
                } else if line
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| "一二三四五六七八九十".contains(c))
                {
                    // A top-level heading without its own field (一、评价项目概述) ends the section before it.
                    flush(d, current, &mut buf);
                    current = None;
                    continue;
                }
            }
        }
        if current.is_some() {
            buf.push(line);
        }
    }
    flush(d, current, &mut buf);
}

/// Wrapped lines joined into paragraphs: a paragraph ends at a line ending a sentence whose next line opens one.
pub fn join_paragraphs(lines: &[&str]) -> String {
    static OPENS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[一二三四五六七八九十]是|（[一二三四五六七八九十]+）|\d+[.、．]|[（(]\d+[)）])").unwrap()
    });
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, line) in lines.iter().enumerate() {
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(line);
        let ends = line.ends_with('。') || line.ends_with('：') || line.ends_with(':');
        let next_opens = lines.get(i + 1).is_some_and(|n| OPENS.is_match(n));
        if ends && next_opens {
            paragraphs.push(vocab::clean_cell(&cur));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        paragraphs.push(vocab::clean_cell(&cur));
    }
    paragraphs.join("\n")
}

/// What the narrative says when the table does not: the year, and 年初预算数 in （三）资金来源及使用情况.
pub fn fill_from_text(text: &str, d: &mut Draft) {
    static INITIAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"年初(?:批复)?预算(?:数)?(?:为)?\s*(\d+(?:\.\d+)?)\s*万").unwrap()
    });
    static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(20\d\d)\s*年").unwrap());
    if d.initial.is_none() {
        let usage = if d.report.funds_usage.is_empty() {
            None
        } else {
            Some(d.report.funds_usage.clone())
        };
        let source = usage.as_deref().unwrap_or(text);
        if let Some(c) = INITIAL.captures(source)
            && let Ok(x) = c[1].parse()
        {
            d.initial = Some(x);
            let line = line_of(text, &c[1]);
            d.at("funds.initial", &Origin::line(line));
        }
    }
    narrative_facts(text, d);
    if d.year.is_none() {
        // A title line naming the year (…2022年度…自评报告), else the year the narrative speaks of most.
        for (i, line) in text.lines().enumerate().take(40) {
            let title = ["自评", "报告", "表", "评价"]
                .iter()
                .any(|w| line.contains(w))
                && line.trim().chars().count() <= 60;
            if let Some(y) = vocab::year_in(line).filter(|_| title) {
                d.year = Some(y);
                d.at("project.year", &Origin::line(i + 1));
                return;
            }
        }
        let mut counts: std::collections::BTreeMap<i32, (usize, usize)> = Default::default();
        for (i, line) in text.lines().enumerate() {
            for c in YEAR.captures_iter(line) {
                if let Ok(y) = c[1].parse::<i32>() {
                    counts.entry(y).or_insert((0, i)).0 += 1;
                }
            }
        }
        let mut ranked: Vec<(i32, usize, usize)> =
            counts.into_iter().map(|(y, (n, l))| (y, n, l)).collect();
        ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
        if let Some(&(y, n, l)) = ranked.first() {
            d.year = Some(y);
            let o = Origin::line(l + 1);
            d.at("project.year", &o);
            let second = ranked
                .get(1)
                .map(|r| format!("；其次是 {} 年（{} 次）", r.0, r.1))
                .unwrap_or_default();
            d.ambiguous(
                "project.year",
                &o,
                format!("表中没有评价年度，取正文中出现最多的年份 {y} 年（{n} 次）{second}"),
            );
        }
    }
}

/// The line of an amount said about 年初预算 (on its line or the line before, as text wraps).
fn line_of(text: &str, number: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len())
        .find(|&i| {
            lines[i].contains(number)
                && (lines[i].contains("年初")
                    || lines[..i].iter().rev().take(3).any(|l| l.contains("年初")))
        })
        .map(|i| i + 1)
        .unwrap_or(1)
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

/// A narrative report without the form: the budget, spending and score it states, each an
/// `import-ambiguous` finding saying which sentence it came from.
fn narrative_facts(text: &str, d: &mut Draft) {
    static ANNUAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:实际下达预算|调整后预算数?|全年预算数?|年度预算数?)(?:为|是)?\s*(\d+(?:\.\d+)?)\s*万元").unwrap()
    });
    static EXECUTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:实际总支出|实际支出|全年执行数?|执行数)(?:为|是)?\s*(\d+(?:\.\d+)?)\s*万元")
            .unwrap()
    });
    static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:综合评价得分|自评得分|总得分|评价得分)(?:为|是)?\s*(\d+(?:\.\d+)?)\s*分")
            .unwrap()
    });
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:19|20)\d\d\s*年度?(\S{2,30}?)(?:项目)?(?:支出)?(?:绩效)?(?:自评结果|自评报告|绩效自评|自评表)").unwrap()
    });
    let found = |re: &Regex| {
        text.lines().enumerate().find_map(|(i, l)| {
            re.captures(l)
                .map(|c| (i + 1, c[1].to_string(), c[0].to_string()))
        })
    };
    if d.annual.is_none()
        && let Some((line, n, said)) = found(&ANNUAL)
        && let Ok(x) = n.parse()
    {
        d.annual = Some(x);
        let o = Origin::line(line);
        d.at("funds.annual", &o);
        d.ambiguous(
            "funds.annual",
            &o,
            format!("表中没有全年预算数，取自正文“{said}”"),
        );
    }
    if d.executed.is_none()
        && let Some((line, n, said)) = found(&EXECUTED)
        && let Ok(x) = n.parse()
    {
        d.executed = Some(x);
        let o = Origin::line(line);
        d.at("funds.executed", &o);
        d.ambiguous(
            "funds.executed",
            &o,
            format!("表中没有全年执行数，取自正文“{said}”"),
        );
    }
    if d.statement.total.is_none()
        && let Some((line, n, said)) = found(&TOTAL)
        && let Ok(x) = n.parse()
    {
        d.statement.total = Some(x);
        let o = Origin::line(line);
        d.at("statement.total", &o);
        d.ambiguous(
            "statement.total",
            &o,
            format!("表中没有总分，取自正文“{said}”"),
        );
    }
    if d.name.is_none()
        && let Some((line, n, said)) = found(&TITLE)
    {
        d.name = Some(n.clone());
        let o = Origin::line(line);
        d.at("project.name", &o);
        d.ambiguous(
            "project.name",
            &o,
            format!("表中没有项目名称，取自标题“{}”", said.trim()),
        );
    }
}

/// `pdftotext -layout` text: cells by their columns; lines that continue wrapped cells are merged into them.
fn layout_rows(text: &str) -> Vec<Row> {
    let mut out: Vec<(Origin, Vec<Positioned>)> = Vec::new();
    let mut header_starts: Vec<(usize, usize)> = Vec::new();
    let mut page = 1u32;
    let paged = text.contains('\u{c}');
    for (i, raw) in text.lines().enumerate() {
        let mut line = raw;
        while let Some(rest) = line.strip_prefix('\u{c}') {
            page += 1;
            line = rest;
        }
        let mut cells = positioned(line);
        if cells.is_empty() {
            continue;
        }
        if !header_starts.is_empty() {
            cells = split_at_columns(cells, &header_starts);
        }
        let origin = Origin {
            line: Some(i as u32 + 1),
            page: paged.then_some(page),
            ..Default::default()
        };
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
fn table_span(rows: &[Row]) -> Option<std::ops::Range<usize>> {
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
                && HEADING.is_match(&r[0].text)
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
