//! The goals row: 年度预期目标 and 实际完成情况, two long texts, possibly wrapped over the lines of a
//! positioned text.

use super::{HeaderColumn, Mode, Reader, State, column_under, is_template_instruction};
use crate::import::cell::{Cell, Row};
use crate::import::vocab::{self, Role};

impl Reader {
    pub(super) fn goals_header(&mut self, row: &Row) -> bool {
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
    pub(super) fn goals_continue(&mut self, row: &Row) -> bool {
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

    pub(super) fn goals_values(&mut self, row: &Row) {
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

    pub(super) fn goals_or_text(&mut self, row: &Row) {
        // 2.项目实施内容及过程概述 | text  (Sichuan)
        let cells: Vec<&Cell> = row.iter().filter(|c| !c.is_blank()).collect();
        if let [label, value, ..] = cells.as_slice()
            && vocab::key(&label.text).contains("实施内容")
        {
            self.draft.report.implementation = vocab::clean_cell(&value.text);
            self.draft.at("report.implementation", &value.origin);
        }
    }
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
