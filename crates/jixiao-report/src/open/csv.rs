//! The flat CSV of published evaluations: one row per indicator plus one row per evaluation for the
//! budget execution (预算执行率), the project's columns repeated on every row, so that the file is one
//! table a spreadsheet can filter and pivot. UTF-8 with a byte-order mark (Excel and WPS then read the
//! Chinese correctly), RFC 4180 quoting, CRLF line ends. Exact decimals are plain strings (`14.53`,
//! `0.5`), never rounded through a float. The columns are documented in docs/open-data.md
//! (“扁平 CSV / Flat CSV”) and in [`COLUMN_DOCS`]. Free-text cells that a spreadsheet would run as a
//! formula are written with a leading `'` ([`guard`]).

use std::collections::BTreeMap;

use jixiao_core::exchange::{Dec, Money};
use jixiao_core::{Exchange, Policy};

use super::{OpenDataError, Published, serde_name};

/// The byte-order mark that starts the file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header row, in order.
pub const COLUMNS: &[&str] = &[
    "url",
    "project_id",
    "revision",
    "published_at",
    "year",
    "department",
    "unit",
    "project_name",
    "project_code",
    "funds_initial_wan",
    "funds_annual_wan",
    "funds_executed_wan",
    "execution_rate",
    "row_kind",
    "indicator_index",
    "level1",
    "level2",
    "indicator",
    "target",
    "actual",
    "target_reading",
    "actual_reading",
    "direction",
    "weight",
    "self_score",
    "computed_score",
    "review_score",
    "outcome",
    "total",
    "grade",
    "self_total",
    "correction",
];

/// The number of columns (the row arrays below are this long).
const WIDTH: usize = 32;
const _: () = assert!(COLUMNS.len() == WIDTH && COLUMN_DOCS.len() == WIDTH);

/// Each column with its meaning in Chinese (the bundle's README and docs/open-data.md).
pub const COLUMN_DOCS: &[(&str, &str)] = &[
    ("url", "公开页面网址"),
    ("project_id", "项目编号（本系统内）"),
    ("revision", "公开的版本号"),
    ("published_at", "公开时间（RFC 3339，UTC）"),
    ("year", "评价年度"),
    ("department", "主管部门"),
    ("unit", "实施单位"),
    ("project_name", "项目名称"),
    ("project_code", "项目编码（未填时为空）"),
    ("funds_initial_wan", "年初预算数（万元，未填时为空）"),
    ("funds_annual_wan", "全年预算数（万元）"),
    ("funds_executed_wan", "全年执行数（万元）"),
    (
        "execution_rate",
        "预算执行率（小数，1 即 100%；全年预算数为 0 时为空）",
    ),
    (
        "row_kind",
        "行的类型：execution 预算执行率行，indicator 三级指标行",
    ),
    (
        "indicator_index",
        "指标序号（从 0 起，同自评表顺序；预算执行率行为空）",
    ),
    ("level1", "一级指标（预算执行率行为“预算执行率”）"),
    ("level2", "二级指标"),
    ("indicator", "三级指标名称（预算执行率行为“预算执行率”）"),
    ("target", "年度指标值（原文）"),
    ("actual", "实际完成值（原文）"),
    ("target_reading", "系统对年度指标值的读法，如“≥ 95 %”"),
    ("actual_reading", "系统对实际完成值的读法"),
    (
        "direction",
        "指标方向：positive 正向、reverse 反向、qualitative 定性",
    ),
    ("weight", "分值"),
    ("self_score", "自评得分"),
    ("computed_score", "按评分规则计算的得分（无法计算时为空）"),
    ("review_score", "复核得分（财政部门公开复核结果时才有）"),
    (
        "outcome",
        "完成情况：met 达成、missed 未达成、graded 按完成程度评定、not-applicable 不适用、missing 缺实际值、unscorable 无法计算",
    ),
    ("total", "计算总分（百分制，每行相同）"),
    ("grade", "评价等级：优、良、中、差（每行相同）"),
    ("self_total", "单位自评总分"),
    ("correction", "更正说明（更正公开时才有）"),
];

/// The columns holding text as people typed it (names, targets, actuals, notes). A spreadsheet would run
/// a cell starting with `=`, `+`, `-` or `@` as a formula (“CSV injection”): in these columns such a value,
/// and one that already starts with `'`, is written with a leading `'` (the spreadsheet's own “this is
/// text” mark), which [`read`] removes again. The other columns are numbers, codes and dates that jixiao
/// writes itself, so a negative decimal stays `-3`.
pub const TEXT_COLUMNS: &[&str] = &[
    "url",
    "department",
    "unit",
    "project_name",
    "project_code",
    "level1",
    "level2",
    "indicator",
    "target",
    "actual",
    "target_reading",
    "actual_reading",
    "correction",
];

