//! The indicator value language: targets (年度指标值) and actuals (实际完成值) as written on real forms.
//!
//! `parse` reads one text on its own; `parse_actual` reads an actual in the light of its target, so
//! that in a sentence the number whose unit matches the target's is taken, not the first number
//! ("22年度超30篇次省市区报道" against "5篇" is more than 30 篇次, not 22). Whatever cannot be read
//! is returned as `Unparsed` with a reason: never a guess. The original text is always kept.
//!
//! Numbers are bounded (see `MAX_MAGNITUDE`): anything larger is unparsed, so that scoring never works
//! near the limits of `Decimal`.

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

/// A range such as `85%-90%` or `85～90%`: met inside, scored by the distance to the nearer bound outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Range {
    pub low: Decimal,
    pub high: Decimal,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueKind {
    Quantity(Quantity),
    Range(Range),
    /// 时效: done by this date.
    Deadline(DateBound),
    /// 是 / 有 (`yes`) or 否 (a target 无 is read by the scorer as “no”): met when the actual says the same.
    Boolean {
        yes: bool,
    },
    /// A short graded word: 显著提升, 有效, 及时, 达成预期指标, 部分达成 …
    Qualitative {
        level: Achievement,
    },
    /// A sentence that names no number ("已赴黄埔区开展人才工作调研"): a claim in words.
    Claim {
        level: Achievement,
    },
    /// A sentence saying the work did not happen (未开展, 因故取消, 延期至次年 …): not achieved whatever
    /// the target. `word` is the phrase that says so.
    NotDone {
        word: String,
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
    /// How the reading goes beyond the text, for a reviewer to check ("未写 %，按 98% 理解").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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
            ValueKind::Qualitative { .. }
                | ValueKind::Claim { .. }
                | ValueKind::Boolean { .. }
                | ValueKind::NotDone { .. }
        )
    }
    /// A short description of how the text was understood (the editor's hint under a cell).
    pub fn describe(&self) -> String {
        let base = self.describe_kind();
        match &self.note {
            Some(note) => format!("{base}（{note}）"),
            None => base,
        }
    }

    fn describe_kind(&self) -> String {
        match &self.kind {
            ValueKind::Quantity(q) => {
                format!("{} {} {}", q.cmp.symbol(), q.number.normalize(), q.unit)
                    .trim_end()
                    .to_string()
            }
            ValueKind::Range(r) => {
                format!("{}–{} {}", r.low.normalize(), r.high.normalize(), r.unit)
                    .trim_end()
                    .to_string()
            }
            ValueKind::Boolean { yes } => format!("判断：{}", if *yes { "是" } else { "否" }),
            ValueKind::NotDone { word } => format!("未完成：“{word}”"),
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
        ValueKind::Range(r) => {
            format!("{}-{}{}", r.low.normalize(), r.high.normalize(), r.unit)
        }
        ValueKind::Boolean { yes } => if *yes { "是" } else { "否" }.into(),
        ValueKind::NotDone { word } => word.clone(),
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
    // Approximations read as the number itself.
    ("约", Comparator::Eq),
    ("约为", Comparator::Eq),
    ("大约", Comparator::Eq),
    ("近", Comparator::Eq),
    ("将近", Comparator::Eq),
    ("接近", Comparator::Eq),
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

/// The largest magnitude a value may have (10^15, in its own unit) and the most decimal places: beyond
/// them a value is unparsed, so that every ratio and product in scoring stays far inside `Decimal`.
pub const MAX_MAGNITUDE: i64 = 1_000_000_000_000_000;
pub const MAX_PLACES: u32 = 10;

/// Reads a number at the start of `s`: Arabic (with thousands commas) or Chinese numerals.
/// Returns the number and the rest.
fn leading_number(s: &str) -> Option<(Decimal, &str)> {
    if let Some(m) = ARABIC.find(s) {
        let digits: String = m.as_str().chars().filter(|c| *c != ',').collect();
        // More digits than a Decimal holds: keep it as a number too large (refused by `in_bounds`),
        // never skip it as if it were words.
        let n = Decimal::from_str(&digits).unwrap_or(Decimal::MAX);
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

/// A number with what may stand between it and the unit: a bare 万/亿 (`3.5万` is 35000; 万元, 万人 are
/// units and stay), and 余/多 (`30余人`, `30多人`: more than 30). Returns the number, whether 余/多 was
/// written, and the rest.
fn number_with_multiplier(s: &str) -> Option<(Decimal, bool, &str)> {
    let (mut n, mut rest) = leading_number(s)?;
    loop {
        if known_unit_prefix(rest).is_some_and(|u| u.starts_with(['万', '亿'])) {
            break;
        }
        let factor = if let Some(r) = rest.strip_prefix('万') {
            rest = r;
            Decimal::from(10_000)
        } else if let Some(r) = rest.strip_prefix('亿') {
            rest = r;
            Decimal::from(100_000_000)
        } else {
            break;
        };
        n = n.checked_mul(factor).unwrap_or(Decimal::MAX);
    }
    match rest.strip_prefix(['余', '多']) {
        Some(r) => Some((n, true, r)),
        None => Some((n, false, rest)),
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Whether a number is inside what the language reads (see `MAX_MAGNITUDE`).
fn in_bounds(n: Decimal) -> bool {
    n.abs() < Decimal::from(MAX_MAGNITUDE) && n.normalize().scale() <= MAX_PLACES
}

const OUT_OF_BOUNDS: &str = "数值超出可计算的范围（绝对值应小于 10 的 15 次方，小数不超过 10 位）";

fn is_unit_start(rest: &str) -> bool {
    known_unit_prefix(rest).is_some()
}

/// Chinese numerals: 三, 十二, 两千三百, 一万二千, 三点五 is not supported (rare on forms).
fn chinese_number(s: &str) -> Option<Decimal> {
    // 百分比, 千万, 万一: a numeral word does not start with a power of ten (十二 does, and is 12).
    if s.starts_with(['百', '千', '万', '亿']) {
        return None;
    }
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
    "百分比",
    "百分率",
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

/// Words written for the unit %.
const PERCENT_WORDS: [&str; 2] = ["百分比", "百分率"];

/// Splits what follows a number into its unit and trailing words: `次会议` is the unit 次 and the words
/// 会议, `个村` the unit 村 (个 is only a measure word), `栏` an unknown unit. `None` when what follows
/// is not a unit and a few words (a sentence, or digits).
fn split_unit(after: &str) -> Option<(&str, &str)> {
    if after.is_empty() {
        return Some(("", ""));
    }
    // 百分比 written for % ("≥100百分比").
    for word in PERCENT_WORDS {
        if let Some(words) = after.strip_prefix(word) {
            let short = words.chars().count() <= 12 && !words.chars().any(|c| c.is_ascii_digit());
            return short.then_some(("%", words));
        }
    }
    let sentence_mark = |c: char| c.is_ascii_digit() || "，,。；;、：:（()）".contains(c);
    if let Some(unit) = known_unit_prefix(after) {
        let mut unit = unit;
        let mut words = &after[unit.len()..];
        if unit == "个"
            && let Some(inner) = known_unit_prefix(words)
        {
            unit = &after[..unit.len() + inner.len()];
            words = &after[unit.len()..];
        }
        if words.is_empty() {
            return Some((unit, ""));
        }
        // "2023年完成" is not 2023 years: dates are read elsewhere, in sentences.
        let short_words = words.chars().count() <= 12 && !words.chars().any(sentence_mark);
        return (short_words && !is_date_unit(unit)).then_some((unit, words));
    }
    // An unknown unit is short and has no digits or sentence punctuation.
    (after.chars().count() <= 6 && !after.chars().any(sentence_mark)).then_some((after, ""))
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

/// Bases that measure something (amounts, lengths, rates, durations): 个 counts things, not these.
const MEASURES: &[&str] = &[
    "%",
    "元",
    "米",
    "千克",
    "平方米",
    "平方公里",
    "立方米",
    "公顷",
    "亩",
    "天",
    "工作日",
    "小时",
    "分钟",
    "年",
    "月",
    "周",
    "岁",
    "百分点",
    "分",
];

/// Whether two units measure the same thing (an empty unit matches anything; the measure word 个
/// matches any count: `6个` and `6村`).
pub fn units_compatible(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let (a, b) = (unit_base(a).0, unit_base(b).0);
    a == b
        || (a == "个" && !MEASURES.contains(&b.as_str()))
        || (b == "个" && !MEASURES.contains(&a.as_str()))
}

/// `number` in unit `from` expressed in unit `to`, when the units are compatible. `None` also when
/// the conversion would leave `Decimal`'s range (not with bounded values).
pub fn convert(number: Decimal, from: &str, to: &str) -> Option<Decimal> {
    if from.is_empty() || to.is_empty() {
        return Some(number);
    }
    if !units_compatible(from, to) {
        return None;
    }
    let (_, ff) = unit_base(from);
    let (_, tf) = unit_base(to);
    number.checked_mul(ff)?.checked_div(tf)
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

/// Whether a not-applicable text is a dash (`/`, `—`) rather than words (不适用): against a numeric
/// target a dash is an actual left blank, not a row declared not applicable.
pub fn is_dash(text: &str) -> bool {
    let s = normalize(text);
    !s.is_empty() && s.chars().all(|c| "/／—–-－".contains(c))
}

/// 是 / 有 and 否 as whole answers.
fn boolean_word(s: &str) -> Option<bool> {
    match s.trim_matches(|c: char| "。.，,；;！!".contains(c)) {
        "是" | "有" => Some(true),
        "否" => Some(false),
        _ => None,
    }
}

/// Phrases saying the work did not happen. Checked in sentences, after the numbers' own reading of a
/// whole value: "因故取消" against "2场" is not achieved, whatever number the sentence also names.
const NOT_DONE: &[&str] = &[
    "未开展",
    "未实施",
    "未启动",
    "未开工",
    "未举办",
    "未召开",
    "未组织",
    "未建成",
    "未完成",
    "未能完成",
    "未能开展",
    "未能实施",
    "尚未",
    "取消",
    "延期",
    "推迟",
    "暂停",
    "暂缓",
    "停止实施",
    "终止",
];

/// The earliest not-done phrase in `s` that is not itself negated ("未延期", "无取消" say the opposite);
/// of two starting at the same place, the longer.
fn not_done_word(s: &str) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for word in NOT_DONE {
        for (at, _) in s.match_indices(word) {
            let before = &s[..at];
            let negated = ["未", "无", "不", "没有", "未出现", "未发生", "杜绝", "避免"]
                .iter()
                .any(|n| before.ends_with(n));
            if !negated && best.is_none_or(|(b, w)| at < b || (at == b && word.len() > w.len())) {
                best = Some((at, word));
            }
        }
    }
    best.map(|(_, w)| w)
}

/// A placeholder left from a template (`≥**人`, `××`), or symbols without any letter or digit (`√`).
fn placeholder_or_symbols(s: &str) -> Option<String> {
    if ["**", "××", "XX", "xx", "ＸＸ"]
        .iter()
        .any(|p| s.contains(p))
    {
        return Some("含有模板占位符，不是填写的数值".into());
    }
    if !s.chars().any(char::is_alphanumeric) {
        return Some("只有符号，没有数值或文字".into());
    }
    None
}

/// Short qualitative words, by achievement. Checked as whole texts (after trimming punctuation).
const FAILED_WORDS: &[&str] = &[
    "未达成",
    "未完成",
    "未达到",
    "未达标",
    "不达标",
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
        // Not reached: "因项目尚在建设工期内,未到完工日期" (the work has not got that far).
        "未到",
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

/// What may follow a date: 前, 以前, 内, 止, and the work done by then (完成, 验收 …).
const DATE_TAIL: &str = r"(?:前|以前|之前|内|以内|止|为止)?(?:完成|完工|完毕|办结|结束|验收|实施|兑现|发放|拨付|到位)?(?:任务)?(?:前)?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:截至|截止|截止到|于|在)?(?:(?P<y>(?:19|20)\d{{2}})(?:年度?|(?P<ysep>[-/.])))?(?P<m>\d{{1,2}})(?:月份?|(?P<msep>[-/.])|$)(?:(?P<d>\d{{1,2}})(?:日|号)?)?(?P<end>底|末|份|上旬|中旬|下旬)?{DATE_TAIL}$"
    ))
    .expect("valid regex")
});
/// Deadlines named by a part of the year: 年底前, 2023年底, 第四季度, 上半年 (resolved to its last day).
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:截至|截止|于|在)?(?:当|本)?(?:(?P<y>(?:19|20)\d{{2}})年度?)?(?:(?P<ye>年底|年末|年内|年度内|全年|年度|底|末|内)|第?(?P<q>[一二三四1-4])季度(?:末|内|底)?|(?P<h>[上下])半年(?:末|内|底)?){DATE_TAIL}$"
    ))
    .expect("valid regex")
});
/// A date inside a sentence: "已于2023年11月20日完成", "2023.11.20验收", "11月30日前完成".
static DATE_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?|(?P<y2>(?:19|20)\d{2})(?P<sep>[-/.])(?P<m2>\d{1,2})(?:[-/.](?P<d2>\d{1,2}))?|(?P<m3>\d{1,2})月(?:(?P<d3>\d{1,2})[日号])?")
        .expect("valid regex")
});
/// A part of the year inside a sentence ("于第四季度完成", "年底前完成").
static PERIOD_IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>(?:19|20)\d{2})?年?(?:第?(?P<q>[一二三四1-4])季度|(?P<h>[上下])半年|(?P<ye>年底|年末))")
        .expect("valid regex")
});

