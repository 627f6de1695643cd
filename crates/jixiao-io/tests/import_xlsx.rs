//! Excel import: the national layout (merged cells as on the template), amounts in 元, several forms per
//! sheet and per workbook, the Sichuan layout, the Yunnan ≧/═ layout, the no-score layouts, provenance and
//! cells the importer must not guess. Inputs are written here with rust_xlsxwriter.

mod common;

use jixiao_core::Code;
use std::path::{Path, PathBuf};

use common::national::{self, Unit};
use jixiao_core::Project;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn seed() -> Project {
    jixiao_io::load(&root().join("examples/panyu-2022.toml")).unwrap()
}

/// What the national form holds of a project (no narrative, no 存在问题 / 等级 / level weights).
fn form_part(p: &Project) -> Project {
    let mut p = p.clone();
    p.report = Default::default();
    p.statement = jixiao_core::Statement {
        total: p.statement.total,
        ..Default::default()
    };
    p
}

fn import(bytes: &[u8], name: &str) -> Vec<jixiao_io::Imported> {
    jixiao_io::import::import_bytes(bytes, Path::new(name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn national_layout_with_merged_cells_imports_the_form() {
    let p = seed();
    let all = import(&national::workbook(&[&p], Unit::Wan), "panyu.xlsx");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].project, form_part(&p));
    assert!(all[0].findings.is_empty(), "{:?}", all[0].findings);
}

/// Excel 97–2003 (.xls, BIFF8): the 自评表 jixiao writes, saved as .xls by LibreOffice Calc (fixture).
#[test]
fn the_old_excel_format_imports_the_same_form() {
    // The same form saved by LibreOffice Calc as .xls and as .xlsx (rich-text runs, preserved spaces): the
    // .xlsx goes through the importer's own worksheet reading.
    for name in ["panyu-2022.xls", "panyu-2022-libreoffice.xlsx"] {
        let file = root().join("tests/fixtures/import").join(name);
        let all = jixiao_io::import::import_file(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 1, "{name}");
        let p = seed();
        let got = &all[0].project;
        assert_eq!(
            (&got.project, &got.funds, &got.goals, &got.indicators),
            (&p.project, &p.funds, &p.goals, &p.indicators),
            "{name}"
        );
    }
}

#[test]
fn amounts_in_yuan_are_converted_exactly() {
    let mut p = seed();
    p.funds.annual = d("14.5301");
    p.funds.executed = d("14.5299");
    let all = import(&national::workbook(&[&p], Unit::Yuan), "yuan.xlsx");
    let f = &all[0].project.funds;
    assert_eq!(
        (f.initial, f.annual, f.executed),
        (Some(d("150")), d("14.5301"), d("14.5299"))
    );
    assert_eq!(f.sources[0].annual, d("14.53"));
}

#[test]
fn one_project_per_sheet_and_several_forms_in_one_sheet() {
    let a = seed();
    let mut b = seed();
    b.project.name = "第二个项目".into();
    b.project.year = 2023;
    b.funds.executed = d("10.5");
    b.indicators.truncate(3);
    let sheets = import(&national::workbook(&[&a, &b], Unit::Wan), "two-sheets.xlsx");
    assert_eq!(sheets.len(), 2);
    assert_eq!(sheets[0].project, form_part(&a));
    assert_eq!(sheets[1].project, form_part(&b));
    assert_eq!(
        sheets[1]
            .provenance
            .get("project.name")
            .unwrap()
            .sheet
            .as_deref(),
        Some("自评表2")
    );

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let next = national::write_form(ws, &a, Unit::Wan, 0).unwrap();
    national::write_form(ws, &b, Unit::Wan, next + 3).unwrap();
    let one_sheet = import(&wb.save_to_buffer().unwrap(), "one-sheet.xlsx");
    assert_eq!(one_sheet.len(), 2);
    assert_eq!(one_sheet[0].project, form_part(&a));
    assert_eq!(one_sheet[1].project, form_part(&b));
}

#[test]
fn provenance_names_sheet_row_and_column() {
    let p = seed();
    let all = import(&national::workbook(&[&p], Unit::Wan), "prov.xlsx");
    let prov = &all[0].provenance;
    let o = prov.get("funds.annual").unwrap();
    assert_eq!(
        (o.sheet.as_deref(), o.row, o.col),
        (Some("自评表1"), Some(6), Some(4))
    );
    let o = prov.get("indicators[4]").unwrap();
    assert_eq!(
        (o.row, o.col),
        (Some(17), Some(4)),
        "媒体报道 is the 5th row under the header on row 12"
    );
    assert_eq!(o.describe(), "工作表“自评表1”第 17 行第 D 列");
}

fn put(ws: &mut Worksheet, r: u32, cells: &[&str]) {
    for (c, t) in cells.iter().enumerate() {
        if !t.is_empty() {
            ws.write_string(r, c as u16, *t).unwrap();
        }
    }
}

#[test]
fn sichuan_layout_with_nature_value_unit_columns() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 10, "部门预算项目支出绩效自评表(2023年度)", &f)
        .unwrap();
    put(
        ws,
        1,
        &[
            "项目名称",
            "51092324T000010263357-2023年全县安可替代补助资金项目",
        ],
    );
    put(
        ws,
        2,
        &[
            "主管部门",
            "大英县司法局",
            "",
            "",
            "实施单位",
            "大英县司法局",
        ],
    );
    ws.merge_range(3, 0, 7, 0, "预算执行情况(10分)", &f)
        .unwrap();
    put(
        ws,
        3,
        &[
            "",
            "年度预算数(万元)",
            "年初预算",
            "调整后预算数",
            "预算执行数",
            "预算执行率",
            "权重",
            "得分",
            "原因",
        ],
    );
    put(
        ws,
        4,
        &["", "总额", "0.00", "3.36", "3.36", "100.00%", "10", "10"],
    );
    put(
        ws,
        5,
        &[
            "",
            "其中:财政资金",
            "0.00",
            "3.36",
            "3.36",
            "100.00%",
            "/",
            "/",
        ],
    );
    put(
        ws,
        6,
        &[
            "",
            "财政专户管理资金",
            "0.00",
            "0.00",
            "0.00",
            "0.00%",
            "/",
            "/",
        ],
    );
    put(ws, 7, &["", "其他资金", "", "", "", "", "/", "/"]);
    ws.merge_range(8, 0, 10, 0, "绩效指标(90分)", &f).unwrap();
    put(
        ws,
        8,
        &[
            "",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
    );
    put(
        ws,
        9,
        &[
            "",
            "产出指标",
            "质量指标",
            "完成安可产品购买并按要求支付资金",
            "=",
            "100",
            "%",
            "100",
            "50",
            "50",
        ],
    );
    put(
        ws,
        10,
        &[
            "",
            "产出指标",
            "经济成本指标",
            "成本控制数",
            "≤",
            "3.5",
            "万元",
            "3.36",
            "40",
            "40",
        ],
    );
    put(ws, 11, &["合计", "", "", "", "", "", "", "", "100", "100"]);
    put(ws, 12, &["存在问题", "无"]);
    put(ws, 13, &["改进措施", "无"]);
    let all = import(&wb.save_to_buffer().unwrap(), "sichuan.xlsx");
    assert_eq!(all.len(), 1);
    let p = &all[0].project;
    assert_eq!(p.project.name, "2023年全县安可替代补助资金项目");
    assert_eq!(p.project.code.as_deref(), Some("51092324T000010263357"));
    assert_eq!(p.project.year, 2023);
    assert_eq!(
        (
            p.funds.initial,
            p.funds.annual,
            p.funds.executed,
            p.funds.self_score
        ),
        (Some(d("0")), d("3.36"), d("3.36"), Some(d("10")))
    );
    assert_eq!(p.funds.sources.len(), 2, "其他资金 has no amounts");
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, Decimal, Option<Decimal>);
    let rows: Vec<Row<'_>> = p
        .indicators
        .iter()
        .map(|i| {
            (
                i.level2.as_str(),
                i.name.as_str(),
                i.target.as_str(),
                i.actual.as_str(),
                i.weight,
                i.self_score,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "质量指标",
                "完成安可产品购买并按要求支付资金",
                "=100%",
                "100%",
                d("50"),
                Some(d("50"))
            ),
            (
                "经济成本指标",
                "成本控制数",
                "≤3.5万元",
                "3.36万元",
                d("40"),
                Some(d("40"))
            ),
        ]
    );
    assert_eq!(
        p.indicators[1].direction,
        Some(jixiao_core::Direction::Reverse)
    );
    assert_eq!(p.statement.total, Some(d("100")));
    assert_eq!(p.statement.problems.as_deref(), Some("无"));
    // It scores: the value language reads the rebuilt targets.
    let e = jixiao_core::evaluate(p, &jixiao_core::Policy::builtin("mof-2020").unwrap());
    assert_eq!(e.total, d("100"));
}

