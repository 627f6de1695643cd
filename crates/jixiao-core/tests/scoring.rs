//! The worked numbers of docs/scoring.md, one test each, plus the scoring properties.

mod support;

use jixiao_core::Code;
use jixiao_core::model::Direction;
use jixiao_core::policy::{ReverseFormula, RoundMode};
use jixiao_core::scoring::{Outcome, score_execution, score_indicator};
use jixiao_core::{Grade, Policy};
use rust_decimal::Decimal;
use support::*;

fn score_with(
    policy: &Policy,
    target: &str,
    actual: &str,
    weight: i64,
    self_score: Option<i64>,
) -> rust_decimal::Decimal {
    let mut ind = indicator("产出指标", "数量指标", "测试指标", target, actual, weight);
    ind.self_score = self_score.map(rust_decimal::Decimal::from);
    score_indicator(&ind, policy, 2023).score.expect("scorable")
}

fn score(target: &str, actual: &str, weight: i64) -> rust_decimal::Decimal {
    score_with(&Policy::default_policy(), target, actual, weight, None)
}

#[test]
fn positive_missed_is_proportional() {
    assert_eq!(score("≥500人", "450人", 10), d("9.00"));
}

#[test]
fn reverse_missed_ratio_and_linear() {
    assert_eq!(score("≤200元", "250元", 10), d("8.00"));
    let mut linear = Policy::default_policy();
    linear.reverse.formula = ReverseFormula::Linear;
    assert_eq!(score_with(&linear, "≤200元", "250元", 10, None), d("7.50"));
    // Far over the ceiling: linear floors at 0, ratio never reaches it.
    assert_eq!(score_with(&linear, "≤200元", "500元", 10, None), d("0"));
    assert_eq!(score("≤200元", "500元", 10), d("4.00"));
}

#[test]
fn equality_target_counts_as_positive() {
    assert_eq!(score("=100%", "97%", 5), d("4.85"));
    assert_eq!(score("=100%", "100%", 5), d("5"));
}

#[test]
fn execution_rate_score() {
    let mut p = clean();
    p.funds.annual = d("100");
    p.funds.executed = d("86.5");
    let e = score_execution(&p.funds, &Policy::default_policy());
    assert_eq!(e.score, Some(d("8.65")));
    assert_eq!(e.rate, Some(d("0.865")));
    // Over-execution is capped at the weight.
    p.funds.executed = d("120");
    assert_eq!(
        score_execution(&p.funds, &Policy::default_policy()).score,
        Some(d("10"))
    );
    // Integer variant: 97.8% → 9.
    let mut integer = Policy::default_policy();
    integer.execution.integer = true;
    p.funds.executed = d("97.8");
    assert_eq!(score_execution(&p.funds, &integer).score, Some(d("9")));
    // No annual budget: not applicable.
    p.funds.annual = d("0");
    assert_eq!(
        score_execution(&p.funds, &Policy::default_policy()).score,
        None
    );
}

#[test]
fn zero_targets() {
    assert_eq!(score("0起", "1起", 10), d("0"));
    assert_eq!(score("0起", "0起", 10), d("10"));
    assert_eq!(
        score("0起", "无", 10),
        d("10"),
        "无 against a zero target means none happened"
    );
    assert_eq!(score("≤0起", "2起", 10), d("0"));
}

#[test]
fn negative_actuals_count_as_zero() {
    assert_eq!(score("≥10%", "-5%", 10), d("0"));
}

#[test]
fn qualitative_bands() {
    let p = Policy::default_policy();
    assert_eq!(score_with(&p, "显著提升", "部分达成", 10, Some(7)), d("7"));
    // Outside its band: the score is brought into the band (and the checker reports it).
    // The band [60%, 80%) stops just under 8 at the policy's two places.
    assert_eq!(
        score_with(&p, "显著提升", "部分达成", 10, Some(9)),
        d("7.99")
    );
    assert_eq!(score_with(&p, "显著提升", "未达成", 10, Some(9)), d("5.99"));
    assert_eq!(score_with(&p, "显著提升", "未达成", 10, Some(3)), d("3"));
    // Without a self-score: 达成 gets the full weight, the lower levels the bottom of their band.
    assert_eq!(
        score_with(&p, "显著提升", "达成预期指标", 10, None),
        d("10")
    );
    assert_eq!(score_with(&p, "显著提升", "部分达成", 10, None), d("6"));
    let old = Policy::builtin("mof-2017").unwrap();
    assert_eq!(score_with(&old, "显著提升", "部分达成", 10, None), d("5"));
    assert_eq!(
        score_with(&old, "显著提升", "部分达成", 10, Some(5)),
        d("5")
    );
}

