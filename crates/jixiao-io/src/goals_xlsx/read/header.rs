//! The labelled rows above a form's indicator table: 项目名称, 主管部门, 实施单位, 项目编码, 项目属性, 项目期,
//! 预算年度 and the 总体目标, each with the findings its doubts raise. The 项目资金 block is read from the same
//! labels by [`super::funds`]. The year and attribute texts are read here too, and the title's year is
//! shared with a department's list.

use std::sync::LazyLock;

use jixiao_core::Finding;
use jixiao_core::goals::{Attribute, Declaration, GoalHeader, GoalText, Period};
use regex::Regex;

use super::funds::read_funds;
use super::labels::{
    Label, ascii_digits, clean, is_blank, key, label_in_cell, label_of, text, value_below,
    value_right,
};
use super::{Ctx, GoalsError, Grid};

/// A form's declaration as read from above its table (no indicators yet), with the findings so far.
pub(super) struct Header {
    pub(super) declaration: Declaration,
    pub(super) findings: Vec<Finding>,
}

/// A label found above the table, with where its value is.
pub(super) struct Found {
    pub(super) label: Label,
    pub(super) at: (usize, usize),
    pub(super) value: Option<(usize, usize)>,
    /// The value when it shares the label's cell (`预算单位: …`).
    inline: Option<String>,
}

