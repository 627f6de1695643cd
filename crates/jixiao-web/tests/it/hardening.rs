//! HTTP hardening on every route: the security headers, `Cache-Control: no-store` except on static
//! assets, and the session cookie's `Secure` flag behind a trusted proxy that says the client used
//! HTTPS (never on an untrusted client's word). The routes are read from the source, so a new route
//! that this test does not know fails it until it is listed with a real path.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::common;
use common::{Session, anonymous, client, post_login, start, start_with};

/// Every route template of the application, as found in `.route("…"` calls under src/ (the API
/// router's under its `/api` prefix).
fn routes_in_source() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    assert_eq!(
        lib.matches(".nest(").count(),
        1,
        "one nested router (/api); teach this test any other prefix"
    );
    assert!(lib.contains(".nest(\"/api\", api::router())"));
    let mut found = BTreeSet::new();
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let prefix = if path.ends_with("api.rs") { "/api" } else { "" };
            for (at, _) in text.match_indices(".route(") {
                let rest = text[at + 7..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    panic!("{}: a route whose path is not a literal", path.display());
                };
                let template = &rest[..rest.find('"').unwrap()];
                found.insert(format!("{prefix}{template}"));
            }
        }
    }
    found
}

/// The routes this test requests, each with a path to a real record of the demo data (see
/// [`concrete`]). A route added to the source must be added here.
const ROUTES: &[&str] = &[
    "/",
    "/admin",
    "/admin/audit",
    "/admin/orgs",
    "/admin/users",
    "/admin/users/password",
    "/admin/users/role",
    "/admin/users/unlock",
    "/admin/users/{id}/active",
    "/api/docs",
    "/api/openapi.json",
    "/api/v1/evaluate",
    "/api/v1/library",
    "/api/v1/me",
    "/api/v1/parse",
    "/api/v1/projects",
    "/api/v1/projects/{id}",
    "/api/v1/projects/{id}/evaluation",
    "/api/v1/projects/{id}/revisions",
    "/api/v1/projects/{id}/status",
    "/api/v1/tokens",
    "/api/v1/tokens/{id}",
    "/assets/{*file}",
    "/dashboard",
    "/gongkai",
    "/gongkai/atom.xml",
    "/gongkai/shuju",
    "/gongkai/shuju/iati/{department}",
    "/gongkai/shuju/{year}",
    "/gongkai/tongji",
    "/gongkai/{project}",
    "/gongkai/{project}/{revision}",
    "/gongkai/{project}/{revision}/{format}",
    "/goals",
    "/goals/import",
    "/goals/new",
    "/goals/{id}",
    "/goals/{id}/adjust",
    "/goals/{id}/download/{format}",
    "/goals/{id}/edit",
    "/goals/{id}/evaluate",
    "/goals/{id}/review",
    "/goals/{id}/submit",
    "/healthz",
    "/import",
    "/import/confirm",
    "/library",
    "/library/proposals",
    "/library/proposals/{id}",
    "/library/{id}",
    "/login",
    "/logout",
    "/metrics",
    "/monitoring",
    "/monitoring/reports/{id}",
    "/monitoring/reports/{id}/download/{format}",
    "/monitoring/reports/{id}/review",
    "/monitoring/{id}",
    "/monitoring/{id}/download/{format}",
    "/password",
    "/projects",
    "/projects/new",
    "/projects/{id}",
    "/projects/{id}/comments",
    "/projects/{id}/diff",
    "/projects/{id}/download/{format}",
    "/projects/{id}/edit",
    "/projects/{id}/history",
    "/projects/{id}/restore",
    "/projects/{id}/review",
    "/projects/{id}/revisions/{n}",
    "/projects/{id}/status",
    "/projects/{id}/years",
    "/publishing",
    "/publishing/review",
    "/rectifications",
    "/rectifications/new",
    "/rectifications/{id}",
    "/rectifications/{id}/decide",
    "/rectifications/{id}/files/{file}",
    "/rectifications/{id}/report",
    "/results",
    "/results/download/{format}",
    "/robots.txt",
    "/sitemap.xml",
];

#[test]
fn every_route_in_the_source_is_listed() {
    let listed: BTreeSet<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    let source = routes_in_source();
    let missing: Vec<_> = source.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&source).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes in the source but not in ROUTES: {missing:?}; listed but gone: {stale:?}"
    );
}

/// The first `href="{prefix}…"` of a page: the rest of the link up to the quote.
fn first_link(page: &str, prefix: &str, skip: &str) -> String {
    page.match_indices(&format!("href=\"{prefix}"))
        .map(|(at, m)| {
            let rest = &page[at + m.len()..];
            rest[..rest.find(['"', '?', '/']).unwrap()].to_string()
        })
        .find(|id| !id.is_empty() && id != skip)
        .unwrap_or_else(|| panic!("no {prefix}… link"))
}

/// Ids of the demo's records, to fill in the templates.
struct Ids {
    project: String,
    goal: String,
    round: String,
    report: String,
    rectification: String,
    library: String,
}

async fn ids(finance: &Session) -> Ids {
    let round = first_link(
        &finance.text("/monitoring").await,
        "/monitoring/",
        "reports",
    );
    Ids {
        project: first_link(&finance.text("/projects").await, "/projects/", "new"),
        goal: first_link(&finance.text("/goals").await, "/goals/", "new"),
        report: first_link(
            &finance.text(&format!("/monitoring/{round}")).await,
            "/monitoring/reports/",
            "",
        ),
        round,
        rectification: first_link(
            &finance.text("/rectifications").await,
            "/rectifications/",
            "new",
        ),
        library: first_link(&finance.text("/library").await, "/library/", "proposals"),
    }
}

