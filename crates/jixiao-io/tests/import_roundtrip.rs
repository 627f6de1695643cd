//! Round trips over generated projects: project → 自评表 xlsx → import gives the same project (everything
//! the form holds), through the documents crate's own writer (`jixiao report --format xlsx`) and through
//! the test-side national-layout writer in tests/common/national.rs (amounts in 元 or 万元).

mod common;

use jixiao_core::Code;
use std::path::Path;

use common::national::{self, Unit};
use jixiao_core::{FundSource, Funds, Goals, Header, Indicator, Narrative, Project, Statement};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..100_000_000).prop_map(|cents| Decimal::new(cents, 2))
}

fn points() -> impl Strategy<Value = Decimal> {
    (0i64..400).prop_map(|tenths| Decimal::new(tenths, 1))
}

fn pick(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(words).prop_map(str::to_string)
}

const NAMES: &[&str] = &[
    "产业人才发展专项资金",
    "水旱灾害防御经费",
    "委托业务项目",
    "县级储备粮",
    "国家基本公共卫生服务项目",
    "乡村道路建设养护",
];
const UNITS: &[&str] = &[
    "番禺区委组织部",
    "天长市水利局",
    "张庄寨镇人民政府",
    "衡山县商务和粮食局",
];
const LEVELS: &[(&str, &[&str])] = &[
    (
        "产出指标",
        &["数量指标", "质量指标", "时效指标", "成本指标"],
    ),
    (
        "效益指标",
        &[
            "社会效益指标",
            "经济效益指标",
            "生态效益指标",
            "可持续影响指标",
        ],
    ),
    ("满意度指标", &["服务对象满意度指标"]),
];
const INDICATOR_NAMES: &[&str] = &[
    "人才活动",
    "验收合格率",
    "及时完工率",
    "项目总成本",
    "受益人口数",
    "群众满意度",
    "媒体报道",
    "政策调研、咨询",
];
const TARGETS: &[&str] = &[
    "≥95%",
    "1场",
    "=100%",
    "≤90万元",
    "2023年12月前",
    "出台人才政策实施细则",
    "显著提升",
    "≧90%",
    "5篇",
    "",
];
const ACTUALS: &[&str] = &[
    "98%",
    "3场",
    "100%",
    "89.97万元",
    "2023年11月完成",
    "已出台实施细则",
    "达成预期指标",
    "22年度超30篇次省市区报道人才工作",
    "",
];
const SOURCES: &[&str] = &[
    "当年财政拨款",
    "上年结转资金",
    "财政专户管理资金",
    "其他资金",
    "单位资金",
];
const TEXTS: &[&str] = &[
    "通过优化实施产业人才政策，吸引带动各类产业人才。",
    "完成年度防汛工作。\n完成中型灌区节水改造项目。",
    "本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;",
    "",
];

fn indicator() -> impl Strategy<Value = Indicator> {
    (
        0..LEVELS.len(),
        0usize..4,
        pick(INDICATOR_NAMES),
        pick(TARGETS),
        pick(ACTUALS),
        points(),
        proptest::option::of(points()),
        proptest::option::of(pick(&["资金到位晚，下年提前谋划", "无"])),
    )
        .prop_map(
            |(l1, l2, name, target, actual, weight, self_score, deviation)| {
                let (level1, level2s) = LEVELS[l1];
                Indicator {
                    level1: level1.into(),
                    level2: level2s[l2 % level2s.len()].into(),
                    name,
                    target,
                    actual,
                    weight,
                    self_score,
                    review_score: None,
                    deviation,
                    direction: None,
                }
            },
        )
}

