//! Form reading for a text whose cells were run together without any separator by the publishing site
//! (`项目名称中江县…主管部门中江县水利局…年度资金总额:202010100.00%10…`): hands on one draft when the row
//! reader found no form in it.
//!
//! Labels are still words, so header fields are the text between two labels. Numbers that ran together are
//! split only where one reading is consistent (执行率 = 执行数 / 预算数, 实际 = 指标值 written twice, a
//! source not above the total); that reading is imported with an `import-ambiguous` finding that says so.
//! Anything with no single consistent reading is left out with a finding.

use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use crate::import::draft::{Draft, DraftIndicator};
use crate::import::{Origin, vocab};

/// Labels that end a header value.
const STOPS: &[&str] = &[
    "项目名称",
    "专项资金名称",
    "项目负责人及电话",
    "负责人及电话",
    "项目负责人",
    "主管部门",
    "县级主管部门",
    "实施单位",
    "资金情况",
    "项目资金",
    "全年预算数",
    "年初预算数",
    "年度资金总额",
    "年度总体目标",
    "绩效指标",
    "项目实施单位",
    "项目类别",
    "项目属性",
    "项目类型",
    "预算执行情况",
    "填报日期",
];

fn between<'a>(k: &'a str, label: &str) -> Option<&'a str> {
    let start = k.find(label)? + label.len();
    let rest = &k[start..];
    let end = STOPS
        .iter()
        .filter_map(|s| rest.find(s))
        .min()
        .unwrap_or(rest.len());
    let v = rest[..end].trim_start_matches(':');
    (!v.is_empty()).then_some(v)
}

static MONEY_COLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"年初预算数|全年预算数\(A\)|全年预算数|全年执行数\(B\)|全年执行数|执行率\(B/A\)|执行率|分值|得分").unwrap()
});

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Initial,
    Annual,
    Executed,
    Weight,
    Rate,
    Score,
}

fn dec(s: &str) -> Option<Decimal> {
    if s.is_empty()
        || s.len() > 1 && s.starts_with('0') && !s.starts_with("0.")
        || s.ends_with('.')
        || s.matches('.').count() > 1
    {
        return None;
    }
    Decimal::from_str(s).ok()
}

/// Every way to cut `digits` into `n` decimal numbers.
fn cuts(digits: &str, n: usize) -> Vec<Vec<Decimal>> {
    if n == 0 {
        return if digits.is_empty() {
            vec![vec![]]
        } else {
            vec![]
        };
    }
    let mut out = Vec::new();
    for i in 1..=digits.len() {
        if !digits.is_char_boundary(i) {
            continue;
        }
        if let Some(first) = dec(&digits[..i]) {
            for mut rest in cuts(&digits[i..], n - 1) {
                rest.insert(0, first);
                out.push(rest);
            }
        }
    }
    out
}