fn needs_guard(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r', '\''])
}

/// The cell as written: text that a spreadsheet would take for a formula gets a leading `'`.
pub fn guard(value: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(value) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The value of a cell written by [`guard`].
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// One row read back: column name → value (empty string for an empty cell).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    values: BTreeMap<String, String>,
}

impl Row {
    /// The value of a column; `None` only for a name that is not a column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.values.get(column).map(String::as_str)
    }

    /// All columns.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }
}

/// The flat CSV of `items` (in their order; within an item the execution row, then the indicators in
/// the order of the form). Review scores appear only for items with `with_review`.
pub fn write(items: &[Published], policy: &Policy) -> Vec<u8> {
    let mut out = BOM.to_vec();
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory with the same number of fields on every row cannot fail; should it, the rows
    // written so far are returned rather than panicking.
    let _ = write_rows(&mut w, items, policy);
    if let Ok(bytes) = w.into_inner() {
        out.extend_from_slice(&bytes);
    }
    out
}

fn write_rows(
    w: &mut ::csv::Writer<Vec<u8>>,
    items: &[Published],
    policy: &Policy,
) -> Result<(), ::csv::Error> {
    w.write_record(COLUMNS)?;
    for item in items {
        let x = item.exchange(policy);
        let common = Common::of(item, &x);
        let e = &x.evaluation;
        let execution = Specific {
            row_kind: "execution",
            indicator_index: String::new(),
            level1: "预算执行率".into(),
            level2: String::new(),
            indicator: "预算执行率".into(),
            target: String::new(),
            actual: String::new(),
            target_reading: String::new(),
            actual_reading: String::new(),
            direction: String::new(),
            weight: dec(&e.execution.weight),
            self_score: opt(&e.execution.self_score),
            computed_score: opt(&e.execution.computed_score),
            review_score: opt(&e.execution.review_score),
            outcome: String::new(),
        };
        w.write_record(guarded(common.row(&execution)).iter().map(|c| c.as_bytes()))?;
        for ind in &e.indicators {
            let s = Specific {
                row_kind: "indicator",
                indicator_index: ind.index.to_string(),
                level1: ind.level1.clone(),
                level2: ind.level2.clone(),
                indicator: ind.name.clone(),
                target: ind.target.clone(),
                actual: ind.actual.clone(),
                target_reading: ind.target_reading.clone(),
                actual_reading: ind.actual_reading.clone(),
                direction: serde_name(&ind.direction),
                weight: dec(&ind.weight),
                self_score: opt(&ind.self_score),
                computed_score: opt(&ind.computed_score),
                review_score: opt(&ind.review_score),
                outcome: serde_name(&ind.outcome),
            };
            w.write_record(guarded(common.row(&s)).iter().map(|c| c.as_bytes()))?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The row with [`guard`] applied to the [`TEXT_COLUMNS`].
fn guarded<'a>(row: [&'a str; WIDTH]) -> Vec<std::borrow::Cow<'a, str>> {
    COLUMNS
        .iter()
        .zip(row)
        .map(|(column, value)| {
            if TEXT_COLUMNS.contains(column) {
                guard(value)
            } else {
                value.into()
            }
        })
        .collect()
}

fn dec(d: &Dec) -> String {
    d.0.normalize().to_string()
}

fn opt(d: &Option<Dec>) -> String {
    d.as_ref().map(dec).unwrap_or_default()
}

fn money(m: &Money) -> String {
    m.amount.clone()
}

/// The columns every row of one evaluation shares.
struct Common {
    url: String,
    project_id: String,
    revision: String,
    published_at: String,
    year: String,
    department: String,
    unit: String,
    project_name: String,
    project_code: String,
    funds_initial: String,
    funds_annual: String,
    funds_executed: String,
    execution_rate: String,
    total: String,
    grade: String,
    self_total: String,
    correction: String,
}

/// The columns of one row.
struct Specific {
    row_kind: &'static str,
    indicator_index: String,
    level1: String,
    level2: String,
    indicator: String,
    target: String,
    actual: String,
    target_reading: String,
    actual_reading: String,
    direction: String,
    weight: String,
    self_score: String,
    computed_score: String,
    review_score: String,
    outcome: String,
}

