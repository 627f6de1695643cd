//! Import what already exists: official Excel templates (.xlsx/.xls), the text of published
//! reports (.txt, UTF-8 or GBK/GB18030), PDF (through `pdftotext`, lopdf as fallback) and Word (.docx),
//! besides the project file itself (.toml/.json).
//!
//! This module is the pipeline, each stage in its own module, data passing one way: bytes → `source`
//! (what the document holds) → `layout` (a text's rows of cells) → `form` (one draft per form, and the
//! narrative) → `verify` (the draft against the form's own figures) → `draft` (`finish`: the project, its
//! provenance and the import findings). `cell` and `vocab` are shared by the stages: the cell they pass on
//! and the words of the form.
//!
//! Every imported value keeps its [`Origin`]; what the importer was unsure of is an `import-ambiguous`
//! finding and what the document did not contain an `import-incomplete` finding, never a silent guess.

mod cell;
mod draft;
mod form;
mod guard;
mod layout;
mod source;
mod verify;
mod vocab;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jixiao_core::{Finding, Project};
use serde::Serialize;

use crate::project_file::LoadError;
use draft::Draft;
use form::{Mode, narrative};
pub use guard::panic_is_caught;
use layout::Layout;
use source::Source;
pub use source::{
    DEFAULT_PDFTOTEXT_LIMIT, MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, SourceFormat, detect,
    set_pdftotext_time_limit,
};

/// Where a value was read: sheet and row (Excel), page and line (PDF), line (text), table and row (Word).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// 1-based row of a sheet or table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// 1-based column of a sheet or table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    /// 1-based line of a text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Origin {
    pub fn line(line: usize) -> Origin {
        Origin {
            line: Some(line as u32),
            ..Default::default()
        }
    }

    /// In the user's words: `工作表“自评表”第 5 行第 C 列`, `第 2 页第 14 行`, `第 12 行`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(sheet) = &self.sheet {
            s.push_str(&format!("工作表“{sheet}”"));
        }
        if let Some(t) = self.table {
            s.push_str(&format!("第 {t} 个表格"));
        }
        if let Some(p) = self.page {
            s.push_str(&format!("第 {p} 页"));
        }
        if let Some(r) = self.row {
            s.push_str(&format!("第 {r} 行"));
        }
        if let Some(c) = self.col {
            s.push_str(&format!("第 {} 列", column_name(c)));
        }
        if let Some(l) = self.line {
            s.push_str(&format!("第 {l} 行"));
        }
        if s.is_empty() {
            s.push_str("全文");
        }
        s
    }
}

fn column_name(mut c: u32) -> String {
    let mut out = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        out.push((b'A' + r as u8) as char);
        c = (c - 1) / 26;
    }
    out.iter().rev().collect()
}

/// Field path (`funds.annual`, `indicators[2]`, `indicators[2].weight`) → where it was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance(pub(crate) BTreeMap<String, Origin>);

/// One project read from a document.
#[derive(Debug, Clone)]
pub struct Imported {
    pub file: PathBuf,
    pub project: Project,
    pub provenance: Provenance,
    /// `import-incomplete` and `import-ambiguous` findings (paths are project-file field paths).
    pub findings: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}：无法读取文件：{source}", file = .file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}：文件为空", file = .file.display())]
    Empty { file: PathBuf },
    #[error("{file}：不是文本文件（含有二进制内容，既不是 UTF-8 也不是 GBK/GB18030 文本），也不是可识别的 xlsx、pdf、docx 文件", file = .file.display())]
    Binary { file: PathBuf },
    #[error("{file}：第 {line} 行含有无效的 UTF-8 字节（文件可能已损坏，或混入了 GBK 等其他编码的文字），请另存为 UTF-8 文本后再导入", file = .file.display())]
    BadUtf8 { file: PathBuf, line: usize },
    #[error("{file}：是 zip 压缩包，但不是 xlsx 工作簿或 docx 文档（缺少 {missing}）", file = .file.display())]
    NotOffice {
        file: PathBuf,
        missing: &'static str,
    },
    #[error("{file}：xlsx/xls 文件已损坏或不完整：{reason}", file = .file.display())]
    BadWorkbook { file: PathBuf, reason: String },
    #[error("{file}：压缩包解压后{what}，超出导入上限（{limit}），可能是恶意构造的“压缩炸弹”，已拒绝导入", file = .file.display())]
    TooLarge {
        file: PathBuf,
        what: String,
        limit: String,
    },
    #[error("{file}：docx 文件已损坏或不完整：{reason}", file = .file.display())]
    BadDocx { file: PathBuf, reason: String },
    #[error("{file}：PDF 文件无法读取：{reason}", file = .file.display())]
    BadPdf { file: PathBuf, reason: String },
    #[error("{file}：PDF 文字提取超过 {limit}仍未完成，已停止（文件可能过大或经过特殊构造）；请另存为较小的 PDF 或改用 Word、Excel 文件导入", file = .file.display())]
    PdfTimeout { file: PathBuf, limit: String },
    #[error("{file}：PDF 没有文字层（扫描件），需要先进行 OCR 文字识别才能导入", file = .file.display())]
    NeedsOcr { file: PathBuf },
    #[error("{file}：{what}", file = .file.display())]
    NoTable { file: PathBuf, what: String },
    #[error("{file}：包含 {count} 个项目，这里只能处理一个（jixiao import 可拆分为项目文件）", file = .file.display())]
    Several { file: PathBuf, count: usize },
    #[error(transparent)]
    Project(#[from] LoadError),
}

