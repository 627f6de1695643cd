//! IATI activity XML (version 2.03) of published evaluations: one `<iati-activity>` per project, its
//! funds as budget and expenditure, and the indicator table as results — 产出 as outputs, 效益 and 满意度
//! as outcomes, each 三级指标 an indicator with one period (the budget year) holding target and actual.
//! The mapping, and what is not mapped, is in docs/iati.md. Validated in tests against the official
//! schema (tests/fixtures/iati-schema/).

use std::collections::HashMap;
use std::io;

use jixiao_core::model::{Direction, Indicator};
use jixiao_core::scoring::IndicatorScore;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rust_decimal::Decimal;

use super::{Published, rfc3339, xml_text};

pub const VERSION: &str = "2.03";

/// IATI OrganisationType 10: Government.
const ORG_GOVERNMENT: &str = "10";

/// The activity identifier: `{reporting_org_ref}-{project_id}`.
pub fn identifier(reporting_org_ref: &str, project_id: i64) -> String {
    format!("{reporting_org_ref}-{project_id}")
}

/// IATI ResultType of a 一级指标: 产出 → 1 (output); 效益 and 满意度 → 2 (outcome: satisfaction is how
/// the people served judge the result, not a product of the activity); anything else (成本指标, the
/// whole-department 履职效能 …) → 9 (other).
pub fn result_type(level1: &str) -> &'static str {
    if level1.contains("产出") {
        "1"
    } else if level1.contains("效益") || level1.contains("满意") {
        "2"
    } else {
        "9"
    }
}

/// The document: `department` names the reporting organisation (the publishing finance bureau or
/// department), `reporting_org_ref` its IATI organisation identifier, `generated_at_millis` the
/// `generated-datetime`. When `items` hold several revisions of one project only the latest is written,
/// since an activity identifier must be unique in a file. IATI requires at least one activity: with no
/// items the document has none and does not validate.
pub fn activities(
    department: &str,
    reporting_org_ref: &str,
    items: &[Published],
    generated_at_millis: i64,
) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into memory cannot fail; should it, what was written so far is returned.
    let _ = write_doc(
        &mut w,
        department,
        reporting_org_ref,
        items,
        generated_at_millis,
    );
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

/// The latest revision of each project, in the order projects first appear.
fn latest<'i, 'a>(items: &'i [Published<'a>]) -> Vec<&'i Published<'a>> {
    let mut out: Vec<&Published> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    for p in items {
        match at.get(&p.project_id) {
            Some(&i) => {
                if p.revision > out[i].revision {
                    out[i] = p;
                }
            }
            None => {
                at.insert(p.project_id, out.len());
                out.push(p);
            }
        }
    }
    out
}

fn write_doc(
    w: &mut Writer<Vec<u8>>,
    department: &str,
    reporting_org_ref: &str,
    items: &[Published],
    generated_at_millis: i64,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let generated = rfc3339(generated_at_millis);
    let mut root = w
        .create_element("iati-activities")
        .with_attribute(("version", VERSION));
    if let Some(g) = &generated {
        root = root.with_attribute(("generated-datetime", g.as_str()));
    }
    root.write_inner_content(|w| {
        for p in latest(items) {
            activity(w, department, reporting_org_ref, p)?;
        }
        Ok(())
    })?;
    w.get_mut().push(b'\n');
    Ok(())
}

/// `YYYY-MM-DD` within what xsd:date accepts (years 1 to 9999; project years outside are clamped).
fn date(year: i32, month_day: &str) -> String {
    format!("{:04}-{month_day}", year.clamp(1, 9999))
}

/// 万元 → yuan, exactly. `None` on overflow (beyond 7.9 × 10²⁴ 万元).
fn yuan(wan: Decimal) -> Option<String> {
    wan.checked_mul(Decimal::from(10_000))
        .map(|y| y.normalize().to_string())
}

