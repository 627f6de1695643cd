//! Every code of the findings catalogue: a case that fires it and a near miss that must not.

mod support;

use jixiao_core::Code;
use jixiao_core::scoring::Outcome;
use jixiao_core::{CATALOGUE, FundSource, Grade, Severity};
use rust_decimal::Decimal;
use support::*;

#[test]
fn a_clean_project_has_no_findings() {
    let e = eval(&clean());
    assert!(e.findings.is_empty(), "{:#?}", e.findings);
    assert_eq!(e.total, d("99.8"));
}

#[test]
fn catalogue_codes_are_unique_kebab_case() {
    let mut codes: Vec<&str> = CATALOGUE.iter().map(|e| e.key).collect();
    assert!(
        codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
    );
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), CATALOGUE.len());
}

#[test]
fn weights_sum() {
    let mut p = clean();
    p.indicators[0].weight = Decimal::from(25);
    let e = eval(&p);
    let f = findings(&e, Code::WeightsSum);
    assert!(
        f.iter()
            .any(|f| f.message.contains("105") && f.severity() == Severity::Error),
        "{f:#?}"
    );
    // Stated level weights that the rows do not add up to.
    let mut p = clean();
    p.statement
        .level_weights
        .insert("产出指标".into(), Decimal::from(50));
    p.statement
        .level_weights
        .insert("效益指标".into(), Decimal::from(20));
    let f = the(&eval(&p), Code::WeightsSum);
    assert!(
        f.message.contains("效益指标") && f.message.contains("20") && f.message.contains("30"),
        "{}",
        f.message
    );
    // Not: weights that add up, level weights that agree (产出 written without 指标).
    let mut p = clean();
    p.statement
        .level_weights
        .insert("产出".into(), Decimal::from(50));
    assert!(!fires(&p, Code::WeightsSum));
}

#[test]
fn score_out_of_range() {
    let mut p = clean();
    p.indicators[0].self_score = Some(Decimal::from(25));
    let f = the(&eval(&p), Code::ScoreOutOfRange);
    assert!(
        f.message.contains("培训场次")
            && f.message.contains("25")
            && f.path == "indicators[0].self_score"
    );
    let mut p = clean();
    p.indicators[0].review_score = Some(Decimal::from(-1));
    assert!(fires(&p, Code::ScoreOutOfRange));
    let mut p = clean();
    p.funds.self_score = Some(Decimal::from(11));
    assert!(fires(&p, Code::ScoreOutOfRange));
    let mut p = clean();
    p.indicators[0].self_score = Some(Decimal::from(20));
    assert!(!fires(&p, Code::ScoreOutOfRange));
}

#[test]
fn score_outside_band() {
    let mut p = clean();
    p.indicators[3].target = "显著提升".into();
    p.indicators[3].actual = "部分达成".into();
    p.indicators[3].deviation = Some("部分镇街宣传覆盖不足".into());
    p.indicators[3].self_score = Some(Decimal::from(27));
    let f = the(&eval(&p), Code::ScoreOutsideBand);
    assert!(
        f.message.contains("政策知晓率")
            && f.message.contains("[18, 24)")
            && f.message.contains("27"),
        "{}",
        f.message
    );
    // Inside the band: 7 of 10 scaled, 21 of 30.
    p.indicators[3].self_score = Some(Decimal::from(21));
    assert!(!fires(&p, Code::ScoreOutsideBand));
    // The top band includes the full weight.
    p.indicators[3].actual = "达成".into();
    p.indicators[3].self_score = Some(Decimal::from(30));
    assert!(!fires(&p, Code::ScoreOutsideBand));
}

