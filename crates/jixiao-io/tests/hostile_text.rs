//! Text that is not what it claims: UTF-8 with damage, GBK with damage, and GBK pasted into UTF-8. Each is
//! a clear error naming the file (and the line, where there is one), never text read in the wrong encoding.

use std::path::Path;

use jixiao_io::ImportError;
use jixiao_io::import::import_bytes;

fn published() -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/published/04_anhui_tianchang_shuiliju_shuihan_2022.txt");
    std::fs::read_to_string(file).unwrap()
}

/// The text with `insert` put at the start of 1-based line `line`.
fn with_bytes_at_line(text: &str, line: usize, insert: &[u8]) -> Vec<u8> {
    let at: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let mut bytes = text.as_bytes()[..at].to_vec();
    bytes.extend_from_slice(insert);
    bytes.extend_from_slice(&text.as_bytes()[at..]);
    bytes
}

fn refused(bytes: &[u8], name: &str) -> ImportError {
    let e = import_bytes(bytes, Path::new(name)).expect_err("damaged text cannot import");
    assert!(
        e.to_string().starts_with(&format!("{name}：")),
        "names the file: {e}"
    );
    e
}

#[test]
fn a_stray_byte_in_utf8_text_is_reported_at_its_line() {
    let text = published();
    assert!(
        import_bytes(text.as_bytes(), Path::new("ok.txt")).is_ok(),
        "the clean text imports"
    );
    for stray in [
        &b"\xFF"[..],
        b"\x80",
        b"\xC3(",
        b"\xED\xA0\x80", /* a UTF-16 surrogate */
        b"\xF8\x88\x80\x80\x80",
    ] {
        let e = refused(&with_bytes_at_line(&text, 12, stray), "自评.txt");
        assert!(
            matches!(e, ImportError::BadUtf8 { line: 12, .. }),
            "{stray:?}: {e}"
        );
        assert!(
            e.to_string().contains("第 12 行含有无效的 UTF-8 字节"),
            "{e}"
        );
    }
}

#[test]
fn utf8_text_cut_inside_a_character_is_reported() {
    let text = published();
    let bytes = text.as_bytes();
    // Cut one byte into the last Chinese character.
    let last = text
        .char_indices()
        .rfind(|(_, c)| c.len_utf8() == 3)
        .unwrap()
        .0;
    let lines = text[..last].matches('\n').count() + 1;
    let e = refused(&bytes[..last + 1], "截断.txt");
    assert!(
        matches!(e, ImportError::BadUtf8 { line, .. } if line == lines),
        "{e}"
    );
}

#[test]
fn a_gbk_passage_pasted_into_utf8_text_is_not_read_as_gbk() {
    let text = published();
    let (gbk, _, _) = encoding_rs::GBK.encode("偏差原因：资金到位较晚\n");
    let e = refused(&with_bytes_at_line(&text, 30, &gbk), "混合.txt");
    assert!(matches!(e, ImportError::BadUtf8 { line: 30, .. }), "{e}");
    assert!(e.to_string().contains("GBK"), "{e}");
}

#[test]
fn utf8_with_a_bom_and_damage_is_reported_even_at_the_start() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF, 0xFF];
    bytes.extend_from_slice(published().as_bytes());
    assert!(matches!(
        refused(&bytes, "bom.txt"),
        ImportError::BadUtf8 { line: 1, .. }
    ));
}

#[test]
fn gbk_text_still_imports_and_damaged_gbk_is_refused() {
    let text = published();
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    let from_gbk = import_bytes(&gbk, Path::new("gbk.txt")).expect("GBK text imports");
    let from_utf8 = import_bytes(text.as_bytes(), Path::new("utf8.txt")).unwrap();
    assert_eq!(from_gbk[0].project, from_utf8[0].project);
    // A lone lead byte at the end and a byte GB18030 never uses: not text in any encoding we read.
    for damage in [&b"\x81"[..], b"\xFF"] {
        let mut bytes = gbk.to_vec();
        bytes.extend_from_slice(damage);
        let e = refused(&bytes, "gbk坏.txt");
        assert!(matches!(e, ImportError::Binary { .. }), "{damage:?}: {e}");
    }
}
