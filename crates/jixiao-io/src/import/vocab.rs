//! The words of the official forms: header labels, column headers, level names, amounts.
//! Columns and fields are recognised by these words, never by their position. Shared by the stages: the
//! layout splits cells before a label, the form reader and verification read by these words.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

/// A label as compared: whitespace removed, full-width brackets and colons folded, `★` and `*` marks dropped.
/// Borrowed when there is nothing to fold (most cells): the importer compares every cell many times.
pub fn key(s: &str) -> Cow<'_, str> {
    let folds = |c: char| {
        c.is_whitespace() || matches!(c, '★' | '☆' | '*' | '＊' | '（' | '）' | '：' | '，' | '％')
    };
    if !s.chars().any(folds) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '★' | '☆' | '*' | '＊'))
            .map(|c| match c {
                '（' => '(',
                '）' => ')',
                '：' => ':',
                '，' => ',',
                '％' => '%',
                c => c,
            })
            .collect(),
    )
}

fn is_cjk_or_fullwidth(c: char) -> bool {
    let u = c as u32;
    !c.is_ascii()
        && !c.is_whitespace()
        && (u >= 0x2E80 || (0x2000..=0x206F).contains(&u) || (0x3000..=0x303F).contains(&u))
}

/// Cell text as the form shows it: the spaces a PDF or web extraction inserts next to Chinese characters and
/// digits are removed, lines are joined; a space between two Latin words or two numbers is kept.
pub fn clean_cell(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let prev = out.chars().last();
            let next = chars.get(j).copied();
            let keep = match (prev, next) {
                (Some(a), Some(b)) => {
                    a.is_ascii_alphabetic() && b.is_ascii_alphanumeric()
                        || a.is_ascii_alphanumeric() && b.is_ascii_alphabetic()
                }
                _ => false,
            };
            let keep = keep && !is_cjk_or_fullwidth(prev.unwrap_or(' '));
            if keep {
                out.push(' ');
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Empty, or a placeholder for "nothing here".
pub fn is_blank(s: &str) -> bool {
    // Every placeholder is at most 7 characters once folded: stop reading a long text there.
    let mut folded = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '★' | '☆' | '*' | '＊'));
    let mut k = [0u8; 28];
    let mut len = 0;
    for c in folded.by_ref().take(7) {
        let c = match c {
            '（' => '(',
            '）' => ')',
            c => c,
        };
        len += c.encode_utf8(&mut k[len..]).len();
    }
    if folded.next().is_some() {
        return false;
    }
    matches!(&k[..len], b"" | b"-" | b"/")
        || matches!(
            std::str::from_utf8(&k[..len]),
            Ok("—" | "／" | "……" | "…" | "——")
        )
}

/// Longer than any label or header word could be (in bytes, with room for spaces between characters): the
/// recognisers below skip such text without folding it.
const LABEL_MAX: usize = 240;

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$").unwrap());

/// An exact decimal from a cell: `14.53`, `1,234.50`, `０.５`; none for blanks and words.
pub fn number(s: &str) -> Option<Decimal> {
    if s.len() > LABEL_MAX {
        return None;
    }
    let k = key(s);
    let k: Cow<str> = if k.chars().any(|c| ('０'..='９').contains(&c) || c == '．') {
        k.chars()
            .map(|c| {
                if ('０'..='９').contains(&c) {
                    char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap()
                } else if c == '．' {
                    '.'
                } else {
                    c
                }
            })
            .collect::<String>()
            .into()
    } else {
        k
    };
    let k = k.trim_end_matches("分").trim_end_matches("万元");
    if !NUMBER.is_match(k) {
        return None;
    }
    Decimal::from_str(&k.replace(',', "")).ok()
}

/// A rate as printed: `99.97%` → (0.9997, 2 printed decimals); `100` (no sign) is read as percent.
pub fn rate(s: &str) -> Option<(Decimal, u32)> {
    let k = key(s);
    let signed = k.ends_with(['%', '％']);
    let x = number(k.trim_end_matches(['%', '％']))?;
    // Without a sign, `0.958` is a fraction (an execution rate of 0.958% is no reading anyone means).
    if !signed && x <= Decimal::TWO && x.scale() >= 2 {
        return Some((x.normalize(), x.scale().saturating_sub(2)));
    }
    Some(((x / Decimal::ONE_HUNDRED).normalize(), x.scale()))
}

