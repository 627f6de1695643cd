//! pdftotext runs in a private temporary directory and is killed after the time limit. A fake `pdftotext`
//! first on PATH stands in for a real one that hangs on a crafted PDF. One test in its own binary: it
//! changes PATH and the process-wide limit, which other tests running beside it must not see.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use jixiao_io::ImportError;
use jixiao_io::import::{DEFAULT_PDFTOTEXT_LIMIT, import_bytes, set_pdftotext_time_limit};

fn script(dir: &Path, body: &str) {
    let path = dir.join("pdftotext");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn pdftotext_is_killed_after_the_limit_and_works_in_a_private_directory() {
    assert_eq!(DEFAULT_PDFTOTEXT_LIMIT, Duration::from_secs(60));
    let pdf = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import/panyu-short.pdf"),
    )
    .unwrap();
    let bin = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // SAFETY: this binary has this one test, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("PATH", path) };

    // A pdftotext that never finishes: the import stops at the limit and names the file.
    script(bin.path(), "exec sleep 30");
    set_pdftotext_time_limit(Duration::from_millis(400));
    let started = Instant::now();
    let e = import_bytes(&pdf, Path::new("慢.pdf")).expect_err("stopped");
    let took = started.elapsed();
    assert!(matches!(e, ImportError::PdfTimeout { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "慢.pdf：PDF 文字提取超过 400 毫秒仍未完成，已停止（文件可能过大或经过特殊构造）；请另存为较小的 PDF 或改用 Word、Excel 文件导入"
    );
    assert!(took < Duration::from_secs(10), "waited {took:?}");

    // Where pdftotext is given the document: a directory only we can enter, gone afterwards.
    let seen = bin.path().join("seen.txt");
    script(
        bin.path(),
        &format!(
            "d=$(dirname \"$4\"); stat -c '%a' \"$d\" > '{0}'; echo \"$d\" >> '{0}'; echo 项目名称 > \"$5\"",
            seen.display()
        ),
    );
    set_pdftotext_time_limit(Duration::from_secs(60));
    let _ = import_bytes(&pdf, Path::new("看.pdf"));
    let seen = std::fs::read_to_string(&seen).unwrap();
    let mut lines = seen.lines();
    assert_eq!(lines.next(), Some("700"), "{seen}");
    let dir = Path::new(lines.next().unwrap());
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("jixiao-pdf-") && name.len() > "jixiao-pdf-".len() + 4,
        "{name}"
    );
    assert!(
        !name.contains(&std::process::id().to_string()),
        "predictable name {name}"
    );
    assert!(!dir.exists(), "{} left behind", dir.display());
}
