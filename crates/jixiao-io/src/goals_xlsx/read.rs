//! Reading one sheet: where its forms are (an indicator table's header row), the labelled cells above each
//! table (project, funds, goals), and the table's rows. Labels and column headers are recognised by their
//! words; a value is the next cell to the right of its label or, for a goal printed over its text, the
//! cell below.

use std::str::FromStr;
use std::sync::LazyLock;

use jixiao_core::goals::{
    Attribute, Basis, Declaration, GoalFundSource, GoalFunds, GoalHeader, GoalIndicator, GoalText,
    Period,
};
use jixiao_core::{Code, Direction, Finding};
use regex::Regex;
use rust_decimal::Decimal;

use super::{GoalsError, Grid, ReadDeclaration};
use crate::import::Origin;

/// A label or header as compared: whitespace and `★`/`*` marks removed, full-width brackets, colons and
/// commas folded, a trailing colon dropped.
pub(super) fn key(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '★' | '☆' | '*' | '＊'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            '％' => '%',
            c => c,
        })
        .collect();
    k.trim_end_matches(':').to_string()
}

/// Empty, or a placeholder for "nothing here" (`-`, `—`, `/`, `……`).
fn is_blank(s: &str) -> bool {
    matches!(
        key(s).as_str(),
        "" | "-" | "--" | "—" | "——" | "/" | "／" | "…" | "……" | "\\"
    )
}

