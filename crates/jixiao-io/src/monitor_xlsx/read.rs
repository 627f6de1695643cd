//! Reading one sheet: where its forms are (an indicator table's header row: 三级指标 or 指标名称, 指标值 and
//! a 1—N月完成值 / 执行情况 column), the labelled cells above each table (project, units, funds, title), the
//! table's rows, and the labelled rows under it (偏差原因, 措施). Labels and column headers are recognised by
//! their words; a value is the next filled cell to the right of its label, or the cell under its column
//! header.

use std::str::FromStr;
use std::sync::LazyLock;

use jixiao_core::monitoring::{Likelihood, MonitorForm, MonitorIndicator};
use jixiao_core::{Code, Direction, Finding};
use regex::Regex;
use rust_decimal::Decimal;

use super::grid::Sheet;
use super::{MonitorError, ReadMonitorForm};
use crate::import::Origin;

// ---------------------------------------------------------------------------------------------------
// Text.

/// A label or header as compared: whitespace and `★`/`*` marks removed, full-width brackets, colons,
/// commas and percent signs folded, a trailing colon dropped.
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

fn finding(code: Code, path: impl Into<String>, origin: &Origin, what: String) -> Finding {
    let advice = match code {
        Code::ImportIncomplete => {
            "请单位补填后重新报送，或在监控表中补齐后重新读取；提交前须补齐的内容见监控结论。"
        }
        _ => "对照原表核对该值，必要时改正后重新读取。",
    };
    Finding::new(code, path, format!("{}：{what}", origin.describe()), advice)
}

// ---------------------------------------------------------------------------------------------------
// The indicator table's columns.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ind {
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
fn is_category(k: &str) -> bool {
    k.ends_with("保障") || k == "其他" || k == "其它"
}

/// An indicator table: its header, first data row, columns, and the tick columns of a two-row header.
struct Table {
    header: usize,
    first: usize,
    cols: Vec<(Ind, usize)>,
    likelihood_ticks: Vec<(Likelihood, usize)>,
    category_ticks: Vec<(String, usize)>,
    doubts: Vec<(usize, String)>,
}

impl Table {
    fn get(&self, kind: Ind) -> Option<usize> {
        self.cols.iter().find(|x| x.0 == kind).map(|x| x.1)
    }
    fn name_col(&self) -> usize {
        self.get(Ind::Name).expect("a table has a name column")
    }
}

