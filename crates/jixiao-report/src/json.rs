//! The open-data export: project + evaluation + findings, versioned (schema `jixiao-open-data`, version 1,
//! documented in docs/open-data.md). Exact decimals (money, weights, scores, rates) are JSON strings
//! (`"14.53"`), so that no consumer loses a cent to binary floating point.

use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use jixiao_core::scoring::Outcome;
use jixiao_core::{Evaluation, Policy, Project};

/// The schema identifier and version written into every export. Bump the version on any breaking change.
pub const SCHEMA: &str = "jixiao-open-data";
pub const SCHEMA_VERSION: u32 = 1;

fn dec(x: Decimal) -> Json {
    Json::String(x.normalize().to_string())
}

fn opt(x: Option<Decimal>) -> Json {
    x.map_or(Json::Null, dec)
}

fn money(x: Decimal) -> Json {
    Json::String(crate::text::money(x))
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Met => "met",
        Outcome::Missed => "missed",
        Outcome::Graded => "graded",
        Outcome::NotApplicable => "not-applicable",
        Outcome::Missing => "missing",
        Outcome::Unscorable => "unscorable",
    }
}

/// The export as a JSON value.
pub fn value(p: &Project, e: &Evaluation, policy: &Policy) -> Json {
    let h = &p.project;
    let f = &p.funds;
    let indicators: Vec<Json> = p
        .indicators
        .iter()
        .zip(&e.indicators)
        .enumerate()
        .map(|(i, (ind, sc))| {
            json!({
                "index": i,
                "level1": ind.level1,
                "level2": ind.level2,
                "name": ind.name,
                "target": ind.target,
                "actual": ind.actual,
                "weight": dec(ind.weight),
                "self_score": opt(ind.self_score),
                "review_score": opt(ind.review_score),
                "computed_score": opt(sc.score),
                "outcome": outcome(sc.outcome),
                "direction": sc.direction,
                "deviation": ind.deviation,
                "trace": { "rule": sc.trace.rule, "formula": sc.trace.formula, "source": sc.trace.source },
            })
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": format!("jixiao {}", env!("CARGO_PKG_VERSION")),
        "project": {
            "name": h.name,
            "year": h.year,
            "level": h.level,
            "code": h.code,
            "department": h.department,
            "implementer": h.implementer,
        },
        "funds": {
            "unit": "万元",
            "initial": f.initial.map_or(Json::Null, money),
            "annual": money(f.annual),
            "executed": money(f.executed),
            "sources": f.sources.iter().map(|s| json!({
                "name": s.name,
                "initial": s.initial.map_or(Json::Null, money),
                "annual": money(s.annual),
                "executed": money(s.executed),
            })).collect::<Vec<_>>(),
        },
        "goals": { "expected": p.goals.expected, "actual": p.goals.actual },
        "statement": {
            "total": opt(p.statement.total),
            "grade": p.statement.grade,
            "problems": p.statement.problems,
            "measures": p.statement.measures,
        },
        "narrative": p.report,
        "evaluation": {
            "policy": { "name": policy.name, "title": policy.title, "source": policy.source },
            "execution": {
                "rate": opt(e.execution.rate.map(|r| r.round_dp(6))),
                "weight": dec(e.execution.weight),
                "self_score": opt(f.self_score),
                "computed_score": opt(e.execution.score),
                "trace": { "rule": e.execution.trace.rule, "formula": e.execution.trace.formula, "source": e.execution.trace.source },
            },
            "indicators": indicators,
            "groups": e.groups.iter().map(|g| json!({
                "name": g.name,
                "weight": dec(g.weight),
                "computed_score": dec(g.score),
                "self_score": opt(g.self_score),
            })).collect::<Vec<_>>(),
            "applicable_weight": dec(e.applicable_weight),
            "total": dec(e.total),
            "grade": e.grade,
            "complete": e.complete,
            "self_total": opt(e.self_total),
        },
        "findings": e.findings.iter().map(|x| json!({
            "code": x.code,
            "severity": x.severity,
            "path": x.path,
            "message": x.message,
            "advice": x.advice,
        })).collect::<Vec<_>>(),
    })
}

/// The export as pretty-printed UTF-8 JSON.
pub fn render(p: &Project, e: &Evaluation, policy: &Policy) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(&value(p, e, policy))?;
    bytes.push(b'\n');
    Ok(bytes)
}
