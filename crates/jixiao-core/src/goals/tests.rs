use super::*;

const HEDAO: &str = include_str!("../../../../examples/goals/hedao-baojie-2023.toml");
const HEDAO_EVAL: &str = include_str!("../../../../examples/demo/hedao-baojie-2023.toml");
const PANYU: &str = include_str!("../../../../examples/panyu-2022.toml");

fn hedao() -> Declaration {
    toml::from_str(HEDAO).unwrap()
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code.as_str()).collect()
}

fn check(d: &Declaration, history: &[PastYear]) -> Vec<Finding> {
    check_declaration(d, history, Policy::standard())
}

/// An earlier year of the river project: its self-evaluation reduced to one indicator, with the
/// given target and actual.
fn past(year: i32, name: &str, target: &str, actual: &str) -> PastYear {
    let mut p: Project = toml::from_str(HEDAO_EVAL).unwrap();
    p.project.year = year;
    p.indicators.retain(|i| i.name == name);
    let ind = &mut p.indicators[0];
    ind.target = target.into();
    ind.actual = actual.into();
    PastYear {
        year,
        declaration: None,
        evaluation: Some(p),
    }
}

#[test]
fn a_complete_declaration_passes_every_goal_check() {
    let d = hedao();
    assert!(d.validate().is_empty());
    assert_eq!(check(&d, &[]), vec![], "{:#?}", check(&d, &[]));
    // Its own history (the 2023 actuals as last year's) raises nothing either: every target is at or
    // above what was achieved, and nothing was overshot twice.
    let history = [
        past(2022, "河涌保洁长度", "≥385公里", "385公里"),
        past(2021, "河涌保洁长度", "≥380公里", "386公里"),
    ];
    assert_eq!(codes(&check(&d, &history)), Vec::<&str>::new());
}

#[test]
fn the_published_panyu_goals_fire_the_design_checks() {
    // The goals as the 番禺区委组织部 published them (2022): a media count as a benefit, a visit count as
    // satisfaction, no 时效 or 成本 indicator, no 取值依据 anywhere.
    let p: Project = toml::from_str(PANYU).unwrap();
    let d = Declaration::from_project(&p);
    let f = check(&d, &[]);
    let c = codes(&f);
    assert!(c.contains(&"benefit-is-output"), "{c:?}");
    assert!(c.contains(&"satisfaction-not-a-rate"), "{c:?}");
    let dims = f
        .iter()
        .find(|f| f.code == Code::GoalDimensionMissing)
        .unwrap();
    assert_eq!(dims.message, "绩效目标缺少时效指标、成本指标");
    assert_eq!(
        c.iter().filter(|c| **c == "target-no-basis").count(),
        p.indicators.len()
    );
}

#[test]
fn a_vague_target_is_named() {
    let mut d = hedao();
    d.indicators[5].target = "水质明显改善".into();
    let f = check(&d, &[]);
    assert_eq!(codes(&f), vec!["vague-target"]);
    assert_eq!(f[0].path, "indicators[5].target");
}

#[test]
fn a_missing_dimension_is_named_and_cost_counts_as_its_own_group() {
    let mut d = hedao();
    d.indicators.retain(|i| i.level2 != "时效指标");
    let f = check(&d, &[]);
    // Its 5 points went with it: the declared weights no longer add up either.
    assert_eq!(
        codes(&f),
        vec![
            "weights-sum",
            "goal-dimension-missing",
            "weights-nonstandard"
        ]
    );
    let dims = f
        .iter()
        .find(|f| f.code == Code::GoalDimensionMissing)
        .unwrap();
    assert_eq!(dims.message, "绩效目标缺少时效指标");
    // 成本指标 as a level-1 group (财预〔2021〕101号) with 经济成本指标 under it covers the cost dimension.
    let mut d = hedao();
    let cost = d
        .indicators
        .iter_mut()
        .find(|i| i.level2 == "成本指标")
        .unwrap();
    cost.level1 = "成本指标".into();
    cost.level2 = "经济成本指标".into();
    assert_eq!(codes(&check(&d, &[])), Vec::<&str>::new());
}

