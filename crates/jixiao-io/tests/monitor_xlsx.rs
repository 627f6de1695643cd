//! The 绩效运行监控表 workbook: the corpus (tests/fixtures/monitor/: the published form held out, and the
//! constructed template layouts), each read to its hand-written answer key with the findings it must
//! raise; the round trip of the layout jixiao writes; and what goes wrong (not a workbook, no month, a bad
//! amount, doubtful ticks).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use jixiao_core::monitoring::{Likelihood, MonitorForm, MonitorIndicator};
use jixiao_io::{MonitorError, read_monitor_forms, write_monitor_form};
use rust_decimal::Decimal;

use common::keys::{self, finding_keys, keys_in};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/monitor")
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// An answer key: the forms a workbook holds, each with the findings expected ("code path").
fn load_key(path: &Path) -> Vec<(MonitorForm, BTreeSet<String>)> {
    keys::load_key(path, "forms")
}

/// Every field that differs, by its path.
fn differences(want: &MonitorForm, got: &MonitorForm) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |field: String, a: String, b: String| {
        if a != b {
            out.push(format!("{field}: expected {a:?}, read {b:?}"));
        }
    };
    let dec = |x: Decimal| x.normalize().to_string();
    check("name".into(), want.name.clone(), got.name.clone());
    check("year".into(), want.year.to_string(), got.year.to_string());
    check(
        "month".into(),
        want.month.to_string(),
        got.month.to_string(),
    );
    check(
        "department".into(),
        want.department.clone(),
        got.department.clone(),
    );
    check(
        "implementer".into(),
        want.implementer.clone(),
        got.implementer.clone(),
    );
    check("annual".into(), dec(want.annual), dec(got.annual));
    check("executed".into(), dec(want.executed), dec(got.executed));
    check(
        "forecast".into(),
        format!("{:?}", want.forecast.map(dec)),
        format!("{:?}", got.forecast.map(dec)),
    );
    check(
        "deviation".into(),
        want.deviation.clone(),
        got.deviation.clone(),
    );
    check(
        "measures".into(),
        want.measures.clone(),
        got.measures.clone(),
    );
    check(
        "indicators.len".into(),
        want.indicators.len().to_string(),
        got.indicators.len().to_string(),
    );
    for (i, (a, b)) in want.indicators.iter().zip(&got.indicators).enumerate() {
        let f = |x: &MonitorIndicator| -> Vec<(&'static str, String)> {
            vec![
                ("level1", x.level1.clone()),
                ("level2", x.level2.clone()),
                ("name", x.name.clone()),
                ("target", x.target.clone()),
                ("progress", x.progress.clone()),
                ("forecast", x.forecast.clone()),
                ("likelihood", format!("{:?}", x.likelihood)),
                ("deviation", x.deviation.clone()),
                ("measures", x.measures.clone()),
                ("direction", format!("{:?}", x.direction)),
            ]
        };
        for ((field, x), (_, y)) in f(a).into_iter().zip(f(b)) {
            check(format!("indicators[{i}].{field}"), x, y);
        }
    }
    out
}

