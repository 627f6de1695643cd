//! The narrative of a report: the headed sections (一、… 六、) into their fields of the draft, and what the
//! text states when the table does not (the year, 年初预算数, and in a report without the form the budget,
//! spending, score and name, each said to come from the text).

use std::sync::LazyLock;

use regex::Regex;

use crate::import::Origin;
use crate::import::draft::Draft;
use crate::import::vocab;

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
        if line == vocab::TABLE_MARK {
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
        if let Some(title) = vocab::heading(line) {
            let title = title.trim();
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
