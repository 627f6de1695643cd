//! The indicator library (指标库): common (共性) and sector (行业) indicators with their group, unit,
//! direction, explanation and real example targets with their source. The built-in library is compiled
//! in (library/indicators.toml, gathered from published tables; docs/library-sources.md); a finance
//! bureau adds entries that departments propose (kept by the store, same shape).

use std::sync::LazyLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::goals::{Basis, name_key};
use crate::model::Direction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LibraryEntry {
    /// Stable id (`cx-sl-001`); entries added by a bureau get `u-<number>`.
    pub id: String,
    /// 共性 (any project) or 行业 (a sector's)
    pub scope: String,
    /// 支出功能分类 of a sector indicator
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    pub level1: String,
    pub level2: String,
    pub name: String,
    /// Other spellings of the same indicator met in published tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// 指标解释
    pub explanation: String,
    pub direction: Direction,
    #[serde(default)]
    pub unit: String,
    /// Usual 取值依据 (计划标准 / 行业标准 / 历史标准 / 其他)
    pub basis: String,
    pub examples: Vec<Example>,
}

/// A real target as published, with where it was published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub target: String,
    pub source: String,
}

impl LibraryEntry {
    pub fn basis(&self) -> Option<Basis> {
        Basis::parse(&self.basis)
    }

    /// What a typed name matches: 3 exact name or alias, 2 name starts with it, 1 contains it.
    fn rank(&self, key: &str) -> u8 {
        let names = std::iter::once(&self.name).chain(&self.aliases);
        names
            .map(|n| {
                let k = name_key(n);
                if k == key {
                    3
                } else if k.starts_with(key) {
                    2
                } else if k.contains(key) {
                    1
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    #[serde(rename = "indicator", default)]
    pub entries: Vec<LibraryEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("指标库文件无法读取：{0}")]
    Parse(String),
    #[error("指标库条目 {id} 无效：{why}")]
    Invalid { id: String, why: String },
}

const LEVEL1: &[&str] = &["产出指标", "效益指标", "满意度指标", "成本指标"];

impl Library {
    /// The library compiled into the binary.
    pub fn builtin() -> &'static Library {
        static BUILTIN: LazyLock<Library> = LazyLock::new(|| {
            Library::from_toml(include_str!("../library/indicators.toml"))
                .expect("the built-in indicator library is valid (tested)")
        });
        &BUILTIN
    }

    pub fn from_toml(text: &str) -> Result<Library, LibraryError> {
        let lib: Library = toml::from_str(text).map_err(|e| LibraryError::Parse(e.to_string()))?;
        let mut ids = std::collections::BTreeSet::new();
        for e in &lib.entries {
            e.check()?;
            if !ids.insert(e.id.as_str()) {
                return Err(LibraryError::Invalid {
                    id: e.id.clone(),
                    why: "编号重复".into(),
                });
            }
        }
        Ok(lib)
    }

    pub fn get(&self, id: &str) -> Option<&LibraryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Entries whose name or alias matches `query` (loosely: spaces, punctuation and width ignored),
    /// best first: exact, then prefix, then contained; ties by shorter name. An empty query matches
    /// nothing.
    pub fn search<'a>(&'a self, query: &str, limit: usize) -> Vec<&'a LibraryEntry> {
        search(self.entries.iter(), query, limit)
    }
}

/// Ranks entries from any source (the built-in library and a bureau's additions) the same way.
pub fn search<'a>(
    entries: impl Iterator<Item = &'a LibraryEntry>,
    query: &str,
    limit: usize,
) -> Vec<&'a LibraryEntry> {
    let key = name_key(query);
    if key.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, &LibraryEntry)> = entries
        .map(|e| (e.rank(&key), e))
        .filter(|(r, _)| *r > 0)
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        rb.cmp(ra)
            .then(a.name.chars().count().cmp(&b.name.chars().count()))
            .then(a.id.cmp(&b.id))
    });
    hits.into_iter().take(limit).map(|(_, e)| e).collect()
}

impl LibraryEntry {
    /// What every entry must have: a name, a known group, a usual basis, a sector when it is one, and
    /// at least one example with its source.
    pub fn check(&self) -> Result<(), LibraryError> {
        let bad = |why: &str| {
            Err(LibraryError::Invalid {
                id: self.id.clone(),
                why: why.to_string(),
            })
        };
        if self.id.trim().is_empty() || self.name.trim().is_empty() {
            return bad("缺少编号或名称");
        }
        if !LEVEL1.contains(&self.level1.as_str()) {
            return bad("一级指标应为产出指标、效益指标、满意度指标或成本指标");
        }
        if self.basis().is_none() {
            return bad("取值依据应为计划标准、行业标准、历史标准或其他");
        }
        match (self.scope.as_str(), &self.sector) {
            ("共性", None) => {}
            ("行业", Some(s)) if !s.trim().is_empty() => {}
            _ => return bad("共性指标不写行业；行业指标须写行业"),
        }
        if self.examples.is_empty()
            || self
                .examples
                .iter()
                .any(|x| x.target.trim().is_empty() || x.source.trim().is_empty())
        {
            return bad("每个指标至少要有一个注明出处的实例指标值");
        }
        Ok(())
    }
}