#[test]
fn band_edges_are_the_same_for_scoring_and_findings() {
    // An edge belongs to the higher band (docs/scoring.md): 24 of 30 is 80%, the bottom of 达成 and
    // outside 部分达成; 18 is 60%, inside 部分达成. Scoring and the finding agree on both.
    let mut p = clean();
    p.indicators[3].target = "显著提升".into();
    p.indicators[3].actual = "部分达成".into();
    p.indicators[3].deviation = Some("部分镇街宣传覆盖不足".into());
    p.indicators[3].self_score = Some(Decimal::from(24));
    let e = eval(&p);
    assert!(e.has_finding(Code::ScoreOutsideBand));
    assert_eq!(
        e.indicators[3].score,
        Some(d("23.99")),
        "brought under the edge"
    );
    p.indicators[3].self_score = Some(Decimal::from(18));
    let e = eval(&p);
    assert!(!e.has_finding(Code::ScoreOutsideBand));
    assert_eq!(e.indicators[3].score, Some(d("18")), "kept");
    // 达成 from its lower edge to the full weight, both kept and not flagged.
    p.indicators[3].actual = "达成".into();
    for s in [24, 30] {
        p.indicators[3].self_score = Some(Decimal::from(s));
        let e = eval(&p);
        assert!(!e.has_finding(Code::ScoreOutsideBand), "{s}");
        assert_eq!(e.indicators[3].score, Some(Decimal::from(s)));
    }
    // 未达成 ends just under 60%: 18 is flagged and brought to 17.99.
    p.indicators[3].actual = "未达成".into();
    p.indicators[3].self_score = Some(Decimal::from(18));
    let e = eval(&p);
    assert!(e.has_finding(Code::ScoreOutsideBand));
    assert_eq!(e.indicators[3].score, Some(d("17.99")));
}

#[test]
fn missing_actual() {
    let mut p = clean();
    p.indicators[1].actual = "".into();
    let e = eval(&p);
    let f = the(&e, Code::MissingActual);
    assert!(f.message.contains("培训合格率") && f.severity() == Severity::Error);
    assert_eq!(e.indicators[1].score, Some(Decimal::ZERO));
    // A dash against a numeric target is a blank cell, not a row declared not applicable.
    for dash in ["/", "—", "／"] {
        p.indicators[1].actual = dash.into();
        let e = eval(&p);
        assert!(e.has_finding(Code::MissingActual), "{dash}");
        assert_eq!(e.indicators[1].outcome, Outcome::Missing, "{dash}");
        assert_eq!(e.indicators[1].score, Some(Decimal::ZERO), "{dash}");
    }
    // Not: both target and actual a dash (the row is not applicable), 不适用 in words, 无 (nothing
    // of the kind arose), a zero.
    p.indicators[1].target = "/".into();
    p.indicators[1].actual = "/".into();
    assert!(!fires(&p, Code::MissingActual));
    assert_eq!(eval(&p).indicators[1].outcome, Outcome::NotApplicable);
    p.indicators[1].target = "≥95%".into();
    for words in ["不适用", "无"] {
        p.indicators[1].actual = words.into();
        assert!(!fires(&p, Code::MissingActual), "{words}");
        assert_eq!(eval(&p).indicators[1].outcome, Outcome::NotApplicable);
    }
    // A dash against words is not applicable too.
    p.indicators[1].target = "显著提升".into();
    p.indicators[1].actual = "/".into();
    assert!(!fires(&p, Code::MissingActual));
    p.indicators[1].target = "≥95%".into();
    p.indicators[1].actual = "0%".into();
    assert!(!fires(&p, Code::MissingActual), "zero is an answer");
}

#[test]
fn value_unparsed() {
    let mut p = clean();
    p.indicators[0].target = "≥".into();
    let f = the(&eval(&p), Code::ValueUnparsed);
    assert!(
        f.message.contains("培训场次")
            && f.message.contains("年度指标值")
            && f.path == "indicators[0].target"
    );
    assert!(!fires(&clean(), Code::ValueUnparsed));
}

#[test]
fn executed_exceeds_budget() {
    let mut p = clean();
    p.funds.executed = d("100.01");
    let f = the(&eval(&p), Code::ExecutedExceedsBudget);
    assert!(
        f.message.contains("100.01") && f.message.contains("100.00"),
        "{}",
        f.message
    );
    p.funds.executed = d("100");
    assert!(!fires(&p, Code::ExecutedExceedsBudget));
}

