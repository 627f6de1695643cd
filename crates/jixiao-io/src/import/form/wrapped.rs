//! Form reading for a text whose rows cannot be rebuilt (`Layout::Wrapped`): a PDF text extraction with one
//! table cell per line and long cells wrapped over several lines (the seed). Labels are broken (`项目名` /
//! `称`), the cells of a row follow each other, and a row of the indicator table ends with its `分值 得分`
//! line. Hands on one draft, narrative sections included.
//!
//! Wrapped cells are put back together by their width: a cell's lines all have the width of its column
//! except the last, so a cell goes on while its lines are as wide as its first line and the next line is no
//! wider; a wider line starts the next column.

use std::sync::LazyLock;

use regex::Regex;
use unicode_width::UnicodeWidthStr;

use super::narrative::{join_paragraphs, sections};
use super::statement::ticked_grade;
use super::{Mode, read as read_rows};
use crate::import::Origin;
use crate::import::cell::{Cell, Row, join_labels};
use crate::import::draft::{Draft, DraftIndicator};
use crate::import::vocab::{self, LABELS};

fn width(s: &str) -> usize {
    let k: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    UnicodeWidthStr::width(k.as_str())
}

struct Line<'a> {
    no: usize,
    text: &'a str,
}

/// Consecutive lines that make one cell: while each line is as wide as the first and the next is no wider.
fn take_cell(lines: &[Line<'_>]) -> usize {
    if lines.is_empty() {
        return 0;
    }
    let w0 = width(lines[0].text);
    let mut n = 1;
    while n < lines.len() {
        let prev = width(lines[n - 1].text);
        let next = width(lines[n].text);
        if prev + 1 >= w0 && next <= w0 + 1 && !lines[n].text.trim().contains(' ') {
            n += 1;
        } else {
            break;
        }
    }
    n
}

static SCORES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$").unwrap());
static LEVEL1: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(产出指标|效益指标|满意度指标)(?:\((\d+(?:\.\d+)?)(?:%|分)\))?").unwrap()
});

