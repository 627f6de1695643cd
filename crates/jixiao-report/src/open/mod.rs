//! Open data for the public site (绩效信息公开): pure writers of the published evaluations, no HTTP and
//! no database. The web crate hands over what it publishes as [`Published`] items.
//!
//! * [`json`]: one evaluation as the `jixiao-evaluation` v2 document (docs/open-data.md), without the
//!   bureau's review unless [`Published::with_review`];
//! * [`csv`]: every published evaluation as one flat table, one row per indicator plus one row for the
//!   budget execution (columns in docs/open-data.md, “扁平 CSV / Flat CSV”), and a reader for it;
//! * [`atom`]: an Atom 1.0 feed (RFC 4287) of the publications;
//! * [`iati`]: IATI activity XML 2.03 with the indicators as results (mapping in docs/iati.md);
//! * [`bundle`]: one year's zip (README, the CSV and every JSON document).
//!
//! Everything is written from the same [`Exchange`] as the API and `jixiao eval --json`, so the figures
//! agree across formats. Exact decimals are written as plain strings; no value goes through a float.

pub mod atom;
pub mod bundle;
pub mod csv;
pub mod iati;

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat};
use jixiao_core::{Exchange, Policy};

/// One published evaluation as the public site shows it.
pub struct Published<'a> {
    /// Absolute URL of its public page, e.g. "https://example.gov.cn/gongkai/12/34" (project 12, revision 34).
    pub url: String,
    pub project_id: i64,
    pub revision: i64,
    /// Publication time, milliseconds since the Unix epoch (UTC).
    pub published_at: i64,
    pub department: String, // 主管部门 (organisation name)
    pub unit: String,       // 实施单位 (organisation name)
    /// Non-empty when this publication corrects an earlier one (更正说明).
    pub correction: Option<String>,
    pub project: &'a jixiao_core::Project,
    pub evaluation: &'a jixiao_core::Evaluation,
    /// Whether the finance bureau publishes its review (复核得分 and findings) for this unit.
    pub with_review: bool,
}

impl Published<'_> {
    /// The document the public sees: [`Exchange::without_review`] unless the review is published.
    pub fn exchange(&self, policy: &Policy) -> Exchange {
        let x = Exchange::new(self.project, self.evaluation, policy);
        if self.with_review {
            x
        } else {
            x.without_review()
        }
    }

    /// The correction note when there is one (blank notes count as none).
    pub fn correction(&self) -> Option<&str> {
        self.correction
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The publication time in RFC 3339 (UTC, `Z`), or `None` when the milliseconds are out of range.
    pub fn published_rfc3339(&self) -> Option<String> {
        rfc3339(self.published_at)
    }
}

/// What can go wrong reading or bundling open data.
#[derive(Debug, thiserror::Error)]
pub enum OpenDataError {
    #[error("CSV 文件格式错误：{0}")]
    Csv(#[from] ::csv::Error),
    #[error("CSV 文件的表头与开放数据的列不一致：第 {position} 列应为“{expected}”，实为“{found}”")]
    Header {
        position: usize,
        expected: String,
        found: String,
    },
    #[error("CSV 文件的表头有 {found} 列，应为 {expected} 列")]
    HeaderLength { expected: usize, found: usize },
    #[error("生成 JSON 失败：{0}")]
    Json(#[from] serde_json::Error),
    #[error("生成 zip 压缩包失败：{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("同一项目的同一版本（项目 {project_id}，版本 {revision}）出现了两次")]
    Duplicate { project_id: i64, revision: i64 },
}

/// One evaluation as its public JSON document (`jixiao-evaluation` v2, pretty, trailing newline): the
/// same document as the API's, without the bureau's review unless `p.with_review`.
pub fn json(p: &Published, policy: &Policy) -> Vec<u8> {
    // Serialising the Exchange cannot fail: its maps have string keys and every Serialize impl is derived
    // or writes a string. An error here would be a bug in jixiao-core, reported as an empty object
    // rather than a panic on the public site.
    match serde_json::to_vec_pretty(&p.exchange(policy)) {
        Ok(mut bytes) => {
            bytes.push(b'\n');
            bytes
        }
        Err(_) => b"{}\n".to_vec(),
    }
}

/// Milliseconds since the Unix epoch as RFC 3339 in UTC (`2026-05-01T08:00:00Z`; milliseconds shown only
/// when not zero). `None` outside chrono's range (about ±262,000 years).
pub fn rfc3339(millis: i64) -> Option<String> {
    DateTime::from_timestamp_millis(millis).map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// Text without the characters XML 1.0 cannot carry even escaped (C0 controls other than tab, newline
/// and carriage return; U+FFFE, U+FFFF). Imported forms do contain stray control characters.
pub(crate) fn xml_text(s: &str) -> Cow<'_, str> {
    fn allowed(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    }
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|&c| allowed(c)).collect())
    }
}

/// The serde name of a unit enum (`met`, `positive` …), the same word the JSON document uses.
pub(crate) fn serde_name<T: serde::Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_utc_with_z() {
        assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            rfc3339(1_777_622_400_123).as_deref(),
            Some("2026-05-01T08:00:00.123Z")
        );
        assert_eq!(rfc3339(i64::MAX), None);
    }

    #[test]
    fn xml_text_drops_what_xml_cannot_carry() {
        assert_eq!(xml_text("a<b>&\"c\"\n"), "a<b>&\"c\"\n");
        assert_eq!(xml_text("a\u{0}b\u{7}c\u{FFFF}"), "abc");
    }
}