/// A weight or score written with its unit or share: `50`, `50分`, `(50分)`, `（50%）`.
pub fn points_in(s: &str) -> Option<Decimal> {
    static P: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\((\d+(?:\.\d+)?)(?:分|%)?\)").unwrap());
    let k = key(s);
    P.captures(&k).and_then(|c| Decimal::from_str(&c[1]).ok())
}

/// The money unit stated in a header: 元 or 万元 (default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    Wan,
    Yuan,
}

impl MoneyUnit {
    /// Reads `(万元)` / `（元）` / `单位：元` from a header text; none when the text names no unit.
    pub fn stated_in(s: &str) -> Option<MoneyUnit> {
        // A title or note of any length may state the unit.
        if !s.contains('元') {
            return None;
        }
        let k = key(s);
        if k.contains("万元") {
            Some(MoneyUnit::Wan)
        } else if k.contains("(元)")
            || k.contains("单位:元")
            || k.ends_with("(元")
            || k.contains("金额(元")
        {
            Some(MoneyUnit::Yuan)
        } else {
            None
        }
    }
    /// Converts an amount in this unit to 万元, exactly.
    pub fn to_wan(self, x: Decimal) -> Decimal {
        match self {
            MoneyUnit::Wan => x,
            MoneyUnit::Yuan => (x / Decimal::from(10_000)).normalize(),
        }
    }

    /// An amount in 万元 back in this unit, exactly.
    pub fn of_wan(self, x: Decimal) -> Decimal {
        match self {
            MoneyUnit::Wan => x,
            MoneyUnit::Yuan => x * Decimal::from(10_000),
        }
    }
}

/// The columns of the indicator table and of the funds table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Level1,
    Level2,
    Name,
    Nature,
    Target,
    Unit,
    Actual,
    Weight,
    Score,
    Review,
    Deviation,
    // funds
    Initial,
    Annual,
    Executed,
    Rate,
}