pub fn read(full: &str) -> Draft {
    let all: Vec<Line<'_>> = full
        .lines()
        .enumerate()
        .map(|(no, text)| Line { no, text })
        .collect();
    let lines: Vec<&Line<'_>> = all.iter().filter(|l| !l.text.trim().is_empty()).collect();
    let keys: Vec<String> = lines
        .iter()
        .map(|l| vocab::key(l.text).into_owned())
        .collect();
    let find = |from: usize, pred: &dyn Fn(usize) -> bool| (from..lines.len()).find(|&i| pred(i));
    // The table starts where `项目名称` starts, possibly broken over lines.
    let start = find(0, &|i| {
        let joined: String = keys[i..(i + 3).min(keys.len())].concat();
        joined.starts_with("项目名称")
    });
    let mut d = Draft::default();
    let Some(start) = start else {
        sections(full, &[], &mut d);
        return d;
    };
    let goals_at = find(start, &|i| {
        keys[i].contains("年度预期绩效目标") || keys[i].contains("年初设定目标")
    });
    let ind_at = find(start, &|i| keys[i].starts_with("一级指"));
    let head_end = goals_at.or(ind_at).unwrap_or(lines.len());

    // Header and funds: tokens with broken labels joined, grouped into rows for the grid reader.
    let mut tokens: Vec<Cell> = Vec::new();
    for l in &lines[start..head_end] {
        for t in l.text.split_whitespace() {
            tokens.push(Cell::new(t.to_string(), Origin::line(l.no + 1), None));
        }
    }
    let tokens = join_labels(tokens);
    let rows = token_rows(tokens);
    let mut d = read_rows(&rows, Mode::Sequential);

    // Goals: two wrapped cells after their labels.
    if let Some(g) = goals_at {
        // The indicator header may come first in a scrambled text: then the goals run to the end.
        let end = ind_at.filter(|&i| i > g).unwrap_or(lines.len());
        let label = "绩效目标情况(概述)";
        let mut body: Vec<Line<'_>> = lines[g + 1..end]
            .iter()
            .filter(|l| {
                let k = vocab::key(l.text);
                !(k.chars().count() <= 4 && label.contains(&*k))
            })
            .map(|l| Line {
                no: l.no,
                text: l.text,
            })
            .collect();
        // The vertical 绩/效/指/标 of the next block.
        while body
            .last()
            .is_some_and(|l| vocab::key(l.text).chars().count() <= 1)
        {
            body.pop();
        }
        let n = take_cell(&body);
        if n > 0 {
            let expected: Vec<&str> = body[..n].iter().map(|l| l.text).collect();
            let actual: Vec<&str> = body[n..].iter().map(|l| l.text).collect();
            d.goals.expected = join_paragraphs(&expected);
            d.goals.actual = join_paragraphs(&actual);
            d.at("goals.expected", &Origin::line(body[0].no + 1));
            if let Some(a) = body.get(n) {
                d.at("goals.actual", &Origin::line(a.no + 1));
            } else {
                d.ambiguous(
                    "goals.actual",
                    &Origin::line(body[0].no + 1),
                    "绩效目标只有一个单元格，已作为年度预期绩效目标导入".into(),
                );
            }
        }
    }

    // Indicator table.
    let mut table_end = lines.len();
    if let Some(h) = ind_at {
        let header_end = find(h, &|i| keys[i].contains("得分")).unwrap_or(h);
        let header: String = keys[h..=header_end].concat();
        let has_weight = header.contains("分值") || header.contains("权重");
        let stop = find(header_end + 1, &|i| {
            let k = &keys[i];
            k.starts_with("存在问题")
                || k.starts_with("改进措施")
                || k.starts_with("总分")
                || k.starts_with("评价等级")
        });
        let body_end = stop.unwrap_or(lines.len());
        let mut record: Vec<Line<'_>> = Vec::new();
        let (mut level1, mut level2) = (String::new(), String::new());
        for l in &lines[header_end + 1..body_end] {
            if let Some(c) = SCORES.captures(l.text).filter(|_| has_weight) {
                let weight = vocab::number(&c[1]);
                let score = vocab::number(&c[2]);
                indicator(
                    &mut d,
                    &record,
                    &mut level1,
                    &mut level2,
                    weight,
                    score,
                    l.no,
                );
                record.clear();
            } else {
                record.push(Line {
                    no: l.no,
                    text: l.text,
                });
            }
        }
        if !record.is_empty() || stop.is_none() {
            let no = record
                .first()
                .map(|l| l.no)
                .unwrap_or(lines[lines.len() - 1].no);
            d.truncated = Some((
                Origin::line(no + 1),
                format!(
                    "指标表在此中断（已读取 {} 个指标，最后一行没有分值和得分）",
                    d.indicators.len()
                ),
            ));
        }
        // Statement rows.
        if let Some(s) = stop {
            let mut i = s;
            while i < lines.len() {
                let k = &keys[i];
                let o = Origin::line(lines[i].no + 1);
                if let Some(v) = k.strip_prefix("存在问题") {
                    d.statement.problems = Some(vocab::clean_cell(v));
                    d.at("statement.problems", &o);
                } else if let Some(v) = k.strip_prefix("改进措施") {
                    d.statement.measures = Some(vocab::clean_cell(v));
                    d.at("statement.measures", &o);
                } else if let Some(v) = k.strip_prefix("总分") {
                    if let Some(x) = vocab::number(v) {
                        d.statement.total = Some(x);
                        d.at("statement.total", &o);
                    }
                } else if k.starts_with("评价等级") {
                    let mut grade_text = k.trim_start_matches("评价等级").to_string();
                    let mut j = i + 1;
                    while j < lines.len() && j <= i + 3 && !text_heading(lines[j].text) {
                        grade_text.push_str(lines[j].text);
                        j += 1;
                    }
                    if let Some(g) = ticked_grade(&grade_text) {
                        d.statement.grade = Some(g);
                        d.at("statement.grade", &o);
                    }
                    i = j;
                    break;
                } else {
                    break;
                }
                i += 1;
            }
            table_end = i;
        }
    }
    let skip = lines[start].no..lines.get(table_end).map(|l| l.no).unwrap_or(usize::MAX);
    sections(full, &[skip], &mut d);
    d
}

fn text_heading(line: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(|c| "一二三四五六七八九十".contains(c))
        && line.contains('、')
}

