//! Short-lived read caches for the requests that dominate the load: the session behind every request
//! (SQLite only), the organisation tree and each reviewer's part of it (their scope) behind every
//! scoped one, the project page and the dashboard.
//! Every state-changing request drops them all ([`drop_caches_after_writes`]) and, on PostgreSQL,
//! announces the write to the other server processes on the same database, which drop theirs
//! ([`follow_changes`], and the change number every session read returns: see jixiao-store's
//! changes.rs). The time to live bounds how long a write made outside any server (the command line)
//! can stay unseen. Saves never rely on the caches: a save is checked against the stored revision, so a
//! stale page leads at worst to the conflict screen, never to a lost update.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::Shared;

pub struct Cache<K, V> {
    ttl: Duration,
    /// More entries than this and the cache starts over (bounded memory whatever the traffic).
    max_entries: usize,
    /// Entries and the number of times the cache was dropped. A reader remembers the generation before it
    /// reads the database and inserts only if no write dropped the cache meanwhile, so a read that raced a
    /// write cannot put the old value back.
    inner: RwLock<(u64, Entries<K, V>)>,
    /// Lookups answered from the cache and lookups that went to the database (for /metrics).
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Each key's value and when it was stored.
type Entries<K, V> = HashMap<K, (Instant, V)>;

/// The default bound of [`Cache::new`].
const MAX_ENTRIES: usize = 20_000;

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Cache::bounded(ttl, MAX_ENTRIES)
    }

    /// A cache of at most `max_entries` (large values: rendered pages and files).
    pub fn bounded(ttl: Duration, max_entries: usize) -> Self {
        Cache {
            ttl,
            max_entries,
            inner: RwLock::new((0, HashMap::new())),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn generation(&self) -> u64 {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).0
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let found = inner
            .1
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone());
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Hits and misses of [`Cache::get`] since the start.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Keeps `value` unless the cache was dropped since `generation` was read.
    pub fn insert(&self, key: K, value: V, generation: u64) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        if inner.0 != generation {
            return;
        }
        if inner.1.len() >= self.max_entries {
            inner.1.clear();
        }
        inner.1.insert(key, (Instant::now(), value));
    }

    pub fn clear(&self) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.0 += 1;
        inner.1.clear();
    }
}

/// Middleware: after any request that may change state (not GET/HEAD/OPTIONS), drop every cache. Logins,
/// logouts, password changes, account changes, saves, reviews and comments all arrive this way.
pub async fn drop_caches_after_writes(
    State(state): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(req).await;
    // A refused request wrote nothing (handlers write in one transaction or not at all): it must not
    // let anyone make every process drop its caches at will.
    let refused = response.status().is_client_error() || response.status().is_server_error();
    if writes && !refused {
        state.drop_caches();
        // Before the response leaves: the client's next request, to any process, sees the write.
        if let Err(e) = state.store.announce_change().await {
            tracing::warn!("could not announce a change to other server processes: {e}");
        }
    }
    response
}

/// Drops this process's caches whenever another process announces a write (PostgreSQL), and after a
/// lost listener connection, whose announcements may have been missed. Runs for the life of the server.
pub async fn follow_changes(state: Shared) {
    use jixiao_store::Change;
    loop {
        let mut listener = match state.store.change_listener().await {
            Ok(Some(listener)) => listener,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("cannot listen for other server processes' changes: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        loop {
            match listener.next().await {
                Ok(Change::Announced(n)) => state.saw_changes(n),
                Ok(Change::Reconnected) => state.drop_caches(),
                Err(e) => {
                    tracing::warn!("lost the change listener: {e}");
                    state.drop_caches();
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_raced_a_write_is_not_kept() {
        let c: Cache<i64, &str> = Cache::new(Duration::from_secs(60));
        let before = c.generation();
        c.clear(); // a write lands while the reader is at the database
        c.insert(1, "old", before);
        assert_eq!(c.get(&1), None);
        c.insert(1, "new", c.generation());
        assert_eq!(c.get(&1), Some("new"));
    }

    #[test]
    fn lookups_are_counted() {
        let c: Cache<i64, i64> = Cache::new(Duration::from_secs(60));
        assert_eq!(c.get(&1), None);
        c.insert(1, 1, c.generation());
        assert_eq!(c.get(&1), Some(1));
        assert_eq!(c.get(&1), Some(1));
        assert_eq!(c.counts(), (2, 1));
    }

    #[test]
    fn entries_expire() {
        let c: Cache<i64, i64> = Cache::new(Duration::ZERO);
        c.insert(1, 1, c.generation());
        assert_eq!(c.get(&1), None);
    }
}