#[test]
fn funds_sum_mismatch() {
    let mut p = clean();
    p.funds.sources = vec![
        FundSource {
            name: "当年财政拨款".into(),
            initial: None,
            annual: d("90"),
            executed: d("88"),
        },
        FundSource {
            name: "上年结转".into(),
            initial: None,
            annual: d("9"),
            executed: d("10"),
        },
    ];
    let f = the(&eval(&p), Code::FundsSumMismatch);
    assert!(
        f.message.contains("99.00") && f.message.contains("100.00") && f.path == "funds.annual",
        "{}",
        f.message
    );
    p.funds.sources[1].annual = d("10");
    assert!(!fires(&p, Code::FundsSumMismatch));
}

fn stated(p: &mut jixiao_core::Project) {
    p.funds.self_score = Some(d("9.8"));
    for i in &mut p.indicators {
        i.self_score = Some(i.weight);
    }
}

#[test]
fn total_mismatch() {
    let mut p = clean();
    stated(&mut p);
    p.statement.total = Some(d("100"));
    let f = the(&eval(&p), Code::TotalMismatch);
    assert!(
        f.message.contains("100") && f.message.contains("99.8"),
        "{}",
        f.message
    );
    p.statement.total = Some(d("99.8"));
    assert!(!fires(&p, Code::TotalMismatch));
    // Without the execution self-score (or any self-score) the stated total is still checked: the rows
    // left blank count with their computed score (execution 9.8 here).
    let mut p = clean();
    stated(&mut p);
    p.funds.self_score = None;
    p.statement.total = Some(d("100"));
    let f = the(&eval(&p), Code::TotalMismatch);
    assert!(
        f.message.contains("99.8") && f.message.contains("1 项未填自评得分"),
        "{}",
        f.message
    );
    p.statement.total = Some(d("99.8"));
    assert!(!fires(&p, Code::TotalMismatch));
    let mut p = clean();
    p.statement.total = Some(d("95"));
    assert!(fires(&p, Code::TotalMismatch), "no self-score at all");
    p.statement.total = Some(d("99.8"));
    assert!(!fires(&p, Code::TotalMismatch));
    // A total rescaled for a row not applicable is accepted: 89.8 of the applicable 90 is 99.78.
    let mut p = clean();
    stated(&mut p);
    p.indicators[4].target = "/".into();
    p.indicators[4].actual = "/".into();
    p.indicators[4].self_score = None;
    p.statement.total = Some(d("99.78"));
    assert!(!fires(&p, Code::TotalMismatch));
    p.statement.total = Some(d("89.8"));
    assert!(!fires(&p, Code::TotalMismatch));
    p.statement.total = Some(d("100"));
    assert!(fires(&p, Code::TotalMismatch));
}

#[test]
fn actual_not_done() {
    // Real wording: 因疫情影响未开展, 因故取消, 延期至次年实施, 暂停实施.
    for actual in [
        "因疫情影响未开展",
        "该活动因故取消",
        "延期至次年实施",
        "项目暂停实施",
        "尚未完成验收",
    ] {
        let mut p = clean();
        p.indicators[0].actual = actual.into();
        p.indicators[0].self_score = Some(Decimal::from(20));
        let e = eval(&p);
        let f = the(&e, Code::ActualNotDone);
        assert!(
            f.message.contains("培训场次") && f.message.contains(actual),
            "{}",
            f.message
        );
        // Not achieved: no full marks, even with a full self-score (the band stops under 60%).
        assert_eq!(e.indicators[0].score, Some(d("11.99")), "{actual}");
        assert!(fires(&p, Code::ScoreOutsideBand));
    }
    // Not: the negation negated, or work done.
    let mut p = clean();
    p.indicators[2].actual = "按时完成，未延期".into();
    assert!(!fires(&p, Code::ActualNotDone));
    p.indicators[0].actual = "已开展12场".into();
    assert!(!fires(&p, Code::ActualNotDone));
}

#[test]
fn value_assumed() {
    let mut p = clean();
    p.indicators[1].actual = "0.97".into();
    let e = eval(&p);
    let f = the(&e, Code::ValueAssumed);
    assert!(
        f.message.contains("0.97") && f.message.contains("97%") && f.path == "indicators[1].actual",
        "{}",
        f.message
    );
    assert_eq!(e.indicators[1].score, Some(d("20")));
    p.indicators[1].actual = "97".into();
    assert!(fires(&p, Code::ValueAssumed));
    // Not: the % written.
    p.indicators[1].actual = "97%".into();
    assert!(!fires(&p, Code::ValueAssumed));
}

