//! The form as rows of cells (an Excel sheet, a Word table, a flattened web table): header block, funds
//! block, goals, indicator table and statement rows, recognised by their words.
//!
//! Two modes. *Positional*: the cells sit in their columns (Excel, Word; merged cells already filled), so a
//! value is read from the column its header names. *Sequential*: a flattened table lost its empty cells and
//! merged cells (web text, text extraction), so the cells of a row are matched to the header's columns in
//! order, numbers to number columns; when that match is not one to one the row gets `import-ambiguous`.

use std::cell::OnceCell;

use rust_decimal::Decimal;

pub(super) mod runon;
pub(super) mod wrapped;

use crate::import::Origin;
use crate::import::draft::{Draft, DraftIndicator, FundsEvidence};
use crate::import::vocab::{self, FundsRow, HeaderField, MoneyUnit, Role};

#[derive(Debug, Clone)]
pub struct Cell {
    /// Never changed after construction: `memo` is worked out from it.
    pub text: String,
    pub origin: Origin,
    /// Character columns in a `pdftotext -layout` line, to place the cell under its header.
    pub x: Option<(u32, u32)>,
    memo: OnceCell<Memo>,
}

/// What the reader asks of a cell several times per row (blank? which header word?), worked out once:
/// asking again for every row and every kind of header was most of a batch's xlsx import time.
#[derive(Debug, Clone, Copy)]
struct Memo {
    blank: bool,
    header: Option<HeaderField>,
    indicator: Option<Role>,
    funds: Option<(Role, u8)>,
}

impl Cell {
    pub fn new(text: String, origin: Origin, x: Option<(u32, u32)>) -> Cell {
        Cell {
            text,
            origin,
            x,
            memo: OnceCell::new(),
        }
    }

    fn memo(&self) -> &Memo {
        self.memo.get_or_init(|| {
            // Folded once: the recognisers fold again, which is a scan without copying once folded.
            let k = vocab::key(&self.text);
            if vocab::is_blank(&k) {
                return Memo {
                    blank: true,
                    header: None,
                    indicator: None,
                    funds: None,
                };
            }
            Memo {
                blank: false,
                header: vocab::header_field(&k),
                indicator: vocab::indicator_role(&k),
                funds: vocab::funds_role(&k),
            }
        })
    }

    /// Empty or a placeholder (`-`, `/`, `——`): [`vocab::is_blank`].
    pub fn is_blank(&self) -> bool {
        self.memo().blank
    }

    pub fn header_field(&self) -> Option<HeaderField> {
        self.memo().header
    }

    pub fn indicator_role(&self) -> Option<Role> {
        self.memo().indicator
    }

    pub fn funds_role(&self) -> Option<(Role, u8)> {
        self.memo().funds
    }
}

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

pub type Row = Vec<Cell>;

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
}

