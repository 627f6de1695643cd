//! Verification: a reading checked against the form's own redundant figures.
//!
//! A 自评表 states more than it needs to: the 执行率 beside 全年预算数 and 全年执行数, an execution 得分 that
//! is 分值 × 执行率, level-1 weights that the rows under them add up to, a 总分 that is the sum of the
//! scores. These are the form's check digits. After the form reading, this stage checks the draft
//! against them. Where a flattened funds row disagrees, it tries the other ways the row's cells can sit
//! under its header (a cell missing, a cell too many) and keeps the one that agrees with the most
//! figures, saying so (`import-reread`). Where nothing agrees it keeps the best reading and says which
//! figures disagree (`import-inconsistent`, an error): a doubtful number never passes as a sure one.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Origin;
use super::draft::{Draft, FundsEvidence};
use super::vocab::{self, Role};

/// Checks the draft against the form's figures; may re-read the funds row.
pub fn verify(d: &mut Draft, text: Option<&str>) {
    if let Some(text) = text {
        header_in_text(d, text);
    }
    // The funds row first: the weight and unit checks judge the figures it settles.
    funds(d);
    execution_weight(d);
    money_unit(d);
    indicators(d);
    year(d);
}

/// A name the document does not contain as written was put together by the reader (pieces of wrapped
/// cells on neighbouring lines): say so.
fn header_in_text(d: &mut Draft, text: &str) {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let lines: Vec<String> = text.lines().map(squeeze).collect();
    for (path, value) in [
        ("project.name", d.name.clone()),
        ("project.department", d.department.clone()),
        ("project.implementer", d.implementer.clone()),
    ] {
        let Some(v) = value.filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let v_key = squeeze(&v);
        if !lines.iter().any(|l| l.contains(&v_key)) {
            let origin = d.origin_of(path);
            d.ambiguous(
                path,
                &origin,
                format!("“{v}”在原文的任何一行中都不完整出现，是由相邻几行的文字拼成的，可能混入了其他单元格的字"),
            );
        }
    }
}

/// Budgets of 10 亿元 and more are rare for one project: read in 万元 from a form that states no unit,
/// they are more likely 元.
fn money_unit(d: &mut Draft) {
    let stated = d
        .evidence
        .funds_row
        .as_ref()
        .is_some_and(|f| f.money_stated);
    let large = Decimal::from(100_000);
    if !stated && d.annual.is_some_and(|a| a >= large) {
        let origin = d.origin_of("funds.annual");
        d.ambiguous(
            "funds",
            &origin,
            format!(
                "表中未注明金额单位，按万元读出的全年预算数为 {} 万元，数额很大，可能以元为单位",
                d.annual.unwrap_or_default().normalize()
            ),
        );
    }
}

/// A form that prints no 分值 for budget execution: the weight is what the indicator weights leave of
/// 100 when the table is whole, else the common 10 — either way said, never silently assumed.
fn execution_weight(d: &mut Draft) {
    if d.execution_weight.is_some() || d.is_empty() {
        return;
    }
    let weights: Option<Decimal> = d.indicators.iter().map(|i| i.weight).sum();
    let total = d
        .evidence
        .stated_weight_total
        .unwrap_or(Decimal::ONE_HUNDRED);
    let origin = d.origin_of("funds.annual");
    // Weights that were never printed (a table without 分值) leave nothing to subtract from.
    match weights {
        Some(w)
            if d.truncated.is_none()
                && !d.indicators.is_empty()
                && w > Decimal::ZERO
                && w < total =>
        {
            let rest = total - w;
            d.execution_weight = Some(rest);
            d.ambiguous(
                "funds.execution_weight",
                &origin,
                format!(
                    "表中未见预算执行率的分值，按 {} − 各指标分值合计 {} = {} 取值",
                    total.normalize(),
                    w.normalize(),
                    rest.normalize()
                ),
            );
        }
        _ => d.ambiguous(
            "funds.execution_weight",
            &origin,
            "表中未见预算执行率的分值，按常用的 10 分计".into(),
        ),
    }
}