#[test]
fn satisfaction_must_be_a_rate() {
    let mut d = hedao();
    d.indicators[7].name = "走访沿岸居民".into();
    d.indicators[7].target = "200户".into();
    assert_eq!(codes(&check(&d, &[])), vec!["satisfaction-not-a-rate"]);
}

#[test]
fn an_output_posing_as_a_benefit() {
    let mut d = hedao();
    d.indicators[6].name = "河长制宣传报道".into();
    d.indicators[6].target = "≥6篇".into();
    d.indicators[6].direction = None;
    assert_eq!(codes(&check(&d, &[])), vec!["benefit-is-output"]);
}

#[test]
fn a_target_without_basis() {
    let mut d = hedao();
    d.indicators[2].basis = None;
    let f = check(&d, &[]);
    assert_eq!(codes(&f), vec!["target-no-basis"]);
    assert_eq!(f[0].path, "indicators[2].basis");
}

#[test]
fn a_target_below_last_years_actual() {
    let mut d = hedao();
    // Last year 12,650 吨 were cleared; this year's target asks for 12,000.
    let history = [past(2022, "水面垃圾打捞清运量", "≥11,000吨", "12,650吨")];
    let f = check(&d, &history);
    assert_eq!(codes(&f), vec!["target-below-history"]);
    assert_eq!(
        f[0].message,
        "指标“水面垃圾打捞清运量”的指标值“≥12,000吨”低于2022年实际完成值 12650吨"
    );
    // Raised to what was achieved: no finding. Units convert (1.3万吨 = 13,000 吨).
    d.indicators[1].target = "≥1.3万吨".into();
    assert_eq!(codes(&check(&d, &history)), Vec::<&str>::new());
    // A reverse indicator: a target above last year's actual is the lower ambition.
    let mut d = hedao();
    let history = [past(2022, "群众投诉处置时限", "≤3个工作日", "2个工作日")];
    assert_eq!(codes(&check(&d, &history)), vec!["target-below-history"]);
    d.indicators[3].target = "≤2个工作日".into();
    assert_eq!(codes(&check(&d, &history)), Vec::<&str>::new());
}

#[test]
fn a_target_overshot_two_years_running_and_not_raised_is_stale() {
    let mut d = hedao();
    d.indicators[1].target = "≥10,000吨".into();
    // 2022: 13,500 of 10,000 (135%), 2021: 13,100 of 10,000 (131%): both ≥ 130%.
    let history = [
        past(2022, "水面垃圾打捞清运量", "≥10,000吨", "13,500吨"),
        past(2021, "水面垃圾打捞清运量", "≥10,000吨", "13,100吨"),
    ];
    let c = codes(&check(&d, &history));
    assert!(c.contains(&"target-stale"), "{c:?}");
    // One year at 125%: not stale (the below-history finding still stands).
    let history = [
        past(2022, "水面垃圾打捞清运量", "≥10,000吨", "13,500吨"),
        past(2021, "水面垃圾打捞清运量", "≥10,000吨", "12,500吨"),
    ];
    assert!(!codes(&check(&d, &history)).contains(&"target-stale"));
    // Raised above the last target: not stale.
    d.indicators[1].target = "≥14,000吨".into();
    let history = [
        past(2022, "水面垃圾打捞清运量", "≥10,000吨", "13,500吨"),
        past(2021, "水面垃圾打捞清运量", "≥10,000吨", "13,100吨"),
    ];
    assert_eq!(codes(&check(&d, &history)), Vec::<&str>::new());
}