/// Reads one form (one project) from rows. Returns the draft and whether anything was recognised.
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
                && (vocab::key(&c.text).contains("资金") || vocab::key(&c.text).contains("预算"))
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

    fn header_row(&mut self, row: &Row) -> bool {
        let mut any = false;
        let cells: Vec<&Cell> = row.iter().filter(|c| !c.is_blank()).collect();
        let mut i = 0;
        while i < cells.len() {
            if let Some(field) = cells[i].header_field() {
                any = true;
                let value = cells.get(i + 1).filter(|c| {
                    c.header_field().is_none() && !is_other_label(&c.text) && !c.is_blank()
                });
                if let Some(v) = value {
                    let path = match field {
                        HeaderField::Name | HeaderField::Unit => "project.name",
                        HeaderField::Department => "project.department",
                        HeaderField::Implementer => "project.implementer",
                        HeaderField::Level => "project.level",
                        HeaderField::Code => "project.code",
                    };
                    let mut text = self.clean(&v.text);
                    // A flattened text split the value at its spaces: the pieces up to the next label
                    // are one value, but where it ends is not certain.
                    let mut taken = 1;
                    if self.mode == Mode::Sequential {
                        while let Some(more) = cells.get(i + 1 + taken).filter(|c| {
                            c.header_field().is_none()
                                && !is_other_label(&c.text)
                                && vocab::funds_row(&c.text).is_none()
                                && c.indicator_role().is_none()
                        }) {
                            text.push(' ');
                            text.push_str(&self.clean(&more.text));
                            taken += 1;
                        }
                        if taken > 1 {
                            self.draft.ambiguous(
                                path,
                                &v.origin,
                                format!("“{text}”由 {taken} 段文字连成，取值的界限不能确定"),
                            );
                        }
                    }
                    if let Some(why) = suspicious_header_value(&text) {
                        self.draft.ambiguous(path, &v.origin, why);
                    }
                    if field == HeaderField::Unit {
                        self.draft.kind = jixiao_core::Kind::Department;
                    }
                    let (slot, path) = match field {
                        HeaderField::Name | HeaderField::Unit => {
                            (&mut self.draft.name, "project.name")
                        }
                        HeaderField::Department => {
                            (&mut self.draft.department, "project.department")
                        }
                        HeaderField::Implementer => {
                            (&mut self.draft.implementer, "project.implementer")
                        }
                        HeaderField::Level => (&mut self.draft.level, "project.level"),
                        HeaderField::Code => (&mut self.draft.code, "project.code"),
                    };
                    let (text, code) = if field == HeaderField::Name {
                        split_code(&text)
                    } else {
                        (text, None)
                    };
                    if Draft::set_text(slot, text) {
                        let o = v.origin.clone();
                        self.draft.at(path, &o);
                        if let Some(code) = code
                            && self.draft.code.is_none()
                        {
                            self.draft.code = Some(code);
                            self.draft.at("project.code", &o);
                        }
                    }
                    i += 1 + taken;
                    continue;
                }
            }
            i += 1;
        }
        any
    }

    fn funds_header(&mut self, row: &Row) -> bool {
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
        }
    }

    fn funds_row(&mut self, row: &Row) -> bool {
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
                        Role::Rate => {
                            if self.draft.evidence.stated_rate.is_none() {
                                self.draft.evidence.stated_rate = vocab::rate(&c.text);
                            }
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

    fn goals_header(&mut self, row: &Row) -> bool {
        if self.state == State::Indicators {
            return false;
        }
        let exp = row.iter().position(|c| is_expected_goal(&c.text));
        let act = row.iter().position(|c| is_actual_goal(&c.text));
        let (Some(e), Some(a)) = (exp, act) else {
            return false;
        };
        self.goal_cols = Some((e, a));
        if let (Some(ex), Some(ax)) = (row[e].x, row[a].x) {
            self.goal_x = Some((ex, ax));
        }
        // Values on the same row after the labels (flattened text).
        let rest: Vec<&Cell> = row[a + 1..]
            .iter()
            .filter(|c| !c.is_blank() && !is_goal_label(&c.text))
            .collect();
        if rest.len() >= 2 && self.mode == Mode::Sequential {
            self.set_goals(rest[0], rest[1]);
            if rest.len() > 2 {
                self.goals_split_unsure(rest[0], rest.len());
            }
            self.state = State::After;
        } else {
            self.state = State::GoalsHeader;
        }
        true
    }

    /// Cell text, with a blank template's instructions treated as not filled in (and said so).
    fn filled(&mut self, c: &Cell, path: &str) -> String {
        let t = self.clean(&c.text);
        if is_template_instruction(&t) {
            self.draft.incomplete(
                path.to_string(),
                &c.origin,
                format!("“{t}”是模板说明文字，未填写，按空白导入"),
            );
            String::new()
        } else {
            t
        }
    }

    fn set_goals(&mut self, e: &Cell, a: &Cell) {
        self.draft.goals.expected = self.filled(e, "goals.expected");
        self.draft.goals.actual = self.filled(a, "goals.actual");
        self.draft.at("goals.expected", &e.origin);
        self.draft.at("goals.actual", &a.origin);
    }

    /// The goal texts were cut from more pieces than the two columns: where one ends is a guess.
    fn goals_split_unsure(&mut self, first: &Cell, pieces: usize) {
        self.draft.ambiguous(
            "goals",
            &first.origin,
            format!(
                "绩效目标一行有 {pieces} 段文字，只有“预期目标”“实际完成情况”两栏，两段目标的分界不能确定"
            ),
        );
    }

    /// A line of a positioned text under the goal columns: each piece goes to the column it sits under.
    fn goals_continue(&mut self, row: &Row) -> bool {
        let Some((ex, ax)) = self.goal_x else {
            return false;
        };
        let cells: Vec<&Cell> = row.iter().filter(|c| !c.is_blank()).collect();
        let is_text = |c: &&Cell| {
            c.x.is_some()
                && c.indicator_role().is_none()
                && c.funds_role().is_none()
                && c.header_field().is_none()
                && vocab::level1(&c.text).is_none()
                && vocab::level2(&c.text).is_none()
        };
        if cells.is_empty() || !cells.iter().all(is_text) {
            return false;
        }
        // Text left of the 预期目标 column is the wrapped row label (年度总体目标), not a goal.
        let label = (0, ex.0.saturating_sub(1));
        let header: [HeaderColumn; 3] = [
            (0, Role::Level1, Some(label)),
            (1, Role::Target, Some(ex)),
            (2, Role::Actual, Some(ax)),
        ];
        for c in cells {
            let text = vocab::clean_cell(&c.text);
            match column_under(c.x.expect("checked"), &header) {
                Some(Role::Target) => self.draft.goals.expected.push_str(&text),
                Some(Role::Actual) => self.draft.goals.actual.push_str(&text),
                _ => {}
            }
        }
        if !self.goals_wrapped_noted {
            self.goals_wrapped_noted = true;
            let o = row[0].origin.clone();
            self.draft.ambiguous(
                "goals",
                &o,
                "绩效目标是跨行折断的长段落，已按文字所在的栏拼接；栏距很近时两栏的文字可能互相混入，请对照原件核对"
                    .into(),
            );
        }
        true
    }

    fn goals_values(&mut self, row: &Row) {
        let (e, a) = self.goal_cols.unwrap_or((0, 1));
        match self.mode {
            Mode::Positional => {
                if let (Some(ec), Some(ac)) = (row.get(e), row.get(a)) {
                    let (ec, ac) = (ec.clone(), ac.clone());
                    self.set_goals(&ec, &ac);
                }
            }
            Mode::Sequential if self.goal_x.is_some() && row.iter().all(|c| c.x.is_some()) => {
                // Cells placed by their character columns; the lines after may continue them.
                self.draft.goals = Default::default();
                self.state = State::GoalsContinued;
                if !self.goals_continue(row) {
                    self.state = State::After;
                    return;
                }
                let o = row[0].origin.clone();
                self.draft.at("goals.expected", &o);
                self.draft.at("goals.actual", &o);
                return;
            }
            Mode::Sequential => {
                // The row label (年度总体目标, 绩效目标) is no goal.
                let cells: Vec<Cell> = row
                    .iter()
                    .filter(|c| !c.is_blank() && !is_goal_label(&c.text))
                    .cloned()
                    .collect();
                if cells.len() > 2 {
                    self.goals_split_unsure(&cells[0], cells.len());
                }
                match cells.as_slice() {
                    [x, y, ..] => self.set_goals(x, y),
                    [x] => {
                        self.draft.goals.expected = vocab::clean_cell(&x.text);
                        self.draft.at("goals.expected", &x.origin);
                        self.draft.ambiguous(
                            "goals.actual",
                            &x.origin,
                            "绩效目标一行只有一个单元格，已作为年度预期目标导入".into(),
                        );
                    }
                    [] => {}
                }
            }
        }
        self.state = State::After;
    }

    fn goals_or_text(&mut self, row: &Row) {
        // 2.项目实施内容及过程概述 | text  (Sichuan)
        let cells: Vec<&Cell> = row.iter().filter(|c| !c.is_blank()).collect();
        if let [label, value, ..] = cells.as_slice()
            && vocab::key(&label.text).contains("实施内容")
        {
            self.draft.report.implementation = vocab::clean_cell(&value.text);
            self.draft.at("report.implementation", &value.origin);
        }
    }

    fn indicator_header(&mut self, row: &Row) -> bool {
        let roles: Vec<(usize, Role)> = row
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.indicator_role().map(|r| (i, r)))
            .collect();
        let has = |r: Role| roles.iter().any(|x| x.1 == r);
        if roles.len() < 3 || !(has(Role::Name) && (has(Role::Target) || has(Role::Actual))) {
            return false;
        }
        let has_weight = has(Role::Weight);
        let mut seen = Vec::new();
        let header_row = row.clone();
        self.ind_cols = roles
            .into_iter()
            .filter(|(_, r)| {
                if seen.contains(r) {
                    false
                } else {
                    seen.push(*r);
                    true
                }
            })
            .collect();
        self.ind_x = self
            .ind_cols
            .iter()
            .map(|(i, r)| (*i, *r, header_row[*i].x))
            .collect();
        self.state = State::Indicators;
        self.ended = false;
        self.level1.clear();
        self.level2.clear();
        // The first cell may also carry the table's weight, e.g. 绩效指标(90分).
        if !has_weight && !self.no_weights_noted {
            self.no_weights_noted = true;
            let o = row[0].origin.clone();
            self.draft.incomplete(
                "indicators",
                &o,
                "此表没有分值和得分列，各指标分值按 0 导入".into(),
            );
        }
        true
    }

    fn statement_row(&mut self, row: &Row, fk: &str, first: &Cell) -> bool {
        // Merged cells repeat their value across the range: keep each value once, and not the label again.
        let mut cells: Vec<&Cell> = Vec::new();
        for c in row.iter().filter(|c| !c.is_blank()) {
            let repeat = cells
                .last()
                .is_some_and(|p| p.text == c.text && vocab::number(&c.text).is_none())
                || cells.len() == 1 && vocab::key(&c.text) == fk;
            if !repeat || self.mode == Mode::Sequential {
                cells.push(c);
            }
        }
        let label = fk.trim_end_matches(':');
        let rest_text = || {
            let t = cells
                .iter()
                .skip(1)
                .map(|c| vocab::clean_cell(&c.text))
                .collect::<Vec<_>>()
                .join("");
            if is_template_instruction(&t) {
                None
            } else {
                Some(t)
            }
        };
        let template_note = |d: &mut Draft, path: &str| {
            let t = cells
                .iter()
                .skip(1)
                .map(|c| vocab::clean_cell(&c.text))
                .collect::<Vec<_>>()
                .join("");
            let o = cells
                .get(1)
                .map(|c| c.origin.clone())
                .unwrap_or_else(|| first.origin.clone());
            d.incomplete(
                path.to_string(),
                &o,
                format!("“{t}”是模板说明文字，未填写，按空白导入"),
            );
        };
        let rest_origin = || {
            cells
                .get(1)
                .map(|c| c.origin.clone())
                .unwrap_or_else(|| first.origin.clone())
        };
        match label {
            "存在问题" | "存在的问题" | "主要问题" => {
                self.ended = true;
                let o = rest_origin();
                match rest_text() {
                    Some(t) => {
                        self.draft.statement.problems = Some(t);
                        self.draft.at("statement.problems", &o);
                    }
                    None => template_note(&mut self.draft, "statement.problems"),
                }
            }
            "改进措施" | "改进意见" | "下一步改进措施" => {
                self.ended = true;
                let o = rest_origin();
                match rest_text() {
                    Some(t) => {
                        self.draft.statement.measures = Some(t);
                        self.draft.at("statement.measures", &o);
                    }
                    None => template_note(&mut self.draft, "statement.measures"),
                }
            }
            "总分" | "自评总分" | "合计" => {
                if self.state != State::Indicators && label == "合计" {
                    return false; // a funds total row
                }
                self.ended = true;
                let nums: Vec<(&Cell, Decimal)> = cells
                    .iter()
                    .skip(1)
                    .filter_map(|c| vocab::number(&c.text).map(|n| (*c, n)))
                    .collect();
                // In a real table the 得分 column says which number is the stated total.
                let score_col = self
                    .ind_cols
                    .iter()
                    .find(|x| x.1 == Role::Score)
                    .map(|x| x.0);
                let by_column = match (self.mode, score_col) {
                    (Mode::Positional, Some(col)) => Some(
                        row.get(col)
                            .and_then(|c| vocab::number(&c.text).map(|n| (c, n))),
                    ),
                    _ => None,
                };
                let stated = match (label, nums.as_slice()) {
                    _ if by_column.is_some() => by_column.flatten(),
                    ("合计", [_, (c, s)]) => Some((*c, *s)),
                    ("合计", _) => None,
                    (_, [(c, s)]) => Some((*c, *s)),
                    (_, [_, (c, s)]) => Some((*c, *s)),
                    _ => None,
                };
                // The number before the stated total is the 分值 column's sum (`总分 100 95.5`).
                let weight_col = self
                    .ind_cols
                    .iter()
                    .find(|x| x.1 == Role::Weight)
                    .map(|x| x.0);
                let weights = match (self.mode, weight_col) {
                    (Mode::Positional, Some(col)) => {
                        row.get(col).and_then(|c| vocab::number(&c.text))
                    }
                    (_, Some(_)) if nums.len() == 2 => Some(nums[0].1),
                    _ => None,
                };
                if let Some(w) = weights {
                    self.draft.evidence.stated_weight_total = Some(w);
                }
                if let Some((c, s)) = stated {
                    self.draft.statement.total = Some(s);
                    let o = c.origin.clone();
                    self.draft.at("statement.total", &o);
                }
            }
            "评价结论" => {
                self.ended = true;
                let o = rest_origin();
                match rest_text() {
                    Some(t) => {
                        self.draft.report.conclusion = t;
                        self.draft.at("report.conclusion", &o);
                    }
                    None => template_note(&mut self.draft, "report.conclusion"),
                }
            }
            "评价等级" => {
                self.ended = true;
                let text: String = cells
                    .iter()
                    .skip(1)
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(g) = ticked_grade(&text) {
                    self.draft.statement.grade = Some(g);
                    let o = rest_origin();
                    self.draft.at("statement.grade", &o);
                }
            }
            _ if label.starts_with("注:")
                || label.starts_with("说明")
                || label.starts_with("项目负责人")
                || self.state == State::Indicators && is_heading(label) =>
            {
                if self.state == State::Indicators {
                    self.ended = true;
                }
                self.state = State::After;
            }
            _ => return false,
        }
        if self.state == State::Indicators {
            self.state = State::After;
        }
        true
    }

    fn indicator_row(&mut self, row: &Row) {
        // Empty cells kept: a flattened web table keeps them (`| |`), and they hold their columns.
        let start = row
            .iter()
            .position(|c| !vocab::key(&c.text).is_empty())
            .unwrap_or(0);
        let cells: Vec<Cell> = row[start..].to_vec();
        let mut d = DraftIndicator {
            origin: cells[0].origin.clone(),
            ..Default::default()
        };
        let mut assigned: Vec<(Role, Cell)> = Vec::new();
        let mut ambiguous = None;
        match self.mode {
            Mode::Positional => {
                for (col, role) in &self.ind_cols {
                    if let Some(c) = row.get(*col)
                        && !vocab::key(&c.text).is_empty()
                    {
                        assigned.push((*role, c.clone()));
                    }
                }
            }
            Mode::Sequential
                if self.ind_x.iter().all(|h| h.2.is_some())
                    && cells.iter().all(|c| c.x.is_some()) =>
            {
                for c in &cells {
                    if let Some(role) = column_under(c.x.expect("checked"), &self.ind_x) {
                        match assigned.iter_mut().find(|(r, _)| *r == role) {
                            Some((_, prev)) => {
                                let o = c.origin.clone();
                                let i = self.draft.indicators.len();
                                let what = format!(
                                    "“{}”与“{}”在同一列（{}），已合并",
                                    prev.text.trim(),
                                    c.text.trim(),
                                    role_label(role)
                                );
                                *prev = Cell::new(
                                    format!("{}{}", prev.text, c.text),
                                    prev.origin.clone(),
                                    prev.x,
                                );
                                ambiguous.get_or_insert(what);
                                let _ = (o, i);
                            }
                            None => assigned.push((role, c.clone())),
                        }
                    }
                }
            }
            Mode::Sequential => {
                let mut rest = cells.as_slice();
                // Leading level cells.
                while let Some(c) = rest.first() {
                    let l1 = self.ind_cols.iter().any(|x| x.1 == Role::Level1)
                        && (vocab::level1(&c.text).is_some() || is_level_weight_only(&c.text));
                    let l2 = vocab::level2(&c.text).is_some();
                    if l1 {
                        assigned.push((Role::Level1, c.clone()));
                    } else if l2 {
                        assigned.push((Role::Level2, c.clone()));
                    } else if vocab::key(&c.text) == "绩效指标"
                        || vocab::key(&c.text).starts_with("绩效指标(")
                    {
                    } else {
                        break;
                    }
                    rest = &rest[1..];
                }
                let roles: Vec<Role> = self
                    .ind_cols
                    .iter()
                    .map(|x| x.1)
                    .filter(|r| !matches!(r, Role::Level1 | Role::Level2))
                    .collect();
                if !rest.is_empty() {
                    let (pairs, exact) = align(rest, &roles);
                    if !exact {
                        let what: Vec<String> = pairs
                            .iter()
                            .map(|(r, c)| format!("{}=“{}”", role_label(*r), c.text.trim()))
                            .collect();
                        ambiguous = Some(format!(
                            "该行有 {} 个单元格，表头有 {} 列，按内容读取为：{}",
                            rest.len(),
                            roles.len(),
                            what.join("，")
                        ));
                    }
                    assigned.extend(pairs);
                }
            }
        }
        let mut has_body = false;
        for (role, c) in &assigned {
            let text = self.clean(&c.text);
            match role {
                Role::Level1 => {
                    let k = vocab::key(&text);
                    if let Some(l1) = vocab::level1(&text) {
                        self.level1 = l1;
                        self.level2.clear();
                    } else if !is_level_weight_only(&text) && !k.is_empty() {
                        self.level1 = k.split('(').next().unwrap_or("").to_string();
                    }
                    if let Some(w) = vocab::points_in(&text) {
                        if self.level1.is_empty() || is_level_weight_only(&text) {
                            self.pending_level_weight = Some((w, c.origin.clone()));
                            self.level1.clear();
                        } else {
                            self.draft
                                .statement
                                .level_weights
                                .insert(self.level1.clone(), w);
                        }
                    }
                }
                Role::Level2 => self.level2 = text,
                Role::Name => {
                    d.name = strip_numbering(&text);
                    d.origin = c.origin.clone();
                    has_body = true;
                }
                Role::Target => d.target = text,
                Role::Actual => d.actual = text,
                Role::Unit
                    if !vocab::is_blank(&text)
                        && assigned.iter().all(|(r, _)| *r != Role::Nature) =>
                {
                    d.target.push_str(&text);
                }
                Role::Nature => {
                    let sym = vocab::key(&text);
                    d.target = format!("{}{}", nature_symbol(&sym), d.target);
                    d.direction = match &*sym {
                        "≤" | "<" | "反向" => Some(jixiao_core::Direction::Reverse),
                        "定性" => Some(jixiao_core::Direction::Qualitative),
                        _ => None,
                    };
                }
                Role::Weight | Role::Score | Role::Review => {
                    let x = vocab::number(&text);
                    if x.is_none() && !vocab::is_blank(&text) {
                        let i = self.draft.indicators.len();
                        let field = match role {
                            Role::Weight => "weight",
                            Role::Score => "self_score",
                            _ => "review_score",
                        };
                        let o = c.origin.clone();
                        self.draft.ambiguous(
                            format!("indicators[{i}].{field}"),
                            &o,
                            format!(
                                "{}“{text}”不是数字，未导入（请按原件填写数值）",
                                role_label(*role)
                            ),
                        );
                    }
                    match role {
                        Role::Weight => d.weight = x,
                        Role::Score => d.self_score = x,
                        _ => d.review_score = x,
                    }
                }
                Role::Deviation if !vocab::is_blank(&text) => d.deviation = Some(text),
                _ => {}
            }
        }
        // Nature comes before the value in the Sichuan layout: fix the order of symbol and number.
        if let Some(n) = assigned.iter().find(|(r, _)| *r == Role::Nature) {
            let sym = nature_symbol(&vocab::key(&n.1.text));
            let target = assigned
                .iter()
                .find(|(r, _)| *r == Role::Target)
                .map(|(_, c)| vocab::clean_cell(&c.text))
                .unwrap_or_default();
            let unit = assigned
                .iter()
                .find(|(r, _)| *r == Role::Unit)
                .map(|(_, c)| vocab::clean_cell(&c.text))
                .filter(|u| !vocab::is_blank(u))
                .unwrap_or_default();
            d.target = format!("{sym}{target}{unit}");
        }
        // 完成值 written as a bare number beside a 度量单位 column: the unit belongs to it too.
        if let Some((_, u)) = assigned.iter().find(|(r, _)| *r == Role::Unit) {
            let unit = vocab::clean_cell(&u.text);
            if !vocab::is_blank(&unit) && vocab::number(&d.actual).is_some() {
                d.actual.push_str(&unit);
            }
        }
        if !has_body || vocab::is_blank(&d.name) {
            return;
        }
        let only_name = assigned
            .iter()
            .all(|(r, _)| matches!(r, Role::Level1 | Role::Level2 | Role::Name));
        if only_name && self.mode == Mode::Sequential {
            let o = d.origin.clone();
            let i = self.draft.indicators.len();
            self.draft.incomplete(
                format!("indicators[{i}]"),
                &o,
                format!(
                    "该行只有“{}”，没有指标值、完成值和分值，未作为指标导入",
                    d.name
                ),
            );
            return;
        }
        for (field, value) in [("target", &mut d.target), ("actual", &mut d.actual)] {
            if is_template_instruction(value) {
                let o = d.origin.clone();
                let i = self.draft.indicators.len();
                self.draft.incomplete(
                    format!("indicators[{i}].{field}"),
                    &o,
                    format!("“{value}”是模板说明文字，未填写，按空白导入"),
                );
                value.clear();
            }
        }
        if self.level1.is_empty()
            && let Some(l1) = vocab::level1_of_level2(&self.level2)
        {
            self.level1 = l1.to_string();
            let o = d.origin.clone();
            let i = self.draft.indicators.len();
            self.draft.ambiguous(
                format!("indicators[{i}].level1"),
                &o,
                format!(
                    "一级指标单元格为空，按二级指标“{}”推定为“{l1}”",
                    self.level2
                ),
            );
        }
        if let Some((w, _)) = self.pending_level_weight.take()
            && !self.level1.is_empty()
        {
            self.draft
                .statement
                .level_weights
                .insert(self.level1.clone(), w);
        }
        d.level1 = self.level1.clone();
        d.level2 = self.level2.clone();
        let i = self.draft.indicators.len();
        let has_weight_col = self.ind_cols.iter().any(|x| x.1 == Role::Weight);
        if !has_weight_col {
            d.weight = Some(Decimal::ZERO);
        } else if d.weight.is_none() && vocab::key(&d.name).starts_with("其中") {
            let o = d.origin.clone();
            self.draft.ambiguous(
                format!("indicators[{i}]"),
                &o,
                format!("“{}”是上一指标的分项，没有分值，未作为指标导入", d.name),
            );
            return;
        }
        if let Some(msg) = ambiguous {
            let o = d.origin.clone();
            self.draft.ambiguous(format!("indicators[{i}]"), &o, msg);
        }
        self.draft.indicators.push(d);
    }
}

