//! The indicator table: its header (which column is 三级指标, 指标值, 分值 …) and each row under it, by column
//! or, in flattened text, by matching the row's cells to the header's columns in order.

use rust_decimal::Decimal;

use super::{Mode, Reader, State, column_under, is_template_instruction};
use crate::import::cell::{Cell, Row};
use crate::import::draft::DraftIndicator;
use crate::import::vocab::{self, Role};

impl Reader {
    pub(super) fn indicator_header(&mut self, row: &Row) -> bool {
        let roles: Vec<(usize, Role)> = row
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.indicator_role().map(|r| (i, r)))
            .collect();
        let has = |r: Role| roles.iter().any(|x| x.1 == r);
        if roles.len() < 3 || !(has(Role::Name) && (has(Role::Target) || has(Role::Actual))) {
            return false;
        }
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
        self.header_open = true;
        true
    }

    /// A header printed over two lines (指标性质 / 指标值 / 度量单位, then 实际完成值 / 分值 / 得分): the
    /// second line holds only header words the first did not have. Its columns join the header.
    fn header_continues(&mut self, row: &Row) -> bool {
        let cells: Vec<(usize, &Cell)> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_blank())
            .collect();
        let roles: Vec<(usize, Role)> = cells
            .iter()
            .filter_map(|(i, c)| c.indicator_role().map(|r| (*i, r)))
            .collect();
        let new = |r: &Role| !self.ind_cols.iter().any(|x| x.1 == *r);
        if roles.is_empty() || roles.len() != cells.len() || !roles.iter().all(|(_, r)| new(r)) {
            return false;
        }
        let next = self.ind_cols.iter().map(|x| x.0).max().map_or(0, |m| m + 1);
        for (k, (i, r)) in roles.into_iter().enumerate() {
            // Cells in their columns keep them; flattened ones follow the first line's columns.
            let col = if self.mode == Mode::Positional {
                i
            } else {
                next + k
            };
            self.ind_cols.push((col, r));
            self.ind_x.push((col, r, row[i].x));
        }
        let o = row[cells[0].0].origin.clone();
        self.draft.ambiguous(
            "indicators",
            &o,
            "指标表的表头分两行印出，已把第二行的栏目接在第一行之后".into(),
        );
        true
    }

    /// Said once the header is complete: a table with no 分值 column.
    fn note_no_weights(&mut self, row: &Row) {
        if !self.no_weights_noted && !self.ind_cols.iter().any(|x| x.1 == Role::Weight) {
            self.no_weights_noted = true;
            let o = row[0].origin.clone();
            self.draft.incomplete(
                "indicators",
                &o,
                "此表没有分值和得分列，各指标分值按 0 导入".into(),
            );
        }
    }

    /// Findings said of a row that is then not imported may not name an index: the next imported row
    /// would take it. They go to the table.
    fn row_not_imported(&mut self, before: usize) {
        let i = self.draft.indicators.len();
        let own = format!("indicators[{i}]");
        for f in &mut self.draft.findings[before..] {
            if f.path.starts_with(&own) {
                f.path = "indicators".into();
            }
        }
    }

    pub(super) fn indicator_row(&mut self, row: &Row) {
        let before = self.draft.findings.len();
        if std::mem::take(&mut self.header_open) {
            if self.header_continues(row) {
                self.header_open = false;
                return;
            }
            self.note_no_weights(row);
        }
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
        // The row prints its own 一级 (not carried down from a row above).
        let mut level1_on_row = false;
        for (role, c) in &assigned {
            let text = self.clean(&c.text);
            match role {
                Role::Level1 => {
                    let k = vocab::key(&text);
                    level1_on_row |= vocab::level1(&text).is_some();
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
            self.row_not_imported(before);
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
            self.row_not_imported(before);
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
        // A 二级 that belongs under another 一级 than the one carried down: the 一级 cell of this group was
        // lost (a merged cell printed mid-span, a wrapped PDF line), so the carried name is wrong.
        if let Some(l1) = vocab::level1_of_level2(&self.level2)
            && !level1_on_row
            && !self.level1.is_empty()
            && vocab::level1(&self.level1).is_some_and(|carried| carried != l1)
        {
            let o = d.origin.clone();
            let i = self.draft.indicators.len();
            self.draft.ambiguous(
                format!("indicators[{i}]"),
                &o,
                format!(
                    "二级指标“{}”属于“{l1}”，而上方的一级指标是“{}”，一级指标单元格可能丢失，已按二级指标改为“{l1}”",
                    self.level2, self.level1
                ),
            );
            self.level1 = l1.to_string();
        }
        // A 二级 name cut short (`满意度指` of a wrapped cell) in a positioned text.
        if d.origin.page.is_some()
            && !self.level2.is_empty()
            && vocab::level2(&self.level2).is_none()
        {
            let o = d.origin.clone();
            let i = self.draft.indicators.len();
            self.draft.ambiguous(
                format!("indicators[{i}].level2"),
                &o,
                format!(
                    "二级指标“{}”不是常见的二级指标名称，PDF 中折行的单元格可能只读到了一部分",
                    self.level2
                ),
            );
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
            self.row_not_imported(before);
            return;
        }
        if let Some(msg) = ambiguous {
            let o = d.origin.clone();
            self.draft.ambiguous(format!("indicators[{i}]"), &o, msg);
        }
        self.draft.indicators.push(d);
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
