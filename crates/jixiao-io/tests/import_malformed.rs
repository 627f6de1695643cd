//! Bad input is a clear error naming the file, never a panic; text in GBK/GB18030 or UTF-16 is decoded.

mod common;

use std::path::{Path, PathBuf};

use jixiao_io::ImportError;

fn err(bytes: &[u8], name: &str) -> ImportError {
    match jixiao_io::import::import_bytes(bytes, Path::new(name)) {
        Ok(v) => panic!("{name}: imported {} project(s) from bad input", v.len()),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(&format!("{name}：")),
                "the message names the file: {msg}"
            );
            e
        }
    }
}

fn seed_xlsx() -> Vec<u8> {
    let p = jixiao_io::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/panyu-2022.toml"),
    )
    .unwrap();
    common::national::workbook(&[&p], common::national::Unit::Wan)
}

#[test]
fn truncated_xlsx() {
    let bytes = seed_xlsx();
    for cut in [bytes.len() / 2, bytes.len() - 30, 100, 4] {
        let e = err(&bytes[..cut], "自评表.xlsx");
        assert!(
            matches!(e, ImportError::BadWorkbook { .. }),
            "cut at {cut}: {e}"
        );
        assert!(e.to_string().contains("损坏或不完整"), "{e}");
    }
}

#[test]
fn zip_that_is_not_xlsx() {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"hello").unwrap();
    z.finish().unwrap();
    let bytes = buf.into_inner();
    let e = err(&bytes, "data.xlsx");
    assert!(matches!(e, ImportError::NotOffice { .. }), "{e}");
    assert!(e.to_string().contains("不是 xlsx"), "{e}");
    let e = err(&bytes, "report.docx");
    assert!(e.to_string().contains("word/document.xml"), "{e}");
}

#[test]
fn empty_files() {
    for name in ["空.txt", "空.xlsx", "空.pdf", "空"] {
        assert!(matches!(err(b"", name), ImportError::Empty { .. }));
        assert!(matches!(err(b" \n\t\n", name), ImportError::Empty { .. }));
    }
}

#[test]
fn binary_junk_named_txt() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let e = err(&junk, "report.txt");
    assert!(matches!(e, ImportError::Binary { .. }), "{e}");
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec();
    elf.extend_from_slice(&junk);
    assert!(matches!(err(&elf, "a.txt"), ImportError::Binary { .. }));
}

#[test]
fn files_named_for_a_format_they_are_not() {
    assert!(matches!(
        err("项目名称 一个项目".as_bytes(), "x.xlsx"),
        ImportError::BadWorkbook { .. }
    ));
    assert!(matches!(
        err(b"not a pdf", "x.pdf"),
        ImportError::BadPdf { .. }
    ));
    assert!(matches!(
        err(b"%PDF-1.7\n garbage", "y.pdf"),
        ImportError::BadPdf { .. } | ImportError::NeedsOcr { .. }
    ));
    assert!(matches!(
        err(b"plain", "x.docx"),
        ImportError::BadDocx { .. }
    ));
}

#[test]
fn text_without_a_form() {
    let e = err("今天天气很好。\n我们去公园。\n".as_bytes(), "随笔.txt");
    assert!(matches!(e, ImportError::NoTable { .. }), "{e}");
}

#[test]
fn project_file_errors_keep_their_field_paths() {
    let e = err(
        b"[project]\nname = \"x\"\nyear = 2022\nbogus = 1\n[funds]\nannual = 1\nexecuted = 1\n",
        "p.toml",
    );
    assert!(e.to_string().contains("bogus"), "{e}");
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

#[test]
fn gbk_and_utf16_text_import_like_utf8() {
    let text = std::fs::read_to_string(fixture(
        "tests/fixtures/published/04_anhui_tianchang_shuiliju_shuihan_2022.txt",
    ))
    .unwrap();
    let utf8 = jixiao_io::import::import_bytes(text.as_bytes(), Path::new("u.txt")).unwrap();
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the GBK bytes are not UTF-8"
    );
    let from_gbk = jixiao_io::import::import_bytes(&gbk, Path::new("g.txt")).unwrap();
    assert_eq!(from_gbk[0].project, utf8[0].project);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let from_utf16 = jixiao_io::import::import_bytes(&utf16, Path::new("w.txt")).unwrap();
    assert_eq!(from_utf16[0].project, utf8[0].project);
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A cheap deterministic fuzz over the dispatch: prefixes of real inputs and mutated bytes.
    let inputs = [
        seed_xlsx(),
        std::fs::read(fixture("tests/fixtures/import/panyu-short.pdf")).unwrap(),
        std::fs::read(fixture("tests/fixtures/seed/000_fdc4d79588a6b52b.txt")).unwrap(),
    ];
    let mut state = 0x9E3779B97F4A7C15u64;
    for input in &inputs {
        for k in 0..24 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bytes = input.clone();
            let cut = (state as usize) % bytes.len();
            if k % 2 == 0 {
                bytes.truncate(cut);
            } else {
                bytes[cut] ^= 0x5A;
            }
            for name in ["f.xlsx", "f.pdf", "f.txt", "f"] {
                let _ = jixiao_io::import::import_bytes(&bytes, Path::new(name));
            }
        }
    }
}
