//! Operations: `/healthz` for load balancers and service managers, `/metrics` in the Prometheus text
//! format, and one log line per request.
//!
//! Metrics are labelled by route template (`/projects/{id}`), never by path, query, user or client, so
//! they hold no personal data and a bounded number of series. Still they are not for everyone: they are
//! answered to a direct connection from this machine (loopback, no forwarding header: a reverse proxy on
//! the same machine forwards outside callers), or to `Authorization: Bearer` with the token of
//! `jixiao serve --metrics-token`.

use std::collections::HashMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::Shared;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The label of requests that matched no route (their paths are not kept: anyone can invent them).
const UNMATCHED: &str = "unmatched";

/// The health check waits this long for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// Request extension: the token that opens `/metrics` to other machines (`--metrics-token`).
#[derive(Clone)]
pub struct MetricsToken(pub String);

#[derive(Default)]
struct Latency {
    /// Cumulative counts per bucket of [`BUCKETS`].
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Counts {
    /// (method, route, status) → requests.
    requests: HashMap<(String, String, u16), u64>,
    /// route → latency.
    latency: HashMap<String, Latency>,
}

#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *c.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let l = c.latency.entry(route.to_string()).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                l.buckets[i] += 1;
            }
        }
        l.count += 1;
        l.sum += secs;
    }
}

/// Middleware (outermost): counts, times and logs every request by its route template.
pub async fn observe(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |m| m.as_str().to_string());
    let res = next.run(req).await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    // Any method a client makes up is one label, not one series each.
    let label = match method.as_str() {
        "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => method.as_str(),
        _ => "OTHER",
    };
    state.metrics.record(label, &route, status, elapsed);
    tracing::info!(
        target: "jixiao::request",
        method = %method,
        route = %route,
        status,
        latency_ms = (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        "请求"
    );
    res
}

async fn healthz(State(state): State<Shared>) -> Response {
    match tokio::time::timeout(PING_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Err(e)) => {
            tracing::warn!("健康检查：数据库不可用：{e}");
            (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用\n").into_response()
        }
        Err(_) => {
            tracing::warn!("健康检查：数据库 {} 秒内没有响应", PING_TIMEOUT.as_secs());
            (StatusCode::SERVICE_UNAVAILABLE, "数据库没有响应\n").into_response()
        }
    }
}

/// Loopback without forwarding headers, or the metrics token.
fn may_read_metrics(req: &Request) -> bool {
    let h = req.headers();
    // Compared as digests: the time taken says nothing about how much of the token matched.
    let token = req
        .extensions()
        .get::<MetricsToken>()
        .zip(bearer(h))
        .is_some_and(|(want, given)| {
            Sha256::digest(given.as_bytes()) == Sha256::digest(want.0.as_bytes())
        });
    let forwarded = h.contains_key("x-forwarded-for") || h.contains_key("forwarded");
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    token || (loopback && !forwarded)
}

fn bearer(h: &HeaderMap) -> Option<&str> {
    h.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

async fn metrics(State(state): State<Shared>, req: Request) -> Response {
    if !may_read_metrics(&req) {
        return (
            StatusCode::FORBIDDEN,
            "只允许本机直接访问，或使用 jixiao serve --metrics-token 设置的令牌（Authorization: Bearer）\n",
        )
            .into_response();
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(&state),
    )
        .into_response()
}

/// Label values are route templates, cache names and methods: no quotes or backslashes to escape
/// except in templates, which are escaped anyway.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn render(state: &Shared) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# HELP jixiao_build_info The running version.\n# TYPE jixiao_build_info gauge\njixiao_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    {
        let c = state
            .metrics
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut requests: Vec<_> = c.requests.iter().collect();
        requests.sort();
        s.push_str("# HELP jixiao_http_requests_total HTTP requests by method, route template and status.\n# TYPE jixiao_http_requests_total counter\n");
        for ((method, route, status), n) in requests {
            let _ = writeln!(
                s,
                "jixiao_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        let mut latency: Vec<_> = c.latency.iter().collect();
        latency.sort_by(|a, b| a.0.cmp(b.0));
        s.push_str("# HELP jixiao_http_request_duration_seconds Time to answer a request, by route template.\n# TYPE jixiao_http_request_duration_seconds histogram\n");
        for (route, l) in latency {
            let route = label(route);
            for (le, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(
                    s,
                    "jixiao_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                s,
                "jixiao_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\njixiao_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\njixiao_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                l.count, l.sum, l.count
            );
        }
    }
    let caches = [
        ("sessions", state.sessions.counts()),
        ("orgs", state.orgs.counts()),
        ("projects", state.projects.counts()),
        ("counts", state.counts.counts()),
        ("dashboards", state.dashboards.counts()),
    ];
    s.push_str("# HELP jixiao_cache_hits_total Lookups answered from a read cache.\n# TYPE jixiao_cache_hits_total counter\n");
    for (name, (hits, _)) in caches {
        let _ = writeln!(s, "jixiao_cache_hits_total{{cache=\"{name}\"}} {hits}");
    }
    s.push_str("# HELP jixiao_cache_misses_total Lookups a read cache could not answer.\n# TYPE jixiao_cache_misses_total counter\n");
    for (name, (_, misses)) in caches {
        let _ = writeln!(s, "jixiao_cache_misses_total{{cache=\"{name}\"}} {misses}");
    }
    let pool = state.store.pool_status();
    let _ = writeln!(
        s,
        "# HELP jixiao_db_pool_connections Open database connections.\n# TYPE jixiao_db_pool_connections gauge\njixiao_db_pool_connections {}\n\
         # HELP jixiao_db_pool_idle_connections Open database connections not in use.\n# TYPE jixiao_db_pool_idle_connections gauge\njixiao_db_pool_idle_connections {}\n\
         # HELP jixiao_db_pool_max_connections The most connections the pool opens.\n# TYPE jixiao_db_pool_max_connections gauge\njixiao_db_pool_max_connections {}",
        pool.open, pool.idle, pool.max
    );
    s
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative() {
        let m = Metrics::default();
        m.record("GET", "/a", 200, Duration::from_millis(3));
        m.record("GET", "/a", 200, Duration::from_millis(300));
        let c = m.counts.lock().unwrap();
        let l = &c.latency["/a"];
        assert_eq!(l.buckets[0], 1, "≤ 5 ms");
        assert_eq!(l.buckets[6], 2, "≤ 500 ms");
        assert_eq!(l.count, 2);
        assert_eq!(c.requests[&("GET".into(), "/a".into(), 200)], 2);
    }
}
