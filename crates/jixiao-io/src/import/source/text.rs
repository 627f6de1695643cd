//! Text files: bytes → text (UTF-8, UTF-16 with a BOM, GBK/GB18030), refusing UTF-8 with damage and binary
//! content; a project file saved as .txt goes back as the project itself.

use std::path::Path;

use super::{ImportError, Source, project_file};

/// The text of a .txt file, or the project file it holds.
pub fn read(bytes: &[u8], file: &Path) -> Result<Source, ImportError> {
    if let Some(line) = damaged_utf8(bytes) {
        return Err(ImportError::BadUtf8 {
            file: file.into(),
            line,
        });
    }
    let text = decode(bytes).ok_or_else(|| ImportError::Binary { file: file.into() })?;
    let trimmed = text.trim_start();
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.is_none() && (trimmed.starts_with('{') || trimmed.starts_with("[project]"))
        || text.contains("\n[project]") && text.contains("[funds]")
    {
        return Ok(Source::Project(Box::new(project_file(
            text.as_bytes(),
            file,
        )?)));
    }
    Ok(Source::Text { text, pdf: false })
}

/// Text from bytes: UTF-8 (BOM optional), UTF-16 with BOM, else GB18030 (a superset of GBK). None for binary.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).ok()?
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])?
            .into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])?
            .into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)?
            .into_owned()
    };
    // Control characters other than line breaks, tabs and form feeds mean binary content.
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if control > 0 && control * 50 > text.chars().count().max(1) || text.contains('\0') {
        return None;
    }
    Some(text)
}

/// The 1-based line of the first invalid byte of text that is UTF-8 with damage (a cut or a stray byte, or a
/// GBK passage pasted into it), as opposed to GBK text: it has a UTF-8 BOM, or Chinese characters in valid
/// UTF-8 before the damage (GBK bytes rarely form even one three-byte UTF-8 sequence). Such text must not
/// be read as GBK: that would turn it into other characters without a word.
pub fn damaged_utf8(bytes: &[u8]) -> Option<usize> {
    let (bom, body) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let error = std::str::from_utf8(body).err()?;
    let valid = std::str::from_utf8(&body[..error.valid_up_to()]).ok()?;
    let wide = valid.chars().filter(|c| c.len_utf8() >= 3).take(2).count();
    (bom || wide >= 2).then(|| valid.matches('\n').count() + 1)
}