/// One row of the indicator table from its lines (level cells first when the row opens a group).
fn indicator(
    d: &mut Draft,
    record: &[Line<'_>],
    level1: &mut String,
    level2: &mut String,
    weight: Option<rust_decimal::Decimal>,
    score: Option<rust_decimal::Decimal>,
    score_line: usize,
) {
    let mut lines: Vec<(usize, String)> = record
        .iter()
        .map(|l| (l.no, l.text.trim().to_string()))
        .collect();
    // 一级指标 (with its share), then 二级指标, consumed from the joined text.
    let joined: String = lines.iter().map(|(_, t)| vocab::key(t)).collect();
    let mut consumed = 0;
    if let Some(c) = LEVEL1.captures(&joined) {
        *level1 = c[1].to_string();
        level2.clear();
        if let Some(w) = c.get(2).and_then(|m| m.as_str().parse().ok()) {
            d.statement.level_weights.insert(level1.clone(), w);
        }
        consumed = c[0].chars().count();
    }
    let rest: String = joined.chars().skip(consumed).collect();
    const L2: &[&str] = &[
        "服务对象满意度指标",
        "可持续影响指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "服务对象满意度",
        "可持续影响",
        "经济效益",
        "社会效益",
        "生态效益",
    ];
    if let Some(l2) = L2.iter().find(|w| rest.starts_with(**w)) {
        *level2 = l2.to_string();
        consumed += l2.chars().count();
    }
    drop_chars(&mut lines, consumed);
    let origin = Origin::line(lines.first().map(|l| l.0).unwrap_or(score_line) + 1);
    let i = d.indicators.len();
    // Name: its own cell; when a line holds two cells (`人才活动 1场`) the space separates them.
    let as_lines: Vec<Line<'_>> = lines
        .iter()
        .map(|(no, t)| Line {
            no: *no,
            text: t.as_str(),
        })
        .collect();
    let mut cells: Vec<String> = Vec::new();
    let mut pos = 0;
    let mut carry: Option<String> = None;
    for _ in 0..2 {
        if let Some(c) = carry.take() {
            cells.push(c);
            continue;
        }
        if pos >= as_lines.len() {
            break;
        }
        let first = as_lines[pos].text;
        if let Some((a, b)) = first.split_once(' ').filter(|_| cells.is_empty()) {
            cells.push(a.to_string());
            carry = Some(b.to_string());
            pos += 1;
            continue;
        }
        let n = take_cell(&as_lines[pos..]);
        cells.push(
            as_lines[pos..pos + n]
                .iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join(""),
        );
        pos += n;
    }
    let mut actual = carry.unwrap_or_default();
    actual.push_str(
        &as_lines[pos.min(as_lines.len())..]
            .iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join(""),
    );
    let name = cells
        .first()
        .map(|s| vocab::clean_cell(s))
        .unwrap_or_default();
    let target = cells
        .get(1)
        .map(|s| vocab::clean_cell(s))
        .unwrap_or_default();
    let actual = vocab::clean_cell(&actual);
    if name.is_empty() || target.is_empty() || actual.is_empty() {
        d.ambiguous(
            format!("indicators[{i}]"),
            &origin,
            format!(
                "无法把该行拆分为三级指标、指标值和实际完成值：“{}”",
                lines.iter().map(|l| l.1.as_str()).collect::<String>()
            ),
        );
    }
    if level1.is_empty()
        && let Some(l1) = vocab::level1_of_level2(level2)
    {
        *level1 = l1.to_string();
        d.ambiguous(
            format!("indicators[{i}].level1"),
            &origin,
            format!("一级指标缺失，按二级指标“{level2}”推定为“{l1}”"),
        );
    }
    d.indicators.push(DraftIndicator {
        level1: level1.clone(),
        level2: level2.clone(),
        name,
        target,
        actual,
        weight,
        self_score: score,
        origin,
        ..Default::default()
    });
    d.at(
        format!("indicators[{i}].weight"),
        &Origin::line(score_line + 1),
    );
    d.at(
        format!("indicators[{i}].self_score"),
        &Origin::line(score_line + 1),
    );
}

/// Removes the first `n` non-whitespace characters from the lines (dropping lines emptied).
fn drop_chars(lines: &mut Vec<(usize, String)>, mut n: usize) {
    while n > 0 && !lines.is_empty() {
        let t = &lines[0].1;
        let mut cut = t.len();
        for (bi, c) in t.char_indices() {
            if n == 0 {
                cut = bi;
                break;
            }
            if !c.is_whitespace() {
                n -= 1;
            }
        }
        let rest = t[cut..].trim().to_string();
        if rest.is_empty() {
            lines.remove(0);
        } else {
            lines[0].1 = rest;
        }
    }
}

/// Rows for the grid reader: a row starts at each label; the values that follow belong to it.
fn token_rows(tokens: Vec<Cell>) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut in_funds_header = false;
    for t in tokens {
        let is_field = vocab::header_field(&t.text).is_some()
            || vocab::funds_row(&t.text).is_some()
            || vocab::key(&t.text).starts_with("项目资金");
        let is_col =
            vocab::funds_role(&t.text).is_some() && LABELS.contains(&&*vocab::key(&t.text));
        if is_col {
            if !in_funds_header {
                rows.push(Vec::new());
                in_funds_header = true;
            }
        } else if is_field {
            rows.push(Vec::new());
            in_funds_header = false;
        } else {
            in_funds_header = false;
        }
        match rows.last_mut() {
            Some(r) => r.push(t),
            None => rows.push(vec![t]),
        }
    }
    rows
}
