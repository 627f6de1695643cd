//! PDF → its text layer through `pdftotext -layout` (Debian poppler-utils + poppler-data, the only tool
//! that decodes older Chinese PDFs), lopdf in-process when pdftotext is not installed; or, for a PDF
//! written by jixiao, the project file it carries. A PDF without text (a scan) is refused with "needs OCR".
//! pdftotext works in a private temporary directory and is killed after a time limit.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jixiao_core::{Code, Finding};
use lopdf::{Dictionary, Document, Object};

use crate::import::{ImportError, Imported, Provenance};
use crate::project_file;

/// The project file jixiao attaches to the PDFs it writes (jixiao-report's `pdf::ATTACHMENT`).
const ATTACHMENT: &str = "jixiao-project.json";
/// An attached project file is a few hundred kilobytes at most; a larger one is not ours.
const ATTACHMENT_LIMIT: usize = 16 * 1024 * 1024;

/// A PDF written by jixiao carries its project file: that is read instead of the typeset text, exactly.
/// The text layer must still name the project, or the import says the two may disagree.
pub fn attached_project(bytes: &[u8], file: &Path) -> Result<Option<Imported>, ImportError> {
    let Ok(doc) = Document::load_mem(bytes) else {
        return Ok(None);
    };
    let Some(json) = attachment(&doc, ATTACHMENT) else {
        return Ok(None);
    };
    let source = std::path::PathBuf::from(format!("{}（附件 {ATTACHMENT}）", file.display()));
    let text = String::from_utf8(json).map_err(|_| project_file::LoadError::NotUtf8 {
        file: source.clone(),
    })?;
    let project = project_file::from_json(&text, &source)?;
    let mut findings = Vec::new();
    let layer = match pdftotext(bytes, file)? {
        Some(t) => t,
        None => lopdf_text(bytes, file)?,
    };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    if !squeeze(&layer).contains(&squeeze(&project.project.name)) {
        findings.push(Finding::new(
            Code::ImportAmbiguous,
            "project.name",
            format!(
                "PDF 附带的项目文件名为“{}”，正文中却找不到这一名称；已按附带的项目文件导入",
                project.project.name
            ),
            "PDF 的正文可能在出具后被改动，请对照原件核对导入的项目。",
        ));
    }
    Ok(Some(Imported {
        file: file.into(),
        project,
        provenance: Provenance::default(),
        findings,
    }))
}

/// The decompressed bytes of the embedded file called `name` (document-level attachments only).
fn attachment(doc: &Document, name: &str) -> Option<Vec<u8>> {
    let names = doc.catalog().ok()?.get(b"Names").ok()?;
    let names = doc.dereference(names).ok()?.1.as_dict().ok()?;
    let tree = doc
        .dereference(names.get(b"EmbeddedFiles").ok()?)
        .ok()?
        .1
        .as_dict()
        .ok()?;
    let spec = find_in_name_tree(doc, tree, name.as_bytes(), 0)?;
    let spec = doc.dereference(spec).ok()?.1.as_dict().ok()?;
    let ef = doc
        .dereference(spec.get(b"EF").ok()?)
        .ok()?
        .1
        .as_dict()
        .ok()?;
    let stream = doc
        .dereference(ef.get(b"F").ok()?)
        .ok()?
        .1
        .as_stream()
        .ok()?;
    if stream.filters().map(|f| f.is_empty()).unwrap_or(true) {
        return (stream.content.len() <= ATTACHMENT_LIMIT).then(|| stream.content.clone());
    }
    stream
        .decompressed_content_with_limit(ATTACHMENT_LIMIT)
        .ok()
}

/// Looks `name` up in a PDF name tree (a `Names` array of key/value pairs, or `Kids`), depth-bounded.
fn find_in_name_tree<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    name: &[u8],
    depth: u8,
) -> Option<&'a Object> {
    if depth > 8 {
        return None;
    }
    if let Ok(pairs) = node
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_array())
    {
        for pair in pairs.chunks(2) {
            if let [key, value] = pair
                && doc.dereference(key).ok().and_then(|(_, k)| k.as_str().ok()) == Some(name)
            {
                return Some(value);
            }
        }
    }
    let kids = node
        .get(b"Kids")
        .and_then(|k| doc.dereference(k))
        .and_then(|(_, k)| k.as_array())
        .ok()?;
    kids.iter().find_map(|kid| {
        let kid = doc.dereference(kid).ok()?.1.as_dict().ok()?;
        find_in_name_tree(doc, kid, name, depth + 1)
    })
}