/// The labelled rows `rows` above a form's table, read into a declaration without its indicators.
pub(super) fn read_header(
    ctx: &mut Ctx<'_>,
    rows: std::ops::Range<usize>,
) -> Result<Header, GoalsError> {
    let grid = ctx.grid;
    let mut found: Vec<Found> = Vec::new();
    let mut first_label_row = None;
    for r in rows.clone() {
        for c in 0..grid.cols() {
            if grid.anchor[r][c] != (r, c) {
                continue;
            }
            let text = grid.at(r, c);
            if let Some(label) = label_of(text) {
                first_label_row.get_or_insert(r);
                let value = match label {
                    Label::AnnualGoal | Label::LongTermGoal | Label::OverallGoal => {
                        value_right(grid, r, c).or_else(|| value_below(grid, r, c))
                    }
                    _ => value_right(grid, r, c),
                };
                found.push(Found {
                    label,
                    at: (r, c),
                    value,
                    inline: None,
                });
            } else if let Some((label, v)) = label_in_cell(text) {
                found.push(Found {
                    label,
                    at: (r, c),
                    value: None,
                    inline: Some(v),
                });
            }
        }
    }
    // A label's value read as one line (`clean`) or, for goals, as free text (`text`).
    let value_of = |f: &Found, read: fn(&str) -> String| -> Option<String> {
        f.inline
            .clone()
            .or_else(|| f.value.map(|(r, c)| read(grid.at(r, c))))
            .filter(|t| !is_blank(t))
    };
    let first_read =
        |want: &dyn Fn(&Label) -> bool, read: fn(&str) -> String| -> Option<(&Found, String)> {
            found
                .iter()
                .filter(|f| want(&f.label))
                .find_map(|f| value_of(f, read).map(|t| (f, t)))
        };
    let text_of = |f: &Found| value_of(f, clean);
    let first = |want: &dyn Fn(&Label) -> bool| first_read(want, clean);
    // Goals are free text: their line breaks and spaces are kept.
    let first_text = |want: &dyn Fn(&Label) -> bool| first_read(want, text);
    let whole = grid.row_origin(rows.start);

    // 项目名称
    let name = first(&|l| *l == Label::Name);
    let name_text = name.as_ref().map(|x| x.1.clone()).unwrap_or_default();
    if name.is_none() {
        ctx.incomplete("project.name", &whole, "未找到项目名称".into());
    }

    // 主管部门: the most local level when several are named.
    let depts: Vec<(u8, &Found, String)> = found
        .iter()
        .filter_map(|f| match f.label {
            Label::Department(level) => text_of(f).map(|t| (level, f, t)),
            _ => None,
        })
        .collect();
    let department = if let Some(plain) = depts.iter().find(|d| d.0 == 3) {
        plain.2.clone()
    } else if let Some(best) = depts.iter().max_by_key(|d| d.0) {
        if depts.len() > 1 {
            let others: Vec<String> = depts
                .iter()
                .filter(|d| !std::ptr::eq(d.1, best.1))
                .map(|d| format!("“{}”", d.2))
                .collect();
            let o = grid.origin(best.1.at.0, best.1.at.1);
            ctx.ambiguous(
                "project.department",
                &o,
                format!(
                    "表中有多级主管部门，按最基层的“{}”读取（另有{}）",
                    best.2,
                    others.join("、")
                ),
            );
        }
        best.2.clone()
    } else if let Some((_, t)) = first(&|l| *l == Label::DepartmentWeak) {
        t
    } else {
        ctx.incomplete("project.department", &whole, "未找到主管部门".into());
        String::new()
    };

    // 实施单位
    let implementer = match first(&|l| *l == Label::Implementer) {
        Some((_, t)) => t,
        None => match first(&|l| *l == Label::ImplementerWeak) {
            Some((_, t)) if t != department => t,
            _ => {
                ctx.incomplete("project.implementer", &whole, "未找到实施单位".into());
                String::new()
            }
        },
    };

    let code = first(&|l| *l == Label::Code).map(|x| x.1);

    // 项目属性
    let attribute = match (
        first(&|l| *l == Label::Attribute),
        first(&|l| *l == Label::IsNew),
    ) {
        (Some((f, t)), _) => match attribute(&t) {
            Some(a) => a,
            None => {
                let o = grid.origin(f.at.0, f.at.1);
                ctx.ambiguous(
                    "project.attribute",
                    &o,
                    format!("项目属性“{t}”不是“新增”或“延续”，按新增项目读取"),
                );
                Attribute::New
            }
        },
        (None, Some((f, t))) => match key(&t).as_str() {
            "是" => Attribute::New,
            "否" => Attribute::Continuing,
            _ => {
                let o = grid.origin(f.at.0, f.at.1);
                ctx.ambiguous(
                    "project.attribute",
                    &o,
                    format!("“是否新增”填写为“{t}”，按新增项目读取"),
                );
                Attribute::New
            }
        },
        (None, None) => {
            ctx.incomplete(
                "project.attribute",
                &whole,
                "未找到项目属性（新增/延续），按新增项目读取".into(),
            );
            Attribute::New
        }
    };

    // 项目期
    let period = first(&|l| *l == Label::Period).and_then(|(f, t)| {
        let ys = years_in(&t);
        let o = grid.origin(f.at.0, f.at.1);
        match (ys.iter().min(), ys.iter().max()) {
            (Some(a), Some(b)) => Some(Period { start: *a, end: *b }),
            _ => {
                ctx.ambiguous(
                    "project.period",
                    &o,
                    format!("项目期“{t}”中没有可识别的年份，未导入"),
                );
                None
            }
        }
    });

    // 预算年度: the title's, the 预算年度 label's, a short 年度 cell's, else guessed and said.
    let mut year = title_year_in(grid, rows.start..first_label_row.unwrap_or(rows.end));
    if year.is_none() {
        year = first(&|l| *l == Label::Year).and_then(|(_, t)| years_in(&t).first().copied());
    }
    if year.is_none() {
        'short: for r in rows.clone() {
            for c in 0..grid.cols() {
                let t = grid.at(r, c);
                if key(t).chars().count() <= 12
                    && let Some(y) = title_year(t)
                {
                    year = Some(y);
                    break 'short;
                }
            }
        }
    }
    let year = match year {
        Some(y) => y,
        None => {
            if let Some(y) = years_in_name(&name_text) {
                let o = name
                    .as_ref()
                    .and_then(|x| x.0.value)
                    .map_or_else(|| whole.clone(), |(r, c)| grid.origin(r, c));
                ctx.ambiguous(
                    "project.year",
                    &o,
                    format!("表头未写预算年度，按项目名称中的“{y}年”读取"),
                );
                y
            } else if let Some(p) = period {
                ctx.ambiguous(
                    "project.year",
                    &whole,
                    format!("表头未写预算年度，按项目期的起始年 {} 读取", p.start),
                );
                p.start
            } else {
                ctx.incomplete(
                    "project.year",
                    &whole,
                    "未找到预算年度（标题中的“××××年度”或“预算年度”一栏）".into(),
                );
                0
            }
        }
    };

    // 总体目标
    let annual = first_text(&|l| *l == Label::AnnualGoal).map(|x| x.1);
    let long_term = first_text(&|l| *l == Label::LongTermGoal)
        .map(|x| x.1)
        .unwrap_or_default();
    let annual = match annual {
        Some(a) => a,
        None => match first_text(&|l| *l == Label::OverallGoal) {
            Some((f, t)) => {
                let o = grid.origin(f.at.0, f.at.1);
                let label = clean(grid.at(f.at.0, f.at.1));
                ctx.ambiguous(
                    "goals.annual",
                    &o,
                    format!("表中只有“{label}”，没有分年度目标和中长期目标，按年度目标读取"),
                );
                t
            }
            None => {
                ctx.incomplete("goals.annual", &whole, "未找到年度目标".into());
                String::new()
            }
        },
    };

    let funds = read_funds(ctx, &found, rows.clone(), &whole)?;

    Ok(Header {
        declaration: Declaration {
            project: GoalHeader {
                name: name_text,
                year,
                department,
                implementer,
                code,
                attribute,
                period,
            },
            funds,
            goals: GoalText { annual, long_term },
            indicators: Vec::new(),
        },
        findings: std::mem::take(&mut ctx.findings),
    })
}

