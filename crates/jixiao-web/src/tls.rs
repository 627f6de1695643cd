//! Native TLS for sites without a reverse proxy: a certificate chain and private key in PEM files,
//! served with rustls. Handshakes run in their own tasks, so one slow or silent client cannot hold up
//! the others; finished connections are handed to `axum::serve` through [`TlsListener`], which keeps
//! graceful shutdown and the peer address the same as over plain TCP.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;

use crate::error::AppError;

/// A client that has not finished its handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The server configuration from PEM files; errors name the file and what is wrong with it.
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, AppError> {
    let read = |path: &Path, what: &str| {
        std::fs::read(path).map_err(|e| {
            AppError::Config(format!("无法读取 TLS {what}文件 {}：{e}", path.display()))
        })
    };
    let cert_pem = read(cert, "证书")?;
    let key_pem = read(key, "私钥")?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            AppError::Config(format!(
                "TLS 证书文件 {} 不是有效的 PEM 证书：{e}",
                cert.display()
            ))
        })?;
    if chain.is_empty() {
        return Err(AppError::Config(format!(
            "TLS 证书文件 {} 中没有 PEM 格式的证书（应以 -----BEGIN CERTIFICATE----- 开头）",
            cert.display()
        )));
    }
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        AppError::Config(format!(
            "TLS 私钥文件 {} 中没有可用的 PEM 私钥（支持 PKCS#8、PKCS#1 RSA、SEC1 EC）：{e}",
            key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| AppError::Config(format!("TLS 设置无效：{e}")))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| {
            AppError::Config(format!(
                "TLS 证书 {} 与私钥 {} 无法配合使用：{e}",
                cert.display(),
                key.display()
            ))
        })?;
    // axum serves HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// TCP connections that completed a TLS handshake, for `axum::serve`.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    acceptor: JoinHandle<()>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let tls = TlsAcceptor::from(config);
        let (tx, ready) = mpsc::channel(64);
        let acceptor = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!("接受连接失败：{e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (tls, tx) = (tls.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await {
                        Ok(Ok(conn)) => {
                            let _ = tx.send((conn, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!("TLS 握手失败（{peer}）：{e}"),
                        Err(_) => tracing::debug!("TLS 握手超时（{peer}）"),
                    }
                });
            }
        });
        Ok(TlsListener {
            local,
            ready,
            acceptor,
        })
    }
}

/// `axum::serve` drops the listener when shutdown begins: the port closes then.
impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accepting task only ends when aborted, i.e. with the listener itself.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}
