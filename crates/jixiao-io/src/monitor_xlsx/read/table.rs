//! The rows of a form's indicator table: where the table ends ([`data_rows`]), and each row read into an
//! indicator (一级 / 二级 carried down, 完成目标可能性 as a word or a tick, 偏差原因 as text or ticked
//! categories, 指标方向).

use jixiao_core::monitoring::{Likelihood, MonitorIndicator};
use jixiao_core::{Code, Direction};

use super::columns::{Ind, Table, is_category};
use super::labels::{Label, is_blank, key, label_of, name_text, value_text};
use super::{Reader, Sheet};

/// A name of the 一级 / 二级 column (产出指标, 数量指标, 满意度 …), as opposed to a label under the table.
fn is_level_word(k: &str) -> bool {
    let n = k.chars().count();
    n <= 16
        && (k.ends_with("指标")
            || [
                "产出", "效益", "满意", "成本", "投入", "过程", "管理", "效果", "影响", "数量",
                "质量", "时效",
            ]
            .iter()
            .any(|w| k.contains(w)))
}

/// A row that starts a form: its title (…监控表) or its 项目名称.
pub(super) fn starts_form(s: &Sheet, r: usize) -> bool {
    (0..s.cols()).any(|c| {
        if !s.own(r, c) {
            return false;
        }
        let t = s.at(r, c);
        let k = key(t);
        (k.contains("监控") && k.contains('表') && k.chars().count() <= 60)
            || label_of(t) == Some(Label::Name)
    })
}

/// The data rows of a table: from its first row until a label row under it, the next form, or the end.
pub(super) fn data_rows(s: &Sheet, t: &Table) -> Vec<usize> {
    let name_col = t.name_col();
    let mut out = Vec::new();
    for r in t.first..s.rows() {
        if starts_form(s, r) {
            break;
        }
        let first = (0..s.cols()).find(|&c| s.anchor(r, c).0 == r && !is_blank(s.at(r, c)));
        match first {
            None => continue,
            Some(c) if c < name_col && !is_level_word(&key(s.at(r, c))) => break,
            Some(_) => out.push(r),
        }
    }
    out
}