fn concrete(template: &str, ids: &Ids) -> String {
    let id = if template.contains("/goals/") {
        &ids.goal
    } else if template.contains("/monitoring/reports/") {
        &ids.report
    } else if template.contains("/monitoring/") {
        &ids.round
    } else if template.contains("/rectifications/") {
        &ids.rectification
    } else if template.contains("/library/") {
        &ids.library
    } else if template.contains("/admin/users/") {
        "2"
    } else {
        &ids.project
    };
    template
        .replace("{id}", id)
        .replace("{n}", "1")
        .replace("{format}", "xlsx")
        .replace("{*file}", "app.css")
        .replace("{file}", "1")
        .replace("{project}", &ids.project)
        .replace("{revision}", "1")
        .replace("{year}", "2022")
        .replace("{department}", "2")
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-";

/// The headers every answer carries; `cached` for a served asset.
fn assert_hardened(what: &str, h: &HeaderMap, cached: bool) {
    let get = |name: &str| {
        h.get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let csp = get("content-security-policy");
    assert!(csp.starts_with(CSP), "{what}: {csp}");
    for directive in [
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    let cache = get("cache-control");
    if cached {
        assert_ne!(cache, "no-store", "{what}: assets may be cached");
    } else {
        assert_eq!(cache, "no-store", "{what}");
    }
}

#[tokio::test]
async fn every_route_answers_with_the_security_headers() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let admin = Session::login(&server, "admin").await;
    let ids = ids(&finance).await;
    let visitor = anonymous();
    let mut statuses = BTreeSet::new();
    for template in ROUTES {
        let path = concrete(template, &ids);
        let signed_in = if template.starts_with("/admin") {
            &admin
        } else {
            &finance
        };
        // Assets and the public site carry their own caching (when found).
        let asset = template.starts_with("/assets/")
            || template.starts_with("/gongkai")
            || ["/robots.txt", "/sitemap.xml"].contains(template);
        let res = signed_in.get(&path).await;
        statuses.insert(res.status().as_u16());
        let ok = res.status() == StatusCode::OK;
        assert_hardened(&format!("GET {path}"), res.headers(), asset && ok);
        let res = visitor.get(server.url(&path)).send().await.unwrap();
        assert_hardened(&format!("anonymous GET {path}"), res.headers(), asset && ok);
        // Writes without the CSRF token are refused, and the refusal is hardened too (so is the 405
        // of a route without that method).
        for method in [Method::POST, Method::PUT] {
            let res = signed_in
                .client
                .request(method.clone(), server.url(&path))
                .send()
                .await
                .unwrap();
            statuses.insert(res.status().as_u16());
            assert_hardened(&format!("{method} {path}"), res.headers(), false);
        }
    }
    // The pages themselves, not only refusals, were checked.
    for status in [200, 403, 405] {
        assert!(statuses.contains(&status), "{statuses:?}");
    }
    // A download and an asset in particular.
    let res = finance
        .get(&format!("/projects/{}/download/pdf", ids.project))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let res = visitor
        .get(server.url("/assets/app.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    // A path that matches no route.
    let res = visitor
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_hardened("unmatched path", res.headers(), false);
}

/// The session cookie of a login sent with `X-Forwarded-Proto: {proto}`.
async fn login_cookie(server: &common::Server, proto: &str) -> String {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-forwarded-proto"),
                proto.parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let res = post_login(server, &c, "danwei1", common::PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_hardened("login", res.headers(), false);
    res.headers()["set-cookie"].to_str().unwrap().to_string()
}

fn is_secure(cookie: &str) -> bool {
    cookie.split(';').any(|a| a.trim() == "Secure")
}

#[tokio::test]
async fn the_cookie_is_secure_when_a_trusted_proxy_says_https() {
    let localhost: IpAddr = "127.0.0.1".parse().unwrap();
    let behind =
        start_with(|app| app.layer(axum::Extension(jixiao_web::TrustedProxies(vec![localhost]))))
            .await;
    let cookie = login_cookie(&behind, "https").await;
    assert!(is_secure(&cookie), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!is_secure(&login_cookie(&behind, "http").await));
    // A chain of proxies: the value the trusted proxy added last counts.
    assert!(!is_secure(&login_cookie(&behind, "https, http").await));

    // Logging out over HTTPS: the clearing cookie is Secure too.
    let s = Session::login_from(&behind, client(), "danwei2", common::PASSWORD).await;
    let res = s
        .client
        .post(s.url("/logout"))
        .header("x-forwarded-proto", "https")
        .form(&[("csrf", s.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(is_secure(res.headers()["set-cookie"].to_str().unwrap()));
    // A browser that came over HTTPS is told to keep to it.
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );

    // Without --trusted-proxy the same header from the client is ignored.
    let direct = start().await;
    let cookie = login_cookie(&direct, "https").await;
    assert!(!is_secure(&cookie), "{cookie}");
    // And from a proxy that is not the trusted one.
    let elsewhere = start_with(|app| {
        app.layer(axum::Extension(jixiao_web::TrustedProxies(vec![
            "10.0.0.1".parse().unwrap(),
        ])))
    })
    .await;
    assert!(!is_secure(&login_cookie(&elsewhere, "https").await));
}
