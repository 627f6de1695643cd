//! Form reading: rows of cells → one [`Draft`] per form (header block, funds block, goals, indicator table,
//! statement rows, recognised by their words). The draft goes on to verification.
//!
//! Two modes. *Positional*: the cells sit in their columns (Excel, Word; merged cells already filled), so a
//! value is read from the column its header names. *Sequential*: a flattened table lost its empty cells and
//! merged cells (web text, text extraction), so the cells of a row are matched to the header's columns in
//! order, numbers to number columns; when that match is not one to one the row gets `import-ambiguous`.
//!
//! Besides the row reader: the narrative sections of a report ([`narrative`]), and two readers for layouts
//! whose rows cannot be rebuilt: one cell per line with wrapped cells ([`wrapped`]) and cells run together
//! ([`runon`]).

mod funds;
mod goals;
mod header;
mod indicators;
pub(super) mod narrative;
pub(super) mod runon;
mod statement;
pub(super) mod wrapped;

use rust_decimal::Decimal;

use crate::import::Origin;
use crate::import::cell::{Cell, Row};
use crate::import::draft::Draft;
use crate::import::vocab::{self, HeaderField, MoneyUnit, Role};

/// A header column: its index in the header row, its role, and its character columns when positioned.
type HeaderColumn = (usize, Role, Option<(u32, u32)>);

/// The header column a positioned cell sits under: most overlap, else the nearest.
fn column_under(x: (u32, u32), header: &[HeaderColumn]) -> Option<Role> {
    header
        .iter()
        .filter_map(|(_, r, hx)| hx.map(|h| (r, h)))
        .max_by_key(|(_, h)| {
            let overlap = x.1.min(h.1) as i64 - x.0.max(h.0) as i64;
            let centre = ((x.0 + x.1) as i64 - (h.0 + h.1) as i64).abs();
            (overlap.max(0), -centre)
        })
        .map(|(r, _)| *r)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Positional,
    Sequential,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Funds,
    GoalsHeader,
    /// After a positioned goals row: lines under the goal columns continue the two texts.
    GoalsContinued,
    Indicators,
    After,
}

struct Reader {
    mode: Mode,
    draft: Draft,
    state: State,
    money: MoneyUnit,
    money_stated: bool,
    funds_cols: Vec<(usize, Role)>,
    funds_x: Vec<HeaderColumn>,
    goal_cols: Option<(usize, usize)>,
    /// Character columns of 预期目标 and 实际完成情况 in a positioned text.
    goal_x: Option<((u32, u32), (u32, u32))>,
    goals_wrapped_noted: bool,
    ind_cols: Vec<(usize, Role)>,
    ind_x: Vec<HeaderColumn>,
    level1: String,
    level2: String,
    pending_level_weight: Option<(Decimal, Origin)>,
    ended: bool,
    no_weights_noted: bool,
    /// The indicator header was the last row read: the next may continue it (a header over two lines).
    header_open: bool,
}

/// Reads one form (one project) from rows.
pub fn read(rows: &[Row], mode: Mode) -> Draft {
    let mut r = Reader {
        mode,
        draft: Draft::default(),
        state: State::Start,
        money: MoneyUnit::Wan,
        money_stated: false,
        funds_cols: Vec::new(),
        funds_x: Vec::new(),
        goal_cols: None,
        goal_x: None,
        goals_wrapped_noted: false,
        ind_cols: Vec::new(),
        ind_x: Vec::new(),
        level1: String::new(),
        level2: String::new(),
        pending_level_weight: None,
        ended: false,
        no_weights_noted: false,
        header_open: false,
    };
    r.draft.evidence.positional = mode == Mode::Positional;
    for row in rows {
        if row.iter().all(|c| c.is_blank()) {
            continue;
        }
        r.row(row);
    }
    // A flattened excerpt that stops inside the table is cut; a sheet may simply end after its last row.
    if r.state == State::Indicators && !r.ended && mode == Mode::Sequential {
        let origin = rows
            .iter()
            .rev()
            .flat_map(|r| r.last())
            .next()
            .map(|c| c.origin.clone())
            .unwrap_or_default();
        r.draft.truncated = Some((
            origin,
            format!(
                "指标表在此中断（已读取 {} 个指标，未见“总分”“存在问题”等表尾）",
                r.draft.indicators.len()
            ),
        ));
    }
    r.draft
}

