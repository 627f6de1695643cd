//! Sources: the bytes of a document → what it holds, as a [`Source`]: positioned cells (the sheets of a
//! workbook, the tables of a Word document with its narrative), text (a .txt, the text layer of a PDF), or a
//! project already whole (a project file, the project file a jixiao PDF carries). The format is decided by
//! content first (zip, PDF and OLE signatures), then by extension. No source reads the form.

mod biff;
mod docx;
mod pdf;
mod sheetxml;
mod text;
mod xlsx;

pub use pdf::{DEFAULT_PDFTOTEXT_LIMIT, set_pdftotext_time_limit};

use std::path::Path;

use super::cell::Row;
use super::{ImportError, Imported, Origin, Provenance};
use crate::project_file::{self, LoadError};

/// What a document holds, for the layout and form stages.
pub(super) enum Source {
    /// Tables whose cells sit in their columns, merged cells filled: one per sheet of a workbook (the whole
    /// origin names the sheet), or all the tables of a Word document as one, with its narrative paragraphs
    /// ([`super::vocab::TABLE_MARK`] where a table stood).
    Sheets {
        tables: Vec<(Origin, Vec<Row>)>,
        narrative: Option<String>,
    },
    /// The text of a report; `pdf` when it is the text layer of a PDF (`pdftotext -layout` columns).
    Text { text: String, pdf: bool },
    /// A project read whole: nothing left to read or verify.
    Project(Box<Imported>),
}

/// Reads a document of a detected format.
pub(super) fn read(bytes: &[u8], file: &Path, format: SourceFormat) -> Result<Source, ImportError> {
    Ok(match format {
        SourceFormat::ProjectFile => Source::Project(Box::new(project_file(bytes, file)?)),
        SourceFormat::Xlsx | SourceFormat::Xls => Source::Sheets {
            tables: xlsx::read(bytes, file, format == SourceFormat::Xls)?,
            narrative: None,
        },
        SourceFormat::Docx => {
            let (rows, narrative) = docx::read(bytes, file)?;
            Source::Sheets {
                tables: vec![(Origin::default(), rows)],
                narrative: Some(narrative),
            }
        }
        SourceFormat::Pdf => match pdf::attached_project(bytes, file)? {
            Some(imported) => Source::Project(Box::new(imported)),
            None => Source::Text {
                text: pdf::read(bytes, file)?,
                pdf: true,
            },
        },
        SourceFormat::Text => text::read(bytes, file)?,
    })
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

/// The project file itself (.toml, .json).
pub(super) fn project_file(bytes: &[u8], file: &Path) -> Result<Imported, ImportError> {
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
    Ok(Imported {
        file: file.into(),
        project,
        provenance: Provenance::default(),
        findings: Vec::new(),
    })
}
