//! The public site's open data (jixiao_report::open): the flat CSV read back against the JSON documents,
//! the Atom feed through a real feed parser, the public JSON without the bureau's review, and the yearly
//! zip bundle opened and counted.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use jixiao_core::{Evaluation, Exchange, Policy, Project, evaluate};
use jixiao_report::open::{self, Published};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(path: &str) -> Project {
    jixiao_io::load(&root().join(path)).unwrap_or_else(|e| panic!("{path} loads: {e}"))
}

/// The seed, a demo project with a ≤ indicator, and a hostile variant of the seed: names and values
/// with comma, quote, newline and markup, review scores published, and a correction.
fn projects() -> Vec<Project> {
    let seed = load("examples/panyu-2022.toml");
    let demo = load("examples/demo/hedao-baojie-2023.toml");
    let mut hostile = seed.clone();
    hostile.project.name = "人才<专项>&\"资金\", 第二期\n（更正）".into();
    hostile.project.code = Some("44-0113,\"A\"".into());
    hostile.indicators[0].actual = "已调研，“黄埔区”,\n另\"走访\"2次 <b>&amp;</b>".into();
    hostile.indicators[1].target = "≤5%".into();
    hostile.indicators[1].actual = "3%".into();
    hostile.indicators[2].name = "=HYPERLINK(\"http://example.invalid\",\"点击\")".into();
    hostile.funds.review_score = Some(Decimal::new(9, 0));
    for i in &mut hostile.indicators {
        i.review_score = Some(i.weight - Decimal::ONE);
    }
    vec![seed, demo, hostile]
}

struct Fixture {
    projects: Vec<Project>,
    evaluations: Vec<Evaluation>,
    policy: Policy,
}

impl Fixture {
    fn new() -> Fixture {
        let policy = Policy::default_policy();
        let projects = projects();
        let evaluations = projects.iter().map(|p| evaluate(p, &policy)).collect();
        Fixture {
            projects,
            evaluations,
            policy,
        }
    }

    fn items(&self) -> Vec<Published<'_>> {
        self.projects
            .iter()
            .zip(&self.evaluations)
            .enumerate()
            .map(|(i, (project, evaluation))| {
                let id = 12 + i as i64;
                let revision = 30 + i as i64;
                Published {
                    url: format!("https://example.gov.cn/gongkai/{id}/{revision}"),
                    project_id: id,
                    revision,
                    // 2026-05-01T08:00:00Z plus i days
                    published_at: 1_777_622_400_000 + i as i64 * 86_400_000,
                    department: if i == 2 {
                        "番禺区委组织部 <人才>&\"办\"".into()
                    } else {
                        project.project.department.clone()
                    },
                    unit: project.project.implementer.clone(),
                    correction: (i == 2)
                        .then(|| "更正指标“政策调研, 咨询”的实际完成值\n（原值有误）".into()),
                    project,
                    evaluation,
                    with_review: i == 2,
                }
            })
            .collect()
    }
}

fn json_of(p: &Published, policy: &Policy) -> serde_json::Value {
    let bytes = open::json(p, policy);
    assert!(
        bytes.ends_with(b"}\n"),
        "pretty JSON with a trailing newline"
    );
    serde_json::from_slice(&bytes).expect("valid JSON")
}

#[test]
fn public_json_withholds_the_review_unless_published() {
    let f = Fixture::new();
    let items = f.items();
    // Seed: not published with review.
    let seed = json_of(&items[0], &f.policy);
    assert_eq!(seed["schema"], "jixiao-evaluation");
    assert_eq!(seed["schema_version"], 2);
    assert_eq!(seed["findings"], serde_json::json!([]));
    assert!(seed["evaluation"]["execution"]["review_score"].is_null());
    assert_eq!(
        seed["evaluation"]["summary"]["review"]["state"],
        "not-started"
    );
    // Hostile: published with review, so the document is the API's, findings and review included.
    let reviewed = json_of(&items[2], &f.policy);
    let api =
        serde_json::to_value(Exchange::new(&f.projects[2], &f.evaluations[2], &f.policy)).unwrap();
    assert_eq!(reviewed, api);
    assert_eq!(reviewed["evaluation"]["execution"]["review_score"], "9");
    assert_eq!(reviewed["evaluation"]["summary"]["review"]["state"], "done");
    assert!(!reviewed["findings"].as_array().unwrap().is_empty());
}