fn funds_path(role: Role) -> &'static str {
    match role {
        Role::Initial => "funds.initial",
        Role::Annual => "funds.annual",
        _ => "funds.executed",
    }
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Level1 => "一级指标",
        Role::Level2 => "二级指标",
        Role::Name => "三级指标",
        Role::Nature => "指标性质",
        Role::Target => "指标值",
        Role::Unit => "度量单位",
        Role::Actual => "实际完成值",
        Role::Weight => "分值",
        Role::Score => "得分",
        Role::Review => "复核得分",
        Role::Deviation => "偏差原因",
        Role::Initial => "年初预算数",
        Role::Annual => "全年预算数",
        Role::Executed => "全年执行数",
        Role::Rate => "执行率",
    }
}

/// Order-preserving match of cells to columns: numbers to number columns, every cell somewhere. Returns the
/// pairs and whether the match was one to one with the columns (trailing 偏差原因 may be empty).
fn align(cells: &[Cell], roles: &[Role]) -> (Vec<(Role, Cell)>, bool) {
    let n = cells.len();
    let m = roles.len();
    let numeric = |r: Role| matches!(r, Role::Weight | Role::Score | Role::Review);
    let fit = |c: &Cell, r: Role| -> Option<i32> {
        let is_num = vocab::number(&c.text).is_some() || c.is_blank();
        match r {
            _ if numeric(r) => is_num.then_some(3),
            Role::Nature => matches!(
                &*vocab::key(&c.text),
                "≥" | "≤" | "=" | ">" | "<" | "＝" | "≧" | "≦" | "═" | "正向" | "反向" | "定性"
            )
            .then_some(3),
            Role::Unit => (vocab::key(&c.text).chars().count() <= 4
                && vocab::number(&c.text).is_none())
            .then_some(1),
            Role::Name => Some(2),
            _ => Some(1),
        }
    };
    let skip_cost = |r: Role| match r {
        Role::Name => -10,
        Role::Weight | Role::Score => -3,
        Role::Target | Role::Actual => -2,
        _ => 0,
    };
    // best[i][j]: best score matching cells[i..] to roles[j..]
    const NEG: i32 = i32::MIN / 4;
    let mut best = vec![vec![NEG; m + 1]; n + 1];
    for j in 0..=m {
        best[n][j] = roles[j..].iter().map(|r| skip_cost(*r)).sum();
    }
    // The value right after a 指标性质 symbol (`= | 100`) is the 指标值, even when the row is cut short.
    let after_nature = |i: usize, r: Role| {
        r == Role::Target && i > 0 && fit(&cells[i - 1], Role::Nature).is_some()
    };
    let fit = |c: &Cell, r: Role, i: usize| {
        if after_nature(i, r) {
            Some(5)
        } else {
            fit(c, r)
        }
    };
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let mut b = best[i][j + 1] + skip_cost(roles[j]);
            if let Some(f) = fit(&cells[i], roles[j], i) {
                b = b.max(best[i + 1][j + 1] + f);
            }
            best[i][j] = b;
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut skipped_required = false;
    while i < n && j < m {
        if let Some(f) = fit(&cells[i], roles[j], i)
            && best[i][j] == best[i + 1][j + 1] + f
        {
            out.push((roles[j], cells[i].clone()));
            i += 1;
            j += 1;
            continue;
        }
        if !matches!(roles[j], Role::Deviation | Role::Review) {
            skipped_required = true;
        }
        j += 1;
    }
    let leftover = i < n;
    let missing_tail = roles[j..]
        .iter()
        .any(|r| !matches!(r, Role::Deviation | Role::Review));
    (out, !(skipped_required || leftover || missing_tail))
}