/// The table whose header is row `r`, if it is one.
fn table_at(s: &Sheet, r: usize) -> Option<Table> {
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
fn starts_form(s: &Sheet, r: usize) -> bool {
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
fn data_rows(s: &Sheet, t: &Table) -> Vec<usize> {
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

// ---------------------------------------------------------------------------------------------------
// Labels above and under the table.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Name,
    Department,
    Implementer,
    /// The implementer only when no 实施单位 is given (填报单位, 预算单位).
    ImplementerWeak,
    /// A label this reader does not use (项目属性, 联系电话 …): a value never.
    Other,
}

fn label_of(text: &str) -> Option<Label> {
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
fn label_in_cell(text: &str) -> Option<(Label, String)> {
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
fn value_right(s: &Sheet, r: usize, c: usize) -> Option<usize> {
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

// ---------------------------------------------------------------------------------------------------
// Funds.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fund {
    Initial,
    Annual,
    Executed,
    Rate,
    Forecast,
    Deviation,
    Measures,
}

fn fund_col(text: &str) -> Option<Fund> {
    let k = key(text);
    if k.is_empty() || k.chars().count() > 24 {
        return None;
    }
    let has = |w: &str| k.contains(w);
    let f = if has("执行率") || has("执行进度") || has("支出进度") {
        Fund::Rate
    } else if has("预计") && (has("执行") || has("支出")) {
        Fund::Forecast
    } else if has("措施") || has("举措") {
        Fund::Measures
    } else if (has("原因") || has("偏差")) && !has("指标") {
        Fund::Deviation
    } else if has("执行数")
        || has("执行金额")
        || has("支出数")
        || has("已支出")
        || has("实际支出")
        || has("累计支出")
    {
        Fund::Executed
    } else if has("年初预算") {
        Fund::Initial
    } else if has("全年预算")
        || has("调整后预算")
        || has("预算数")
        || has("年度预算")
        || has("预算金额")
        || has("预算总额")
    {
        Fund::Annual
    } else {
        return None;
    };
    Some(f)
}

/// How an amount cell reads.
enum Amount {
    Blank,
    Exact(Decimal),
    /// A number followed by other text (`87.57（含结转）`): the number.
    Leading(Decimal),
    Bad,
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

fn amount(text: &str, yuan: bool) -> Amount {
    static NUM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([-+]?\d+(?:\.\d+)?)(万元|万|元)?").expect("literal"));
    if is_blank(text) {
        return Amount::Blank;
    }
    let s = ascii_digits(text);
    let Some(m) = NUM.captures(&s) else {
        return Amount::Bad;
    };
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
        None if yuan => (x / Decimal::from(10_000)).normalize(),
        None => x,
    };
    if m.get(0).expect("match").end() == s.len() {
        Amount::Exact(x.normalize())
    } else {
        Amount::Leading(x.normalize())
    }
}

/// A rate as printed (`28%`, `28`, `0.28`) in percent.
fn rate(text: &str) -> Option<Decimal> {
    let s = ascii_digits(text).replace('％', "%");
    let (num, pct) = match s.strip_suffix('%') {
        Some(n) => (n.to_string(), true),
        None => (s, false),
    };
    let x = Decimal::from_str(&num).ok()?;
    Some(if !pct && x <= Decimal::ONE {
        x * Decimal::ONE_HUNDRED
    } else {
        x
    })
}

/// The month the data run to, from a header or title: `1—7月`, `1至7月`, `截至7月底`, `截止2023年7月31日`,
/// `7月底`, `半年度`, `前三季度`.
fn month_of(text: &str) -> Option<u32> {
    static RANGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{1,2})(?:-|—|–|―|－|~|～|至|到)+(\d{1,2})月").expect("literal")
    });
    static UPTO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"截[至止](?:\d{4}年)?(\d{1,2})月").expect("literal"));
    static END: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(\d{1,2})月(?:底|末)").expect("literal"));
    let t = ascii_digits(text);
    let m = if let Some(c) = RANGE.captures(&t) {
        c[2].parse().ok()
    } else if let Some(c) = UPTO.captures(&t).or_else(|| END.captures(&t)) {
        c[1].parse().ok()
    } else if t.contains("半年") {
        Some(6)
    } else if t.contains("前三季度") || t.contains("三季度") {
        Some(9)
    } else if t.contains("一季度") {
        Some(3)
    } else {
        None
    };
    m.filter(|m| (1..=12).contains(m))
}

fn years_in(text: &str) -> Vec<i32> {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("literal"));
    YEAR.captures_iter(&ascii_digits(text))
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// 完成目标可能性 and ticks.

/// A tick in a tick column: any mark except an empty box or a cross.
fn is_tick(text: &str) -> bool {
    let k = key(text);
    !is_blank(&k)
        && !matches!(
            k.as_str(),
            "□" | "○" | "×" | "✗" | "✘" | "否" | "无" | "0" | "N" | "n"
        )
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

// ---------------------------------------------------------------------------------------------------
// A sheet.

/// Every form of a sheet, top to bottom.
pub(super) fn read_sheet(s: &Sheet, file: &str) -> Result<Vec<ReadMonitorForm>, MonitorError> {
    let mut tables: Vec<(Table, Vec<usize>)> = Vec::new();
    let mut r = 0;
    while r < s.rows() {
        match table_at(s, r) {
            Some(t) => {
                let rows = data_rows(s, &t);
                let end = rows.last().copied().unwrap_or(t.first.saturating_sub(1));
                r = end.max(t.header) + 1;
                tables.push((t, rows));
            }
            None => r += 1,
        }
    }
    // Each form's region: from its title (or 项目名称) to the next form's; the rows between a table and the
    // next form's title belong to the table's form (偏差原因 and 措施 rows under it).
    let mut starts = vec![0usize];
    for k in 1..tables.len() {
        let prev_end = tables[k - 1]
            .1
            .last()
            .copied()
            .unwrap_or(tables[k - 1].0.header)
            + 1;
        let header = tables[k].0.header;
        let start = (prev_end..header)
            .find(|&r| starts_form(s, r))
            .unwrap_or(prev_end);
        starts.push(start);
    }
    let mut out = Vec::new();
    for (k, (table, rows)) in tables.iter().enumerate() {
        let start = starts[k];
        let end = starts.get(k + 1).copied().unwrap_or(s.rows());
        let table_end = rows.last().copied().unwrap_or(table.header) + 1;
        out.push(read_form(
            s,
            file,
            start..table.header,
            table,
            rows,
            table_end..end,
        )?);
    }
    Ok(out)
}

struct Reader<'a> {
    s: &'a Sheet,
    file: &'a str,
    findings: Vec<Finding>,
}