#[test]
fn yunnan_public_table_with_fullwidth_symbols() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &["2022年度项目支出绩效自评表"]);
    put(
        ws,
        1,
        &[
            "项目名称",
            "数说红河展厅运维经费",
            "主管部门",
            "红河州数据发展中心",
            "实施单位",
            "红河州数据发展中心",
        ],
    );
    put(
        ws,
        2,
        &[
            "项目资金（元）",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
    );
    put(
        ws,
        3,
        &[
            "年度资金总额",
            "500000",
            "450000",
            "449999.5",
            "10",
            "100%",
            "10",
        ],
    );
    put(
        ws,
        4,
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    );
    put(
        ws,
        5,
        &[
            "产出指标",
            "数量指标",
            "展厅开放天数",
            "≧",
            "300",
            "天",
            "310",
            "50",
            "50",
        ],
    );
    put(
        ws,
        6,
        &[
            "效益指标",
            "社会效益指标",
            "展厅设备完好率",
            "═",
            "100",
            "%",
            "98",
            "30",
            "29.4",
            "两台拼接屏故障",
        ],
    );
    put(
        ws,
        7,
        &[
            "满意度指标",
            "服务对象满意度指标",
            "参观群众满意度",
            "≧",
            "90",
            "%",
            "95",
            "10",
            "10",
        ],
    );
    let p = &import(&wb.save_to_buffer().unwrap(), "yunnan.xlsx")[0].project;
    assert_eq!(p.project.year, 2022);
    assert_eq!(
        (p.funds.initial, p.funds.annual, p.funds.executed),
        (Some(d("50")), d("45"), d("44.99995"))
    );
    let t: Vec<(&str, &str)> = p
        .indicators
        .iter()
        .map(|i| (i.target.as_str(), i.actual.as_str()))
        .collect();
    assert_eq!(t, [("≥300天", "310天"), ("=100%", "98%"), ("≥90%", "95%")]);
    assert_eq!(p.indicators[1].deviation.as_deref(), Some("两台拼接屏故障"));
    assert_eq!(p.indicators[1].self_score, Some(d("29.4")));
}

