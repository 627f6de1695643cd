//! Set-up shared by the jixiao tests, used only as a dev-dependency and never published. Some tests need
//! something outside Rust: a PostgreSQL server (the store, backup and lockout tests) or Chromium with
//! chromedriver (the browser test). [`required_in_ci`] is the one guard for all of them: on a developer's
//! machine a test whose requirement is missing says so on stderr and passes without running, while under
//! CI (the `CI` environment variable set), where `scripts/test` installs and starts everything, the same
//! test fails instead of skipping. [`postgres`] is the one PostgreSQL set-up: it reads
//! `JIXIAO_TEST_POSTGRES_URL` (`scripts/test` starts a throwaway server on port 55432 and sets it),
//! creates a new, empty database on that server for each call, and returns its URL, so no two tests share
//! tables, whether `cargo test` runs them as threads of one process or `cargo nextest` as processes of
//! their own. The databases stay on the server after the test (it is a throwaway one, and a failed test's
//! data can be looked at); a name is dropped and made again when a later process with the same id asks.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;

/// The environment variable naming the PostgreSQL server the tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "JIXIAO_TEST_POSTGRES_URL";

/// Whether a test can run, given whether what it needs (`what`, e.g. "chromedriver (scripts/test
/// installs chromium-driver)") is `available`. When it is not: panics under CI (a missing requirement
/// there is a broken set-up, not a reason to skip), and elsewhere prints that the test is skipped and
/// returns false.
#[track_caller]
pub fn required_in_ci(what: &str, available: bool) -> bool {
    if available {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run {test}, but it needs {what}, which is missing here"
    );
    eprintln!(
        "{test} skipped: it needs {what}, which is missing here (under CI this is a failure)"
    );
    false
}

/// The URL of a new, empty database for the calling test, on the server `JIXIAO_TEST_POSTGRES_URL`
/// points at; `None` (test skipped) when the variable is not set outside CI. Panics when it is not set
/// under CI, or when the server cannot be reached or refuses to create the database.
pub async fn postgres() -> Option<String> {
    let url = std::env::var(POSTGRES_URL_VAR)
        .ok()
        .filter(|u| !u.is_empty());
    let what =
        format!("a PostgreSQL server in {POSTGRES_URL_VAR} (scripts/test starts one and sets it)");
    if !required_in_ci(&what, url.is_some()) {
        return None;
    }
    let url = url.unwrap();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "jixiao_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap_or_else(|e| {
        panic!("the PostgreSQL server in {POSTGRES_URL_VAR} is not reachable: {e}")
    });
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("{sql} on the server in {POSTGRES_URL_VAR}: {e}"));
    }
    let _ = admin.close().await;
    Some(with_database(&url, &name))
}

/// `url` with its database name replaced by `name` (user, host, port and parameters kept).
fn with_database(url: &str, name: &str) -> String {
    let (rest, query) = match url.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (url, None),
    };
    let authority = rest.find("://").map_or(0, |i| i + 3);
    let server = match rest[authority..].find('/') {
        Some(slash) => &rest[..authority + slash],
        None => rest,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        for (url, want) in [
            (
                "postgres://postgres@127.0.0.1:55432/postgres",
                "postgres://postgres@127.0.0.1:55432/t1",
            ),
            (
                "postgres://u:p@host/db?sslmode=disable",
                "postgres://u:p@host/t1?sslmode=disable",
            ),
            ("postgresql://host:5432", "postgresql://host:5432/t1"),
            (
                "postgres://host?application_name=x",
                "postgres://host/t1?application_name=x",
            ),
        ] {
            assert_eq!(with_database(url, "t1"), want, "{url}");
        }
    }
}