impl Reader<'_> {
    fn note(&mut self, code: Code, path: impl Into<String>, r: usize, c: usize, what: String) {
        let origin = self.s.origin(r, c);
        self.findings.push(finding(code, path, &origin, what));
    }
    fn at(&self, r: usize, c: usize) -> String {
        self.s.origin(r, c).describe()
    }
}

/// The funds as read: each amount with where it was (row, column).
#[derive(Default)]
struct Funds {
    initial: Option<(String, usize, usize)>,
    annual: Option<(String, usize, usize)>,
    executed: Option<(String, usize, usize)>,
    executed_label: Option<String>,
    rate: Option<(String, usize, usize)>,
    forecast: Option<(String, usize, usize)>,
    deviation: Option<String>,
    measures: Option<String>,
}

impl Funds {
    fn set(&mut self, kind: Fund, text: &str, r: usize, c: usize) {
        let v = Some((text.to_string(), r, c));
        match kind {
            Fund::Initial => self.initial = self.initial.take().or(v),
            Fund::Annual => self.annual = self.annual.take().or(v),
            Fund::Executed => self.executed = self.executed.take().or(v),
            Fund::Rate => self.rate = self.rate.take().or(v),
            Fund::Forecast => self.forecast = self.forecast.take().or(v),
            Fund::Deviation | Fund::Measures => {
                let t = value_text(text);
                let slot = if kind == Fund::Deviation {
                    &mut self.deviation
                } else {
                    &mut self.measures
                };
                if slot.as_deref().is_none_or(str::is_empty) {
                    *slot = Some(t);
                }
            }
        }
    }
}

/// The funds of the rows `upper` (above the indicator table): a header row of columns (年初预算数 |
/// 1—7月执行数 | …) over a row of values (年度资金总额 or the first row with an executed amount), or
/// label / value pairs. Returns the rows used, so that the labels search leaves them alone.
fn funds_of(s: &Sheet, upper: std::ops::Range<usize>) -> (Funds, Vec<usize>) {
    let mut funds = Funds::default();
    // Label / value pairs: a funds label with an amount to its right.
    let mut pairs: Vec<(Fund, usize, usize, usize)> = Vec::new();
    for r in upper.clone() {
        for c in 0..s.cols() {
            if !s.own(r, c) {
                continue;
            }
            let Some(kind) = fund_col(s.at(r, c)) else {
                continue;
            };
            if matches!(kind, Fund::Deviation | Fund::Measures) {
                continue;
            }
            if let Some(vc) = value_right(s, r, c)
                && !matches!(amount(s.at(r, vc), false), Amount::Bad)
            {
                pairs.push((kind, r, c, vc));
            }
        }
    }
    if pairs.iter().any(|p| p.0 == Fund::Executed) {
        let mut used = Vec::new();
        for (kind, r, c, vc) in pairs {
            if kind == Fund::Executed && funds.executed_label.is_none() {
                funds.executed_label = Some(s.at(r, c).to_string());
            }
            funds.set(kind, s.at(r, vc), r, vc);
            used.push(r);
        }
        return (funds, used);
    }
    // A header row of columns.
    for fr in upper.clone() {
        let cols: Vec<(Fund, usize)> = (0..s.cols())
            .filter(|&c| s.own(fr, c))
            .filter_map(|c| fund_col(s.at(fr, c)).map(|k| (k, c)))
            .collect();
        let has = |x: Fund| cols.iter().any(|f| f.0 == x);
        if !(has(Fund::Executed) && (has(Fund::Annual) || has(Fund::Initial))) {
            continue;
        }
        let exec_col = cols
            .iter()
            .find(|f| f.0 == Fund::Executed)
            .map(|f| f.1)
            .expect("checked");
        let below: Vec<usize> = (fr + 1..upper.end)
            .filter(|&r| s.anchor(r, exec_col).0 != fr)
            .collect();
        let total = below.iter().copied().find(|&r| {
            (0..exec_col).any(|c| {
                let k = key(s.at(r, c));
                s.anchor(r, c).0 == r
                    && ["总额", "合计", "总计", "小计", "资金总额"]
                        .iter()
                        .any(|w| k.contains(w))
            })
        });
        let vr = total.or_else(|| {
            below
                .iter()
                .copied()
                .find(|&r| !is_blank(s.at(r, exec_col)))
        });
        let mut used = vec![fr];
        for (kind, c) in &cols {
            if *kind == Fund::Executed && funds.executed_label.is_none() {
                funds.executed_label = Some(s.at(fr, *c).to_string());
            }
            if let Some(vr) = vr {
                funds.set(*kind, s.at(vr, *c), vr, *c);
            } else if !matches!(kind, Fund::Deviation | Fund::Measures) {
                funds.set(*kind, "", fr, *c);
            }
        }
        if let Some(vr) = vr {
            used.push(vr);
        }
        return (funds, used);
    }
    (funds, Vec::new())
}