#[test]
fn no_score_layout_imports_with_zero_weights_and_says_so() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &["2020年度县级专项资金绩效目标自评表"]);
    put(
        ws,
        1,
        &[
            "专项资金名称",
            "县级储备粮",
            "县级主管部门",
            "衡山县商务和粮食局",
            "实施单位",
            "粮食调控储备与产业发展股",
        ],
    );
    put(
        ws,
        2,
        &[
            "项目资金（万元）",
            "全年预算数(A)",
            "全年执行数(B)",
            "执行率(B/A)",
        ],
    );
    put(ws, 3, &["年度资金总额", "194.9", "194.9", "100%"]);
    put(
        ws,
        4,
        &["其中:中央、省、市补助县级资金", "194.9", "194.9", "100%"],
    );
    put(
        ws,
        5,
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年完成值",
            "未完成原因和改进措施",
        ],
    );
    put(
        ws,
        6,
        &["产出指标", "数量指标", "储备到位率", "100%", "100%"],
    );
    put(
        ws,
        7,
        &[
            "产出指标",
            "质量指标",
            "县级储备粮库存粮食明显变质比例",
            "0",
            "0",
        ],
    );
    put(
        ws,
        8,
        &[
            "效益指标",
            "经济效益指标",
            "政策性挂账利息补贴保障率",
            "100%",
            "无",
            "没有轮换、动用库存",
        ],
    );
    let all = import(&wb.save_to_buffer().unwrap(), "hunan.xlsx");
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(p.project.name, "县级储备粮");
    assert_eq!(p.project.department, "衡山县商务和粮食局");
    assert_eq!((p.funds.annual, p.funds.executed), (d("194.9"), d("194.9")));
    assert_eq!(p.indicators.len(), 3);
    assert!(
        p.indicators
            .iter()
            .all(|i| i.weight.is_zero() && i.self_score.is_none())
    );
    assert_eq!(
        p.indicators[2].deviation.as_deref(),
        Some("没有轮换、动用库存")
    );
    assert_eq!(
        imp.findings
            .iter()
            .filter(|f| f.code == Code::ImportIncomplete && f.path == "indicators")
            .count(),
        1
    );
}