impl Common {
    fn of(item: &Published, x: &Exchange) -> Common {
        Common {
            url: item.url.clone(),
            project_id: item.project_id.to_string(),
            revision: item.revision.to_string(),
            published_at: item.published_rfc3339().unwrap_or_default(),
            year: x.project.year.to_string(),
            department: item.department.clone(),
            unit: item.unit.clone(),
            project_name: x.project.name.clone(),
            project_code: x.project.code.clone().unwrap_or_default(),
            funds_initial: x.funds.initial.as_ref().map(money).unwrap_or_default(),
            funds_annual: money(&x.funds.annual),
            funds_executed: money(&x.funds.executed),
            execution_rate: opt(&x.evaluation.execution.rate),
            total: dec(&x.evaluation.total),
            grade: x.evaluation.grade.as_str().to_string(),
            self_total: opt(&x.evaluation.self_total),
            correction: item.correction().unwrap_or_default().to_string(),
        }
    }

    /// The row in the order of [`COLUMNS`].
    fn row<'a>(&'a self, s: &'a Specific) -> [&'a str; WIDTH] {
        [
            &self.url,
            &self.project_id,
            &self.revision,
            &self.published_at,
            &self.year,
            &self.department,
            &self.unit,
            &self.project_name,
            &self.project_code,
            &self.funds_initial,
            &self.funds_annual,
            &self.funds_executed,
            &self.execution_rate,
            s.row_kind,
            &s.indicator_index,
            &s.level1,
            &s.level2,
            &s.indicator,
            &s.target,
            &s.actual,
            &s.target_reading,
            &s.actual_reading,
            &s.direction,
            &s.weight,
            &s.self_score,
            &s.computed_score,
            &s.review_score,
            &s.outcome,
            &self.total,
            &self.grade,
            &self.self_total,
            &self.correction,
        ]
    }
}

/// Reads a file written by [`write`] (with or without the byte-order mark). The header must be exactly
/// [`COLUMNS`]; every row must have as many fields.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, OpenDataError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header = r.headers()?.clone();
    if header.len() != COLUMNS.len() {
        return Err(OpenDataError::HeaderLength {
            expected: COLUMNS.len(),
            found: header.len(),
        });
    }
    for (position, (found, expected)) in header.iter().zip(COLUMNS).enumerate() {
        if found != *expected {
            return Err(OpenDataError::Header {
                position: position + 1,
                expected: (*expected).to_string(),
                found: found.to_string(),
            });
        }
    }
    let mut rows = Vec::new();
    for record in r.records() {
        let record = record?;
        rows.push(Row {
            values: COLUMNS
                .iter()
                .zip(record.iter())
                .map(|(k, v)| {
                    let v = if TEXT_COLUMNS.contains(k) {
                        unguard(v)
                    } else {
                        v
                    };
                    ((*k).to_string(), v.to_string())
                })
                .collect(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_documented_in_order() {
        let documented: Vec<&str> = COLUMN_DOCS.iter().map(|(c, _)| *c).collect();
        assert_eq!(documented, COLUMNS);
    }

    #[test]
    fn a_wrong_header_is_named() {
        let mut text = String::from_utf8(BOM.to_vec()).unwrap();
        let mut cols: Vec<&str> = COLUMNS.to_vec();
        cols[3] = "published";
        text.push_str(&cols.join(","));
        text.push_str("\r\n");
        let err = read(text.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("第 4 列应为“published_at”"),
            "{err}"
        );
        let err = read(b"url,project_id\r\n").unwrap_err();
        assert!(matches!(err, OpenDataError::HeaderLength { found: 2, .. }));
    }

    #[test]
    fn formulas_are_guarded_and_read_back() {
        for (value, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-5%", "'-5%"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("'quoted", "''quoted"),
            ("≥95%", "≥95%"),
            ("人才活动", "人才活动"),
            ("", ""),
        ] {
            assert_eq!(guard(value), cell);
            assert_eq!(unguard(&guard(value)), value);
        }
        assert!(TEXT_COLUMNS.iter().all(|c| COLUMNS.contains(c)));
    }

    #[test]
    fn ragged_rows_are_an_error_not_a_panic() {
        let mut text = COLUMNS.join(",");
        text.push_str("\r\na,b\r\n");
        assert!(matches!(read(text.as_bytes()), Err(OpenDataError::Csv(_))));
    }
}