/// Cell text as printed, on one line: the spaces a line break or a web page puts between Chinese
/// characters are removed; a space between two Latin words or numbers is kept.
pub(super) fn clean(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let (prev, next) = (out.chars().last(), chars.get(j).copied());
            if let (Some(a), Some(b)) = (prev, next)
                && a.is_ascii_alphanumeric()
                && b.is_ascii_alphanumeric()
                && (a.is_ascii_alphabetic() || b.is_ascii_alphabetic())
            {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Free text (a goal, an explanation, a scoring rule) as typed: each line trimmed, empty lines dropped,
/// line breaks and the spaces inside a line kept.
pub(super) fn text(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn finding(code: Code, path: impl Into<String>, origin: &Origin, what: String) -> Finding {
    let advice = match code {
        Code::ImportIncomplete => "取得完整的申报表后重新导入，或在绩效目标文件中补齐缺少的内容。",
        _ => "对照原件核对该值，必要时在绩效目标文件中改正。",
    };
    Finding::new(code, path, format!("{}：{what}", origin.describe()), advice)
}

// ---------------------------------------------------------------------------------------------------
// Column headers of the indicator table (and of a department's one-row-per-indicator list).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
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

/// Which years a column covers: the declaration's year, or the whole project (中长期 / 实施期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Span {
    LongTerm,
    Plain,
    Annual,
}

fn span_of(k: &str) -> Span {
    if ["长期", "中期", "实施期"].iter().any(|w| k.contains(w)) {
        Span::LongTerm
    } else if ["年度", "本年", "当年"].iter().any(|w| k.contains(w)) {
        Span::Annual
    } else {
        Span::Plain
    }
}

fn col_of(header: &str) -> Option<Col> {
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
struct Columns {
    cols: Vec<(Col, usize)>,
    /// Value columns headed by places (乡镇, 村) instead of one 指标值 column: (column, place).
    places: Vec<(usize, String)>,
    /// Roles that only had a long-term column, or had two columns of the same span, or a header that
    /// does not say what its columns hold.
    doubts: Vec<String>,
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
    fn of(grid: &Grid, r: usize) -> Option<Columns> {
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

    fn get(&self, col: Col) -> Option<usize> {
        self.cols.iter().find(|x| x.0 == col).map(|x| x.1)
    }

    fn is_list(&self) -> bool {
        self.get(Col::Project).is_some()
    }
}

// ---------------------------------------------------------------------------------------------------
// Labels above the table.

#[derive(Debug, Clone, PartialEq)]
enum Label {
    Name,
    /// 主管部门, with the level it names (0 省级 … 2 区/县级, 3 none).
    Department(u8),
    /// A unit that is the department only when nothing else names one (预算部门, 部门名称).
    DepartmentWeak,
    Implementer,
    /// A unit that is the implementer only when no 实施单位 is given (预算单位, 单位名称).
    ImplementerWeak,
    Code,
    Attribute,
    /// 是否新增: 是 / 否.
    IsNew,
    Period,
    Year,
    /// 年度资金总额 and its kin, ranked: 2 the year's, 1 plain, 0 the whole project's.
    Total(u8),
    Source(String),
    AnnualGoal,
    LongTermGoal,
    /// 总体目标 / 绩效目标 without saying which years.
    OverallGoal,
    /// A label this reader does not use (项目负责人, 联系电话, 项目分类 …): a value never.
    Other,
}

const SOURCE_WORDS: &[&str] = &[
    "财政拨款",
    "财政资金",
    "上年结转",
    "结转",
    "财政专户",
    "单位资金",
    "其他资金",
    "其它资金",
    "自有资金",
    "自筹",
    "事业收入",
    "经营收入",
    "上级资金",
    "上级补助",
    "中央",
    "省级资金",
    "市级资金",
    "县级资金",
    "区级资金",
    "本级资金",
    "债券",
    "补助资金",
    "基金",
];

fn label_of(text: &str) -> Option<Label> {
    let k = key(text);
    let n = k.chars().count();
    // A title (…绩效目标申报表) or an approval row is no label.
    if k.is_empty() || n > 16 || k.contains("意见") || k.ends_with('表') {
        return None;
    }
    let has = |w: &str| k.contains(w);
    // Funds first: 财政资金预算分类 and 其中:财政拨款 name money, not the project.
    let source = k
        .strip_prefix("其中:")
        .or_else(|| k.strip_prefix("其中"))
        .unwrap_or(&k);
    let money_other = ["分类", "科目", "代码", "执行", "率", "测算"]
        .iter()
        .any(|w| k.contains(w));
    if !money_other {
        if has("资金总额")
            || has("预算金额")
            || has("预算总额")
            || has("总预算")
            || has("年度预算")
            || has("资金合计")
        {
            let rank = if has("中期") || has("项目总") || has("实施期") || has("总预算")
            {
                0
            } else if has("年度") || has("当年") || has("本年") {
                2
            } else {
                1
            };
            return Some(Label::Total(rank));
        }
        if (k.starts_with("其中") || SOURCE_WORDS.iter().any(|w| source.contains(w)))
            && !source.is_empty()
            && !has("指标")
            && !has("目标")
        {
            return Some(Label::Source(source.to_string()));
        }
    }
    if has("目标") && !has("指标") && !has("完成") && !has("情况") && !has("值") {
        return if ["中长期", "中期", "长期", "实施期"].iter().any(|w| has(w)) {
            Some(Label::LongTermGoal)
        } else if ["年度", "本年", "当年"].iter().any(|w| has(w)) {
            Some(Label::AnnualGoal)
        } else if k.ends_with("目标") {
            Some(Label::OverallGoal)
        } else {
            None
        };
    }
    if (has("主管部门") || has("主管单位")) && !((has("编码") || has("代码")) && !has("及"))
    {
        let level = if has("省级") {
            0
        } else if has("市级") || has("州级") {
            1
        } else if has("区级") || has("县级") {
            2
        } else {
            3
        };
        return Some(Label::Department(level));
    }
    if matches!(
        k.as_str(),
        "预算部门" | "部门名称" | "预算部门名称" | "部门(单位)名称" | "部门(单位)"
    ) {
        return Some(Label::DepartmentWeak);
    }
    if has("实施单位") || has("实施主体") || has("承担单位") || k == "项目单位" {
        return Some(Label::Implementer);
    }
    if matches!(
        k.as_str(),
        "预算单位" | "预算单位名称" | "单位名称" | "填报单位" | "编制单位" | "申报单位"
    ) {
        return Some(Label::ImplementerWeak);
    }
    if matches!(k.as_str(), "项目编码" | "项目编号" | "项目代码") {
        return Some(Label::Code);
    }
    if matches!(k.as_str(), "项目属性" | "项目性质") {
        return Some(Label::Attribute);
    }
    if k == "是否新增" || k == "是否新增项目" {
        return Some(Label::IsNew);
    }
    if [
        "项目期",
        "起止时间",
        "实施期",
        "建设周期",
        "实施周期",
        "项目周期",
        "实施时间",
        "建设期",
        "实施年限",
    ]
    .iter()
    .any(|w| has(w))
    {
        return Some(Label::Period);
    }
    if k == "预算年度" || k == "年度" {
        return Some(Label::Year);
    }
    if n <= 14
        && k.ends_with("名称")
        && (has("项目") || has("专项") || has("资金"))
        && !has("单位")
        && !has("部门")
    {
        return Some(Label::Name);
    }
    const OTHER: &[&str] = &[
        "负责人",
        "电话",
        "分类",
        "类别",
        "类型",
        "代码",
        "编码",
        "日期",
        "依据",
        "概况",
        "资金来源",
        "审批",
        "联系人",
        "分值",
        "执行率",
        "财政部门",
        "项目资金",
        "资金情况",
        "填报人",
        "填表人",
    ];
    if n <= 10 && OTHER.iter().any(|w| has(w)) {
        return Some(Label::Other);
    }
    None
}

/// A label and its value in one cell: `预算单位: 奉节县…`.
fn label_in_cell(text: &str) -> Option<(Label, String)> {
    let t = text.trim();
    let i = t.find([':', '：'])?;
    let (head, rest) = t.split_at(i);
    let value = rest.chars().skip(1).collect::<String>();
    let value = value.replace("(盖章)", "").replace("（盖章）", "");
    let value = value.trim();
    // Empty, or a second label in the same cell (`填报单位:(盖章) 单位:万元`).
    if value.is_empty() || is_blank(value) || value.contains([':', '：']) {
        return None;
    }
    let label = label_of(head)?;
    if matches!(label, Label::Other | Label::Source(_) | Label::Total(_)) {
        return None;
    }
    Some((label, value.to_string()))
}

/// A cell that is a heading of the form rather than a value: a label, or a short text about goals.
fn label_like(text: &str) -> bool {
    if label_of(text).is_some() {
        return true;
    }
    let k = key(text);
    k.chars().count() <= 16 && (k.contains("目标") || k.contains("完成情况") || k.contains("指标"))
}

/// The value of the label at (r, c): the next filled cell to its right that is not a heading.
fn value_right(grid: &Grid, r: usize, c: usize) -> Option<(usize, usize)> {
    let own = grid.anchor[r][c];
    for cc in c + 1..grid.cols() {
        if grid.anchor[r][cc] == own {
            continue;
        }
        let t = grid.at(r, cc);
        if is_blank(t) {
            continue;
        }
        if label_like(t) {
            return None;
        }
        return Some((r, cc));
    }
    None
}

/// The value printed under its label (总体目标 | 年度目标 | 中长期目标 with the texts below).
fn value_below(grid: &Grid, r: usize, c: usize) -> Option<(usize, usize)> {
    let own = grid.anchor[r][c];
    let rr = (r + 1..grid.rows()).find(|rr| grid.anchor[*rr][c] != own)?;
    let t = grid.at(rr, c);
    // Below a goal label is its text, or the next label of a stacked layout.
    if is_blank(t) || label_of(t).is_some() || col_of(t).is_some() {
        return None;
    }
    Some((rr, c))
}

// ---------------------------------------------------------------------------------------------------
// Numbers.

/// How an amount cell reads.
enum Amount {
    Exact(Decimal),
    /// A number followed by other text (`854万(其中…)`): the number.
    Leading(Decimal),
    Bad,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoneyUnit {
    Wan,
    Yuan,
}

fn ascii_digits(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect()
}

fn amount(text: &str, unit: MoneyUnit) -> Amount {
    static NUM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([-+]?\d+(?:\.\d+)?)(万元|万|元)?").expect("literal"));
    let s = ascii_digits(text);
    let Some(m) = NUM.captures(&s) else {
        return Amount::Bad;
    };
    // More than 15 digits before the point is no amount in 万元 (and sums of such could overflow).
    let digits = m[1]
        .trim_start_matches(['-', '+'])
        .split('.')
        .next()
        .unwrap_or("");
    if digits.len() > 15 {
        return Amount::Bad;
    }
    let Ok(x) = Decimal::from_str(&m[1]) else {
        return Amount::Bad;
    };
    let x = match m.get(2).map(|u| u.as_str()) {
        Some("万元" | "万") => x,
        Some(_) => (x / Decimal::from(10_000)).normalize(),
        None if unit == MoneyUnit::Yuan => (x / Decimal::from(10_000)).normalize(),
        None => x,
    };
    if m.get(0).expect("match").end() == s.len() {
        Amount::Exact(x)
    } else {
        Amount::Leading(x)
    }
}

/// A weight as written: `10`, `10分`, `10%`; none for a blank.
fn weight(text: &str) -> Result<Option<Decimal>, ()> {
    if is_blank(text) {
        return Ok(None);
    }
    let s = ascii_digits(text);
    let s = s.trim_end_matches(['分', '%']);
    Decimal::from_str(s).map(Some).map_err(|_| ())
}

/// The money unit a form states (`金额单位：元`, `单位：万元`, `项目资金（万元）`): 万元 unless 元 is stated.
/// Also whether the form states a unit at all (a label, a note or an amount written with 万 or 元).
fn money_unit(grid: &Grid, rows: std::ops::Range<usize>) -> (MoneyUnit, bool) {
    let mut stated = false;
    for r in rows {
        for c in 0..grid.cols() {
            let k = key(grid.at(r, c));
            if !k.contains('元') && !k.ends_with('万') || k.chars().count() > 40 {
                continue;
            }
            if k.contains("单位:元") || k.contains("(元)") || k.ends_with("单位元") {
                return (MoneyUnit::Yuan, true);
            }
            stated = true;
        }
    }
    (MoneyUnit::Wan, stated)
}

/// The 合计 of a budget breakdown (成本构成 | 金额 …, or 上年度安排 | 本年度申请): the value in the column
/// whose header names this year's money, else the first amount right of it. (value cell, its header)
fn breakdown_total(grid: &Grid, rows: std::ops::Range<usize>) -> Option<((usize, usize), String)> {
    for r in rows.clone() {
        for c in 0..grid.cols() {
            if grid.anchor[r][c] != (r, c)
                || !matches!(key(grid.at(r, c)).as_str(), "合计" | "总计")
            {
                continue;
            }
            let amounts: Vec<usize> = (c + 1..grid.cols())
                .filter(|cc| grid.anchor[r][*cc] == (r, *cc))
                .filter(|cc| matches!(amount(grid.at(r, *cc), MoneyUnit::Wan), Amount::Exact(_)))
                .collect();
            let first = *amounts.first()?;
            let header_row = (rows.start..r).rev().find(|hr| {
                (c + 1..grid.cols())
                    .filter(|cc| !is_blank(grid.at(*hr, *cc)))
                    .count()
                    >= 2
            });
            let header = |cc: usize| {
                header_row
                    .map(|hr| key(grid.at(hr, cc)))
                    .unwrap_or_default()
            };
            let this_year = amounts.iter().copied().find(|cc| {
                let h = header(*cc);
                ["本年", "当年", "申请", "预算", "金额"]
                    .iter()
                    .any(|w| h.contains(w))
                    && !["上年", "实际", "执行"].iter().any(|w| h.contains(w))
            });
            let col = this_year.unwrap_or(first);
            return Some(((r, col), header(col)));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------
// Years.

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
    static Y: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*年").expect("literal"));
    if !(s.contains("绩效目标") || s.contains("目标表") || s.contains("申报表")) {
        return None;
    }
    Y.captures(s).and_then(|c| c[1].parse().ok())
}

// ---------------------------------------------------------------------------------------------------
// Attribute.

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

// ---------------------------------------------------------------------------------------------------
// One form.

/// Where things were read, for findings.
struct Ctx<'a> {
    grid: &'a Grid,
    file: &'a str,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn ambiguous(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings
            .push(finding(Code::ImportAmbiguous, path, origin, what));
    }
    fn incomplete(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings
            .push(finding(Code::ImportIncomplete, path, origin, what));
    }
    fn bad_number(&self, r: usize, c: usize, what: &str) -> GoalsError {
        GoalsError::BadNumber {
            file: self.file.to_string(),
            at: self.grid.origin(r, c).describe(),
            what: what.to_string(),
            text: self.grid.at(r, c).trim().to_string(),
        }
    }
}

/// Every form of a sheet: each indicator table with the labelled rows above it.
pub(super) fn read_sheet(grid: &Grid, file: &str) -> Result<Vec<ReadDeclaration>, GoalsError> {
    let headers: Vec<(usize, Columns)> = (0..grid.rows())
        .filter_map(|r| Columns::of(grid, r).map(|c| (r, c)))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, (h, cols)) in headers.iter().enumerate() {
        let limit = headers.get(i + 1).map_or(grid.rows(), |x| x.0);
        let mut ctx = Ctx {
            grid,
            file,
            findings: Vec::new(),
        };
        if cols.is_list() {
            let (list, end) = read_list(&mut ctx, start, *h, cols, limit)?;
            out.extend(list);
            start = end;
        } else {
            let mut header = read_header(&mut ctx, start..*h)?;
            let (indicators, end) = read_table(&mut ctx, *h, cols, limit)?;
            header.declaration.indicators = indicators;
            let mut findings = header.findings;
            findings.append(&mut ctx.findings);
            out.push((header.declaration, findings));
            start = end;
        }
    }
    Ok(out)
}

struct Header {
    declaration: Declaration,
    findings: Vec<Finding>,
}

/// A label found above the table, with where its value is.
struct Found {
    label: Label,
    at: (usize, usize),
    value: Option<(usize, usize)>,
    /// The value when it shares the label's cell (`预算单位: …`).
    inline: Option<String>,
}

fn read_header(ctx: &mut Ctx<'_>, rows: std::ops::Range<usize>) -> Result<Header, GoalsError> {
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
    let text_of = |f: &Found| -> Option<String> {
        f.inline
            .clone()
            .or_else(|| f.value.map(|(r, c)| clean(grid.at(r, c))))
            .filter(|t| !is_blank(t))
    };
    let first = |want: &dyn Fn(&Label) -> bool| -> Option<(&Found, String)> {
        found
            .iter()
            .filter(|f| want(&f.label))
            .find_map(|f| text_of(f).map(|t| (f, t)))
    };
    // Goals are free text: their line breaks and spaces are kept.
    let first_text = |want: &dyn Fn(&Label) -> bool| -> Option<(&Found, String)> {
        found.iter().filter(|f| want(&f.label)).find_map(|f| {
            f.inline
                .clone()
                .or_else(|| f.value.map(|(r, c)| text(grid.at(r, c))))
                .filter(|t| !is_blank(t))
                .map(|t| (f, t))
        })
    };
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
    let title_rows = rows.start..first_label_row.unwrap_or(rows.end);
    let mut year = None;
    'title: for r in title_rows {
        for c in 0..grid.cols() {
            let t = grid.at(r, c);
            if let Some(y) = title_year(t).or_else(|| title_year_loose(t)) {
                year = Some(y);
                break 'title;
            }
        }
    }
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

fn years_in_name(name: &str) -> Option<i32> {
    static Y: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)\s*年").expect("literal"));
    Y.captures(name).and_then(|c| c[1].parse().ok())
}

/// The 项目资金 block: the year's total (年度 / 当年 over plain over the whole project's) and the sources
/// under it in its column, or beside it on its row.
fn read_funds(
    ctx: &mut Ctx<'_>,
    found: &[Found],
    rows: std::ops::Range<usize>,
    whole: &Origin,
) -> Result<GoalFunds, GoalsError> {
    let grid = ctx.grid;
    let (unit, stated) = money_unit(grid, rows.clone());
    let total_label = found
        .iter()
        .filter_map(|f| match f.label {
            Label::Total(rank) => Some((rank, f)),
            _ => None,
        })
        // The best rank; the first of equals.
        .fold(None::<(u8, &Found)>, |best, (rank, f)| match best {
            Some((b, _)) if b >= rank => best,
            _ => Some((rank, f)),
        })
        .map(|x| x.1);
    let mut sources = Vec::new();
    let mut source_labels: Vec<&Found> = Vec::new();
    if let Some(t) = total_label {
        let (tr, tc) = t.at;
        // Under the total, in its column, while the cells are sources (or blank).
        for f in found {
            if let Label::Source(_) = f.label
                && f.at.1 == tc
                && f.at.0 > tr
                && (tr + 1..f.at.0).all(|r| {
                    let x = grid.at(r, tc);
                    is_blank(x)
                        || grid.anchor[r][tc] == grid.anchor[tr][tc]
                        || matches!(label_of(x), Some(Label::Source(_)))
                })
            {
                source_labels.push(f);
            }
        }
        // Beside it on its row, after its value.
        let after = t.value.map_or(tc, |v| v.1);
        for f in found {
            if let Label::Source(_) = f.label
                && f.at.0 == tr
                && f.at.1 > after
            {
                source_labels.push(f);
            }
        }
    } else {
        source_labels.extend(found.iter().filter(|f| matches!(f.label, Label::Source(_))));
    }
    source_labels.sort_by_key(|f| (f.at.0, f.at.1));
    for f in source_labels {
        let Label::Source(name) = &f.label else {
            continue;
        };
        let Some((r, c)) = f.value else { continue };
        let text = grid.at(r, c);
        if key(text) == "无" {
            continue;
        }
        let i = sources.len();
        let amount = match amount(text, unit) {
            Amount::Exact(x) => x,
            Amount::Leading(x) => {
                let o = grid.origin(r, c);
                ctx.ambiguous(
                    format!("funds.sources[{i}].amount"),
                    &o,
                    format!(
                        "“{name}”一栏为“{}”，不只是金额，已读取开头的 {x} 万元",
                        clean(text)
                    ),
                );
                x
            }
            Amount::Bad => {
                // A source whose amount is words is not read: the total still is.
                let o = grid.origin(r, c);
                ctx.ambiguous(
                    "funds.sources",
                    &o,
                    format!(
                        "“{name}”一栏为“{}”，不是金额，未导入该资金来源",
                        clean(text)
                    ),
                );
                continue;
            }
        };
        sources.push(GoalFundSource {
            name: name.clone(),
            amount,
        });
    }
    let sum: Decimal = sources.iter().map(|s| s.amount).sum();
    let total = match total_label.and_then(|t| t.value.map(|v| (t, v))) {
        Some((t, (r, c))) => {
            let label = key(grid.at(t.at.0, t.at.1));
            match amount(grid.at(r, c), unit) {
                Amount::Exact(x) => x,
                Amount::Leading(x) => {
                    let o = grid.origin(r, c);
                    ctx.ambiguous(
                        "funds.total",
                        &o,
                        format!(
                            "{label}一栏为“{}”，不只是金额，已读取开头的 {x} 万元",
                            clean(grid.at(r, c))
                        ),
                    );
                    x
                }
                Amount::Bad => return Err(ctx.bad_number(r, c, &label)),
            }
        }
        None if !sources.is_empty() => {
            let o = total_label.map_or_else(|| whole.clone(), |t| grid.origin(t.at.0, t.at.1));
            ctx.ambiguous(
                "funds.total",
                &o,
                format!(
                    "年度资金总额未填写，按各资金来源之和 {} 万元读取",
                    sum.normalize()
                ),
            );
            sum
        }
        None => match breakdown_total(grid, rows) {
            Some(((r, c), header)) => {
                let Amount::Exact(x) = amount(grid.at(r, c), unit) else {
                    return Err(ctx.bad_number(r, c, "合计"));
                };
                let o = grid.origin(r, c);
                let column = if header.is_empty() {
                    String::new()
                } else {
                    format!("“{header}”一栏")
                };
                ctx.ambiguous(
                    "funds.total",
                    &o,
                    format!(
                        "未找到年度资金总额，按预算明细“合计”行{column}的 {} 万元读取",
                        x.normalize()
                    ),
                );
                x
            }
            None => {
                ctx.incomplete("funds.total", whole, "未找到年度资金总额".into());
                Decimal::ZERO
            }
        },
    };
    if !stated && !total.is_zero() {
        ctx.ambiguous(
            "funds.total",
            whole,
            "表中未注明金额单位，按万元读取".into(),
        );
    }
    Ok(GoalFunds { total, sources })
}

// ---------------------------------------------------------------------------------------------------
// The indicator table.

/// The 一级指标 of a cell: `成本指标(0-20)分` → `成本指标`, `产出 指标` → `产出指标`.
fn level1_name(s: &str) -> String {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\([^)]*\)").expect("literal"));
    let k = key(s);
    let k = PAREN.replace_all(&k, "");
    k.trim_end_matches('分').to_string()
}

/// A 二级指标 as printed, on one line, without a span note (`数量指标(年度)`).
fn level2_name(s: &str) -> String {
    let k = key(s);
    ["(年度)", "(长期)", "(中期)", "(中长期)"]
        .iter()
        .fold(k, |k, w| k.replace(w, ""))
}

/// The 一级指标 a 二级指标 belongs to on the standard form.
fn level1_of_level2(l2: &str) -> Option<&'static str> {
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

/// `指标1：完成…` → `完成…`, `★农村低保发放人数` → `农村低保发放人数`.
fn indicator_name(s: &str) -> String {
    static NUMBERING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^指标\s*\d+\s*[:：]\s*").expect("literal"));
    let t = clean(s);
    let t = t.trim_start_matches(['★', '☆', '*', '＊']);
    NUMBERING.replace(t, "").trim().to_string()
}

fn nature_symbol(k: &str) -> Option<&'static str> {
    Some(match k {
        "≥" | "≧" | ">=" | "正向" => "≥",
        "≤" | "≦" | "<=" | "反向" => "≤",
        ">" => ">",
        "<" => "<",
        "=" | "＝" | "═" => "=",
        "定性" => "",
        _ => return None,
    })
}

fn direction_of(k: &str) -> Option<Direction> {
    if k.contains("反向") {
        Some(Direction::Reverse)
    } else if k.contains("定性") {
        Some(Direction::Qualitative)
    } else if k.contains("正向") {
        Some(Direction::Positive)
    } else {
        None
    }
}

/// Units a template prints in the value cell for the unit to fill in the figure.
const TEMPLATE_UNITS: &[&str] = &[
    "公里",
    "千米",
    "米",
    "平方米",
    "亩",
    "万亩",
    "人",
    "万人",
    "人次",
    "户",
    "个",
    "次",
    "天",
    "年",
    "月",
    "座",
    "辆",
    "吨",
    "万元",
    "元",
    "项",
    "家",
    "所",
    "间",
    "台",
    "套",
    "件",
    "批",
    "篇",
    "%",
];

/// The value cell of a template that was never filled in: `≥**%`, `公里`, `≧ %`.
fn is_placeholder(target: &str) -> bool {
    if target.contains("**") || target.contains("＊＊") || target.contains('×') {
        return true;
    }
    let rest: String = key(target)
        .chars()
        .filter(|c| !matches!(c, '≥' | '≤' | '≧' | '≦' | '<' | '>' | '=' | '＝'))
        .collect();
    rest.is_empty() || TEMPLATE_UNITS.contains(&rest.as_str())
}

/// A row that ends the table: the approval rows (…审核意见), signatures, notes, totals.
fn ends_table(grid: &Grid, r: usize, cols: &Columns) -> bool {
    const ENDS: &[&str] = &[
        "意见",
        "填表人",
        "填报人",
        "单位负责人",
        "注:",
        "说明:",
        "合计",
        "总分",
        "审核",
        "盖章",
    ];
    let level_cols = [cols.get(Col::Level1), cols.get(Col::Level2)];
    let Some(c) = (0..grid.cols()).find(|c| !is_blank(grid.at(r, *c))) else {
        return false;
    };
    let own_role = cols.cols.iter().any(|x| x.1 == c);
    if own_role && !level_cols.contains(&Some(c)) {
        return false;
    }
    let k = key(grid.at(r, c));
    if ENDS.iter().any(|w| k.contains(w)) {
        return true;
    }
    // The next form begins.
    matches!(
        label_of(grid.at(r, c)),
        Some(Label::Name | Label::Department(_) | Label::Implementer)
    )
}

/// Carried down the table: the current 一级 and 二级, as a merged cell or a blank "same as above" says.
#[derive(Default)]
struct Levels {
    level1: String,
    level2: String,
}

/// How the 绩效标准 column reads: as 取值依据 when every value is one, else as 指标解释.
fn standard_is_basis(grid: &Grid, rows: std::ops::Range<usize>, c: usize) -> bool {
    rows.map(|r| grid.at(r, c))
        .filter(|t| !is_blank(t))
        .all(|t| basis_of(t).0.is_some())
}

/// `计划标准` → plan; `行业标准：《…》` → industry with the note; other text → none, the text as a note.
fn basis_of(cell: &str) -> (Option<Basis>, String) {
    let t = text(cell);
    if let Some(b) = Basis::parse(&t) {
        return (Some(b), String::new());
    }
    for b in Basis::ALL {
        for w in [b.label(), b.label().trim_end_matches("标准")] {
            if let Some(rest) = t.strip_prefix(w) {
                let rest = rest.trim_start_matches([':', '：', ',', '，', '、', ' ', ';', '；']);
                if b == Basis::Other && !rest.is_empty() && !t.starts_with("其他标准") {
                    // "其他…" is a sentence more often than the 其他 option.
                    continue;
                }
                return (Some(b), rest.to_string());
            }
        }
    }
    (None, t)
}

/// One indicator row's cells read into an indicator (levels carried), or none for a row without a 三级.
fn read_row(
    ctx: &mut Ctx<'_>,
    r: usize,
    cols: &Columns,
    levels: &mut Levels,
    standard_basis: bool,
    index: usize,
) -> Result<Option<GoalIndicator>, GoalsError> {
    let grid = ctx.grid;
    let cell = |col: Col| {
        cols.get(col)
            .map(|c| grid.at(r, c))
            .filter(|t| !is_blank(t))
    };
    if let Some(t) = cell(Col::Level1) {
        let l1 = level1_name(t);
        if !l1.is_empty() && l1 != levels.level1 {
            levels.level1 = l1;
            levels.level2.clear();
        }
    }
    if let Some(t) = cell(Col::Level2) {
        levels.level2 = level2_name(t);
    }
    let Some(name) = cell(Col::Name)
        .map(indicator_name)
        .filter(|n| !n.is_empty())
    else {
        return Ok(None);
    };
    let at = |field: &str| format!("indicators[{index}].{field}");
    let row_origin = cols
        .get(Col::Name)
        .map_or_else(|| grid.row_origin(r), |c| grid.origin(r, c));

    let mut level1 = levels.level1.clone();
    if level1.is_empty()
        && let Some(l1) = level1_of_level2(&levels.level2)
    {
        ctx.ambiguous(
            at("level1"),
            &row_origin,
            format!("一级指标为空，按二级指标“{}”推定为“{l1}”", levels.level2),
        );
        level1 = l1.to_string();
    }

    // 指标值, with 指标性质 before it and 度量单位 after it where the form splits them.
    let mut target = cell(Col::Target).map(clean).unwrap_or_default();
    let mut direction = None;
    if let Some(n) = cell(Col::Nature) {
        let k = key(n);
        match nature_symbol(&k) {
            Some(sym) if !target.is_empty() && !target.starts_with(sym) => {
                target = format!("{sym}{target}")
            }
            Some(_) => {}
            None => {
                let c = cols.get(Col::Nature).expect("cell");
                ctx.ambiguous(
                    at("target"),
                    &grid.origin(r, c),
                    format!("指标性质“{}”不是 ≥、≤、= 或定性，未并入指标值", clean(n)),
                );
            }
        }
        direction = direction_of(&k);
        if k == "定性" {
            direction = Some(Direction::Qualitative);
        }
    }
    if let Some(u) = cell(Col::Unit) {
        let u = clean(u);
        if !target.is_empty() && !target.ends_with(&u) {
            target.push_str(&u);
        }
    }
    if let Some(d) = cell(Col::Direction) {
        direction = direction_of(&key(d)).or(direction);
    }
    if target.is_empty() && !cols.places.is_empty() {
        let parts: Vec<String> = cols
            .places
            .iter()
            .filter(|(c, _)| !is_blank(grid.at(r, *c)))
            .map(|(c, place)| format!("{place}：{}", clean(grid.at(r, *c))))
            .collect();
        if !parts.is_empty() {
            target = parts.join("；");
            ctx.ambiguous(
                at("target"),
                &row_origin,
                format!(
                    "指标“{name}”的指标值按 {} 个地区分列，已合并为“{target}”",
                    parts.len()
                ),
            );
        }
    }
    if !target.is_empty() && is_placeholder(&target) {
        let o = cols
            .get(Col::Target)
            .map_or_else(|| row_origin.clone(), |c| grid.origin(r, c));
        ctx.incomplete(
            at("target"),
            &o,
            format!("指标“{name}”的指标值“{target}”是模板的占位文字，没有填写数值，按空白读取"),
        );
        target.clear();
    }

    let weight = match cols.get(Col::Weight) {
        Some(c) => weight(grid.at(r, c)).map_err(|_| ctx.bad_number(r, c, "分值"))?,
        None => None,
    };

    let mut explanation = cell(Col::Explanation).map(text).unwrap_or_default();
    let (mut basis, mut basis_note) = cell(Col::Basis).map_or((None, String::new()), basis_of);
    if let Some(t) = cell(Col::Standard) {
        if standard_basis {
            (basis, basis_note) = basis_of(t);
        } else if explanation.is_empty() {
            explanation = text(t);
        }
    }
    if let Some(note) = cell(Col::BasisNote) {
        let note = text(note);
        basis_note = if basis_note.is_empty() {
            note
        } else {
            format!("{basis_note}；{note}")
        };
    }
    Ok(Some(GoalIndicator {
        level1,
        level2: levels.level2.clone(),
        name,
        target,
        weight,
        explanation,
        basis,
        basis_note,
        data_source: cell(Col::DataSource).map(text).unwrap_or_default(),
        scoring: cell(Col::Scoring).map(text).unwrap_or_default(),
        direction,
    }))
}

/// The rows of a form's table, from its header row to the row that ends it. Returns where it ended.
fn read_table(
    ctx: &mut Ctx<'_>,
    h: usize,
    cols: &Columns,
    limit: usize,
) -> Result<(Vec<GoalIndicator>, usize), GoalsError> {
    let grid = ctx.grid;
    for d in &cols.doubts {
        let o = grid.row_origin(h);
        ctx.ambiguous("indicators", &o, d.clone());
    }
    let end = (h + 1..limit)
        .find(|r| ends_table(grid, *r, cols))
        .unwrap_or(limit);
    let standard_basis = cols
        .get(Col::Standard)
        .is_some_and(|c| standard_is_basis(grid, h + 1..end, c));
    if let Some(c) = cols.get(Col::Standard)
        && !standard_basis
    {
        let o = grid.origin(h, c);
        ctx.ambiguous(
            "indicators",
            &o,
            "“绩效标准”一栏不是计划标准、行业标准、历史标准或其他，按指标解释读取".into(),
        );
    }
    let mut levels = Levels::default();
    let mut out = Vec::new();
    for r in h + 1..end {
        if let Some(ind) = read_row(ctx, r, cols, &mut levels, standard_basis, out.len())? {
            out.push(ind);
        }
    }
    if out.is_empty() {
        let o = grid.row_origin(h);
        ctx.incomplete("indicators", &o, "绩效指标表中没有三级指标".into());
    }
    Ok((out, end))
}

// ---------------------------------------------------------------------------------------------------
// A department's list: one row per indicator, a project spanning its rows.

fn read_list(
    ctx: &mut Ctx<'_>,
    start: usize,
    h: usize,
    cols: &Columns,
    limit: usize,
) -> Result<(Vec<ReadDeclaration>, usize), GoalsError> {
    let grid = ctx.grid;
    let mut year = None;
    for r in start..h {
        for c in 0..grid.cols() {
            let t = grid.at(r, c);
            if let Some(y) = title_year(t).or_else(|| title_year_loose(t)) {
                year = Some(y);
                break;
            }
        }
        if year.is_some() {
            break;
        }
    }
    let (unit, _) = money_unit(grid, start..h);
    let end = (h + 1..limit)
        .find(|r| ends_table(grid, *r, cols))
        .unwrap_or(limit);
    let standard_basis = cols
        .get(Col::Standard)
        .is_some_and(|c| standard_is_basis(grid, h + 1..end, c));
    let pc = cols.get(Col::Project).expect("a list has a project column");
    let text_at = |r: usize, col: Col| -> Option<String> {
        cols.get(col)
            .map(|c| grid.at(r, c))
            .filter(|t| !is_blank(t))
            .map(clean)
    };

    struct Current {
        anchor: (usize, usize),
        declaration: Declaration,
        findings: Vec<Finding>,
        levels: Levels,
    }
    let mut done: Vec<ReadDeclaration> = Vec::new();
    let mut current: Option<Current> = None;
    let mut department = String::new();
    let mut unit_name = String::new();
    let finish = |cur: Option<Current>, done: &mut Vec<ReadDeclaration>| {
        if let Some(cur) = cur {
            done.push((cur.declaration, cur.findings));
        }
    };
    for r in h + 1..end {
        let project = text_at(r, Col::Project);
        let has_indicator = text_at(r, Col::Name).is_some();
        if let Some(u) = text_at(r, Col::UnitName) {
            if project.is_none() && !has_indicator {
                // The department's own row (its total, no project): the 主管部门 of what follows.
                department = u;
                continue;
            }
            unit_name = u;
        }
        let anchor = grid.anchor[r][pc];
        let new_project = match (&project, &current) {
            (Some(_), Some(cur)) => cur.anchor != anchor,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if new_project {
            finish(current.take(), &mut done);
            let name = project.clone().unwrap_or_default();
            let o = grid.origin(r, pc);
            let mut findings = Vec::new();
            let total = match cols.get(Col::Budget) {
                Some(c) if !is_blank(grid.at(r, c)) => match amount(grid.at(r, c), unit) {
                    Amount::Exact(x) => x,
                    Amount::Leading(x) => {
                        findings.push(finding(
                            Code::ImportAmbiguous,
                            "funds.total",
                            &grid.origin(r, c),
                            format!(
                                "预算数“{}”不只是金额，已读取开头的 {x} 万元",
                                clean(grid.at(r, c))
                            ),
                        ));
                        x
                    }
                    Amount::Bad => return Err(ctx.bad_number(r, c, "预算数")),
                },
                _ => {
                    findings.push(finding(
                        Code::ImportIncomplete,
                        "funds.total",
                        &o,
                        format!("项目“{name}”没有预算数"),
                    ));
                    Decimal::ZERO
                }
            };
            let year = year.unwrap_or_else(|| {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.year",
                    &o,
                    "未找到预算年度（标题中的“××××年度”）".into(),
                ));
                0
            });
            findings.push(finding(
                Code::ImportIncomplete,
                "project.attribute",
                &o,
                "表中没有项目属性（新增/延续），按新增项目读取".into(),
            ));
            if department.is_empty() {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.department",
                    &o,
                    "未找到主管部门".into(),
                ));
            }
            if unit_name.is_empty() {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.implementer",
                    &o,
                    "未找到实施单位（单位名称）".into(),
                ));
            }
            current = Some(Current {
                anchor,
                declaration: Declaration {
                    project: GoalHeader {
                        name,
                        year,
                        department: department.clone(),
                        implementer: unit_name.clone(),
                        code: None,
                        attribute: Attribute::New,
                        period: None,
                    },
                    funds: GoalFunds {
                        total,
                        sources: Vec::new(),
                    },
                    goals: GoalText {
                        annual: cols
                            .get(Col::Goal)
                            .map(|c| text(grid.at(r, c)))
                            .filter(|t| !is_blank(t))
                            .unwrap_or_default(),
                        long_term: String::new(),
                    },
                    indicators: Vec::new(),
                },
                findings,
                levels: Levels::default(),
            });
        }
        let Some(cur) = current.as_mut() else {
            continue;
        };
        let mut row_ctx = Ctx {
            grid,
            file: ctx.file,
            findings: Vec::new(),
        };
        let index = cur.declaration.indicators.len();
        if let Some(ind) = read_row(
            &mut row_ctx,
            r,
            cols,
            &mut cur.levels,
            standard_basis,
            index,
        )? {
            cur.declaration.indicators.push(ind);
        }
        cur.findings.append(&mut row_ctx.findings);
    }
    finish(current.take(), &mut done);
    Ok((done, end))
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

    #[test]
    fn amounts_read_exactly_with_their_unit() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert!(matches!(amount("10000万元", MoneyUnit::Wan), Amount::Exact(x) if x == d("10000")));
        assert!(
            matches!(amount("3,309,840.00", MoneyUnit::Yuan), Amount::Exact(x) if x == d("330.984"))
        );
        assert!(matches!(amount("250万", MoneyUnit::Yuan), Amount::Exact(x) if x == d("250")));
        assert!(
            matches!(amount("854万854万(…)", MoneyUnit::Wan), Amount::Leading(x) if x == d("854"))
        );
        assert!(matches!(amount("约十万", MoneyUnit::Wan), Amount::Bad));
    }

    #[test]
    fn headers_and_levels_are_read_by_their_words() {
        assert_eq!(col_of("三级指标(年度)"), Some(Col::Name));
        assert_eq!(col_of("指标值及单位"), Some(Col::Target));
        assert_eq!(col_of("当年预期实现值"), Some(Col::Target));
        assert_eq!(col_of("指标值设定依据"), Some(Col::Basis));
        assert_eq!(col_of("取值依据说明"), Some(Col::BasisNote));
        assert_eq!(col_of("指标方向性"), Some(Col::Direction));
        assert_eq!(level1_name("成本指标(0-20)分"), "成本指标");
        assert_eq!(level1_name("产出指标\n(40-50)分"), "产出指标");
        assert_eq!(level1_name("产出指标（50分）"), "产出指标");
        assert_eq!(level2_name("经济效益\n指标"), "经济效益指标");
        assert_eq!(
            indicator_name("指标1:新建堤防、护岸长度"),
            "新建堤防、护岸长度"
        );
        assert_eq!(indicator_name("★农村低保发放人数"), "农村低保发放人数");
    }

    #[test]
    fn template_placeholders_are_not_targets() {
        for t in ["公里", "≧ %", "≥**%", "**人", "万亩"] {
            assert!(is_placeholder(t), "{t}");
        }
        for t in ["优良", "≥90%", "2", "巩固提高", "是"] {
            assert!(!is_placeholder(t), "{t}");
        }
    }

    #[test]
    fn labels_are_told_apart() {
        assert_eq!(label_of("当年资金总额:"), Some(Label::Total(2)));
        assert_eq!(label_of("项目总预算"), Some(Label::Total(0)));
        assert_eq!(label_of("年度本级 预算金额"), Some(Label::Total(2)));
        assert_eq!(
            label_of("其中:财政拨款"),
            Some(Label::Source("财政拨款".into()))
        );
        assert_eq!(label_of("财政资金预算分类"), Some(Label::Other));
        assert_eq!(label_of("主管部门\n及编码"), Some(Label::Department(3)));
        assert_eq!(label_of("区级主管部门"), Some(Label::Department(2)));
        assert_eq!(label_of("专项(项目)名称"), Some(Label::Name));
        assert_eq!(label_of("年度主要目标     和成果"), Some(Label::AnnualGoal));
        assert_eq!(label_of("实施期绩效目标"), Some(Label::LongTermGoal));
        assert_eq!(label_of("年度总体目标完成情况"), None);
        assert_eq!(label_of("项目支出实施期"), Some(Label::Period));
        assert_eq!(label_of("主管部门审核意见"), None);
    }
}