/// The year read against the other titles of the form.
fn year(d: &mut Draft) {
    if let (Some(y), Some((other, origin))) = (d.year, d.evidence.other_year.clone()) {
        d.inconsistent(
            "project.year",
            &origin,
            format!("表中标题写 {other} 年度，与读取的评价年度 {y} 不一致"),
        );
    }
}

/// One assignment of a funds row's cells to its columns.
#[derive(Debug, Clone, Default, PartialEq)]
struct Reading {
    initial: Option<Decimal>,
    annual: Option<Decimal>,
    executed: Option<Decimal>,
    weight: Option<Decimal>,
    rate: Option<(Decimal, u32)>,
    score: Option<Decimal>,
    /// Cells of the row that this reading leaves out.
    dropped: usize,
}

impl Reading {
    fn set(&mut self, role: Role, text: &str) -> bool {
        if role == Role::Rate {
            // Under a `执行率(%)` header the sign is often left out.
            self.rate = vocab::rate(text).filter(|(r, _)| *r <= Decimal::TWO);
            return self.rate.is_some();
        }
        if is_percent(text) {
            return false;
        }
        let Some(x) = vocab::number(text) else {
            return false;
        };
        let slot = match role {
            Role::Initial => &mut self.initial,
            Role::Annual => &mut self.annual,
            Role::Executed => &mut self.executed,
            Role::Weight => &mut self.weight,
            Role::Score => &mut self.score,
            _ => return false,
        };
        *slot = Some(x);
        true
    }

    /// What this reading says of each column, for messages: `全年预算数 30、全年执行数 29.5`.
    fn describe(&self) -> String {
        let shown = |v: Option<Decimal>| v.map_or("空".to_string(), |x| x.normalize().to_string());
        let rate = self
            .rate
            .map_or("空".to_string(), |(r, p)| format!("{}%", percent(r, p)));
        format!(
            "年初预算数 {}、全年预算数 {}、全年执行数 {}、分值 {}、执行率 {rate}、得分 {}",
            shown(self.initial),
            shown(self.annual),
            shown(self.executed),
            shown(self.weight),
            shown(self.score)
        )
    }
}

fn is_percent(s: &str) -> bool {
    let t = s.trim();
    t.ends_with('%') || t.ends_with('％')
}

fn percent(r: Decimal, places: u32) -> Decimal {
    (r * Decimal::ONE_HUNDRED).round_dp(places).normalize()
}

