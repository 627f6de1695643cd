//! Acceptance tests of issue 3 on the seed example (examples/panyu-2022.toml): every format from the same
//! evaluation, checked with the tools a reader would use (poppler's pdftotext/pdffonts, calamine,
//! LibreOffice). scripts/test installs poppler-utils, poppler-data, fonts-noto-cjk and
//! libreoffice-writer-nogui.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use jixiao_core::{Policy, Project, evaluate};
use jixiao_report::{Format, Options, Rendered, Template, render};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> Project {
    jixiao_io::load(&root().join("examples/panyu-2022.toml")).expect("seed example loads")
}

fn rendered(project: &Project, format: Format, options: &Options) -> Rendered {
    let policy = Policy::default_policy();
    let evaluation = evaluate(project, &policy);
    render(project, &evaluation, &policy, format, options).expect("renders")
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (scripts/test installs it)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    // -raw: text in content-stream order, which is the order typst lays the document out (row by row in
    // tables); the default mode guesses columns and scatters merged table cells.
    run(Command::new("pdftotext").arg("-raw").arg(&file).arg("-"))
}

/// Text without whitespace: pdftotext breaks lines and cells wherever the layout does.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `needles` occur in `hay` in this order; returns nothing, names the first one missing.
fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        let n = squeeze(n);
        match hay[at..].find(&n) {
            Some(i) => at += i + n.len(),
            None => panic!("“{n}” not found after byte {at} in reading order:\n{hay}"),
        }
    }
}

const SEED_TITLE: &str = "番禺区委组织部2022年度“产业人才发展专项资金”项目支出绩效自评报告";
const INDICATORS: [&str; 6] = [
    "政策调研、咨询",
    "人才活动",
    "人才政策",
    "人才政策申报",
    "媒体报道",
    "走访高层次人才",
];

#[test]
fn seed_pdf_reads_in_order() {
    let r = rendered(&seed(), Format::Pdf, &Options::default());
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let text = squeeze(&pdftotext(&r.bytes));
    let mut order = vec![
        SEED_TITLE,
        "一、评价项目概述",
        "（一）项目背景及立项依据",
        "年初预算数为150.00万元，年度预算数为14.53万元，执行数为14.53万元，完成预算的100%",
        "二、绩效评价概述",
        "三、评价结论与绩效分析",
        "总分值为100分，总得分为100分，评价等级为“优”",
        "项目支出绩效自评表",
        "产业人才发展专项资金",
        "150.00",
        "14.53",
        "14.53",
        "100%",
    ];
    order.extend(INDICATORS);
    order.extend([
        "总分100100",
        "优90分≤得分≤100分",
        "四、项目主要绩效或成功经验",
        "五、存在问题或不足",
        "六、下一步改进措施",
    ]);
    assert_in_order(&text, &order);
    // 总分 100 on one line of the table (pdftotext -layout keeps table rows on a line).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &r.bytes).unwrap();
    let layout = run(Command::new("pdftotext").arg("-layout").arg(&file).arg("-"));
    assert!(
        layout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["总分", "100", "100"]),
        "{layout}"
    );
    // Page numbers in the GB/T 9704 form.
    assert!(text.contains("—1—") && text.contains("—2—"), "{text}");
    // No computed column when the unit's scores agree with the rules.
    assert!(!text.contains("计算得分"));
}

#[test]
fn seed_pdf_embeds_its_fonts() {
    let r = rendered(&seed(), Format::Pdf, &Options::default());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &r.bytes).unwrap();
    let out = run(Command::new("pdffonts").arg(&file));
    let fonts: Vec<&str> = out.lines().skip(2).collect();
    assert!(fonts.len() >= 2, "{out}");
    for line in &fonts {
        // columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "font not embedded: {line}");
    }
    assert!(
        out.contains("NotoSerifCJK") || out.contains("NotoSerif"),
        "{out}"
    );
    assert!(
        out.contains("NotoSansCJK") || out.contains("NotoSans"),
        "{out}"
    );
}

#[test]
fn pdf_is_deterministic() {
    let a = rendered(&seed(), Format::Pdf, &Options::default());
    let b = rendered(&seed(), Format::Pdf, &Options::default());
    assert_eq!(a.bytes, b.bytes);
}

