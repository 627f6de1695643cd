//! jixiao-web: the web application. Units fill in, reviewers review.
//!
//! Server-rendered pages (askama) plus a small embedded script for the editor; a JSON API under
//! `/api/v1` with the same permissions. Everything the browser loads is inside the binary: government
//! intranets have no internet.

// One module per feature, each with its routes, handlers and templates (templates/<feature>/).
mod admin;
mod dashboard;
mod downloads;
mod editor;
mod goals;
mod history;
mod import;
mod library;
mod monitoring;
mod projects;
mod publishing;
// 绩效信息公开: the public site, no login.
mod public;
mod scan;
mod workflow;
// Accounts: sign-in, sessions and CSRF (auth), lockout and audit entries (accounts).
mod accounts;
mod auth;
// What every feature shares: permissions, errors, input checks, page helpers, caches, assets, API.
mod access;
mod api;
mod assets;
mod cache;
pub mod demo;
mod error;
mod input;
mod view;
// Serving: security headers, native TLS, health, metrics and request logs.
mod harden;
mod ops;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use jixiao_store::Store;

pub use accounts::TrustedProxies;
pub use auth::{first_admin, hash_password};
pub use error::AppError;
pub use harden::NativeTls;
pub use ops::MetricsToken;

/// Requests a minute one client address may make to the public site, unless `serve --public-rate` says.
pub const PUBLIC_RATE: u32 = 300;

/// Uploads and JSON bodies larger than this are refused with 413.
pub const MAX_BODY: usize = 20 * 1024 * 1024;

pub struct AppState {
    pub store: Store,
    pub session_hours: i64,
    /// The organisation tree, read on every scoped request (see cache.rs).
    orgs: cache::Cache<(), Arc<Vec<jixiao_store::Org>>>,
    /// Organisation id → it and every organisation under it (the scope of its reviewers' requests).
    subtrees: cache::Cache<i64, Arc<Vec<i64>>>,
    /// Session token hash → the signed-in user and the session's expiry (see cache.rs).
    sessions: cache::Cache<String, (auth::CurrentUser, i64)>,
    /// Project id → what its page shows.
    projects: cache::Cache<i64, Arc<projects::ProjectView>>,
    /// A list filter (paging aside) → how many projects match: counting a province takes a scan.
    counts: cache::Cache<String, i64>,
    /// (organisation, requested year) → the review dashboard.
    dashboards: cache::Cache<(i64, Option<i64>), Arc<dashboard::View>>,
    /// Held while a dashboard view is computed (see dashboard.rs).
    dashboard_computing: tokio::sync::Mutex<()>,
    /// The highest change number of the shared database this process has seen (see cache.rs).
    seen_changes: std::sync::atomic::AtomicI64,
    /// Request counts and latencies for /metrics.
    metrics: ops::Metrics,
    /// The public site's answers and rate limit.
    public: public::Public,
}

impl AppState {
    const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);
    /// For what takes long to recompute (counts, dashboards).
    const SLOW_TTL: std::time::Duration = std::time::Duration::from_secs(60);

    fn new(store: Store) -> AppState {
        AppState {
            store,
            session_hours: 8,
            orgs: cache::Cache::new(Self::CACHE_TTL),
            subtrees: cache::Cache::new(Self::CACHE_TTL),
            sessions: cache::Cache::new(Self::CACHE_TTL),
            projects: cache::Cache::new(Self::CACHE_TTL),
            // Writes drop these at once (here and, announced, in other processes); the time to live
            // only bounds writes made outside any server. Counting a province is a scan, and when a
            // count expires under load every request in flight recounts: expire them seldom.
            counts: cache::Cache::new(Self::SLOW_TTL),
            dashboards: cache::Cache::new(Self::SLOW_TTL),
            dashboard_computing: tokio::sync::Mutex::new(()),
            seen_changes: std::sync::atomic::AtomicI64::new(i64::MIN),
            metrics: ops::Metrics::default(),
            public: public::Public::new(PUBLIC_RATE, None),
        }
    }

    pub async fn orgs(&self) -> Result<Arc<Vec<jixiao_store::Org>>, AppError> {
        if let Some(orgs) = self.orgs.get(&()) {
            return Ok(orgs);
        }
        let generation = self.orgs.generation();
        let orgs = Arc::new(self.store.orgs().await?);
        self.orgs.insert((), orgs.clone(), generation);
        Ok(orgs)
    }

    /// `root` and every organisation under it.
    pub async fn subtree(&self, root: i64) -> Result<Arc<Vec<i64>>, AppError> {
        if let Some(ids) = self.subtrees.get(&root) {
            return Ok(ids);
        }
        let generation = self.subtrees.generation();
        let ids = Arc::new(access::subtree(&self.orgs().await?, root));
        self.subtrees.insert(root, ids.clone(), generation);
        Ok(ids)
    }

    pub async fn org(&self, id: i64) -> Result<Option<jixiao_store::Org>, AppError> {
        Ok(self.orgs().await?.iter().find(|o| o.id == id).cloned())
    }

    /// How many projects match `filter` (its sort and paging aside).
    pub async fn counted(&self, filter: &jixiao_store::ProjectFilter) -> Result<i64, AppError> {
        let key = format!(
            "{:?}",
            jixiao_store::ProjectFilter {
                sort: Default::default(),
                limit: 0,
                offset: 0,
                after: None,
                ..filter.clone()
            }
        );
        if let Some(n) = self.counts.get(&key) {
            return Ok(n);
        }
        let generation = self.counts.generation();
        let n = self.store.count_projects(filter).await?;
        self.counts.insert(key, n, generation);
        Ok(n)
    }

    /// Drops the caches when the shared database's change number moved past what this process saw:
    /// another process wrote something (see cache.rs).
    fn saw_changes(&self, changes: i64) {
        use std::sync::atomic::Ordering;
        if self.seen_changes.fetch_max(changes, Ordering::AcqRel) < changes {
            self.drop_caches();
        }
    }

    /// Drops every read cache: called after each state-changing request.
    pub fn drop_caches(&self) {
        self.sessions.clear();
        self.projects.clear();
        self.orgs.clear();
        self.subtrees.clear();
        self.counts.clear();
        self.dashboards.clear();
        self.public.clear();
    }
}