fn activity(
    w: &mut Writer<Vec<u8>>,
    department: &str,
    reporting_org_ref: &str,
    p: &Published,
) -> io::Result<()> {
    let h = &p.project.project;
    let year = h.year;
    let (start, end) = (date(year, "01-01"), date(year, "12-31"));
    let mut el = w
        .create_element("iati-activity")
        .with_attributes([("xml:lang", "zh"), ("default-currency", "CNY")]);
    let updated = p.published_rfc3339();
    if let Some(u) = &updated {
        el = el.with_attribute(("last-updated-datetime", u.as_str()));
    }
    el.write_inner_content(|w| {
        text(
            w,
            "iati-identifier",
            &identifier(reporting_org_ref, p.project_id),
        )?;
        w.create_element("reporting-org")
            .with_attributes([
                ("ref", xml_text(reporting_org_ref).as_ref()),
                ("type", ORG_GOVERNMENT),
            ])
            .write_inner_content(|w| narrative(w, department))?;
        w.create_element("title")
            .write_inner_content(|w| narrative(w, &format!("{year}年度 {}", h.name)))?;

        let e = p.evaluation;
        let general = format!(
            "{}（主管部门：{}；实施单位：{}）{}年度项目支出绩效自评。按评分规则计算的总分 {}，评价等级“{}”。",
            h.name,
            p.department,
            p.unit,
            year,
            e.total.normalize(),
            e.grade.as_str()
        );
        description(w, "1", &general)?;
        if !p.project.goals.expected.trim().is_empty() {
            description(w, "2", &p.project.goals.expected)?;
        }
        if let Some(c) = p.correction() {
            description(w, "4", &format!("更正说明：{c}"))?;
        }

        org(w, "1", department, None)?;
        org(w, "2", &p.department, Some(ORG_GOVERNMENT))?;
        org(w, "4", &p.unit, None)?;
        if let Some(code) = h.code.as_deref().filter(|c| !c.trim().is_empty()) {
            // OtherIdentifierType A1: the reporting organisation's internal activity identifier.
            w.create_element("other-identifier")
                .with_attributes([("ref", xml_text(code).as_ref()), ("type", "A1")])
                .write_empty()?;
        }
        // ActivityStatus 3: completion (the budget year is over when its self-evaluation is published).
        w.create_element("activity-status")
            .with_attribute(("code", "3"))
            .write_empty()?;
        // ActivityDateType 1 / 3: planned start and end, the bounds of the budget year.
        for (kind, iso) in [("1", &start), ("3", &end)] {
            w.create_element("activity-date")
                .with_attributes([("type", kind), ("iso-date", iso.as_str())])
                .write_empty()?;
        }

        let f = &p.project.funds;
        // BudgetType 1 original / 2 revised; BudgetStatus 2 committed.
        let budgets: Vec<(&str, Decimal)> = match f.initial {
            Some(initial) if initial != f.annual => vec![("1", initial), ("2", f.annual)],
            _ => vec![("1", f.annual)],
        };
        for (kind, wan) in budgets {
            if let Some(value) = yuan(wan) {
                w.create_element("budget")
                    .with_attributes([("type", kind), ("status", "2")])
                    .write_inner_content(|w| {
                        iso_date(w, "period-start", &start)?;
                        iso_date(w, "period-end", &end)?;
                        w.create_element("value")
                            .with_attributes([("currency", "CNY"), ("value-date", start.as_str())])
                            .write_text_content(BytesText::new(&value))?;
                        Ok(())
                    })?;
            }
        }
        if let Some(value) = yuan(f.executed) {
            // TransactionType 4: expenditure, the year's executed amount as one transaction.
            w.create_element("transaction").write_inner_content(|w| {
                w.create_element("transaction-type")
                    .with_attribute(("code", "4"))
                    .write_empty()?;
                iso_date(w, "transaction-date", &end)?;
                w.create_element("value")
                    .with_attributes([("currency", "CNY"), ("value-date", end.as_str())])
                    .write_text_content(BytesText::new(&value))?;
                w.create_element("description")
                    .write_inner_content(|w| narrative(w, &format!("{year}年度全年执行数")))?;
                Ok(())
            })?;
        }

        // DocumentCategory A07: review of project performance and evaluation.
        for (url, format, title) in [
            (p.url.clone(), "text/html", "绩效自评公开页面"),
            (
                format!("{}/json", p.url),
                "application/json",
                "绩效自评数据（jixiao-evaluation JSON）",
            ),
        ] {
            w.create_element("document-link")
                .with_attributes([("url", xml_text(&url).as_ref()), ("format", format)])
                .write_inner_content(|w| {
                    w.create_element("title")
                        .write_inner_content(|w| narrative(w, title))?;
                    w.create_element("category")
                        .with_attribute(("code", "A07"))
                        .write_empty()?;
                    w.create_element("language")
                        .with_attribute(("code", "zh"))
                        .write_empty()?;
                    Ok(())
                })?;
        }

        // Results: the 一级指标 in the order they first appear, each with its 三级指标.
        let rows: Vec<(&Indicator, &IndicatorScore)> =
            p.project.indicators.iter().zip(&e.indicators).collect();
        let mut groups: Vec<&str> = Vec::new();
        for (ind, _) in &rows {
            if !groups.contains(&ind.level1.as_str()) {
                groups.push(&ind.level1);
            }
        }
        for level1 in groups {
            w.create_element("result")
                .with_attribute(("type", result_type(level1)))
                .write_inner_content(|w| {
                    let title = if level1.trim().is_empty() {
                        "（未填一级指标）"
                    } else {
                        level1
                    };
                    w.create_element("title")
                        .write_inner_content(|w| narrative(w, title))?;
                    for (ind, sc) in rows.iter().filter(|(i, _)| i.level1 == level1) {
                        indicator(w, ind, sc, &start, &end)?;
                    }
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Target and actual as numbers in the target's unit, when both read as quantities.
fn numbers(sc: &IndicatorScore) -> Option<(Decimal, Decimal, &str)> {
    let target = sc.target.quantity()?;
    let actual = sc.actual_number.or_else(|| {
        sc.actual
            .quantity()
            .filter(|q| q.unit == target.unit)
            .map(|q| q.number)
    })?;
    Some((target.number, actual, target.unit.as_str()))
}

fn indicator(
    w: &mut Writer<Vec<u8>>,
    ind: &Indicator,
    sc: &IndicatorScore,
    start: &str,
    end: &str,
) -> io::Result<()> {
    let numbers = numbers(sc);
    // IndicatorMeasure 1 unit, 2 percentage, 5 qualitative.
    let measure = match numbers {
        Some((_, _, "%")) => "2",
        Some(_) => "1",
        None => "5",
    };
    let mut el = w
        .create_element("indicator")
        .with_attribute(("measure", measure));
    // Ascending only means something for numbers: ≥ > 达到 … are ascending, ≤ < (cost, complaints,
    // time limits) descending, as the scoring read them.
    if numbers.is_some() {
        match sc.direction {
            Direction::Positive => el = el.with_attribute(("ascending", "1")),
            Direction::Reverse => el = el.with_attribute(("ascending", "0")),
            Direction::Qualitative => {}
        }
    }
    el.write_inner_content(|w| {
        let name = if ind.name.trim().is_empty() {
            "（未填指标名称）"
        } else {
            ind.name.as_str()
        };
        w.create_element("title")
            .write_inner_content(|w| narrative(w, name))?;
        let mut about = Vec::new();
        if !ind.level2.trim().is_empty() {
            about.push(format!("二级指标：{}", ind.level2));
        }
        about.push(format!("分值 {}", ind.weight.normalize()));
        if let Some(s) = ind.self_score {
            about.push(format!("自评得分 {}", s.normalize()));
        }
        if let Some(s) = sc.score {
            about.push(format!("计算得分 {}", s.normalize()));
        }
        if let Some((_, _, unit)) = numbers
            && !unit.is_empty()
        {
            about.push(format!("计量单位 {unit}"));
        }
        w.create_element("description")
            .write_inner_content(|w| narrative(w, &about.join("；")))?;
        w.create_element("period").write_inner_content(|w| {
            iso_date(w, "period-start", start)?;
            iso_date(w, "period-end", end)?;
            let actual_text = match ind.deviation.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => format!("{}（偏差原因分析及改进措施：{d}）", ind.actual),
                None => ind.actual.clone(),
            };
            for (name, value, words) in [
                ("target", numbers.map(|n| n.0), ind.target.as_str()),
                ("actual", numbers.map(|n| n.1), actual_text.as_str()),
            ] {
                let mut el = w.create_element(name);
                let value = value.map(|v| v.normalize().to_string());
                if let Some(v) = &value {
                    el = el.with_attribute(("value", v.as_str()));
                }
                if words.trim().is_empty() {
                    el.write_empty()?;
                } else {
                    el.write_inner_content(|w| {
                        w.create_element("comment")
                            .write_inner_content(|w| narrative(w, words))?;
                        Ok(())
                    })?;
                }
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn narrative(w: &mut Writer<Vec<u8>>, s: &str) -> io::Result<()> {
    w.create_element("narrative")
        .with_attribute(("xml:lang", "zh"))
        .write_text_content(BytesText::new(&xml_text(s)))?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(value)))?;
    Ok(())
}

fn iso_date(w: &mut Writer<Vec<u8>>, name: &str, iso: &str) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("iso-date", iso))
        .write_empty()?;
    Ok(())
}

fn description(w: &mut Writer<Vec<u8>>, kind: &str, s: &str) -> io::Result<()> {
    w.create_element("description")
        .with_attribute(("type", kind))
        .write_inner_content(|w| narrative(w, s))?;
    Ok(())
}

fn org(w: &mut Writer<Vec<u8>>, role: &str, name: &str, kind: Option<&str>) -> io::Result<()> {
    let mut el = w
        .create_element("participating-org")
        .with_attribute(("role", role));
    if let Some(k) = kind {
        el = el.with_attribute(("type", k));
    }
    el.write_inner_content(|w| narrative(w, name))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level1_maps_to_result_types() {
        assert_eq!(result_type("产出指标"), "1");
        assert_eq!(result_type("效益指标"), "2");
        assert_eq!(result_type("满意度指标"), "2");
        assert_eq!(result_type("成本指标"), "9");
    }

    #[test]
    fn yuan_is_exact() {
        assert_eq!(yuan("14.53".parse().unwrap()).as_deref(), Some("145300"));
        assert_eq!(yuan("0.00005".parse().unwrap()).as_deref(), Some("0.5"));
        assert_eq!(yuan(Decimal::MAX), None);
    }

    #[test]
    fn dates_stay_within_xsd_date() {
        assert_eq!(date(2022, "12-31"), "2022-12-31");
        assert_eq!(date(-5, "01-01"), "0001-01-01");
        assert_eq!(date(123_456, "01-01"), "9999-01-01");
    }
}
