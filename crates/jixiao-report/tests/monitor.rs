//! The documents of 运行监控 and 结果应用 (jixiao_report::monitor), checked as a reader would: the DOCX
//! opened as a zip and its text read, the PDF's text through poppler's pdftotext (scripts/test installs
//! poppler-utils), the workbooks opened with calamine and their sheet XML checked for the frozen header.

use std::io::{Cursor, Read};
use std::process::Command;

use calamine::{Data, Reader};
use jixiao_core::monitoring::{
    Light, Likelihood, MonitorForm, MonitorIndicator, Suggestion, assess,
};
use jixiao_core::{Grade, Policy};
use jixiao_report::content::CellStyle;
use jixiao_report::monitor::{self, Monitored, Unreadable};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The talent-flats project in July, `executed` of 1,000 万元 spent.
fn july(executed: &str) -> MonitorForm {
    MonitorForm {
        name: "青年人才驿站运营".into(),
        year: 2027,
        month: 7,
        department: "番禺区委组织部".into(),
        implementer: "番禺区人才服务中心".into(),
        annual: d("1000"),
        executed: d(executed),
        forecast: Some(d("950")),
        deviation: String::new(),
        measures: String::new(),
        indicators: vec![
            MonitorIndicator {
                level1: "产出指标".into(),
                level2: "数量指标".into(),
                name: "过渡住宿服务人次".into(),
                target: "≥3000人次".into(),
                progress: "800人次".into(),
                forecast: "2500人次".into(),
                likelihood: Some(Likelihood::Possible),
                deviation: String::new(),
                measures: String::new(),
                direction: None,
            },
            MonitorIndicator {
                level1: "满意度指标".into(),
                level2: "服务对象满意度指标".into(),
                name: "入住人才满意度".into(),
                target: "≥90%".into(),
                progress: "93%".into(),
                forecast: "92%".into(),
                likelihood: Some(Likelihood::Certain),
                deviation: String::new(),
                measures: String::new(),
                direction: None,
            },
        ],
    }
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Text(t)) => out.push_str(&t.xml10_content()),
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                match r.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => out.push(c),
                    None => out.push_str(
                        &quick_xml::escape::unescape(&format!("&{};", r.xml10_content()))
                            .expect("a predefined entity"),
                    ),
                }
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("document.xml is not well-formed: {e}"),
        }
    }
    out
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("monitor.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/test installs poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn sheet_xml(xlsx: &[u8], n: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).expect("xlsx is a zip");
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .expect("the sheet")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The header row is frozen and the columns have widths.
fn assert_frozen_with_widths(xml: &str) {
    assert!(
        xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""),
        "header row not frozen: {xml}"
    );
    assert!(xml.contains("<col ") && xml.contains("width="), "no widths");
}