/// How a header word identifies a column: contained in the header, the whole header, or two words both
/// contained.
#[derive(Clone, Copy)]
enum Word {
    Has(&'static str),
    Is(&'static str),
    Both(&'static str, &'static str),
}

impl Word {
    fn in_header(self, k: &str) -> bool {
        match self {
            Word::Has(w) => k.contains(w),
            Word::Is(w) => k == w,
            Word::Both(a, b) => k.contains(a) && k.contains(b),
        }
    }

    /// A word every header it identifies contains.
    fn needle(self) -> &'static str {
        match self {
            Word::Has(w) | Word::Is(w) | Word::Both(w, _) => w,
        }
    }
}

/// The indicator table's header words, in priority order: the first a header holds gives its column.
const INDICATOR_WORDS: &[(Word, Role)] = {
    use Role::*;
    use Word::*;
    &[
        (Has("一级指标"), Level1),
        (Has("二级指标"), Level2),
        (Has("三级指标"), Name),
        (Is("指标名称"), Name),
        (Has("绩效指标名称"), Name),
        (Is("指标内容"), Name),
        (Has("偏差原因"), Deviation),
        (Has("未完成原因"), Deviation),
        (Has("原因分析"), Deviation),
        (Both("改进措施", "原因"), Deviation),
        (Has("复核"), Review),
        (Has("指标性质"), Nature),
        (Is("指标方向"), Nature),
        (Has("度量单位"), Unit),
        (Has("计量单位"), Unit),
        (Has("实际完成"), Actual),
        (Has("实际值"), Actual),
        (Has("完成值"), Actual),
        (Has("年终完成"), Actual),
        (Has("指标值"), Target),
        (Has("目标值"), Target),
        (Has("预期指标"), Target),
        (Has("得分"), Score),
        (Is("自评分"), Score),
        (Has("分值"), Weight),
        (Is("权重"), Weight),
        (Is("权重(%)"), Weight),
        (Is("分数"), Weight),
    ]
};

/// The indicator-table role of a column header.
pub fn indicator_role(header: &str) -> Option<Role> {
    // One search for all the words first: most cells of a form hold none of them, and trying each word in
    // turn was most of the import's time in a batch.
    static ANY: LazyLock<Regex> = LazyLock::new(|| {
        let words: Vec<String> = INDICATOR_WORDS
            .iter()
            .map(|(w, _)| regex::escape(w.needle()))
            .collect();
        Regex::new(&words.join("|")).expect("literal words")
    });
    if header.len() > LABEL_MAX {
        return None;
    }
    let k = key(header);
    if k.is_empty() || k.len() > 60 || !ANY.is_match(&k) {
        return None;
    }
    first_word(&k, INDICATOR_WORDS)
}

/// The funds-table role of a column header, with the priority of that wording for 全年预算数.
pub fn funds_role(header: &str) -> Option<(Role, u8)> {
    // Every header word below holds one of these characters.
    if header.len() > LABEL_MAX
        || !header
            .chars()
            .any(|c| matches!(c, '执' | '预' | '得' | '分' | '权'))
    {
        return None;
    }
    let k = key(header);
    let k = &*k;
    if k.is_empty() || k.len() > 60 {
        return None;
    }
    first_word(k, FUNDS_WORDS)
}

/// The funds table's header words, in priority order, with the priority of that wording for 全年预算数.
const FUNDS_WORDS: &[(Word, (Role, u8))] = {
    use Role::*;
    use Word::*;
    &[
        (Has("执行率"), (Rate, 0)),
        (Has("执行数"), (Executed, 0)),
        (Has("年初预算"), (Initial, 0)),
        (Has("调整后预算"), (Annual, 4)),
        (Has("全年预算"), (Annual, 3)),
        (Has("年度预算数"), (Annual, 2)),
        (Has("预算数"), (Annual, 1)),
        (Has("得分"), (Score, 0)),
        (Has("分值"), (Weight, 0)),
        (Is("权重"), (Weight, 0)),
    ]
};

/// What the first word of `table` that the folded header `k` holds stands for.
fn first_word<T: Copy>(k: &str, table: &[(Word, T)]) -> Option<T> {
    table.iter().find(|(w, _)| w.in_header(k)).map(|(_, v)| *v)
}

/// The standard 一级指标 a cell names, with a weight when written with it (`产出指标(50分)`).
pub fn level1(cell: &str) -> Option<String> {
    let k = key(cell);
    let base = k.split('(').next().unwrap_or("");
    let name = match base {
        "产出指标" | "产出" => "产出指标",
        "效益指标" | "效益" => "效益指标",
        "满意度指标" | "满意度" => "满意度指标",
        _ => return None,
    };
    Some(name.to_string())
}

/// A 二级指标 cell: 数量指标, 社会效益(指标), 服务对象满意度(指标), 产出数量 …
pub fn level2(cell: &str) -> Option<String> {
    let k = key(cell);
    const WORDS: &[&str] = &[
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
        "服务对象满意度指标",
        "满意度指标",
        "经济效益",
        "社会效益",
        "生态效益",
        "可持续影响",
        "服务对象满意度",
        "产出数量",
        "产出质量",
        "产出时效",
        "产出成本",
        "数量",
        "质量",
        "时效",
        "成本",
    ];
    WORDS.iter().find(|w| k == **w).map(|w| w.to_string())
}

/// The 一级指标 a 二级指标 belongs to on the standard form.
pub fn level1_of_level2(l2: &str) -> Option<&'static str> {
    let k = key(l2);
    if k.contains("满意") {
        Some("满意度指标")
    } else if k.contains("效益") || k.contains("可持续") {
        Some("效益指标")
    } else if ["数量", "质量", "时效", "成本"]
        .iter()
        .any(|w| k.contains(w))
    {
        Some("产出指标")
    } else {
        None
    }
}

/// Header labels of the project block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    Name,
    /// 部门（单位）名称: the name of a department-wide (部门整体) evaluation.
    Unit,
    Department,
    Implementer,
    Level,
    Code,
}

pub fn header_field(cell: &str) -> Option<HeaderField> {
    if cell.len() > LABEL_MAX {
        return None;
    }
    let k = key(cell);
    let k = k.trim_end_matches(':');
    Some(match k {
        "项目名称" | "专项资金名称" | "项目(资金)名称" | "资金名称" => {
            HeaderField::Name
        }
        "主管部门" | "县级主管部门" | "项目主管单位" | "主管单位" | "项目主管部门" => {
            HeaderField::Department
        }
        "实施单位" | "项目实施单位" | "实施单位(盖章)" => HeaderField::Implementer,
        "部门名称"
        | "部门(单位)名称"
        | "单位名称"
        | "预算单位名称"
        | "预算部门名称"
        | "部门(单位)" => HeaderField::Unit,
        "项目级次" => HeaderField::Level,
        "项目编码" | "项目编号" => HeaderField::Code,
        _ => return None,
    })
}