#[test]
fn a_cell_the_importer_cannot_read_is_ambiguous_not_guessed() {
    let mut p = seed();
    p.indicators[0].weight = d("20");
    // Rewrite the first weight as words: the importer must say so, not guess 20.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("自评表1").unwrap();
    national::write_form(ws, &p, Unit::Wan, 0).unwrap();
    ws.write_string(12, 6, "二十分").unwrap();
    let all = import(&wb.save_to_buffer().unwrap(), "words.xlsx");
    let imp = &all[0];
    let f = imp
        .findings
        .iter()
        .find(|f| f.code == Code::ImportAmbiguous && f.path == "indicators[0].weight")
        .expect("import-ambiguous");
    assert!(
        f.message.contains("二十分") && f.message.contains("第 13 行"),
        "{}",
        f.message
    );
    assert!(
        imp.findings
            .iter()
            .any(|f| f.code == Code::ImportIncomplete && f.path == "indicators[0].weight")
    );
    assert_eq!(imp.project.indicators[0].weight, Decimal::ZERO);
}

#[test]
fn a_workbook_without_a_form_is_an_error_naming_the_file() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    put(ws, 0, &["姓名", "电话"]);
    put(ws, 1, &["张三", "123"]);
    let err =
        jixiao_io::import::import_bytes(&wb.save_to_buffer().unwrap(), Path::new("人员名单.xlsx"))
            .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("人员名单.xlsx：") && msg.contains("没有可识别的绩效自评表"),
        "{msg}"
    );
}

/// The xlsx fixtures the CLI tests use (tests/fixtures/import/): made here, and remade with
/// JIXIAO_WRITE_FIXTURES=tests/fixtures/import.
#[test]
fn cli_fixtures_import_as_expected() {
    let national = national::workbook(&[&seed()], Unit::Wan);
    let mut wb = Workbook::new();
    put(wb.add_worksheet(), 0, &["姓名", "电话"]);
    let no_table = wb.save_to_buffer().unwrap();
    if let Ok(dir) = std::env::var("JIXIAO_WRITE_FIXTURES") {
        std::fs::write(Path::new(&dir).join("panyu-national.xlsx"), &national).unwrap();
        std::fs::write(Path::new(&dir).join("no-table.xlsx"), &no_table).unwrap();
    }
    let committed = root().join("tests/fixtures/import/panyu-national.xlsx");
    let imported = jixiao_io::load_any(&committed).unwrap();
    assert_eq!(imported, form_part(&seed()));
    assert!(jixiao_io::load_any(&root().join("tests/fixtures/import/no-table.xlsx")).is_err());
}