#[test]
fn csv_round_trips_against_the_json_documents() {
    let f = Fixture::new();
    let items = f.items();
    let bytes = open::csv::write(&items, &f.policy);
    assert!(bytes.starts_with(open::csv::BOM), "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let header = text.split("\r\n").next().unwrap();
    assert_eq!(header, open::csv::COLUMNS.join(","));

    let rows = open::csv::read(&bytes).expect("reads back");
    let expected_rows: usize = f.projects.iter().map(|p| p.indicators.len() + 1).sum();
    assert_eq!(rows.len(), expected_rows);

    let mut at = 0;
    for item in &items {
        let doc = json_of(item, &f.policy);
        let e = &doc["evaluation"];
        let n = item.project.indicators.len();
        let mine = &rows[at..at + 1 + n];
        at += 1 + n;
        for row in mine {
            let get = |c: &str| row.get(c).unwrap_or_else(|| panic!("column {c}"));
            assert_eq!(get("url"), item.url);
            assert_eq!(get("project_id"), item.project_id.to_string());
            assert_eq!(get("revision"), item.revision.to_string());
            assert_eq!(get("year"), doc["project"]["year"].to_string());
            assert_eq!(get("project_name"), doc["project"]["name"]);
            assert_eq!(get("department"), item.department);
            assert_eq!(get("unit"), item.unit);
            assert_eq!(get("funds_annual_wan"), doc["funds"]["annual"]["amount"]);
            assert_eq!(
                get("funds_executed_wan"),
                doc["funds"]["executed"]["amount"]
            );
            assert_eq!(get("execution_rate"), e["execution"]["rate"]);
            assert_eq!(get("total"), e["total"]);
            assert_eq!(get("grade"), e["grade"]);
            assert_eq!(
                get("correction"),
                item.correction.as_deref().unwrap_or_default()
            );
        }
        let exec = &mine[0];
        assert_eq!(exec.get("row_kind"), Some("execution"));
        assert_eq!(exec.get("weight").unwrap(), e["execution"]["weight"]);
        assert_eq!(
            exec.get("self_score").unwrap(),
            e["execution"]["self_score"]
        );
        for (row, ind) in mine[1..].iter().zip(e["indicators"].as_array().unwrap()) {
            assert_eq!(row.get("row_kind"), Some("indicator"));
            for (column, field) in [
                ("indicator_index", "index"),
                ("level1", "level1"),
                ("level2", "level2"),
                ("indicator", "name"),
                ("target", "target"),
                ("actual", "actual"),
                ("weight", "weight"),
                ("self_score", "self_score"),
                ("computed_score", "computed_score"),
                ("outcome", "outcome"),
                ("direction", "direction"),
            ] {
                let expected = match &ind[field] {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                assert_eq!(row.get(column).unwrap(), expected, "{column} of {ind}");
            }
            let review = row.get("review_score").unwrap();
            if item.with_review {
                assert_eq!(review, ind["review_score"]);
                assert!(!review.is_empty());
            } else {
                assert_eq!(review, "", "review withheld");
            }
        }
    }

    // The seed's figures as the form states them, exact.
    let seed: Vec<_> = rows
        .iter()
        .filter(|r| r.get("project_id") == Some("12"))
        .collect();
    assert_eq!(seed[0].get("funds_annual_wan"), Some("14.53"));
    assert_eq!(seed[0].get("funds_initial_wan"), Some("150.00"));
    assert_eq!(seed[0].get("execution_rate"), Some("1"));
    assert_eq!(seed[0].get("published_at"), Some("2026-05-01T08:00:00Z"));
    assert_eq!(seed[1].get("indicator"), Some("政策调研、咨询"));
    assert_eq!(seed[1].get("target"), Some("1次"));
    assert_eq!(seed[1].get("weight"), Some("20"));

    // Comma, quote, newline and markup survive.
    let hostile: Vec<_> = rows
        .iter()
        .filter(|r| r.get("project_id") == Some("14"))
        .collect();
    assert_eq!(
        hostile[0].get("project_name"),
        Some("人才<专项>&\"资金\", 第二期\n（更正）")
    );
    assert_eq!(hostile[0].get("project_code"), Some("44-0113,\"A\""));
    assert_eq!(
        hostile[1].get("actual"),
        Some("已调研，“黄埔区”,\n另\"走访\"2次 <b>&amp;</b>")
    );
    assert_eq!(hostile[2].get("target"), Some("≤5%"));
    assert_eq!(hostile[2].get("direction"), Some("reverse"));
    assert_eq!(hostile[0].get("review_score"), Some("9"));
    assert!(
        text.contains("\"人才<专项>&\"\"资金\"\", 第二期\n（更正）\""),
        "RFC 4180 quoting"
    );
    // A formula is written as text for spreadsheets and read back as typed.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\""),
        "guarded"
    );
    assert_eq!(
        hostile[3].get("indicator"),
        Some("=HYPERLINK(\"http://example.invalid\",\"点击\")")
    );
}

#[test]
fn atom_feed_parses_with_a_feed_reader() {
    let f = Fixture::new();
    let items = f.items();
    let xml = open::atom::feed(
        "番禺区财政局 <绩效信息公开> & \"自评\"",
        "https://example.gov.cn/gongkai/feed.atom",
        "https://example.gov.cn/gongkai/",
        &items,
    );
    let feed = atom_syndication::Feed::read_from(xml.as_bytes())
        .unwrap_or_else(|e| panic!("not a valid Atom feed: {e}\n{xml}"));
    assert_eq!(feed.id(), "https://example.gov.cn/gongkai/feed.atom");
    assert_eq!(
        feed.title().as_str(),
        "番禺区财政局 <绩效信息公开> & \"自评\""
    );
    assert_eq!(feed.updated().to_rfc3339(), "2026-05-03T08:00:00+00:00");
    assert!(!feed.authors().is_empty(), "feed author");
    let self_link = feed
        .links()
        .iter()
        .find(|l| l.rel() == "self")
        .expect("rel=self");
    assert_eq!(self_link.href(), "https://example.gov.cn/gongkai/feed.atom");

    assert_eq!(feed.entries().len(), 3);
    for (entry, item) in feed.entries().iter().zip(&items) {
        assert_eq!(entry.id(), item.url);
        let year = item.project.project.year;
        let title = format!("{year}年度 {} 绩效自评", item.project.project.name);
        if item.correction.is_some() {
            assert_eq!(entry.title().as_str(), format!("更正：{title}"));
        } else {
            assert_eq!(entry.title().as_str(), title);
        }
        let when = chrono::DateTime::from_timestamp_millis(item.published_at).unwrap();
        assert_eq!(entry.updated().to_utc(), when);
        assert_eq!(entry.published().map(|d| d.to_utc()), Some(when));
        let links = entry.links();
        let html = links
            .iter()
            .find(|l| l.mime_type() == Some("text/html"))
            .expect("html link");
        assert_eq!(html.rel(), "alternate");
        assert_eq!(html.href(), item.url);
        let json = links
            .iter()
            .find(|l| l.mime_type() == Some("application/json"))
            .expect("json link");
        assert_eq!(json.href(), format!("{}/json", item.url));
        let summary = entry.summary().expect("summary").as_str();
        assert!(
            summary.contains(&format!("评价等级：{}", item.evaluation.grade.as_str())),
            "{summary}"
        );
        assert!(summary.contains(&format!("总分：{}", item.evaluation.total.normalize())));
    }
    // Names with markup survive as text.
    let hostile = &feed.entries()[2];
    assert!(hostile.title().as_str().contains("人才<专项>&\"资金\""));
    assert!(
        hostile
            .summary()
            .unwrap()
            .as_str()
            .contains("番禺区委组织部 <人才>&\"办\"")
    );
    assert!(hostile.summary().unwrap().as_str().contains("更正说明"));
}

#[test]
fn atom_feed_without_items_is_still_valid() {
    let xml = open::atom::feed(
        "空",
        "https://example.gov.cn/a.atom",
        "https://example.gov.cn/",
        &[],
    );
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("valid");
    assert!(feed.entries().is_empty());
    assert_eq!(feed.updated().to_rfc3339(), "1970-01-01T00:00:00+00:00");
}

#[test]
fn control_characters_do_not_break_the_xml() {
    let f = Fixture::new();
    let mut items = f.items();
    items[0].unit = "单位\u{1}\u{8}名".into();
    let xml = open::atom::feed("t", "https://e.cn/f", "https://e.cn/", &items);
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("valid");
    assert_eq!(feed.entries()[0].authors()[0].name(), "单位名");
}

#[test]
fn yearly_bundle_holds_readme_csv_and_every_json() {
    let f = Fixture::new();
    let items = f.items();
    let bytes = open::bundle::year(2022, &items, &f.policy).expect("bundles");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    assert_eq!(zip.len(), 2 + items.len());
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("entry name").into_owned())
        .collect();
    assert!(names.contains(&"2022/README.txt".to_string()), "{names:?}");
    assert!(
        names.contains(&"2022/evaluations.csv".to_string()),
        "{names:?}"
    );

    let mut readme = String::new();
    zip.by_name("2022/README.txt")
        .unwrap()
        .read_to_string(&mut readme)
        .unwrap();
    assert!(readme.contains("evaluations.csv") && readme.contains("扁平 CSV / Flat CSV"));

    let mut csv = Vec::new();
    zip.by_name("2022/evaluations.csv")
        .unwrap()
        .read_to_end(&mut csv)
        .unwrap();
    let rows = open::csv::read(&csv).expect("the bundled CSV reads");
    let expected: usize = items.iter().map(|p| p.project.indicators.len() + 1).sum();
    assert_eq!(rows.len(), expected);

    for item in &items {
        let name = format!("2022/json/{}-{}.json", item.project_id, item.revision);
        let mut bytes = Vec::new();
        zip.by_name(&name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_end(&mut bytes)
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(doc, json_of(item, &f.policy));
    }
}

#[test]
fn bundle_refuses_the_same_revision_twice() {
    let f = Fixture::new();
    let mut items = f.items();
    items[1].project_id = items[0].project_id;
    items[1].revision = items[0].revision;
    let err = open::bundle::year(2022, &items, &f.policy).unwrap_err();
    assert!(err.to_string().contains("出现了两次"), "{err}");
}

/// The public copy of a report whose bureau does not publish its review (`statement_only`): where the
/// unit wrote no 存在问题, the findings must not fill it in, and no computed or review score shows.
#[test]
fn the_statement_only_report_shows_no_finding_and_no_review() {
    let mut seed = load("examples/panyu-2022.toml");
    seed.report.problems = String::new();
    seed.statement.problems = None;
    seed.funds.review_score = Some(Decimal::new(666, 2));
    let policy = Policy::standard();
    let e = evaluate(&seed, policy);
    let messages: Vec<String> = e.findings.iter().map(|f| f.message.to_string()).collect();
    assert!(!messages.is_empty(), "the seed has findings to hide");
    let full = jixiao_report::Report::build(&seed, &e, policy, &Default::default()).all_text();
    assert!(
        messages.iter().any(|m| full.contains(m.as_str())),
        "the internal report lists them"
    );
    let public = jixiao_report::Report::build(
        &seed,
        &e,
        policy,
        &jixiao_report::Options {
            statement_only: true,
            ..Default::default()
        },
    )
    .all_text();
    for m in &messages {
        assert!(!public.contains(m.as_str()), "{m}");
    }
    assert!(!public.contains("6.66") && !public.contains("复核得分"));
}
