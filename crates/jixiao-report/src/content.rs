//! The format-neutral content of the documents: the 自评表 as a grid of cells with merges, the 自评报告 as
//! headings and paragraphs (narrative fields in their sections, figure sentences generated from the data),
//! the chart data and the optional review appendix. Every renderer draws from one [`Report`].

use rust_decimal::Decimal;

use jixiao_core::scoring::Outcome;
use jixiao_core::{Evaluation, Grade, Policy, Project};

use crate::text::{money, paragraphs, percent, restates, score};
use crate::{Options, Template};

/// One block of the 自评报告, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 一、… (黑体)
    Heading1(String),
    /// （一）… (楷体)
    Heading2(String),
    Paragraph(String),
    /// The 自评表 goes here.
    Sheet,
    /// The group chart goes here.
    Chart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStyle {
    /// A row label in the first column (项目名称, 项目资金（万元）…).
    Label,
    /// A column header (年度指标值, 分值 …).
    Header,
    /// Free text, left aligned.
    Text,
    /// A centered short value (一级/二级 names, 项目级次 …).
    Center,
    /// A number, centered; `Cell::number` holds its exact value.
    Number,
}

/// One grade box of the 评价等级 row: ☑优 90分≤得分≤100分.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeBox {
    pub checked: bool,
    pub label: &'static str,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
    pub style: CellStyle,
    /// The exact value of a number cell (money in 万元, weight or score); spreadsheets store it as a number.
    pub number: Option<Decimal>,
    /// Set on the 评价等级 cell: drawn as boxes where the format can.
    pub grades: Option<Vec<GradeBox>>,
}

impl Cell {
    fn new(text: impl Into<String>, style: CellStyle) -> Self {
        Cell {
            text: text.into(),
            colspan: 1,
            rowspan: 1,
            style,
            number: None,
            grades: None,
        }
    }
    fn label(text: impl Into<String>) -> Self {
        Cell::new(text, CellStyle::Label)
    }
    fn header(text: impl Into<String>) -> Self {
        Cell::new(text, CellStyle::Header)
    }
    fn text(text: impl Into<String>) -> Self {
        Cell::new(text, CellStyle::Text)
    }
    fn center(text: impl Into<String>) -> Self {
        Cell::new(text, CellStyle::Center)
    }
    fn money(x: Decimal) -> Self {
        Cell {
            number: Some(x),
            ..Cell::new(money(x), CellStyle::Number)
        }
    }
    fn score(x: Decimal) -> Self {
        Cell {
            number: Some(x),
            ..Cell::new(score(x), CellStyle::Number)
        }
    }
    fn opt_score(x: Option<Decimal>) -> Self {
        match x {
            Some(x) => Cell::score(x),
            None => Cell::center("—"),
        }
    }
    fn span(mut self, colspan: usize, rowspan: usize) -> Self {
        self.colspan = colspan.max(1);
        self.rowspan = rowspan.max(1);
        self
    }
}

/// A cell at its absolute grid position.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub row: usize,
    pub col: usize,
    pub cell: &'a Cell,
}

/// The 自评表: rows of cells in HTML order (a cell covered by a rowspan/colspan from above or the left is
/// not listed again).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub subtitle: String,
    /// Relative column widths (in Chinese characters at table font size).
    pub widths: Vec<u16>,
    pub rows: Vec<Vec<Cell>>,
    /// Index of the indicator table's header row (repeated on every printed page of the spreadsheet).
    pub indicator_header_row: usize,
    /// Notes printed under the table (how the computed column is made).
    pub notes: Vec<String>,
}

impl Sheet {
    pub fn columns(&self) -> usize {
        self.widths.len()
    }

    /// Every cell with its absolute position, computed like an HTML table.
    pub fn placed(&self) -> Vec<Placed<'_>> {
        let cols = self.columns();
        let mut taken = vec![vec![false; cols]; self.rows.len()];
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let mut c = 0;
            for cell in row {
                while c < cols && taken[r][c] {
                    c += 1;
                }
                for rr in r..(r + cell.rowspan).min(self.rows.len()) {
                    for cc in c..(c + cell.colspan).min(cols) {
                        taken[rr][cc] = true;
                    }
                }
                out.push(Placed {
                    row: r,
                    col: c,
                    cell,
                });
                c += cell.colspan;
            }
        }
        out
    }
}

/// A plain table of the appendix.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleTable {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The review appendix: how each score was computed, and the findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Appendix {
    pub title: String,
    pub intro: String,
    pub tables: Vec<SimpleTable>,
}

