//! The indicator table's header row: the role each column header names ([`col_of`]), the one column read
//! per role ([`Columns`]), and the 一级 / 二级 names the header check and the rows both need. A row whose
//! headers name a 三级指标 and a value is where a form's table (or a department's list) begins.

use std::sync::LazyLock;

use regex::Regex;

use super::Grid;
use super::labels::{Span, clean, is_blank, key, span_of};

/// What a column of the indicator table (or of a department's one-row-per-indicator list) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Level1,
    Level2,
    Name,
    Target,
    /// 指标性质: ≥ / ≤ / = / 定性, printed before the value.
    Nature,
    /// 度量单位, printed after the value.
    Unit,
    Weight,
    Explanation,
    Basis,
    BasisNote,
    DataSource,
    Scoring,
    Direction,
    /// 绩效标准: 取值依据 on some forms, an explanation on others; decided by what the column holds.
    Standard,
    Remark,
    // A list of projects: one row per indicator.
    Project,
    UnitName,
    Budget,
    Goal,
}

/// The role a column header names; none for a header this reader does not use.
pub(super) fn col_of(header: &str) -> Option<Col> {
    let k = key(header);
    if k.is_empty() || k.chars().count() > 20 {
        return None;
    }
    let has = |w: &str| k.contains(w);
    let col = if has("一级指标") {
        Col::Level1
    } else if has("二级指标") {
        Col::Level2
    } else if has("三级指标")
        || has("绩效指标名称")
        || matches!(k.as_str(), "指标名称" | "指标内容" | "具体指标")
    {
        Col::Name
    } else if has("指标解释") || has("指标说明") || has("指标内涵") || has("指标定义")
    {
        Col::Explanation
    } else if has("依据说明") || has("取值说明") {
        Col::BasisNote
    } else if has("取值依据") || has("设定依据") || has("确定依据") {
        Col::Basis
    } else if has("评分标准")
        || has("扣分标准")
        || has("评(扣)分")
        || has("评分规则")
        || has("评分方法")
        || has("计分方法")
        || has("评价标准")
    {
        Col::Scoring
    } else if has("绩效标准") {
        Col::Standard
    } else if has("数据来源") || has("评价依据") || has("佐证材料") || has("证明材料")
    {
        Col::DataSource
    } else if has("指标方向") {
        Col::Direction
    } else if has("指标性质") {
        Col::Nature
    } else if has("度量单位") || has("计量单位") {
        Col::Unit
    } else if has("分值") || matches!(k.as_str(), "权重" | "权重(%)" | "分数" | "指标权重")
    {
        Col::Weight
    } else if has("指标值") || has("目标值") || has("预期实现值") || has("预期值") {
        Col::Target
    } else if k == "备注" {
        Col::Remark
    } else if k == "项目名称" || k == "项目支出名称" {
        Col::Project
    } else if matches!(
        k.as_str(),
        "单位名称" | "预算单位" | "预算单位名称" | "单位"
    ) {
        Col::UnitName
    } else if has("预算数") || has("预算金额") || has("资金总额") || k == "金额" {
        Col::Budget
    } else if has("目标") && !has("指标") {
        Col::Goal
    } else {
        return None;
    };
    Some(col)
}

/// The columns of an indicator table's header row, one per role: the annual column where a role has
/// long-term and annual ones side by side. None when the row is not such a header.
pub(super) struct Columns {
    pub(super) cols: Vec<(Col, usize)>,
    /// Value columns headed by places (乡镇, 村) instead of one 指标值 column: (column, place).
    pub(super) places: Vec<(usize, String)>,
    /// Roles that only had a long-term column, or had two columns of the same span, or a header that
    /// does not say what its columns hold.
    pub(super) doubts: Vec<String>,
}

/// A 二级指标 name (数量指标, 社会效益指标 …), as opposed to a 一级 name or an indicator.
fn is_level2_word(s: &str) -> bool {
    let k = level2_name(s);
    k.ends_with("指标")
        && k.chars().count() <= 12
        && level1_of_level2(&k).is_some()
        && !matches!(
            level1_name(s).as_str(),
            "产出指标" | "效益指标" | "满意度指标"
        )
}