/// Splits rows into forms: a new form starts at a 项目名称 row that follows an indicator table.
pub fn split_forms(rows: &[Row]) -> Vec<&[Row]> {
    let mut starts = vec![0];
    let mut seen_table = false;
    for (i, row) in rows.iter().enumerate() {
        let has_name = row.iter().any(|c| {
            matches!(
                c.header_field(),
                Some(HeaderField::Name | HeaderField::Unit)
            )
        });
        let is_ind_header = row.iter().filter(|c| c.indicator_role().is_some()).count() >= 3;
        if has_name && seen_table {
            // The title rows just above (表名, （2023年度）) belong to the new form.
            let mut start = i;
            while start > 0 && i - start < 2 && row_is_title(&rows[start - 1]) {
                start -= 1;
            }
            starts.push(start);
            seen_table = false;
        }
        if is_ind_header {
            seen_table = true;
        }
    }
    starts.push(rows.len());
    starts.dedup();
    starts
        .windows(2)
        .map(|w| &rows[w[0]..w[1]])
        .filter(|s| !s.is_empty())
        .collect()
}

fn row_is_title(row: &Row) -> bool {
    row.iter().any(|c| {
        vocab::key(&c.text).contains("自评表")
            || vocab::year_in(&c.text).is_some() && vocab::key(&c.text).chars().count() <= 12
    })
}

fn first_text(row: &Row) -> Option<&Cell> {
    row.iter().find(|c| !c.is_blank())
}

impl Reader {
    /// A cell's text: verbatim (trimmed) from a real table; extraction spaces removed from flattened text.
    fn clean(&self, s: &str) -> String {
        match self.mode {
            Mode::Positional => s.trim().to_string(),
            Mode::Sequential => vocab::clean_cell(s),
        }
    }

    fn row(&mut self, row: &Row) {
        let first = first_text(row).expect("non-blank row");
        let fk = vocab::key(&first.text);
        // A form title carries the year.
        for c in row {
            if vocab::names_department_form(&c.text) {
                self.draft.kind = jixiao_core::Kind::Department;
            }
            if let Some(y) = vocab::year_in(&c.text)
                && (vocab::key(&c.text).contains("自评")
                    || vocab::key(&c.text).starts_with('(')
                    || vocab::key(&c.text).contains("绩效"))
            {
                match self.draft.year {
                    None => {
                        self.draft.year = Some(y);
                        self.draft.at("project.year", &c.origin);
                    }
                    // Two titles of one form that name different years: one of them is misread.
                    Some(first)
                        if first != y
                            && self.draft.evidence.other_year.is_none()
                            && (vocab::key(&c.text).contains("自评表")
                                || vocab::key(&c.text).starts_with('(')) =>
                    {
                        self.draft.evidence.other_year = Some((y, c.origin.clone()));
                    }
                    Some(_) => {}
                }
            }
            if let Some(u) = MoneyUnit::stated_in(&c.text)
                && !self.money_stated
                && {
                    let k = vocab::key(&c.text);
                    k.contains("资金")
                        || k.contains("预算")
                        || k.starts_with("金额单位")
                        || k.starts_with("单位:")
                        // `（元）` alone: the second line of a wrapped 项目资金（元） label.
                        || self.state != State::Indicators && (k == "(元)" || k == "(万元)")
                }
            {
                self.money = u;
                self.money_stated = true;
            }
        }
        if self.statement_row(row, &fk, first) {
            return;
        }
        if self.header_row(row) {
            return;
        }
        if self.indicator_header(row) {
            return;
        }
        if self.funds_header(row) {
            return;
        }
        if self.goals_header(row) {
            return;
        }
        match self.state {
            State::Funds => {
                if self.funds_row(row) {
                    return;
                }
                self.goals_or_text(row);
            }
            State::GoalsHeader => self.goals_values(row),
            State::GoalsContinued => {
                if !self.goals_continue(row) {
                    self.state = State::After;
                    self.goals_or_text(row);
                }
            }
            State::Indicators => self.indicator_row(row),
            _ => self.goals_or_text(row),
        }
    }
}

/// Instructions of a blank template left in a published form: `…(100字以内)`.
pub fn is_template_instruction(s: &str) -> bool {
    let k = vocab::key(s);
    k.contains("字以内)") || k.starts_with("对照年度目标,说明") || k.starts_with("结合自评情况,")
}
