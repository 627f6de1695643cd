//! A real server on port 0 with the demo data, for the HTTP and browser tests.
#![allow(dead_code)]

pub struct Server {
    pub base: String,
    pub addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A server already listening at `addr` (its database directory kept by the caller).
    pub fn at(addr: std::net::SocketAddr) -> Server {
        Server {
            base: format!("http://{addr}"),
            addr,
            _dir: tempfile::tempdir().unwrap(),
        }
    }
}

pub async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.db");
    let store = jixiao_store::Store::connect(db.to_str().unwrap())
        .await
        .unwrap();
    jixiao_web::demo::load(&store).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            jixiao_web::app(store).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Server {
        base: format!("http://{addr}"),
        addr,
        _dir: dir,
    }
}
