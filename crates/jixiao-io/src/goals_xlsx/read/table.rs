//! The rows of a form's indicator table: each row's cells read into an indicator (一级 and 二级 carried down
//! merged or blank cells, 指标性质 and 度量单位 folded into the value, 取值依据 told from prose), and where
//! the table ends. A department's list reads its rows with the same [`read_row`].

use std::str::FromStr;
use std::sync::LazyLock;

use jixiao_core::Direction;
use jixiao_core::goals::{Basis, GoalIndicator};
use regex::Regex;
use rust_decimal::Decimal;

use super::columns::{Col, Columns, level1_name, level1_of_level2, level2_name};
use super::labels::{Label, ascii_digits, clean, is_blank, key, label_of, text};
use super::{Ctx, GoalsError, Grid};

/// `指标1：完成…` → `完成…`, `★农村低保发放人数` → `农村低保发放人数`.
fn indicator_name(s: &str) -> String {
    static NUMBERING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^指标\s*\d+\s*[:：]\s*").expect("literal"));
    let t = clean(s);
    let t = t.trim_start_matches(['★', '☆', '*', '＊']);
    NUMBERING.replace(t, "").trim().to_string()
}

/// 指标性质 as the sign put before the value (`正向` → `≥`, `定性` → nothing); none for other words.
fn nature_symbol(k: &str) -> Option<&'static str> {
    Some(match k {
        "≥" | "≧" | ">=" | "正向" => "≥",
        "≤" | "≦" | "<=" | "反向" => "≤",
        ">" => ">",
        "<" => "<",
        "=" | "＝" | "═" => "=",
        "定性" => "",
        _ => return None,
    })
}

/// The direction a 指标方向 or 指标性质 cell names.
fn direction_of(k: &str) -> Option<Direction> {
    if k.contains("反向") {
        Some(Direction::Reverse)
    } else if k.contains("定性") {
        Some(Direction::Qualitative)
    } else if k.contains("正向") {
        Some(Direction::Positive)
    } else {
        None
    }
}

/// Units a template prints in the value cell for the unit to fill in the figure.
const TEMPLATE_UNITS: &[&str] = &[
    "公里",
    "千米",
    "米",
    "平方米",
    "亩",
    "万亩",
    "人",
    "万人",
    "人次",
    "户",
    "个",
    "次",
    "天",
    "年",
    "月",
    "座",
    "辆",
    "吨",
    "万元",
    "元",
    "项",
    "家",
    "所",
    "间",
    "台",
    "套",
    "件",
    "批",
    "篇",
    "%",
];

/// The value cell of a template that was never filled in: `≥**%`, `公里`, `≧ %`.
fn is_placeholder(target: &str) -> bool {
    if target.contains("**") || target.contains("＊＊") || target.contains('×') {
        return true;
    }
    let rest: String = key(target)
        .chars()
        .filter(|c| !matches!(c, '≥' | '≤' | '≧' | '≦' | '<' | '>' | '=' | '＝'))
        .collect();
    rest.is_empty() || TEMPLATE_UNITS.contains(&rest.as_str())
}

/// A row that ends the table: the approval rows (…审核意见), signatures, notes, totals.
fn ends_table(grid: &Grid, r: usize, cols: &Columns) -> bool {
    const ENDS: &[&str] = &[
        "意见",
        "填表人",
        "填报人",
        "单位负责人",
        "注:",
        "说明:",
        "合计",
        "总分",
        "审核",
        "盖章",
    ];
    let level_cols = [cols.get(Col::Level1), cols.get(Col::Level2)];
    let Some(c) = (0..grid.cols()).find(|c| !is_blank(grid.at(r, *c))) else {
        return false;
    };
    let own_role = cols.cols.iter().any(|x| x.1 == c);
    if own_role && !level_cols.contains(&Some(c)) {
        return false;
    }
    let k = key(grid.at(r, c));
    if ENDS.iter().any(|w| k.contains(w)) {
        return true;
    }
    // The next form begins.
    matches!(
        label_of(grid.at(r, c)),
        Some(Label::Name | Label::Department(_) | Label::Implementer)
    )
}

/// Carried down the table: the current 一级 and 二级, as a merged cell or a blank "same as above" says.
#[derive(Default)]
pub(super) struct Levels {
    level1: String,
    level2: String,
}

/// Where the table headed at row `h` ends (the first row that ends it, else `limit`), and whether its
/// 绩效标准 column reads as 取值依据.
pub(super) fn extent(grid: &Grid, h: usize, cols: &Columns, limit: usize) -> (usize, bool) {
    let end = (h + 1..limit)
        .find(|r| ends_table(grid, *r, cols))
        .unwrap_or(limit);
    let standard_basis = cols
        .get(Col::Standard)
        .is_some_and(|c| standard_is_basis(grid, h + 1..end, c));
    (end, standard_basis)
}

