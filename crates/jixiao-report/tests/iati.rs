//! IATI activity XML (jixiao_report::open::iati) validated by xmllint against the official IATI 2.03
//! activity schema, vendored in tests/fixtures/iati-schema/ (SOURCE.md). xmllint comes from the Debian
//! package libxml2-utils, which scripts/test installs: without it this test fails, it does not skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao_core::{Evaluation, Policy, Project, evaluate};
use jixiao_report::open::{self, Published};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iati-schema/iati-activities-schema.xsd")
}

fn load(path: &str) -> Project {
    jixiao_io::load(&root().join(path)).unwrap_or_else(|e| panic!("{path} loads: {e}"))
}

/// `xmllint --noout --schema` on `xml`: Ok on a valid document, Err with xmllint's messages otherwise.
fn xmllint(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("activities.xml");
    std::fs::write(&file, xml).expect("write temp file");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(schema())
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run xmllint ({e}): install the Debian package libxml2-utils \
                 (`apt-get install -y libxml2-utils`; scripts/test installs it)"
            )
        });
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "xmllint exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The seed; a demo project with ≤ indicators (cost, response time); the seed with a correction, a
/// project code and a qualitative indicator; the seed again as an older revision (to be dropped).
fn projects() -> Vec<Project> {
    let seed = load("examples/panyu-2022.toml");
    let demo = load("examples/demo/hedao-baojie-2023.toml");
    let mut corrected = seed.clone();
    corrected.project.name = "人才<专项>&\"资金\"".into();
    corrected.project.code = Some("440113-2022-0001".into());
    corrected.indicators[2].target = "显著提升".into();
    corrected.indicators[2].actual = "有效提升".into();
    corrected.indicators[3].target = "投诉率≤5%".into();
    corrected.indicators[3].actual = "2%".into();
    corrected.indicators[3].deviation = Some("无偏差\u{1}".into());
    corrected.indicators.push(jixiao_core::model::Indicator {
        level1: "成本指标".into(),
        level2: "经济成本指标".into(),
        name: "人均成本".into(),
        target: "≤1.2万元".into(),
        actual: "1.1万元".into(),
        weight: 0.into(),
        self_score: None,
        review_score: None,
        deviation: None,
        direction: None,
    });
    vec![seed.clone(), demo, corrected, seed]
}

struct Fixture {
    projects: Vec<Project>,
    evaluations: Vec<Evaluation>,
}

impl Fixture {
    fn new() -> Fixture {
        let policy = Policy::default_policy();
        let projects = projects();
        let evaluations = projects.iter().map(|p| evaluate(p, &policy)).collect();
        Fixture {
            projects,
            evaluations,
        }
    }

    fn items(&self) -> Vec<Published<'_>> {
        let ids = [(12, 34), (13, 40), (14, 41), (12, 33)];
        self.projects
            .iter()
            .zip(&self.evaluations)
            .zip(ids)
            .enumerate()
            .map(|(i, ((project, evaluation), (id, revision)))| Published {
                url: format!("https://example.gov.cn/gongkai/{id}/{revision}"),
                project_id: id,
                revision,
                published_at: 1_777_622_400_000 + i as i64 * 3_600_000,
                department: project.project.department.clone(),
                unit: project.project.implementer.clone(),
                correction: (i == 2).then(|| "更正“人才政策”的实际完成值 <原值有误>".into()),
                project,
                evaluation,
                with_review: false,
            })
            .collect()
    }
}

const REF: &str = "CN-USCI-11440113MB2C12345X";

