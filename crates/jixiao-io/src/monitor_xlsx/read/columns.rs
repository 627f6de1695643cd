//! The indicator table's header row: the role each column header names ([`ind_col`]), and the table it
//! starts ([`table_at`]) with the tick columns of a two-row header.

use jixiao_core::monitoring::Likelihood;

use super::Sheet;
use super::labels::{key, name_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ind {
    Level1,
    Level2,
    Name,
    Target,
    Progress,
    Forecast,
    Likelihood,
    Deviation,
    Measures,
    Direction,
    Remark,
    /// 分值 / 得分: a self-evaluation form, not a 监控表.
    Score,
}

fn ind_col(text: &str) -> Option<Ind> {
    let k = key(text);
    if k.is_empty() || k.chars().count() > 30 {
        return None;
    }
    let has = |w: &str| k.contains(w);
    let col = if has("可能性") || has("完成目标可能") || has("完成可能") {
        Ind::Likelihood
    } else if has("得分") || has("分值") || has("权重") {
        Ind::Score
    } else if has("一级指标") {
        Ind::Level1
    } else if has("二级指标") {
        Ind::Level2
    } else if has("三级指标") || has("指标名称") || matches!(k.as_str(), "指标内容" | "具体指标")
    {
        Ind::Name
    } else if has("预计") {
        Ind::Forecast
    } else if has("措施") || has("举措") || has("建议") {
        Ind::Measures
    } else if has("原因") || has("偏差") {
        Ind::Deviation
    } else if has("指标方向") {
        Ind::Direction
    } else if k.starts_with("备注") {
        Ind::Remark
    } else if has("完成") || has("执行") || has("进展") || has("实现") || has("进度") {
        Ind::Progress
    } else if has("指标值") || has("目标值") || has("预期值") || k == "目标" {
        Ind::Target
    } else {
        return None;
    };
    Some(col)
}

/// A 偏差原因 category of the 财预〔2019〕136号 template (经费保障, 制度保障, 人员保障, 硬件条件保障, 其他).
pub(super) fn is_category(k: &str) -> bool {
    k.ends_with("保障") || k == "其他" || k == "其它"
}

/// An indicator table: its header, first data row, columns, and the tick columns of a two-row header.
pub(super) struct Table {
    pub(super) header: usize,
    pub(super) first: usize,
    cols: Vec<(Ind, usize)>,
    pub(super) likelihood_ticks: Vec<(Likelihood, usize)>,
    pub(super) category_ticks: Vec<(String, usize)>,
    pub(super) doubts: Vec<(usize, String)>,
}

impl Table {
    pub(super) fn get(&self, kind: Ind) -> Option<usize> {
        self.cols.iter().find(|x| x.0 == kind).map(|x| x.1)
    }
    pub(super) fn name_col(&self) -> usize {
        self.get(Ind::Name).expect("a table has a name column")
    }
}

/// The table whose header is row `r`, if it is one.
pub(super) fn table_at(s: &Sheet, r: usize) -> Option<Table> {
    let mut found: Vec<(Ind, usize)> = Vec::new();
    for c in 0..s.cols() {
        if s.own(r, c)
            && let Some(kind) = ind_col(s.at(r, c))
        {
            found.push((kind, c));
        }
    }
    let has = |x: Ind| found.iter().any(|f| f.0 == x);
    if !(has(Ind::Name) && has(Ind::Target) && has(Ind::Progress)) || has(Ind::Score) {
        return None;
    }
    let mut cols: Vec<(Ind, usize)> = Vec::new();
    let mut doubts = Vec::new();
    for (kind, c) in &found {
        if cols.iter().any(|x| x.0 == *kind) {
            if *kind != Ind::Remark {
                doubts.push((
                    *c,
                    format!(
                        "表头有不止一个“{}”栏，已读取左边第一个",
                        name_text(s.at(r, *c))
                    ),
                ));
            }
            continue;
        }
        cols.push((*kind, *c));
    }
    // A header cell spanning several columns over a second header row: tick columns.
    let mut likelihood_ticks = Vec::new();
    let mut category_ticks = Vec::new();
    let mut two_rows = false;
    if r + 1 < s.rows() {
        for (kind, c) in cols.clone() {
            if !matches!(kind, Ind::Likelihood | Ind::Deviation) {
                continue;
            }
            let end = (c..s.cols())
                .take_while(|cc| s.anchor(r, *cc) == (r, c))
                .last()
                .unwrap_or(c);
            if end == c {
                continue;
            }
            let subs: Vec<(usize, String)> = (c..=end)
                .filter(|cc| s.own(r + 1, *cc))
                .map(|cc| (cc, key(s.at(r + 1, cc))))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            if subs.len() < 2 {
                continue;
            }
            if kind == Ind::Likelihood && subs.iter().all(|(_, t)| Likelihood::parse(t).is_some()) {
                likelihood_ticks = subs
                    .iter()
                    .filter_map(|(cc, t)| Likelihood::parse(t).map(|l| (l, *cc)))
                    .collect();
                two_rows = true;
            } else if kind == Ind::Deviation && subs.iter().all(|(_, t)| is_category(t)) {
                category_ticks = subs.into_iter().map(|(cc, t)| (t, cc)).collect();
                two_rows = true;
            }
        }
    }
    if !likelihood_ticks.is_empty() {
        cols.retain(|x| x.0 != Ind::Likelihood);
    }
    if !category_ticks.is_empty() {
        cols.retain(|x| x.0 != Ind::Deviation);
    }
    let name_col = cols
        .iter()
        .find(|x| x.0 == Ind::Name)
        .map(|x| x.1)
        .expect("checked");
    let mut first = r + 1 + usize::from(two_rows);
    // A header cell merged down over more rows.
    while first < s.rows() && s.anchor(first, name_col).0 == r {
        first += 1;
    }
    Some(Table {
        header: r,
        first,
        cols,
        likelihood_ticks,
        category_ticks,
        doubts,
    })
}