/// How the 绩效标准 column reads: as 取值依据 when every value is one, else as 指标解释.
fn standard_is_basis(grid: &Grid, rows: std::ops::Range<usize>, c: usize) -> bool {
    rows.map(|r| grid.at(r, c))
        .filter(|t| !is_blank(t))
        .all(|t| basis_of(t).0.is_some())
}

/// `计划标准` → plan; `行业标准：《…》` → industry with the note; other text → none, the text as a note.
fn basis_of(cell: &str) -> (Option<Basis>, String) {
    let t = text(cell);
    if let Some(b) = Basis::parse(&t) {
        return (Some(b), String::new());
    }
    for b in Basis::ALL {
        for w in [b.label(), b.label().trim_end_matches("标准")] {
            if let Some(rest) = t.strip_prefix(w) {
                let rest = rest.trim_start_matches([':', '：', ',', '，', '、', ' ', ';', '；']);
                if b == Basis::Other && !rest.is_empty() && !t.starts_with("其他标准") {
                    // "其他…" is a sentence more often than the 其他 option.
                    continue;
                }
                return (Some(b), rest.to_string());
            }
        }
    }
    (None, t)
}

/// A weight as written: `10`, `10分`, `10%`; none for a blank.
fn weight(text: &str) -> Result<Option<Decimal>, ()> {
    if is_blank(text) {
        return Ok(None);
    }
    let s = ascii_digits(text);
    let s = s.trim_end_matches(['分', '%']);
    Decimal::from_str(s).map(Some).map_err(|_| ())
}

/// One indicator row's cells read into an indicator (levels carried), or none for a row without a 三级.
pub(super) fn read_row(
    ctx: &mut Ctx<'_>,
    r: usize,
    cols: &Columns,
    levels: &mut Levels,
    standard_basis: bool,
    index: usize,
) -> Result<Option<GoalIndicator>, GoalsError> {
    let grid = ctx.grid;
    let cell = |col: Col| cols.cell(grid, r, col);
    if let Some(t) = cell(Col::Level1) {
        let l1 = level1_name(t);
        if !l1.is_empty() && l1 != levels.level1 {
            levels.level1 = l1;
            levels.level2.clear();
        }
    }
    if let Some(t) = cell(Col::Level2) {
        levels.level2 = level2_name(t);
    }
    let Some(name) = cell(Col::Name)
        .map(indicator_name)
        .filter(|n| !n.is_empty())
    else {
        return Ok(None);
    };
    let at = |field: &str| format!("indicators[{index}].{field}");
    let row_origin = cols
        .get(Col::Name)
        .map_or_else(|| grid.row_origin(r), |c| grid.origin(r, c));

    let mut level1 = levels.level1.clone();
    if level1.is_empty()
        && let Some(l1) = level1_of_level2(&levels.level2)
    {
        ctx.ambiguous(
            at("level1"),
            &row_origin,
            format!("一级指标为空，按二级指标“{}”推定为“{l1}”", levels.level2),
        );
        level1 = l1.to_string();
    }

    // 指标值, with 指标性质 before it and 度量单位 after it where the form splits them.
    let mut target = cell(Col::Target).map(clean).unwrap_or_default();
    let mut direction = None;
    if let Some(n) = cell(Col::Nature) {
        let k = key(n);
        match nature_symbol(&k) {
            Some(sym) if !target.is_empty() && !target.starts_with(sym) => {
                target = format!("{sym}{target}")
            }
            Some(_) => {}
            None => {
                let c = cols.get(Col::Nature).expect("cell");
                ctx.ambiguous(
                    at("target"),
                    &grid.origin(r, c),
                    format!("指标性质“{}”不是 ≥、≤、= 或定性，未并入指标值", clean(n)),
                );
            }
        }
        direction = direction_of(&k);
        if k == "定性" {
            direction = Some(Direction::Qualitative);
        }
    }
    if let Some(u) = cell(Col::Unit) {
        let u = clean(u);
        if !target.is_empty() && !target.ends_with(&u) {
            target.push_str(&u);
        }
    }
    if let Some(d) = cell(Col::Direction) {
        direction = direction_of(&key(d)).or(direction);
    }
    if target.is_empty() && !cols.places.is_empty() {
        let parts: Vec<String> = cols
            .places
            .iter()
            .filter(|(c, _)| !is_blank(grid.at(r, *c)))
            .map(|(c, place)| format!("{place}：{}", clean(grid.at(r, *c))))
            .collect();
        if !parts.is_empty() {
            target = parts.join("；");
            ctx.ambiguous(
                at("target"),
                &row_origin,
                format!(
                    "指标“{name}”的指标值按 {} 个地区分列，已合并为“{target}”",
                    parts.len()
                ),
            );
        }
    }
    if !target.is_empty() && is_placeholder(&target) {
        let o = cols
            .get(Col::Target)
            .map_or_else(|| row_origin.clone(), |c| grid.origin(r, c));
        ctx.incomplete(
            at("target"),
            &o,
            format!("指标“{name}”的指标值“{target}”是模板的占位文字，没有填写数值，按空白读取"),
        );
        target.clear();
    }

    let weight = match cols.get(Col::Weight) {
        Some(c) => weight(grid.at(r, c)).map_err(|_| ctx.bad_number(r, c, "分值"))?,
        None => None,
    };

    let mut explanation = cell(Col::Explanation).map(text).unwrap_or_default();
    let (mut basis, mut basis_note) = cell(Col::Basis).map_or((None, String::new()), basis_of);
    if let Some(t) = cell(Col::Standard) {
        if standard_basis {
            (basis, basis_note) = basis_of(t);
        } else if explanation.is_empty() {
            explanation = text(t);
        }
    }
    if let Some(note) = cell(Col::BasisNote) {
        let note = text(note);
        basis_note = if basis_note.is_empty() {
            note
        } else {
            format!("{basis_note}；{note}")
        };
    }
    Ok(Some(GoalIndicator {
        level1,
        level2: levels.level2.clone(),
        name,
        target,
        weight,
        explanation,
        basis,
        basis_note,
        data_source: cell(Col::DataSource).map(text).unwrap_or_default(),
        scoring: cell(Col::Scoring).map(text).unwrap_or_default(),
        direction,
    }))
}