pub type Shared = Arc<AppState>;

/// The whole application as a router (tests serve it on port 0).
pub fn app(store: Store) -> Router {
    router(Arc::new(AppState::new(store)))
}

fn router(state: Shared) -> Router {
    Router::new()
        .merge(projects::routes())
        .merge(editor::routes())
        .merge(goals::routes())
        .merge(library::routes())
        .merge(monitoring::routes())
        .merge(history::routes())
        .merge(workflow::routes())
        .merge(downloads::routes())
        .merge(import::routes())
        .merge(dashboard::routes())
        .merge(admin::routes())
        .merge(auth::routes())
        .merge(ops::routes())
        .merge(publishing::routes())
        .merge(public::routes(state.clone()))
        .route("/assets/{*file}", get(assets::serve))
        .nest("/api", api::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::drop_caches_after_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Refuses a declared length over the limit before reading any of the body.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::from_fn(harden::headers))
        // Outermost, so the time and status include every layer; `Router::layer` runs it after
        // routing, so the route template is known.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::observe,
        ))
        .with_state(state)
}

/// Options of `jixiao serve`.
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub database: String,
    pub demo: bool,
    /// The scoring rules of every page, list and document.
    pub policy: jixiao_core::Policy,
    /// Reverse proxies whose X-Forwarded-For names the client (for the login lockout and the audit log)
    /// and whose X-Forwarded-Proto says whether the client used HTTPS (for the cookie's Secure flag).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Serve HTTPS with this certificate chain and private key (PEM files).
    pub tls: Option<TlsFiles>,
    /// Opens /metrics to other machines that send it as a bearer token.
    pub metrics_token: Option<String>,
    /// Requests a minute one client address may make to the public site (绩效信息公开).
    pub public_rate: u32,
    /// The public site's address (`https://example.gov.cn`) for absolute links; None: the Host header.
    pub public_url: Option<String>,
}

pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// Opens the database, prepares first-start accounts or demo data, and serves until SIGTERM or
/// Ctrl-C; then it stops accepting connections and returns once the requests in flight are answered.
pub async fn serve(opts: ServeOptions) -> Result<(), AppError> {
    // Before anything else: a bad certificate should not wait for migrations, nor leave a half-started
    // server behind.
    let tls = match &opts.tls {
        Some(files) => Some(tls::config(&files.cert, &files.key)?),
        None => None,
    };
    let store = Store::open(&opts.database, opts.policy).await?;
    if opts.demo {
        for line in demo::load(&store).await? {
            println!("{line}");
        }
    } else if let Some(password) = auth::first_admin(&store).await? {
        println!("首次启动：已创建管理员账号 admin，一次性密码：{password}");
        println!("请登录后立即修改密码。");
    }
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| AppError::Internal(format!("无法监听 {}：{e}", opts.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Registered before the start-up line: a supervisor may signal as soon as it sees it.
    let stop = shutdown_signal()?;
    println!(
        "jixiao 已启动：{}://{addr}/（数据库：{}，{}；评分规则：{}）",
        if tls.is_some() { "https" } else { "http" },
        opts.database,
        store.backend_name(),
        store.policy().name
    );
    let mut state = AppState::new(store.clone());
    state.public = public::Public::new(opts.public_rate, opts.public_url);
    let state = Arc::new(state);
    tokio::spawn(cache::follow_changes(state.clone()));
    // Connection info gives the login lockout the client's address.
    let mut router = router(state).layer(axum::Extension(TrustedProxies(opts.trusted_proxies)));
    if let Some(token) = opts.metrics_token.filter(|t| !t.is_empty()) {
        router = router.layer(axum::Extension(MetricsToken(token)));
    }
    let served = match tls {
        Some(config) => {
            use axum::serve::ListenerExt;
            let listener = tls::TlsListener::new(listener, config)
                .map_err(|e| AppError::Internal(e.to_string()))?
                // tap_io: axum then gives the peer's SocketAddr as connection info, as over TCP.
                .tap_io(|_| {});
            axum::serve(
                listener,
                router
                    .layer(axum::Extension(NativeTls))
                    .into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stop)
            .await
        }
        None => {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stop)
            .await
        }
    };
    served.map_err(|e| AppError::Internal(e.to_string()))?;
    store.close().await;
    println!("jixiao 已停止");
    Ok(())
}

/// Resolves at SIGTERM (service managers) or Ctrl-C / SIGINT, and says so.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, AppError> {
    #[cfg(unix)]
    let (mut term, mut int) = {
        use tokio::signal::unix::{SignalKind, signal};
        let register =
            |kind| signal(kind).map_err(|e| AppError::Internal(format!("无法接收停止信号：{e}")));
        (
            register(SignalKind::terminate())?,
            register(SignalKind::interrupt())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        println!("收到停止信号：不再接受新的连接，正在完成进行中的请求…");
    })
}