impl Columns {
    pub(super) fn of(grid: &Grid, r: usize) -> Option<Columns> {
        let mut found: Vec<(Col, Span, usize)> = Vec::new();
        for c in 0..grid.cols() {
            if grid.anchor[r][c].1 != c {
                continue; // a merged copy of the header to its left
            }
            let text = grid.at(r, c);
            if let Some(col) = col_of(text) {
                found.push((col, span_of(&key(text)), c));
            }
        }
        let has = |x: Col| found.iter().any(|f| f.0 == x);
        let mut doubts = Vec::new();
        // Value columns headed by places: what the header row holds right of the 三级 column and no word
        // of the table names.
        let mut places = Vec::new();
        if let Some(name_col) = found.iter().find(|f| f.0 == Col::Name).map(|f| f.2)
            && !has(Col::Target)
        {
            for c in name_col + 1..grid.cols() {
                let t = grid.at(r, c);
                if grid.anchor[r][c].1 == c && !is_blank(t) && col_of(t).is_none() {
                    places.push((c, clean(t)));
                }
            }
        }
        // 一级指标 | 二级指标 | … | 指标值 without a 三级 column: a header shifted against its rows when the
        // 一级 column holds 二级 names (数量指标 …) and the 二级 column the indicators.
        let shifted =
            !has(Col::Name) && has(Col::Target) && has(Col::Level1) && has(Col::Level2) && {
                let col = |x: Col| {
                    found
                        .iter()
                        .find(|f| f.0 == x)
                        .map(|f| f.2)
                        .expect("present")
                };
                let (l1, l2) = (col(Col::Level1), col(Col::Level2));
                let below = |c: usize| -> Vec<String> {
                    let mut v: Vec<String> = Vec::new();
                    for rr in r + 1..grid.rows().min(r + 60) {
                        let t = grid.at(rr, c);
                        if !is_blank(t) && v.last().is_none_or(|l| l != t) {
                            v.push(t.to_string());
                        }
                    }
                    v
                };
                let (firsts, seconds) = (below(l1), below(l2));
                !firsts.is_empty()
                    && firsts.iter().take(3).all(|t| is_level2_word(t))
                    && seconds.first().is_some_and(|t| !is_level2_word(t))
            };
        if shifted {
            for f in &mut found {
                f.0 = match f.0 {
                    Col::Level1 => Col::Level2,
                    Col::Level2 => Col::Name,
                    other => other,
                };
            }
            doubts.push(
                "指标表的表头与内容错位：“一级指标”一栏填的是二级指标，“二级指标”一栏填的是三级指标，已按内容读取，一级指标按二级指标推定"
                    .to_string(),
            );
        }
        let has = |x: Col| found.iter().any(|f| f.0 == x);
        if !(has(Col::Name) && (has(Col::Target) || places.len() >= 2)) {
            return None;
        }
        // Each indicator read from place columns says so itself (its target's finding).
        if has(Col::Target) {
            places.clear();
        }
        // A list's columns only in a list: a form's header row may start with `年度绩效目标`.
        if !has(Col::Project) {
            found.retain(|f| !matches!(f.0, Col::UnitName | Col::Budget | Col::Goal));
        }
        let mut cols = Vec::new();
        let mut roles: Vec<Col> = found.iter().map(|f| f.0).collect();
        roles.dedup();
        let mut seen = Vec::new();
        for role in roles {
            if seen.contains(&role) {
                continue;
            }
            seen.push(role);
            let cands: Vec<&(Col, Span, usize)> = found.iter().filter(|f| f.0 == role).collect();
            let best = cands.iter().map(|f| f.1).max().expect("one candidate");
            let chosen: Vec<&&(Col, Span, usize)> = cands.iter().filter(|f| f.1 == best).collect();
            if best == Span::LongTerm {
                doubts.push(format!(
                    "“{}”只有中长期一栏，已按该栏读取",
                    grid.at(r, chosen[0].2).trim()
                ));
            } else if chosen.len() > 1 && role != Col::Remark {
                doubts.push(format!(
                    "表头有 {} 个“{}”栏，已读取第一个",
                    chosen.len(),
                    grid.at(r, chosen[0].2).trim()
                ));
            }
            cols.push((role, chosen[0].2));
        }
        Some(Columns {
            cols,
            places,
            doubts,
        })
    }

    pub(super) fn get(&self, col: Col) -> Option<usize> {
        self.cols.iter().find(|x| x.0 == col).map(|x| x.1)
    }

    pub(super) fn is_list(&self) -> bool {
        self.get(Col::Project).is_some()
    }

    /// The text of a role's cell on row `r`; none when the table has no such column or the cell is blank.
    pub(super) fn cell<'g>(&self, grid: &'g Grid, r: usize, col: Col) -> Option<&'g str> {
        self.get(col)
            .map(|c| grid.at(r, c))
            .filter(|t| !is_blank(t))
    }
}

/// The 一级指标 of a cell: `成本指标(0-20)分` → `成本指标`, `产出 指标` → `产出指标`.
pub(super) fn level1_name(s: &str) -> String {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)").expect("literal"));
    let k = key(s);
    let k = PAREN.replace_all(&k, "");
    k.trim_end_matches('分').to_string()
}

/// A 二级指标 as printed, on one line, without a span note (`数量指标(年度)`).
pub(super) fn level2_name(s: &str) -> String {
    let k = key(s);
    ["(年度)", "(长期)", "(中期)", "(中长期)"]
        .iter()
        .fold(k, |k, w| k.replace(w, ""))
}

/// The 一级指标 a 二级指标 belongs to on the standard form.
pub(super) fn level1_of_level2(l2: &str) -> Option<&'static str> {
    if l2.contains("满意") {
        Some("满意度指标")
    } else if l2.contains("效益") || l2.contains("可持续") {
        Some("效益指标")
    } else if ["数量", "质量", "时效", "成本"]
        .iter()
        .any(|w| l2.contains(w))
    {
        Some("产出指标")
    } else {
        None
    }
}
