//! A minimal test-side .docx writer: paragraphs and tables with horizontal (gridSpan) and vertical (vMerge)
//! merges, as Word writes them.

#![allow(dead_code)]

use std::io::Write;

pub enum Block {
    Para(String),
    Table(Vec<Vec<TCell>>),
}

/// A table cell: text, columns spanned, and whether it continues a vertical merge from above.
pub struct TCell {
    pub text: String,
    pub span: u32,
    pub vmerge: Option<bool>, // Some(true) = restart, Some(false) = continue
}

pub fn c(text: &str) -> TCell {
    TCell {
        text: text.into(),
        span: 1,
        vmerge: None,
    }
}
pub fn span(text: &str, n: u32) -> TCell {
    TCell {
        text: text.into(),
        span: n,
        vmerge: None,
    }
}
pub fn vstart(text: &str) -> TCell {
    TCell {
        text: text.into(),
        span: 1,
        vmerge: Some(true),
    }
}
pub fn vcont() -> TCell {
    TCell {
        text: String::new(),
        span: 1,
        vmerge: Some(false),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn para(text: &str) -> String {
    let runs: Vec<String> = text
        .split('\n')
        .map(|l| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(l)))
        .collect();
    format!("<w:p>{}</w:p>", runs.join("<w:r><w:br/></w:r>"))
}

pub fn document_xml(blocks: &[Block]) -> String {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::Para(t) => body.push_str(&para(t)),
            Block::Table(rows) => {
                body.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
                for r in rows {
                    body.push_str("<w:tr>");
                    for cell in r {
                        body.push_str("<w:tc><w:tcPr>");
                        if cell.span > 1 {
                            body.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", cell.span));
                        }
                        match cell.vmerge {
                            Some(true) => body.push_str("<w:vMerge w:val=\"restart\"/>"),
                            Some(false) => body.push_str("<w:vMerge/>"),
                            None => {}
                        }
                        body.push_str("</w:tcPr>");
                        body.push_str(&para(&cell.text));
                        body.push_str("</w:tc>");
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/></w:sectPr></w:body></w:document>"
    )
}

pub fn docx(blocks: &[Block]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opt = zip::write::SimpleFileOptions::default();
        z.start_file("[Content_Types].xml", opt).unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
        z.start_file("_rels/.rels", opt).unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#).unwrap();
        z.start_file("word/document.xml", opt).unwrap();
        z.write_all(document_xml(blocks).as_bytes()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// A 自评报告 as Word: title, headed narrative sections, and the national 自评表 as a table with merges.
pub fn report(p: &jixiao_core::Project) -> Vec<u8> {
    use Block::*;
    let n = |d: rust_decimal::Decimal| d.normalize().to_string();
    let r = &p.report;
    let mut blocks = vec![
        Para(format!(
            "{}{}年度“{}”项目支出绩效自评报告",
            p.project.department, p.project.year, p.project.name
        )),
        Para("一、评价项目概述".into()),
        Para("（一）项目背景及立项依据".into()),
        Para(r.background.clone()),
        Para("（二）项目绩效目标".into()),
        Para(r.goals.clone()),
        Para("（三）项目资金来源及使用情况".into()),
        Para(r.funds_usage.clone()),
        Para("（四）项目实施情况".into()),
        Para(r.implementation.clone()),
        Para("二、绩效评价概述".into()),
        Para(r.overview.clone()),
        Para("三、评价结论与绩效分析".into()),
        Para(r.conclusion.clone()),
        Para("项目支出绩效自评表".into()),
        Para(format!("（{}年度）", p.project.year)),
    ];
    let mut rows: Vec<Vec<TCell>> = Vec::new();
    rows.push(vec![
        c("项目名称"),
        span(&p.project.name, 4),
        c("项目级次"),
        span(p.project.level.as_deref().unwrap_or(""), 3),
    ]);
    rows.push(vec![
        c("主管部门"),
        span(&p.project.department, 4),
        c("实施单位"),
        span(&p.project.implementer, 3),
    ]);
    rows.push(vec![
        vstart("项目资金（万元）"),
        c(""),
        c("年初预算数"),
        c("全年预算数（A）"),
        c("全年执行数（B）"),
        c("分值"),
        c("执行率（B/A）"),
        c("得分"),
        c(""),
    ]);
    let f = &p.funds;
    let rate = format!(
        "{}%",
        (f.executed / f.annual * rust_decimal::Decimal::ONE_HUNDRED)
            .round_dp(2)
            .normalize()
    );
    rows.push(vec![
        vcont(),
        c("年度资金总额"),
        c(&f.initial.map(n).unwrap_or_default()),
        c(&n(f.annual)),
        c(&n(f.executed)),
        c(&n(f.execution_weight)),
        c(&rate),
        c(&f.self_score.map(n).unwrap_or_default()),
        c(""),
    ]);
    for (k, s) in f.sources.iter().enumerate() {
        let name = if k == 0 {
            format!("其中：{}", s.name)
        } else {
            s.name.clone()
        };
        rows.push(vec![
            vcont(),
            c(&name),
            c(&s.initial.map(n).unwrap_or_default()),
            c(&n(s.annual)),
            c(&n(s.executed)),
            c("—"),
            c(""),
            c("—"),
            c(""),
        ]);
    }
    rows.push(vec![
        vstart("年度总体目标"),
        span("预期目标", 4),
        span("实际完成情况", 4),
    ]);
    rows.push(vec![
        vcont(),
        span(&p.goals.expected, 4),
        span(&p.goals.actual, 4),
    ]);
    rows.push(vec![
        vstart("绩效指标"),
        c("一级指标"),
        c("二级指标"),
        c("三级指标"),
        c("年度指标值"),
        c("实际完成值"),
        c("分值"),
        c("得分"),
        c("偏差原因分析及改进措施"),
    ]);
    for (k, i) in p.indicators.iter().enumerate() {
        let same1 = k > 0 && p.indicators[k - 1].level1 == i.level1;
        let same2 = same1 && p.indicators[k - 1].level2 == i.level2;
        rows.push(vec![
            vcont(),
            if same1 { vcont() } else { vstart(&i.level1) },
            if same2 { vcont() } else { vstart(&i.level2) },
            c(&i.name),
            c(&i.target),
            c(&i.actual),
            c(&n(i.weight)),
            c(&i.self_score.map(n).unwrap_or_default()),
            c(i.deviation.as_deref().unwrap_or("")),
        ]);
    }
    rows.push(vec![
        span("总分", 6),
        c(&n(p.total_weight())),
        c(&p.statement.total.map(n).unwrap_or_default()),
        c(""),
    ]);
    blocks.push(Table(rows));
    blocks.extend([
        Para("四、项目主要绩效或成功经验".into()),
        Para(r.experience.clone()),
        Para("五、存在问题或不足".into()),
        Para(r.problems.clone()),
        Para("六、下一步改进措施".into()),
        Para(r.measures.clone()),
    ]);
    docx(&blocks)
}
