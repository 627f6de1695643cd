//! Many writers at once, on the same project and on different projects, for a few seconds: every
//! acknowledged save is a revision with the content that was sent, stale saves are conflicts (never
//! lost updates, never "database is locked"), and nothing deadlocks. On a SQLite file and on
//! PostgreSQL (when `JIXIAO_TEST_POSTGRES_URL` is set, as scripts/test does).

use std::sync::Arc;
use std::time::{Duration, Instant};

use jixiao_core::{Policy, Project};
use jixiao_store::*;
use sqlx::Connection;
use tokio::sync::{Barrier, Mutex};

fn seed() -> Project {
    toml::from_str(include_str!("../../../examples/panyu-2022.toml")).unwrap()
}

/// Writers per project kind and how long they run. Not a timing assertion: the guard below only
/// turns a deadlock into a failure instead of a hung test.
const SHARED_WRITERS: usize = 4;
const OWN_WRITERS: usize = 4;
const RUN: Duration = Duration::from_secs(3);
const GUARD: Duration = Duration::from_secs(120);

#[derive(Default)]
struct Tally {
    /// (project, revision, tag) of every acknowledged save.
    acked: Vec<(i64, i64, String)>,
    conflicts: usize,
    /// Anything else: must stay empty.
    errors: Vec<String>,
}

/// One writer: read the latest revision, change the project name to a unique tag, save on top of it;
/// on a conflict read again and retry, until the time is up.
async fn writer(
    store: Store,
    project_id: i64,
    author: i64,
    who: String,
    until: Instant,
    tally: Arc<Mutex<Tally>>,
) {
    let mut k = 0;
    while Instant::now() < until {
        k += 1;
        let current = match store.project(project_id).await {
            Ok(Some(rec)) => rec,
            other => {
                tally
                    .lock()
                    .await
                    .errors
                    .push(format!("{who}: read failed: {other:?}"));
                return;
            }
        };
        let tag = format!("{who}-{k}");
        let mut p = current.project.clone();
        p.project.name = tag.clone();
        match store
            .save_project(project_id, current.revision, &p, author, Action::Save, &tag)
            .await
        {
            Ok(n) => tally.lock().await.acked.push((project_id, n, tag)),
            Err(StoreError::Conflict { base, current: now }) => {
                assert!(
                    now > base,
                    "a conflict names a newer revision ({base} → {now})"
                );
                tally.lock().await.conflicts += 1;
            }
            Err(e) => tally.lock().await.errors.push(format!("{who}: {e}")),
        }
    }
}

