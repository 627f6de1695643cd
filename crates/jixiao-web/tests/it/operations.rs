//! Operations endpoints: `/healthz` follows the database, `/metrics` counts requests by route template
//! with latencies, cache hits and misses and the connection pool, holds no personal data, and is
//! answered only to this machine directly or to the metrics token.

use reqwest::StatusCode;

use crate::common;
use common::{Session, anonymous, serve, start, start_with};

#[tokio::test]
async fn healthz_says_whether_the_database_answers() {
    let dir = tempfile::tempdir().unwrap();
    let store = jixiao_store::Store::connect(dir.path().join("h.db").to_str().unwrap())
        .await
        .unwrap();
    let server = serve(jixiao_web::app(store.clone()), dir).await;
    let res = anonymous()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok\n");

    // The database goes away (its pool closed): the check fails, the server still answers.
    store.close().await;
    let res = anonymous()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("数据库"));
}

/// The value of the sample `name` (with its labels) in a metrics page.
fn sample(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_routes_latency_caches_and_the_pool() {
    let server = start().await;
    let clerk = Session::login(&server, "danwei5").await;
    let list = clerk.text("/projects").await;
    let id: String = list
        .split("href=\"/projects/")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .find(|id| !id.is_empty())
        .unwrap();
    for _ in 0..3 {
        clerk.text(&format!("/projects/{id}")).await;
    }
    assert_eq!(clerk.status("/no/such/page").await, StatusCode::NOT_FOUND);

    let res = anonymous()
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let page = res.text().await.unwrap();
    assert_eq!(
        sample(
            &page,
            "jixiao_http_requests_total{method=\"GET\",route=\"/projects/{id}\",status=\"200\"}"
        ),
        Some(3.0),
        "{page}"
    );
    assert_eq!(
        sample(
            &page,
            "jixiao_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"
        ),
        Some(1.0),
        "{page}"
    );
    assert_eq!(
        sample(
            &page,
            "jixiao_http_request_duration_seconds_bucket{route=\"/projects/{id}\",le=\"+Inf\"}"
        ),
        Some(3.0),
        "{page}"
    );
    assert_eq!(
        sample(
            &page,
            "jixiao_http_request_duration_seconds_count{route=\"/projects/{id}\"}"
        ),
        Some(3.0)
    );
    assert!(page.contains("# TYPE jixiao_http_request_duration_seconds histogram"));
    // The second and third project page came from the cache; every request looked up its session.
    assert!(sample(&page, "jixiao_cache_hits_total{cache=\"projects\"}").unwrap() >= 2.0);
    assert!(sample(&page, "jixiao_cache_misses_total{cache=\"projects\"}").unwrap() >= 1.0);
    assert!(sample(&page, "jixiao_cache_hits_total{cache=\"sessions\"}").unwrap() >= 1.0);
    assert!(sample(&page, "jixiao_db_pool_max_connections").unwrap() >= 1.0);
    assert!(sample(&page, "jixiao_db_pool_connections").unwrap() >= 1.0);
    assert!(sample(&page, "jixiao_db_pool_idle_connections").is_some());
    // Route templates only: no id, user, project name or query.
    for private in [
        format!("/projects/{id}\""),
        "danwei5".into(),
        "全民健身".into(),
        "/no/such".into(),
    ] {
        assert!(!page.contains(&private), "{private} in {page}");
    }
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_the_token() {
    let server = start().await;
    let forwarded = anonymous()
        .get(server.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        forwarded.status(),
        StatusCode::FORBIDDEN,
        "a proxy on this machine passes outside callers on"
    );
    assert!(forwarded.text().await.unwrap().contains("--metrics-token"));

    let with_token = start_with(|app| {
        app.layer(axum::Extension(jixiao_web::MetricsToken(
            "s3cret-token".into(),
        )))
    })
    .await;
    let get = |token: &'static str| {
        anonymous()
            .get(with_token.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9")
            .bearer_auth(token)
            .send()
    };
    assert_eq!(get("s3cret-token").await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("wrong").await.unwrap().status(), StatusCode::FORBIDDEN);
}