fn period_month(q: Option<&str>, h: Option<&str>) -> u32 {
    match (q, h) {
        (Some("一" | "1"), _) => 3,
        (Some("二" | "2"), _) => 6,
        (Some("三" | "3"), _) => 9,
        (_, Some("上")) => 6,
        _ => 12,
    }
}

/// A year alone as a deadline: "2023年", "2023年度内完成" (by the end of that year).
static YEAR_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:截至|截止|于|在)?(?P<y>(?:19|20)\d{{2}})年度?{DATE_TAIL}$"
    ))
    .expect("valid regex")
});

fn parse_period(s: &str) -> Option<DateBound> {
    if let Some(c) = YEAR_ONLY.captures(s) {
        return Some(DateBound {
            year: c["y"].parse().ok(),
            month: 12,
            day: None,
        });
    }
    let c = PERIOD.captures(s)?;
    let year = c.name("y").and_then(|m| m.as_str().parse().ok());
    // 底 / 末 / 内 on their own need a year before them ("2023年底"); 年底 and 全年 do not.
    if c.name("ye")
        .is_some_and(|m| !m.as_str().starts_with(['年', '全']) && year.is_none())
    {
        return None;
    }
    Some(DateBound {
        year,
        month: period_month(
            c.name("q").map(|m| m.as_str()),
            c.name("h").map(|m| m.as_str()),
        ),
        day: None,
    })
}