async fn hammer(store: &Store) {
    let bureau = store
        .create_org("财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let unit = store
        .create_org("单位", OrgKind::Unit, Some(bureau.id))
        .await
        .unwrap();
    let mut authors = Vec::new();
    for i in 0..SHARED_WRITERS + OWN_WRITERS {
        let name = format!("w{i}");
        let u = store
            .create_user(&NewUser {
                username: &name,
                display_name: &name,
                password_hash: "h",
                role: Role::Editor,
                org_id: unit.id,
            })
            .await
            .unwrap();
        authors.push(u.id);
    }
    let shared = store
        .create_project(unit.id, &seed(), authors[0], Action::Create, "")
        .await
        .unwrap()
        .id;
    let mut own = Vec::new();
    for &a in &authors[SHARED_WRITERS..] {
        own.push(
            store
                .create_project(unit.id, &seed(), a, Action::Create, "")
                .await
                .unwrap()
                .id,
        );
    }

    // All of them at once on one base: exactly one wins, the rest are conflicts.
    let n = SHARED_WRITERS + OWN_WRITERS;
    let barrier = Arc::new(Barrier::new(n));
    let mut race = Vec::new();
    for (i, &a) in authors.iter().enumerate() {
        let (store, barrier) = (store.clone(), barrier.clone());
        race.push(tokio::spawn(async move {
            let mut p = seed();
            p.project.name = format!("race-{i}");
            barrier.wait().await;
            store
                .save_project(shared, 1, &p, a, Action::Save, "race")
                .await
        }));
    }
    let mut wins = 0;
    for r in race {
        match tokio::time::timeout(GUARD, r)
            .await
            .expect("no deadlock")
            .unwrap()
        {
            Ok(2) => wins += 1,
            Err(StoreError::Conflict {
                base: 1,
                current: 2,
            }) => {}
            other => panic!("a racing save is either revision 2 or a conflict, got {other:?}"),
        }
    }
    assert_eq!(wins, 1, "exactly one of {n} racing saves wins");

    // Then a few seconds of writers on the shared project and on their own projects.
    let tally = Arc::new(Mutex::new(Tally::default()));
    let until = Instant::now() + RUN;
    let mut tasks = Vec::new();
    for (i, &a) in authors[..SHARED_WRITERS].iter().enumerate() {
        tasks.push(tokio::spawn(writer(
            store.clone(),
            shared,
            a,
            format!("shared{i}"),
            until,
            tally.clone(),
        )));
    }
    for (i, (&a, &p)) in authors[SHARED_WRITERS..].iter().zip(&own).enumerate() {
        tasks.push(tokio::spawn(writer(
            store.clone(),
            p,
            a,
            format!("own{i}"),
            until,
            tally.clone(),
        )));
    }
    for t in tasks {
        tokio::time::timeout(GUARD, t)
            .await
            .expect("no deadlock: every writer finishes")
            .unwrap();
    }

    let tally = tally.lock().await;
    assert!(
        tally.errors.is_empty(),
        "only conflicts may refuse a save: {:?}",
        tally.errors
    );
    // Every acknowledged save is there, with what was sent.
    for (project, number, tag) in &tally.acked {
        let rev = store
            .revision(*project, *number)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("revision {number} of {project} lost"));
        assert_eq!(
            &rev.meta.note, tag,
            "revision {number} of project {project}"
        );
        assert_eq!(&rev.project.project.name, tag);
    }
    // And nothing else: revisions = the creation (+ the race winner) + acknowledged saves.
    let acked_on = |id: i64| tally.acked.iter().filter(|(p, _, _)| *p == id).count();
    let shared_revs = store.revisions(shared).await.unwrap().len();
    assert_eq!(
        shared_revs,
        2 + acked_on(shared),
        "shared project: no lost or doubled revision"
    );
    assert_eq!(
        store.project(shared).await.unwrap().unwrap().revision as usize,
        shared_revs
    );
    for &p in &own {
        assert_eq!(
            store.revisions(p).await.unwrap().len(),
            1 + acked_on(p),
            "own project {p}"
        );
    }
    // A writer alone on its project never conflicts; writers sharing one do, and are told so.
    let own_saves: usize = own.iter().map(|&p| acked_on(p)).sum();
    assert!(
        own_saves >= OWN_WRITERS,
        "every own-project writer saved at least once"
    );
    assert!(acked_on(shared) > 0);
    eprintln!(
        "{}: {} saves acknowledged ({} on the shared project, {own_saves} on own projects), {} conflicts",
        store.backend_name(),
        tally.acked.len(),
        acked_on(shared),
        tally.conflicts
    );
    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("c.db").to_str().unwrap())
        .await
        .unwrap();
    hammer(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    hammer(&store).await;
}

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("s.db").to_str().unwrap())
        .await
        .unwrap();
    let s = store.sqlite_settings().await.unwrap().unwrap();
    assert_eq!(s.journal_mode, "wal");
    assert_eq!(s.synchronous, 2, "FULL: the WAL is synced at every commit");
    assert!(
        s.busy_timeout_ms >= 5_000,
        "writers wait for the lock instead of failing: {s:?}"
    );
}

/// A writer that outlasts the busy timeout is reported as "busy, nothing written" (a 503 in the web
/// layer), not as a generic database error.
#[tokio::test]
async fn a_lock_held_past_the_busy_timeout_is_busy_not_an_error() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    let org = store.create_org("单位", OrgKind::Unit, None).await.unwrap();
    let u = store
        .create_user(&NewUser {
            username: "u",
            display_name: "u",
            password_hash: "h",
            role: Role::Editor,
            org_id: org.id,
        })
        .await
        .unwrap();
    let id = store
        .create_project(org.id, &seed(), u.id, Action::Create, "")
        .await
        .unwrap()
        .id;
    // Another process holds the write lock.
    let mut holder =
        sqlx::SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&path))
            .await
            .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut holder)
        .await
        .unwrap();
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .busy_timeout(Duration::from_millis(200));
    let impatient = Store::from_db(
        Db::Sqlite(
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts)
                .await
                .unwrap(),
        ),
        Policy::default_policy(),
    );
    match impatient
        .save_project(id, 1, &seed(), u.id, Action::Save, "")
        .await
    {
        Err(StoreError::Busy) => {}
        other => panic!("expected Busy, got {other:?}"),
    }
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    assert_eq!(
        impatient
            .save_project(id, 1, &seed(), u.id, Action::Save, "")
            .await
            .unwrap(),
        2,
        "once the lock is gone the save goes through"
    );
}
