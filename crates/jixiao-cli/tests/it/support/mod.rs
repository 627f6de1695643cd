//! What the CLI tests share: the real server (`jixiao serve` as a child process) and an API token.
#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(db: &Path, demo: bool) -> Server {
        Server::start_with(db, if demo { &["--demo"] } else { &[] })
    }

    /// `jixiao serve` on `db` with further arguments (`--demo`, `--policy mof-2017`).
    pub fn start_with(db: &Path, args: &[&str]) -> Server {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database",
            db.to_str().unwrap(),
        ]);
        cmd.args(args);
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the address from the start-up line, then keeps draining the pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split_once("http://").map(|(_, r)| r) {
                    let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server started");
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// SIGKILL: no shutdown, no flush, no destructor runs in the server.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser-like client (cookies, no redirects followed) signed in as the demo user `username`, and
/// its session's CSRF token.
pub async fn signed_in(base: &str, username: &str) -> (Client, String) {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", jixiao_web::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username} signs in");
    let me = get_json(&client, &format!("{base}/api/v1/me")).await;
    (client, me["csrf"].as_str().unwrap().to_string())
}

/// GET `url` and its JSON body.
pub async fn get_json(client: &Client, url: &str) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

/// Signs in as a demo user and makes an API token (it is stored, so it outlives restarts).
pub async fn api_token(base: &str, username: &str) -> String {
    let (client, csrf) = signed_in(base, username).await;
    let res = client
        .post(format!("{base}/api/v1/tokens"))
        .header("X-CSRF-Token", csrf)
        .json(&json!({ "name": "测试脚本" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}