fn parse_date(s: &str) -> Option<DateBound> {
    if let Some(p) = parse_period(s) {
        return Some(p);
    }
    let c = DATE.captures(s)?;
    // "2023" alone or "12" alone are numbers, not dates: a date needs 月 or a year with a separator;
    // with dots it needs all three parts ("2023.12" and "12.5" are numbers, "2023.10.15" a date).
    if !s.contains('月') && c.name("y").is_none() {
        return None;
    }
    // "2023.12" is December 2023 (a year-month as forms write deadlines); "12.5" and "1000.01" stay numbers.
    let dots = c.name("ysep").is_some_and(|m| m.as_str() == ".")
        || c.name("msep").is_some_and(|m| m.as_str() == ".");
    if dots && c.name("y").is_none() {
        return None;
    }
    let year = c.name("y").and_then(|m| m.as_str().parse().ok());
    let month: u32 = c["m"].parse().ok()?;
    let day: Option<u32> = match c.name("end").map(|m| m.as_str()) {
        Some("上旬") => Some(10),
        Some("中旬") => Some(20),
        _ => c.name("d").and_then(|m| m.as_str().parse().ok()),
    };
    valid_date(year, month, day)
}

fn valid_date(year: Option<i32>, month: u32, day: Option<u32>) -> Option<DateBound> {
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some(d) = day
        && (d == 0 || d > days_in_month(year.unwrap_or(2000), month))
    {
        return None;
    }
    Some(DateBound { year, month, day })
}

