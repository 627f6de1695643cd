//! The 绩效目标申报表 workbook: the corpus of published layouts (tests/fixtures/goals/, each read to its
//! hand-written answer key, findings included), the round trip of the official layout jixiao writes, and
//! what goes wrong (not a workbook, no indicator table, a bad number, a doubtful cell).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jixiao_core::goals::{Attribute, Basis, Declaration, GoalFundSource, GoalIndicator, Period};
use jixiao_core::{Code, Direction};
use jixiao_io::{GoalsError, read_declaration, read_declarations, write_declaration};
use rust_decimal::Decimal;

use common::keys::{self, finding_keys, keys_in};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/goals")
}

/// One answer key: the declarations a workbook holds, each with the findings expected ("code path").
struct Key {
    declarations: Vec<(Declaration, BTreeSet<String>)>,
}

fn load_key(path: &Path) -> Key {
    Key {
        declarations: keys::load_key(path, "declarations"),
    }
}

/// Every difference between what was expected and what was read, field by field.
fn differences(want: &Declaration, got: &Declaration) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |field: String, a: String, b: String| {
        if a != b {
            out.push(format!("{field}: expected {a:?}, read {b:?}"));
        }
    };
    let (w, g) = (&want.project, &got.project);
    check("project.name".into(), w.name.clone(), g.name.clone());
    check(
        "project.year".into(),
        w.year.to_string(),
        g.year.to_string(),
    );
    check(
        "project.department".into(),
        w.department.clone(),
        g.department.clone(),
    );
    check(
        "project.implementer".into(),
        w.implementer.clone(),
        g.implementer.clone(),
    );
    check(
        "project.code".into(),
        format!("{:?}", w.code),
        format!("{:?}", g.code),
    );
    check(
        "project.attribute".into(),
        format!("{:?}", w.attribute),
        format!("{:?}", g.attribute),
    );
    check(
        "project.period".into(),
        format!("{:?}", w.period),
        format!("{:?}", g.period),
    );
    check(
        "funds.total".into(),
        w_dec(want.funds.total),
        w_dec(got.funds.total),
    );
    let sources = |s: &[GoalFundSource]| -> String {
        s.iter()
            .map(|x| format!("{}={}", x.name, w_dec(x.amount)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    check(
        "funds.sources".into(),
        sources(&want.funds.sources),
        sources(&got.funds.sources),
    );
    check(
        "goals.annual".into(),
        want.goals.annual.clone(),
        got.goals.annual.clone(),
    );
    check(
        "goals.long_term".into(),
        want.goals.long_term.clone(),
        got.goals.long_term.clone(),
    );
    check(
        "indicators.len".into(),
        want.indicators.len().to_string(),
        got.indicators.len().to_string(),
    );
    for (i, (a, b)) in want.indicators.iter().zip(&got.indicators).enumerate() {
        let f = |x: &GoalIndicator| -> Vec<(&'static str, String)> {
            vec![
                ("level1", x.level1.clone()),
                ("level2", x.level2.clone()),
                ("name", x.name.clone()),
                ("target", x.target.clone()),
                ("weight", x.weight.map(w_dec).unwrap_or_default()),
                ("explanation", x.explanation.clone()),
                ("basis", format!("{:?}", x.basis)),
                ("basis_note", x.basis_note.clone()),
                ("data_source", x.data_source.clone()),
                ("scoring", x.scoring.clone()),
                ("direction", format!("{:?}", x.direction)),
            ]
        };
        for ((field, x), (_, y)) in f(a).into_iter().zip(f(b)) {
            check(format!("indicators[{i}].{field}"), x, y);
        }
    }
    out
}

fn w_dec(x: Decimal) -> String {
    x.normalize().to_string()
}

/// Reads a corpus item and compares it with its key: (fields right, fields compared, problems).
fn check_item(key_path: &Path) -> (usize, usize, Vec<String>) {
    let name = key_path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .trim_end_matches(".key.toml")
        .to_string();
    let xlsx = key_path.with_file_name(format!("{name}.xlsx"));
    let bytes = std::fs::read(&xlsx).unwrap_or_else(|e| panic!("{}: {e}", xlsx.display()));
    let key = load_key(key_path);
    let file = format!("{name}.xlsx");
    let read = match read_declarations(&bytes, &file) {
        Ok(r) => r,
        Err(e) => {
            let n: usize = key.declarations.iter().map(|(d, _)| fields(d)).sum();
            return (0, n, vec![format!("{name}: not read: {e}")]);
        }
    };
    let mut problems = Vec::new();
    let mut total = 0;
    let mut wrong = 0;
    if read.len() != key.declarations.len() {
        problems.push(format!(
            "{name}: {} declarations read, {} expected",
            read.len(),
            key.declarations.len()
        ));
    }
    for (i, (want, want_findings)) in key.declarations.iter().enumerate() {
        let n = fields(want);
        total += n;
        let Some((got, findings)) = read.get(i) else {
            wrong += n;
            continue;
        };
        let diffs = differences(want, got);
        wrong += diffs.len().min(n);
        for d in diffs {
            problems.push(format!("{name} #{i}: {d}"));
        }
        let got_findings = finding_keys(findings);
        for missing in want_findings.difference(&got_findings) {
            problems.push(format!("{name} #{i}: finding not raised: {missing}"));
        }
        for extra in got_findings.difference(want_findings) {
            let message = findings
                .iter()
                .find(|f| format!("{} {}", f.code.as_str(), f.path) == *extra)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            problems.push(format!(
                "{name} #{i}: unexpected finding: {extra} ({message})"
            ));
        }
        // Every finding names where it was read.
        for f in findings {
            assert!(
                f.message.contains("工作表“"),
                "{name}: a finding without its place: {}",
                f.message
            );
        }
    }
    (total - wrong, total, problems)
}

/// The number of fields compared for a declaration (header 7, funds 2, goals 2, 11 per indicator, count).
fn fields(d: &Declaration) -> usize {
    7 + 2 + 2 + 1 + 11 * d.indicators.len()
}

#[test]
fn every_corpus_layout_reads_to_its_answer_key() {
    let keys = keys_in(&fixtures());
    assert!(keys.len() >= 6, "{keys:?}");
    let mut problems = Vec::new();
    for k in &keys {
        let (right, total, p) = check_item(k);
        eprintln!(
            "{}: {right}/{total} fields",
            k.file_name().unwrap().to_string_lossy()
        );
        problems.extend(p);
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn the_holdout_layouts_read_to_their_answer_keys() {
    let dir = fixtures().join("holdout");
    let keys = keys_in(&dir);
    assert!(keys.len() >= 2, "{keys:?}");
    let mut problems = Vec::new();
    for k in &keys {
        let (right, total, p) = check_item(k);
        eprintln!(
            "holdout {}: {right}/{total} fields",
            k.file_name().unwrap().to_string_lossy()
        );
        problems.extend(p);
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn example() -> Declaration {
    let text =
        std::fs::read_to_string(root().join("examples/goals/hedao-baojie-2023.toml")).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn the_example_declaration_survives_write_and_read() {
    let d = example();
    let bytes = write_declaration(&d);
    let (back, findings) = read_declaration(&bytes, "hedao-baojie-2023.xlsx").unwrap();
    assert_eq!(differences(&d, &back), Vec::<String>::new());
    assert_eq!(back, d);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn odd_values_survive_write_and_read() {
    let mut d = example();
    d.project.code = Some("440113-2023-0012".into());
    d.project.attribute = Attribute::New;
    d.project.period = Some(Period {
        start: 2023,
        end: 2023,
    });
    d.funds.total = "1234567.891".parse().unwrap();
    d.funds.sources = vec![
        GoalFundSource {
            name: "上年结转资金".into(),
            amount: "0.01".parse().unwrap(),
        },
        GoalFundSource {
            name: "社会捐赠".into(),
            amount: "1234567.881".parse().unwrap(),
        },
    ];
    d.goals.long_term = String::new();
    let ind = &mut d.indicators[0];
    ind.target = "=11个".into();
    ind.weight = Some("7.5".parse().unwrap());
    ind.explanation = "第一行\n第二行".into();
    ind.basis = Some(Basis::Other);
    ind.basis_note = "+5% 以内".into();
    ind.scoring = "完成得满分，每少 1 公里扣 1 分".into();
    ind.direction = Some(Direction::Qualitative);
    d.indicators[1].weight = None;
    let bytes = write_declaration(&d);
    let (back, findings) = read_declaration(&bytes, "odd.xlsx").unwrap();
    assert_eq!(differences(&d, &back), Vec::<String>::new());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_declaration_without_fund_sources_is_written_and_read() {
    // Many published 申报表 give only 年度资金总额 (three of the corpus's answer keys).
    let mut d = example();
    d.funds.sources.clear();
    let bytes = write_declaration(&d);
    let (back, _) = read_declaration(&bytes, "no-sources.xlsx").unwrap();
    assert_eq!(differences(&d, &back), Vec::<String>::new());
}

/// A small workbook from rows of cells (for the malformed inputs).
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

const HEADER: &[&str] = &["一级指标", "二级指标", "三级指标", "指标值", "分值"];

fn form(attribute: &str, weight: &str, total: &str) -> Vec<u8> {
    workbook(&[
        &["项目支出绩效目标申报表"],
        &["（2024年度）"],
        &["项目名称", "社区养老服务补贴"],
        &["主管部门", "区民政局", "", "实施单位", "区养老服务中心"],
        &["项目属性", attribute],
        &["项目资金（万元）", "年度资金总额", total],
        &["", "其中：财政拨款", "100"],
        &["总体目标", "年度目标"],
        &["", "为全区 3000 名老人提供居家养老服务"],
        HEADER,
        &["产出指标", "数量指标", "服务老人数", "≥3000人", "20"],
        &["", "", "服务次数", "≥36000人次", weight],
        &[
            "满意度指标",
            "服务对象满意度指标",
            "老人满意度",
            "≥90%",
            "10",
        ],
    ])
}

#[test]
fn a_plain_form_reads_with_merged_less_blank_levels() {
    let (d, findings) =
        read_declaration(&form("新增项目☑ 延续项目☐", "15", "100"), "g.xlsx").unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(d.project.year, 2024);
    assert_eq!(d.project.attribute, Attribute::New);
    assert_eq!(d.funds.total, Decimal::from(100));
    assert_eq!(d.indicators.len(), 3);
    assert_eq!(d.indicators[1].level1, "产出指标");
    assert_eq!(d.indicators[1].level2, "数量指标");
    assert_eq!(d.indicators[1].weight, Some(Decimal::from(15)));
}

#[test]
fn not_a_workbook_is_an_error_naming_the_file() {
    let e = read_declaration(b"project = 1\n", "goals.toml").unwrap_err();
    assert!(matches!(e, GoalsError::NotWorkbook { .. }), "{e:?}");
    assert!(e.to_string().starts_with("goals.toml"), "{e}");
    let e = read_declaration(b"not a zip at all", "goals.xlsx").unwrap_err();
    assert!(e.to_string().contains("goals.xlsx"), "{e}");
    let e = read_declaration(b"", "goals.xlsx").unwrap_err();
    assert!(e.to_string().contains("goals.xlsx"), "{e}");
    let e = read_declaration(b"PK\x03\x04\x14\x00broken", "goals.xlsx").unwrap_err();
    assert!(e.to_string().contains("goals.xlsx"), "{e}");
}

#[test]
fn a_workbook_without_an_indicator_table_is_an_error_naming_the_file() {
    let bytes = workbook(&[
        &["项目名称", "社区养老服务补贴"],
        &["主管部门", "区民政局"],
        &["一级指标", "二级指标", "分值"],
    ]);
    let e = read_declaration(&bytes, "goals.xlsx").unwrap_err();
    assert!(matches!(e, GoalsError::NoIndicatorTable { .. }), "{e:?}");
    let m = e.to_string();
    assert!(m.starts_with("goals.xlsx"), "{m}");
    assert!(m.contains("三级指标"), "{m}");
}

#[test]
fn a_bad_number_is_an_error_naming_file_row_and_column() {
    let e = read_declaration(&form("新增", "abc", "100"), "goals.xlsx").unwrap_err();
    assert!(matches!(e, GoalsError::BadNumber { .. }), "{e:?}");
    let m = e.to_string();
    assert!(m.starts_with("goals.xlsx"), "{m}");
    assert!(m.contains("第 12 行"), "{m}");
    assert!(m.contains("第 E 列"), "{m}");
    assert!(m.contains("分值“abc”不是数字"), "{m}");

    let e = read_declaration(&form("新增", "10", "一百万"), "goals.xlsx").unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("第 6 行") && m.contains("年度资金总额“一百万”不是数字"),
        "{m}"
    );
}

#[test]
fn a_doubtful_cell_is_a_finding_not_a_guess() {
    // Both boxes empty: neither 新增 nor 延续 is ticked.
    let (d, findings) =
        read_declaration(&form("新增项目□ 延续项目□", "15", "100"), "g.xlsx").unwrap();
    assert_eq!(d.project.attribute, Attribute::New);
    let f = findings
        .iter()
        .find(|f| f.path == "project.attribute")
        .expect("a finding on the attribute");
    assert_eq!(f.code, Code::ImportAmbiguous);
    assert!(f.message.contains("第 5 行"), "{}", f.message);

    // An amount with words after it: the number is read and the doubt said.
    let (d, findings) = read_declaration(&form("延续", "15", "100万（含追加）"), "g.xlsx").unwrap();
    assert_eq!(d.project.attribute, Attribute::Continuing);
    assert_eq!(d.funds.total, Decimal::from(100));
    assert!(
        findings
            .iter()
            .any(|f| f.code == Code::ImportAmbiguous && f.path == "funds.total"),
        "{findings:#?}"
    );
}

#[test]
fn a_list_of_projects_is_read_whole_but_not_as_one_declaration() {
    let bytes = std::fs::read(fixtures().join("03_sichuan_jingyan_mata_2023.xlsx")).unwrap();
    let all = read_declarations(&bytes, "mata.xlsx").unwrap();
    assert_eq!(all.len(), 2);
    let e = read_declaration(&bytes, "mata.xlsx").unwrap_err();
    assert!(matches!(e, GoalsError::Several { count: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("村组干部报酬"), "{e}");
}

/// A minimal xlsx from one sheet's XML (inline strings), written with the zip crate: what a hostile or
/// odd writer may produce without a spreadsheet library filling in the cells it claims.
fn raw_xlsx(sheet_data: &str, merges: &str) -> Vec<u8> {
    use std::io::Write;
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData>{merges}</worksheet>"#
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_sheet_claiming_a_far_cell_and_a_huge_merge_is_read_without_a_huge_grid() {
    let data = format!(
        r#"<row r="1">{}</row><row r="3">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "项目名称"),
        inline("A3", "合并"),
        inline("XFD1048576", "远处的单元格")
    );
    let merges = r#"<mergeCells count="2"><mergeCell ref="A3:XFD1048000"/><mergeCell ref="B1:XFD1048576"/></mergeCells>"#;
    let bytes = raw_xlsx(&data, merges);
    let started = std::time::Instant::now();
    let e = read_declaration(&bytes, "far.xlsx").unwrap_err();
    assert!(matches!(e, GoalsError::NoIndicatorTable { .. }), "{e:?}");
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn an_amount_beyond_any_budget_is_an_error_not_an_overflow() {
    let e = read_declaration(&form("新增", "10", &"9".repeat(30)), "g.xlsx").unwrap_err();
    assert!(matches!(e, GoalsError::BadNumber { .. }), "{e:?}");
}

#[test]
fn a_text_longer_than_a_cell_holds_is_written_cut_and_says_so() {
    let mut d = example();
    d.goals.annual = "目".repeat(40_000);
    let bytes = write_declaration(&d);
    let (back, _) = read_declaration(&bytes, "long.xlsx").unwrap();
    assert_eq!(back.goals.annual.chars().count(), 32_767);
    assert!(back.goals.annual.ends_with("以下已截断）"));
    assert_eq!(back.indicators, d.indicators);
}