fn cell_number(d: &Data) -> Option<Decimal> {
    match d {
        Data::Float(f) => Decimal::from_str_exact(&f.to_string()).ok(),
        Data::Int(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

fn xlsx_range(bytes: Vec<u8>, sheet: &str) -> (calamine::Range<Data>, Vec<calamine::Dimensions>) {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    let range = wb.worksheet_range(sheet).expect("sheet exists");
    let merged = wb.merge_cells_by_sheet_name(sheet).expect("merged regions");
    (range, merged)
}

fn find(range: &calamine::Range<Data>, text: &str) -> (usize, usize) {
    for (r, row) in range.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if let Data::String(s) = v
                && s == text
            {
                return (r, c);
            }
        }
    }
    panic!("“{text}” not in the sheet");
}

#[test]
fn seed_xlsx_holds_the_same_numbers() {
    let project = seed();
    let r = rendered(&project, Format::Xlsx, &Options::default());
    let (range, merged) = xlsx_range(r.bytes, "自评表");
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let get = |r: usize, c: usize| range.get((r, c)).and_then(cell_number);

    // Funds row: 年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
    let (r0, c0) = find(&range, "年度资金总额");
    assert_eq!(get(r0, c0 + 2), Some(d("150")));
    assert_eq!(get(r0, c0 + 3), Some(d("14.53")));
    assert_eq!(get(r0, c0 + 4), Some(d("14.53")));
    assert_eq!(get(r0, c0 + 5), Some(d("10")));
    assert_eq!(get(r0, c0 + 6), Some(d("1")));
    assert_eq!(get(r0, c0 + 7), Some(d("10")));

    // Every indicator: weight and self-score as in the project file.
    for ind in &project.indicators {
        let (r, c) = find(&range, &ind.name);
        assert_eq!(get(r, c + 3), Some(ind.weight), "{}", ind.name);
        assert_eq!(get(r, c + 4), ind.self_score, "{}", ind.name);
    }
    let (rt, ct) = find(&range, "总分");
    assert_eq!(get(rt, ct + 6), Some(d("100")));
    assert_eq!(get(rt, ct + 7), Some(d("100")));

    // 一级指标 cells are merged over their rows: 产出指标 over three, 效益指标 over two.
    let (rp, cp) = find(&range, "产出指标\n（50%）");
    assert!(
        merged
            .iter()
            .any(|m| m.start == (rp as u32, cp as u32) && m.end == (rp as u32 + 2, cp as u32)),
        "{merged:?}"
    );
    let (re, ce) = find(&range, "效益指标\n（30%）");
    assert!(
        merged
            .iter()
            .any(|m| m.start == (re as u32, ce as u32) && m.end == (re as u32 + 1, ce as u32)),
        "{merged:?}"
    );
    // 评价等级 row with the ticked box.
    assert!(
        range
            .rows()
            .flatten()
            .any(|v| matches!(v, Data::String(s) if s.starts_with("☑优 90分≤得分≤100分； □良")))
    );
}

#[test]
fn xlsx_writes_formula_like_text_as_text() {
    let mut project = seed();
    project.indicators[0].target = "=0".into();
    project.indicators[1].actual = "=SUM(A1:A9)".into();
    project.indicators[2].actual = "+5%".into();
    let r = rendered(&project, Format::Xlsx, &Options::default());
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes.clone())).unwrap();
    let formulas = wb.worksheet_formula("自评表").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );
    let (range, _) = xlsx_range(r.bytes, "自评表");
    for text in ["=0", "=SUM(A1:A9)", "+5%"] {
        find(&range, text);
    }
}