/// The rows of a form's table, from its header row to the row that ends it. Returns where it ended.
pub(super) fn read_table(
    ctx: &mut Ctx<'_>,
    h: usize,
    cols: &Columns,
    limit: usize,
) -> Result<(Vec<GoalIndicator>, usize), GoalsError> {
    let grid = ctx.grid;
    for d in &cols.doubts {
        let o = grid.row_origin(h);
        ctx.ambiguous("indicators", &o, d.clone());
    }
    let (end, standard_basis) = extent(grid, h, cols, limit);
    if let Some(c) = cols.get(Col::Standard)
        && !standard_basis
    {
        let o = grid.origin(h, c);
        ctx.ambiguous(
            "indicators",
            &o,
            "“绩效标准”一栏不是计划标准、行业标准、历史标准或其他，按指标解释读取".into(),
        );
    }
    let mut levels = Levels::default();
    let mut out = Vec::new();
    for r in h + 1..end {
        if let Some(ind) = read_row(ctx, r, cols, &mut levels, standard_basis, out.len())? {
            out.push(ind);
        }
    }
    if out.is_empty() {
        let o = grid.row_origin(h);
        ctx.incomplete("indicators", &o, "绩效指标表中没有三级指标".into());
    }
    Ok((out, end))
}

#[cfg(test)]
mod tests {
    use super::super::columns::col_of;
    use super::*;

    #[test]
    fn headers_and_levels_are_read_by_their_words() {
        assert_eq!(col_of("三级指标(年度)"), Some(Col::Name));
        assert_eq!(col_of("指标值及单位"), Some(Col::Target));
        assert_eq!(col_of("当年预期实现值"), Some(Col::Target));
        assert_eq!(col_of("指标值设定依据"), Some(Col::Basis));
        assert_eq!(col_of("取值依据说明"), Some(Col::BasisNote));
        assert_eq!(col_of("指标方向性"), Some(Col::Direction));
        assert_eq!(level1_name("成本指标(0-20)分"), "成本指标");
        assert_eq!(level1_name("产出指标\n(40-50)分"), "产出指标");
        assert_eq!(level1_name("产出指标（50分）"), "产出指标");
        assert_eq!(level2_name("经济效益\n指标"), "经济效益指标");
        assert_eq!(
            indicator_name("指标1:新建堤防、护岸长度"),
            "新建堤防、护岸长度"
        );
        assert_eq!(indicator_name("★农村低保发放人数"), "农村低保发放人数");
    }

    #[test]
    fn template_placeholders_are_not_targets() {
        for t in ["公里", "≧ %", "≥**%", "**人", "万亩"] {
            assert!(is_placeholder(t), "{t}");
        }
        for t in ["优良", "≥90%", "2", "巩固提高", "是"] {
            assert!(!is_placeholder(t), "{t}");
        }
    }
}