#[test]
fn deadlines() {
    assert_eq!(score("2023年12月31日前", "2023年11月", 10), d("10"));
    assert_eq!(score("12月底前", "2023年12月20日", 10), d("10"));
    let mut ind = indicator(
        "产出指标",
        "时效指标",
        "完成时间",
        "2023年6月30日前",
        "2023年9月",
        10,
    );
    let late = score_indicator(&ind, &Policy::default_policy(), 2023);
    assert_eq!(late.outcome, Outcome::Missed);
    assert_eq!(
        late.score,
        Some(d("0")),
        "late without a self-score: 未达成, bottom of its band"
    );
    ind.self_score = Some(d("5"));
    assert_eq!(
        score_indicator(&ind, &Policy::default_policy(), 2023).score,
        Some(d("5"))
    );
}

#[test]
fn score_never_exceeds_weight_and_overshoot_deduction_is_optional() {
    assert_eq!(score("5篇", "30篇", 15), d("15"));
    let mut p = Policy::default_policy();
    p.overshoot.deduct = true;
    // 600% of target: deviation 500% × 10%/100% = 50%, at the 50% cap.
    assert_eq!(score_with(&p, "5篇", "30篇", 15, None), d("7.50"));
    // 140%: 40% × 10% = 4% off.
    assert_eq!(score_with(&p, "≥10场", "14场", 10, None), d("9.60"));
    // Below the threshold nothing is taken off.
    assert_eq!(score_with(&p, "≥10场", "12场", 10, None), d("10"));
}

#[test]
fn rounding_options() {
    let mut p = Policy::default_policy();
    // 10 × 2 / 3 = 6.666…
    assert_eq!(score_with(&p, "≥3场", "2场", 10, None), d("6.67"));
    p.rounding.mode = RoundMode::Truncate;
    assert_eq!(score_with(&p, "≥3场", "2场", 10, None), d("6.66"));
    p.rounding.places = 0;
    assert_eq!(score_with(&p, "≥3场", "2场", 10, None), d("6"));
}

#[test]
fn cost_figures_under_cost_indicators_are_reverse() {
    let ind = indicator(
        "产出指标",
        "成本指标",
        "项目计划总投资",
        "20万元",
        "22万元",
        10,
    );
    let s = score_indicator(&ind, &Policy::default_policy(), 2023);
    assert_eq!(s.direction, Direction::Reverse);
    assert_eq!(s.score, Some(d("9.09")));
    // Units convert exactly: 180000元 is 18万元, within the ceiling.
    let ind = indicator(
        "产出指标",
        "成本指标",
        "项目计划总投资",
        "≤20万元",
        "180000元",
        10,
    );
    assert_eq!(
        score_indicator(&ind, &Policy::default_policy(), 2023).score,
        Some(d("10"))
    );
}

#[test]
fn not_applicable_rescales_the_total() {
    let mut p = clean();
    p.funds.executed = p.funds.annual; // 10
    p.indicators[3].weight = rust_decimal::Decimal::from(20); // 效益 20 + NA 10 = 30
    p.indicators.push(indicator(
        "效益指标",
        "经济效益指标",
        "带动产值",
        "/",
        "/",
        10,
    ));
    p.indicators[0].actual = "6场".into(); // 20 × 6/10 = 12 → 8 points lost
    let e = eval(&p);
    assert_eq!(e.applicable_weight, d("90"));
    assert_eq!(e.raw_total, d("82"));
    // 82 over the applicable 90, on the 100-point scale.
    assert_eq!(e.total, d("91.11"));
    assert_eq!(e.grade, Grade::Excellent);
    let mut no_rescale = Policy::default_policy();
    no_rescale.not_applicable.rescale = false;
    assert_eq!(jixiao_core::evaluate(&p, &no_rescale).total, d("82"));
}

