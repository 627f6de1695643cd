//! Response headers every answer carries: a strict Content-Security-Policy (scripts and styles only
//! from the embedded assets, plus the dashboard's one style block by its hash), no framing, no MIME
//! sniffing, same-origin referrers, and `Cache-Control: no-store` on everything but the static assets
//! (pages, API answers and downloads hold personal and budget data a shared computer must not keep).
//! Session cookies get `Secure` when the request came over HTTPS: native TLS ([`NativeTls`]), or a
//! trusted proxy (`--trusted-proxy`) that says so in `X-Forwarded-Proto`.

use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::extract::{ConnectInfo, Request};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, SET_COOKIE, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::accounts::TrustedProxies;

/// Request extension: the server itself terminates TLS (`jixiao serve --tls-cert/--tls-key`).
#[derive(Clone, Copy, Debug)]
pub struct NativeTls;

/// The policy. `style-src` names the dashboard's `<style>` block (jixiao-batch renders the same
/// constant into every dashboard) by its SHA-256, so no other inline style or style attribute applies;
/// `default-src 'none'` refuses everything not listed (fonts, frames, objects, media).
pub static CSP: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(jixiao_batch::dashboard::CSS.as_bytes()));
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-{hash}'; img-src 'self'; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).expect("the policy is ASCII")
});

/// Middleware: the headers above on every response, errors and redirects included.
pub async fn headers(req: Request, next: Next) -> Response {
    let https = came_over_https(&req);
    // Static assets and the public site carry their own (revalidated) caching.
    let own_caching =
        req.uri().path().starts_with("/assets/") || crate::public::is_public(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, CSP.clone());
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // For browsers older than frame-ancestors.
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // An error there sets none, and gets no-store.
    if !own_caching || !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        secure_cookies(h);
        // Once a browser has come over HTTPS, it keeps to it for a year.
        h.insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Native TLS, or the direct peer is a trusted proxy whose `X-Forwarded-Proto` says https. From any
/// other client the header is ignored: it could claim anything.
fn came_over_https(req: &Request) -> bool {
    over_https(req.extensions(), req.headers())
}

/// [`came_over_https`] from a request's parts.
pub fn over_https(ext: &axum::http::Extensions, headers: &HeaderMap) -> bool {
    if ext.get::<NativeTls>().is_some() {
        return true;
    }
    let Some(peer) = ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) else {
        return false;
    };
    let trusted = ext
        .get::<TrustedProxies>()
        .is_some_and(|t| t.0.contains(&peer));
    // The last value is the one the trusted proxy itself wrote (or passed on).
    trusted
        && headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

fn secure_cookies(h: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = h.get_all(SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    h.remove(SET_COOKIE);
    for c in cookies {
        let secure = c.to_str().ok().and_then(|s| {
            let already = s
                .split(';')
                .any(|attr| attr.trim().eq_ignore_ascii_case("secure"));
            (!already)
                .then(|| HeaderValue::from_str(&format!("{s}; Secure")).ok())
                .flatten()
        });
        h.append(SET_COOKIE, secure.unwrap_or(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_get_secure_once() {
        let mut h = HeaderMap::new();
        h.append(SET_COOKIE, HeaderValue::from_static("a=1; HttpOnly"));
        h.append(SET_COOKIE, HeaderValue::from_static("b=2; Secure"));
        secure_cookies(&mut h);
        let got: Vec<_> = h
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(got, ["a=1; HttpOnly; Secure", "b=2; Secure"]);
    }

    #[test]
    fn the_policy_names_the_dashboard_style_by_its_hash() {
        let csp = CSP.to_str().unwrap();
        assert!(csp.contains("style-src 'self' 'sha256-"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }
}