/// The text layer, pages separated by form feeds.
pub fn read(bytes: &[u8], file: &Path) -> Result<String, ImportError> {
    let extracted = match pdftotext(bytes, file)? {
        Some(t) => t,
        None => lopdf_text(bytes, file)?,
    };
    if extracted
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .count()
        < 10
    {
        return Err(ImportError::NeedsOcr { file: file.into() });
    }
    Ok(extracted)
}

/// How long pdftotext may run on one file before it is killed, in milliseconds (see
/// [`set_pdftotext_time_limit`]).
static PDFTOTEXT_LIMIT_MS: AtomicU64 = AtomicU64::new(DEFAULT_PDFTOTEXT_LIMIT.as_millis() as u64);

/// pdftotext takes well under a second for a real report of a few dozen pages; a crafted PDF can keep it
/// busy for much longer, and a server must not wait on it.
pub const DEFAULT_PDFTOTEXT_LIMIT: Duration = Duration::from_secs(60);

/// Sets how long pdftotext may run on one PDF before it is killed and the import fails (default
/// [`DEFAULT_PDFTOTEXT_LIMIT`]); for the whole process.
pub fn set_pdftotext_time_limit(limit: Duration) {
    PDFTOTEXT_LIMIT_MS.store(
        limit.as_millis().clamp(1, u128::from(u64::MAX)) as u64,
        Ordering::Relaxed,
    );
}

/// `pdftotext -layout FILE OUT`, killed after the time limit; None when the program is not installed.
fn pdftotext(bytes: &[u8], file: &Path) -> Result<Option<String>, ImportError> {
    let io = |source: std::io::Error| ImportError::Io {
        file: file.into(),
        source,
    };
    // pdftotext reads and writes files: a directory of our own with an unpredictable name, mode 0700, so
    // no other local user can read the document or swap a file in; removed when `dir` drops.
    let mut builder = tempfile::Builder::new();
    builder.prefix("jixiao-pdf-");
    // Created with this mode, not chmod-ed after: never readable by others, not even for a moment.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let dir = builder.tempdir().map_err(io)?;
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("out.txt");
    std::fs::write(&input, bytes).map_err(io)?;
    // Output and errors to files, not pipes: nothing to drain while waiting, and a killed child cannot
    // leave a reader blocked.
    let stderr = std::fs::File::create(dir.path().join("err.txt")).map_err(io)?;
    let child = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&input)
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn();
    let mut child = match child {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
        Ok(c) => c,
    };
    let limit = Duration::from_millis(PDFTOTEXT_LIMIT_MS.load(Ordering::Relaxed));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        if started.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ImportError::PdfTimeout {
                file: file.into(),
                limit: describe_limit(limit),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if status.success() {
        let text = std::fs::read(&output).map_err(io)?;
        return Ok(Some(String::from_utf8_lossy(&text).into_owned()));
    }
    let msg = std::fs::read(dir.path().join("err.txt")).unwrap_or_default();
    let msg = String::from_utf8_lossy(&msg)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    Err(ImportError::BadPdf {
        file: file.into(),
        reason: format!("pdftotext 无法读取（{msg}）"),
    })
}

/// `60 秒`, or milliseconds for a limit under a second (tests).
fn describe_limit(limit: Duration) -> String {
    if limit.as_millis().is_multiple_of(1000) {
        format!("{} 秒", limit.as_secs())
    } else {
        format!("{} 毫秒", limit.as_millis())
    }
}

fn lopdf_text(bytes: &[u8], file: &Path) -> Result<String, ImportError> {
    let doc = Document::load_mem(bytes).map_err(|e| ImportError::BadPdf {
        file: file.into(),
        reason: e.to_string(),
    })?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut out = String::new();
    for (i, p) in pages.iter().enumerate() {
        if i > 0 {
            out.push('\u{c}');
        }
        if let Ok(t) = doc.extract_text(&[*p]) {
            out.push_str(&t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-process fallback reads the text layer of the committed fixture (made by LibreOffice).
    #[test]
    fn lopdf_fallback_reads_the_text_layer() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/import/panyu-short.pdf");
        let bytes = std::fs::read(&path).unwrap();
        let text = lopdf_text(&bytes, &path).unwrap();
        assert!(text.contains("14.53"), "{text}");
        assert!(text.contains('\u{c}'), "pages are separated by form feeds");
    }

    #[test]
    fn lopdf_fallback_refuses_junk_with_the_file_name() {
        let err = lopdf_text(b"%PDF-1.4 junk", Path::new("坏.pdf")).unwrap_err();
        assert!(err.to_string().starts_with("坏.pdf："));
    }
}
