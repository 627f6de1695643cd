//! The rows after the indicator table: 总分, 评价等级, 存在问题, 改进措施, 评价结论; a note or a narrative
//! heading ends the table.

use rust_decimal::Decimal;

use super::{Mode, Reader, State, is_template_instruction};
use crate::import::cell::{Cell, Row};
use crate::import::draft::Draft;
use crate::import::vocab::{self, Role};

impl Reader {
    pub(super) fn statement_row(&mut self, row: &Row, fk: &str, first: &Cell) -> bool {
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
                    // One number under both a 分值 and a 得分 column: which one it is, is a guess.
                    if by_column.is_none()
                        && nums.len() == 1
                        && !(score_col.is_some() && weight_col.is_none())
                    {
                        self.draft.ambiguous(
                            "statement.total",
                            &o,
                            format!(
                                "总分行只有一个数字 {}，表中既有分值栏也有得分栏，不能确定它是分值合计还是得分合计",
                                s.normalize()
                            ),
                        );
                    }
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
}

/// A narrative heading after the table: `(三)存在的问题和原因`, `四、…`.
fn is_heading(k: &str) -> bool {
    let first = k.chars().next().unwrap_or(' ');
    let second = k.chars().nth(1).unwrap_or(' ');
    first == '(' && "一二三四五六七八九十".contains(second)
        || "一二三四五六七八九十".contains(first) && second == '、'
}

/// The grade whose box is ticked: `☑优 □良 …`, `√优`, or the Wingdings tick U+F052 a PDF extraction leaves.
pub(super) fn ticked_grade(text: &str) -> Option<jixiao_core::Grade> {
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
