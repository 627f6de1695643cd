//! Verification against the form's own figures: for each check, a flattened form whose first reading is
//! wrong and which the check puts right (with an `import-reread` finding), and one that nothing can put
//! right (an `import-inconsistent` error naming the row and the figures).

use jixiao_core::Code;
use std::path::Path;

use jixiao_core::Severity;
use jixiao_io::Imported;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A county form as a site's text gives it: one row per line, cells separated by spaces, empty cells
/// gone. `funds` is the 年度资金总额 row after its label.
fn form(funds_header: &str, funds: &str, rows: &[&str], total: &str) -> String {
    let mut t = String::from(
        "项目支出绩效自评表\n（2023年度）\n项目名称 社区矫正经费\n主管部门 某县司法局 实施单位 某县司法局\n",
    );
    t.push_str(&format!("项目资金（万元） {funds_header}\n"));
    t.push_str(&format!("年度资金总额 {funds}\n"));
    t.push_str("年度总体目标 预期目标 实际完成情况\n");
    t.push_str("做好社区矫正工作 已完成\n");
    t.push_str(
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n",
    );
    for r in rows {
        t.push_str(r);
        t.push('\n');
    }
    t.push_str(&format!("总分 {total}\n"));
    t
}

const NATIONAL: &str = "年初预算数 全年预算数 全年执行数 分值 执行率 得分";

const ROWS: &[&str] = &[
    "产出指标 数量指标 矫正对象人数 ≥50人 56人 50 50",
    "效益指标 社会效益指标 重新犯罪率 ≤1% 0.5% 30 30",
    "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 10 10",
];

