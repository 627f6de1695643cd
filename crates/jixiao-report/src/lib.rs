//! jixiao-report: the official documents of one evaluated project.
//!
//! * 自评表 (the national self-evaluation form) and 自评报告 (the narrative report), built once from a
//!   [`Project`] and its [`Evaluation`] into a format-neutral [`content::Report`];
//! * one renderer per format: [`xlsx`], [`docx`], [`pdf`] (typst), [`html`], [`markdown`], and the
//!   versioned open-data [`json`] export;
//! * [`open`]: the public site's open data (flat CSV, Atom feed, IATI XML, the yearly zip bundle);
//! * the [`chart`] (each level-1 group's score against its weight, SVG) used by HTML and PDF.
//!
//! No I/O beyond what rendering needs: fonts are bundled, and a `fonts_dir` is read only when given.

// Table layout walks a grid of rows and columns covered by spanning cells: indices read clearer than
// zipped iterators there.
#![allow(clippy::needless_range_loop)]

pub mod chart;
pub mod content;
pub mod docx;
pub mod fonts;
pub mod goals;
pub mod html;
pub mod json;
pub mod markdown;
pub mod monitor;
pub mod open;
pub mod pdf;
pub mod xlsx;

mod text;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use jixiao_core::{Evaluation, Policy, Project};

pub use content::Report;

/// The output formats of `jixiao report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Docx,
    Pdf,
    Html,
    Markdown,
    Json,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Xlsx,
        Format::Docx,
        Format::Pdf,
        Format::Html,
        Format::Markdown,
        Format::Json,
    ];

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "docx" => Ok(Format::Docx),
            "pdf" => Ok(Format::Pdf),
            "html" | "htm" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "不支持的文档格式“{other}”，应为 xlsx、docx、pdf、html、md 或 json"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// The outline of the 自评报告.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Template {
    /// The outline of the published seed report (一、评价项目概述 … 六、下一步改进措施).
    #[default]
    Seed,
    /// The reference outline of 财预〔2020〕10号 (一、基本情况 … 七、其他需要说明的问题).
    Mof2020,
}

impl FromStr for Template {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "seed" => Ok(Template::Seed),
            "mof-2020" => Ok(Template::Mof2020),
            other => Err(format!("未知的报告模板“{other}”，应为 seed 或 mof-2020")),
        }
    }
}

/// What to render besides the format.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub template: Template,
    /// Add the review appendix (scoring detail and findings).
    pub appendix: bool,
    /// Only what the unit stated: no computed scores beside its own, no review scores (复核得分). The
    /// public copy of a unit whose review the finance bureau does not publish (绩效信息公开).
    pub statement_only: bool,
    /// A directory of licensed fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312 …) used before the
    /// bundled free fallbacks. Only the PDF renderer reads fonts; DOCX/HTML name the fonts and the reader's
    /// machine supplies them.
    pub fonts_dir: Option<PathBuf>,
}

/// A rendered document and what the reader should know about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Messages for the user (简体中文), e.g. characters that no loaded font can show.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("生成 Word 文件失败：{0}")]
    Docx(String),
    #[error("排版 PDF 失败：{0}")]
    Pdf(String),
    #[error("读取字体目录 {dir} 失败：{source}")]
    FontsDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("字体目录 {0} 中没有可用的字体文件（.ttf / .otf / .ttc）")]
    NoFonts(PathBuf),
    #[error("生成 JSON 失败：{0}")]
    Json(#[from] serde_json::Error),
}

/// Renders one project's documents in one format.
pub fn render(
    project: &Project,
    evaluation: &Evaluation,
    policy: &Policy,
    format: Format,
    options: &Options,
) -> Result<Rendered, ReportError> {
    if format == Format::Json {
        return Ok(Rendered {
            bytes: json::render(project, evaluation, policy)?,
            warnings: Vec::new(),
        });
    }
    let report = Report::build(project, evaluation, policy, options);
    match format {
        Format::Xlsx => Ok(Rendered {
            bytes: xlsx::render(&report)?,
            warnings: Vec::new(),
        }),
        Format::Docx => Ok(Rendered {
            bytes: docx::render(&report)?,
            warnings: Vec::new(),
        }),
        Format::Pdf => pdf::render(&report, Some(project), options.fonts_dir.as_deref()),
        Format::Html => Ok(Rendered {
            bytes: html::render(&report).into_bytes(),
            warnings: Vec::new(),
        }),
        Format::Markdown => Ok(Rendered {
            bytes: markdown::render(&report).into_bytes(),
            warnings: Vec::new(),
        }),
        Format::Json => unreachable!("handled above"),
    }
}
