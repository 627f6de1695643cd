//! Hostile users of the web server: markup and quotes in every text field, uploads far over the limit sent
//! without a length, and upload file names that try to leave the upload directory.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use common::{start, Server};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::Value;

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

struct User {
    client: Client,
    base: String,
    csrf: String,
}

async fn login(server: &Server, user: &str) -> User {
    let client = Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap();
    let res = client.post(format!("{}/login", server.base)).form(&[("username", user), ("password", jixiao_web::demo::PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {user}");
    let me: Value = client.get(format!("{}/api/v1/me", server.base)).send().await.unwrap().json().await.unwrap();
    User { client, base: server.base.clone(), csrf: me["csrf"].as_str().unwrap().to_string() }
}

impl User {
    async fn page(&self, path: &str) -> String {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.text().await.unwrap()
    }
}

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
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32),
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
    let unit = login(&server, "danwei3").await;
    let data = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/hostile/project.json")).unwrap();
    let res = unit.client.post(format!("{}/import/confirm", unit.base)).form(&[("data", data.as_str()), ("csrf", &unit.csrf)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let project = res.headers()["location"].to_str().unwrap().to_string();
    let mut pages = Vec::new();
    for path in [project.clone(), format!("{project}/edit"), format!("{project}/history"), "/projects".to_string()] {
        pages.push((path.clone(), unit.page(&path).await));
    }
    for (path, html) in &pages {
        assert!(!html.contains("<script>alert"), "{path}: a field's markup reached the page");
    }
    // Every field is on one of the pages, and reads as the user wrote it once the browser decodes it.
    let shown: String = pages.iter().map(|(_, h)| unescape(h)).collect();
    let missing: Vec<usize> = (0..FIELDS).filter(|&n| !shown.contains(&tail(n))).collect();
    assert!(missing.is_empty(), "fields not shown as written on the project, edit and history pages: {missing:?}");
}