fn import(text: &str) -> Imported {
    let mut all = jixiao_io::import_bytes(text.as_bytes(), Path::new("form.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn codes(imp: &Imported) -> Vec<Code> {
    imp.findings.iter().map(|f| f.code).collect()
}

fn the(imp: &Imported, code: Code) -> &jixiao_core::Finding {
    imp.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} among {:?}", imp.findings))
}

#[test]
fn an_empty_initial_budget_cell_no_longer_shifts_the_funds_row() {
    // 年初预算数 is empty: read in order, 分值 10 would become 全年执行数 (a third of the stated 98.33%).
    let imp = import(&form(NATIONAL, "30 29.5 10 98.33% 9.83", ROWS, "100 99.83"));
    let f = &imp.project.funds;
    assert_eq!(f.initial, None);
    assert_eq!((f.annual, f.executed), (d("30"), d("29.5")));
    assert_eq!(
        (f.execution_weight, f.self_score),
        (d("10"), Some(d("9.83")))
    );
    let reread = the(&imp, Code::ImportReread);
    assert_eq!(reread.path, "funds");
    assert!(reread.message.contains("98.33%"), "{}", reread.message);
    assert!(
        !codes(&imp).contains(&Code::ImportInconsistent),
        "{:?}",
        imp.findings
    );
}

#[test]
fn the_execution_score_decides_when_no_rate_is_printed() {
    // The form prints no 执行率: only 得分 = 分值 × 执行率 tells which cell was lost.
    let header = "年初预算数 全年预算数 全年执行数 分值 得分";
    let imp = import(&form(header, "80 76 10 9.5", ROWS, "100 99.5"));
    let f = &imp.project.funds;
    assert_eq!((f.annual, f.executed), (d("80"), d("76")));
    assert_eq!(
        (f.execution_weight, f.self_score),
        (d("10"), Some(d("9.5")))
    );
    assert!(
        codes(&imp).contains(&Code::ImportReread),
        "{:?}",
        imp.findings
    );
}

#[test]
fn spending_above_the_budget_is_read_again() {
    // Read in order, 7.5 would be the budget and 10 (the 分值) the spending.
    let header = "年初预算数 全年预算数 全年执行数 分值 执行率 得分";
    let imp = import(&form(header, "8 7.5 10", ROWS, "100"));
    let f = &imp.project.funds;
    assert_eq!((f.annual, f.executed), (d("8"), d("7.5")));
    assert_eq!(f.execution_weight, d("10"));
    assert!(
        codes(&imp).contains(&Code::ImportReread),
        "{:?}",
        imp.findings
    );
}

#[test]
fn a_funds_row_no_reading_agrees_with_is_an_error_naming_the_row() {
    // 29.5 / 30 is 98.33%, whatever the cells: the printed 50% contradicts every reading.
    let imp = import(&form(NATIONAL, "30 30 29.5 10 50% 9.83", ROWS, "100 99.83"));
    let f = the(&imp, Code::ImportInconsistent);
    assert_eq!(f.severity(), Severity::Error);
    assert_eq!(f.path, "funds");
    assert!(f.message.contains("第 6 行"), "{}", f.message);
    assert!(f.message.contains("50%"), "{}", f.message);
}

#[test]
fn a_correct_first_reading_is_kept_without_a_word() {
    let imp = import(&form(
        NATIONAL,
        "30 30 29.5 10 98.33% 9.83",
        ROWS,
        "100 99.83",
    ));
    let f = &imp.project.funds;
    assert_eq!(f.initial, Some(d("30")));
    assert_eq!((f.annual, f.executed), (d("30"), d("29.5")));
    let import_codes: Vec<_> = codes(&imp)
        .into_iter()
        .filter(|c| matches!(*c, Code::ImportReread | Code::ImportInconsistent))
        .collect();
    assert!(import_codes.is_empty(), "{:?}", imp.findings);
}

#[test]
fn a_score_above_its_weight_marks_the_row() {
    let rows = [
        "产出指标 数量指标 矫正对象人数 ≥50人 56人 50 50",
        "效益指标 社会效益指标 重新犯罪率 ≤1% 0.5% 30 300",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 10 10",
    ];
    let imp = import(&form(
        NATIONAL,
        "30 30 29.5 10 98.33% 9.83",
        &rows,
        "100 369.83",
    ));
    let f = imp
        .findings
        .iter()
        .find(|f| f.code == Code::ImportInconsistent && f.path == "indicators[1]")
        .unwrap_or_else(|| panic!("{:?}", imp.findings));
    assert!(
        f.message.contains("300") && f.message.contains("30"),
        "{}",
        f.message
    );
}

#[test]
fn weights_that_miss_the_printed_level_weight_mark_the_table() {
    let rows = [
        "产出指标(50分) 数量指标 矫正对象人数 ≥50人 56人 40 40",
        "效益指标(30分) 社会效益指标 重新犯罪率 ≤1% 0.5% 30 30",
        "满意度指标(10分) 服务对象满意度指标 群众满意度 ≥90% 95% 10 10",
    ];
    let imp = import(&form(
        NATIONAL,
        "30 30 29.5 10 98.33% 9.83",
        &rows,
        "90 89.83",
    ));
    let f = imp
        .findings
        .iter()
        .find(|f| f.code == Code::ImportInconsistent && f.message.contains("产出指标"))
        .unwrap_or_else(|| panic!("{:?}", imp.findings));
    assert_eq!(f.path, "indicators");
    assert!(
        f.message.contains("40") && f.message.contains("50"),
        "{}",
        f.message
    );
}

#[test]
fn a_stated_total_that_is_not_the_sum_of_the_scores_marks_the_table() {
    let imp = import(&form(NATIONAL, "30 30 29.5 10 98.33% 9.83", ROWS, "100 95"));
    let f = imp
        .findings
        .iter()
        .find(|f| f.code == Code::ImportInconsistent && f.message.contains("总分"))
        .unwrap_or_else(|| panic!("{:?}", imp.findings));
    assert!(
        f.message.contains("99.83") && f.message.contains("95"),
        "{}",
        f.message
    );
}

#[test]
fn a_header_printed_over_two_lines_is_read_as_one() {
    // A county 公开表: the header's second line carries 实际完成值 / 分值 / 得分.
    let text = "项目支出绩效自评表\n（2023年度）\n项目名称 社区矫正经费\n主管部门 某县司法局 实施单位 某县司法局\n\
        项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额 30 30 29.5 10 98.33% 9.83\n\
        一级指标 二级指标 三级指标 指标性质 指标值 度量单位\n实际完成值 分值 得分\n\
        产出指标 数量指标 矫正对象人数 ≥ 50 人 56 50 50\n\
        效益指标 社会效益指标 重新犯罪率 ≤ 1 % 0.5 30 30\n\
        满意度指标 服务对象满意度指标 群众满意度 ≥ 90 % 95 10 10\n总分 100 99.83\n";
    let imp = import(text);
    let rows: Vec<(&str, &str, Decimal, Option<Decimal>)> = imp
        .project
        .indicators
        .iter()
        .map(|i| (i.target.as_str(), i.actual.as_str(), i.weight, i.self_score))
        .collect();
    assert_eq!(
        rows,
        [
            ("≥50人", "56人", d("50"), Some(d("50"))),
            ("≤1%", "0.5%", d("30"), Some(d("30"))),
            ("≥90%", "95%", d("10"), Some(d("10"))),
        ],
        "{:?}",
        imp.findings
    );
}

#[test]
fn a_weight_found_from_the_indicator_weights_survives_a_reread() {
    // No 分值 column: the weight is 100 − 80 = 20, and re-reading the row (年初预算数 lost) keeps it.
    let rows = [
        "产出指标 数量指标 矫正对象人数 ≥50人 56人 40 40",
        "效益指标 社会效益指标 重新犯罪率 ≤1% 0.5% 30 30",
        "满意度指标 服务对象满意度指标 群众满意度 ≥90% 95% 10 10",
    ];
    let header = "年初预算数 全年预算数 全年执行数 执行率";
    let imp = import(&form(header, "30 29.5 98.33%", &rows, "100 99.67"));
    let f = &imp.project.funds;
    assert_eq!(
        (f.annual, f.executed),
        (d("30"), d("29.5")),
        "{:?}",
        imp.findings
    );
    assert_eq!(f.execution_weight, d("20"), "{:?}", imp.findings);
}

#[test]
fn a_total_printed_to_fewer_places_agrees() {
    let imp = import(&form(
        NATIONAL,
        "30 30 29.5 10 98.33% 9.83",
        ROWS,
        "100 99.8",
    ));
    assert!(
        !imp.findings
            .iter()
            .any(|f| f.code == Code::ImportInconsistent && f.message.contains("总分")),
        "{:?}",
        imp.findings
    );
}