#[test]
fn activities_validate_against_the_iati_2_03_schema() {
    let f = Fixture::new();
    let items = f.items();
    let xml = open::iati::activities("广州市番禺区财政局", REF, &items, 1_777_708_800_000);
    if let Err(e) = xmllint(&xml) {
        panic!("the IATI document does not validate: {e}\n{xml}");
    }

    assert!(
        xml.contains(
            r#"<iati-activities version="2.03" generated-datetime="2026-05-02T08:00:00Z">"#
        )
    );
    // One activity per project: revision 33 of project 12 is superseded by revision 34.
    assert_eq!(xml.matches("<iati-activity ").count(), 3);
    assert_eq!(
        xml.matches(&format!("<iati-identifier>{REF}-12</iati-identifier>"))
            .count(),
        1
    );
    assert!(xml.contains("https://example.gov.cn/gongkai/12/34"));
    assert!(!xml.contains("https://example.gov.cn/gongkai/12/33"));
    assert!(xml.contains(r#"<narrative xml:lang="zh">2022年度 产业人才发展专项资金</narrative>"#));
    // Funds in yuan, exactly: 150.00 and 14.53 万元.
    assert!(xml.contains(r#"<value currency="CNY" value-date="2022-01-01">1500000</value>"#));
    assert!(xml.contains(r#"<value currency="CNY" value-date="2022-12-31">145300</value>"#));
    // Results: 产出 output, 效益 and 满意度 outcome, 成本 other.
    let seed = activity(&xml, 0);
    assert_eq!(seed.matches(r#"<result type="1">"#).count(), 1);
    assert_eq!(seed.matches(r#"<result type="2">"#).count(), 2);
    assert_eq!(seed.matches("<indicator ").count(), 6);
    // 媒体报道: 5篇 against 超30篇次, a number on both sides.
    assert!(seed.contains(r#"<target value="5">"#), "{seed}");
    assert!(seed.contains(r#"<actual value="30">"#), "{seed}");
    assert!(
        seed.contains(r#"<indicator measure="5">"#),
        "qualitative, no ascending"
    );
    assert!(seed.contains(r#"<indicator measure="1" ascending="1">"#));

    let corrected = activity(&xml, 2);
    assert!(
        corrected.contains("人才&lt;专项&gt;&amp;\"资金\"")
            || corrected.contains("人才&lt;专项&gt;&amp;&quot;资金&quot;")
    );
    assert!(
        corrected.contains(r#"<description type="4">"#),
        "the correction"
    );
    assert!(corrected.contains(r#"<other-identifier ref="440113-2022-0001" type="A1"/>"#));
    assert!(
        corrected.contains(r#"<result type="9">"#),
        "成本指标 as other"
    );
    // ≤ indicators descend, percentages are measure 2.
    assert!(
        corrected.contains(r#"<indicator measure="2" ascending="0">"#),
        "{corrected}"
    );
    assert!(corrected.contains(r#"<indicator measure="1" ascending="0">"#));
    assert!(corrected.contains(r#"<target value="1.2">"#));
    assert!(!corrected.contains('\u{1}'), "control characters dropped");
}

/// The `i`-th `<iati-activity>` element's text.
fn activity(xml: &str, i: usize) -> &str {
    let start = xml
        .match_indices("<iati-activity ")
        .nth(i)
        .expect("activity")
        .0;
    let end = xml[start..].find("</iati-activity>").expect("end") + start;
    &xml[start..end]
}

#[test]
fn xmllint_rejects_an_invalid_document() {
    let f = Fixture::new();
    let items = f.items();
    let xml = open::iati::activities("广州市番禺区财政局", REF, &items[..1], 0);
    assert!(xmllint(&xml).is_ok(), "the unbroken document validates");

    // Without the required iati-identifier.
    let start = xml.find("<iati-identifier>").unwrap();
    let end = xml.find("</iati-identifier>").unwrap() + "</iati-identifier>".len();
    let broken = format!("{}{}", &xml[..start], &xml[end..]);
    let err = xmllint(&broken).expect_err("a document without iati-identifier must be rejected");
    assert!(err.contains("iati-identifier"), "{err}");

    // A result without its required type, and an indicator value that is not a date where one is due.
    let broken = xml.replacen(r#"<result type="1">"#, "<result>", 1);
    assert!(xmllint(&broken).is_err(), "result without type");
    let broken = xml.replacen(
        r#"iso-date="2022-12-31""#,
        r#"iso-date="2022年12月31日""#,
        1,
    );
    assert!(xmllint(&broken).is_err(), "a date that is not xsd:date");
}

#[test]
fn the_vendored_schema_is_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/iati-schema");
    for file in [
        "iati-activities-schema.xsd",
        "iati-common.xsd",
        "xml.xsd",
        "LICENSE",
        "SOURCE.md",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let activities = std::fs::read_to_string(dir.join("iati-activities-schema.xsd")).unwrap();
    assert!(activities.contains(r#"version="2.03""#));
    assert!(activities.contains("Release 2.03, 2018-02-19"));
}
