//! `jixiao monitor`, the real binary on a folder of 监控表 as a finance bureau receives them: the July
//! worked example (45% executed → 45 ÷ 7/12 = 77.14% of the pace → 黄灯; 30% → 红灯 and what must be
//! explained), lights by unit, unreadable files listed and skipped, the exit codes (2 unreadable, 1 red,
//! 0 otherwise), JSON, and the overview workbook and PDF.

use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use jixiao_core::monitoring::{Likelihood, MonitorForm, MonitorIndicator};
use rust_decimal::Decimal;
use serde_json::Value;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The talent-flats project in July: 1,000 万元, `executed` spent, its count indicator on pace.
fn july(name: &str, unit: &str, executed: &str) -> MonitorForm {
    MonitorForm {
        name: name.into(),
        year: 2027,
        month: 7,
        department: "番禺区委组织部".into(),
        implementer: unit.into(),
        annual: d("1000"),
        executed: d(executed),
        forecast: Some(d("980")),
        deviation: String::new(),
        measures: String::new(),
        indicators: vec![
            MonitorIndicator {
                level1: "产出指标".into(),
                level2: "数量指标".into(),
                name: "过渡住宿服务人次".into(),
                target: "≥3000人次".into(),
                progress: "1750人次".into(),
                forecast: "3000人次".into(),
                likelihood: Some(Likelihood::Certain),
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

fn write(dir: &Path, file: &str, form: &MonitorForm) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, jixiao_io::write_monitor_form(form)).unwrap();
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = jixiao().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn july_45_percent_is_yellow_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "人才中心/驿站.xlsx",
        &july("青年人才驿站运营", "番禺区人才服务中心", "450"),
    );
    let (code, out, err) = run(&["monitor", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("【黄灯】青年人才驿站运营"), "{out}");
    assert!(out.contains("执行率 45%"), "{out}");
    assert!(out.contains("序时进度 58.33%"), "{out}");
    assert!(out.contains("为序时进度的 77.14%——黄灯"), "{out}");
    assert!(out.contains("须说明：无"), "{out}");
    assert!(out.contains("红灯 0 个、黄灯 1 个、绿灯 0 个"), "{out}");
}

#[test]
fn july_30_percent_is_red_must_be_explained_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut form = july("青年人才驿站运营", "番禺区人才服务中心", "300");
    form.indicators[0].progress = "600人次".into();
    form.indicators[0].likelihood = Some(Likelihood::Impossible);
    write(dir.path(), "驿站.xlsx", &form);
    let (code, out, err) = run(&["monitor", dir.path().join("驿站.xlsx").to_str().unwrap()]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("【红灯】青年人才驿站运营"), "{out}");
    assert!(out.contains("为序时进度的 51.43%——红灯"), "{out}");
    assert!(out.contains("须说明（提交前必须填写）"), "{out}");
    assert!(
        out.contains("预算执行的偏差原因：预算执行率 30%，为序时进度的 51.43%（红灯）"),
        "{out}"
    );
    assert!(out.contains("预算执行的拟采取措施"), "{out}");
    assert!(
        out.contains(
            "红灯 过渡住宿服务人次：完成 600人次，为序时进度的 34.29%；完成可能性“完全不可能”"
        ),
        "{out}"
    );
    assert!(out.contains("指标“过渡住宿服务人次”的偏差原因"), "{out}");
}

#[test]
fn a_folder_with_unreadable_files_lists_them_sums_by_unit_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "a/驿站.xlsx",
        &july("青年人才驿站运营", "番禺区人才服务中心", "450"),
    );
    write(
        p,
        "a/补贴.xlsx",
        &july("人才公寓租金补贴", "番禺区人才服务中心", "300"),
    );
    write(
        p,
        "b/保洁.xlsx",
        &july("河涌保洁及水面垃圾清理", "番禺区河道管理所", "600"),
    );
    std::fs::write(p.join("b/坏.xlsx"), b"PK\x03\x04 not really").unwrap();
    std::fs::write(p.join("b/~$保洁.xlsx"), b"lock").unwrap();
    std::fs::write(p.join("b/.hidden.xlsx"), b"junk").unwrap();
    std::fs::write(p.join("b/说明.txt"), "not read").unwrap();
    let xlsx = p.join("汇总.xlsx");
    let pdf = p.join("汇总.pdf");
    let (code, out, err) = run(&[
        "monitor",
        p.join("a").to_str().unwrap(),
        p.join("b").to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains("无法读取（已跳过）："), "{out}");
    assert!(out.contains("坏.xlsx"), "{out}");
    assert!(!out.contains("~$"), "{out}");
    assert!(!out.contains(".hidden"), "{out}");
    assert!(out.contains("各单位亮灯情况"), "{out}");
    let unit_line = out
        .lines()
        .find(|l| l.trim_start().starts_with("番禺区人才服务中心"))
        .unwrap_or_else(|| panic!("{out}"));
    let counts: Vec<&str> = unit_line.split_whitespace().skip(1).collect();
    assert_eq!(counts, ["2", "1", "1", "0"], "{unit_line}");
    assert!(
        out.contains("共 3 个项目：红灯 1 个、黄灯 1 个、绿灯 1 个"),
        "{out}"
    );
    assert!(out.contains("无法读取的文件 1 个"), "{out}");

    // The overview workbook and the printable overview.
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert!(wb.sheet_names().contains(&"单位汇总".to_string()));
    let projects = wb.worksheet_range("项目").unwrap();
    assert_eq!(
        projects.get((1, 4)),
        Some(&Data::String("人才公寓租金补贴".into())),
        "red first"
    );
    let failed = wb.worksheet_range("无法读取").unwrap();
    assert!(
        matches!(failed.get((1, 0)), Some(Data::String(s)) if s.ends_with("坏.xlsx")),
        "{:?}",
        failed.get((1, 0))
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
}

#[test]
fn json_carries_the_lights_the_reasons_and_the_failures() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "驿站.xlsx",
        &july("青年人才驿站运营", "番禺区人才服务中心", "300"),
    );
    // A 监控表 file in TOML is read too.
    let toml_form = july("河涌保洁及水面垃圾清理", "番禺区河道管理所", "600");
    std::fs::write(p.join("保洁.toml"), toml::to_string(&toml_form).unwrap()).unwrap();
    let (code, out, err) = run(&["monitor", "--json", p.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let projects = v["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 2);
    let red = projects
        .iter()
        .find(|x| x["project"] == "青年人才驿站运营")
        .unwrap();
    assert_eq!(red["light"], "red");
    assert_eq!(red["assessment"]["execution_ratio"], "51.43");
    assert_eq!(red["pace_percent"], "58.33");
    assert_eq!(red["required"][0]["field"], "预算执行的偏差原因");
    let green = projects
        .iter()
        .find(|x| x["project"] == "河涌保洁及水面垃圾清理")
        .unwrap();
    assert_eq!(green["light"], "green");
    assert_eq!(v["units"].as_array().unwrap().len(), 2);
    assert_eq!(v["unreadable"].as_array().unwrap().len(), 0);
}

#[test]
fn the_published_form_of_the_corpus_is_read() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/monitor/holdout/01_hubei_huangshi_shenyi_2019.xlsx");
    let (code, out, err) = run(&["monitor", file.to_str().unwrap()]);
    // 87.57 of 220 by June: 39.80% ÷ 50% = 79.61% → yellow; both indicators 确定能.
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("【黄灯】申遗经费"), "{out}");
    assert!(out.contains("为序时进度的 79.61%——黄灯"), "{out}");
    assert!(out.contains("[import-ambiguous]"), "{out}");
}

#[test]
fn a_file_without_a_month_is_unreadable_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [
        vec!["2024年项目支出绩效运行监控表"],
        vec!["项目名称", "社区养老服务补贴"],
        vec!["项目资金（万元）", "全年预算数", "执行数"],
        vec!["年度资金总额", "200", "90"],
        vec![
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
        ],
        vec![
            "产出指标",
            "数量指标",
            "服务老人人次",
            "≥1200人次",
            "700人次",
        ],
    ]
    .iter()
    .enumerate()
    {
        for (c, t) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *t).unwrap();
        }
    }
    let file = dir.path().join("无月份.xlsx");
    wb.save(&file).unwrap();
    let (code, out, _) = run(&["monitor", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("无法读取（已跳过）"), "{out}");
    assert!(out.contains("无月份.xlsx"), "{out}");
    assert!(out.contains("无法确定数据截至哪个月"), "{out}");
}
