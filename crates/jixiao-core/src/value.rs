//! The indicator value language: targets (年度指标值) and actuals (实际完成值) as written on real forms.
//!
//! `parse` reads one text on its own; `parse_actual` reads an actual in the light of its target, so
//! that in a sentence the number whose unit matches the target's is taken, not the first number
//! ("22年度超30篇次省市区报道" against "5篇" is more than 30 篇次, not 22). Whatever cannot be read
//! is returned as `Unparsed` with a reason: never a guess. The original text is always kept.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// How a number relates to what it bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparator {
    /// ≥ 不低于 不少于 达到…以上
    Ge,
    /// > 超 超过 大于 高于
    Gt,
    /// ≤ 不超过 以内 以下
    Le,
    /// < 低于 小于 少于
    Lt,
    /// = or a bare number
    Eq,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => "≥",
            Comparator::Gt => ">",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
            Comparator::Eq => "=",
        }
    }
    /// Reverse indicators (less is better).
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Comparator::Le | Comparator::Lt)
    }
}

/// A number with its comparator and unit, e.g. `≥ 95 %` or `= 1 场`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub cmp: Comparator,
    pub number: Decimal,
    /// The unit as written after NFKC (`%`, `‰`, `人次`, `万元`, `个工作日`); empty when none.
    pub unit: String,
}

/// A calendar bound such as `2023年12月31日前` or `12月底前` (year taken from the project when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateBound {
    pub year: Option<i32>,
    pub month: u32,
    pub day: Option<u32>,
}

