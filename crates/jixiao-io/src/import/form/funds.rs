//! The funds block: its column header (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分) and the 年度资金总额
//! and source rows under it, in 万元; the total row is kept as evidence for verification.

use super::{Mode, Reader, State, column_under};
use crate::import::cell::{Cell, Row};
use crate::import::draft::FundsEvidence;
use crate::import::vocab::{self, FundsRow, MoneyUnit, Role};

impl Reader {
    pub(super) fn funds_header(&mut self, row: &Row) -> bool {
        let roles: Vec<(usize, Role, u8)> = row
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.funds_role().map(|(r, p)| (i, r, p)))
            .collect();
        let has_exec = roles.iter().any(|r| r.1 == Role::Executed);
        let has_budget = roles.iter().any(|r| r.1 == Role::Annual);
        if !(has_exec && has_budget) || self.state == State::Indicators {
            return false;
        }
        let best = roles
            .iter()
            .filter(|r| r.1 == Role::Annual)
            .map(|r| r.2)
            .max()
            .unwrap_or(0);
        let mut seen_annual = false;
        self.funds_cols = roles
            .into_iter()
            .filter(|(_, r, p)| {
                if *r == Role::Annual {
                    if *p != best || seen_annual {
                        return false;
                    }
                    seen_annual = true;
                }
                true
            })
            .map(|(i, r, _)| (i, r))
            .collect();
        if let Some(u) = row.iter().find_map(|c| MoneyUnit::stated_in(&c.text)) {
            self.money = u;
            self.money_stated = true;
        }
        self.funds_x = self
            .funds_cols
            .iter()
            .map(|(i, r)| (*i, *r, row[*i].x))
            .collect();
        self.state = State::Funds;
        true
    }

    /// The values of a funds row, by column (positional) or in order (sequential).
    fn funds_values(&self, row: &Row, label_index: usize) -> Vec<(Role, Cell)> {
        let mut out = Vec::new();
        match self.mode {
            Mode::Positional => {
                for (col, role) in &self.funds_cols {
                    if let Some(c) = row.get(*col).filter(|c| !c.is_blank()) {
                        out.push((*role, c.clone()));
                    }
                }
            }
            Mode::Sequential
                if self.funds_x.iter().all(|h| h.2.is_some())
                    && row[label_index + 1..].iter().all(|c| c.x.is_some()) =>
            {
                for c in &row[label_index + 1..] {
                    if let Some(role) = column_under(c.x.expect("checked"), &self.funds_x)
                        && !c.is_blank()
                        && !out.iter().any(|(r, _)| *r == role)
                    {
                        out.push((role, c.clone()));
                    }
                }
            }
            Mode::Sequential => {
                let values: Vec<&Cell> = row[label_index + 1..]
                    .iter()
                    .filter(|c| !vocab::key(&c.text).is_empty())
                    .collect();
                let mut vi = 0;
                for (_, role) in &self.funds_cols {
                    let Some(c) = values.get(vi) else { break };
                    let k = vocab::key(&c.text);
                    if *role == Role::Rate && !k.ends_with('%') && !vocab::is_blank(&k) {
                        continue; // a flattened row lost its empty rate cell: the value belongs to the next column
                    }
                    if !vocab::is_blank(&k) {
                        out.push((*role, (*c).clone()));
                    }
                    vi += 1;
                }
            }
        }
        out
    }

    /// The total row as the document gives it, for verification to check and, in flattened text, to
    /// read again.
    fn funds_evidence(&self, row: &Row, label_index: usize) -> FundsEvidence {
        let positional = self.mode == Mode::Positional;
        let cells = if positional {
            self.funds_cols
                .iter()
                .map(|(col, _)| {
                    row.get(*col)
                        .filter(|c| !c.is_blank())
                        .map(|c| (c.text.clone(), c.origin.clone()))
                        .unwrap_or_default()
                })
                .collect()
        } else {
            row[label_index + 1..]
                .iter()
                .filter(|c| !c.is_blank())
                .map(|c| (c.text.clone(), c.origin.clone()))
                .collect()
        };
        FundsEvidence {
            roles: self.funds_cols.iter().map(|(_, r)| *r).collect(),
            cells,
            positional,
            money: self.money,
            money_stated: self.money_stated,
        }
    }

    pub(super) fn funds_row(&mut self, row: &Row) -> bool {
        let Some((li, label, kind)) = row
            .iter()
            .enumerate()
            .find_map(|(i, c)| vocab::funds_row(&c.text).map(|k| (i, c, k)))
        else {
            return false;
        };
        let values = self.funds_values(row, li);
        let money = |s: &str| vocab::number(s);
        match kind {
            FundsRow::Total => {
                if self.draft.evidence.funds_row.is_none() {
                    self.draft.evidence.funds_row = Some(self.funds_evidence(row, li));
                }
                for (role, c) in values {
                    let o = c.origin.clone();
                    match role {
                        Role::Initial | Role::Annual | Role::Executed => {
                            let Some(x) = money(&c.text) else {
                                self.draft.ambiguous(
                                    funds_path(role),
                                    &o,
                                    format!("金额“{}”不是数字，未导入", c.text.trim()),
                                );
                                continue;
                            };
                            let x = self.money.to_wan(x);
                            let slot = match role {
                                Role::Initial => &mut self.draft.initial,
                                Role::Annual => &mut self.draft.annual,
                                _ => &mut self.draft.executed,
                            };
                            if slot.is_none() {
                                *slot = Some(x);
                                self.draft.at(funds_path(role), &o);
                            }
                        }
                        Role::Weight => {
                            if let Some(x) = money(&c.text) {
                                self.draft.execution_weight = Some(x);
                                self.draft.at("funds.execution_weight", &o);
                            }
                        }
                        Role::Score => {
                            if let Some(x) = money(&c.text) {
                                self.draft.execution_score = Some(x);
                                self.draft.at("funds.self_score", &o);
                            }
                        }
                        Role::Rate if self.draft.evidence.stated_rate.is_none() => {
                            self.draft.evidence.stated_rate = vocab::rate(&c.text);
                        }
                        _ => {}
                    }
                }
            }
            FundsRow::Source(name) => {
                let mut initial = None;
                let mut annual = None;
                let mut executed = None;
                for (role, c) in &values {
                    let x = money(&c.text).map(|x| self.money.to_wan(x));
                    match role {
                        Role::Initial => initial = x,
                        Role::Annual => annual = x,
                        Role::Executed => executed = x,
                        _ => {}
                    }
                }
                if annual.is_some() || executed.is_some() {
                    // A figure the row leaves out is no 0: verification must not add it up.
                    if annual.is_none() || executed.is_none() {
                        self.draft.evidence.partial_sources = true;
                    }
                    let i = self.draft.sources.len();
                    let o = label.origin.clone();
                    self.draft.at(format!("funds.sources[{i}]"), &o);
                    self.draft.sources.push(jixiao_core::FundSource {
                        name,
                        initial,
                        annual: annual.unwrap_or_default(),
                        executed: executed.unwrap_or_default(),
                    });
                }
            }
        }
        true
    }
}

fn funds_path(role: Role) -> &'static str {
    match role {
        Role::Initial => "funds.initial",
        Role::Annual => "funds.annual",
        _ => "funds.executed",
    }
}
