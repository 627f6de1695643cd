//! Zip bombs dressed as xlsx and docx: the importer must refuse them from the zip directory, with a clear
//! error naming the file, without ever holding the unpacked bomb in memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;
use std::path::Path;

use jixiao_io::ImportError;
use jixiao_io::import::{MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, import_bytes};

/// Counts the bytes this thread holds, so a test can see the most the importer had allocated at once.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|l| {
        let now = l.get() + delta;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        track(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        track(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The most this thread had allocated at once (above what it held before) while running `f`.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, (PEAK.with(Cell::get) - base).max(0) as usize)
}

/// A zip whose `big` entry unpacks to `size` zero bytes (a few hundred KB packed), beside `small` entries.
fn bomb(small: &[(&str, &str)], big: &str, size: u64) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size > u32::MAX as u64);
    for (name, text) in small {
        zip.start_file(*name, deflate).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file(big, deflate).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        zip.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    zip.finish().unwrap().into_inner()
}

/// A workbook that calamine opens as far as its one worksheet (the bomb).
const XLSX_PARTS: &[(&str, &str)] = &[
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
];
const DOCX_PARTS: &[(&str, &str)] = &[(
    "[Content_Types].xml",
    r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
)];

/// The refusal and the most the import allocated at once.
fn import_bomb(bytes: &[u8], name: &str) -> (ImportError, usize) {
    let (result, peak) = peak_during(|| import_bytes(bytes, Path::new(name)));
    (result.expect_err("a zip bomb must be refused"), peak)
}

fn assert_refused_cleanly(err: &ImportError, name: &str, peak: usize, packed: usize) {
    let msg = err.to_string();
    assert!(matches!(err, ImportError::TooLarge { .. }), "{msg}");
    assert!(msg.starts_with(name), "the error names the file: {msg}");
    assert!(
        msg.contains("压缩炸弹") && msg.contains("超出导入上限"),
        "{msg}"
    );
    // Nothing near the unpacked size was ever held: the refusal came from the zip directory.
    assert!(
        peak < packed + (4 << 20),
        "the import allocated {peak} bytes for a {packed}-byte file"
    );
}

#[test]
fn an_xlsx_bomb_is_refused_before_it_is_unpacked() {
    let size = MAX_UNZIPPED_BYTES + (64 << 20);
    let bytes = bomb(XLSX_PARTS, "xl/worksheets/sheet1.xml", size);
    assert!(
        bytes.len() < 4 << 20,
        "the bomb packs {size} bytes into {}",
        bytes.len()
    );
    let (err, peak) = import_bomb(&bytes, "炸弹.xlsx");
    assert_refused_cleanly(&err, "炸弹.xlsx", peak, bytes.len());
    assert!(err.to_string().contains("超过 320 MB"), "{err}");
}

#[test]
fn a_docx_bomb_is_refused_before_it_is_unpacked() {
    let size = MAX_UNZIPPED_BYTES + (64 << 20);
    let bytes = bomb(DOCX_PARTS, "word/document.xml", size);
    let (err, peak) = import_bomb(&bytes, "自评报告.docx");
    assert_refused_cleanly(&err, "自评报告.docx", peak, bytes.len());
}

#[test]
fn a_zip_of_too_many_entries_is_refused() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in XLSX_PARTS {
        zip.start_file(*name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    for i in 0..MAX_ZIP_ENTRIES {
        zip.start_file(format!("xl/media/{i}.bin"), stored).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let (err, peak) = import_bomb(&bytes, "many.xlsx");
    assert_refused_cleanly(&err, "many.xlsx", peak, bytes.len() * 4);
    assert!(
        err.to_string()
            .contains(&format!("有 {} 个文件", MAX_ZIP_ENTRIES + XLSX_PARTS.len())),
        "{err}"
    );
}

/// An entry whose directory claims a small size but whose data unpacks to far more: the reader stops at
/// the claimed size and the file is reported as damaged, not unpacked.
#[test]
fn an_entry_that_lies_about_its_size_is_not_unpacked() {
    let real: u64 = 64 << 20;
    let mut bytes = bomb(XLSX_PARTS, "xl/worksheets/sheet1.xml", real);
    let claimed: u32 = 4096;
    // Patch the uncompressed size of the big entry in its local header (offset 22) and in the central
    // directory (offset 24): both hold `real` as a little-endian u32.
    let real_le = (real as u32).to_le_bytes();
    let mut patched = 0;
    for (sig, off) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let mut i = 0;
        while let Some(p) = bytes[i..].windows(4).position(|w| w == sig) {
            let at = i + p + off;
            if bytes[at..at + 4] == real_le {
                bytes[at..at + 4].copy_from_slice(&claimed.to_le_bytes());
                patched += 1;
            }
            i += p + 4;
        }
    }
    assert_eq!(patched, 2, "both size fields of the big entry were found");
    let (result, peak) = peak_during(|| import_bytes(&bytes, Path::new("lies.xlsx")));
    let err = result.expect_err("a lying entry cannot import");
    assert!(err.to_string().starts_with("lies.xlsx："), "{err}");
    assert!(
        peak < 16 << 20,
        "the import allocated {peak} bytes for an entry that claims {claimed}"
    );
}