#[test]
fn grade_mismatch() {
    let mut p = clean();
    p.statement.total = Some(d("89.5"));
    p.statement.grade = Some(Grade::Excellent);
    let f = the(&eval(&p), Code::GradeMismatch);
    assert!(
        f.message.contains("优") && f.message.contains("良") && f.message.contains("89.5"),
        "{}",
        f.message
    );
    p.statement.grade = Some(Grade::Good);
    assert!(!fires(&p, Code::GradeMismatch));
}

#[test]
fn self_score_above_and_below_computed() {
    let mut p = clean();
    p.indicators[0].actual = "8场".into(); // 20 × 8/10 = 16
    p.indicators[0].deviation = Some("两场因疫情延期".into());
    p.indicators[0].self_score = Some(Decimal::from(20));
    let e = eval(&p);
    let f = the(&e, Code::SelfScoreAboveComputed);
    assert!(
        f.message.contains("培训场次")
            && f.message.contains("20")
            && f.message.contains("16")
            && f.severity() == Severity::Warning
    );
    p.indicators[0].self_score = Some(Decimal::from(14));
    let e = eval(&p);
    assert_eq!(
        the(&e, Code::SelfScoreBelowComputed).severity(),
        Severity::Info
    );
    assert!(!e.has_finding(Code::SelfScoreAboveComputed));
    p.indicators[0].self_score = Some(Decimal::from(16));
    let e = eval(&p);
    assert!(
        !e.has_finding(Code::SelfScoreAboveComputed)
            && !e.has_finding(Code::SelfScoreBelowComputed)
    );
    // The execution score is compared too: 9.8 computed.
    let mut p = clean();
    p.funds.self_score = Some(Decimal::from(10));
    assert!(
        the(&eval(&p), Code::SelfScoreAboveComputed)
            .message
            .contains("预算执行率")
    );
}

#[test]
fn target_overshoot() {
    let mut p = clean();
    p.indicators[0].actual = "13场".into(); // 130%
    p.indicators[0].deviation = Some("需求增加".into());
    let f = the(&eval(&p), Code::TargetOvershoot);
    assert!(
        f.message.contains("培训场次") && f.message.contains("130%"),
        "{}",
        f.message
    );
    p.indicators[0].actual = "12.9场".into();
    assert!(!fires(&p, Code::TargetOvershoot));
    // Reverse indicators cannot overshoot.
    let mut p = clean();
    p.indicators[1].target = "≤5%".into();
    p.indicators[1].actual = "1%".into();
    assert!(!fires(&p, Code::TargetOvershoot));
}

#[test]
fn deviation_unexplained() {
    let mut p = clean();
    p.indicators[1].actual = "90%".into();
    let f = the(&eval(&p), Code::DeviationUnexplained);
    assert!(f.message.contains("培训合格率") && f.message.contains("未完成"));
    p.indicators[1].deviation = Some("无".into());
    assert!(fires(&p, Code::DeviationUnexplained), "无 explains nothing");
    p.indicators[1].deviation = Some("部分学员缺考，下年加强考前辅导".into());
    assert!(!fires(&p, Code::DeviationUnexplained));
}

#[test]
fn deadline_missed() {
    let mut p = clean();
    p.indicators[2].actual = "2024年1月15日".into();
    p.indicators[2].deviation = Some("场地延误".into());
    let f = the(&eval(&p), Code::DeadlineMissed);
    assert!(f.message.contains("完成时间") && f.message.contains("2024年1月15日"));
    p.indicators[2].actual = "2023年12月31日".into();
    assert!(!fires(&p, Code::DeadlineMissed));
}

#[test]
fn budget_adjusted() {
    let mut p = clean();
    p.funds.initial = Some(d("150"));
    let f = the(&eval(&p), Code::BudgetAdjusted);
    assert!(
        f.message.contains("150.00")
            && f.message.contains("100.00")
            && f.message.contains("调减 33.33%"),
        "{}",
        f.message
    );
    p.funds.initial = Some(d("130"));
    assert!(!fires(&p, Code::BudgetAdjusted));
    p.funds.initial = None;
    assert!(!fires(&p, Code::BudgetAdjusted));
}

