//! PDF → its text layer through `pdftotext -layout` (Debian poppler-utils + poppler-data, the only tool
//! that decodes older Chinese PDFs), lopdf in-process when pdftotext is not installed; or, for a PDF
//! written by jixiao, the project file it carries. A PDF without text (a scan) is refused with "needs OCR".

use std::path::Path;
use std::process::Command;

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

/// `pdftotext -layout FILE -`; None when the program is not installed.
fn pdftotext(bytes: &[u8], file: &Path) -> Result<Option<String>, ImportError> {
    // pdftotext reads a file: write the bytes to a private temporary one.
    let dir = std::env::temp_dir();
    let tmp = dir.join(
        format!(
            "jixiao-import-{}-{:?}.pdf",
            std::process::id(),
            std::thread::current().id()
        )
        .replace(['(', ')'], ""),
    );
    std::fs::write(&tmp, bytes).map_err(|source| ImportError::Io {
        file: file.into(),
        source,
    })?;
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&tmp)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&tmp);
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ImportError::Io {
            file: file.into(),
            source,
        }),
        Ok(o) if o.status.success() => Ok(Some(String::from_utf8_lossy(&o.stdout).into_owned())),
        Ok(o) => {
            let msg = String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            Err(ImportError::BadPdf {
                file: file.into(),
                reason: format!("pdftotext 无法读取（{msg}）"),
            })
        }
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