/// The number of fields a key holds (each indicator counts its ten).
fn fields(form: &MonitorForm) -> usize {
    10 + 10 * form.indicators.len()
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
    let total: usize = key.iter().map(|(f, _)| fields(f)).sum();
    let read = match read_monitor_forms(&bytes, &format!("{name}.xlsx")) {
        Ok(r) => r,
        Err(e) => return (0, total, vec![format!("{name}: not read: {e}")]),
    };
    let mut problems = Vec::new();
    let mut wrong = 0;
    if read.len() != key.len() {
        problems.push(format!(
            "{name}: {} forms read, {} expected",
            read.len(),
            key.len()
        ));
    }
    for (i, (want, want_findings)) in key.iter().enumerate() {
        let Some((got, findings)) = read.get(i) else {
            wrong += fields(want);
            continue;
        };
        let diffs = differences(want, got);
        wrong += diffs.len().min(fields(want));
        problems.extend(diffs.into_iter().map(|d| format!("{name} #{i}: {d}")));
        let got_findings = finding_keys(findings);
        if &got_findings != want_findings {
            problems.push(format!(
                "{name} #{i}: findings expected {want_findings:?}, raised {got_findings:?}\n{}",
                findings
                    .iter()
                    .map(|f| format!("    {} {}: {}", f.code.as_str(), f.path, f.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    (total - wrong, total, problems)
}

#[test]
fn constructed_template_layouts_read_to_their_keys() {
    let keys = keys_in(&fixtures().join("constructed"));
    assert!(keys.len() >= 2, "constructed layouts: {keys:?}");
    let mut problems = Vec::new();
    for k in &keys {
        let (right, total, p) = check_item(k);
        eprintln!("{}: {right}/{total} fields", k.display());
        problems.extend(p);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The published form held out while the reader was written (tests/fixtures/monitor/README.md says how
/// its first run went).
#[test]
fn the_published_form_reads_to_its_key() {
    let keys = keys_in(&fixtures().join("holdout"));
    assert!(!keys.is_empty());
    let mut problems = Vec::new();
    for k in &keys {
        let (right, total, p) = check_item(k);
        eprintln!("{}: {right}/{total} fields", k.display());
        problems.extend(p);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The talent-flats project in July: the CLI's worked example.
fn july(executed: &str) -> MonitorForm {
    MonitorForm {
        name: "青年人才驿站运营".into(),
        year: 2027,
        month: 7,
        department: "番禺区委组织部".into(),
        implementer: "番禺区人才服务中心".into(),
        annual: d("1000"),
        executed: d(executed),
        forecast: Some(d("980.5")),
        deviation: "驿站二期装修延期，家具采购款未支付".into(),
        measures: "8月底前完成验收并支付".into(),
        indicators: vec![
            MonitorIndicator {
                level1: "产出指标".into(),
                level2: "数量指标".into(),
                name: "过渡住宿服务人次".into(),
                target: "≥3000人次".into(),
                progress: "1500人次".into(),
                forecast: "3100人次".into(),
                likelihood: Some(Likelihood::Certain),
                deviation: String::new(),
                measures: String::new(),
                direction: None,
            },
            MonitorIndicator {
                level1: "产出指标".into(),
                level2: "时效指标".into(),
                name: "入住申请办结时限".into(),
                target: "≤3个工作日".into(),
                progress: "2.5个工作日".into(),
                forecast: "3个工作日".into(),
                likelihood: Some(Likelihood::Possible),
                deviation: "6月申请量集中".into(),
                measures: "增加窗口人员".into(),
                direction: Some(jixiao_core::Direction::Reverse),
            },
            MonitorIndicator {
                level1: "满意度指标".into(),
                level2: "服务对象满意度指标".into(),
                name: "入住人才满意度".into(),
                target: "≥90%".into(),
                progress: String::new(),
                forecast: "92%".into(),
                likelihood: None,
                deviation: String::new(),
                measures: String::new(),
                direction: None,
            },
        ],
    }
}

#[test]
fn what_jixiao_writes_reads_back_unchanged() {
    let mut forms = vec![july("450"), july("300")];
    // Amounts a float cannot hold, no forecast, a formula-like value, several lines, no indicators.
    let mut odd = july("123.456789");
    odd.annual = d("98765432109.12345");
    odd.forecast = None;
    odd.indicators[0].target = "=11个".into();
    odd.indicators[0].progress = "第一批 6 个\n第二批 5 个".into();
    odd.deviation = String::new();
    odd.measures = String::new();
    forms.push(odd);
    let mut empty = july("0");
    empty.indicators.clear();
    forms.push(empty);
    // Every key of the corpus, too.
    for dir in ["constructed", "holdout"] {
        for k in keys_in(&fixtures().join(dir)) {
            forms.extend(load_key(&k).into_iter().map(|(f, _)| f));
        }
    }
    for form in forms {
        let bytes = write_monitor_form(&form);
        let read = read_monitor_forms(&bytes, "written.xlsx")
            .unwrap_or_else(|e| panic!("{}: {e}", form.name));
        assert_eq!(read.len(), 1, "{}", form.name);
        let diffs = differences(&form, &read[0].0);
        assert!(diffs.is_empty(), "{}: {}", form.name, diffs.join("\n"));
        assert_eq!(read[0].0, form);
    }
}

#[test]
fn a_written_form_says_what_it_lacks() {
    let bytes = write_monitor_form(&july("450"));
    let (_, findings) = read_monitor_forms(&bytes, "written.xlsx")
        .unwrap()
        .remove(0);
    let keys = finding_keys(&findings);
    assert_eq!(
        keys,
        BTreeSet::from([
            "import-incomplete indicators[2].progress".to_string(),
            "import-incomplete indicators[2].likelihood".to_string(),
        ]),
        "{findings:#?}"
    );
    // Messages name the cell.
    assert!(
        findings[0].message.contains("工作表“监控表”第"),
        "{}",
        findings[0].message
    );
}

// ---------------------------------------------------------------------------------------------------
// Malformed and doubtful workbooks, built cell by cell.

/// A one-sheet workbook: `#` before a cell makes it a number.
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                match cell.strip_prefix('#') {
                    Some(n) => ws
                        .write_number(r as u32, c as u16, n.parse::<f64>().unwrap())
                        .unwrap(),
                    None => ws.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn form_rows<'a>(title: &'a str, exec_label: &'a str, executed: &'a str) -> Vec<Vec<&'a str>> {
    vec![
        vec![title],
        vec!["项目名称", "社区养老服务补贴"],
        vec!["主管部门", "某区民政局", "", "实施单位", "某区养老服务中心"],
        vec![
            "项目资金（万元）",
            "全年预算数",
            exec_label,
            "全年预计执行数",
        ],
        vec!["年度资金总额", "#200", executed, "#200"],
        vec![
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "完成目标可能性",
        ],
        vec![
            "产出指标",
            "数量指标",
            "服务老人人次",
            "≥1200人次",
            "700人次",
            "确定能",
        ],
    ]
}

fn one(rows: Vec<Vec<&str>>) -> Vec<u8> {
    let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    workbook(&[("Sheet1", &rows)])
}

#[test]
fn a_form_without_a_month_is_an_error_naming_the_file_and_sheet() {
    let bytes = one(form_rows("2024年项目支出绩效运行监控表", "执行数", "#90"));
    let e = read_monitor_forms(&bytes, "养老补贴.xlsx").unwrap_err();
    assert!(matches!(e, MonitorError::NoMonth { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.starts_with("养老补贴.xlsx"), "{msg}");
    assert!(msg.contains("工作表“Sheet1”"), "{msg}");
    // The month in the title is enough.
    let bytes = one(form_rows(
        "2024年项目支出绩效运行监控表（截至8月底）",
        "执行数",
        "#90",
    ));
    let (form, _) = read_monitor_forms(&bytes, "养老补贴.xlsx")
        .unwrap()
        .remove(0);
    assert_eq!((form.year, form.month), (2024, 8));
    assert_eq!(form.executed, d("90"));
}

#[test]
fn a_form_without_a_year_is_an_error() {
    let bytes = one(form_rows("项目支出绩效运行监控表", "1-8月执行数", "#90"));
    let e = read_monitor_forms(&bytes, "无年度.xlsx").unwrap_err();
    assert!(matches!(e, MonitorError::NoYear { .. }), "{e:?}");
    assert!(e.to_string().starts_with("无年度.xlsx"), "{e}");
}

#[test]
fn an_amount_that_is_not_a_number_names_its_cell() {
    let bytes = one(form_rows("2024年绩效监控表", "1—8月执行数", "见附表"));
    let e = read_monitor_forms(&bytes, "养老补贴.xlsx").unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, MonitorError::BadNumber { .. }), "{e:?}");
    assert!(msg.contains("养老补贴.xlsx"), "{msg}");
    assert!(msg.contains("第 5 行第 C 列"), "{msg}");
    assert!(msg.contains("见附表"), "{msg}");
}

#[test]
fn a_workbook_without_a_form_says_which_sheets_were_searched() {
    let bytes = workbook(&[
        ("说明", &[&["填表说明"], &["请按要求填写"]]),
        (
            "自评表",
            &[&["三级指标", "年度指标值", "实际完成值", "分值", "得分"]],
        ),
    ]);
    let e = read_monitor_forms(&bytes, "其他.xlsx").unwrap_err();
    assert!(matches!(e, MonitorError::NoForm { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("工作表“说明”、工作表“自评表”"), "{msg}");
}

#[test]
fn a_missing_executed_amount_is_an_error() {
    let mut rows = form_rows("2024年绩效监控表（截至8月底）", "1—8月执行数", "#90");
    rows[3] = vec!["项目资金（万元）", "全年预算数"];
    rows[4] = vec!["年度资金总额", "#200"];
    let e = read_monitor_forms(&one(rows), "缺执行数.xlsx").unwrap_err();
    assert!(matches!(e, MonitorError::Missing { .. }), "{e:?}");
    assert!(e.to_string().contains("执行数"), "{e}");
}

#[test]
fn doubtful_cells_are_findings_never_guesses() {
    let mut rows = form_rows("2024年绩效监控表", "1—8月执行数", "90（含结转10）");
    // Two ticks of 完成目标可能性 and a stated rate that the amounts contradict.
    rows[3] = vec![
        "项目资金（万元）",
        "全年预算数",
        "1—8月执行数",
        "执行率",
        "全年预计执行数",
    ];
    rows[4] = vec!["年度资金总额", "#200", "90（含结转10）", "60%", "#200"];
    rows[5] = vec![
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "1—8月完成值",
        "完成目标可能性",
        "",
        "",
    ];
    rows.insert(
        6,
        vec!["", "", "", "", "", "确定能", "有可能", "完全不可能"],
    );
    rows[7] = vec![
        "产出指标",
        "数量指标",
        "服务老人人次",
        "≥1200人次",
        "700人次",
        "√",
        "√",
        "",
    ];
    rows.push(vec![
        "",
        "",
        "助餐服务次数",
        "≥5000次",
        "4000次",
        "",
        "",
        "√",
    ]);
    let rows_ref: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    // The 完成目标可能性 header spans its three tick columns.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows_ref.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.strip_prefix('#') {
                Some(n) => ws
                    .write_number(r as u32, c as u16, n.parse::<f64>().unwrap())
                    .unwrap(),
                None => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    ws.merge_range(
        5,
        5,
        5,
        7,
        "完成目标可能性",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    for c in 0..5u16 {
        let h = rows[5][c as usize];
        ws.merge_range(5, c, 6, c, h, &rust_xlsxwriter::Format::new())
            .unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let (form, findings) = read_monitor_forms(&bytes, "疑问.xlsx").unwrap().remove(0);
    let keys = finding_keys(&findings);
    assert_eq!(form.month, 8);
    assert_eq!(form.executed, d("90"), "the leading number, with a finding");
    assert!(keys.contains("import-ambiguous executed"), "{keys:?}");
    assert_eq!(form.indicators.len(), 2, "{:#?}", form.indicators);
    assert_eq!(form.indicators[0].likelihood, None, "two ticks: not read");
    assert!(
        keys.contains("import-ambiguous indicators[0].likelihood"),
        "{keys:?}"
    );
    assert_eq!(form.indicators[1].likelihood, Some(Likelihood::Impossible));
    assert_eq!(form.indicators[1].level2, "数量指标", "same as above");
    // 60% stated, 45% computed.
    let rate = findings
        .iter()
        .find(|f| f.message.contains("执行率"))
        .expect("the contradicted rate");
    assert!(rate.message.contains("45%"), "{}", rate.message);
}

#[test]
fn several_forms_in_a_sheet_and_in_several_sheets() {
    let a = form_rows("2024年绩效监控表（截至8月底）", "1—8月执行数", "#90");
    let mut b = form_rows("2024年绩效监控表（截至8月底）", "1—8月执行数", "#150");
    b[1] = vec!["项目名称", "老年助餐"];
    let mut both: Vec<Vec<&str>> = a.clone();
    both.push(vec![]);
    both.push(vec!["偏差原因", "补贴按季度拨付"]);
    both.push(vec![]);
    both.extend(b.clone());
    let rows: Vec<&[&str]> = both.iter().map(|r| r.as_slice()).collect();
    let c: Vec<&[&str]> = a.iter().map(|r| r.as_slice()).collect();
    let bytes = workbook(&[("一", &rows), ("二", &c)]);
    let read = read_monitor_forms(&bytes, "汇总.xlsx").unwrap();
    let names: Vec<&str> = read.iter().map(|(f, _)| f.name.as_str()).collect();
    assert_eq!(names, ["社区养老服务补贴", "老年助餐", "社区养老服务补贴"]);
    assert_eq!(
        read[0].0.deviation, "补贴按季度拨付",
        "the row under its table"
    );
    assert_eq!(read[1].0.deviation, "");
    assert_eq!(read[1].0.executed, d("150"));
}

#[test]
fn amounts_in_yuan_are_read_in_wan() {
    let mut rows = form_rows("2024年绩效监控表（截至8月底）", "1—8月执行数", "#900000");
    rows.insert(1, vec!["金额单位：元"]);
    rows[5] = vec!["年度资金总额", "#2000000", "#900000", "#2000000"];
    let (form, _) = read_monitor_forms(&one(rows), "元.xlsx").unwrap().remove(0);
    assert_eq!(
        (form.annual, form.executed, form.forecast),
        (d("200"), d("90"), Some(d("200")))
    );
}

/// The corpus layouts cut after every row, and with every row dropped in turn: each reads or is an error
/// naming the file, never a panic.
#[test]
fn cut_and_gapped_layouts_never_panic() {
    let mut grids = Vec::new();
    for dir in ["constructed", "holdout"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "grid") {
                grids.push(p);
            }
        }
    }
    assert!(grids.len() >= 3);
    for g in grids {
        // Cells as the grid writes them, merged-range marks left empty.
        let rows: Vec<Vec<String>> = std::fs::read_to_string(&g)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("# ") && !l.starts_with("!sheet"))
            .map(|l| {
                l.split('|')
                    .map(|c| match c.trim() {
                        "^" | "<" => String::new(),
                        c => c.replace("\\n", "\n"),
                    })
                    .collect()
            })
            .collect();
        let variants = (0..=rows.len())
            .map(|k| rows[..k].to_vec())
            .chain((0..rows.len()).map(|k| {
                let mut v = rows.clone();
                v.remove(k);
                v
            }));
        for v in variants {
            let refs: Vec<Vec<&str>> = v
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            let slices: Vec<&[&str]> = refs.iter().map(|r| r.as_slice()).collect();
            match read_monitor_forms(&workbook(&[("Sheet1", &slices)]), "cut.xlsx") {
                Ok(forms) => assert!(!forms.is_empty()),
                Err(e) => assert!(e.to_string().starts_with("cut.xlsx"), "{e}"),
            }
        }
    }
}