/// Every order-preserving assignment of the cells to the columns: a column may stay empty (its cell was
/// lost), and at most one cell may be left over (a cell the header does not have).
fn readings(roles: &[Role], cells: &[(String, Origin)]) -> Vec<Reading> {
    fn walk(roles: &[Role], cells: &[(String, Origin)], current: Reading, out: &mut Vec<Reading>) {
        if out.len() > 4096 {
            return;
        }
        match (roles.first(), cells.first()) {
            (_, None) => out.push(current),
            (None, Some(_)) => {
                if current.dropped == 0 && cells.len() == 1 {
                    let mut r = current;
                    r.dropped += 1;
                    out.push(r);
                }
            }
            (Some(role), Some((text, _))) => {
                let mut taken = current.clone();
                if taken.set(*role, text) {
                    walk(&roles[1..], &cells[1..], taken, out);
                }
                // The column's cell was lost.
                walk(&roles[1..], cells, current.clone(), out);
                // The cell belongs to no column.
                if current.dropped == 0 {
                    let mut r = current;
                    r.dropped += 1;
                    walk(roles, &cells[1..], r, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(roles, cells, Reading::default(), &mut out);
    out.dedup();
    out
}

/// The result of checking one reading: the figures that agree and those that do not.
#[derive(Debug, Default)]
struct Agreement {
    agree: Vec<String>,
    disagree: Vec<String>,
}

fn check(r: &Reading, d: &Draft) -> Agreement {
    let mut a = Agreement::default();
    let computed = match (r.annual, r.executed) {
        (Some(b), Some(e)) if !b.is_zero() => Some(e / b),
        _ => None,
    };
    if let (Some(c), Some((stated, places))) = (computed, r.rate) {
        // The form rounds (or truncates) its rate to the places it prints.
        let unit = Decimal::new(1, places);
        let diff = (c * Decimal::ONE_HUNDRED - stated * Decimal::ONE_HUNDRED).abs();
        let capped = stated == Decimal::ONE && c > Decimal::ONE;
        let text = format!(
            "执行率 {}% 与 全年执行数 / 全年预算数 = {} / {} = {}%",
            percent(stated, places),
            r.executed.unwrap_or_default().normalize(),
            r.annual.unwrap_or_default().normalize(),
            percent(c, 2)
        );
        if diff <= unit || capped {
            a.agree.push(format!("{text} 一致"));
        } else {
            a.disagree.push(format!("{text} 不一致"));
        }
    }
    if let (Some(w), Some(s)) = (r.weight, r.score) {
        let rate = computed.or(r.rate.map(|(x, _)| x));
        if let Some(rate) = rate {
            let exact = w * rate.min(Decimal::ONE);
            let ok = execution_scores(exact).contains(&s.normalize())
                || (exact - s).abs() <= Decimal::new(1, 2);
            let text = format!(
                "得分 {} 与 分值 × 执行率 = {} × {}% = {}",
                s.normalize(),
                w.normalize(),
                percent(rate.min(Decimal::ONE), 2),
                exact.round_dp(2).normalize()
            );
            if ok {
                a.agree.push(format!("{text} 一致"));
            } else {
                a.disagree.push(format!("{text} 不一致"));
            }
        }
        if s > w {
            a.disagree
                .push(format!("得分 {} 高于分值 {}", s.normalize(), w.normalize()));
        }
    }
    if let (Some(b), Some(e)) = (r.annual, r.executed) {
        let over_stated = r.rate.is_some_and(|(x, _)| x > Decimal::ONE);
        if e > b && !over_stated {
            a.disagree.push(format!(
                "全年执行数 {} 大于全年预算数 {}",
                e.normalize(),
                b.normalize()
            ));
        }
    }
    if let Some(w) = r.weight {
        let indicator_weights: Decimal = d.indicators.iter().filter_map(|i| i.weight).sum();
        let expected = d
            .evidence
            .stated_weight_total
            .unwrap_or(Decimal::ONE_HUNDRED);
        let complete = d.truncated.is_none()
            && !d.indicators.is_empty()
            && d.indicators.iter().all(|i| i.weight.is_some());
        if w > Decimal::ONE_HUNDRED {
            a.disagree.push(format!("分值 {} 超过 100", w.normalize()));
        } else if complete && w + indicator_weights == expected {
            a.agree.push(format!(
                "分值 {} 加各指标分值 {} 等于 {}",
                w.normalize(),
                indicator_weights.normalize(),
                expected.normalize()
            ));
        }
    }
    let money = d.evidence.money();
    for (label, total, parts) in [
        (
            "全年预算数",
            r.annual,
            d.sources.iter().map(|s| s.annual).collect::<Vec<_>>(),
        ),
        (
            "全年执行数",
            r.executed,
            d.sources.iter().map(|s| s.executed).collect(),
        ),
    ] {
        let (Some(total), false) = (total, parts.is_empty()) else {
            continue;
        };
        // Rows that leave a figure out (read as 0) cannot be added up: unchecked, and said so below.
        if d.evidence.partial_sources {
            continue;
        }
        let sum: Decimal = parts.iter().sum();
        let total = money.to_wan(total);
        if sum == total {
            a.agree.push(format!(
                "资金来源{label}合计 {} 等于年度资金总额",
                sum.normalize()
            ));
        } else {
            a.disagree.push(format!(
                "资金来源{label}合计 {} 不等于年度资金总额的 {}",
                sum.normalize(),
                total.normalize()
            ));
        }
    }
    a
}

/// The execution scores the policies in use give for an exact score: rounded to 2, 1 or 0 places,
/// truncated to 2 or 1 places, or whole points rounded down (the integer variant).
fn execution_scores(exact: Decimal) -> Vec<Decimal> {
    let mut v = Vec::new();
    for places in [2, 1, 0] {
        v.push(
            exact
                .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        );
        v.push(
            exact
                .round_dp_with_strategy(places, RoundingStrategy::ToZero)
                .normalize(),
        );
    }
    v
}

/// The reading the form reader made, in the terms of a [`Reading`].
fn first_reading(d: &Draft) -> Reading {
    // The draft holds amounts in 万元; readings hold them in the row's own unit.
    let money = d.evidence.money();
    let back = |x: Decimal| money.of_wan(x);
    Reading {
        initial: d.initial.map(back),
        annual: d.annual.map(back),
        executed: d.executed.map(back),
        weight: d.execution_weight,
        rate: d.evidence.stated_rate,
        score: d.execution_score,
        dropped: 0,
    }
}

fn same_figures(a: &Reading, b: &Reading) -> bool {
    let norm = |x: Option<Decimal>| x.map(|v| v.normalize());
    norm(a.initial) == norm(b.initial)
        && norm(a.annual) == norm(b.annual)
        && norm(a.executed) == norm(b.executed)
        && norm(a.weight) == norm(b.weight)
        && norm(a.score) == norm(b.score)
        && a.rate.map(|r| r.0.normalize()) == b.rate.map(|r| r.0.normalize())
}

fn funds(d: &mut Draft) {
    // Source rows with no total to add up to, or with figures left out: nothing confirms where their
    // figures sit.
    if !d.sources.is_empty()
        && (d.annual.is_none() || d.executed.is_none() || d.evidence.partial_sources)
    {
        let origin = d.origin_of("funds.sources[0]");
        d.ambiguous(
            "funds.sources",
            &origin,
            "资金来源各行缺少总额或部分数字，无法与年度资金总额核对，各行数字可能没有读在正确的列"
                .into(),
        );
    }
    let Some(ev) = d.evidence.funds_row.clone() else {
        // Figures read some other way (a run-on text, a narrative): checked, not re-read.
        let first = first_reading(d);
        let c = check(&first, d);
        if !c.disagree.is_empty() && !d.evidence.positional {
            d.inconsistent(
                "funds",
                &Origin::default(),
                format!("资金数字相互矛盾：{}", c.disagree.join("；")),
            );
        }
        return;
    };
    let origin = ev.cells.first().map(|c| c.1.clone()).unwrap_or_default();
    let first = first_reading(d);
    let first_check = check(&first, d);
    let row_text = ev
        .cells
        .iter()
        .map(|c| c.0.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // Cells in their columns (a sheet, a Word table) are where the form put them: a disagreement is
    // the form's own, and the evaluation's findings say so. Only a flattened row is read again: the
    // reading with the fewest contradictions, then the most agreements, the first reading on a tie.
    let mut best = (first.clone(), first_check);
    if !ev.positional {
        // A cell left out counts as a contradiction: a reading must not agree by ignoring a figure.
        let rank = |c: &Agreement, r: &Reading| {
            (
                c.disagree.len() + r.dropped,
                std::cmp::Reverse(c.agree.len()),
                r.dropped,
            )
        };
        for r in readings(&ev.roles, &ev.cells) {
            if r.annual.is_none() || r.executed.is_none() {
                continue;
            }
            let c = check(&r, d);
            if rank(&c, &r) < rank(&best.1, &best.0) {
                best = (r, c);
            }
        }
    }
    let (chosen, agreement) = best;
    if !same_figures(&chosen, &first) {
        let why = if agreement.agree.is_empty() {
            "与表中其他数字矛盾更少".to_string()
        } else {
            agreement.agree.join("；")
        };
        let first_check = check(&first, d);
        let against = if first_check.disagree.is_empty() {
            "没有一项能与表中其他数字相互印证".to_string()
        } else {
            first_check.disagree.join("；")
        };
        let msg = format!(
            "资金行“{row_text}”按表头依次读作 {}，但{against}；改读为 {}（{why}）",
            first.describe(),
            chosen.describe()
        );
        apply(d, &chosen, &ev, &origin);
        d.reread("funds", &origin, msg);
    }
    if !agreement.disagree.is_empty() && !ev.positional {
        d.inconsistent(
            "funds",
            &origin,
            format!(
                "资金行“{row_text}”没有一种读法与表中数字一致：{}",
                agreement.disagree.join("；")
            ),
        );
    }
}

fn apply(d: &mut Draft, r: &Reading, ev: &FundsEvidence, origin: &Origin) {
    let wan = |x: Decimal| ev.money.to_wan(x);
    d.initial = r.initial.map(wan);
    d.annual = r.annual.map(wan);
    d.executed = r.executed.map(wan);
    // A row without a 分值 column keeps the weight found elsewhere.
    if ev.roles.contains(&Role::Weight) {
        d.execution_weight = r.weight;
    }
    d.execution_score = r.score;
    d.evidence.stated_rate = r.rate;
    for path in [
        "funds.initial",
        "funds.annual",
        "funds.executed",
        "funds.execution_weight",
        "funds.self_score",
    ] {
        d.at(path, origin);
    }
}

/// The indicator table against its own sums. A flattened table's rows may have lost or gained a cell;
/// sums that do not hold say a row may be misread.
fn indicators(d: &mut Draft) {
    if d.indicators.is_empty() || d.evidence.positional {
        return;
    }
    let mut problems: Vec<(String, Origin, String)> = Vec::new();
    for (i, ind) in d.indicators.iter().enumerate() {
        if let (Some(w), Some(s)) = (ind.weight, ind.self_score)
            && s > w
        {
            problems.push((
                format!("indicators[{i}]"),
                ind.origin.clone(),
                format!(
                    "指标“{}”的得分 {} 高于分值 {}，该行的单元格可能错位",
                    ind.name,
                    s.normalize(),
                    w.normalize()
                ),
            ));
        }
    }
    let complete = d.truncated.is_none();
    let table_origin = d.indicators[0].origin.clone();
    if complete {
        for (level, stated) in d.statement.level_weights.clone() {
            let rows: Vec<&super::draft::DraftIndicator> = d
                .indicators
                .iter()
                .filter(|i| vocab::key(&i.level1) == vocab::key(&level))
                .collect();
            if rows.is_empty() || rows.iter().any(|r| r.weight.is_none()) {
                continue;
            }
            let sum: Decimal = rows.iter().filter_map(|r| r.weight).sum();
            if sum != stated {
                problems.push((
                    "indicators".into(),
                    rows[0].origin.clone(),
                    format!(
                        "“{level}”下各指标分值合计 {}，与表中标明的 {} 不符，可能有行读错",
                        sum.normalize(),
                        stated.normalize()
                    ),
                ));
            }
        }
        let scores: Vec<Option<Decimal>> = std::iter::once(d.execution_score)
            .chain(d.indicators.iter().map(|i| i.self_score))
            .collect();
        if let Some(total) = d.statement.total
            && scores.iter().all(Option::is_some)
        {
            let sum: Decimal = scores.iter().flatten().sum();
            // The form prints its total to the places it shows (99.8 for 99.83).
            let shown =
                sum.round_dp_with_strategy(total.scale(), RoundingStrategy::MidpointAwayFromZero);
            if shown != total && sum != total {
                problems.push((
                    "indicators".into(),
                    table_origin.clone(),
                    format!(
                        "预算执行率得分与各指标得分合计 {}，与表中总分 {} 不符，可能有得分读错",
                        sum.normalize(),
                        total.normalize()
                    ),
                ));
            }
        }
        if let (Some(total), Some(w)) = (d.evidence.stated_weight_total, d.execution_weight)
            && d.indicators.iter().all(|i| i.weight.is_some())
        {
            let sum: Decimal = w + d
                .indicators
                .iter()
                .filter_map(|i| i.weight)
                .sum::<Decimal>();
            if sum != total {
                problems.push((
                    "indicators".into(),
                    table_origin,
                    format!(
                        "预算执行率分值与各指标分值合计 {}，与表中分值合计 {} 不符，可能有分值读错",
                        sum.normalize(),
                        total.normalize()
                    ),
                ));
            }
        }
    }
    for (path, origin, msg) in problems {
        d.inconsistent(path, &origin, msg);
    }
}