#[test]
fn execution_low() {
    let mut p = clean();
    p.funds.executed = d("89.99");
    let f = the(&eval(&p), Code::ExecutionLow);
    assert!(f.message.contains("89.99%"), "{}", f.message);
    p.funds.executed = d("90");
    assert!(!fires(&p, Code::ExecutionLow));
}

#[test]
fn weights_nonstandard() {
    let mut p = clean();
    p.indicators[0].weight = Decimal::from(30);
    p.indicators[3].weight = Decimal::from(20);
    let f = the(&eval(&p), Code::WeightsNonstandard);
    assert!(
        f.message.contains("产出指标 60（标准 50）")
            && f.message.contains("效益指标 20（标准 30）"),
        "{}",
        f.message
    );
    assert_eq!(f.severity(), Severity::Info);
    assert!(!fires(&clean(), Code::WeightsNonstandard));
}

#[test]
fn single_indicator_dominates() {
    let mut p = clean();
    p.indicators[0].weight = Decimal::from(50);
    p.indicators[1].weight = Decimal::from(0);
    p.indicators[2].weight = Decimal::from(0);
    p.indicators[3].weight = Decimal::from(30);
    let f = the(&eval(&p), Code::SingleIndicatorDominates);
    assert!(
        f.message.contains("培训场次") && f.message.contains("55.6%"),
        "{}",
        f.message
    );
    let mut p = clean();
    p.indicators[3].weight = Decimal::from(45); // exactly half of 90 does not dominate
    p.indicators[0].weight = Decimal::from(5);
    assert!(!fires(&p, Code::SingleIndicatorDominates));
}

#[test]
fn unit_mismatch() {
    let mut p = clean();
    p.indicators[1].actual = "1000件".into();
    p.indicators[1].self_score = Some(Decimal::from(20));
    let e = eval(&p);
    let f = the(&e, Code::UnitMismatch);
    assert!(
        f.message.contains("%") && f.message.contains("件") && f.message.contains("培训合格率")
    );
    // The self-score stands (not silently replaced by a formula), and the total says so through the finding.
    assert_eq!(e.indicators[1].score, Some(Decimal::from(20)));
    let mut p = clean();
    p.indicators[0].actual = "12场次".into();
    assert!(
        !fires(&p, Code::UnitMismatch),
        "场 and 场次 are the same unit"
    );
}

#[test]
fn qualitative_actual() {
    let mut p = clean();
    p.indicators[0].actual = "达成预期指标".into();
    let f = the(&eval(&p), Code::QualitativeActual);
    assert!(f.message.contains("培训场次") && f.message.contains("达成预期指标"));
    let mut p = clean();
    p.indicators[0].actual = "全年举办培训12场".into();
    assert!(!fires(&p, Code::QualitativeActual));
    // A deadline answered with 按期完成 is a fine answer.
    let mut p = clean();
    p.indicators[2].actual = "按期完成".into();
    assert!(!fires(&p, Code::QualitativeActual));
}

#[test]
fn satisfaction_not_a_rate() {
    let mut p = clean();
    p.indicators[4].name = "走访服务对象".into();
    p.indicators[4].target = "20人次".into();
    p.indicators[4].actual = "20人次".into();
    let f = the(&eval(&p), Code::SatisfactionNotARate);
    assert!(f.message.contains("走访服务对象") && f.message.contains("20人次"));
    let mut p = clean();
    p.indicators[4].target = "满意".into();
    p.indicators[4].actual = "满意".into();
    assert!(
        !fires(&p, Code::SatisfactionNotARate),
        "a qualitative satisfaction indicator is a satisfaction"
    );
    assert!(!fires(&clean(), Code::SatisfactionNotARate));
}

#[test]
fn all_full_marks() {
    let mut p = clean();
    p.funds.executed = d("100");
    stated(&mut p);
    p.funds.self_score = Some(Decimal::TEN);
    let f = the(&eval(&p), Code::AllFullMarks);
    assert!(f.message.contains('5'));
    p.indicators[4].self_score = Some(Decimal::from(9));
    assert!(!fires(&p, Code::AllFullMarks));
}

