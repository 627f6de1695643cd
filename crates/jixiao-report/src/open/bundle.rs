//! One year's open data as a zip: `{year}/README.txt` (what the files are and what each CSV column
//! means), `{year}/evaluations.csv` (the flat CSV of every item) and `{year}/json/{project_id}-{revision}.json`
//! (each item's JSON document).

use std::collections::HashSet;
use std::io::{Cursor, Write};

use jixiao_core::Policy;
use jixiao_core::exchange::{SCHEMA, SCHEMA_VERSION};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::csv::COLUMN_DOCS;
use super::{OpenDataError, Published};

/// The zip of `items`, which the caller chooses (normally every evaluation published for `year`; the
/// folder is named after `year` whatever the items' years). Two items with the same project and revision
/// are an error, since their JSON files would have the same name.
pub fn year(year: i32, items: &[Published], policy: &Policy) -> Result<Vec<u8>, OpenDataError> {
    let mut seen = HashSet::new();
    for p in items {
        if !seen.insert((p.project_id, p.revision)) {
            return Err(OpenDataError::Duplicate {
                project_id: p.project_id,
                revision: p.revision,
            });
        }
    }
    // Entries carry the zip format's default time (1980-01-01): the same items give the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(format!("{year}/README.txt"), options)?;
    zip.write_all(readme(year, items.len()).as_bytes())?;
    zip.start_file(format!("{year}/evaluations.csv"), options)?;
    zip.write_all(&super::csv::write(items, policy))?;
    for p in items {
        zip.start_file(
            format!("{year}/json/{}-{}.json", p.project_id, p.revision),
            options,
        )?;
        zip.write_all(&super::json(p, policy))?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The README (CRLF line ends, so that Notepad on older Windows shows the lines).
fn readme(year: i32, count: usize) -> String {
    let mut s = format!(
        "{year}年度项目支出绩效自评 公开数据\n\
         \n\
         本压缩包含 {count} 份已公开的绩效自评，内容与公开页面一致。\n\
         \n\
         evaluations.csv\n\
         \x20 扁平表格，每个三级指标一行，另有每份自评一行“预算执行率”（row_kind 为 execution）；\n\
         \x20 项目信息在每一行重复，可直接筛选、透视。UTF-8 编码（带 BOM，Excel、WPS 可直接打开），\n\
         \x20 金额单位为万元，分值、得分、执行率为精确小数（执行率 1 即 100%），时间为 UTC。\n\
         \x20 文字列中以 = + - @ 或 ' 开头的值前面加了一个 '（防止电子表格当作公式执行），用程序读取时去掉即可。\n\
         \x20 各列含义见下表，以及 jixiao 文档 docs/open-data.md 中“扁平 CSV / Flat CSV”一节。\n\
         \n\
         json/项目编号-版本号.json\n\
         \x20 每份自评一个文件，格式为 {SCHEMA} 第 {SCHEMA_VERSION} 版（jixiao 文档 docs/open-data.md），\n\
         \x20 含项目信息、资金、绩效目标、每个指标的计算过程、总分和等级。\n\
         \x20 财政部门未公开复核结果的，复核得分为空，不含审核发现。\n\
         \n\
         CSV 各列：\n"
    );
    for (column, meaning) in COLUMN_DOCS {
        s.push_str(&format!("  {column}：{meaning}\n"));
    }
    s.replace('\n', "\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_lists_every_column() {
        let r = readme(2022, 3);
        assert!(r.starts_with("2022年度项目支出绩效自评"));
        assert!(r.contains("本压缩包含 3 份"));
        for (column, _) in COLUMN_DOCS {
            assert!(r.contains(&format!("  {column}：")), "{column}");
        }
        assert!(!r.replace("\r\n", "").contains('\n'));
    }
}