/// One bar group of the chart: a level-1 group's score against its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub name: String,
    pub weight: Decimal,
    /// The unit's score (as stated, or computed where the unit stated none).
    pub score: Decimal,
    /// The computed score when it differs from `score`.
    pub computed: Option<Decimal>,
}

/// Everything the documents show, built once.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// 中共…2022年度“…”项目支出绩效自评报告
    pub title: String,
    pub project_name: String,
    pub blocks: Vec<Block>,
    pub sheet: Sheet,
    pub chart: Vec<Bar>,
    pub chart_caption: String,
    pub appendix: Option<Appendix>,
}

/// The unit's scores next to the computed ones.
struct Scores {
    /// Per indicator: what the 自评得分 column shows (stated, or computed where none was stated).
    shown: Vec<Option<Decimal>>,
    /// Per indicator: the computed score.
    computed: Vec<Option<Decimal>>,
    exec_shown: Option<Decimal>,
    exec_computed: Option<Decimal>,
    total_shown: Decimal,
    total_computed: Decimal,
    grade_shown: Grade,
    grade_computed: Grade,
    /// Some stated score differs from the computed one: the computed column is shown.
    differs: bool,
}

impl Scores {
    fn new(p: &Project, e: &Evaluation, policy: &Policy) -> Self {
        let computed: Vec<Option<Decimal>> = e
            .indicators
            .iter()
            .map(|s| {
                if s.outcome == Outcome::NotApplicable {
                    None
                } else {
                    s.score
                }
            })
            .collect();
        let shown: Vec<Option<Decimal>> = p
            .indicators
            .iter()
            .zip(&computed)
            .map(|(i, c)| i.self_score.or(*c))
            .collect();
        let exec_computed = e.execution.score;
        let exec_shown = p.funds.self_score.or(exec_computed);
        let total_shown = e.self_total.unwrap_or(e.total);
        let grade_shown = p
            .statement
            .grade
            .unwrap_or_else(|| policy.grade(total_shown));
        let differs = p
            .indicators
            .iter()
            .zip(&computed)
            .any(|(i, c)| i.self_score.is_some() && i.self_score != *c)
            || (p.funds.self_score.is_some() && p.funds.self_score != exec_computed)
            || total_shown != e.total
            || grade_shown != e.grade;
        Scores {
            shown,
            computed,
            exec_shown,
            exec_computed,
            total_shown,
            total_computed: e.total,
            grade_shown,
            grade_computed: e.grade,
            differs,
        }
    }
}

fn unit_name(p: &Project) -> &str {
    if !p.project.implementer.trim().is_empty() {
        p.project.implementer.trim()
    } else {
        p.project.department.trim()
    }
}

impl Scores {
    /// Only what the unit stated: the computed scores are taken to be the shown ones, so no computed
    /// column, note or remark appears.
    fn as_stated(&mut self) {
        self.computed = self.shown.clone();
        self.exec_computed = self.exec_shown;
        self.total_computed = self.total_shown;
        self.grade_computed = self.grade_shown;
        self.differs = false;
    }
}

impl Report {
    pub fn build(p: &Project, e: &Evaluation, policy: &Policy, options: &Options) -> Report {
        let (stated, unreviewed);
        let (p, e) = if options.statement_only {
            // Nor the findings: where the unit wrote no 存在问题 the report would list them there.
            stated = p.without_review();
            unreviewed = Evaluation {
                findings: Vec::new(),
                ..e.clone()
            };
            (&stated, &unreviewed)
        } else {
            (p, e)
        };
        let mut scores = Scores::new(p, e, policy);
        if options.statement_only {
            scores.as_stated();
        }
        let title = match p.project.kind {
            jixiao_core::Kind::Project => format!(
                "{}{}年度“{}”项目支出绩效自评报告",
                unit_name(p),
                p.project.year,
                p.project.name.trim()
            ),
            jixiao_core::Kind::Department => format!(
                "{}{}年度部门整体支出绩效自评报告",
                p.project.name.trim(),
                p.project.year
            ),
        };
        let sheet = build_sheet(p, e, policy, &scores);
        let chart = build_chart(p, e, &scores);
        let blocks = match options.template {
            Template::Seed => seed_outline(p, e, policy, &scores),
            Template::Mof2020 => mof2020_outline(p, e, policy, &scores),
        };
        let appendix = options
            .appendix
            .then(|| build_appendix(p, e, policy, &scores));
        Report {
            title,
            project_name: p.project.name.clone(),
            blocks,
            sheet,
            chart,
            chart_caption: "图1 各一级指标得分与分值".into(),
            appendix,
        }
    }

