//! Import what already exists (DESIGN §1.5): official Excel templates (.xlsx/.xls), the text of published
//! reports (.txt, UTF-8 or GBK/GB18030), PDF (through `pdftotext`, lopdf as fallback) and Word (.docx),
//! besides the project file itself (.toml/.json).
//!
//! The format is decided by content first (zip, PDF and OLE signatures), then by extension. Every imported
//! value keeps its [`Origin`]; what the importer was unsure of is an `import-ambiguous` finding and what the
//! document did not contain an `import-incomplete` finding, never a silent guess.

mod draft;
mod form;
mod layout;
mod source;
mod verify;
mod vocab;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use jixiao_core::{Finding, Project};
use serde::Serialize;

use crate::project_file::{self, LoadError};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    ProjectFile,
    Xlsx,
    Xls,
    Text,
    Pdf,
    Docx,
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
    #[error("{file}：PDF 没有文字层（扫描件），需要先进行 OCR 文字识别才能导入", file = .file.display())]
    NeedsOcr { file: PathBuf },
    #[error("{file}：{what}", file = .file.display())]
    NoTable { file: PathBuf, what: String },
    #[error("{file}：包含 {count} 个项目，请用 jixiao import 拆分为项目文件后再逐个使用", file = .file.display())]
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
            | ImportError::NeedsOcr { file }
            | ImportError::NoTable { file, .. }
            | ImportError::Several { file, .. } => file,
            ImportError::Project(e) => e.file(),
        }
    }
}

/// The format of a document, by content first, then by extension.
pub fn detect(bytes: &[u8], file: &Path) -> Result<SourceFormat, ImportError> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty { file: file.into() });
    }
    if bytes.starts_with(b"PK") {
        return zip_kind(bytes, file, ext.as_deref());
    }
    if bytes.starts_with(b"%PDF") {
        return Ok(SourceFormat::Pdf);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(SourceFormat::Xls);
    }
    match ext.as_deref() {
        Some("xlsx" | "xlsm") => {
            return Err(ImportError::BadWorkbook {
                file: file.into(),
                reason: "不是 zip 格式的 xlsx 文件".into(),
            });
        }
        Some("xls") => {
            return Err(ImportError::BadWorkbook {
                file: file.into(),
                reason: "不是 Excel 97-2003 (.xls) 文件".into(),
            });
        }
        Some("docx") => {
            return Err(ImportError::BadDocx {
                file: file.into(),
                reason: "不是 zip 格式的 docx 文件".into(),
            });
        }
        Some("pdf") => {
            return Err(ImportError::BadPdf {
                file: file.into(),
                reason: "文件头不是 %PDF".into(),
            });
        }
        Some("toml" | "json") => return Ok(SourceFormat::ProjectFile),
        _ => {}
    }
    Ok(SourceFormat::Text)
}

fn zip_kind(bytes: &[u8], file: &Path, ext: Option<&str>) -> Result<SourceFormat, ImportError> {
    let bad = |reason: String| match ext {
        Some("docx") => ImportError::BadDocx {
            file: file.into(),
            reason,
        },
        _ => ImportError::BadWorkbook {
            file: file.into(),
            reason,
        },
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("zip 结构损坏（{e}）")))?;
    check_zip_bounds(&mut archive, file, &bad)?;
    let names: Vec<String> = archive
        .file_names()
        .flatten()
        .map(|n| n.into_owned())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if names.contains(&"xl/workbook.xml") || names.contains(&"xl/workbook.bin") {
        Ok(SourceFormat::Xlsx)
    } else if names.contains(&"word/document.xml") {
        Ok(SourceFormat::Docx)
    } else {
        let missing = if ext == Some("docx") {
            "word/document.xml"
        } else {
            "xl/workbook.xml"
        };
        Err(ImportError::NotOffice {
            file: file.into(),
            missing,
        })
    }
}

/// At most this many entries in an xlsx/docx zip: real workbooks and reports have a few dozen.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// At most this many bytes once unzipped, all entries together: a large batch workbook is tens of MB.
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;

/// Refuses a zip bomb before anything is decompressed, from the central directory alone. The zip reader
/// stops at each entry's declared size, so an entry that lies about its size fails as corrupt instead.
fn check_zip_bounds(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    file: &Path,
    bad: &dyn Fn(String) -> ImportError,
) -> Result<(), ImportError> {
    let too_large = |what: String, limit: String| ImportError::TooLarge {
        file: file.into(),
        what,
        limit,
    };
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(
            format!("有 {} 个文件", archive.len()),
            format!("{MAX_ZIP_ENTRIES} 个"),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| bad(format!("zip 结构损坏（{e}）")))?;
        total = total.saturating_add(entry.size());
        if total > MAX_UNZIPPED_BYTES {
            return Err(too_large(
                format!("超过 {} MB", total / (1024 * 1024)),
                format!("{} MB", MAX_UNZIPPED_BYTES / (1024 * 1024)),
            ));
        }
    }
    Ok(())
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
    let drafts = match format {
        SourceFormat::ProjectFile => return project_file_import(bytes, file),
        SourceFormat::Xlsx | SourceFormat::Xls => {
            source::xlsx::read(bytes, file, format == SourceFormat::Xls)?
        }
        SourceFormat::Docx => source::docx::read(bytes, file)?,
        SourceFormat::Pdf => match source::pdf::attached_project(bytes, file)? {
            Some(imported) => return Ok(vec![imported]),
            None => source::pdf::read(bytes, file)?,
        },
        SourceFormat::Text => {
            if let Some(line) = layout::damaged_utf8(bytes) {
                return Err(ImportError::BadUtf8 {
                    file: file.into(),
                    line,
                });
            }
            let text =
                layout::decode(bytes).ok_or_else(|| ImportError::Binary { file: file.into() })?;
            let trimmed = text.trim_start();
            let ext = file
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if ext.is_none() && (trimmed.starts_with('{') || trimmed.starts_with("[project]"))
                || text.contains("\n[project]") && text.contains("[funds]")
            {
                return project_file_import(text.as_bytes(), file);
            }
            layout::read(&text, file)?
        }
    };
    let out: Vec<Imported> = drafts
        .into_iter()
        .map(|(mut draft, whole)| {
            verify::verify(&mut draft);
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

fn project_file_import(bytes: &[u8], file: &Path) -> Result<Vec<Imported>, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 { file: file.into() })?;
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let project = if ext.as_deref() == Some("json")
        || ext.as_deref() != Some("toml") && text.trim_start().starts_with('{')
    {
        project_file::from_json(text, file)?
    } else {
        project_file::from_toml(text, file)?
    };
    Ok(vec![Imported {
        file: file.into(),
        project,
        provenance: Provenance::default(),
        findings: Vec::new(),
    }])
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
    drafts: Vec<(draft::Draft, Origin)>,
    file: &Path,
    what: &str,
) -> Result<Vec<(draft::Draft, Origin)>, ImportError> {
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