fn date_in_text(s: &str) -> Option<DateBound> {
    let c = DATE_IN_TEXT.captures(s)?;
    let year = c
        .name("y")
        .or(c.name("y2"))
        .and_then(|m| m.as_str().parse().ok());
    let month = c
        .name("m")
        .or(c.name("m2"))
        .or(c.name("m3"))?
        .as_str()
        .parse()
        .ok()?;
    let day = c
        .name("d")
        .or(c.name("d2"))
        .or(c.name("d3"))
        .and_then(|m| m.as_str().parse().ok());
    // "2023.12" in a sentence is a number unless a day follows.
    if c.name("sep").is_some_and(|m| m.as_str() == ".") && day.is_none() {
        return None;
    }
    valid_date(year, month, day)
}

fn period_in_text(s: &str) -> Option<DateBound> {
    let c = PERIOD_IN_TEXT.captures(s)?;
    Some(DateBound {
        year: c.name("y").and_then(|m| m.as_str().parse().ok()),
        month: period_month(
            c.name("q").map(|m| m.as_str()),
            c.name("h").map(|m| m.as_str()),
        ),
        day: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Quantities

/// The whole text is one quantity, possibly followed by a few words: `≥95%`, `不少于12种`, `达到90%以上`,
/// `1,600本`, `三场`, `5次会议` (the words 会议 are kept in the text only), `30余人`, `3.5万`.
/// Returns the quantity and the trailing words.
fn parse_quantity(s: &str) -> Result<Option<(Quantity, &str)>, String> {
    let (prefix, after_prefix) = strip_prefix_cmp(s);
    let (suffix, rest) = strip_suffix_cmp(after_prefix);
    // A sign only counts in a whole-text value: in sentences "-" is a dash or a range.
    let (negative, rest) = match rest.strip_prefix(['-', '−']) {
        Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => (true, r),
        _ => (false, rest),
    };
    let Some((number, more, after)) = number_with_multiplier(rest) else {
        // "不超过预算" is a target in words; "≥" or "不低于以上" with nothing after it is not a value.
        let words = rest.chars().any(is_cjk);
        if prefix.is_some()
            && !words
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
    let Some((unit, words)) = split_unit(after) else {
        return Ok(None);
    };
    let number = if negative { -number } else { number };
    // 余/多 says "more than": a lower bound unless a comparator says otherwise.
    let cmp = match (prefix, suffix, more) {
        (None | Some(Comparator::Eq), None, true) => Comparator::Ge,
        _ => combine(prefix, suffix),
    };
    Ok(Some((
        Quantity {
            cmp,
            number,
            unit: unit.to_string(),
        },
        words,
    )))
}

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:控制在|保持在|介于|在)?(?P<lo>-?\d+(?:\.\d+)?)(?P<u1>%|‰)?(?:-|~|至|到|—|–)(?P<hi>-?\d+(?:\.\d+)?)(?P<u2>[^\d~\-—–]{0,6}?)(?:之间|区间|范围内|以内|内)?$")
        .expect("valid regex")
});

/// `85%-90%`, `85~90%`, `85%至90%`, `3-5个工作日`: a range with one unit (the first may be left out).
fn parse_range(s: &str) -> Option<Range> {
    let c = RANGE.captures(s)?;
    let u1 = c.name("u1").map_or("", |m| m.as_str());
    let u2 = c.name("u2").map_or("", |m| m.as_str());
    if !u1.is_empty() && u1 != u2 {
        return None;
    }
    let unit = match split_unit(u2)? {
        (unit, "") => unit,
        _ => return None,
    };
    let (a, b): (Decimal, Decimal) = (c["lo"].parse().ok()?, c["hi"].parse().ok()?);
    Some(Range {
        low: a.min(b),
        high: a.max(b),
        unit: unit.to_string(),
    })
}

/// A number mentioned inside a sentence, with its comparator word and known unit.
#[derive(Debug, Clone)]
struct Mention {
    quantity: Quantity,
    /// Written right after 下降, 降低, 减少 …: a fall, negative when the target is one.
    after_fall_word: bool,
}

const FALL_WORDS: &[&str] = &["下降", "降低", "减少", "压减", "缩减", "降幅"];

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
        // "(1)成立管理组织;(2)…", "1.…", "2、…": the numbers of a list are not values.
        let digits = rest
            .char_indices()
            .find(|(_, ch)| !ch.is_ascii_digit())
            .map_or(rest.len(), |(k, _)| k);
        let list_mark = digits > 0 && {
            let (before, after) = (&s[..i], &rest[digits..]);
            (before.ends_with('(') && after.starts_with(')'))
                || ((before.is_empty() || before.ends_with([';', '；', '。', ',', '，']))
                    && after
                        .strip_prefix(['、', '.'])
                        .is_some_and(|a| !a.starts_with(|ch: char| ch.is_ascii_digit())))
        };
        if list_mark {
            i += digits;
            continue;
        }
        if starts_number
            && !inside
            && let Some((number, more, after)) = number_with_multiplier(rest)
        {
            let arabic = c.is_ascii_digit();
            let unit = match known_unit_prefix(after) {
                Some("个") => {
                    let inner = known_unit_prefix(&after["个".len()..]).unwrap_or("");
                    &after[..("个".len() + inner.len())]
                }
                Some(u) => u,
                None => "",
            };
            // Chinese numerals count only with a unit ("三场"), not in words such as 进一步, 统一.
            if arabic || !unit.is_empty() {
                let after_unit = &after[unit.len()..];
                let (suffix, _) = strip_suffix_cmp_prefix(after_unit);
                let mut before = &s[..i];
                // A minus sign written against the number ("增长率为-3%"), not a range ("85-90").
                let sign = before.strip_suffix(['-', '−']);
                let negative = arabic
                    && sign.is_some_and(|b| !b.ends_with(|p: char| p.is_ascii_digit() || p == '%'));
                if negative {
                    before = sign.unwrap_or(before);
                }
                let prefix = PREFIXES
                    .iter()
                    .filter(|(w, _)| before.ends_with(w))
                    .max_by_key(|(w, _)| w.len())
                    .map(|&(_, c)| c);
                let cmp = match (prefix, suffix, more) {
                    (None | Some(Comparator::Eq), None, true) => Comparator::Ge,
                    _ => combine(prefix, suffix),
                };
                out.push(Mention {
                    quantity: Quantity {
                        cmp,
                        number: if negative { -number } else { number },
                        unit: if PERCENT_WORDS.contains(&unit) {
                            "%"
                        } else {
                            unit
                        }
                        .to_string(),
                    },
                    after_fall_word: FALL_WORDS.iter().any(|w| before.ends_with(w)),
                });
            }
            i = s.len() - after.len();
            continue;
        }
        i += c.len_utf8();
    }
    out
}

