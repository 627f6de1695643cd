//! The words a form is read by and the cell helpers everything else uses: how a label or header is
//! compared ([`key`]), what counts as blank, how names and free text are cleaned, and the labels above and
//! under the indicator table ([`label_of`]) with where their values are.

use super::Sheet;
use super::funds::fund_col;
pub(super) use crate::sheet::{ascii_digits, is_blank, key};

/// A name or a label's value on one line: a line break next to a Chinese character, or spaces between two
/// Chinese characters (a name printed one character a line, or spaced out), are dropped; any other run of
/// whitespace becomes one space.
pub(super) fn name_text(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_whitespace() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        let mut newline = false;
        while j < chars.len() && chars[j].is_whitespace() {
            newline |= matches!(chars[j], '\n' | '\r');
            j += 1;
        }
        let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
        let (prev, next) = (out.chars().last(), chars.get(j).copied());
        let drop = (newline && (wide(prev) || wide(next))) || (wide(prev) && wide(next));
        if !drop {
            out.push(' ');
        }
        i = j;
    }
    out
}

/// Free text (a value, a reason, a measure) as typed: each line trimmed, empty lines dropped, line breaks
/// and the spaces inside a line kept; a placeholder (`-`, `/`) is no text.
pub(super) fn value_text(s: &str) -> String {
    if is_blank(s) {
        return String::new();
    }
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Label {
    Name,
    Department,
    Implementer,
    /// The implementer only when no 实施单位 is given (填报单位, 预算单位).
    ImplementerWeak,
    /// A label this reader does not use (项目属性, 联系电话 …): a value never.
    Other,
}

pub(super) fn label_of(text: &str) -> Option<Label> {
    let k = key(text).replace("(盖章)", "");
    let n = k.chars().count();
    if k.is_empty() || n > 16 || k.ends_with('表') {
        return None;
    }
    let has = |w: &str| k.contains(w);
    if matches!(
        k.as_str(),
        "项目名称" | "项目支出名称" | "专项名称" | "专项资金名称" | "资金名称" | "政策名称"
    ) || (n <= 10 && k.ends_with("名称") && has("项目") && !has("单位") && !has("部门"))
    {
        return Some(Label::Name);
    }
    if (has("主管部门") || has("主管单位")) && !((has("编码") || has("代码")) && !has("及"))
        || matches!(k.as_str(), "预算部门" | "部门名称")
    {
        return Some(Label::Department);
    }
    if has("实施单位") || has("执行单位") || has("实施主体") || has("承担单位") || k == "项目单位"
    {
        return Some(Label::Implementer);
    }
    if matches!(
        k.as_str(),
        "填报单位" | "预算单位" | "单位名称" | "编制单位" | "申报单位"
    ) {
        return Some(Label::ImplementerWeak);
    }
    const OTHER: &[&str] = &[
        "负责人",
        "电话",
        "属性",
        "类型",
        "类别",
        "代码",
        "编码",
        "日期",
        "联系人",
        "填报人",
        "填表人",
        "审核",
        "期限",
        "周期",
    ];
    if n <= 10 && OTHER.iter().any(|w| has(w)) {
        return Some(Label::Other);
    }
    None
}

/// A label and its value in one cell: `实施单位：某某中心`.
pub(super) fn label_in_cell(text: &str) -> Option<(Label, String)> {
    let t = text.trim();
    let i = t.find([':', '：'])?;
    let (head, rest) = t.split_at(i);
    let value: String = rest.chars().skip(1).collect();
    let value = value.replace("(盖章)", "").replace("（盖章）", "");
    let value = value.trim();
    if value.is_empty() || is_blank(value) || value.contains([':', '：']) {
        return None;
    }
    let label = label_of(head)?;
    (label != Label::Other).then(|| (label, name_text(value)))
}

/// A cell that is a heading of the form rather than a value: a short label of the header or the funds
/// (a longer text is a value even when it mentions 执行 or 原因).
fn label_like(text: &str) -> bool {
    key(text).chars().count() <= 20 && (label_of(text).is_some() || fund_col(text).is_some())
}

/// The value of the label at (r, c): the next filled cell to its right that is not a heading.
pub(super) fn value_right(s: &Sheet, r: usize, c: usize) -> Option<usize> {
    let own = s.anchor(r, c);
    for cc in c + 1..s.cols() {
        if s.anchor(r, cc) == own || s.anchor(r, cc).1 != cc {
            continue;
        }
        let t = s.at(r, cc);
        if is_blank(t) {
            continue;
        }
        if label_like(t) {
            return None;
        }
        return Some(cc);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_printed_one_character_a_line() {
        assert_eq!(name_text("产\n出\n指\n标"), "产出指标");
        assert_eq!(name_text("产 出 指 标"), "产出指标");
        assert_eq!(name_text("Wi-Fi 覆盖率"), "Wi-Fi 覆盖率");
        assert_eq!(
            value_text(" 按进度执行 \n 已使用约40% "),
            "按进度执行\n已使用约40%"
        );
        assert_eq!(value_text("/"), "");
    }
}
