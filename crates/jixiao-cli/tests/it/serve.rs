//! `jixiao serve` as a service: native TLS with a self-signed certificate made here (a real HTTPS
//! request gets a page and a Secure session cookie), clear errors for certificate files it cannot use,
//! and a graceful stop on SIGTERM — a request in flight when the signal arrives is answered in full,
//! the process exits 0 — with one JSON log line per request under `--log-format json`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use predicates::str::contains;
use reqwest::StatusCode;
use serde_json::Value;

/// A running `jixiao serve` whose output lines arrive on channels.
struct Serve {
    child: Child,
    addr: SocketAddr,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (up to a minute) for a line containing `want`; the line.
fn wait_for(rx: &Receiver<String>, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(want) => return line,
            Ok(_) => {}
            Err(e) => panic!("no line with “{want}”: {e}"),
        }
    }
}

impl Serve {
    fn start(db: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["serve", "--addr", "127.0.0.1:0", "--database"])
            .arg(db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let started = wait_for(&stdout, "jixiao 已启动");
        let addr = started
            .split("://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap()
            .parse()
            .unwrap();
        Serve {
            child,
            addr,
            stdout,
            stderr,
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }

    /// The exit status, waiting up to a minute.
    fn exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn native_tls_serves_pages_and_a_secure_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let server = Serve::start(
        &dir.path().join("tls.db"),
        &[
            "--demo",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );

    // Trusts the test's certificate only, for the name it was made for.
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(made.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", server.addr)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("https://localhost:{}", server.addr.port());
    let res = client.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("content-security-policy"));
    assert!(res.text().await.unwrap().contains("预算绩效管理系统"));

    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", "danwei1"),
            ("password", jixiao_web::demo::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");

    // Plain HTTP on the TLS port gets no page.
    let plain = reqwest::Client::new()
        .get(format!("http://{}/login", server.addr))
        .send()
        .await;
    assert!(plain.map_or(true, |r| r.status() != StatusCode::OK));
}

#[test]
fn certificate_files_it_cannot_use_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let junk = dir.path().join("junk.pem");
    let missing = dir.path().join("missing.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    std::fs::write(&junk, "这不是证书\n").unwrap();
    let db = dir.path().join("x.db");
    let serve = |cert: &Path, key: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--database"])
            .arg(&db)
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key);
        assert_cmd::Command::from_std(cmd).assert().code(2)
    };
    serve(&missing, &key)
        .stderr(contains("无法读取 TLS 证书文件"))
        .stderr(contains(missing.to_str().unwrap()));
    serve(&junk, &key)
        .stderr(contains("中没有 PEM 格式的证书"))
        .stderr(contains(junk.to_str().unwrap()));
    serve(&cert, &junk)
        .stderr(contains("中没有可用的 PEM 私钥"))
        .stderr(contains(junk.to_str().unwrap()));
    // A key of another certificate.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let other_key = dir.path().join("other-key.pem");
    std::fs::write(&other_key, other.signing_key.serialize_pem()).unwrap();
    serve(&cert, &other_key).stderr(contains("无法配合使用"));
    assert!(
        !db.exists(),
        "nothing is opened before the certificate is checked"
    );
}

#[test]
fn sigterm_answers_the_request_in_flight_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serve::start(&dir.path().join("stop.db"), &["--log-format", "json"]);

    // A login whose body is held back: once the server asks for it (100 Continue), the handler is
    // running and the request is in flight.
    let body = "username=admin&password=not-the-password";
    let mut conn = TcpStream::connect(server.addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        conn,
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        conn.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    assert!(
        String::from_utf8_lossy(&head).starts_with("HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&head)
    );

    server.signal("TERM");
    wait_for(&server.stdout, "收到停止信号");

    // The rest of the request after the server began to stop: it is still answered in full.
    conn.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.trim_end().ends_with("</html>"), "{answer}");

    assert_eq!(server.exit().code(), Some(0));
    wait_for(&server.stdout, "jixiao 已停止");

    // The request's log line: JSON with method, route, status and latency.
    let line = wait_for(&server.stderr, "jixiao::request");
    let log: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(log["method"], "POST", "{line}");
    assert_eq!(log["route"], "/login", "{line}");
    assert_eq!(log["status"], 401, "{line}");
    assert!(log["latency_ms"].as_f64().unwrap() > 0.0, "{line}");
    assert_eq!(log["level"], "INFO", "{line}");
}