#[test]
fn not_applicable_rows_rescale_to_100_not_to_the_sum_of_the_weights() {
    // Weights that add up to 120 (a weights-sum error of its own): with 20 of them not applicable,
    // the applicable 100 are the whole scale and the total is not stretched to 110.
    let mut p = clean();
    p.funds.executed = p.funds.annual;
    p.indicators.push(indicator(
        "效益指标",
        "经济效益指标",
        "带动产值",
        "/",
        "/",
        10,
    ));
    p.indicators.push(indicator(
        "效益指标",
        "经济效益指标",
        "带动就业",
        "/",
        "/",
        10,
    ));
    p.indicators[0].actual = "6场".into(); // 20 × 6/10 = 12
    let e = eval(&p);
    assert_eq!(e.applicable_weight, d("100"));
    assert_eq!(e.raw_total, d("92"));
    assert_eq!(
        e.total,
        d("92"),
        "100 applicable points are already the 100-point scale"
    );
    // One of them applicable after all (10 more points, 0 scored): 92 of 110 → 83.64 on 100, not on 120.
    p.indicators[6].target = "≥5人".into();
    p.indicators[6].actual = "0人".into();
    let e = eval(&p);
    assert_eq!(e.applicable_weight, d("110"));
    assert_eq!(e.total, d("83.64"));
    // With weights that add up to 100, 90 applicable: 82 → 91.11, as before.
    let mut p = clean();
    p.funds.executed = p.funds.annual;
    p.indicators[3].weight = Decimal::from(20);
    p.indicators.push(indicator(
        "效益指标",
        "经济效益指标",
        "带动产值",
        "/",
        "/",
        10,
    ));
    p.indicators[0].actual = "6场".into();
    assert_eq!(eval(&p).total, d("91.11"));
}

#[test]
fn grades_follow_the_total() {
    let p = Policy::default_policy();
    assert_eq!(p.grade(d("89.5")), Grade::Good);
    assert_eq!(p.grade(d("90")), Grade::Excellent);
    assert_eq!(p.grade(d("80")), Grade::Good);
    assert_eq!(p.grade(d("79.99")), Grade::Fair);
    assert_eq!(p.grade(d("59.99")), Grade::Poor);
}