    /// Every text the documents print, for checking fonts.
    pub fn all_text(&self) -> String {
        let mut s = String::new();
        let mut add = |t: &str| {
            s.push_str(t);
            s.push('\n');
        };
        add(&self.title);
        add(&self.chart_caption);
        for b in &self.blocks {
            match b {
                Block::Heading1(t) | Block::Heading2(t) | Block::Paragraph(t) => add(t),
                Block::Sheet | Block::Chart => {}
            }
        }
        add(&self.sheet.title);
        add(&self.sheet.subtitle);
        for row in &self.sheet.rows {
            for c in row {
                match &c.grades {
                    // Drawn as boxes (PDF): the ☑/□ characters of the text are not printed.
                    Some(boxes) => {
                        for b in boxes {
                            add(b.label);
                            add(&b.rule);
                        }
                        add(c.text.split_once('\n').map_or("", |(_, rest)| rest));
                    }
                    None => add(&c.text),
                }
            }
        }
        for n in &self.sheet.notes {
            add(n);
        }
        for b in &self.chart {
            add(&b.name);
        }
        if let Some(a) = &self.appendix {
            add(&a.title);
            add(&a.intro);
            for t in &a.tables {
                add(&t.caption);
                for h in &t.header {
                    add(h);
                }
                for r in &t.rows {
                    for c in r {
                        add(c);
                    }
                }
            }
        }
        s
    }
}

/// `95（计算 90.5）` where the unit's and the computed score differ.
fn with_computed(shown: Decimal, computed: Option<Decimal>) -> String {
    match computed {
        Some(c) if c != shown => format!("{}分（按评分规则计算为{}分）", score(shown), score(c)),
        None => format!("{}分（按评分规则无法计算）", score(shown)),
        _ => format!("{}分", score(shown)),
    }
}

const GRADES: [(Grade, &str); 4] = [
    (Grade::Excellent, "优"),
    (Grade::Good, "良"),
    (Grade::Fair, "中"),
    (Grade::Poor, "差"),
];

fn grade_boxes(policy: &Policy, checked: Grade) -> Vec<GradeBox> {
    let g = &policy.grades;
    GRADES
        .iter()
        .map(|(grade, label)| {
            let rule = match grade {
                Grade::Excellent => format!("{}分≤得分≤100分", score(g.excellent)),
                Grade::Good => format!("{}分≤得分＜{}分", score(g.good), score(g.excellent)),
                Grade::Fair => format!("{}分≤得分＜{}分", score(g.fair), score(g.good)),
                Grade::Poor => format!("得分＜{}分", score(g.fair)),
            };
            GradeBox {
                checked: *grade == checked,
                label,
                rule,
            }
        })
        .collect()
}

