//! Published excerpts: what particular layouts must give beyond their cells (findings, provenance, several
//! forms in one text). Every excerpt's cells are compared with its answer key by tests/corpus.rs.

use jixiao_core::Code;
use std::path::{Path, PathBuf};

use jixiao_io::Imported;
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/published")
        .join(name)
}

fn import(name: &str) -> Vec<Imported> {
    jixiao_io::import_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn od(s: &str) -> Option<Decimal> {
    if s.is_empty() { None } else { Some(d(s)) }
}

/// (一级, 二级, 三级, 指标值, 实际完成值, 分值, 得分 ("" = none))
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

fn assert_rows(imp: &Imported, rows: &[Row<'_>]) {
    let got = &imp.project.indicators;
    let names: Vec<&str> = got.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(got.len(), rows.len(), "indicators: {names:?}");
    for (i, (g, w)) in got.iter().zip(rows).enumerate() {
        let want = (w.0, w.1, w.2, w.3, w.4, d(w.5), od(w.6));
        let have = (
            g.level1.as_str(),
            g.level2.as_str(),
            g.name.as_str(),
            g.target.as_str(),
            g.actual.as_str(),
            g.weight,
            g.self_score,
        );
        assert_eq!(have, want, "indicator {i}");
        assert!(
            imp.provenance.get(&format!("indicators[{i}]")).is_some(),
            "indicator {i} has no provenance"
        );
    }
}

fn has(imp: &Imported, code: Code, path: &str) -> bool {
    imp.findings
        .iter()
        .any(|f| f.code == code && f.path == path)
}

#[test]
fn f01_chizhou_national_layout_flattened_on_one_line() {
    let all = import("01_chizhou_tangxi_weituoyewu_2022.txt");
    assert_eq!(all.len(), 1);
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(p.project.name, "委托业务项目");
    assert_eq!(p.project.year, 2022);
    assert_eq!(p.project.department, "219-池州市贵池区棠溪镇人民政府");
    assert_eq!(p.project.implementer, "219001-池州市贵池区棠溪镇人民政府");
    // The total row reads 0 0 0 10 0 0; the source row 90 89.974 89.974 (the form is inconsistent).
    assert_eq!(
        (p.funds.initial, p.funds.annual, p.funds.executed),
        (Some(d("0")), d("0"), d("0"))
    );
    assert_eq!(p.funds.execution_weight, d("10"));
    assert_eq!(p.funds.sources.len(), 1);
    let s = &p.funds.sources[0];
    assert_eq!(
        (s.name.as_str(), s.initial, s.annual, s.executed),
        ("本年财政拨款", Some(d("90")), d("89.974"), d("89.974"))
    );
    assert!(p.goals.expected.starts_with("本项目共申请预算资金90万元。"));
    assert!(
        p.goals
            .actual
            .starts_with("本项目共完成预算资金89.97万元。")
    );
    assert_rows(
        imp,
        &[
            (
                "产出指标",
                "数量指标",
                "基建工程委托业务项目数量",
                "≥50个",
                "50",
                "8",
                "8",
            ),
            (
                "产出指标",
                "质量指标",
                "委托业务报告合格率",
                "≥100百分比",
                "100",
                "8",
                "8",
            ),
            (
                "产出指标",
                "质量指标",
                "经费支出合规性",
                "严格执行相关制度规定",
                "达成预期指标",
                "8",
                "8",
            ),
            (
                "产出指标",
                "时效指标",
                "提交报告及时性",
                "在项目计划完成时间内完成",
                "达成预期指标",
                "8",
                "8",
            ),
            (
                "产出指标",
                "成本指标",
                "项目总成本",
                "≤90万元",
                "90",
                "8",
                "8",
            ),
            (
                "产出指标",
                "成本指标",
                "单项业务成本",
                "符合相关规定",
                "达成预期指标",
                "10",
                "10",
            ),
            (
                "效益指标",
                "社会效益指标",
                "对维护基建市场公平的影响程度",
                "效果明显",
                "达成预期指标",
                "10",
                "10",
            ),
            (
                "效益指标",
                "生态效益指标",
                "对控制基建项目成本影响程度",
                "效果明显",
                "达成预期指标",
                "10",
                "10",
            ),
            (
                "效益指标",
                "可持续影响指标",
                "对推动基建项目“四项制度”健全和落实的持续性影响",
                "效果明显",
                "达成预期指标",
                "10",
                "10",
            ),
        ],
    );
    assert_eq!(p.statement.level_weights.get("产出指标"), Some(&d("50")));
    assert_eq!(p.statement.level_weights.get("效益指标"), Some(&d("30")));
    // Cut off in the middle of the 满意度 row ("公众满").
    assert!(has(imp, Code::ImportIncomplete, "indicators"));
}

#[test]
fn f02_sichuan_tail_of_one_form_then_a_cut_form() {
    let all = import("02_sichuan_daying_sifaju_anke_2023.txt");
    assert_eq!(all.len(), 2, "the tail of a previous form, then a new form");
    // The tail: one indicator row, 评价结论, 存在问题, 改进措施; no header.
    let tail = &all[0];
    assert!(has(tail, Code::ImportIncomplete, "project.name"));
    assert_rows(
        tail,
        &[(
            "产出指标",
            "经济成本指标",
            "成本控制数",
            "≤30万元",
            "完成",
            "90",
            "90",
        )],
    );
    assert_eq!(tail.project.statement.problems.as_deref(), Some("无"));
    assert_eq!(tail.project.statement.measures.as_deref(), Some("无"));
    assert_eq!(
        tail.project.report.conclusion,
        "根据财政局资金下达的管理办法,将资金支付给项目施工方。"
    );

    let imp = &all[1];
    let p = &imp.project;
    assert_eq!(p.project.name, "2023年全县安可替代补助资金项目");
    assert_eq!(p.project.code.as_deref(), Some("51092324T000010263357"));
    assert_eq!(p.project.year, 2023);
    assert_eq!(p.project.department, "大英县司法局部门");
    assert_eq!(p.project.implementer, "大英县司法局");
    assert_eq!(
        (p.funds.initial, p.funds.annual, p.funds.executed),
        (Some(d("0.00")), d("3.36"), d("3.36"))
    );
    assert_eq!(
        (p.funds.execution_weight, p.funds.self_score),
        (d("10"), Some(d("10")))
    );
    let names: Vec<&str> = p.funds.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["财政资金", "财政专户管理资金", "单位资金"]);
    assert_eq!(p.funds.sources[0].annual, d("3.36"));
    assert_eq!(
        p.goals.expected,
        "根据要求购买安可设备,并完成项目资金支付。"
    );
    assert_eq!(p.goals.actual, "完成");
    assert_eq!(
        p.report.implementation,
        "2023年购买13台安可电脑,并于12月前完成资金支付。"
    );
    // The excerpt stops after "= | 100 |" of the first indicator.
    assert_eq!(p.indicators.len(), 1);
    let i = &p.indicators[0];
    assert_eq!(
        (
            i.level1.as_str(),
            i.level2.as_str(),
            i.name.as_str(),
            i.target.as_str()
        ),
        (
            "产出指标",
            "质量指标",
            "完成安可产品购买并按要求支付资金",
            "=100"
        )
    );
    assert!(i.actual.is_empty());
    assert!(has(imp, Code::ImportIncomplete, "indicators"));
    assert!(has(imp, Code::ImportAmbiguous, "indicators[0]"));
}

#[test]
fn f13_hbust_narrative_with_a_table_without_points() {
    let all = import("13_hubei_hbust_benzhuanke_jiangzhuxuejin_2021.txt");
    assert_eq!(all.len(), 1);
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(p.project.name, "本专科生奖助学金");
    assert_eq!(p.project.year, 2021);
    assert!(
        has(imp, Code::ImportAmbiguous, "project.name"),
        "the name comes from the title"
    );
    assert_eq!(
        (p.funds.annual, p.funds.executed),
        (d("2596"), d("2595.6208"))
    );
    assert!(has(imp, Code::ImportAmbiguous, "funds.annual"));
    assert_eq!(p.statement.total, Some(d("99.8")));
    assert_rows(
        imp,
        &[
            (
                "产出指标",
                "质量指标",
                "奖助政策学生知晓率",
                "100%",
                "100%",
                "0",
                "",
            ),
            (
                "产出指标",
                "质量指标",
                "受资助本专科困难学生覆盖率",
                "99%",
                "99%",
                "0",
                "",
            ),
            (
                "产出指标",
                "质量指标",
                "退役士兵考入高校应助学生享受资助比例",
                "100%",
                "100%",
                "0",
                "",
            ),
            (
                "产出指标",
                "质量指标",
                "高校学生应征入伍应受助学生享受资助比例",
                "100%",
                "100%",
                "0",
                "",
            ),
            (
                "产出指标",
                "数量指标",
                "受资助本专科学生人数",
                "14726",
                "15935",
                "0",
                "",
            ),
            (
                "产出指标",
                "质量指标",
                "国家奖学金按标准发放率",
                "100%",
                "100%",
                "0",
                "",
            ),
            (
                "效益指标",
                "社会效益指标",
                "评审程序是否客观公正",
                "是",
                "是",
                "0",
                "",
            ),
            (
                "效益指标",
                "社会效益指标",
                "家庭经济困难学生完成学业率",
                "100%",
                "100%",
                "0",
                "",
            ),
            (
                "效益指标",
                "服务对象满意度指标",
                "资助学生满意度",
                "95%",
                "95%",
                "0",
                "",
            ),
        ],
    );
    // No 分值 column: one finding for the table, not a silent 0.
    assert!(has(imp, Code::ImportIncomplete, "indicators"));
    assert!(
        p.report
            .problems
            .starts_with("1、受资助本专科困难学生覆盖率有待进一步提高。")
    );
}

#[test]
fn narrative_only_excerpts_say_there_is_no_table() {
    for name in [
        "20_yunnan_honghe_shujufazhan_narrative_2024.txt",
        "21_anhui_zongyang_jibengonggongweisheng_narrative_2023.txt",
    ] {
        let err = jixiao_io::import_file(&fixture(name)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(name) && msg.contains("没有可识别的绩效自评表"),
            "{msg}"
        );
    }
}

#[test]
fn f06_zhongjiang_cells_run_together() {
    let all = import("06_sichuan_zhongjiang_shuiliju_shuibiaochi_2022.txt");
    assert_eq!(all.len(), 1);
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(
        p.project.name,
        "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"
    );
    assert_eq!(p.project.year, 2022);
    assert_eq!(
        (
            p.project.department.as_str(),
            p.project.implementer.as_str()
        ),
        ("中江县水利局", "中江县水利局")
    );
    // 年度资金总额:202010100.00%10 = 20 | 20 | 10 | 100.00% | 10, the only reading where 执行率 = B/A and 得分 = 分值 × 执行率.
    assert_eq!(
        (
            p.funds.annual,
            p.funds.executed,
            p.funds.execution_weight,
            p.funds.self_score
        ),
        (d("20"), d("20"), d("10"), Some(d("10")))
    );
    assert!(
        has(imp, Code::ImportAmbiguous, "funds"),
        "the split is said, not silent"
    );
    assert_eq!(p.funds.sources.len(), 1);
    assert_eq!(
        (p.funds.sources[0].name.as_str(), p.funds.sources[0].annual),
        ("本年财政拨款", d("20"))
    );
    assert_rows(
        imp,
        &[
            (
                "产出指标",
                "数量指标",
                "安装坡面水标尺",
                "≥266米",
                "≥266米",
                "10",
                "10",
            ),
            (
                "产出指标",
                "数量指标",
                "水标尺宽度",
                "≥50厘米",
                "≥50厘米",
                "10",
                "10",
            ),
            (
                "产出指标",
                "质量指标",
                "项目(工程)验收合格率",
                "100%",
                "100%",
                "20",
                "20",
            ),
            (
                "产出指标",
                "时效指标",
                "及时(按期)开工率",
                "≥90%",
                "≥90%",
                "10",
                "10",
            ),
            (
                "产出指标",
                "时效指标",
                "及时(按期)完工率",
                "≥90%",
                "≥90%",
                "10",
                "10",
            ),
            (
                "产出指标",
                "成本指标",
                "项目计划总投资",
                "20万元",
                "20万元",
                "10",
                "10",
            ),
            (
                "效益指标",
                "社会效益指标",
                "受益脱贫(含监测对象)户人口数",
                "≥1000人",
                "≥1000人",
                "10",
                "10",
            ),
            (
                "效益指标",
                "社会效益指标",
                "群众生产生活条件改善状况",
                "显著提升",
                "显著提升",
                "10",
                "10",
            ),
            (
                "满意度指标",
                "服务对象满意度指标",
                "受益脱贫(含监测对象)户满意度",
                "≥95%",
                "≥95%",
                "10",
                "10",
            ),
        ],
    );
    assert_eq!(p.statement.level_weights.get("产出指标"), Some(&d("70")));
    assert_eq!(p.statement.level_weights.get("效益指标"), Some(&d("20")));
    // The form's weights (70/20/10) differ from its own footnote (50/30/10): the checker says so.
    let e = jixiao_core::evaluate(p, &jixiao_core::Policy::builtin("mof-2020").unwrap());
    assert!(e.has_finding(Code::WeightsNonstandard));
}

#[test]
fn f10_hengshan_no_score_layout_run_together() {
    let all = import("10_hunan_hengshan_liangshi_chubeiliang_2020.txt");
    assert_eq!(all.len(), 1);
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(p.project.name, "县级储备粮");
    assert_eq!(p.project.year, 2020);
    assert_eq!(p.project.department, "衡山县商务和粮食局");
    assert_eq!(p.project.implementer, "粮食调控储备与产业发展股");
    assert_eq!((p.funds.annual, p.funds.executed), (d("194.9"), d("194.9")));
    assert_eq!(p.funds.sources.len(), 1);
    assert_eq!(p.funds.sources[0].name, "中央、省、市补助县级资金");
    // Without 分值 and 得分 there is nothing to split the run-together indicator cells by: said, not guessed.
    assert!(p.indicators.is_empty());
    assert!(has(imp, Code::ImportIncomplete, "indicators"));
}

#[test]
fn f14_hbeu_template_with_numbers_stripped() {
    // The sharing site stripped every number: the header is there, the amounts and the year are not.
    let all = import("14_hubei_hbeu_xueshengzizhu_template.txt");
    assert_eq!(all.len(), 1);
    let imp = &all[0];
    let p = &imp.project;
    assert_eq!(p.project.name, "湖北工程学院年学生资助项目");
    assert_eq!(p.project.department, "湖北省教育厅");
    assert_eq!(p.project.implementer, "湖北工程学院");
    assert!(p.indicators.is_empty());
    for path in [
        "project.year",
        "funds.annual",
        "funds.executed",
        "indicators",
    ] {
        assert!(has(imp, Code::ImportIncomplete, path), "{path}");
    }
}

#[test]
fn scrambled_excerpts_are_refused_with_the_file_name() {
    // 05 and 19 are PDF extractions with the cells out of order; 07 is the old Sichuan scoring table
    // (决策/管理/绩效), not a 自评表. None has a form the importer can read reliably.
    for name in [
        "05_hubei_guangshui_jiaotong_xiangcundaolu_2021.txt",
        "07_sichuan_yilong_czj_daolu_yanghu_2018.txt",
        "19_jiangxi_zhengxie_template_notes_2017.txt",
    ] {
        let msg = jixiao_io::import_file(&fixture(name))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains(name) && msg.contains("没有可识别的绩效自评表"),
            "{msg}"
        );
    }
}