/// 以上 / 以内 right after a number in a sentence.
fn strip_suffix_cmp_prefix(s: &str) -> (Option<Comparator>, &str) {
    for &(word, cmp) in SUFFIXES {
        if word != "内"
            && let Some(rest) = s.strip_prefix(word)
        {
            return (cmp, rest);
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
        kind: bounded(parse_kind(text, None)),
        note: None,
    }
}

/// Reads an actual in the light of its target: in a sentence, the number whose unit matches the
/// target's is the actual; against a percentage, a number written without `%` is read as one (a
/// fraction such as 0.98 as 98%), with a note saying so.
pub fn parse_actual(text: &str, target: &Value) -> Value {
    let mut kind = bounded(parse_kind(text, Some(&target.kind)));
    let mut note = None;
    let (target_unit, target_top) = match &target.kind {
        ValueKind::Quantity(q) => (Some(q.unit.as_str()), q.number),
        ValueKind::Range(r) => (Some(r.unit.as_str()), r.high),
        _ => (None, Decimal::ZERO),
    };
    if let (Some("%"), ValueKind::Quantity(q)) = (target_unit, &mut kind)
        && q.unit.is_empty()
    {
        let written = q.number;
        // A share (0.98 of 95%) only where the target's own scale is above 1%: against 0.4% a bare 0.1
        // is on the target's scale, 0.1%.
        if q.number > Decimal::ZERO && q.number <= Decimal::ONE && target_top.abs() > Decimal::ONE {
            q.number = (q.number * Decimal::ONE_HUNDRED).normalize();
        }
        q.unit = "%".into();
        note = Some(format!("未写 %，按 {}% 理解", q.number.normalize()));
        if written != q.number {
            note = Some(format!(
                "未写 %，{} 按 {}% 理解",
                written.normalize(),
                q.number.normalize()
            ));
        }
    }
    Value {
        text: text.to_string(),
        kind,
        note,
    }
}

/// Numbers beyond `MAX_MAGNITUDE` / `MAX_PLACES` are not read.
fn bounded(kind: ValueKind) -> ValueKind {
    let ok = match &kind {
        ValueKind::Quantity(q) => in_bounds(q.number),
        ValueKind::Range(r) => in_bounds(r.low) && in_bounds(r.high),
        _ => true,
    };
    if ok {
        kind
    } else {
        ValueKind::Unparsed {
            reason: OUT_OF_BOUNDS.into(),
        }
    }
}

/// A parenthesised note at the end that holds no digits: `≥98%(百分比)`, `≥12（个）`. Returns the
/// text without it and the note.
fn split_annotation(s: &str) -> (&str, &str) {
    if let Some(body) = s.strip_suffix(')')
        && let Some(open) = body.rfind('(')
    {
        let inner = &body[open + 1..];
        if open > 0 && !inner.chars().any(|c| c.is_ascii_digit() || c == '(') {
            return (&s[..open], inner);
        }
    }
    (s, "")
}

fn parse_kind(text: &str, target: Option<&ValueKind>) -> ValueKind {
    let normalized = normalize(text);
    // Sentence punctuation at the end says nothing ("2020年全年。").
    let s = normalized.trim_end_matches(['。', '；', ';', '，', ',', '、']);
    if s.is_empty() {
        return ValueKind::Empty;
    }
    let (s, annotation) = split_annotation(s);
    let mut kind = parse_text(s, target);
    // The annotation may be the unit the number lacks: "≥12（个）".
    if let ValueKind::Quantity(q) = &mut kind
        && q.unit.is_empty()
        && let Some((unit, "")) = split_unit(annotation)
    {
        q.unit = unit.to_string();
    }
    kind
}

fn parse_text(s: &str, target: Option<&ValueKind>) -> ValueKind {
    if s.is_empty() {
        return ValueKind::Empty;
    }
    if NOT_APPLICABLE.contains(&s) || is_dash(s) {
        return ValueKind::NotApplicable;
    }
    if NIL.contains(&s) {
        return ValueKind::Nil;
    }
    if let Some(yes) = boolean_word(s) {
        return ValueKind::Boolean { yes };
    }
    if let Some(level) = word_level(s) {
        return ValueKind::Qualitative { level };
    }
    if let Some(reason) = placeholder_or_symbols(s) {
        return ValueKind::Unparsed { reason };
    }
    if let Some(date) = parse_date(s) {
        return ValueKind::Deadline(date);
    }
    // ±10%: a tolerance either side of zero.
    if let Some(rest) = s.strip_prefix('±')
        && let Ok(Some((q, ""))) = parse_quantity(rest)
        && q.cmp == Comparator::Eq
        && q.number > Decimal::ZERO
    {
        return ValueKind::Range(Range {
            low: -q.number,
            high: q.number,
            unit: q.unit,
        });
    }
    if let Some(range) = parse_range(s) {
        // "1-12月" is the whole year: done by the end of the last month.
        if range.unit == "月"
            && range.low >= Decimal::ONE
            && range.high <= Decimal::from(12)
            && let Ok(month) = u32::try_from(range.high)
            && Decimal::from(month) == range.high
        {
            return ValueKind::Deadline(DateBound {
                year: None,
                month,
                day: None,
            });
        }
        return ValueKind::Range(range);
    }
    match parse_quantity(s) {
        Ok(Some((q, words))) => {
            if words.is_empty() {
                return ValueKind::Quantity(q);
            }
            if let Some(word) = not_done_word(words) {
                return ValueKind::NotDone { word: word.into() };
            }
            return ValueKind::Quantity(q);
        }
        Err(reason) => return ValueKind::Unparsed { reason },
        Ok(None) => {}
    }
    if target.is_none()
        && let Some(reason) = garbled_target(s)
    {
        return ValueKind::Unparsed { reason };
    }
    sentence(s, target)
}

/// Characters that may stand alone before a number in a target ("共5场", "为100%").
const LONE_PREFIXES: &str = "共计为约近达超均每总各累全满年月日";

/// A target whose number cannot be told apart from what stands before it: a digit inside letters
/// ("M.8万元") or one unexplained character glued to the number ("工5%", a comparator lost in
/// extraction). Sentences ("满意度≥90%") are left to `sentence`.
fn garbled_target(s: &str) -> Option<String> {
    // A letter that looks like a digit standing where the number should be ("第O份").
    for (i, c) in s.char_indices() {
        let next = &s[i + c.len_utf8()..];
        let prev = s[..i].chars().last();
        if "OoIlZS".contains(c)
            && !prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && (next.starts_with(|n: char| n.is_ascii_digit()) || known_unit_prefix(next).is_some())
        {
            return Some(format!("数值位置上是字母“{c}”"));
        }
    }
    let first_digit = s.find(|c: char| c.is_ascii_digit())?;
    let before = &s[..first_digit];
    if before.ends_with(|c: char| c.is_ascii_alphabetic() || c == '.') {
        return Some(format!("数字前的“{before}”无法识别"));
    }
    let mut chars = before.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && is_cjk(c)
        && !LONE_PREFIXES.contains(c)
        && known_unit_prefix(before).is_none()
    {
        return Some(format!("数字前的“{c}”无法识别（可能是比较符）"));
    }
    None
}

fn sentence(s: &str, target: Option<&ValueKind>) -> ValueKind {
    if let Some(word) = not_done_word(s) {
        return ValueKind::NotDone { word: word.into() };
    }
    // Against a deadline, a sentence with a date is that date ("已于2023年11月完成").
    if let Some(ValueKind::Deadline(_)) = target {
        if let Some(d) = date_in_text(s).or_else(|| period_in_text(s)) {
            return ValueKind::Deadline(d);
        }
        // No date: the sentence says whether the work was done in time ("已完成100%").
        return ValueKind::Claim {
            level: sentence_level(s),
        };
    }
    let (target_unit, target_negative) = match target {
        Some(ValueKind::Quantity(q)) => (Some(q.unit.as_str()), q.number.is_sign_negative()),
        Some(ValueKind::Range(r)) => (Some(r.unit.as_str()), r.low.is_sign_negative()),
        _ => (None, false),
    };
    let all = mentions(s);
    let numbers: Vec<&Mention> = all
        .iter()
        .filter(|m| {
            !is_date_unit(&m.quantity.unit) || target_unit.is_some_and(|u| u == m.quantity.unit)
        })
        .collect();
    // "成本下降5%" against "≤-3%": the fall is the negative number.
    let signed = |m: &Mention| {
        let mut q = m.quantity.clone();
        if target_negative && m.after_fall_word && q.number.is_sign_positive() {
            q.number = -q.number;
        }
        ValueKind::Quantity(q)
    };
    if numbers.is_empty() {
        // A target whose only number is a date is a deadline ("2023年12月31日前完成验收",
        // "完成时间为2022年12月30日").
        if target.is_none()
            && let Some(d) = date_in_text(s)
        {
            return ValueKind::Deadline(d);
        }
        return ValueKind::Claim {
            level: sentence_level(s),
        };
    }
    if let Some(unit) = target_unit.filter(|u| !u.is_empty()) {
        // The same unit first, then a compatible one ("篇次" for "篇").
        let exact = numbers.iter().find(|m| m.quantity.unit == unit);
        let compatible = numbers
            .iter()
            .find(|m| !m.quantity.unit.is_empty() && units_compatible(unit, &m.quantity.unit));
        if let Some(m) = exact.or(compatible) {
            return signed(m);
        }
    }
    if numbers.len() == 1 {
        return signed(numbers[0]);
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
