use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn policy() -> Policy {
    Policy::default_policy()
}

fn checkpoints() -> Policy {
    let mut p = Policy::default_policy();
    p.monitoring.pace = Pace::Checkpoints;
    p
}

/// The talent-flats project in a round: budget 1,000 万元, one count indicator.
fn form(month: u32, executed: Decimal) -> MonitorForm {
    MonitorForm {
        name: "青年人才驿站运营".into(),
        year: 2027,
        month,
        department: "番禺区委组织部".into(),
        implementer: "番禺区人才服务中心".into(),
        annual: d("1000"),
        executed,
        forecast: None,
        deviation: String::new(),
        measures: String::new(),
        indicators: vec![MonitorIndicator {
            level1: "产出指标".into(),
            level2: "数量指标".into(),
            name: "过渡住宿服务人次".into(),
            target: "≥3000人次".into(),
            progress: String::new(),
            forecast: String::new(),
            likelihood: Some(Likelihood::Certain),
            deviation: String::new(),
            measures: String::new(),
            direction: None,
        }],
    }
}

fn paths(a: &Assessment) -> Vec<&str> {
    a.required.iter().map(|r| r.path.as_str()).collect()
}

#[test]
fn execution_against_elapsed_time() {
    // July, 45% executed: 45 ÷ (7/12) = 77.14% of the pace → yellow.
    let a = assess(&form(7, d("450")), &policy());
    assert_eq!(a.execution_rate, Some(d("45")));
    assert_eq!(a.execution_ratio, Some(d("77.14")));
    assert_eq!(a.execution_light, Light::Yellow);
    assert!(a.required.is_empty());
    // July, 30%: 51.43% → red, and the unit must explain and say what it will do.
    let a = assess(&form(7, d("300")), &policy());
    assert_eq!(a.execution_ratio, Some(d("51.43")));
    assert_eq!((a.execution_light, a.light), (Light::Red, Light::Red));
    assert_eq!(paths(&a), vec!["deviation", "measures"]);
    assert!(
        a.required[0].why.contains("51.43%"),
        "{}",
        a.required[0].why
    );
    // July, 50%: 85.71% → green. October, 60%: 60 ÷ (10/12) = 72% → yellow.
    assert_eq!(
        assess(&form(7, d("500")), &policy()).execution_ratio,
        Some(d("85.71"))
    );
    assert_eq!(
        assess(&form(7, d("500")), &policy()).execution_light,
        Light::Green
    );
    let october = assess(&form(10, d("600")), &policy());
    assert_eq!(
        (october.execution_ratio, october.execution_light),
        (Some(d("72")), Light::Yellow)
    );
    // The bounds: exactly 60% of the pace is yellow, exactly 80% green (June: 30% and 40% of the year).
    let june = |spent: &str| assess(&form(6, d(spent)), &policy());
    assert_eq!(
        (june("300").execution_ratio, june("300").execution_light),
        (Some(d("60")), Light::Yellow)
    );
    assert_eq!(
        (june("299").execution_ratio, june("299").execution_light),
        (Some(d("59.8")), Light::Red)
    );
    assert_eq!(
        (june("400").execution_ratio, june("400").execution_light),
        (Some(d("80")), Light::Green)
    );
    assert_eq!(june("399").execution_light, Light::Yellow);
}

#[test]
fn nothing_spent_must_always_be_explained() {
    let mut f = form(3, Decimal::ZERO);
    let a = assess(&f, &policy());
    assert_eq!(a.execution_light, Light::Red);
    assert!(a.required[0].why.contains("执行为 0"));
    f.deviation = "政府采购程序尚未完成".into();
    f.measures = "6月底前完成招标并支付首期款".into();
    assert!(assess(&f, &policy()).required.is_empty());
}

#[test]
fn execution_against_fixed_checkpoints() {
    let p = checkpoints();
    // July, 45%: the latest checkpoint is June's 40% → 112.5% → green.
    let a = assess(&form(7, d("450")), &p);
    assert_eq!(
        (a.execution_ratio, a.execution_light),
        (Some(d("112.5")), Light::Green)
    );
    // May, 15%: April's 25% → 60% → yellow; 14% → 56% → red.
    assert_eq!(
        assess(&form(5, d("150")), &p).execution_light,
        Light::Yellow
    );
    assert_eq!(
        assess(&form(5, d("140")), &p).execution_ratio,
        Some(d("56"))
    );
    assert_eq!(assess(&form(5, d("140")), &p).execution_light, Light::Red);
    // March: no checkpoint yet, nothing expected → green (unless nothing at all was spent).
    let a = assess(&form(3, d("10")), &p);
    assert_eq!((a.execution_ratio, a.execution_light), (None, Light::Green));
    // October, 70%: the 80% checkpoint → 87.5% → green.
    assert_eq!(
        assess(&form(10, d("700")), &p).execution_ratio,
        Some(d("87.5"))
    );
}