#[test]
fn the_form_shows_its_lights_and_what_must_be_explained() {
    let policy = Policy::default_policy();
    let f = july("300");
    let a = assess(&f, &policy);
    assert_eq!(a.light, Light::Red);
    let r = monitor::form(&f, &a, &policy);
    assert_eq!(r.title, "项目支出绩效运行监控表");
    assert_eq!(r.sheet.subtitle, "（2027年度，数据截至7月底）");
    let texts: Vec<&str> = r
        .sheet
        .rows
        .iter()
        .flatten()
        .map(|c| c.text.as_str())
        .collect();
    for want in [
        "青年人才驿站运营",
        "番禺区人才服务中心",
        "1000.00",
        "300.00",
        "30%",
        "58.33%",
        "51.43%",
        "红灯",
        "截至7月底执行数",
        "过渡住宿服务人次",
        "有可能",
    ] {
        assert!(texts.contains(&want), "{want} not in {texts:?}");
    }
    let annual = r
        .sheet
        .rows
        .iter()
        .flatten()
        .find(|c| c.text == "1000.00")
        .unwrap();
    assert_eq!(
        (annual.style, annual.number),
        (CellStyle::Number, Some(d("1000")))
    );
    // Every row fills the grid exactly.
    let cols = r.sheet.columns();
    for p in r.sheet.placed() {
        assert!(p.col + p.cell.colspan <= cols, "{p:?}");
    }
    let body: Vec<String> = r
        .blocks
        .iter()
        .filter_map(|b| match b {
            jixiao_report::content::Block::Paragraph(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let body = body.join("\n");
    assert!(body.contains("总体为红灯"), "{body}");
    assert!(body.contains("须填写预算执行的偏差原因"), "{body}");
    assert!(body.contains("指标“过渡住宿服务人次”红灯"), "{body}");
}

#[test]
fn the_form_opens_as_docx_and_pdf() {
    let policy = Policy::default_policy();
    let f = july("450");
    let a = assess(&f, &policy);
    let docx = squeeze(&docx_text(&monitor::form_docx(&f, &a, &policy).unwrap()));
    for want in [
        "项目支出绩效运行监控表",
        "青年人才驿站运营",
        "77.14%",
        "黄灯",
        "一、监控结论",
        "二、提交前须说明的事项",
    ] {
        assert!(docx.contains(&squeeze(want)), "{want} not in {docx}");
    }
    let pdf = monitor::form_pdf(&f, &a, &policy, None).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF"));
    let text = squeeze(&pdftotext(&pdf.bytes));
    for want in [
        "项目支出绩效运行监控表",
        "青年人才驿站运营",
        "77.14%",
        "黄灯",
        "提交前须说明的事项",
    ] {
        assert!(text.contains(&squeeze(want)), "{want} not in {text}");
    }
}

fn suggestions() -> Vec<Suggestion> {
    let policy = Policy::default_policy();
    vec![
        Suggestion::new(
            "番禺区人才服务中心",
            "青年人才驿站运营",
            2027,
            d("72.5"),
            true,
            d("1000"),
            vec![(7, Light::Red), (10, Light::Yellow)],
            1,
            &policy,
        ),
        Suggestion::new(
            "番禺区河道管理所",
            "河涌保洁及水面垃圾清理",
            2027,
            d("93.25"),
            false,
            d("1280.5"),
            vec![(7, Light::Green)],
            0,
            &policy,
        ),
    ]
}

#[test]
fn the_results_list_opens_in_excel_with_its_header_frozen_and_money_as_numbers() {
    let list = suggestions();
    assert_eq!(list[0].grade, Grade::Fair);
    let bytes = monitor::suggestions_xlsx(&list).unwrap();
    assert_frozen_with_widths(&sheet_xml(&bytes, 1));
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["结果应用".to_string()]);
    let range = wb.worksheet_range("结果应用").unwrap();
    assert_eq!(
        range.get((0, 8)),
        Some(&Data::String("下年度预算建议".into()))
    );
    assert_eq!(
        range.get((1, 2)),
        Some(&Data::String("青年人才驿站运营".into()))
    );
    assert_eq!(range.get((1, 7)), Some(&Data::Float(1000.0)));
    assert_eq!(range.get((2, 7)), Some(&Data::Float(1280.5)));
    assert_eq!(range.get((1, 8)), Some(&Data::String("核减5%—10%".into())));
    assert_eq!(range.get((1, 9)), Some(&Data::String("7".into())));
    let Some(Data::String(reasons)) = range.get((1, 11)) else {
        panic!("reasons");
    };
    assert!(reasons.contains("运行监控红灯（截至7月底）"), "{reasons}");
    assert!(reasons.contains("未完成整改事项 1 项"), "{reasons}");
    // Money shown with two places.
    let styles = {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    };
    assert!(styles.contains("#,##0.00"), "{styles}");
}

#[test]
fn the_results_list_prints() {
    let list = suggestions();
    let r = monitor::suggestions(&list);
    assert_eq!(
        r.sheet.subtitle,
        "（2027年度评价结果，用于2028年度预算安排）"
    );
    let pdf = monitor::suggestions_pdf(&list, None).unwrap();
    let text = squeeze(&pdftotext(&pdf.bytes));
    for want in [
        "绩效评价结果应用建议表",
        "青年人才驿站运营",
        "核减5%—10%",
        "优先保障",
        "1280.50",
        "复核",
    ] {
        assert!(text.contains(&squeeze(want)), "{want} not in {text}");
    }
}

fn round() -> Vec<Monitored> {
    let policy = Policy::default_policy();
    let mut other = july("500");
    other.name = "河涌保洁及水面垃圾清理".into();
    other.implementer = "番禺区河道管理所".into();
    other.indicators[0].progress = "1800人次".into();
    other.indicators[0].likelihood = Some(Likelihood::Certain);
    [
        ("a.xlsx", july("300")),
        ("b.xlsx", july("450")),
        ("c.xlsx", other),
    ]
    .into_iter()
    .map(|(source, form)| Monitored {
        source: source.into(),
        assessment: assess(&form, &policy),
        form,
        findings: Vec::new(),
    })
    .collect()
}

#[test]
fn the_overview_workbook_lists_projects_red_first_with_lights_by_unit() {
    let policy = Policy::default_policy();
    let items = round();
    let unreadable = vec![Unreadable {
        source: "坏.xlsx".into(),
        error: "坏.xlsx：工作簿已损坏或无法读取".into(),
    }];
    let units = monitor::lights_by_unit(&items);
    assert_eq!(units.len(), 2);
    let bytes = monitor::overview_xlsx(&items, &unreadable, &policy).unwrap();
    for n in 1..=6 {
        assert_frozen_with_widths(&sheet_xml(&bytes, n));
    }
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "项目",
            "指标亮灯",
            "须说明",
            "单位汇总",
            "读取提示",
            "无法读取"
        ]
        .map(String::from)
        .to_vec()
    );
    let p = wb.worksheet_range("项目").unwrap();
    assert_eq!(p.get((1, 1)), Some(&Data::String("a.xlsx".into())));
    assert_eq!(p.get((1, 16)), Some(&Data::String("红灯".into())));
    assert_eq!(p.get((1, 8)), Some(&Data::Float(300.0)));
    assert_eq!(p.get((1, 12)), Some(&Data::Float(51.43)));
    assert_eq!(p.get((2, 12)), Some(&Data::Float(77.14)));
    let u = wb.worksheet_range("单位汇总").unwrap();
    assert_eq!(
        u.get((1, 0)),
        Some(&Data::String("番禺区人才服务中心".into()))
    );
    assert_eq!(u.get((1, 1)), Some(&Data::Float(2.0)));
    assert_eq!(u.get((1, 2)), Some(&Data::Float(2.0)), "two red");
    let x = wb.worksheet_range("无法读取").unwrap();
    assert_eq!(x.get((1, 0)), Some(&Data::String("坏.xlsx".into())));
}

#[test]
fn the_overview_prints() {
    let policy = Policy::default_policy();
    let pdf = monitor::overview_pdf(&round(), &[], &policy, None).unwrap();
    let text = squeeze(&pdftotext(&pdf.bytes));
    for want in [
        "项目支出绩效运行监控汇总表",
        "共读取监控表3张：红灯2个",
        "青年人才驿站运营",
        "各单位亮灯情况",
        "提交前须说明的事项",
    ] {
        assert!(text.contains(&squeeze(want)), "{want} not in {text}");
    }
}