/// The readings of a run of numbers under `cols` that keep 执行率 = 执行数 / 预算数 (when there is a rate).
fn readings(run: &str, cols: &[Col]) -> Vec<Vec<(Col, Decimal)>> {
    // Longer runs have too many readings to try (and no form has one): nothing is read from them.
    if run.len() > 40 {
        return Vec::new();
    }
    // Without a percent sign there is no rate in the run.
    let without_rate: Vec<Col>;
    let cols = if run.contains('%') {
        cols
    } else {
        without_rate = cols.iter().copied().filter(|c| *c != Col::Rate).collect();
        &without_rate
    };
    let (before, rate, after) = match (run.find('%'), cols.iter().position(|c| *c == Col::Rate)) {
        (Some(p), Some(ri)) => (&run[..p], Some(ri), &run[p + 1..]),
        _ => (run, None, ""),
    };
    let mut out = Vec::new();
    match rate {
        Some(ri) => {
            let (left, right) = (&cols[..ri], &cols[ri + 1..]);
            // The rate is a suffix of `before`.
            for cut in 0..before.len() {
                let (money, rate_s) = (&before[..cut], &before[cut..]);
                let Some(r) = dec(rate_s) else { continue };
                for l in cuts(money, left.len()) {
                    let get = |c: Col| left.iter().position(|x| *x == c).map(|i| l[i]);
                    let consistent = match (get(Col::Annual), get(Col::Executed)) {
                        (Some(a), Some(b)) if !a.is_zero() => {
                            (b / a * Decimal::ONE_HUNDRED).round_dp(2) == r.round_dp(2)
                        }
                        (Some(_), Some(b)) => b.is_zero() && r.is_zero(),
                        _ => true,
                    };
                    let weight_ok = get(Col::Weight)
                        .is_none_or(|w| w > Decimal::ZERO && w <= Decimal::ONE_HUNDRED);
                    if !consistent || !weight_ok {
                        continue;
                    }
                    for rr in cuts(after, right.len()) {
                        // 得分 = 分值 × 执行率 (within a point: some forms round to integers), and never above 分值.
                        let score = right.iter().position(|x| *x == Col::Score).map(|i| rr[i]);
                        if let (Some(s), Some(w)) = (score, get(Col::Weight)) {
                            let due = w * r.min(Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED;
                            if s > w || (s - due).abs() > Decimal::ONE {
                                continue;
                            }
                        }
                        let mut v: Vec<(Col, Decimal)> =
                            left.iter().copied().zip(l.iter().copied()).collect();
                        v.push((Col::Rate, r));
                        v.extend(right.iter().copied().zip(rr));
                        out.push(v);
                    }
                }
            }
        }
        None => {
            for l in cuts(before, cols.len()) {
                out.push(cols.iter().copied().zip(l).collect());
            }
        }
    }
    out
}

pub fn read(text: &str) -> Draft {
    let mut d = Draft::default();
    let k = vocab::key(text);
    let whole = Origin::line(1);
    for (label, path) in [
        ("项目名称", "project.name"),
        ("专项资金名称", "project.name"),
        ("主管部门", "project.department"),
        ("实施单位", "project.implementer"),
    ] {
        let Some(v) = between(&k, label) else {
            continue;
        };
        let slot = match path {
            "project.name" => &mut d.name,
            "project.department" => &mut d.department,
            _ => &mut d.implementer,
        };
        if slot.is_none() {
            *slot = Some(v.to_string());
            d.at(path, &whole);
            // Where a value ends in text with no separators is a guess.
            d.ambiguous(
                path,
                &whole,
                format!("“{v}”取自连在一起的文字（单元格之间没有分隔），取值的界限不能确定"),
            );
        }
    }
    if let Some(y) = vocab::year_in(&k) {
        d.year = Some(y);
        d.at("project.year", &whole);
    }
    funds(&k, &mut d);
    indicators(&k, &mut d);
    d
}

fn funds(k: &str, d: &mut Draft) {
    static TOTAL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"年度资金总额:?([0-9.%]+)").unwrap());
    let whole = Origin::line(1);
    let Some(c) = TOTAL.captures(k) else { return };
    // The column labels before the total (a label only after it, as in a scrambled text, is not the head).
    let before = &k[..c.get(0).expect("match").start()];
    let head_start = before
        .find("资金情况")
        .or_else(|| before.find("项目资金"))
        .unwrap_or(0);
    let head = &before[head_start..];
    let cols: Vec<Col> = MONEY_COLS
        .find_iter(head)
        .map(|m| match m.as_str() {
            "年初预算数" => Col::Initial,
            s if s.starts_with("全年预算数") => Col::Annual,
            s if s.starts_with("全年执行数") => Col::Executed,
            s if s.starts_with("执行率") => Col::Rate,
            "分值" => Col::Weight,
            _ => Col::Score,
        })
        .collect();
    let run = &c[1];
    let found = readings(run, &cols);
    if found.len() != 1 {
        d.ambiguous(
            "funds",
            &whole,
            format!(
                "年度资金总额一行的数字连在一起（“{run}”），有 {} 种拆分方式，未导入金额",
                found.len()
            ),
        );
        return;
    }
    let reading = &found[0];
    let shown: Vec<String> = reading
        .iter()
        .map(|(c, v)| format!("{}={}", col_label(*c), v))
        .collect();
    d.ambiguous(
        "funds",
        &whole,
        format!(
            "年度资金总额一行的数字连在一起（“{run}”），唯一符合 执行率=执行数/预算数 的拆分为：{}",
            shown.join("，")
        ),
    );
    for (col, v) in reading {
        match col {
            Col::Initial => d.initial = Some(*v),
            Col::Annual => d.annual = Some(*v),
            Col::Executed => d.executed = Some(*v),
            Col::Weight => d.execution_weight = Some(*v),
            Col::Score => d.execution_score = Some(*v),
            Col::Rate => {}
        }
    }
    for p in ["funds.annual", "funds.executed"] {
        d.at(p, &whole);
    }
    // Sources: 其中:本年财政拨款2020 — money columns only, not above the total.
    static SOURCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(其中:)?([^0-9:%]{2,20}?(?:拨款|资金|补助县级资金))([0-9.%]+)").unwrap()
    });
    let money_cols: Vec<Col> = cols
        .iter()
        .copied()
        .filter(|c| matches!(c, Col::Initial | Col::Annual | Col::Executed | Col::Rate))
        .collect();
    let after_total = &k[c.get(0).expect("match").end()..];
    let end = after_total
        .find("年度总体目标")
        .or_else(|| after_total.find("绩效指标"))
        .unwrap_or(after_total.len());
    for s in SOURCE.captures_iter(&after_total[..end]) {
        let name = s[2].to_string();
        let run = &s[3];
        let options: Vec<Vec<(Col, Decimal)>> = readings(run, &money_cols)
            .into_iter()
            .filter(|r| {
                r.iter().all(|(c, v)| match c {
                    Col::Annual => d.annual.is_none_or(|t| *v <= t),
                    Col::Executed => d.executed.is_none_or(|t| *v <= t),
                    _ => true,
                })
            })
            .collect();
        if options.len() != 1 {
            d.ambiguous(
                "funds.sources",
                &whole,
                format!("资金来源“{name}”的数字连在一起（“{run}”），无法唯一拆分，未导入"),
            );
            continue;
        }
        let get = |c: Col| options[0].iter().find(|(x, _)| *x == c).map(|(_, v)| *v);
        d.sources.push(jixiao_core::FundSource {
            name,
            initial: get(Col::Initial),
            annual: get(Col::Annual).unwrap_or_default(),
            executed: get(Col::Executed).unwrap_or_default(),
        });
    }
}