fn nature_symbol(k: &str) -> &'static str {
    match k {
        "≥" | "≧" | "正向" => "≥",
        "≤" | "≦" | "反向" => "≤",
        ">" => ">",
        "<" => "<",
        "=" | "＝" | "═" => "=",
        _ => "",
    }
}

fn is_level_weight_only(s: &str) -> bool {
    let k = vocab::key(s);
    k.starts_with('(') && vocab::points_in(&k).is_some() && k.ends_with(')')
}

/// A header value that holds more than a name: another label of the form (cells run together), or a
/// paragraph.
fn suspicious_header_value(text: &str) -> Option<String> {
    const LABELS: &[&str] = &[
        "项目名称",
        "主管部门",
        "实施单位",
        "项目单位",
        "单位名称",
        "项目负责人",
        "评价方式",
        "项目资金",
        "预算数",
        "及代码",
    ];
    let k = vocab::key(text);
    if let Some(l) = LABELS.iter().find(|l| k.contains(*l)) {
        return Some(format!(
            "“{text}”中含有表头文字“{l}”，相邻单元格可能连在了一起，取值的界限不能确定"
        ));
    }
    (k.chars().count() > 60).then(|| {
        format!(
            "“{text}”长达 {} 个字，不像名称，可能连带了其他内容",
            k.chars().count()
        )
    })
}

