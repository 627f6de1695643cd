//! One form: the labels above and under its table (项目名称, 主管部门, 实施单位, the form-level 偏差原因 /
//! 措施), its amounts checked against each other, the year and the month the data run to, and the
//! indicators of its table.

use std::sync::LazyLock;

use jixiao_core::Code;
use jixiao_core::monitoring::MonitorForm;
use regex::Regex;
use rust_decimal::Decimal;

use super::columns::{Ind, Table};
use super::funds::{Fund, Funds, fund_col, funds_of, money, rate};
use super::labels::{Label, ascii_digits, key, label_in_cell, label_of, name_text, value_right};
use super::table::indicators_of;
use super::{MonitorError, ReadMonitorForm, Reader, Sheet};

/// One form: the rows `upper` above its table, the table and its rows, and the rows `lower` under it.
pub(super) fn read_form(
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
}
