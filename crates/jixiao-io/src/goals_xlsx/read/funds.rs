//! The 项目资金 block above a form's table: the year's total and its sources, read exactly as decimals in
//! 万元 (元 converted where the form says so), with a budget breakdown's 合计 as the last resort. The amount
//! reader and the form's money unit are shared with a department's list.

use jixiao_core::goals::{GoalFundSource, GoalFunds};
use rust_decimal::Decimal;

use super::header::Found;
use super::labels::{Label, clean, is_blank, key, label_of};
use super::{Ctx, GoalsError, Grid};
use crate::import::Origin;

pub(super) use crate::sheet::Amount;

/// The unit a form's amounts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MoneyUnit {
    Wan,
    Yuan,
}

/// An amount in 万元: in the unit written after it (万元, 万, 元), else in the form's `unit`.
pub(super) fn amount(text: &str, unit: MoneyUnit) -> Amount {
    crate::sheet::amount(text, unit == MoneyUnit::Yuan)
}

/// The money unit a form states (`金额单位：元`, `单位：万元`, `项目资金（万元）`): 万元 unless 元 is stated.
/// Also whether the form states a unit at all (a label, a note or an amount written with 万 or 元).
pub(super) fn money_unit(grid: &Grid, rows: std::ops::Range<usize>) -> (MoneyUnit, bool) {
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

/// The 项目资金 block: the year's total (年度 / 当年 over plain over the whole project's) and the sources
/// under it in its column, or beside it on its row.
pub(super) fn read_funds(
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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

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
}