#[test]
fn problems_none() {
    let mut p = clean();
    p.statement.problems = Some("无".into());
    p.report.problems = "宣传覆盖面有待扩大。".into();
    let f = the(&eval(&p), Code::ProblemsNone);
    assert!(f.message.contains("存在问题"));
    // Deviations explained on indicators contradict 无 too.
    let mut p = clean();
    p.statement.problems = Some("无".into());
    p.indicators[0].deviation = Some("两场延期".into());
    assert!(fires(&p, Code::ProblemsNone));
    // 无 on a project with nothing to question is fine, and so is a stated problem.
    let mut p = clean();
    p.statement.problems = Some("无".into());
    assert!(!fires(&p, Code::ProblemsNone));
    let mut p = clean();
    p.statement.problems = Some("宣传覆盖面有待扩大".into());
    p.report.problems = "宣传覆盖面有待扩大。".into();
    assert!(!fires(&p, Code::ProblemsNone));
}

#[test]
fn benefit_is_output() {
    let mut p = clean();
    p.indicators[3].name = "媒体报道".into();
    p.indicators[3].target = "5篇".into();
    p.indicators[3].actual = "5篇".into();
    let f = the(&eval(&p), Code::BenefitIsOutput);
    assert!(f.message.contains("媒体报道"));
    assert!(!fires(&clean(), Code::BenefitIsOutput));
    // The same count under 产出 is an output, as it should be.
    let mut p = clean();
    p.indicators[0].target = "5篇".into();
    p.indicators[0].actual = "5篇".into();
    assert!(!fires(&p, Code::BenefitIsOutput));
}

#[test]
fn vague_target() {
    let mut p = clean();
    p.indicators[3].target = "进一步提升".into();
    p.indicators[3].actual = "达成".into();
    let f = the(&eval(&p), Code::VagueTarget);
    assert!(f.message.contains("进一步提升"));
    let mut p = clean();
    p.indicators[3].target = "出台实施细则".into();
    p.indicators[3].actual = "已出台".into();
    assert!(!fires(&p, Code::VagueTarget));
}

#[test]
fn cost_as_its_own_group_counts_with_outputs() {
    // 财预〔2021〕101号: 成本指标 beside 产出指标; together they carry the standard 50.
    let mut p = clean();
    let cost = p
        .indicators
        .iter()
        .position(|i| i.level1 == "产出指标")
        .unwrap();
    p.indicators[cost].level1 = "成本指标".into();
    p.indicators[cost].level2 = "经济成本指标".into();
    assert!(!fires(&p, Code::WeightsNonstandard));
    // A group nobody knows is still named.
    p.indicators[cost].level1 = "其他指标".into();
    assert!(
        the(&eval(&p), Code::WeightsNonstandard)
            .message
            .contains("其他指标")
    );
}

#[test]
fn every_catalogue_code_is_tested() {
    // The goal and monitoring checks are fired by their modules' tests.
    let source = [
        include_str!("findings.rs"),
        include_str!("../src/goals/tests.rs"),
        include_str!("../src/monitoring/tests.rs"),
    ]
    .concat();
    // The importer's own codes are fired by the importer's tests.
    let import_tests = [
        include_str!("../../jixiao-io/tests/import_published.rs"),
        include_str!("../../jixiao-io/tests/import_xlsx.rs"),
        include_str!("../../jixiao-io/tests/verify.rs"),
    ]
    .concat();
    for entry in CATALOGUE {
        let tests = if entry.key.starts_with("import-") {
            import_tests.as_str()
        } else {
            source.as_str()
        };
        let variant = format!("Code::{:?}", entry.code);
        assert!(
            tests.contains(&format!("{variant})"))
                || tests.contains(&format!("{variant},"))
                || tests.contains(&format!("\"{}\"", entry.key)),
            "no test fires {}",
            entry.key
        );
    }
}

#[test]
fn docs_findings_md_is_the_catalogue() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/findings.md");
    let want = jixiao_core::catalogue::markdown();
    if std::env::var_os("JIXIAO_UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let got = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        got == want,
        "docs/findings.md is not the catalogue: JIXIAO_UPDATE_DOCS=1 cargo test -p jixiao-core --test findings"
    );
}