impl ImportError {
    pub fn file(&self) -> &Path {
        match self {
            ImportError::Io { file, .. }
            | ImportError::Empty { file }
            | ImportError::Binary { file }
            | ImportError::BadUtf8 { file, .. }
            | ImportError::NotOffice { file, .. }
            | ImportError::BadWorkbook { file, .. }
            | ImportError::BadDocx { file, .. }
            | ImportError::TooLarge { file, .. }
            | ImportError::BadPdf { file, .. }
            | ImportError::PdfTimeout { file, .. }
            | ImportError::NeedsOcr { file }
            | ImportError::NoTable { file, .. }
            | ImportError::Several { file, .. } => file,
            ImportError::Project(e) => e.file(),
        }
    }
}

/// Reads a document into one or more projects (an Excel file may hold one project per sheet, or several
/// tables in one sheet).
pub fn import_file(file: &Path) -> Result<Vec<Imported>, ImportError> {
    let bytes = std::fs::read(file).map_err(|source| ImportError::Io {
        file: file.into(),
        source,
    })?;
    import_bytes(&bytes, file)
}

/// As [`import_file`], from bytes already read; `file` names the source in errors and provenance.
pub fn import_bytes(bytes: &[u8], file: &Path) -> Result<Vec<Imported>, ImportError> {
    let format = detect(bytes, file)?;
    let (drafts, what, text) = match source::read(bytes, file, format)? {
        Source::Project(imported) => return Ok(vec![*imported]),
        Source::Sheets { tables, narrative } => {
            let what = if format == SourceFormat::Docx {
                "Word 文档"
            } else {
                "工作簿"
            };
            (read_tables(&tables, narrative.as_deref()), what, None)
        }
        Source::Text { text, pdf } => (read_text(&text, pdf), "文本", Some(text)),
    };
    let out: Vec<Imported> = keep_forms(drafts, file, what)?
        .into_iter()
        .map(|(mut draft, whole)| {
            verify::verify(&mut draft, text.as_deref());
            let (project, provenance, findings) = draft.finish(&whole);
            Imported {
                file: file.into(),
                project,
                provenance,
                findings,
            }
        })
        .collect();
    Ok(out)
}

/// Tables whose cells sit in their columns: the forms of each, and when there is one form, the narrative
/// of the document around it.
fn read_tables(
    tables: &[(Origin, Vec<cell::Row>)],
    narrative: Option<&str>,
) -> Vec<(Draft, Origin)> {
    let mut drafts = Vec::new();
    for (whole, rows) in tables {
        for part in form::split_forms(rows) {
            drafts.push((form::read(part, Mode::Positional), whole.clone()));
        }
    }
    if let Some(narrative) = narrative {
        if drafts.is_empty() {
            drafts.push((Draft::default(), Origin::default()));
        }
        if let [(d, _)] = drafts.as_mut_slice() {
            narrative::sections(narrative, &[], d);
            narrative::fill_from_text(narrative, d);
        }
    }
    drafts
}

/// The text of a report: its rows in their layout and the forms in them, or a reader of its own for a
/// layout without rows; when there is one form, the narrative sections around the table.
fn read_text(text: &str, pdf: bool) -> Vec<(Draft, Origin)> {
    let layout = layout::layout_of(text, pdf);
    let mut table_lines = None;
    let mut drafts = match layout {
        Layout::Wrapped => vec![form::wrapped::read(text)],
        _ => {
            let rows = layout::rows(text, layout);
            table_lines = layout::table_span(&rows);
            form::split_forms(&rows)
                .into_iter()
                .map(|part| form::read(part, Mode::Sequential))
                .collect()
        }
    };
    if drafts.iter().all(Draft::is_empty) && layout::looks_run_on(text) {
        drafts = vec![form::runon::read(text)];
    }
    if let [d] = drafts.as_mut_slice() {
        // The wrapped reader has read the sections itself: it alone knows where its table ends.
        if layout != Layout::Wrapped {
            let skip: Vec<std::ops::Range<usize>> = table_lines.into_iter().collect();
            narrative::sections(text, &skip, d);
        }
        narrative::fill_from_text(text, d);
    }
    drafts.into_iter().map(|d| (d, Origin::default())).collect()
}

/// Loads one project from any importable format: what `eval`, `check` and `report` accept.
pub fn load_any(file: &Path) -> Result<Project, ImportError> {
    load_any_with_findings(file).map(|i| i.project)
}

/// As [`load_any`], keeping the import findings and provenance.
pub fn load_any_with_findings(file: &Path) -> Result<Imported, ImportError> {
    let mut all = import_file(file)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(ImportError::NoTable {
            file: file.into(),
            what: "未找到自评表".into(),
        }),
        count => Err(ImportError::Several {
            file: file.into(),
            count,
        }),
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The drafts of a document that contain a form; the error names what was missing when none does.
fn keep_forms(
    drafts: Vec<(Draft, Origin)>,
    file: &Path,
    what: &str,
) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let kept: Vec<_> = drafts.into_iter().filter(|(d, _)| !d.is_empty()).collect();
    if kept.is_empty() {
        return Err(ImportError::NoTable {
            file: file.into(),
            what: format!(
                "{what}中没有可识别的绩效自评表（未找到“项目名称”“全年预算数”“三级指标”等表头）"
            ),
        });
    }
    Ok(kept)
}