fn docx_document_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn seed_docx_holds_the_table_and_converts_with_libreoffice() {
    let r = rendered(&seed(), Format::Docx, &Options::default());
    let xml = docx_document_xml(&r.bytes);
    assert!(xml.contains("<w:tbl>"), "a real table");
    assert!(
        xml.contains(r#"<w:vMerge w:val="restart""#)
            && xml.contains(r#"<w:vMerge w:val="continue""#),
        "merged 一级/二级 cells"
    );
    assert!(xml.contains("<w:gridSpan"));
    for name in INDICATORS {
        assert!(xml.contains(name), "{name}");
    }
    assert!(xml.contains("一、评价项目概述") && xml.contains("六、下一步改进措施"));
    assert!(
        xml.contains("仿宋_GB2312")
            && xml.contains("方正小标宋简体")
            && xml.contains("黑体")
            && xml.contains("楷体_GB2312")
    );
    // A4 and GB/T 9704 margins (twips).
    assert!(xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#));
    assert!(
        xml.contains(r#"w:top="2098""#)
            && xml.contains(r#"w:bottom="1984""#)
            && xml.contains(r#"w:left="1587""#)
            && xml.contains(r#"w:right="1474""#),
        "margins"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.docx");
    std::fs::write(&file, &r.bytes).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("lo-profile").display()
    );
    let out = Command::new("soffice")
        .args([
            &profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&file)
        .output()
        .expect("LibreOffice (soffice) runs: scripts/test installs libreoffice-writer-nogui");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(dir.path().join("report.pdf")).expect("LibreOffice wrote the PDF");
    let text = squeeze(&pdftotext(&pdf));
    assert_in_order(
        &text,
        &[
            "一、评价项目概述",
            "政策调研、咨询",
            "走访高层次人才",
            "六、下一步改进措施",
        ],
    );
}

#[test]
fn seed_html_is_self_contained() {
    let r = rendered(
        &seed(),
        Format::Html,
        &Options {
            appendix: true,
            ..Options::default()
        },
    );
    let html = String::from_utf8(r.bytes).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_ascii_lowercase();
    for attr in ["src", "href"] {
        let mut rest = lower.as_str();
        while let Some(i) = rest.find(attr) {
            let after = rest[i + attr.len()..].trim_start();
            if let Some(v) = after.strip_prefix('=') {
                let v = v.trim_start().trim_start_matches(['"', '\'']);
                assert!(
                    !v.starts_with("http") && !v.starts_with("//"),
                    "external URL in {attr}: {}",
                    &v[..v.len().min(60)]
                );
            }
            rest = &rest[i + attr.len()..];
        }
    }
    assert!(!lower.contains("url("), "no external CSS resources");
    assert!(!lower.contains("<script"), "no script");
    assert!(html.contains("<svg") && html.contains("各一级指标得分与分值"));
    assert!(html.contains(r#"rowspan="3""#), "产出指标 spans three rows");
    // Screen readers announce each value with the label beside it.
    assert!(html.contains(r#"<th class="label" scope="row">项目名称</th>"#));
    assert!(html.contains("附件：复核附录"));
    for name in INDICATORS {
        assert!(html.contains(name));
    }
}

#[test]
fn seed_markdown_follows_the_outline() {
    let r = rendered(&seed(), Format::Markdown, &Options::default());
    let md = String::from_utf8(r.bytes).unwrap();
    assert_in_order(
        &squeeze(&md),
        &[
            "# 番禺区委组织部2022年度",
            "## 一、评价项目概述",
            "### （一）项目背景及立项依据",
            "## 二、绩效评价概述",
            "## 三、评价结论与绩效分析",
            "| 产出指标 （50%） | 数量指标 | 政策调研、咨询 | 1次 | 已赴黄埔区开展人才工作调研 | 20 | 20 |",
            "## 四、项目主要绩效或成功经验",
            "## 五、存在问题或不足",
            "## 六、下一步改进措施",
        ],
    );
    // The narrative (三) paragraph restates the generated figures and is not printed twice.
    assert_eq!(
        md.matches("14.53万元，执行数为14.53万元").count(),
        1,
        "{md}"
    );
    // Narrative paragraphs that add something are kept.
    assert!(md.contains("本项目资金严格按规定履行报批手续"));
}

#[test]
fn mof_2020_template() {
    let options = Options {
        template: Template::Mof2020,
        ..Options::default()
    };
    let md = String::from_utf8(rendered(&seed(), Format::Markdown, &options).bytes).unwrap();
    assert_in_order(
        &squeeze(&md),
        &[
            "## 一、基本情况",
            "## 二、评价工作开展情况",
            "## 三、综合评价情况及评价结论",
            "## 四、绩效评价指标分析",
            "### （二）产出完成情况",
            "## 五、主要经验及做法、存在的问题及原因分析",
            "## 六、有关建议",
            "## 七、其他需要说明的问题",
        ],
    );
    let pdf = rendered(&seed(), Format::Pdf, &options);
    let text = squeeze(&pdftotext(&pdf.bytes));
    assert_in_order(
        &text,
        &[
            "一、基本情况",
            "四、绩效评价指标分析",
            "七、其他需要说明的问题",
        ],
    );
}

#[test]
fn stated_and_computed_scores_both_show_where_they_differ() {
    let mut project = seed();
    // 媒体报道: 3 of 5 articles, yet the unit gave itself full marks.
    let i = project
        .indicators
        .iter()
        .position(|x| x.name == "媒体报道")
        .unwrap();
    project.indicators[i].actual = "3篇".into();
    let policy = Policy::default_policy();
    let evaluation = evaluate(&project, &policy);
    let computed = evaluation.indicators[i].score.unwrap();
    assert_eq!(computed, Decimal::from(9));

    let options = Options {
        appendix: true,
        ..Options::default()
    };
    let html = String::from_utf8(
        render(&project, &evaluation, &policy, Format::Html, &options)
            .unwrap()
            .bytes,
    )
    .unwrap();
    assert!(html.contains("<th class=\"header\">计算得分</th>"));
    assert!(
        html.contains("总得分为100分（按评分规则计算为94分）"),
        "{html}"
    );
    assert!(
        html.contains("self-score-above-computed"),
        "finding in the appendix"
    );

    let xlsx = render(&project, &evaluation, &policy, Format::Xlsx, &options)
        .unwrap()
        .bytes;
    let (range, _) = xlsx_range(xlsx, "自评表");
    let (r, c) = find(&range, "媒体报道");
    assert_eq!(
        range.get((r, c + 4)).and_then(cell_number),
        Some(Decimal::from(15)),
        "the unit's score"
    );
    assert_eq!(
        range.get((r, c + 5)).and_then(cell_number),
        Some(Decimal::from(9)),
        "the computed score"
    );

    let pdf = render(&project, &evaluation, &policy, Format::Pdf, &options).unwrap();
    let text = squeeze(&pdftotext(&pdf.bytes));
    assert_in_order(
        &text,
        &[
            "计算得分",
            "媒体报道",
            "5篇",
            "3篇",
            "15",
            "15",
            "9",
            "附件：复核附录",
            "self-score-above",
        ],
    );
}

#[test]
fn rare_characters_warn_or_render_with_a_fallback_font() {
    let mut project = seed();
    project.project.implementer = "王镕堃工作室".into();
    let r = rendered(&project, Format::Pdf, &Options::default());
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(
        r.warnings[0].contains("镕（U+9555）") && r.warnings[0].contains("堃（U+5803）"),
        "{}",
        r.warnings[0]
    );

    // With the full Noto CJK fonts (Debian fonts-noto-cjk) as fonts_dir the characters render.
    let options = Options {
        fonts_dir: Some("/usr/share/fonts/opentype/noto".into()),
        ..Options::default()
    };
    let r = rendered(&project, Format::Pdf, &options);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(pdftotext(&r.bytes).contains("王镕堃工作室"));
}

#[test]
fn open_data_json_is_versioned_and_exact() {
    let r = rendered(&seed(), Format::Json, &Options::default());
    let v: serde_json::Value = serde_json::from_slice(&r.bytes).unwrap();
    assert_eq!(v["schema"], "jixiao-evaluation");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["project"]["name"], "产业人才发展专项资金");
    assert_eq!(
        v["funds"]["initial"],
        serde_json::json!({ "amount": "150.00", "unit": "万元" })
    );
    assert_eq!(v["funds"]["annual"]["amount"], "14.53");
    assert_eq!(v["evaluation"]["execution"]["rate"], "1");
    assert_eq!(v["evaluation"]["total"], "100");
    assert_eq!(v["evaluation"]["grade"], "优");
    let inds = v["evaluation"]["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 6);
    for (i, name) in INDICATORS.iter().enumerate() {
        assert_eq!(inds[i]["name"], *name);
        assert!(inds[i]["trace"]["formula"].is_string());
    }
    assert!(v["findings"].is_array());
}

#[test]
fn a_project_without_indicators_or_narrative_still_renders_every_format() {
    let project: Project = jixiao_io::from_toml(
        "[project]\nname = \"空白项目\"\nyear = 2023\n[funds]\nannual = 0\nexecuted = 0\n",
        Path::new("blank.toml"),
    )
    .unwrap();
    for format in Format::ALL {
        let r = rendered(
            &project,
            format,
            &Options {
                appendix: true,
                template: Template::Mof2020,
                ..Options::default()
            },
        );
        assert!(!r.bytes.is_empty(), "{format}");
    }
    let text = squeeze(&pdftotext(
        &rendered(&project, Format::Pdf, &Options::default()).bytes,
    ));
    assert!(
        text.contains("年度预算数为0.00万元") && text.contains("不适用"),
        "{text}"
    );
}
