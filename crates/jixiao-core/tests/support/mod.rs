//! A small, clean project to vary in tests: standard weights, every target met, no findings.
#![allow(dead_code)]

use jixiao_core::Code;
use std::str::FromStr;

use jixiao_core::{
    Evaluation, Finding, Funds, Goals, Header, Indicator, Narrative, Policy, Project, Statement,
};
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn indicator(
    level1: &str,
    level2: &str,
    name: &str,
    target: &str,
    actual: &str,
    weight: i64,
) -> Indicator {
    Indicator {
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target: target.into(),
        actual: actual.into(),
        weight: Decimal::from(weight),
        self_score: None,
        review_score: None,
        deviation: None,
        direction: None,
    }
}

pub fn clean() -> Project {
    Project {
        project: Header {
            name: "基层干部培训项目".into(),
            year: 2023,
            level: Some("二级".into()),
            department: "某区委组织部".into(),
            implementer: "某区委党校".into(),
            code: None,
            kind: Default::default(),
        },
        funds: Funds {
            initial: Some(d("100")),
            annual: d("100"),
            executed: d("98"),
            execution_weight: Decimal::TEN,
            self_score: None,
            review_score: None,
            sources: vec![],
        },
        goals: Goals {
            expected: "完成基层干部培训".into(),
            actual: "已完成".into(),
        },
        indicators: vec![
            indicator("产出指标", "数量指标", "培训场次", "≥10场", "12场", 20),
            indicator("产出指标", "质量指标", "培训合格率", "≥95%", "97%", 20),
            indicator(
                "产出指标",
                "时效指标",
                "完成时间",
                "2023年12月31日前",
                "2023年11月30日",
                10,
            ),
            indicator("效益指标", "社会效益指标", "政策知晓率", "≥80%", "85%", 30),
            indicator(
                "满意度指标",
                "服务对象满意度指标",
                "参训人员满意度",
                "≥90%",
                "93%",
                10,
            ),
        ],
        statement: Statement::default(),
        report: Narrative::default(),
    }
}

pub fn eval(p: &Project) -> Evaluation {
    jixiao_core::evaluate(p, &Policy::default_policy())
}

pub fn findings(e: &Evaluation, code: Code) -> Vec<&Finding> {
    e.findings.iter().filter(|f| f.code == code).collect()
}

/// The one finding with this code; fails the test if there is none or several.
pub fn the(e: &Evaluation, code: Code) -> Finding {
    let f = findings(e, code);
    assert_eq!(
        f.len(),
        1,
        "expected exactly one {code}, got {:#?}",
        e.findings
    );
    f[0].clone()
}

pub fn fires(p: &Project, code: Code) -> bool {
    eval(p).has_finding(code)
}