/// `指标1:完成…` → `完成…` (the form numbers its rows).
fn strip_numbering(s: &str) -> String {
    let k = s.trim();
    if let Some(rest) = k.strip_prefix("指标") {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            let r = &rest[digits..];
            if let Some(r) = r.strip_prefix(':').or_else(|| r.strip_prefix('：')) {
                return r.trim().to_string();
            }
        }
    }
    k.to_string()
}

fn is_other_label(s: &str) -> bool {
    let k = vocab::key(s);
    matches!(&*k, "备注" | "说明" | "填报说明" | "单位:万元" | "单位:元")
        || k.starts_with("项目负责人")
        || k.starts_with("联系电话")
        || vocab::funds_role(s).is_some()
        || k.starts_with("项目资金")
        || k.starts_with("项目")
            && ["主管", "实施", "负责", "属性", "类别"]
                .iter()
                .any(|w| k.contains(w))
}

/// A narrative heading after the table: `(三)存在的问题和原因`, `四、…`.
fn is_heading(k: &str) -> bool {
    let first = k.chars().next().unwrap_or(' ');
    let second = k.chars().nth(1).unwrap_or(' ');
    first == '(' && "一二三四五六七八九十".contains(second)
        || "一二三四五六七八九十".contains(first) && second == '、'
}