/// The first year a text names with 年: `2023年…` (the title's, or a project name's).
fn years_in_name(name: &str) -> Option<i32> {
    static Y: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*年").expect("literal"));
    Y.captures(name).and_then(|c| c[1].parse().ok())
}

/// The years a period text names: `202001-202012`, `2023.07-2024.01`, `2023年4月-2024年2月`.
fn years_in(s: &str) -> Vec<i32> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in ascii_digits(s).chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if matches!(run.len(), 4 | 6 | 8)
            && let Ok(y) = run[..4].parse::<i32>()
            && (1990..=2100).contains(&y)
        {
            out.push(y);
        }
        run.clear();
    }
    out
}

/// The 年度 of a title: `（2023年度）`, `(2020)年度`, `2020年度)`.
fn title_year(s: &str) -> Option<i32> {
    static Y: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*[)）]?\s*年度").expect("literal"));
    Y.captures(s).and_then(|c| c[1].parse().ok())
}

/// A title naming its year without 年度: `2023年项目支出绩效目标申报表`.
fn title_year_loose(s: &str) -> Option<i32> {
    if !(s.contains("绩效目标") || s.contains("目标表") || s.contains("申报表")) {
        return None;
    }
    years_in_name(s)
}

/// The year of the first title among `rows` (row by row, left to right) that names one, with or without
/// 年度.
pub(super) fn title_year_in(grid: &Grid, rows: std::ops::Range<usize>) -> Option<i32> {
    rows.flat_map(|r| (0..grid.cols()).map(move |c| (r, c)))
        .find_map(|(r, c)| {
            let t = grid.at(r, c);
            title_year(t).or_else(|| title_year_loose(t))
        })
}

/// 项目属性 as written: a word (新增, 延续, 持续性项目), or a checkbox line that ticks one of the two.
fn attribute(text: &str) -> Option<Attribute> {
    let k = key(text);
    let new = k.find("新增");
    let cont = k.find("延续").or_else(|| k.find("持续"));
    match (new, cont) {
        (Some(a), Some(b)) => {
            // A checkbox line: 新增项目□ 延续项目☑ (Wingdings ☑ is R or þ, ☐ is £).
            let mark = |at: usize| -> Option<bool> {
                let after = &k[at..];
                let after = after
                    .trim_start_matches("新增")
                    .trim_start_matches("延续")
                    .trim_start_matches("持续")
                    .trim_start_matches("性")
                    .trim_start_matches("项目");
                let before = k[..at].chars().next_back();
                let checked =
                    |c: char| matches!(c, '√' | '✓' | '✔' | '☑' | '■' | 'R' | 'þ' | '●' | '☒');
                let unchecked = |c: char| matches!(c, '□' | '☐' | '£' | '○' | 'o' | '¨');
                match (after.chars().next(), before) {
                    (Some(c), _) if checked(c) => Some(true),
                    (Some(c), _) if unchecked(c) => Some(false),
                    (_, Some(c)) if checked(c) => Some(true),
                    (_, Some(c)) if unchecked(c) => Some(false),
                    _ => None,
                }
            };
            match (mark(a), mark(b)) {
                (Some(true), Some(false)) => Some(Attribute::New),
                (Some(false), Some(true)) => Some(Attribute::Continuing),
                _ => None,
            }
        }
        _ => Attribute::parse(&k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_texts_give_their_years() {
        assert_eq!(years_in("202001-202012"), vec![2020, 2020]);
        assert_eq!(years_in("2023.07-2024.01"), vec![2023, 2024]);
        assert_eq!(years_in("2023年4月-2024年2月"), vec![2023, 2024]);
        assert_eq!(years_in("2021—2023年"), vec![2021, 2023]);
        assert_eq!(years_in("3年"), Vec::<i32>::new());
    }

    #[test]
    fn titles_give_their_year() {
        assert_eq!(title_year("(2020)年度"), Some(2020));
        assert_eq!(title_year("2020年度)"), Some(2020));
        assert_eq!(title_year("（ 2023年度）"), Some(2023));
        assert_eq!(title_year_loose("2023年项目支出绩效目标申报表"), Some(2023));
        assert_eq!(title_year_loose("2023年度少数民族发展资金"), None);
    }

    #[test]
    fn checkboxes_and_words_give_the_attribute() {
        assert_eq!(
            attribute("新增项目□                       延续项目R"),
            Some(Attribute::Continuing)
        );
        assert_eq!(attribute("新增项目√ 延续项目□"), Some(Attribute::New));
        assert_eq!(attribute("新增项目□延续项目□"), None);
        assert_eq!(attribute("持续性项目"), Some(Attribute::Continuing));
        assert_eq!(attribute("延续"), Some(Attribute::Continuing));
        assert_eq!(attribute("基础建设、修缮类"), None);
    }
}