/// One form: the rows `upper` above its table, the table and its rows, and the rows `lower` under it.
fn read_form(
    s: &Sheet,
    file: &str,
    upper: std::ops::Range<usize>,
    table: &Table,
    rows: &[usize],
    lower: std::ops::Range<usize>,
) -> Result<ReadMonitorForm, MonitorError> {
    let mut rd = Reader {
        s,
        file,
        findings: Vec::new(),
    };
    let (mut funds, used) = funds_of(s, upper.clone());

    // Labels: 项目名称, 主管部门, 实施单位, and the form-level 偏差原因 / 措施 rows above or under the table.
    let mut name: Option<(String, usize, usize)> = None;
    let mut department: Option<String> = None;
    let mut implementer: Option<String> = None;
    let mut weak: Option<String> = None;
    let label_rows = upper
        .clone()
        .filter(|r| !used.contains(r))
        .chain(lower.clone());
    for r in label_rows {
        for c in 0..s.cols() {
            if !s.own(r, c) {
                continue;
            }
            let t = s.at(r, c);
            if let Some((label, value)) = label_in_cell(t) {
                match label {
                    Label::Name => name = name.or(Some((value, r, c))),
                    Label::Department => department = department.or(Some(value)),
                    Label::Implementer => implementer = implementer.or(Some(value)),
                    Label::ImplementerWeak => weak = weak.or(Some(value)),
                    Label::Other => {}
                }
                continue;
            }
            if let Some(label) = label_of(t) {
                let value = value_right(s, r, c).map(|vc| (name_text(s.at(r, vc)), r, vc));
                let v = || value.clone().map(|v| v.0).unwrap_or_default();
                match label {
                    Label::Name if name.is_none() => {
                        name = Some(value.clone().unwrap_or((String::new(), r, c)))
                    }
                    Label::Department if department.is_none() => department = Some(v()),
                    Label::Implementer if implementer.is_none() => implementer = Some(v()),
                    Label::ImplementerWeak if weak.is_none() => weak = value.clone().map(|v| v.0),
                    _ => {}
                }
                continue;
            }
            if let Some(kind @ (Fund::Deviation | Fund::Measures)) = fund_col(t) {
                let text = value_right(s, r, c)
                    .map(|vc| s.at(r, vc).to_string())
                    .unwrap_or_default();
                funds.set(kind, &text, r, c);
            }
        }
    }
    let top = upper.start;
    let (name, name_at) = match name {
        Some((n, r, c)) => (n, (r, c)),
        None => (String::new(), (top, 0)),
    };
    if name.is_empty() {
        rd.note(
            Code::ImportIncomplete,
            "name",
            name_at.0,
            name_at.1,
            "没有找到项目名称".into(),
        );
    }
    let implementer = implementer.filter(|i| !i.is_empty()).or(weak);
    for (path, value, what) in [
        ("department", &department, "主管部门"),
        ("implementer", &implementer, "实施单位"),
    ] {
        if value.as_deref().is_none_or(str::is_empty) {
            rd.note(
                Code::ImportIncomplete,
                path,
                top,
                0,
                format!("没有找到{what}，或{what}没有填写"),
            );
        }
    }
    let (department, implementer) = (
        department.unwrap_or_default(),
        implementer.unwrap_or_default(),
    );
    let (year, month) = year_and_month(&mut rd, &upper, table, &funds, &name)?;

    // Amounts: 万元 unless the form says 元.
    let yuan = upper.clone().any(|r| {
        (0..s.cols()).any(|c| {
            let k = key(s.at(r, c));
            k.chars().count() <= 40
                && (k.contains("单位:元") || k.contains("(元)") || k.ends_with("单位元"))
        })
    });
    let executed = match &funds.executed {
        None => {
            return Err(MonitorError::Missing {
                file: file.to_string(),
                at: s.sheet_origin().describe(),
                what: "未找到预算执行数（“1—N月执行数”“截至N月底执行数”等栏目或标签）".into(),
            });
        }
        Some((t, r, c)) => match money(&mut rd, t, yuan, *r, *c, "executed", "执行数")? {
            Some(x) => x,
            None => {
                rd.note(
                    Code::ImportIncomplete,
                    "executed",
                    *r,
                    *c,
                    "执行数没有填写，按 0 读取".into(),
                );
                Decimal::ZERO
            }
        },
    };
    let annual_read = match &funds.annual {
        Some((t, r, c)) => money(&mut rd, t, yuan, *r, *c, "annual", "全年预算数")?,
        None => None,
    };
    let annual = match annual_read {
        Some(x) => x,
        None => {
            let initial = match &funds.initial {
                Some((t, r, c)) => {
                    money(&mut rd, t, yuan, *r, *c, "annual", "年初预算数")?.map(|x| (x, *r, *c))
                }
                None => None,
            };
            match initial {
                Some((x, r, c)) => {
                    rd.note(
                        Code::ImportAmbiguous,
                        "annual",
                        r,
                        c,
                        format!(
                            "表中没有填写全年预算数（调整后预算数），按年初预算数 {} 万元读取；年中调整过预算的，执行率应按调整后的预算计算",
                            x.normalize()
                        ),
                    );
                    x
                }
                None => {
                    return Err(MonitorError::Missing {
                        file: file.to_string(),
                        at: s.sheet_origin().describe(),
                        what: "未找到全年预算数或年初预算数".into(),
                    });
                }
            }
        }
    };
    let forecast = match &funds.forecast {
        Some((t, r, c)) => {
            let x = money(&mut rd, t, yuan, *r, *c, "forecast", "全年预计执行数")?;
            if x.is_none() {
                rd.note(
                    Code::ImportIncomplete,
                    "forecast",
                    *r,
                    *c,
                    "全年预计执行数没有填写".into(),
                );
            }
            x
        }
        None => None,
    };
    if let Some((t, r, c)) = &funds.rate
        && let Some(stated) = rate(t)
        && !annual.is_zero()
    {
        let computed = executed / annual * Decimal::ONE_HUNDRED;
        if (computed - stated).abs() > Decimal::new(1, 1) {
            rd.note(
                Code::ImportAmbiguous,
                "executed",
                *r,
                *c,
                format!(
                    "表上的执行率“{}”与执行数 ÷ 全年预算数（{} ÷ {} = {}%）不符，以执行数和预算数为准",
                    t.trim(),
                    executed.normalize(),
                    annual.normalize(),
                    computed.round_dp(2).normalize()
                ),
            );
        }
    }

    let indicators = indicators_of(&mut rd, table, rows);
    let form = MonitorForm {
        name,
        year,
        month,
        department,
        implementer,
        annual,
        executed,
        forecast,
        deviation: funds.deviation.unwrap_or_default(),
        measures: funds.measures.unwrap_or_default(),
        indicators,
    };
    Ok((form, rd.findings))
}