#[test]
fn the_self_evaluation_is_measured_against_the_approved_goals() {
    let d = hedao();
    let p: Project = toml::from_str(HEDAO_EVAL).unwrap();
    // The demo self-evaluation keeps every approved target and weight; wording may differ.
    assert_eq!(compare_with_baseline(&p, &d), vec![]);

    let mut lowered = p.clone();
    lowered.indicators[5].target = "≥85%".into();
    let f = compare_with_baseline(&lowered, &d);
    assert_eq!(codes(&f), vec!["target-changed"]);
    assert_eq!(f[0].path, "indicators[5].target");
    assert_eq!(
        f[0].message,
        "指标“河涌水质达标率”批复的指标值为“≥90%”，自评表为“≥85%”"
    );
    // The same target in other words is no change.
    let mut reworded = p.clone();
    reworded.indicators[5].target = "不低于90%".into();
    assert_eq!(compare_with_baseline(&reworded, &d), vec![]);

    let mut changed = p.clone();
    changed.indicators.remove(6);
    changed.indicators.push(Indicator {
        name: "河涌巡查次数".into(),
        target: "≥100次".into(),
        ..changed.indicators[0].clone()
    });
    changed.indicators[0].weight = Decimal::from(20);
    let c = codes(&compare_with_baseline(&changed, &d));
    assert_eq!(
        c,
        vec!["indicator-dropped", "weight-changed", "indicator-added"]
    );
}

#[test]
fn a_declaration_becomes_the_self_evaluation_it_starts() {
    let d = hedao();
    let p = d.to_project();
    assert_eq!(p.indicators.len(), d.indicators.len());
    assert_eq!(p.funds.annual, d.funds.total);
    assert_eq!(p.total_weight(), Decimal::ONE_HUNDRED);
    assert!(p.indicators.iter().all(|i| i.actual.is_empty()));
    assert_eq!(compare_with_baseline(&p, &d), vec![]);
}

#[test]
fn bad_declarations_are_refused_with_the_field() {
    let mut d = hedao();
    d.funds.total = Decimal::from(-1);
    d.indicators[0].name = " ".into();
    d.project.period = Some(Period {
        start: 2024,
        end: 2021,
    });
    let paths: Vec<String> = d.validate().into_iter().map(|e| e.path).collect();
    assert_eq!(
        paths,
        vec!["funds.total", "indicators[0].name", "project.period"]
    );
    let err = toml::from_str::<Declaration>("[project]\nname = \"x\"\n").unwrap_err();
    assert!(err.to_string().contains("year"), "{err}");
}

#[test]
fn declared_weights_get_the_weight_checks_and_cost_may_be_its_own_group() {
    let mut d = hedao();
    d.indicators[0].weight = Some(Decimal::from(25));
    let f = check(&d, &[]);
    let c = codes(&f);
    assert!(c.contains(&"weights-sum"), "{c:?}");
    // 成本指标 beside 产出指标 (财预〔2021〕101号) carries part of the 50: nothing nonstandard.
    let mut d = hedao();
    let cost = d
        .indicators
        .iter_mut()
        .find(|i| i.level2 == "成本指标")
        .unwrap();
    cost.level1 = "成本指标".into();
    cost.level2 = "经济成本指标".into();
    assert_eq!(codes(&check(&d, &[])), Vec::<&str>::new());
    // Without declared weights there is nothing to add up.
    let mut d = hedao();
    d.indicators.iter_mut().for_each(|g| g.weight = None);
    assert_eq!(codes(&check(&d, &[])), Vec::<&str>::new());
}

#[test]
fn history_is_the_years_just_before_without_gaps() {
    let d = hedao();
    // 2021's actual is two years old: not last year's, so nothing is said.
    let history = [past(2021, "水面垃圾打捞清运量", "≥11,000吨", "12,650吨")];
    assert_eq!(codes(&check(&d, &history)), Vec::<&str>::new());
    // 2022 and 2020 overshot, 2021 missing: not “two years running”.
    let mut d = hedao();
    d.indicators[1].target = "≥10,000吨".into();
    let history = [
        past(2022, "水面垃圾打捞清运量", "≥10,000吨", "13,500吨"),
        past(2020, "水面垃圾打捞清运量", "≥10,000吨", "13,100吨"),
    ];
    assert!(!codes(&check(&d, &history)).contains(&"target-stale"));
}
