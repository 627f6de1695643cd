//! Hostile users of the web server: markup and quotes in every text field, uploads far over the limit sent
//! without a length, and upload file names that try to leave the upload directory.

use crate::common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicIsize, Ordering};

use common::{Server, Session, start};
use reqwest::{Client, StatusCode};

/// Counts the bytes the whole process holds (server and client share it), to see the most an upload costs.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn track(delta: isize) {
    let now = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
    PEAK.fetch_max(now, Ordering::Relaxed);
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

const FIELDS: usize = 50;

/// Field `n`'s hostile tail as the user wrote it (tests/fixtures/hostile/README.md).
fn tail(n: usize) -> String {
    format!("<script>alert(\"F{n:02}\")</script>'\"&amp;")
}

/// What a browser shows for HTML text: character references decoded once.
fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &rest[1..e] {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_text_field_is_shown_escaped() {
    let server = start().await;
    let unit = Session::login(&server, "danwei3").await;
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/hostile/project.json"
    ))
    .unwrap();
    let res = unit
        .post("/import/confirm", &[("data", data.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let project = res.headers()["location"].to_str().unwrap().to_string();
    let mut pages = Vec::new();
    for path in [
        project.clone(),
        format!("{project}/edit"),
        format!("{project}/history"),
        "/projects".to_string(),
    ] {
        pages.push((path.clone(), unit.text(&path).await));
    }
    for (path, html) in &pages {
        assert!(
            !html.contains("<script>alert"),
            "{path}: a field's markup reached the page"
        );
    }
    // Every field is on one of the pages, and reads as the user wrote it once the browser decodes it.
    let shown: String = pages.iter().map(|(_, h)| unescape(h)).collect();
    let missing: Vec<usize> = (0..FIELDS).filter(|&n| !shown.contains(&tail(n))).collect();
    assert!(
        missing.is_empty(),
        "fields not shown as written on the project, edit and history pages: {missing:?}"
    );
}

/// Sends `head`, then `prefix` and `total` bytes in 1 MiB chunks with chunked transfer encoding (no length
/// for the server to refuse up front), while reading the response; returns its status line and how many
/// body bytes the server took before it answered and closed.
async fn stream_upload(
    server: &Server,
    head: String,
    prefix: Vec<u8>,
    total: usize,
) -> (String, usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (mut rd, mut wr) = tcp.into_split();
    let writer = tokio::spawn(async move {
        let mut sent = 0usize;
        let chunk = vec![b'x'; 1 << 20];
        let frame = |data: &[u8]| {
            [
                format!("{:x}\r\n", data.len()).into_bytes(),
                data.to_vec(),
                b"\r\n".to_vec(),
            ]
            .concat()
        };
        if wr.write_all(head.as_bytes()).await.is_err()
            || wr.write_all(&frame(&prefix)).await.is_err()
        {
            return sent;
        }
        while sent < total {
            if wr.write_all(&frame(&chunk)).await.is_err() {
                return sent;
            }
            sent += chunk.len();
        }
        let _ = wr.write_all(b"0\r\n\r\n").await;
        sent
    });
    let mut response = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = rd.read(&mut buf).await {
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buf[..n]);
            if response.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    });
    read.await.expect("the server answers");
    drop(rd);
    let sent = writer.await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    (text.lines().next().unwrap_or("").to_string(), sent)
}

const HUNDRED_MB: usize = 100 << 20;

#[tokio::test]
async fn a_100_mb_upload_without_a_length_is_refused_without_being_held() {
    let server = start().await;
    let Session { cookie, csrf, .. } = Session::login(&server, "danwei3").await;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);

    // The web import form.
    let head = format!(
        "POST /import?csrf={csrf} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    );
    let part = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
    let (status, sent) = stream_upload(&server, head, part, HUNDRED_MB).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    // The API takes JSON bodies under the same limit.
    let head = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    );
    let (api_status, api_sent) = stream_upload(
        &server,
        head,
        b"{\"project\":{\"name\":\"".to_vec(),
        HUNDRED_MB,
    )
    .await;
    assert!(api_status.starts_with("HTTP/1.1 413"), "{api_status}");

    let peak = (PEAK.load(Ordering::Relaxed) - before).max(0) as usize;
    eprintln!(
        "upload: server stopped after {sent} / {api_sent} bytes sent; peak heap {} MiB",
        peak >> 20
    );
    // The server holds at most its limit (20 MiB), never the 100 MB it was sent.
    assert!(
        peak < jixiao_web::MAX_BODY + (24 << 20),
        "the process held {} MiB at once",
        peak >> 20
    );
    // And it is still serving.
    let res = Client::new()
        .get(server.url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn upload_file_names_cannot_leave_the_upload_directory() {
    let server = start().await;
    let unit = Session::login(&server, "danwei3").await;
    let project = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/panyu-2022.toml"
    ))
    .unwrap();
    let unique = format!("jixiao-upload-escape-{}", std::process::id());
    let cwd_parent = std::env::current_dir().unwrap().join("..");
    let names = [
        format!("../../../../../../../../tmp/{unique}.toml"),
        format!("/tmp/{unique}-abs.toml"),
        format!("..\\..\\{unique}-win.toml"),
        format!("../{unique}-rel.toml"),
        format!("<img src=x onerror=alert(1)>{unique}\".toml"),
    ];
    for name in &names {
        let part = reqwest::multipart::Part::bytes(project.clone()).file_name(name.clone());
        let res = unit.upload("/import", part).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("产业人才发展专项资金"),
            "{name}: the upload was read"
        );
        assert!(
            !page.contains("../") && !page.contains("..\\") && !page.contains("/tmp/"),
            "{name}: only the last part of the name is shown"
        );
        assert!(!page.contains("<img src=x"), "{name}: the name is escaped");
    }
    for place in [
        Path::new("/tmp").to_path_buf(),
        cwd_parent,
        std::env::temp_dir(),
    ] {
        let leaked: Vec<_> = std::fs::read_dir(&place)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(&unique))
            .collect();
        assert!(leaked.is_empty(), "an upload was written as {leaked:?}");
    }
}
