//! Crash safety of the real server: `jixiao serve` on a SQLite file takes a stream of saves through
//! the JSON API from several clients, is killed with SIGKILL in the middle, and restarted on the same
//! file, three times over. Every save that was acknowledged (200) must be there with its content, the
//! database must pass `PRAGMA integrity_check`, and at most the one save in flight per client may
//! have landed without an acknowledgement.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jixiao_core::Project;
use jixiao_store::Store;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use support::{Server, api_token};

const ROUNDS: usize = 3;
const PROJECTS: usize = 3;
/// Acknowledged saves per round before the kill (the kill then lands while saves are in flight).
const SAVES_BEFORE_KILL: usize = 30;

type Acked = Arc<Mutex<Vec<(i64, i64, String)>>>;

/// Saves one project over and over until the server goes away; records what was acknowledged.
async fn saver(base: String, token: String, id: i64, round: usize, acked: Acked) {
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let Ok(res) = client
        .get(format!("{base}/api/v1/projects/{id}"))
        .bearer_auth(&token)
        .send()
        .await
    else {
        return;
    };
    let Ok(current) = res.json::<Value>().await else {
        return;
    };
    let mut base_revision = current["revision"].as_i64().unwrap();
    let mut project = current["project"].clone();
    for k in 0.. {
        let tag = format!("第{round}轮-项目{id}-第{k}次");
        project["project"]["name"] = json!(tag);
        let body = json!({ "base_revision": base_revision, "project": project, "note": tag });
        let Ok(res) = client
            .put(format!("{base}/api/v1/projects/{id}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
        else {
            return;
        };
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "one writer per project: every save succeeds until the kill"
        );
        let Ok(v) = res.json::<Value>().await else {
            return;
        };
        base_revision = v["revision"].as_i64().unwrap();
        acked.lock().unwrap().push((id, base_revision, tag));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_saves_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let server = Server::start(&db, true);
    let token = api_token(&server.base, "danwei5").await;
    let client = Client::new();
    let seed: Project =
        toml::from_str(include_str!("../../../../examples/panyu-2022.toml")).unwrap();
    let mut ids = Vec::new();
    for _ in 0..PROJECTS {
        let res = client
            .post(format!("{}/api/v1/projects", server.base))
            .bearer_auth(&token)
            .json(&json!({ "project": serde_json::to_value(&seed).unwrap() }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        ids.push(res.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }

    let acked: Acked = Arc::default();
    let mut server = Some(server);
    for round in 0..ROUNDS {
        let live = server.take().unwrap_or_else(|| Server::start(&db, false));
        let before = acked.lock().unwrap().len();
        let savers: Vec<_> = ids
            .iter()
            .map(|&id| {
                tokio::spawn(saver(
                    live.base.clone(),
                    token.clone(),
                    id,
                    round,
                    acked.clone(),
                ))
            })
            .collect();
        let guard = Instant::now();
        while acked.lock().unwrap().len() < before + SAVES_BEFORE_KILL {
            assert!(guard.elapsed() < Duration::from_secs(120), "saves stalled");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        live.kill();
        for s in savers {
            tokio::time::timeout(Duration::from_secs(60), s)
                .await
                .expect("clients notice the server is gone")
                .unwrap();
        }

        // The file as the killed server left it.
        let store = Store::connect(db.to_str().unwrap()).await.unwrap();
        let settings = store.sqlite_settings().await.unwrap().unwrap();
        assert_eq!(
            (settings.journal_mode.as_str(), settings.synchronous),
            ("wal", 2)
        );
        assert_eq!(
            store.integrity_check().await.unwrap(),
            Vec::<String>::new(),
            "round {round}: integrity"
        );
        let acked_now = acked.lock().unwrap().clone();
        for (id, n, tag) in &acked_now {
            let rev = store.revision(*id, *n).await.unwrap().unwrap_or_else(|| {
                panic!("round {round}: acknowledged revision {n} of project {id} lost")
            });
            assert_eq!(&rev.meta.note, tag);
            assert_eq!(
                &rev.project.project.name, tag,
                "round {round}: revision {n} of project {id} has what was sent"
            );
        }
        for &id in &ids {
            let stored = store.revisions(id).await.unwrap().len();
            let acknowledged = acked_now.iter().filter(|(p, _, _)| *p == id).count();
            // Revision 1 plus the acknowledged saves, plus at most one committed save per kill whose
            // answer the kill cut off.
            assert!(
                stored > acknowledged && stored <= 1 + acknowledged + round + 1,
                "project {id}: {stored} revisions, {acknowledged} acknowledged"
            );
        }
        store.close().await;
        eprintln!(
            "round {round}: killed after {} acknowledged saves in all; database intact",
            acked_now.len()
        );
    }

    // Restarted once more, the server serves every acknowledged revision.
    let live = Server::start(&db, false);
    let client = Client::new();
    for &id in &ids {
        let res = client
            .get(format!("{}/api/v1/projects/{id}/revisions", live.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let listed = res.json::<Value>().await.unwrap().to_string();
        for (_, _, tag) in acked.lock().unwrap().iter().filter(|(p, _, _)| *p == id) {
            assert!(
                listed.contains(tag.as_str()),
                "revision “{tag}” listed after restart"
            );
        }
    }
    live.kill();
}