fn col_label(c: Col) -> &'static str {
    match c {
        Col::Initial => "年初预算数",
        Col::Annual => "全年预算数",
        Col::Executed => "全年执行数",
        Col::Weight => "分值",
        Col::Rate => "执行率",
        Col::Score => "得分",
    }
}

/// Indicator rows in the order 三级指标 分值 指标值 实际值 得分, where 实际值 repeats 指标值 (`10≥266米≥266米10`).
fn indicators(k: &str, d: &mut Draft) {
    let whole = Origin::line(1);
    let Some(h) = k.find("三级指标") else {
        return;
    };
    let header_end = ["改进措施", "未完成原因", "偏差原因分析", "得分"]
        .iter()
        .filter_map(|w| k[h..].find(w).map(|p| h + p + w.len()))
        .max()
        .unwrap_or(h);
    let header = &k[h..header_end];
    let order: Vec<&str> = ["分值", "指标值", "实际值", "完成值", "得分"]
        .into_iter()
        .filter(|w| header.contains(w))
        .collect();
    let weighted = order.first() == Some(&"分值") && order.last() == Some(&"得分");
    let end = ["总分", "注:"]
        .iter()
        .filter_map(|w| k[header_end..].find(w).map(|p| header_end + p))
        .min()
        .unwrap_or(k.len());
    if !weighted {
        d.incomplete(
            "indicators",
            &whole,
            "指标表的单元格连在一起，且没有分值列可供拆分，未导入指标".into(),
        );
        return;
    }
    let body = &k[header_end..end];
    static LEVEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(产出指标|效益指标|满意度指标)(?:\((\d+)分\))?|(服务对象满意度指标|可持续影响指标|经济效益指标|社会效益指标|生态效益指标|数量指标|质量指标|时效指标|成本指标)").unwrap()
    });
    let (mut level1, mut level2) = (String::new(), String::new());
    let mut last = 0;
    let mut segments: Vec<(String, String, &str)> = Vec::new();
    for m in LEVEL.captures_iter(body) {
        let whole_m = m.get(0).expect("match");
        if whole_m.start() > last {
            segments.push((level1.clone(), level2.clone(), &body[last..whole_m.start()]));
        }
        if let Some(l1) = m.get(1) {
            level1 = l1.as_str().to_string();
            level2.clear();
            if let Some(w) = m.get(2).and_then(|w| w.as_str().parse().ok()) {
                d.statement.level_weights.insert(level1.clone(), w);
            }
        } else if let Some(l2) = m.get(3) {
            level2 = l2.as_str().to_string();
        }
        last = whole_m.end();
    }
    segments.push((level1, level2, &body[last..]));
    for (l1, l2, seg) in segments {
        let seg = seg.trim_matches('…');
        if seg.is_empty() {
            continue;
        }
        for row in split_rows(seg) {
            let i = d.indicators.len();
            match row {
                Ok((name, weight, value, score)) => {
                    d.ambiguous(
                        format!("indicators[{i}]"),
                        &whole,
                        format!("单元格连在一起，按 分值 {weight}、指标值与实际值均为“{value}”、得分 {score} 拆分指标“{name}”"),
                    );
                    d.indicators.push(DraftIndicator {
                        level1: l1.clone(),
                        level2: l2.clone(),
                        name,
                        target: value.clone(),
                        actual: value,
                        weight: Some(weight),
                        self_score: Some(score),
                        origin: whole.clone(),
                        ..Default::default()
                    });
                }
                Err(rest) => d.ambiguous("indicators", &whole, format!("无法拆分“{rest}”，未导入")),
            }
        }
    }
}