#[test]
fn indicator_progress_against_its_time_proportional_target() {
    let p = policy();
    let with = |progress: &str, likelihood| {
        let mut f = form(7, d("500"));
        f.indicators[0].progress = progress.into();
        f.indicators[0].likelihood = likelihood;
        assess(&f, &p)
    };
    // 1,500 of 3,000 by July: 50% ÷ 58.33% = 85.71% → green, 14% off the pace: nothing to explain.
    let a = with("1500人次", Some(Likelihood::Certain));
    assert_eq!(a.indicators[0].ratio, Some(d("85.71")));
    assert_eq!(a.indicators[0].light, Light::Green);
    assert!(a.required.is_empty());
    // 1,000: 57.14% → red, and more than 30% off: explain.
    let a = with("1000人次", Some(Likelihood::Certain));
    assert_eq!(
        (a.indicators[0].ratio, a.indicators[0].light),
        (Some(d("57.14")), Light::Red)
    );
    assert_eq!(
        paths(&a),
        vec!["indicators[0].deviation", "indicators[0].measures"]
    );
    // 2,500: 142.86% → green, but 42.86% off the pace: the unit explains why too (a target set low?).
    let a = with("2500人次", Some(Likelihood::Certain));
    assert_eq!(a.indicators[0].light, Light::Green);
    assert_eq!(
        paths(&a),
        vec!["indicators[0].deviation", "indicators[0].measures"]
    );
    // Units convert: 0.15万人次 = 1,500 人次.
    assert_eq!(
        with("0.15万人次", None).indicators[0].ratio,
        Some(d("85.71"))
    );
    // The unit's own view: 有可能 → yellow even on pace; 完全不可能 → red, to be explained.
    assert_eq!(
        with("1500人次", Some(Likelihood::Possible)).indicators[0].light,
        Light::Yellow
    );
    let a = with("1500人次", Some(Likelihood::Impossible));
    assert_eq!((a.indicators[0].light, a.light), (Light::Red, Light::Red));
    assert_eq!(a.required.len(), 2);
}

#[test]
fn rates_and_reverse_indicators_are_not_prorated() {
    let mut f = form(7, d("500"));
    f.indicators[0].target = "≥90%".into();
    f.indicators[0].progress = "50%".into();
    let a = assess(&f, &policy());
    assert_eq!(
        (a.indicators[0].ratio, a.indicators[0].light),
        (None, Light::Green)
    );
    f.indicators[0].target = "≤3个工作日".into();
    f.indicators[0].progress = "5个工作日".into();
    assert_eq!(assess(&f, &policy()).indicators[0].ratio, None);
}

#[test]
fn a_forecast_of_impossible_then_full_marks_is_a_finding() {
    let p: Project = toml::from_str(include_str!(
        "../../../../examples/demo/hedao-baojie-2023.toml"
    ))
    .unwrap();
    let mut july = form(7, d("500"));
    july.name = p.project.name.clone();
    july.indicators[0].name = "河涌保洁长度".into();
    july.indicators[0].progress = "120公里".into();
    july.indicators[0].likelihood = Some(Likelihood::Impossible);
    let f = compare_with_monitoring(&p, std::slice::from_ref(&july));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, Code::ForecastContradicted);
    assert_eq!(f[0].path, "indicators[0].self_score");
    assert!(f[0].message.contains("截至7月底") && f[0].message.contains("满分 15"));
    // 有可能 then full marks is no contradiction; nor is 完全不可能 then a partial score.
    july.indicators[0].likelihood = Some(Likelihood::Possible);
    assert!(compare_with_monitoring(&p, std::slice::from_ref(&july)).is_empty());
    july.indicators[0].likelihood = Some(Likelihood::Impossible);
    let mut partial = p.clone();
    partial.indicators[0].self_score = Some(d("12"));
    assert!(compare_with_monitoring(&partial, &[july]).is_empty());
}

#[test]
fn the_grade_decides_next_years_budget() {
    let p = policy();
    assert_eq!(p.results[&Grade::Excellent].describe(), "优先保障");
    assert_eq!(p.results[&Grade::Good].describe(), "据实保障");
    assert_eq!(p.results[&Grade::Fair].describe(), "核减5%—10%");
    assert_eq!(p.results[&Grade::Poor].describe(), "取消或暂停");
}

#[test]
fn a_round_starts_from_the_approved_goals() {
    let goals: Declaration = toml::from_str(include_str!(
        "../../../../examples/goals/hedao-baojie-2023.toml"
    ))
    .unwrap();
    let f = MonitorForm::from_goals(&goals, 7);
    assert_eq!((f.annual, f.month), (goals.funds.total, 7));
    assert_eq!(f.indicators.len(), goals.indicators.len());
    assert_eq!(f.indicators[0].target, "≥385公里");
    // Nothing filled in yet: nothing spent, to be explained.
    assert_eq!(assess(&f, &policy()).execution_light, Light::Red);
}

#[test]
fn a_suggestion_names_its_reasons() {
    let s = Suggestion::new(
        "番禺区河道管理所",
        "河涌保洁及水面垃圾清理",
        2023,
        d("72.5"),
        true,
        d("1280"),
        vec![(7, Light::Red), (9, Light::Yellow)],
        2,
        &policy(),
    );
    assert_eq!(
        (s.grade, s.rule.describe()),
        (Grade::Fair, "核减5%—10%".to_string())
    );
    assert_eq!(
        s.reasons,
        vec![
            "2023年度复核总分 72.5，评价等级“中”",
            "运行监控红灯（截至7月底）",
            "未完成整改事项 2 项"
        ]
    );
}

#[test]
fn absurd_amounts_give_a_light_not_a_panic() {
    let mut f = form(7, d("79000000000000000000000000000"));
    f.annual = d("0.000001");
    let a = assess(&f, &policy());
    assert_eq!(a.execution_light, Light::Green);
    f.annual = Decimal::ZERO;
    assert_eq!(assess(&f, &policy()).execution_rate, None);
}

#[test]
fn a_policy_with_impossible_monitoring_rules_is_refused() {
    let text = jixiao_core_policy_text().replace("red_below = 60", "red_below = 90");
    assert!(Policy::from_toml(&text).is_err());
    let text = jixiao_core_policy_text().replace(
        "{ month = 4, percent = 25 }",
        "{ month = 13, percent = 25 }",
    );
    assert!(Policy::from_toml(&text).is_err());
}

fn jixiao_core_policy_text() -> String {
    crate::policy::BUILTIN[0].1.to_string()
}
