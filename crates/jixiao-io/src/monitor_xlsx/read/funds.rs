//! The 项目资金 block above a form's table: the amounts' column headers or labels ([`fund_col`]), the funds
//! as read ([`funds_of`]), and how an amount or a rate cell reads, in 万元 (元 converted where the form
//! says so).

use std::str::FromStr;

use jixiao_core::Code;
use rust_decimal::Decimal;

use super::labels::{ascii_digits, is_blank, key, value_right, value_text};
use super::{MonitorError, Reader, Sheet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fund {
    Initial,
    Annual,
    Executed,
    Rate,
    Forecast,
    Deviation,
    Measures,
}

pub(super) fn fund_col(text: &str) -> Option<Fund> {
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

fn amount(text: &str, yuan: bool) -> Amount {
    if is_blank(text) {
        return Amount::Blank;
    }
    match crate::sheet::amount(text, yuan) {
        crate::sheet::Amount::Exact(x) => Amount::Exact(x.normalize()),
        crate::sheet::Amount::Leading(x) => Amount::Leading(x.normalize()),
        crate::sheet::Amount::Bad => Amount::Bad,
    }
}

/// A rate as printed (`28%`, `28`, `0.28`) in percent.
pub(super) fn rate(text: &str) -> Option<Decimal> {
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

/// The funds as read: each amount with where it was (row, column).
#[derive(Default)]
pub(super) struct Funds {
    pub(super) initial: Option<(String, usize, usize)>,
    pub(super) annual: Option<(String, usize, usize)>,
    pub(super) executed: Option<(String, usize, usize)>,
    pub(super) executed_label: Option<String>,
    pub(super) rate: Option<(String, usize, usize)>,
    pub(super) forecast: Option<(String, usize, usize)>,
    pub(super) deviation: Option<String>,
    pub(super) measures: Option<String>,
}

impl Funds {
    pub(super) fn set(&mut self, kind: Fund, text: &str, r: usize, c: usize) {
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
pub(super) fn funds_of(s: &Sheet, upper: std::ops::Range<usize>) -> (Funds, Vec<usize>) {
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

/// An amount cell in 万元: none for a blank; the leading number of `87.57（含结转）` with a finding; an error
/// naming the cell for anything else.
pub(super) fn money(
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

#[cfg(test)]
mod tests {
    use super::*;

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
