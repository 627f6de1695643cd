//! The words a form is read by and the cell helpers everything else uses: how a label or header is
//! compared ([`key`]), what counts as blank, how a cell's text is cleaned, which years a word names
//! ([`span_of`]), and the labels above the indicator table ([`label_of`]) with where their values are.
//! Kept apart so that the header, funds, table and list readers share one vocabulary.

use super::Grid;
use super::columns::col_of;
pub(super) use crate::sheet::{ascii_digits, is_blank, key};

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

/// Which years a column covers: the declaration's year, or the whole project (中长期 / 实施期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Span {
    LongTerm,
    Plain,
    Annual,
}

pub(super) fn span_of(k: &str) -> Span {
    if ["长期", "中期", "实施期"].iter().any(|w| k.contains(w)) {
        Span::LongTerm
    } else if ["年度", "本年", "当年"].iter().any(|w| k.contains(w)) {
        Span::Annual
    } else {
        Span::Plain
    }
}

/// A label above the indicator table: what the value beside or under it is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Label {
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

pub(super) fn label_of(text: &str) -> Option<Label> {
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
        return match span_of(&k) {
            Span::LongTerm => Some(Label::LongTermGoal),
            Span::Annual => Some(Label::AnnualGoal),
            Span::Plain if k.ends_with("目标") => Some(Label::OverallGoal),
            Span::Plain => None,
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
pub(super) fn label_in_cell(text: &str) -> Option<(Label, String)> {
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
pub(super) fn value_right(grid: &Grid, r: usize, c: usize) -> Option<(usize, usize)> {
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
pub(super) fn value_below(grid: &Grid, r: usize, c: usize) -> Option<(usize, usize)> {
    let own = grid.anchor[r][c];
    let rr = (r + 1..grid.rows()).find(|rr| grid.anchor[*rr][c] != own)?;
    let t = grid.at(rr, c);
    // Below a goal label is its text, or the next label of a stacked layout.
    if is_blank(t) || label_of(t).is_some() || col_of(t).is_some() {
        return None;
    }
    Some((rr, c))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(label_of("中长期目标"), Some(Label::LongTermGoal));
        assert_eq!(label_of("总体目标"), Some(Label::OverallGoal));
        assert_eq!(label_of("目标任务"), None);
        assert_eq!(label_of("年度总体目标完成情况"), None);
        assert_eq!(label_of("项目支出实施期"), Some(Label::Period));
        assert_eq!(label_of("主管部门审核意见"), None);
    }
}
