//! 绩效信息公开: the public site, no login. Lists, searches and counts the published self-evaluations,
//! shows each one (自评表 and 自评报告 as HTML, PDF, data), and offers them as open data (JSON, CSV,
//! yearly zip, Atom, IATI). Only publications are read: a revision that was never published, a draft,
//! comments, users and the bureau's review (unless it publishes it for that unit) never reach here.
//!
//! Answers are cached per host and address (dropped with the other caches on any write), carry an ETag
//! and Last-Modified and are answered 304 when the client has them; each client address may make
//! [`RateLimiter`]'s number of requests a minute.

mod data;
mod pages;

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, RETRY_AFTER,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::Shared;
use crate::accounts::ClientAddr;
use crate::cache::Cache;
use crate::error::AppError;

/// Where the public site lives.
pub const ROOT: &str = "/gongkai";

/// How long browsers and proxies may reuse a public answer before asking again (then a 304 is cheap).
const MAX_AGE: &str = "public, max-age=300";

/// Rendered public answers kept (pages are tens of kilobytes, PDFs a few hundred).
const CACHED_ANSWERS: usize = 2_000;

/// A public answer as sent: body and the headers that describe it.
pub struct Answer {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// When it was built (milliseconds): Last-Modified. Not the publication time: a page also changes
    /// with what is not a publication (the review published or not, an organisation renamed), and the
    /// answer is built again after any write.
    pub modified: i64,
    /// A download's file name.
    pub file_name: Option<String>,
    etag: String,
}

impl Answer {
    pub fn new(content_type: &'static str, body: Vec<u8>) -> Answer {
        let digest = Sha256::digest(&body);
        Answer {
            content_type,
            etag: format!("\"{}\"", hex::encode(&digest[..16])),
            body,
            modified: jixiao_store::now_millis(),
            file_name: None,
        }
    }

    pub fn html(page: String) -> Answer {
        Answer::new("text/html; charset=utf-8", page.into_bytes())
    }

    pub fn download(mut self, name: String) -> Answer {
        self.file_name = Some(name);
        self
    }
}

/// The public site's state inside [`crate::AppState`].
pub struct Public {
    answers: Cache<String, Arc<Answer>>,
    pub limiter: RateLimiter,
    /// The site's public address (`serve --public-url`): the absolute links of the sitemap, feed and
    /// open data. Without it, the address the client used (its Host header).
    base: Option<String>,
}

impl Public {
    pub fn new(per_minute: u32, base: Option<String>) -> Public {
        Public {
            answers: Cache::bounded(Duration::from_secs(300), CACHED_ANSWERS),
            limiter: RateLimiter::new(per_minute),
            base: base.map(|b| b.trim_end_matches('/').to_string()),
        }
    }

    pub fn clear(&self) {
        self.answers.clear();
    }
}

/// Answers `key` from the cache or by `make`, then as 304 when the request's validators match.
pub async fn cached<F, Fut>(state: &Shared, headers: &HeaderMap, key: String, make: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Answer, AppError>>,
{
    let answer = match state.public.answers.get(&key) {
        Some(a) => a,
        None => {
            let generation = state.public.answers.generation();
            match make().await {
                Ok(a) => {
                    let a = Arc::new(a);
                    state.public.answers.insert(key, a.clone(), generation);
                    a
                }
                Err(e) => return error(e),
            }
        }
    };
    respond(&answer, headers)
}

fn http_date(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn not_modified(a: &Answer, headers: &HeaderMap) -> bool {
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    if let Some(tags) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return tags
            .split(',')
            .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == a.etag);
    }
    headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| a.modified / 1000 <= since.timestamp())
}

