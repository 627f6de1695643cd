//! The project file (docs/project-file.md): TOML or JSON of the same shape. It is a contract: unknown keys are
//! errors naming their path, and values the domain refuses are reported with their field path.

use std::fmt;
use std::path::{Path, PathBuf};

use jixiao_core::Project;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}：无法读取文件：{source}")]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}：文件不是 UTF-8 文本")]
    NotUtf8 { file: PathBuf },
    #[error("{file}：{}", describe_syntax(.line, .message))]
    Syntax {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{file}：{}", .problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("；"))]
    Invalid {
        file: PathBuf,
        problems: Vec<FieldProblem>,
    },
    #[error("{file}：无法识别的文件格式（支持 .toml、.json 项目文件）")]
    UnknownFormat { file: PathBuf },
    #[error("{file}：文件过大（{size} 字节），项目文件不能超过 {} MB", MAX_PROJECT_FILE_BYTES / (1024 * 1024))]
    TooLarge { file: PathBuf, size: u64 },
}

/// A project file is a few KB to a few hundred KB; anything this large is not one, and is refused before
/// it is read or parsed.
pub const MAX_PROJECT_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn check_size(size: u64, file: &Path) -> Result<(), LoadError> {
    if size > MAX_PROJECT_FILE_BYTES {
        Err(LoadError::TooLarge {
            file: file.into(),
            size,
        })
    } else {
        Ok(())
    }
}

fn describe_syntax(line: &Option<usize>, message: &str) -> String {
    match line {
        Some(l) => format!("第 {l} 行语法错误：{message}"),
        None => format!("语法错误：{message}"),
    }
}

/// One field the file got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Field path, e.g. `indicators[2].weight`; empty for the top level.
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "字段 {}：{}", self.path, self.message)
        }
    }
}

impl LoadError {
    pub fn file(&self) -> &Path {
        match self {
            LoadError::Io { file, .. }
            | LoadError::NotUtf8 { file }
            | LoadError::Syntax { file, .. }
            | LoadError::Invalid { file, .. }
            | LoadError::UnknownFormat { file }
            | LoadError::TooLarge { file, .. } => file,
        }
    }
}

/// Loads a project file, by extension (`.toml`, `.json`) or, failing that, by its first character.
pub fn load(file: &Path) -> Result<Project, LoadError> {
    let io = |source| LoadError::Io {
        file: file.into(),
        source,
    };
    check_size(std::fs::metadata(file).map_err(io)?.len(), file)?;
    let bytes = std::fs::read(file).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 { file: file.into() })?;
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let format = match ext.as_deref() {
        Some("toml") => Format::Toml,
        Some("json") => Format::Json,
        _ if text.trim_start().starts_with('{') => Format::Json,
        _ if text.trim_start().starts_with('[') || text.contains("[project]") => Format::Toml,
        _ => return Err(LoadError::UnknownFormat { file: file.into() }),
    };
    match format {
        Format::Toml => from_toml(&text, file),
        Format::Json => from_json(&text, file),
    }
}

/// Parses TOML text; `file` names the source in errors.
pub fn from_toml(text: &str, file: &Path) -> Result<Project, LoadError> {
    check_size(text.len() as u64, file)?;
    // Syntax first (with the line), then the shape (with the field path).
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| LoadError::Syntax {
            file: file.into(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: syntax_message(e.message()),
        })?;
    let project: Project = serde_path_to_error::deserialize(toml::Value::Table(table))
        .map_err(|e| shape_error(file, e))?;
    validated(project, file)
}

/// Parses JSON text; `file` names the source in errors.
pub fn from_json(text: &str, file: &Path) -> Result<Project, LoadError> {
    check_size(text.len() as u64, file)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let project: Project = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            LoadError::Syntax {
                file: file.into(),
                line: Some(inner.line()),
                message: syntax_message(&inner.to_string()),
            }
        } else {
            LoadError::Invalid {
                file: file.into(),
                problems: vec![FieldProblem {
                    path: clean_path(&path),
                    message: translate(&inner.to_string()),
                }],
            }
        }
    })?;
    validated(project, file)
}

fn shape_error(file: &Path, e: serde_path_to_error::Error<toml::de::Error>) -> LoadError {
    let path = clean_path(&e.path().to_string());
    let message = translate(e.inner().message());
    LoadError::Invalid {
        file: file.into(),
        problems: vec![FieldProblem { path, message }],
    }
}

/// serde_path_to_error writes `.` for the root.
fn clean_path(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        path.to_string()
    }
}

/// Parser messages kept as they are, except the nesting limit, which hostile files hit on purpose.
fn syntax_message(message: &str) -> String {
    let m = message.trim();
    if m.contains("recurs") {
        format!("嵌套层数过深，不是有效的项目文件（{m}）")
    } else {
        m.to_string()
    }
}

/// The common serde messages, in the user's language; anything else is kept as is.
fn translate(message: &str) -> String {
    let m = message.trim();
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| e.trim_start_matches("one of ").replace('`', ""))
            .unwrap_or_default();
        return if expected.is_empty() {
            format!("未知字段“{key}”")
        } else {
            format!("未知字段“{key}”，可用字段：{expected}")
        };
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        return format!("缺少必填字段“{}”", rest.trim_end_matches('`'));
    }
    if m.contains("Decimal") || m.contains("Invalid decimal") || m.contains("Failed to parse") {
        // "invalid value: string \"十分\", expected a Decimal …": name the value the user wrote.
        let written = m
            .split_once("string \"")
            .and_then(|(_, r)| r.split_once('"'))
            .map(|(v, _)| v);
        return match written {
            Some(v) => format!("“{v}”不是有效的数值，应写为数字，如 10 或 \"14.53\""),
            None => format!("不是有效的数值，应写为数字，如 10 或 \"14.53\"（{m}）"),
        };
    }
    if m.starts_with("invalid type") {
        return format!("类型错误（{m}）");
    }
    if m.starts_with("unknown variant") {
        return format!("取值无效（{m}）");
    }
    m.to_string()
}

fn validated(project: Project, file: &Path) -> Result<Project, LoadError> {
    let problems: Vec<FieldProblem> = project
        .validate()
        .into_iter()
        .map(|i| FieldProblem {
            path: i.path,
            message: i.message,
        })
        .collect();
    if problems.is_empty() {
        Ok(project)
    } else {
        Err(LoadError::Invalid {
            file: file.into(),
            problems,
        })
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

pub fn to_toml(project: &Project) -> String {
    toml::to_string_pretty(project).expect("a project always serialises to TOML")
}

pub fn to_json(project: &Project) -> String {
    serde_json::to_string_pretty(project).expect("a project always serialises to JSON")
}

/// The JSON Schema of the project file.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Project)).expect("schema is JSON")
}