#[test]
fn unreadable_values_are_not_guessed_and_do_not_stop_the_rest() {
    let mut p = clean();
    p.indicators[1].actual = "检查12家，抽查5家".into();
    let e = eval(&p);
    assert_eq!(e.indicators[1].outcome, Outcome::Unscorable);
    assert_eq!(e.indicators[1].score, None);
    assert!(!e.complete);
    // The others are still scored: 9.8 + 20 + 10 + 30 + 10.
    assert_eq!(e.total, d("79.8"));
    let f = the(&e, Code::ValueUnparsed);
    assert!(
        f.message.contains("培训合格率") && f.message.contains("检查12家，抽查5家"),
        "{}",
        f.message
    );
    assert!(e.has_errors());
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn policy() -> impl Strategy<Value = Policy> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(linear, truncate, deduct)| {
            let mut p = Policy::default_policy();
            if linear {
                p.reverse.formula = ReverseFormula::Linear;
            }
            if truncate {
                p.rounding.mode = RoundMode::Truncate;
            }
            p.overshoot.deduct = deduct;
            p
        })
    }

    fn cmp() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("≥"),
            Just(">"),
            Just("="),
            Just(""),
            Just("≤"),
            Just("<"),
            Just("不低于"),
            Just("不超过")
        ]
    }

    /// Targets in the forms of issue 13, with numbers of either sign.
    fn target_form() -> impl Strategy<Value = String> {
        let n = -1000i64..1000;
        prop_oneof![
            (cmp(), n.clone()).prop_map(|(c, t)| format!("{c}{t}%")),
            (cmp(), n.clone()).prop_map(|(c, t)| format!("{c}{t}人")),
            prop_oneof![Just("≥0"), Just(">0"), Just("0起"), Just("≤0")].prop_map(String::from),
            (n.clone(), 0i64..100).prop_map(|(a, w)| format!("{a}%-{}%", a + w)),
            (n.clone(), 0i64..100).prop_map(|(a, w)| format!("{a}～{}个工作日", a + w)),
            n.clone().prop_map(|t| format!("控制在{t}%以内")),
            n.clone().prop_map(|t| format!("{t}余人")),
            n.clone().prop_map(|t| format!("约{t}万元")),
            n.clone().prop_map(|t| format!("{t}万")),
            prop_oneof![
                Just("是"),
                Just("否"),
                Just("有"),
                Just("无"),
                Just("显著提升"),
                Just("年底前"),
                Just("第四季度"),
                Just("上半年"),
                Just("11月30日前"),
                Just("2023.10.15"),
                Just("/"),
                Just("√"),
                Just("≥**人"),
                Just("")
            ]
            .prop_map(String::from),
        ]
    }

    /// Actuals in the forms of issue 13.
    fn actual_form() -> impl Strategy<Value = String> {
        let n = -100_000i64..100_000;
        prop_oneof![
            n.clone().prop_map(|a| format!("{a}%")),
            n.clone().prop_map(|a| format!("{a}")),
            (0u32..1000).prop_map(|a| format!("0.{a:03}")),
            n.clone().prop_map(|a| format!("{a}人")),
            n.clone().prop_map(|a| format!("{a}余人")),
            n.clone().prop_map(|a| format!("近{a}人")),
            n.clone().prop_map(|a| format!("{a}次会议")),
            n.clone().prop_map(|a| format!("{a}万")),
            n.clone().prop_map(|a| format!("增长率为{a}%")),
            n.clone().prop_map(|a| format!("成本同比下降{a}%")),
            n.clone().prop_map(|a| format!("{a}个工作日")),
            prop_oneof![
                Just("是"),
                Just("否"),
                Just("有"),
                Just("无"),
                Just("未开展"),
                Just("因故取消"),
                Just("延期至次年"),
                Just("基本完成"),
                Just("达成预期指标"),
                Just("2023年11月20日"),
                Just("2024.1.5"),
                Just("/"),
                Just("—"),
                Just("不适用"),
                Just("")
            ]
            .prop_map(String::from),
        ]
    }

    proptest! {
        #[test]
        fn score_is_between_zero_and_weight(p in policy(), c in cmp(), t in 0u32..1000, a in -100i32..5000, w in 0u32..40) {
            let s = score_with(&p, &format!("{c}{t}个"), &format!("{a}个"), i64::from(w), None);
            prop_assert!(s >= Decimal::ZERO && s <= Decimal::from(w), "{s} of {w}");
        }

        #[test]
        fn positive_scores_never_decrease_as_the_actual_grows(c in prop_oneof![Just("≥"), Just(">"), Just("")], t in 1u32..1000, a in 0u32..2000, step in 1u32..500) {
            // Without the optional overshoot deduction, more is never worse.
            let p = Policy::default_policy();
            let lo = score_with(&p, &format!("{c}{t}人"), &format!("{a}人"), 10, None);
            let hi = score_with(&p, &format!("{c}{t}人"), &format!("{}人", a + step), 10, None);
            prop_assert!(hi >= lo);
        }

        #[test]
        fn reverse_scores_never_increase_as_the_actual_grows(p in policy(), c in prop_oneof![Just("≤"), Just("<"), Just("不超过")], t in 0u32..1000, a in 0u32..2000, step in 1u32..500) {
            let lo = score_with(&p, &format!("{c}{t}元"), &format!("{a}元"), 10, None);
            let hi = score_with(&p, &format!("{c}{t}元"), &format!("{}元", a + step), 10, None);
            prop_assert!(hi <= lo);
        }

        #[test]
        fn new_forms_score_between_zero_and_weight(
            p in policy(),
            t in target_form(),
            a in actual_form(),
            w in 0u32..40,
            self_score in proptest::option::of(-5i64..45),
        ) {
            // Any target against any actual, with or without a self-score: never a panic, and a score,
            // when there is one, between 0 and the weight.
            let mut ind = indicator("产出指标", "成本指标", "测试指标", &t, &a, i64::from(w));
            ind.self_score = self_score.map(Decimal::from);
            let s = score_indicator(&ind, &p, 2023);
            if let Some(s) = s.score {
                prop_assert!(s >= Decimal::ZERO && s <= Decimal::from(w), "{t} / {a}: {s} of {w}");
            }
        }

        #[test]
        fn negative_reverse_targets_never_increase_as_the_actual_grows(p in policy(), t in 1u32..100, a in -200i32..200, step in 1i32..100) {
            let target = format!("≤-{t}%");
            let lo = score_with(&p, &target, &format!("{a}%"), 10, None);
            let hi = score_with(&p, &target, &format!("{}%", a + step), 10, None);
            prop_assert!(hi <= lo, "{target}: {a}% → {lo}, {}% → {hi}", a + step);
        }

        #[test]
        fn floors_never_decrease_as_the_actual_grows(c in prop_oneof![Just("≥"), Just(">")], a in -100i32..100, step in 1i32..50) {
            let p = Policy::default_policy();
            let lo = score_with(&p, &format!("{c}0"), &format!("{a}"), 10, None);
            let hi = score_with(&p, &format!("{c}0"), &format!("{}", a + step), 10, None);
            prop_assert!(hi >= lo);
        }

        #[test]
        fn ranges_rise_to_the_range_and_fall_after_it(lo in 1u32..100, width in 0u32..50, a in 0u32..300, step in 1u32..50) {
            let p = Policy::default_policy();
            let target = format!("{lo}%-{}%", lo + width);
            let s1 = score_with(&p, &target, &format!("{a}%"), 10, None);
            let s2 = score_with(&p, &target, &format!("{}%", a + step), 10, None);
            if a + step <= lo + width {
                prop_assert!(s2 >= s1, "{target}: {a}% → {s1}, {}% → {s2}", a + step);
            } else if a >= lo {
                prop_assert!(s2 <= s1, "{target}: {a}% → {s1}, {}% → {s2}", a + step);
            }
            if (lo..=lo + width).contains(&a) {
                prop_assert_eq!(s1, Decimal::TEN);
            }
        }

        #[test]
        fn written_forms_of_the_actual_never_decrease_as_it_grows(
            form in prop_oneof![
                Just("{}余人"), Just("近{}人"), Just("约{}人"), Just("{}人左右"), Just("{}人以上"),
                Just("{}次会议"), Just("共培训{}人次"), Just("{}万")
            ],
            t in 1u32..100_000,
            a in 0u32..100_000,
            step in 1u32..1000,
        ) {
            let p = Policy::default_policy();
            let target = format!("≥{t}人");
            let lo = score_with(&p, &target, &form.replace("{}", &a.to_string()), 10, None);
            let hi = score_with(&p, &target, &form.replace("{}", &(a + step).to_string()), 10, None);
            prop_assert!(hi >= lo, "{form}: {a} → {lo}, {} → {hi}", a + step);
        }

        #[test]
        fn percentages_without_the_sign_never_decrease_as_they_grow(t in 1u32..100, a in 2u32..200, step in 1u32..50, frac in 1u32..100, fstep in 1u32..50) {
            // Whole numbers are percentages, fractions up to 1 are shares: each monotone on its own.
            let p = Policy::default_policy();
            let target = format!("≥{t}%");
            let lo = score_with(&p, &target, &a.to_string(), 10, None);
            let hi = score_with(&p, &target, &(a + step).to_string(), 10, None);
            prop_assert!(hi >= lo);
            let f = |x: u32| format!("0.{x:02}");
            let (x, y) = (frac.min(99), (frac + fstep).min(99));
            let lo = score_with(&p, &target, &f(x), 10, None);
            let hi = score_with(&p, &target, &f(y), 10, None);
            prop_assert!(hi >= lo, "{} → {lo}, {} → {hi}", f(x), f(y));
        }

        #[test]
        fn total_never_exceeds_100(actuals in proptest::collection::vec(0u32..500, 5), executed in 0u32..300, na in proptest::collection::vec(any::<bool>(), 5), p in policy()) {
            let mut project = clean();
            project.funds.executed = Decimal::from(executed);
            for (i, (a, na)) in actuals.iter().zip(na).enumerate() {
                let ind = &mut project.indicators[i];
                if na {
                    ind.target = "/".into();
                    ind.actual = "/".into();
                } else {
                    ind.actual = format!("{a}");
                }
            }
            let e = jixiao_core::evaluate(&project, &p);
            prop_assert!(e.total <= Decimal::ONE_HUNDRED && e.total >= Decimal::ZERO, "{}", e.total);
        }
    }
}
