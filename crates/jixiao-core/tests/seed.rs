//! The acceptance of the core engine on the seed report (番禺区委组织部 2022 产业人才发展专项资金).

mod support;

use jixiao_core::Code;
use jixiao_core::{Grade, Project, Severity};
use support::*;

fn seed() -> Project {
    toml::from_str(include_str!("../../../examples/panyu-2022.toml"))
        .expect("the seed example is a valid project file")
}

#[test]
fn seed_scores_as_published() {
    let p = seed();
    assert!(p.validate().is_empty());
    let e = eval(&p);
    assert_eq!(e.execution.rate, Some(d("1")));
    assert_eq!(e.execution.score, Some(d("10.00")));
    assert_eq!(e.total, d("100.00"));
    assert_eq!(e.grade, Grade::Excellent);
    assert_eq!(e.self_total, Some(d("100")));
    assert!(e.complete);
    assert!(!e.has_errors(), "{:#?}", e.findings);
    assert!(e.findings.iter().all(|f| f.severity() != Severity::Error));
}

#[test]
fn seed_findings_are_what_a_reviewer_would_raise() {
    let e = eval(&seed());
    let adjusted = the(&e, Code::BudgetAdjusted);
    assert!(
        adjusted.message.contains("150.00") && adjusted.message.contains("14.53"),
        "{}",
        adjusted.message
    );

    let overshoots = findings(&e, Code::TargetOvershoot);
    assert_eq!(overshoots.len(), 2, "{overshoots:#?}");
    assert!(overshoots.iter().any(|f| f.message.contains("媒体报道")
        && f.message.contains("5篇")
        && f.message.contains("30")));
    assert!(
        overshoots
            .iter()
            .any(|f| f.message.contains("走访高层次人才")
                && f.message.contains("20人次")
                && f.message.contains("62"))
    );

    assert!(
        the(&e, Code::SatisfactionNotARate)
            .message
            .contains("走访高层次人才")
    );
    the(&e, Code::AllFullMarks);
    the(&e, Code::ProblemsNone);
    let qualitative = findings(&e, Code::QualitativeActual);
    assert!(
        qualitative
            .iter()
            .any(|f| f.message.contains("政策调研、咨询")),
        "{qualitative:#?}"
    );
    // The numeric answers are numbers: no qualitative-actual on them.
    assert!(
        !qualitative
            .iter()
            .any(|f| f.message.contains("媒体报道") || f.message.contains("走访"))
    );
}

#[test]
fn seed_sentence_actual_is_the_number_with_the_targets_unit() {
    let e = eval(&seed());
    let media = &e.indicators[4];
    assert_eq!(
        media.actual_number,
        Some(d("30")),
        "超30篇次, not the 22 of 22年度"
    );
    assert_eq!(e.indicators[5].actual_number, Some(d("62")));
}

#[test]
fn every_score_has_a_trace() {
    let e = eval(&seed());
    for s in &e.indicators {
        assert!(!s.trace.rule.is_empty() && !s.trace.formula.is_empty());
        assert!(s.trace.source.contains("财预〔2020〕10号"));
        assert!(s.trace.inputs.iter().any(|(k, _)| k == "年度指标值"));
    }
    assert_eq!(e.execution.trace.formula, "10 × min(100%, 100%) = 10");
}
