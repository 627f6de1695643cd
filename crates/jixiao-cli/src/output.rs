//! What `eval` and `check` print: a table for people, JSON for scripts (the CLI contract in README).

use std::fmt::Write;
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::{Value as Json, json};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use jixiao_core::{Evaluation, Exchange, Finding, Policy, Project, Severity};

/// `eval --json`: the one JSON form of a project, its evaluation and findings (schema
/// `jixiao-evaluation`, the same as the API and the open-data export).
pub fn eval_json(project: &Project, e: &Evaluation, policy: &Policy) -> Json {
    serde_json::to_value(Exchange::new(project, e, policy)).unwrap_or(Json::Null)
}

pub fn check_json(file: &Path, project: &Project, e: &Evaluation) -> Json {
    json!({
        "file": file.display().to_string(),
        "project": project.project.name,
        "total": e.total.normalize().to_string(),
        "grade": e.grade,
        "findings": e.findings,
    })
}

// ---------------------------------------------------------------------------------------------
// Text

/// Cuts `s` to at most `width` terminal columns, marking the cut with `…`.
fn fit(s: &str, width: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.width() <= width {
        return s;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let w = s.width();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn pad_left(s: &str, width: usize) -> String {
    let w = s.width();
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

fn d(x: Decimal) -> String {
    x.normalize().to_string()
}

fn score2(x: Decimal) -> String {
    format!("{:.2}", x)
}

fn opt(x: Option<Decimal>) -> String {
    x.map_or_else(|| "—".into(), d)
}

pub fn eval_text(project: &Project, e: &Evaluation, policy: &Policy) -> String {
    let p = &project.project;
    let f = &project.funds;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}（{}年度{}绩效自评）",
        p.name,
        p.year,
        p.kind.label()
    );
    let _ = writeln!(
        out,
        "主管部门：{}　实施单位：{}　评分规则：{}",
        p.department, p.implementer, policy.name
    );
    let _ = writeln!(out);
    let rate = e.execution.rate.map_or_else(
        || "不适用".into(),
        |r| format!("{}%", d((r * Decimal::ONE_HUNDRED).round_dp(2))),
    );
    let initial = f
        .initial
        .map(|i| format!("年初预算 {:.2} 万元　", i))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "预算执行率　{initial}全年预算 {:.2} 万元　执行 {:.2} 万元　执行率 {rate}　分值 {}　自评 {}　计算 {}",
        f.annual,
        f.executed,
        d(f.execution_weight),
        opt(f.self_score),
        e.execution.score.map_or_else(|| "—".into(), score2)
    );
    let _ = writeln!(out);
    let cols = [10, 12, 16, 14, 28, 6, 6, 7];
    let header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "自评",
        "计算",
    ];
    let line = |cells: [String; 8]| -> String {
        cells
            .iter()
            .zip(cols)
            .enumerate()
            .map(|(i, (c, w))| if i >= 5 { pad_left(c, w) } else { pad(c, w) })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "{}", line(header.map(String::from)));
    let _ = writeln!(
        out,
        "{}",
        "─".repeat(cols.iter().sum::<usize>() + 2 * (cols.len() - 1))
    );
    let mut last_l1 = "";
    for (ind, sc) in project.indicators.iter().zip(&e.indicators) {
        let l1 = if ind.level1 == last_l1 {
            String::new()
        } else {
            ind.level1.clone()
        };
        last_l1 = &ind.level1;
        let computed = match (sc.outcome, sc.score) {
            (jixiao_core::scoring::Outcome::NotApplicable, _) => "不适用".into(),
            (_, Some(s)) => score2(s),
            (_, None) => "无法计分".into(),
        };
        let _ = writeln!(
            out,
            "{}",
            line([
                l1,
                ind.level2.clone(),
                ind.name.clone(),
                ind.target.clone(),
                ind.actual.clone(),
                d(ind.weight),
                opt(ind.self_score),
                computed
            ])
        );
    }
    let _ = writeln!(
        out,
        "{}",
        "─".repeat(cols.iter().sum::<usize>() + 2 * (cols.len() - 1))
    );
    for g in &e.groups {
        let _ = writeln!(
            out,
            "{}　分值 {}　自评 {}　计算 {}",
            g.name,
            d(g.weight),
            opt(g.self_score),
            score2(g.score)
        );
    }
    let stated_grade = project
        .statement
        .grade
        .map(|g| format!("（自评等级 {g}）"))
        .unwrap_or_default();
    let rescaled = if e.applicable_weight != project.total_weight() {
        format!("（适用分值 {}，按 100 分折算）", d(e.applicable_weight))
    } else {
        String::new()
    };
    // The stated total and the sum of the stated scores can disagree (total-mismatch): show both.
    let stated_sum = f.self_score.and_then(|x| {
        project
            .indicators
            .iter()
            .try_fold(x, |acc, i| Some(acc + i.self_score?))
    });
    let self_total = match (project.statement.total, stated_sum) {
        (Some(t), Some(s)) if t != s => format!("{}（各项自评合计 {}）", d(t), d(s)),
        _ => opt(e.self_total),
    };
    let _ = writeln!(
        out,
        "总分　自评 {self_total}　计算 {}{rescaled}　评价等级 {}{stated_grade}",
        score2(e.total),
        e.grade
    );
    if !e.complete {
        let _ = writeln!(out, "注意：有指标无法计分，总分不完整，见下方错误。");
    }
    let _ = writeln!(out);
    out.push_str(&findings_text(&e.findings));
    out
}

fn findings_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    if findings.is_empty() {
        let _ = writeln!(out, "未发现问题。");
        return out;
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity() == s).count();
    let _ = writeln!(
        out,
        "审核发现 {} 项（错误 {}，警告 {}，提示 {}）：",
        findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for f in findings {
        let _ = writeln!(
            out,
            "[{}] {}（{}）　{}\n　　{}\n　　建议：{}",
            f.severity().label(),
            f.name(),
            f.code,
            f.path,
            f.message,
            f.advice
        );
    }
    out
}

pub fn check_text(file: &Path, project: &Project, e: &Evaluation) -> String {
    format!(
        "{}：{}（{}年度）计算总分 {}，等级 {}\n{}\n",
        file.display(),
        project.project.name,
        project.project.year,
        score2(e.total),
        e.grade,
        findings_text(&e.findings)
    )
}
