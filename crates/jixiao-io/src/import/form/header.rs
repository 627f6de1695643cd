//! The header block of the form (项目名称, 主管部门, 实施单位, 项目级次, 项目编码): each label's value is the
//! cell after it.

use super::{Mode, Reader};
use crate::import::cell::{Cell, Row};
use crate::import::draft::Draft;
use crate::import::vocab::{self, HeaderField};

impl Reader {
    pub(super) fn header_row(&mut self, row: &Row) -> bool {
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