/// `51092324T000010263357-2023年全县安可替代补助资金项目` → name and 项目编码.
fn split_code(s: &str) -> (String, Option<String>) {
    if let Some((code, name)) = s.split_once('-')
        && code.len() >= 10
        && code.chars().all(|c| c.is_ascii_alphanumeric())
        && !name.is_empty()
    {
        return (name.to_string(), Some(code.to_string()));
    }
    (s.to_string(), None)
}

fn is_expected_goal(s: &str) -> bool {
    let k = vocab::key(s);
    matches!(
        &*k,
        "预期目标"
            | "年初设定目标"
            | "年度预期绩效目标"
            | "项目年度目标"
            | "年度目标"
            | "年度绩效目标"
    )
}

/// The label of the goals row, or a column header: never a goal's text.
fn is_goal_label(s: &str) -> bool {
    let k = vocab::key(s);
    is_expected_goal(s)
        || is_actual_goal(s)
        || matches!(
            &*k,
            "年度总体目标"
                | "总体目标"
                | "绩效目标"
                | "年度总体目标完成情况"
                | "二级指标"
                | "一级指标"
        )
}

fn is_actual_goal(s: &str) -> bool {
    let k = vocab::key(s);
    matches!(
        &*k,
        "实际完成情况"
            | "年度总体目标完成情况综述"
            | "目标实际完成情况"
            | "年度目标完成情况"
            | "全年实际完成情况"
            | "实际完成情况综述"
    )
}

/// The grade whose box is ticked: `☑优 □良 …`, `√优`, or the Wingdings tick U+F052 a PDF extraction leaves.
pub fn ticked_grade(text: &str) -> Option<jixiao_core::Grade> {
    const TICKS: &[char] = &['☑', '√', '✓', '✔', '■', '\u{F052}', '\u{F0FE}', '▇', '●'];
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if TICKS.contains(c) {
            let rest: String = chars[i + 1..]
                .iter()
                .skip_while(|c| c.is_whitespace())
                .take(1)
                .collect();
            if let Ok(g) = rest.parse() {
                return Some(g);
            }
        }
    }
    let k = vocab::key(text);
    k.parse().ok()
}

/// Instructions of a blank template left in a published form: `…(100字以内)`.
pub fn is_template_instruction(s: &str) -> bool {
    let k = vocab::key(s);
    k.contains("字以内)") || k.starts_with("对照年度目标,说明") || k.starts_with("结合自评情况,")
}