type RunOnRow = (String, Decimal, String, Decimal);

/// Rows `名称 分值 X X 得分` one after the other; a row whose value is not written twice cannot be split.
fn split_rows(seg: &str) -> Vec<Result<RunOnRow, String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = seg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // Name: up to the first digit.
        let name_end = (i..chars.len())
            .find(|&j| chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        let name: String = chars[i..name_end].iter().collect();
        let mut found = None;
        // Weight W, then X X, then score S; the next row starts with a non-digit (or the end).
        'w: for wl in 1..=3 {
            let w: String = chars[name_end..(name_end + wl).min(chars.len())]
                .iter()
                .collect();
            let Some(weight) = dec(&w).filter(|_| name_end + wl <= chars.len()) else {
                continue;
            };
            let rest = name_end + wl;
            for xl in 1..=(chars.len().saturating_sub(rest)) / 2 {
                let x: String = chars[rest..rest + xl].iter().collect();
                let y: String = chars
                    [(rest + xl).min(chars.len())..(rest + 2 * xl).min(chars.len())]
                    .iter()
                    .collect();
                if x != y {
                    continue;
                }
                let s_start = rest + 2 * xl;
                let s_end = (s_start..chars.len())
                    .find(|&j| !(chars[j].is_ascii_digit() || chars[j] == '.'))
                    .unwrap_or(chars.len());
                let s: String = chars[s_start..s_end].iter().collect();
                if let Some(score) = dec(&s).filter(|sc| *sc <= weight) {
                    found = Some(((name.clone(), weight, x, score), s_end));
                    break 'w;
                }
            }
        }
        match found {
            Some((row, next)) if !name.is_empty() => {
                out.push(Ok(row));
                i = next;
            }
            _ => {
                out.push(Err(chars[i..].iter().collect()));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_only_consistent_reading_of_run_together_funds() {
        let cols = [
            Col::Annual,
            Col::Executed,
            Col::Weight,
            Col::Rate,
            Col::Score,
        ];
        let r = readings("202010100.00%10", &cols);
        assert_eq!(r.len(), 1, "{r:?}");
        let v: Vec<String> = r[0].iter().map(|(_, x)| x.to_string()).collect();
        assert_eq!(v, ["20", "20", "10", "100.00", "10"]);
        // 194.9194.9100%: 预算数, 执行数, 执行率.
        let r = readings("194.9194.9100%", &[Col::Annual, Col::Executed, Col::Rate]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0][0].1, "194.9".parse::<Decimal>().unwrap());
        // Two numbers and nothing to tell them apart: several readings, so nothing is imported.
        assert!(readings("2020", &[Col::Annual, Col::Executed]).len() > 1);
        // A pathological run is refused at once, not tried.
        assert!(
            readings(
                &"1".repeat(400),
                &[
                    Col::Annual,
                    Col::Executed,
                    Col::Weight,
                    Col::Rate,
                    Col::Score
                ]
            )
            .is_empty()
        );
    }

    #[test]
    fn rows_whose_value_is_written_twice_split_once() {
        let rows = split_rows("安装坡面水标尺10≥266米≥266米10项目计划总投资1020万元20万元10");
        let ok: Vec<RunOnRow> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            ok[0],
            (
                "安装坡面水标尺".into(),
                Decimal::TEN,
                "≥266米".into(),
                Decimal::TEN
            )
        );
        assert_eq!(
            ok[1],
            (
                "项目计划总投资".into(),
                Decimal::TEN,
                "20万元".into(),
                Decimal::TEN
            )
        );
        assert!(
            split_rows("受益人口数1090人95人10")[0].is_err(),
            "target and actual differ: no single split"
        );
    }
}
