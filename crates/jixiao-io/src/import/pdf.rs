//! PDF: the text layer through `pdftotext -layout` (Debian poppler-utils + poppler-data, the only tool that
//! decodes older Chinese PDFs), lopdf in-process when pdftotext is not installed. A PDF without text (a scan)
//! is refused with "needs OCR".

use std::path::Path;
use std::process::Command;

use super::draft::Draft;
use super::{text, ImportError, Origin};

pub fn read(bytes: &[u8], file: &Path) -> Result<Vec<(Draft, Origin)>, ImportError> {
    let extracted = match pdftotext(bytes, file)? {
        Some(t) => t,
        None => lopdf_text(bytes, file)?,
    };
    if extracted.chars().filter(|c| !c.is_whitespace() && *c != '\u{c}').count() < 10 {
        return Err(ImportError::NeedsOcr { file: file.into() });
    }
    text::read_pdf_layout(&extracted, file)
}

/// `pdftotext -layout FILE -`; None when the program is not installed.
fn pdftotext(bytes: &[u8], file: &Path) -> Result<Option<String>, ImportError> {
    // pdftotext reads a file: write the bytes to a private temporary one.
    let dir = std::env::temp_dir();
    let tmp = dir.join(format!("jixiao-import-{}-{:?}.pdf", std::process::id(), std::thread::current().id()).replace(['(', ')'], ""));
    std::fs::write(&tmp, bytes).map_err(|source| ImportError::Io { file: file.into(), source })?;
    let out = Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(&tmp).arg("-").output();
    let _ = std::fs::remove_file(&tmp);
    match out {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ImportError::Io { file: file.into(), source }),
        Ok(o) if o.status.success() => Ok(Some(String::from_utf8_lossy(&o.stdout).into_owned())),
        Ok(o) => {
            let msg = String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").to_string();
            Err(ImportError::BadPdf { file: file.into(), reason: format!("pdftotext 无法读取（{msg}）") })
        }
    }
}

fn lopdf_text(bytes: &[u8], file: &Path) -> Result<String, ImportError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ImportError::BadPdf { file: file.into(), reason: e.to_string() })?;
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
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/panyu-short.pdf");
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