fn build_sheet(p: &Project, e: &Evaluation, policy: &Policy, s: &Scores) -> Sheet {
    let show_review =
        p.indicators.iter().any(|i| i.review_score.is_some()) || p.funds.review_score.is_some();
    // Columns: 0 label | 1 一级 | 2 二级 | 3 三级 | 4 年度指标值 | 5 实际完成值 | 6 分值 | 7 自评得分
    //          | [计算得分] | [复核得分] | 偏差原因分析及改进措施
    let mut widths: Vec<u16> = vec![7, 5, 5, 7, 6, 10, 4, 4];
    if s.differs {
        widths.push(4);
    }
    if show_review {
        widths.push(4);
    }
    widths.push(8);
    let n = widths.len();
    let mut rows: Vec<Vec<Cell>> = Vec::new();

    // 项目名称 / 项目级次, 主管部门 / 实施单位
    let right = n - 6;
    rows.push(vec![
        Cell::label(if p.project.kind.is_project() {
            "项目名称"
        } else {
            "部门（单位）名称"
        }),
        Cell::text(p.project.name.clone()).span(4, 1),
        Cell::label("项目级次"),
        Cell::center(p.project.level.clone().unwrap_or_default()).span(right, 1),
    ]);
    rows.push(vec![
        Cell::label("主管部门"),
        Cell::text(p.project.department.clone()).span(4, 1),
        Cell::label("实施单位"),
        Cell::center(p.project.implementer.clone()).span(right, 1),
    ]);

    // 项目资金（万元）: 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
    let f = &p.funds;
    let fund_rows = 2 + f.sources.len();
    let score_span = n - 8;
    rows.push(vec![
        Cell::label("项目资金（万元）").span(1, fund_rows),
        Cell::header("").span(2, 1),
        Cell::header("年初预算数"),
        Cell::header("全年预算数"),
        Cell::header("全年执行数"),
        Cell::header("分值"),
        Cell::header("执行率"),
        Cell::header("得分").span(score_span, 1),
    ]);
    let exec_score_text = match (s.exec_shown, s.exec_computed) {
        (Some(a), Some(b)) if a != b => Cell {
            text: format!("{}（计算{}）", score(a), score(b)),
            ..Cell::score(a)
        },
        (a, _) => Cell::opt_score(a),
    };
    rows.push(vec![
        Cell::text("年度资金总额").span(2, 1),
        f.initial.map_or_else(|| Cell::center("—"), Cell::money),
        Cell::money(f.annual),
        Cell::money(f.executed),
        Cell::score(f.execution_weight).span(1, fund_rows - 1),
        match e.execution.rate {
            Some(r) => Cell {
                number: Some(r),
                ..Cell::new(percent(r), CellStyle::Number)
            }
            .span(1, fund_rows - 1),
            None => Cell::center("不适用").span(1, fund_rows - 1),
        },
        exec_score_text.span(score_span, fund_rows - 1),
    ]);
    for (i, src) in f.sources.iter().enumerate() {
        let name = if i == 0 {
            format!("其中：{}", src.name)
        } else {
            src.name.clone()
        };
        rows.push(vec![
            Cell::text(name).span(2, 1),
            src.initial.map_or_else(|| Cell::center("—"), Cell::money),
            Cell::money(src.annual),
            Cell::money(src.executed),
        ]);
    }

    // 年度总体目标
    // 预期目标 over 一级…年度指标值, 实际完成情况 over the rest: about half each.
    let left = 4;
    let rest = n - 1 - left;
    rows.push(vec![
        Cell::label("年度总体目标").span(1, 2),
        Cell::header("预期目标").span(left, 1),
        Cell::header("实际完成情况").span(rest, 1),
    ]);
    rows.push(vec![
        Cell::text(p.goals.expected.trim()).span(left, 1),
        Cell::text(p.goals.actual.trim()).span(rest, 1),
    ]);

    // 绩效指标
    let indicator_header_row = rows.len();
    let mut header = vec![
        Cell::label("绩效指标").span(1, 1 + p.indicators.len().max(1)),
        Cell::header("一级指标"),
        Cell::header("二级指标"),
        Cell::header("三级指标"),
        Cell::header("年度指标值"),
        Cell::header("实际完成值"),
        Cell::header("分值"),
        Cell::header("自评得分"),
    ];
    if s.differs {
        header.push(Cell::header("计算得分"));
    }
    if show_review {
        header.push(Cell::header("复核得分"));
    }
    header.push(Cell::header("偏差原因分析及改进措施"));
    rows.push(header);
    let inds = &p.indicators;
    let group_weight = |name: &str| e.groups.iter().find(|g| g.name == name).map(|g| g.weight);
    for (i, ind) in inds.iter().enumerate() {
        let mut row = Vec::new();
        if i == 0 || inds[i - 1].level1 != ind.level1 {
            let span = inds[i..]
                .iter()
                .take_while(|x| x.level1 == ind.level1)
                .count();
            let label = match p
                .statement
                .level_weights
                .get(&ind.level1)
                .copied()
                .or_else(|| group_weight(&ind.level1))
            {
                Some(w) => format!("{}\n（{}%）", ind.level1, score(w)),
                None => ind.level1.clone(),
            };
            row.push(Cell::center(label).span(1, span));
        }
        if i == 0 || inds[i - 1].level1 != ind.level1 || inds[i - 1].level2 != ind.level2 {
            let span = inds[i..]
                .iter()
                .take_while(|x| x.level1 == ind.level1 && x.level2 == ind.level2)
                .count();
            row.push(Cell::center(ind.level2.clone()).span(1, span));
        }
        row.push(Cell::text(ind.name.clone()));
        row.push(Cell::center(ind.target.clone()));
        row.push(Cell::text(ind.actual.clone()));
        row.push(Cell::score(ind.weight));
        row.push(Cell::opt_score(s.shown[i]));
        if s.differs {
            let c = if e.indicators[i].outcome == Outcome::NotApplicable {
                Cell::center("不适用")
            } else {
                Cell::opt_score(s.computed[i])
            };
            row.push(c);
        }
        if show_review {
            row.push(Cell::opt_score(ind.review_score));
        }
        row.push(Cell::text(ind.deviation.clone().unwrap_or_default()));
        rows.push(row);
    }
    if inds.is_empty() {
        rows.push(vec![Cell::center("（未填写绩效指标）").span(n - 1, 1)]);
    }

    // 存在问题 / 改进措施 (as the unit stated them), 总分, 评价等级
    let problems = p
        .statement
        .problems
        .clone()
        .unwrap_or_else(|| paragraphs(&p.report.problems).join("\n"));
    let measures = p
        .statement
        .measures
        .clone()
        .unwrap_or_else(|| paragraphs(&p.report.measures).join("\n"));
    rows.push(vec![
        Cell::label("存在问题"),
        Cell::text(problems).span(n - 1, 1),
    ]);
    rows.push(vec![
        Cell::label("改进措施"),
        Cell::text(measures).span(n - 1, 1),
    ]);
    let mut total = vec![
        Cell::label("总分").span(6, 1),
        Cell::score(p.total_weight()),
        Cell::score(s.total_shown),
    ];
    if s.differs {
        total.push(Cell::score(s.total_computed));
    }
    if show_review {
        total.push(Cell::center(""));
    }
    total.push(Cell::center(""));
    rows.push(total);
    let boxes = grade_boxes(policy, s.grade_shown);
    let mut grade_text: String = boxes
        .iter()
        .map(|b| {
            format!(
                "{}{} {}",
                if b.checked { "☑" } else { "□" },
                b.label,
                b.rule
            )
        })
        .collect::<Vec<_>>()
        .join("； ");
    if s.grade_computed != s.grade_shown {
        grade_text.push_str(&format!("\n（按评分规则计算为“{}”）", s.grade_computed));
    }
    rows.push(vec![
        Cell::label("评价等级"),
        Cell {
            grades: Some(boxes),
            ..Cell::text(grade_text)
        }
        .span(n - 1, 1),
    ]);

    let mut notes = Vec::new();
    if s.differs {
        notes.push(format!(
            "注：“自评得分”为单位自评；“计算得分”由 jixiao 按评分规则（{}）逐项计算，与自评不一致之处请复核，计算过程见附件。",
            policy.title
        ));
    }
    Sheet {
        title: format!("{}绩效自评表", p.project.kind.label()),
        subtitle: format!("（{}年度）", p.project.year),
        widths,
        rows,
        indicator_header_row,
        notes,
    }
}