/// The indicators of a table's rows: 一级 / 二级 carried down over blank ("same as above") cells, rows without
/// a 三级指标 left out, template rows with nothing filled in left out with a finding.
pub(super) fn indicators_of(
    rd: &mut Reader<'_>,
    t: &Table,
    rows: &[usize],
) -> Vec<MonitorIndicator> {
    let s = rd.s;
    for (c, doubt) in &t.doubts {
        rd.note(
            Code::ImportAmbiguous,
            "indicators",
            t.header,
            *c,
            doubt.clone(),
        );
    }
    // A value cell: empty when it is the continuation of a cell to its left.
    let cell = |r: usize, col: Option<usize>| -> &str {
        match col {
            Some(c) if s.anchor(r, c).1 == c => s.at(r, c),
            _ => "",
        }
    };
    let mut out: Vec<MonitorIndicator> = Vec::new();
    let name_col = t.name_col();
    for &r in rows {
        let name = name_text(cell(r, Some(name_col)));
        if is_blank(&name) || matches!(key(&name).as_str(), "合计" | "小计" | "总计") {
            continue;
        }
        let i = out.len();
        let prev = out.last();
        let mut level1 = name_text(cell(r, t.get(Ind::Level1)));
        if is_blank(&level1) {
            level1 = prev.map(|p| p.level1.clone()).unwrap_or_default();
        }
        let mut level2 = name_text(cell(r, t.get(Ind::Level2)));
        if is_blank(&level2) {
            level2 = match prev {
                Some(p) if p.level1 == level1 && t.get(Ind::Level2).is_some() => p.level2.clone(),
                _ => String::new(),
            };
        }
        let target = value_text(cell(r, t.get(Ind::Target)));
        let progress = value_text(cell(r, t.get(Ind::Progress)));
        let forecast = value_text(cell(r, t.get(Ind::Forecast)));
        let measures = value_text(cell(r, t.get(Ind::Measures)));
        let remark = value_text(cell(r, t.get(Ind::Remark)));

        // 完成目标可能性: the ticked column, or the word.
        let mut likelihood = None;
        if !t.likelihood_ticks.is_empty() {
            let ticked: Vec<(Likelihood, usize)> = t
                .likelihood_ticks
                .iter()
                .copied()
                .filter(|(_, c)| is_tick(s.at(r, *c)))
                .collect();
            match ticked.as_slice() {
                [(l, _)] => likelihood = Some(*l),
                [] => rd.note(
                    Code::ImportIncomplete,
                    format!("indicators[{i}].likelihood"),
                    r,
                    t.likelihood_ticks[0].1,
                    format!("指标“{name}”没有勾选完成目标可能性"),
                ),
                many => rd.note(
                    Code::ImportAmbiguous,
                    format!("indicators[{i}].likelihood"),
                    r,
                    many[0].1,
                    format!(
                        "指标“{name}”勾选了不止一种完成目标可能性（{}），未读取",
                        many.iter()
                            .map(|(l, _)| l.label())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ),
            }
        } else if let Some(c) = t.get(Ind::Likelihood) {
            let text = cell(r, Some(c));
            match likelihood_text(text) {
                Ok(Some(l)) => likelihood = Some(l),
                Ok(None) => rd.note(
                    Code::ImportIncomplete,
                    format!("indicators[{i}].likelihood"),
                    r,
                    c,
                    format!("指标“{name}”没有填写完成目标可能性"),
                ),
                Err(()) => rd.note(
                    Code::ImportAmbiguous,
                    format!("indicators[{i}].likelihood"),
                    r,
                    c,
                    format!(
                        "指标“{name}”的完成目标可能性“{}”不是“确定能”“有可能”“完全不可能”之一，未读取",
                        text.trim()
                    ),
                ),
            }
        }

        // 偏差原因: the text column, or the ticked categories with the 备注.
        let deviation = if t.category_ticks.is_empty() {
            if !remark.is_empty() {
                rd.note(
                    Code::ImportAmbiguous,
                    format!("indicators[{i}]"),
                    r,
                    t.get(Ind::Remark).unwrap_or(name_col),
                    format!("指标“{name}”的备注“{remark}”不属于监控表的任何一栏，未读入"),
                );
            }
            value_text(cell(r, t.get(Ind::Deviation)))
        } else {
            let cats: Vec<String> = t
                .category_ticks
                .iter()
                .filter(|(_, c)| is_tick(s.at(r, *c)))
                .map(|(cat, c)| {
                    let written = key(s.at(r, *c));
                    if is_category(cat) && written.chars().count() > 1 && !is_tick_mark(&written) {
                        // 其他 with its reason written in instead of a tick.
                        value_text(s.at(r, *c))
                    } else {
                        cat.clone()
                    }
                })
                .collect();
            match (cats.is_empty(), remark.is_empty()) {
                (true, _) => remark,
                (false, true) => cats.join("、"),
                (false, false) => format!("{}：{remark}", cats.join("、")),
            }
        };
        let direction = match t.get(Ind::Direction) {
            Some(c) => match direction_of(cell(r, Some(c))) {
                Ok(d) => d,
                Err(()) => {
                    rd.note(
                        Code::ImportAmbiguous,
                        format!("indicators[{i}].direction"),
                        r,
                        c,
                        format!(
                            "指标方向“{}”不是正向、反向或定性，未读取",
                            cell(r, Some(c)).trim()
                        ),
                    );
                    None
                }
            },
            None => None,
        };

        if target.is_empty()
            && progress.is_empty()
            && forecast.is_empty()
            && likelihood.is_none()
            && deviation.is_empty()
            && measures.is_empty()
        {
            rd.note(
                Code::ImportIncomplete,
                "indicators",
                r,
                name_col,
                format!("“{name}”一行没有填写指标值和完成情况，未作为指标读取"),
            );
            // The findings about this row's empty columns are not wanted.
            let path = format!("indicators[{i}].");
            rd.findings.retain(|f| !f.path.starts_with(&path));
            continue;
        }
        if target.is_empty() {
            rd.note(
                Code::ImportIncomplete,
                format!("indicators[{i}].target"),
                r,
                t.get(Ind::Target).unwrap_or(name_col),
                format!("指标“{name}”没有填写年度指标值"),
            );
        }
        if progress.is_empty() {
            rd.note(
                Code::ImportIncomplete,
                format!("indicators[{i}].progress"),
                r,
                t.get(Ind::Progress).unwrap_or(name_col),
                format!("指标“{name}”没有填写截至目前的完成值"),
            );
        }
        out.push(MonitorIndicator {
            level1,
            level2,
            name,
            target,
            progress,
            forecast,
            likelihood,
            deviation,
            measures,
            direction,
        });
    }
    out
}

/// A tick in a tick column: any mark except an empty box or a cross.
fn is_tick(text: &str) -> bool {
    let k = key(text);
    !is_blank(&k)
        && !matches!(
            k.as_str(),
            "□" | "○" | "×" | "✗" | "✘" | "否" | "无" | "0" | "N" | "n"
        )
}

/// A cell holding only a tick mark.
fn is_tick_mark(k: &str) -> bool {
    k.chars().count() == 1 && is_tick(k)
}

/// 完成目标可能性 as written: the word (确定能 / 有可能 / 完全不可能, 能 / 可能 / 不可能, with 完成 after
/// it), or the one ticked word of a printed choice (`☑确定能 □有可能 □完全不可能`). None for a blank; an
/// error for anything else (no word, or several unticked).
fn likelihood_text(text: &str) -> Result<Option<Likelihood>, ()> {
    let k = key(text);
    if is_blank(&k) {
        return Ok(None);
    }
    let bare = k.trim_end_matches(['。', '.', '!', '！']);
    if let Some(l) = Likelihood::parse(bare).or_else(|| {
        bare.strip_suffix("完成")
            .and_then(Likelihood::parse)
            .or_else(|| bare.strip_suffix("实现").and_then(Likelihood::parse))
    }) {
        return Ok(Some(l));
    }
    const WORDS: [(&str, Likelihood); 4] = [
        ("完全不可能", Likelihood::Impossible),
        ("不可能", Likelihood::Impossible),
        ("有可能", Likelihood::Possible),
        ("确定能", Likelihood::Certain),
    ];
    const MARKS: &[char] = &['☑', '√', '✓', '✔', '■', '●', '☒', '▇', '◼'];
    let chars: Vec<char> = k.chars().collect();
    // (word, char before it, char after it)
    let mut words: Vec<(Likelihood, Option<char>, Option<char>)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        match WORDS.iter().find(|(w, _)| rest.starts_with(w)) {
            Some((w, l)) => {
                let n = w.chars().count();
                words.push((
                    *l,
                    i.checked_sub(1).map(|j| chars[j]),
                    chars.get(i + n).copied(),
                ));
                i += n;
            }
            None => i += 1,
        }
    }
    // A printed choice puts its box before each word (☑确定能 □有可能) or after it (确定能☑ 有可能□).
    let boxed = |c: Option<char>| c.is_some_and(|c| MARKS.contains(&c) || matches!(c, '□' | '○'));
    let before = words.first().is_some_and(|w| boxed(w.1));
    let found: Vec<(Likelihood, bool)> = words
        .iter()
        .map(|&(l, b, a)| {
            let mark = if before { b } else { a };
            (l, mark.is_some_and(|c| MARKS.contains(&c)))
        })
        .collect();
    let marked: Vec<Likelihood> = found.iter().filter(|f| f.1).map(|f| f.0).collect();
    match (marked.as_slice(), found.as_slice()) {
        ([one], _) => Ok(Some(*one)),
        ([], [(one, _)]) => Ok(Some(*one)),
        _ => Err(()),
    }
}