fn respond(a: &Answer, headers: &HeaderMap) -> Response {
    let mut h = HeaderMap::new();
    let set = |h: &mut HeaderMap, name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(&mut h, ETAG, &a.etag);
    set(&mut h, LAST_MODIFIED, &http_date(a.modified));
    set(&mut h, CACHE_CONTROL, MAX_AGE);
    if not_modified(a, headers) {
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    set(&mut h, CONTENT_TYPE, a.content_type);
    if let Some(name) = &a.file_name {
        set(
            &mut h,
            CONTENT_DISPOSITION,
            &crate::downloads::attachment(name),
        );
    }
    (StatusCode::OK, h, a.body.clone()).into_response()
}

/// The public site's own error page: a missing or unpublished evaluation is simply not there.
pub fn error(e: AppError) -> Response {
    let status = e.status();
    if status == StatusCode::NOT_FOUND {
        return (status, Html(pages::not_found())).into_response();
    }
    e.into_response()
}

/// The site's address (`https://host`) for the absolute links of the sitemap, feed and open data: the
/// configured one, else as the client reached it. Sites should configure it: answers are cached per
/// address, and a client naming ever new hosts would make them be built again and again.
pub struct Site(pub String);

impl FromRequestParts<Shared> for Site {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        if let Some(base) = &state.public.base {
            return Ok(Site(base.clone()));
        }
        let https = crate::harden::over_https(&parts.extensions, &parts.headers);
        Ok(Site(base_url(&parts.headers, https)))
    }
}

fn base_url(headers: &HeaderMap, https: bool) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// Requests per client and minute, refilled continuously; a burst of a minute's worth is let through at
/// once. A client is an IPv4 address, or an IPv6 /64 (what one subscriber is given: counting single
/// IPv6 addresses would let anyone walk around the limit).
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<Buckets>,
}

#[derive(Default)]
struct Buckets {
    by_client: HashMap<IpAddr, (f64, Instant)>,
    swept: Option<Instant>,
}

/// Clients tracked at most; past it, the clients whose allowance is full again are forgotten (at most
/// once a second), and if that is not enough, all of them.
const TRACKED_CLIENTS: usize = 100_000;

/// The client an address stands for (see [`RateLimiter`]).
fn client_of(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// Takes one request from the client's allowance; None when allowed, else the seconds to wait.
    pub fn take(&self, addr: IpAddr) -> Option<u64> {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if b.by_client.len() >= TRACKED_CLIENTS
            && b.swept
                .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(1))
        {
            b.swept = Some(now);
            b.by_client.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity
            });
            if b.by_client.len() >= TRACKED_CLIENTS {
                b.by_client.clear();
            }
        }
        let (tokens, at) = b
            .by_client
            .entry(client_of(addr))
            .or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            None
        } else {
            Some(((1.0 - *tokens) / per_second).ceil() as u64)
        }
    }
}

/// Middleware on the public routes: 429 with Retry-After past an address's allowance.
pub async fn limit(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let ClientAddr(addr) = match ClientAddr::from_request_parts(&mut parts, &()).await {
        Ok(a) => a,
        Err(never) => match never {},
    };
    if let Ok(ip) = addr.parse::<IpAddr>()
        && let Some(wait) = state.public.limiter.take(ip)
    {
        let mut res = (StatusCode::TOO_MANY_REQUESTS, Html(pages::too_many(wait))).into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(RETRY_AFTER, v);
        }
        return res;
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Whether a path is public (its answers set their own caching).
pub fn is_public(path: &str) -> bool {
    path == ROOT || path.starts_with("/gongkai/") || path == "/robots.txt" || path == "/sitemap.xml"
}

pub fn routes(state: Shared) -> Router<Shared> {
    pages::routes()
        .merge(data::routes())
        .route_layer(axum::middleware::from_fn_with_state(state, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ipv6_subscriber_is_one_client() {
        let limiter = RateLimiter::new(3);
        let addr = |s: &str| s.parse::<IpAddr>().unwrap();
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"] {
            assert_eq!(limiter.take(addr(host)), None);
        }
        assert!(
            limiter.take(addr("2001:db8:1:2::77")).is_some(),
            "the /64 is used up"
        );
        assert_eq!(limiter.take(addr("2001:db8:1:3::1")), None, "another /64");
        assert_eq!(client_of(addr("::ffff:192.0.2.1")), addr("192.0.2.1"));
    }
}