fn project() -> impl Strategy<Value = Project> {
    (
        (
            pick(NAMES),
            2000i32..2031,
            proptest::option::of(pick(&["一级", "二级"])),
            pick(UNITS),
            pick(UNITS),
        ),
        (
            proptest::option::of(money()),
            money(),
            money(),
            proptest::option::of(points()),
        ),
        proptest::collection::vec(
            (
                pick(SOURCES),
                proptest::option::of(money()),
                money(),
                money(),
            ),
            0..4,
        ),
        (pick(TEXTS), pick(TEXTS)),
        proptest::collection::vec(indicator(), 1..9),
        proptest::option::of(points()),
    )
        .prop_map(
            |(
                (name, year, level, department, implementer),
                (initial, annual, executed, exec_score),
                sources,
                (expected, actual),
                mut indicators,
                total,
            )| {
                // The form groups rows by 一级 then 二级 (merged cells); generated rows follow that order.
                indicators.sort_by_key(|i| {
                    (
                        LEVELS.iter().position(|l| l.0 == i.level1),
                        i.level2.clone(),
                    )
                });
                Project {
                    project: Header {
                        name,
                        year,
                        level,
                        department,
                        implementer,
                        code: None,
                        kind: Default::default(),
                    },
                    funds: Funds {
                        initial,
                        annual,
                        executed,
                        execution_weight: Decimal::TEN,
                        self_score: exec_score,
                        review_score: None,
                        sources: sources
                            .into_iter()
                            .map(|(name, initial, annual, executed)| FundSource {
                                name,
                                initial,
                                annual,
                                executed,
                            })
                            .collect(),
                    },
                    goals: Goals { expected, actual },
                    indicators,
                    statement: Statement {
                        total,
                        ..Default::default()
                    },
                    report: Narrative::default(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn project_to_national_xlsx_and_back(p in project(), yuan in any::<bool>()) {
        let unit = if yuan { Unit::Yuan } else { Unit::Wan };
        let bytes = national::workbook(&[&p], unit);
        let all = jixiao_io::import::import_bytes(&bytes, Path::new("generated.xlsx")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(all.len(), 1);
        let got = &all[0].project;
        prop_assert_eq!(&got.project, &p.project);
        prop_assert_eq!(&got.funds, &p.funds);
        prop_assert_eq!(&got.goals, &p.goals);
        prop_assert_eq!(&got.indicators, &p.indicators);
        prop_assert_eq!(got, &p);
    }
}

/// What the 自评表 itself holds of a project: header, funds, goals, indicators.
fn form_parts(p: &Project) -> (Header, Funds, Goals, Vec<Indicator>) {
    (
        p.project.clone(),
        p.funds.clone(),
        p.goals.clone(),
        p.indicators.clone(),
    )
}

fn document(p: &Project, format: jixiao_report::Format) -> Vec<u8> {
    let policy = jixiao_core::Policy::default_policy();
    let e = jixiao_core::evaluate(p, &policy);
    jixiao_report::render(p, &e, &policy, format, &jixiao_report::Options::default())
        .expect("renders")
        .bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn project_to_report_xlsx_and_back(p in project()) {
        // A published 自评表 always has its 得分 cells: the document prints the computed score where the
        // unit gave none, so the generated project states every score, as a filled-in form does.
        let mut p = p;
        let e = jixiao_core::evaluate(&p, &jixiao_core::Policy::default_policy());
        p.funds.self_score = p.funds.self_score.or(e.execution.score);
        for (ind, sc) in p.indicators.iter_mut().zip(&e.indicators) {
            ind.self_score = ind.self_score.or(sc.score);
        }
        let bytes = document(&p, jixiao_report::Format::Xlsx);
        let all = jixiao_io::import::import_bytes(&bytes, Path::new("自评表.xlsx")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(all.len(), 1);
        prop_assert_eq!(form_parts(&all[0].project), form_parts(&p));
    }
}

fn examples() -> Vec<(&'static str, Project)> {
    [
        (
            "panyu-2022",
            include_str!("../../../examples/panyu-2022.toml"),
        ),
        (
            "hedao",
            include_str!("../../../examples/demo/hedao-baojie-2023.toml"),
        ),
        (
            "rencai",
            include_str!("../../../examples/demo/rencai-gongyu-2023.toml"),
        ),
        (
            "jiedao",
            include_str!("../../../examples/demo/jiedao-weixiu-2022.toml"),
        ),
        (
            "lanqiu",
            include_str!("../../../examples/demo/lanqiu-saishi-2023.toml"),
        ),
    ]
    .into_iter()
    .map(|(n, t)| (n, jixiao_io::from_toml(t, Path::new(n)).unwrap()))
    .collect()
}

#[test]
fn examples_to_report_xlsx_and_back() {
    for (name, p) in examples() {
        let all = jixiao_io::import::import_bytes(
            &document(&p, jixiao_report::Format::Xlsx),
            Path::new("自评表.xlsx"),
        )
        .unwrap();
        assert_eq!(all.len(), 1, "{name}");
        assert_eq!(form_parts(&all[0].project), form_parts(&p), "{name}");
    }
}

/// A PDF written by jixiao carries its project file, so the import gives back the whole project exactly
/// (the typeset table wraps cells too much for its text layer to be read back exactly).
#[test]
fn examples_to_report_pdf_and_back() {
    for (name, p) in examples() {
        let all = jixiao_io::import::import_bytes(
            &document(&p, jixiao_report::Format::Pdf),
            Path::new("自评报告.pdf"),
        )
        .unwrap();
        assert_eq!(all.len(), 1, "{name}");
        assert_eq!(all[0].project, p, "{name}");
        assert!(all[0].findings.is_empty(), "{name}: {:?}", all[0].findings);
    }
}

/// Replaces the attached project file of a jixiao PDF (as someone editing the file would).
fn with_attachment(pdf: &[u8], content: Vec<u8>) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let ids: Vec<_> = doc
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Type").and_then(|t| t.as_name()).ok()
                    == Some(b"EmbeddedFile".as_slice())
            })
        })
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids.len(), 1, "one attachment");
    let stream = doc
        .objects
        .get_mut(&ids[0])
        .unwrap()
        .as_stream_mut()
        .unwrap();
    stream.dict.remove(b"Filter");
    stream.dict.remove(b"DecodeParms");
    stream.set_content(content);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_pdf_whose_attachment_disagrees_with_its_text_is_flagged() {
    let (_, p) = examples().remove(0);
    let mut other = p.clone();
    other.project.name = "另一个项目".into();
    let pdf = with_attachment(
        &document(&p, jixiao_report::Format::Pdf),
        serde_json::to_vec(&other).unwrap(),
    );
    let all = jixiao_io::import::import_bytes(&pdf, Path::new("改过的.pdf")).unwrap();
    assert_eq!(all[0].project.project.name, "另一个项目");
    assert_eq!(all[0].findings.len(), 1);
    assert_eq!(all[0].findings[0].code, Code::ImportAmbiguous);
    assert!(
        all[0].findings[0].message.contains("另一个项目"),
        "{}",
        all[0].findings[0].message
    );
}

#[test]
fn a_broken_attachment_is_an_error_naming_it() {
    let (_, p) = examples().remove(0);
    let pdf = with_attachment(
        &document(&p, jixiao_report::Format::Pdf),
        b"{\"project\": 5".to_vec(),
    );
    let err = jixiao_io::import::import_bytes(&pdf, Path::new("坏附件.pdf"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("坏附件.pdf（附件 jixiao-project.json）："),
        "{err}"
    );
}