fn direction_of(text: &str) -> Result<Option<Direction>, ()> {
    let k = key(text);
    if is_blank(&k) {
        return Ok(None);
    }
    match k.as_str() {
        "正向" | "正向指标" | "正" => Ok(Some(Direction::Positive)),
        "反向" | "反向指标" | "逆向" | "反" => Ok(Some(Direction::Reverse)),
        "定性" | "定性指标" => Ok(Some(Direction::Qualitative)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likelihood_words_and_printed_choices() {
        assert_eq!(likelihood_text("确定能"), Ok(Some(Likelihood::Certain)));
        assert_eq!(
            likelihood_text("有可能完成"),
            Ok(Some(Likelihood::Possible))
        );
        assert_eq!(
            likelihood_text(" 完全不可能 "),
            Ok(Some(Likelihood::Impossible))
        );
        assert_eq!(
            likelihood_text("☑确定能 □有可能 □完全不可能"),
            Ok(Some(Likelihood::Certain))
        );
        assert_eq!(
            likelihood_text("□确定能 □有可能 √完全不可能"),
            Ok(Some(Likelihood::Impossible))
        );
        assert_eq!(likelihood_text(""), Ok(None));
        assert_eq!(likelihood_text("待定"), Err(()));
        assert_eq!(likelihood_text("确定能、有可能、不可能"), Err(()));
    }
}