impl DateBound {
    /// The last day the bound allows, with `default_year` filling a missing year.
    pub fn last_day(&self, default_year: i32) -> (i32, u32, u32) {
        let year = self.year.unwrap_or(default_year);
        let day = self.day.unwrap_or_else(|| days_in_month(year, self.month));
        (year, self.month, day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The three achievement levels of qualitative indicators (达成 / 部分达成 / 未达成).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Achievement {
    /// 未达成年度指标且效果较差
    Failed,
    /// 部分达成年度指标并具有一定效果
    Partial,
    /// 达成年度指标
    Achieved,
}

impl Achievement {
    pub fn label(self) -> &'static str {
        match self {
            Achievement::Achieved => "达成年度指标",
            Achievement::Partial => "部分达成年度指标并具有一定效果",
            Achievement::Failed => "未达成年度指标且效果较差",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueKind {
    Quantity(Quantity),
    /// 时效: done by this date.
    Deadline(DateBound),
    /// A short graded word: 显著提升, 有效, 是, 及时, 达成预期指标, 部分达成, 否 …
    Qualitative {
        level: Achievement,
    },
    /// A sentence that names no number ("已赴黄埔区开展人才工作调研"): a claim in words.
    Claim {
        level: Achievement,
    },
    /// `/`, `—`, `不适用`
    NotApplicable,
    /// `无`: nothing stated (a missing actual, or zero incidents against a zero target).
    Nil,
    /// Blank.
    Empty,
    Unparsed {
        reason: String,
    },
}

/// A target or actual as written, with what the language understood of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Value {
    /// The original text, unchanged.
    pub text: String,
    #[serde(flatten)]
    pub kind: ValueKind,
}

impl Value {
    pub fn quantity(&self) -> Option<&Quantity> {
        match &self.kind {
            ValueKind::Quantity(q) => Some(q),
            _ => None,
        }
    }
    /// Qualitative targets and answers in words.
    pub fn is_words(&self) -> bool {
        matches!(
            self.kind,
            ValueKind::Qualitative { .. } | ValueKind::Claim { .. }
        )
    }
    /// A short description of how the text was understood (the editor's hint under a cell).
    pub fn describe(&self) -> String {
        match &self.kind {
            ValueKind::Quantity(q) => {
                format!("{} {} {}", q.cmp.symbol(), q.number.normalize(), q.unit)
                    .trim_end()
                    .to_string()
            }
            ValueKind::Deadline(d) => match (d.year, d.day) {
                (Some(y), Some(day)) => format!("截止 {y}-{:02}-{day:02}", d.month),
                (Some(y), None) => format!("截止 {y}-{:02} 月底", d.month),
                (None, Some(day)) => format!("截止 当年{}月{day}日", d.month),
                (None, None) => format!("截止 当年{}月底", d.month),
            },
            ValueKind::Qualitative { level } => format!("定性：{}", short_level(*level)),
            ValueKind::Claim { level } => format!("文字表述：{}", short_level(*level)),
            ValueKind::NotApplicable => "不适用".into(),
            ValueKind::Nil => "无".into(),
            ValueKind::Empty => "未填写".into(),
            ValueKind::Unparsed { reason } => format!("无法识别：{reason}"),
        }
    }
}

fn short_level(level: Achievement) -> &'static str {
    match level {
        Achievement::Achieved => "达成",
        Achievement::Partial => "部分达成",
        Achievement::Failed => "未达成",
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The canonical written form of a value: what `parse` reads back to the same value.
pub fn render(kind: &ValueKind) -> String {
    match kind {
        ValueKind::Quantity(q) => {
            let cmp = if q.cmp == Comparator::Eq {
                ""
            } else {
                q.cmp.symbol()
            };
            format!("{cmp}{}{}", q.number.normalize(), q.unit)
        }
        ValueKind::Deadline(d) => {
            let mut s = String::new();
            if let Some(y) = d.year {
                s.push_str(&format!("{y}年"));
            }
            s.push_str(&format!("{}月", d.month));
            match d.day {
                Some(day) => s.push_str(&format!("{day}日前")),
                None => s.push_str("底前"),
            }
            s
        }
        ValueKind::Qualitative { level } | ValueKind::Claim { level } => {
            short_level(*level).to_string()
        }
        ValueKind::NotApplicable => "/".into(),
        ValueKind::Nil => "无".into(),
        ValueKind::Empty => String::new(),
        ValueKind::Unparsed { .. } => "?".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// NFKC (full-width digits, ％, ＞, ，) plus the look-alike symbols NFKC leaves alone; whitespace dropped.
/// Used for parsing only: the original text is what we store.
fn normalize(text: &str) -> String {
    text.nfkc()
        .filter_map(|c| match c {
            '≧' => Some('≥'),
            '≦' => Some('≤'),
            '═' | '＝' => Some('='),
            '﹪' => Some('%'),
            '～' | '〜' => Some('~'),
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Comparator words

const PREFIXES: &[(&str, Comparator)] = &[
    (">=", Comparator::Ge),
    ("<=", Comparator::Le),
    ("≥", Comparator::Ge),
    ("≤", Comparator::Le),
    (">", Comparator::Gt),
    ("<", Comparator::Lt),
    ("=", Comparator::Eq),
    ("不低于", Comparator::Ge),
    ("不少于", Comparator::Ge),
    ("不小于", Comparator::Ge),
    ("大于等于", Comparator::Ge),
    ("大于或等于", Comparator::Ge),
    ("小于等于", Comparator::Le),
    ("小于或等于", Comparator::Le),
    ("至少", Comparator::Ge),
    ("达到", Comparator::Ge),
    ("达", Comparator::Ge),
    ("不超过", Comparator::Le),
    ("不高于", Comparator::Le),
    ("不多于", Comparator::Le),
    ("不大于", Comparator::Le),
    ("最多", Comparator::Le),
    ("控制在", Comparator::Le),
    ("超过", Comparator::Gt),
    ("超", Comparator::Gt),
    ("大于", Comparator::Gt),
    ("高于", Comparator::Gt),
    ("多于", Comparator::Gt),
    ("小于", Comparator::Lt),
    ("低于", Comparator::Lt),
    ("少于", Comparator::Lt),
    ("等于", Comparator::Eq),
    ("约", Comparator::Eq),
];

const SUFFIXES: &[(&str, Option<Comparator>)] = &[
    ("及以上", Some(Comparator::Ge)),
    ("以上", Some(Comparator::Ge)),
    ("及以下", Some(Comparator::Le)),
    ("以下", Some(Comparator::Le)),
    ("以内", Some(Comparator::Le)),
    ("之内", Some(Comparator::Le)),
    ("内", Some(Comparator::Le)),
    ("左右", None),
];

fn strip_prefix_cmp(s: &str) -> (Option<Comparator>, &str) {
    // Longest first, so 不低于 is not read as 不 + 低于.
    let mut best: Option<(&str, Comparator)> = None;
    for &(word, cmp) in PREFIXES {
        if s.starts_with(word) && best.is_none_or(|(w, _)| word.len() > w.len()) {
            best = Some((word, cmp));
        }
    }
    match best {
        Some((word, cmp)) => (Some(cmp), &s[word.len()..]),
        None => (None, s),
    }
}

fn strip_suffix_cmp(s: &str) -> (Option<Comparator>, &str) {
    for &(word, cmp) in SUFFIXES {
        if let Some(rest) = s.strip_suffix(word) {
            return (cmp, rest);
        }
    }
    (None, s)
}

/// 以上 / 以内 decide the direction even after 达到 ("达到90%以上" is ≥).
fn combine(prefix: Option<Comparator>, suffix: Option<Comparator>) -> Comparator {
    match (prefix, suffix) {
        (Some(Comparator::Eq) | None, Some(s)) => s,
        (Some(p), _) => p,
        (None, None) => Comparator::Eq,
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

static ARABIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?").expect("valid regex"));

const CN_DIGITS: &str = "零〇一二两三四五六七八九十百千万亿";

/// Reads a number at the start of `s`: Arabic (with thousands commas) or Chinese numerals.
/// Returns the number and the rest.
fn leading_number(s: &str) -> Option<(Decimal, &str)> {
    if let Some(m) = ARABIC.find(s) {
        let digits: String = m.as_str().chars().filter(|c| *c != ',').collect();
        let n = Decimal::from_str(&digits).ok()?;
        return Some((n, &s[m.end()..]));
    }
    let end = s
        .char_indices()
        .find(|(_, c)| !CN_DIGITS.contains(*c))
        .map_or(s.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let mut cn = &s[..end];
    let mut rest = &s[end..];
    // "十万元" is ten and the unit 万元: give a trailing 万/亿 back to the unit when a unit follows it.
    while let Some(last) = cn.chars().last() {
        if (last == '万' || last == '亿')
            && cn.chars().count() > 1
            && !rest.is_empty()
            && is_unit_start(rest)
        {
            let cut = cn.len() - last.len_utf8();
            rest = &s[cut..];
            cn = &cn[..cut];
        } else {
            break;
        }
    }
    chinese_number(cn).map(|n| (n, rest))
}

fn is_unit_start(rest: &str) -> bool {
    known_unit_prefix(rest).is_some()
}

/// Chinese numerals: 三, 十二, 两千三百, 一万二千, 三点五 is not supported (rare on forms).
fn chinese_number(s: &str) -> Option<Decimal> {
    let digit = |c: char| -> Option<i64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let mut total: i64 = 0; // completed 万/亿 sections
    let mut section: i64 = 0; // below 万
    let mut current: Option<i64> = None;
    let mut seen = false;
    for c in s.chars() {
        seen = true;
        if let Some(d) = digit(c) {
            current = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            '亿' => 100_000_000,
            _ => return None,
        };
        if unit >= 10_000 {
            section += current.take().unwrap_or(0);
            if section == 0 && total == 0 {
                return None;
            }
            total = (total + section).checked_mul(unit)?;
            section = 0;
        } else {
            // 十二 = 12: a bare 十 means one ten.
            section += current.take().unwrap_or(1) * unit;
        }
    }
    if !seen {
        return None;
    }
    Some(Decimal::from(total + section + current.unwrap_or(0)))
}

// ---------------------------------------------------------------------------------------------
// Units

/// Units seen on forms, longest first where one is a prefix of another.
const UNITS: &[&str] = &[
    "个百分点",
    "百分点",
    "个工作日",
    "工作日",
    "个月",
    "平方米",
    "平方公里",
    "立方米",
    "万人次",
    "万人",
    "万元",
    "亿元",
    "千元",
    "元/人",
    "元/亩",
    "人次",
    "篇次",
    "户次",
    "场次",
    "车次",
    "件次",
    "批次",
    "课时",
    "学时",
    "公里",
    "千米",
    "公顷",
    "千克",
    "公斤",
    "小时",
    "分钟",
    "%",
    "‰",
    "元",
    "人",
    "篇",
    "场",
    "次",
    "项",
    "件",
    "户",
    "家",
    "所",
    "台",
    "套",
    "本",
    "册",
    "种",
    "类",
    "期",
    "批",
    "份",
    "条",
    "处",
    "座",
    "栋",
    "间",
    "辆",
    "艘",
    "米",
    "亩",
    "吨",
    "斤",
    "天",
    "日",
    "周",
    "年度",
    "年",
    "月",
    "岁",
    "起",
    "宗",
    "例",
    "名",
    "位",
    "棵",
    "株",
    "头",
    "只",
    "部",
    "张",
    "块",
    "盏",
    "口",
    "眼",
    "段",
    "个",
    "所",
    "分",
    "份",
    "轮",
    "届",
    "门",
    "节",
    "册",
    "套",
    "床",
    "村",
    "镇",
    "街",
    "校",
    "班",
    "组",
    "队",
    "支",
    "台次",
    "kg",
    "km",
    "m",
    "t",
];

fn known_unit_prefix(s: &str) -> Option<&'static str> {
    UNITS
        .iter()
        .copied()
        .filter(|u| s.starts_with(u))
        .max_by_key(|u| u.len())
}

/// A unit reduced to a base and a scale, so that `万元` compares with `元` and `人次` with `人`.
pub fn unit_base(unit: &str) -> (String, Decimal) {
    let fixed: &[(&str, &str, i64, u32)] = &[
        ("%", "%", 1, 0),
        ("‰", "%", 1, 1),
        ("元", "元", 1, 0),
        ("千元", "元", 1000, 0),
        ("万元", "元", 10_000, 0),
        ("亿元", "元", 100_000_000, 0),
        ("米", "米", 1, 0),
        ("m", "米", 1, 0),
        ("千米", "米", 1000, 0),
        ("公里", "米", 1000, 0),
        ("km", "米", 1000, 0),
        ("千克", "千克", 1, 0),
        ("公斤", "千克", 1, 0),
        ("kg", "千克", 1, 0),
        ("吨", "千克", 1000, 0),
        ("t", "千克", 1000, 0),
        ("斤", "千克", 5, 1),
    ];
    for &(u, base, mul, scale) in fixed {
        if unit == u {
            return (base.to_string(), Decimal::new(mul, scale));
        }
    }
    let mut base = unit;
    let mut factor = Decimal::ONE;
    if let Some(rest) = base.strip_prefix('万').filter(|r| !r.is_empty()) {
        base = rest;
        factor = Decimal::from(10_000);
    }
    if let Some(rest) = base.strip_prefix('个').filter(|r| !r.is_empty()) {
        base = rest;
    }
    let base = match base {
        "人次" => "人",
        "篇次" => "篇",
        "户次" => "户",
        "场次" => "场",
        "件次" => "件",
        "台次" => "台",
        "批次" => "批",
        "名" | "位" => "人",
        "日" => "天",
        "年度" => "年",
        other => other,
    };
    (base.to_string(), factor)
}

/// Whether two units measure the same thing (an empty unit matches anything).
pub fn units_compatible(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || unit_base(a).0 == unit_base(b).0
}

/// `number` in unit `from` expressed in unit `to`, when the units are compatible.
pub fn convert(number: Decimal, from: &str, to: &str) -> Option<Decimal> {
    if from.is_empty() || to.is_empty() {
        return Some(number);
    }
    let (fb, ff) = unit_base(from);
    let (tb, tf) = unit_base(to);
    (fb == tb).then(|| number * ff / tf)
}

fn is_date_unit(unit: &str) -> bool {
    matches!(unit, "年" | "年度" | "月" | "日")
}

// ---------------------------------------------------------------------------------------------
// Words

const NOT_APPLICABLE: &[&str] = &[
    "/",
    "／",
    "—",
    "——",
    "-",
    "--",
    "不适用",
    "无此项",
    "N/A",
    "n/a",
    "NA",
    "不涉及",
];
const NIL: &[&str] = &["无", "没有", "暂无"];

/// Short qualitative words, by achievement. Checked as whole texts (after trimming punctuation).
const FAILED_WORDS: &[&str] = &[
    "未达成",
    "未完成",
    "未达到",
    "未达标",
    "不达标",
    "否",
    "无效",
    "不合格",
    "差",
    "较差",
    "未达成年度指标",
    "未达成预期指标",
    "不满意",
    "未实现",
    "滞后",
    "不及时",
];
const PARTIAL_WORDS: &[&str] = &[
    "部分达成",
    "部分完成",
    "部分实现",
    "基本达成",
    "基本完成",
    "基本实现",
    "基本达标",
    "基本满意",
    "一般",
    "部分达成年度指标",
    "部分达成预期指标",
    "基本达到",
    "基本及时",
    "有所提升",
    "有所提高",
    "有所改善",
];
const ACHIEVED_WORDS: &[&str] = &[
    "达成",
    "达成预期",
    "达成预期指标",
    "达成年度指标",
    "达到预期",
    "达到预期目标",
    "达到预期指标",
    "完成",
    "已完成",
    "全部完成",
    "按时完成",
    "按期完成",
    "如期完成",
    "是",
    "有效",
    "显著",
    "显著提升",
    "显著提高",
    "显著改善",
    "明显提升",
    "明显提高",
    "明显改善",
    "明显",
    "提升",
    "提高",
    "改善",
    "及时",
    "良好",
    "较好",
    "好",
    "优",
    "优秀",
    "合格",
    "达标",
    "规范",
    "符合",
    "符合要求",
    "满意",
    "逐步提升",
    "持续提升",
    "稳步提升",
    "长期",
    "持续",
    "中长期",
    "保障",
    "有效保障",
    "正常运转",
    "正常",
    "明显增强",
    "增强",
    "加强",
    "完善",
    "逐步完善",
    "得到提升",
    "得到提高",
    "有所提升的",
];

fn word_level(s: &str) -> Option<Achievement> {
    let s = s.trim_matches(|c: char| "。.，,；;！!".contains(c));
    if FAILED_WORDS.contains(&s) {
        Some(Achievement::Failed)
    } else if PARTIAL_WORDS.contains(&s) {
        Some(Achievement::Partial)
    } else if ACHIEVED_WORDS.contains(&s) {
        Some(Achievement::Achieved)
    } else {
        None
    }
}

/// The achievement a sentence without numbers claims: negations and "部分" lower it.
fn sentence_level(s: &str) -> Achievement {
    const FAILED: &[&str] = &[
        "未达成",
        "未完成",
        "未达到",
        "未实现",
        "未能",
        "没有完成",
        "尚未",
        "未开展",
        "未按期",
        "未按时",
        "滞后",
    ];
    const PARTIAL: &[&str] = &[
        "部分达成",
        "部分完成",
        "基本完成",
        "基本达成",
        "基本实现",
        "部分实现",
        "基本达到",
    ];
    if FAILED.iter().any(|w| s.contains(w)) {
        Achievement::Failed
    } else if PARTIAL.iter().any(|w| s.contains(w)) {
        Achievement::Partial
    } else {
        Achievement::Achieved
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^(?:(?P<y>(?:19|20)\d{2})(?:年度?|[-/]))?(?P<m>\d{1,2})(?:月份?|[-/]|$)(?:(?P<d>\d{1,2})(?:日|号)?)?(?P<end>底|末|份)?(?P<tail>前|以前|之前|内|止|完成|完成前)?$",
    )
    .expect("valid regex")
});
static YEAR_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<y>\d{4})年(?:底|末|年底|年末|内)(?:前|以前|之前)?$").expect("valid regex")
});
/// A date inside a sentence: "已于2023年11月20日完成".
static DATE_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?|(?P<y2>(?:19|20)\d{2})[-/](?P<m2>\d{1,2})(?:[-/](?P<d2>\d{1,2}))?")
        .expect("valid regex")
});

fn parse_date(s: &str) -> Option<DateBound> {
    if let Some(c) = YEAR_END.captures(s) {
        return Some(DateBound {
            year: c["y"].parse().ok(),
            month: 12,
            day: None,
        });
    }
    let c = DATE.captures(s)?;
    // "2023" alone or "12" alone are numbers, not dates: a date needs 月 or a separator ("2023.12" is a number).
    if !s.contains('月') && c.name("y").is_none() {
        return None;
    }
    let year = c.name("y").and_then(|m| m.as_str().parse().ok());
    let month: u32 = c["m"].parse().ok()?;
    let day: Option<u32> = c.name("d").and_then(|m| m.as_str().parse().ok());
    valid_date(year, month, day)
}

fn valid_date(year: Option<i32>, month: u32, day: Option<u32>) -> Option<DateBound> {
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some(d) = day {
        if d == 0 || d > days_in_month(year.unwrap_or(2000), month) {
            return None;
        }
    }
    Some(DateBound { year, month, day })
}

fn date_in_text(s: &str) -> Option<DateBound> {
    let c = DATE_IN_TEXT.captures(s)?;
    let year = c
        .name("y")
        .or(c.name("y2"))
        .and_then(|m| m.as_str().parse().ok());
    let month = c.name("m").or(c.name("m2"))?.as_str().parse().ok()?;
    let day = c
        .name("d")
        .or(c.name("d2"))
        .and_then(|m| m.as_str().parse().ok());
    valid_date(year, month, day)
}

// ---------------------------------------------------------------------------------------------
// Quantities

/// The whole text is one quantity: `≥95%`, `不少于12种`, `达到90%以上`, `1,600本`, `三场`.
fn parse_quantity(s: &str) -> Result<Option<Quantity>, String> {
    let (prefix, after_prefix) = strip_prefix_cmp(s);
    let (suffix, rest) = strip_suffix_cmp(after_prefix);
    // A sign only counts in a whole-text value: in sentences "-" is a dash or a range.
    let (negative, rest) = match rest.strip_prefix('-').or_else(|| rest.strip_prefix('−')) {
        Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => (true, r),
        _ => (false, rest),
    };
    let Some((number, unit)) = leading_number(rest) else {
        if prefix.is_some()
            && !rest.chars().any(|c| c.is_ascii_digit())
            && word_level(rest).is_none()
        {
            // The comparator is what the prefix strip took off (`rest` may have lost a 以上 at the end too).
            return Err(format!(
                "比较符“{}”后没有数值",
                &s[..s.len() - after_prefix.len()]
            ));
        }
        return Ok(None);
    };
    // A unit is short and has no digits or sentence punctuation; otherwise this is a sentence.
    if unit.chars().count() > 6
        || unit
            .chars()
            .any(|c| c.is_ascii_digit() || "，,。；;、：:（(".contains(c))
    {
        return Ok(None);
    }
    let number = if negative { -number } else { number };
    Ok(Some(Quantity {
        cmp: combine(prefix, suffix),
        number,
        unit: unit.to_string(),
    }))
}

/// A number mentioned inside a sentence, with its comparator word and known unit.
#[derive(Debug, Clone)]
struct Mention {
    quantity: Quantity,
}

fn mentions(s: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().expect("in bounds");
        let starts_number = c.is_ascii_digit() || CN_DIGITS.contains(c);
        // Do not start inside a number ("30" is not also "0").
        let prev = s[..i].chars().last();
        let inside = prev.is_some_and(|p| {
            p.is_ascii_digit()
                || p == '.'
                || p == ','
                || (CN_DIGITS.contains(p) && !c.is_ascii_digit())
        });
        if starts_number && !inside {
            if let Some((number, after)) = leading_number(rest) {
                let arabic = c.is_ascii_digit();
                let unit = known_unit_prefix(after).unwrap_or("");
                // Chinese numerals count only with a unit ("三场"), not in words such as 进一步, 统一.
                if arabic || !unit.is_empty() {
                    let after_unit = &after[unit.len()..];
                    let (suffix, _) = strip_suffix_cmp_prefix(after_unit);
                    let before = &s[..i];
                    let prefix = PREFIXES
                        .iter()
                        .filter(|(w, _)| before.ends_with(w))
                        .max_by_key(|(w, _)| w.len())
                        .map(|&(_, c)| c);
                    out.push(Mention {
                        quantity: Quantity {
                            cmp: combine(prefix, suffix),
                            number,
                            unit: unit.to_string(),
                        },
                    });
                }
                i = s.len() - after.len();
                continue;
            }
        }
        i += c.len_utf8();
    }
    out
}

/// 以上 / 以内 right after a number in a sentence.
fn strip_suffix_cmp_prefix(s: &str) -> (Option<Comparator>, &str) {
    for &(word, cmp) in SUFFIXES {
        if word != "内" {
            if let Some(rest) = s.strip_prefix(word) {
                return (cmp, rest);
            }
        }
    }
    (None, s)
}

// ---------------------------------------------------------------------------------------------
// Entry points

/// Reads one target or actual on its own.
pub fn parse(text: &str) -> Value {
    Value {
        text: text.to_string(),
        kind: parse_kind(text, None),
    }
}

/// Reads an actual in the light of its target: in a sentence, the number whose unit matches the
/// target's is the actual.
pub fn parse_actual(text: &str, target: &Value) -> Value {
    Value {
        text: text.to_string(),
        kind: parse_kind(text, Some(&target.kind)),
    }
}

fn parse_kind(text: &str, target: Option<&ValueKind>) -> ValueKind {
    let s = normalize(text);
    if s.is_empty() {
        return ValueKind::Empty;
    }
    if NOT_APPLICABLE.contains(&s.as_str()) {
        return ValueKind::NotApplicable;
    }
    if NIL.contains(&s.as_str()) {
        return ValueKind::Nil;
    }
    if let Some(level) = word_level(&s) {
        return ValueKind::Qualitative { level };
    }
    if let Some(date) = parse_date(&s) {
        return ValueKind::Deadline(date);
    }
    match parse_quantity(&s) {
        Ok(Some(q)) => return ValueKind::Quantity(q),
        Err(reason) => return ValueKind::Unparsed { reason },
        Ok(None) => {}
    }
    sentence(&s, target)
}

fn sentence(s: &str, target: Option<&ValueKind>) -> ValueKind {
    // Against a deadline, a sentence with a date is that date ("已于2023年11月完成").
    if let Some(ValueKind::Deadline(_)) = target {
        if let Some(d) = date_in_text(s) {
            return ValueKind::Deadline(d);
        }
        if !s.chars().any(|c| c.is_ascii_digit()) {
            return ValueKind::Claim {
                level: sentence_level(s),
            };
        }
    }
    let target_unit = match target {
        Some(ValueKind::Quantity(q)) => Some(q.unit.as_str()),
        _ => None,
    };
    let all = mentions(s);
    let numbers: Vec<&Mention> = all
        .iter()
        .filter(|m| {
            !is_date_unit(&m.quantity.unit) || target_unit.is_some_and(|u| u == m.quantity.unit)
        })
        .collect();
    if numbers.is_empty() {
        // A target with only a date in it is a deadline ("2023年12月31日前完成验收").
        if target.is_none() {
            if let Some(d) = date_in_text(s) {
                if s.ends_with('前') || s.contains("前完成") || s.contains("底前") {
                    return ValueKind::Deadline(d);
                }
            }
        }
        return ValueKind::Claim {
            level: sentence_level(s),
        };
    }
    if let Some(unit) = target_unit.filter(|u| !u.is_empty()) {
        if let Some(m) = numbers
            .iter()
            .find(|m| !m.quantity.unit.is_empty() && units_compatible(unit, &m.quantity.unit))
        {
            return ValueKind::Quantity(m.quantity.clone());
        }
    }
    if numbers.len() == 1 {
        return ValueKind::Quantity(numbers[0].quantity.clone());
    }
    let listed: Vec<String> = numbers
        .iter()
        .map(|m| format!("{}{}", m.quantity.number, m.quantity.unit))
        .collect();
    ValueKind::Unparsed {
        reason: match target_unit {
            Some(u) if !u.is_empty() => format!(
                "文字中有多个数值（{}），没有与指标值单位“{u}”一致的",
                listed.join("、")
            ),
            _ => format!(
                "文字中有多个数值（{}），无法确定哪个是指标值",
                listed.join("、")
            ),
        },
    }
}

#[cfg(test)]
mod tests;