fn build_chart(p: &Project, e: &Evaluation, s: &Scores) -> Vec<Bar> {
    e.groups
        .iter()
        .filter(|g| g.weight > Decimal::ZERO)
        .map(|g| {
            let shown = if g.name == "预算执行率" {
                s.exec_shown.unwrap_or(g.score)
            } else {
                // The unit's group score: the sum of what the 自评得分 column shows for the group.
                p.indicators
                    .iter()
                    .zip(&s.shown)
                    .filter(|(i, _)| i.level1 == g.name)
                    .map(|(_, x)| x.unwrap_or_default())
                    .sum()
            };
            Bar {
                name: g.name.clone(),
                weight: g.weight,
                score: shown,
                computed: (shown != g.score).then_some(g.score),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Figure sentences

fn funds_sentence(p: &Project, e: &Evaluation) -> String {
    let f = &p.funds;
    let mut s = format!("{}年{}项目的", p.project.year, p.project.name.trim());
    if let Some(initial) = f.initial {
        s.push_str(&format!("年初预算数为{}万元，", money(initial)));
    }
    s.push_str(&format!(
        "年度预算数为{}万元，执行数为{}万元",
        money(f.annual),
        money(f.executed)
    ));
    match e.execution.rate {
        Some(r) => s.push_str(&format!("，完成预算的{}。", percent(r))),
        None => s.push_str("，年度预算数为0，预算执行率不适用。"),
    }
    let nonzero: Vec<_> = f
        .sources
        .iter()
        .filter(|x| !x.annual.is_zero() || !x.executed.is_zero())
        .collect();
    if nonzero.len() > 1 {
        let parts: Vec<String> = nonzero
            .iter()
            .map(|x| {
                format!(
                    "{}预算{}万元、执行{}万元",
                    x.name,
                    money(x.annual),
                    money(x.executed)
                )
            })
            .collect();
        s.push_str(&format!("其中：{}。", parts.join("；")));
    }
    s
}

fn conclusion_sentences(p: &Project, e: &Evaluation, s: &Scores) -> Vec<String> {
    let name = p.project.name.trim();
    let total_weight = p.total_weight();
    let ind_weight = total_weight - p.funds.execution_weight;
    let ind_shown: Decimal = s.shown.iter().map(|x| x.unwrap_or_default()).sum();
    let ind_computed: Decimal = s.computed.iter().map(|x| x.unwrap_or_default()).sum();
    let mut out = vec![format!(
        "“{name}”项目的总分值为{}分，总得分为{}，评价等级为“{}”。其中：",
        score(total_weight),
        with_computed(s.total_shown, Some(s.total_computed)),
        s.grade_shown
    )];
    if s.grade_computed != s.grade_shown {
        out[0] = out[0].replacen(
            "。其中：",
            &format!("（按评分规则计算为“{}”）。其中：", s.grade_computed),
            1,
        );
    }
    let exec = match (s.exec_shown, e.execution.rate) {
        (Some(x), Some(rate)) => format!(
            "（一）预算执行率分值为{}分，得分{}，原因为预算执行率{}。",
            score(p.funds.execution_weight),
            with_computed(x, s.exec_computed),
            percent(rate)
        ),
        _ => format!(
            "（一）预算执行率分值为{}分，全年预算数为0，不适用。",
            score(p.funds.execution_weight)
        ),
    };
    out.push(exec);
    let ind = if ind_shown != ind_computed {
        format!(
            "（二）绩效指标分值为{}分，得分{}分（按评分规则计算为{}分）（具体情况见下表）：",
            score(ind_weight),
            score(ind_shown),
            score(ind_computed)
        )
    } else {
        format!(
            "（二）绩效指标分值为{}分，得分{}分（具体情况见下表）：",
            score(ind_weight),
            score(ind_shown)
        )
    };
    out.push(ind);
    out
}

/// One sentence per level-1 group with each indicator's result.
fn indicator_sentences(p: &Project, e: &Evaluation, s: &Scores) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for ind in &p.indicators {
        if seen.contains(&ind.level1.as_str()) {
            continue;
        }
        seen.push(&ind.level1);
        let members: Vec<usize> = (0..p.indicators.len())
            .filter(|&i| p.indicators[i].level1 == ind.level1)
            .collect();
        let weight: Decimal = members.iter().map(|&i| p.indicators[i].weight).sum();
        let got: Decimal = members
            .iter()
            .map(|&i| s.shown[i].unwrap_or_default())
            .sum();
        let parts: Vec<String> = members
            .iter()
            .map(|&i| {
                let x = &p.indicators[i];
                let sc = &e.indicators[i];
                let result = match sc.outcome {
                    Outcome::NotApplicable => "不适用，不计分".to_string(),
                    _ => match s.shown[i] {
                        Some(v) => format!("得{}", with_computed(v, s.computed[i])),
                        None => "未能计分".to_string(),
                    },
                };
                let verdict = match sc.outcome {
                    Outcome::Met => "，达到年度指标值",
                    Outcome::Missed => "，未达到年度指标值",
                    _ => "",
                };
                format!(
                    "“{}”年度指标值为{}，实际完成{}{verdict}，分值{}分，{result}",
                    x.name.trim(),
                    if x.target.trim().is_empty() {
                        "（未填写）"
                    } else {
                        x.target.trim()
                    },
                    if x.actual.trim().is_empty() {
                        "（未填写）"
                    } else {
                        x.actual.trim()
                    },
                    score(x.weight)
                )
            })
            .collect();
        out.push((
            ind.level1.clone(),
            format!(
                "{}分值{}分，得分{}分。其中，{}。",
                ind.level1,
                score(weight),
                score(got),
                parts.join("；")
            ),
        ));
    }
    out
}

/// Narrative paragraphs of a field, or the fallback when the field is empty.
fn narrative(text: &str, fallback: impl FnOnce() -> Vec<String>) -> Vec<Block> {
    let ps = paragraphs(text);
    let ps = if ps.is_empty() { fallback() } else { ps };
    ps.into_iter().map(Block::Paragraph).collect()
}

/// Generated figure paragraphs followed by the narrative ones that add something.
fn figures_then_narrative(generated: Vec<String>, text: &str) -> Vec<Block> {
    let all = generated.join("");
    let mut out: Vec<Block> = generated.into_iter().map(Block::Paragraph).collect();
    out.extend(
        paragraphs(text)
            .into_iter()
            .filter(|para| !restates(para, &all))
            .map(Block::Paragraph),
    );
    out
}

fn background_fallback(p: &Project) -> Vec<String> {
    let h = &p.project;
    let mut s = format!("“{}”是{}{}年度的", h.name.trim(), unit_name(p), h.year);
    if let Some(level) = &h.level {
        s.push_str(level.trim());
        s.push_str("项目，");
    } else {
        s.push_str("项目，");
    }
    s.push_str(&format!(
        "主管部门为{}，实施单位为{}。",
        h.department.trim(),
        h.implementer.trim()
    ));
    vec![s]
}

fn problems_fallback(e: &Evaluation) -> Vec<String> {
    let warnings: Vec<&jixiao_core::Finding> = e
        .findings
        .iter()
        .filter(|f| f.severity() != jixiao_core::Severity::Info)
        .collect();
    if warnings.is_empty() {
        vec!["无。".into()]
    } else {
        warnings.iter().map(|f| f.message.to_string()).collect()
    }
}

fn seed_outline(p: &Project, e: &Evaluation, _policy: &Policy, s: &Scores) -> Vec<Block> {
    let r = &p.report;
    let mut b = vec![
        Block::Heading1("一、评价项目概述".into()),
        Block::Heading2("（一）项目背景及立项依据".into()),
    ];
    b.extend(narrative(&r.background, || background_fallback(p)));
    b.push(Block::Heading2("（二）项目绩效目标".into()));
    b.extend(narrative(&r.goals, || paragraphs(&p.goals.expected)));
    b.push(Block::Heading2("（三）项目资金来源及使用情况".into()));
    b.extend(figures_then_narrative(
        vec![funds_sentence(p, e)],
        &r.funds_usage,
    ));
    b.push(Block::Heading2("（四）项目实施情况".into()));
    b.extend(narrative(&r.implementation, || paragraphs(&p.goals.actual)));
    b.push(Block::Heading1("二、绩效评价概述".into()));
    b.extend(narrative(&r.overview, || {
        vec![format!(
            "本次自评对{}年度“{}”项目的预算执行情况和产出、效益、满意度等绩效指标完成情况逐项进行评价，按照项目支出绩效自评有关规定计分。",
            p.project.year,
            p.project.name.trim()
        )]
    }));
    b.push(Block::Heading1("三、评价结论与绩效分析".into()));
    b.extend(figures_then_narrative(
        conclusion_sentences(p, e, s),
        &r.conclusion,
    ));
    b.push(Block::Sheet);
    b.extend(
        indicator_sentences(p, e, s)
            .into_iter()
            .map(|(_, t)| Block::Paragraph(t)),
    );
    b.push(Block::Chart);
    b.push(Block::Heading1("四、项目主要绩效或成功经验".into()));
    b.extend(narrative(&r.experience, || paragraphs(&p.goals.actual)));
    b.push(Block::Heading1("五、存在问题或不足".into()));
    b.extend(narrative(&r.problems, || problems_fallback(e)));
    b.push(Block::Heading1("六、下一步改进措施".into()));
    b.extend(narrative(&r.measures, || {
        paragraphs(p.statement.measures.as_deref().unwrap_or("无。"))
    }));
    b
}

const CHINESE_ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn mof2020_outline(p: &Project, e: &Evaluation, policy: &Policy, s: &Scores) -> Vec<Block> {
    let r = &p.report;
    let mut b = vec![
        Block::Heading1("一、基本情况".into()),
        Block::Heading2("（一）项目概况".into()),
    ];
    b.extend(narrative(&r.background, || background_fallback(p)));
    b.extend(figures_then_narrative(
        vec![funds_sentence(p, e)],
        &r.funds_usage,
    ));
    b.extend(
        paragraphs(&r.implementation)
            .into_iter()
            .map(Block::Paragraph),
    );
    b.push(Block::Heading2("（二）项目绩效目标".into()));
    b.extend(narrative(&r.goals, || paragraphs(&p.goals.expected)));
    b.push(Block::Heading1("二、评价工作开展情况".into()));
    b.extend(narrative(&r.overview, || {
        vec![format!(
            "本次自评对{}年度“{}”项目的预算执行情况和绩效目标完成情况进行评价，评分规则为{}（{}）。",
            p.project.year,
            p.project.name.trim(),
            policy.title,
            policy.source
        )]
    }));
    b.push(Block::Heading1("三、综合评价情况及评价结论".into()));
    b.extend(figures_then_narrative(
        conclusion_sentences(p, e, s),
        &r.conclusion,
    ));
    b.push(Block::Sheet);
    b.push(Block::Chart);
    b.push(Block::Heading1("四、绩效评价指标分析".into()));
    b.push(Block::Heading2("（一）预算执行情况".into()));
    b.push(Block::Paragraph(funds_sentence(p, e)));
    for (k, (level1, sentence)) in indicator_sentences(p, e, s).into_iter().enumerate() {
        let ord = CHINESE_ORDINALS.get(k + 1).copied().unwrap_or("十");
        b.push(Block::Heading2(format!(
            "（{ord}）{}完成情况",
            level1.trim_end_matches("指标")
        )));
        b.push(Block::Paragraph(sentence));
    }
    b.push(Block::Heading1(
        "五、主要经验及做法、存在的问题及原因分析".into(),
    ));
    b.push(Block::Heading2("（一）主要经验及做法".into()));
    b.extend(narrative(&r.experience, || paragraphs(&p.goals.actual)));
    b.push(Block::Heading2("（二）存在的问题及原因分析".into()));
    b.extend(narrative(&r.problems, || problems_fallback(e)));
    b.push(Block::Heading1("六、有关建议".into()));
    b.extend(narrative(&r.measures, || {
        paragraphs(p.statement.measures.as_deref().unwrap_or("无。"))
    }));
    b.push(Block::Heading1("七、其他需要说明的问题".into()));
    if s.differs {
        b.push(Block::Paragraph(format!(
            "按评分规则（{}）计算，本项目总得分为{}分，评价等级为“{}”；单位自评总得分为{}分，评价等级为“{}”。二者不一致之处见自评表“计算得分”栏。",
            policy.title,
            score(s.total_computed),
            s.grade_computed,
            score(s.total_shown),
            s.grade_shown
        )));
    } else {
        b.push(Block::Paragraph("无。".into()));
    }
    b
}

fn build_appendix(p: &Project, e: &Evaluation, policy: &Policy, s: &Scores) -> Appendix {
    let mut scoring = SimpleTable {
        caption: "表1 评分计算明细".into(),
        header: [
            "指标",
            "分值",
            "自评得分",
            "计算得分",
            "计分规则",
            "计算过程",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    scoring.rows.push(vec![
        "预算执行率".into(),
        score(p.funds.execution_weight),
        s.exec_shown.map_or("—".into(), score),
        s.exec_computed.map_or("—".into(), score),
        e.execution.trace.rule.clone(),
        e.execution.trace.formula.clone(),
    ]);
    for (i, (ind, sc)) in p.indicators.iter().zip(&e.indicators).enumerate() {
        scoring.rows.push(vec![
            format!("{}／{}／{}", ind.level1, ind.level2, ind.name),
            score(ind.weight),
            s.shown[i].map_or("—".into(), score),
            s.computed[i].map_or("—".into(), score),
            sc.trace.rule.clone(),
            sc.trace.formula.clone(),
        ]);
    }
    let mut findings = SimpleTable {
        caption: "表2 审核发现".into(),
        header: ["级别", "类别（代码）", "位置", "问题", "处理建议"]
            .map(String::from)
            .to_vec(),
        rows: Vec::new(),
    };
    for f in &e.findings {
        findings.rows.push(vec![
            f.severity().label().into(),
            format!("{}（{}）", f.name(), f.code),
            f.path.clone(),
            f.message.clone(),
            f.advice.clone(),
        ]);
    }
    if findings.rows.is_empty() {
        findings.rows.push(vec![
            "—".into(),
            "—".into(),
            "—".into(),
            "未发现问题".into(),
            "—".into(),
        ]);
    }
    Appendix {
        title: "附件：复核附录".into(),
        intro: format!(
            "本附录由 jixiao 按评分规则“{}”（{}）自动生成，列出每项得分的计算过程和可信度审核发现，供主管部门和财政部门复核参考。计算总得分{}分，评价等级“{}”；单位自评总得分{}分，评价等级“{}”。",
            policy.title,
            policy.source,
            score(s.total_computed),
            s.grade_computed,
            score(s.total_shown),
            s.grade_shown
        ),
        tables: vec![scoring, findings],
    }
}