/// A funds row label: the total (`年度资金总额`, `总额`, `合计`) or a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FundsRow {
    Total,
    Source(String),
}

pub fn funds_row(cell: &str) -> Option<FundsRow> {
    if cell.len() > LABEL_MAX {
        return None;
    }
    let k = key(cell);
    let k = k.trim_end_matches(':');
    if matches!(
        k,
        "年度资金总额" | "总额" | "合计" | "资金总额" | "年度财政资金总额"
    ) {
        return Some(FundsRow::Total);
    }
    let name = k
        .strip_prefix("其中:")
        .or_else(|| k.strip_prefix("其中"))
        .unwrap_or(k);
    const SOURCES: &[&str] = &[
        "财政拨款",
        "财政资金",
        "上年结转",
        "财政专户",
        "单位资金",
        "其他资金",
        "预算内拨款",
        "补助",
        "自有资金",
        "债券",
    ];
    // A department-wide form splits its budget by kind of spending instead of by source.
    if matches!(name, "基本支出" | "项目支出" | "人员经费" | "公用经费") {
        return Some(FundsRow::Source(name.to_string()));
    }
    if name.chars().count() <= 20
        && SOURCES.iter().any(|w| name.contains(w))
        && !name.contains("指标")
    {
        return Some(FundsRow::Source(name.to_string()));
    }
    None
}

/// A title or label that names a department-wide self-evaluation: `部门整体支出绩效自评表`.
pub fn names_department_form(s: &str) -> bool {
    s.len() <= LABEL_MAX && {
        let k = key(s);
        k.contains("整体支出绩效") || k.contains("部门整体") && k.contains("自评")
    }
}

/// The 年度 of a form title: `(2022年度)`, `2023年度…自评表`.
pub fn year_in(s: &str) -> Option<i32> {
    static Y: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(19[9]\d|20\d\d)\s*年度").unwrap());
    if !s.contains("年度") {
        return None; // most cells: no regex search
    }
    Y.captures(s).and_then(|c| c[1].parse().ok())
}

/// Labels of the form, as their keys (whitespace removed, brackets folded): what a piece of a label broken over
/// lines is joined up to.
pub const LABELS: &[&str] = &[
    "项目名称",
    "项目级次",
    "主管部门",
    "实施单位",
    "项目资金(万元)",
    "项目资金(元)",
    "年初预算数",
    "年度预算数",
    "全年预算数",
    "年度预算执行数",
    "全年执行数",
    "分值(权重)",
    "分值",
    "预算执行率",
    "执行率",
    "得分",
    "年度资金总额",
    "其中:当年财政拨款",
    "其中:本年财政拨款",
    "当年财政拨款",
    "财政专户管理资金",
    "其他资金",
    "上年结转资金",
    "上年结转",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
];

/// Where a table stood among the paragraphs of a Word document: it ends the narrative section before it.
pub const TABLE_MARK: &str = "\u{1}table";

/// The title of a narrative heading (`一、项目概况`, `（三）存在的问题`), None for other lines.
pub fn heading(line: &str) -> Option<&str> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))\s*(\S.*)$").unwrap()
    });
    HEADING
        .captures(line)
        .map(|c| c.get(1).expect("group").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_blank_and_text_is_not() {
        for s in [
            "", "  ", "-", " — ", "/", "／", "……", "…", "——", "★ - ", "\u{3000}",
        ] {
            assert!(is_blank(s), "{s:?}");
        }
        for s in [
            "0",
            "--",
            "无",
            "——。",
            "1/2",
            "-----------------",
            "完成全年培训任务，参训人员满意度达到 95% 以上",
        ] {
            assert!(!is_blank(s), "{s:?}");
        }
    }

    #[test]
    fn numbers_are_read_exactly_and_long_text_is_not_a_number() {
        assert_eq!(
            number("１４．５３"),
            Some(Decimal::from_str("14.53").unwrap())
        );
        assert_eq!(
            number("1,234.50 万元"),
            Some(Decimal::from_str("1234.50").unwrap())
        );
        assert_eq!(number("10分"), Some(Decimal::from(10)));
        assert_eq!(number(&"1".repeat(300)), None);
        assert_eq!(number("约 10"), None);
    }
}