/// An amount cell in 万元: none for a blank; the leading number of `87.57（含结转）` with a finding; an error
/// naming the cell for anything else.
fn money(
    rd: &mut Reader<'_>,
    text: &str,
    yuan: bool,
    r: usize,
    c: usize,
    path: &str,
    what: &str,
) -> Result<Option<Decimal>, MonitorError> {
    match amount(text, yuan) {
        Amount::Blank => Ok(None),
        Amount::Exact(x) => Ok(Some(x)),
        Amount::Leading(x) => {
            rd.note(
                Code::ImportAmbiguous,
                path,
                r,
                c,
                format!(
                    "{what}“{}”不只是一个数，按其中的 {} 万元读取",
                    text.trim(),
                    x.normalize()
                ),
            );
            Ok(Some(x))
        }
        Amount::Bad => Err(MonitorError::BadNumber {
            file: rd.file.to_string(),
            at: rd.at(r, c),
            what: what.to_string(),
            text: text.trim().to_string(),
        }),
    }
}

/// The year (标题 `2021年度`, else any `2021年` above the table, else the project name) and the month the
/// data run to (the executed amount's label, else the progress column's header, else the title).
fn year_and_month(
    rd: &mut Reader<'_>,
    upper: &std::ops::Range<usize>,
    table: &Table,
    funds: &Funds,
    name: &str,
) -> Result<(i32, u32), MonitorError> {
    let s = rd.s;
    let cells: Vec<(usize, usize)> = upper
        .clone()
        .flat_map(|r| (0..s.cols()).map(move |c| (r, c)))
        .filter(|&(r, c)| s.own(r, c) && !s.at(r, c).is_empty())
        .collect();
    let top = (upper.start, 0);

    let mut years: Vec<i32> = cells
        .iter()
        .filter(|&&(r, c)| s.at(r, c).contains("年度"))
        .flat_map(|&(r, c)| years_in(s.at(r, c)))
        .collect();
    if years.is_empty() {
        years = cells
            .iter()
            .flat_map(|&(r, c)| years_in(s.at(r, c)))
            .collect();
    }
    if years.is_empty() {
        years = years_in(name);
    }
    years.dedup();
    let Some(&year) = years.first() else {
        return Err(MonitorError::NoYear {
            file: rd.file.to_string(),
            at: s.sheet_origin().describe(),
        });
    };
    if years.iter().any(|y| *y != year) {
        rd.note(
            Code::ImportAmbiguous,
            "year",
            top.0,
            top.1,
            format!(
                "表上出现了不止一个年度（{}），按 {year} 年读取",
                years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        );
    }

    let from_funds = funds.executed_label.as_deref().and_then(month_of);
    let from_table = table
        .get(Ind::Progress)
        .and_then(|c| month_of(s.at(table.header, c)));
    let from_title = cells.iter().find_map(|&(r, c)| month_of(s.at(r, c)));
    let Some(month) = from_funds.or(from_table).or(from_title) else {
        return Err(MonitorError::NoMonth {
            file: rd.file.to_string(),
            at: s.sheet_origin().describe(),
        });
    };
    let others: Vec<u32> = [from_funds, from_table, from_title]
        .into_iter()
        .flatten()
        .filter(|m| *m != month)
        .collect();
    if let Some(other) = others.first() {
        rd.note(
            Code::ImportAmbiguous,
            "month",
            top.0,
            top.1,
            format!(
                "表上的月份不一致（{month} 月与 {other} 月），按执行数所在栏目的 {month} 月读取"
            ),
        );
    }
    Ok((year, month))
}

/// The indicators of a table's rows: 一级 / 二级 carried down over blank ("same as above") cells, rows without
/// a 三级指标 left out, template rows with nothing filled in left out with a finding.
fn indicators_of(rd: &mut Reader<'_>, t: &Table, rows: &[usize]) -> Vec<MonitorIndicator> {
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

/// A cell holding only a tick mark.
fn is_tick_mark(k: &str) -> bool {
    k.chars().count() == 1 && is_tick(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_from_headers_and_titles() {
        assert_eq!(month_of("1—7月执行数"), Some(7));
        assert_eq!(month_of("1-6月执行数"), Some(6));
        assert_eq!(month_of("１至８月执行数"), Some(8));
        assert_eq!(month_of("截至7月底执行数"), Some(7));
        assert_eq!(month_of("（数据截止2023年9月30日）"), Some(9));
        assert_eq!(month_of("半年度指标执行情况"), Some(6));
        assert_eq!(month_of("年度指标值"), None);
        assert_eq!(month_of("1-13月"), None);
    }

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

    #[test]
    fn amounts_in_wan_and_yuan() {
        assert!(matches!(amount("87.57", false), Amount::Exact(x) if x == Decimal::new(8757, 2)));
        assert!(matches!(amount("8,540,000", true), Amount::Exact(x) if x == Decimal::from(854)));
        assert!(matches!(amount("220万元", true), Amount::Exact(x) if x == Decimal::from(220)));
        assert!(matches!(
            amount("87.57（含结转）", false),
            Amount::Leading(_)
        ));
        assert!(matches!(amount("见附表", false), Amount::Bad));
        assert!(matches!(amount("—", false), Amount::Blank));
        assert_eq!(rate("28%"), Some(Decimal::from(28)));
        assert_eq!(rate("0.28"), Some(Decimal::new(2800, 2)));
    }
}
