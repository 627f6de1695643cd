//! `jixiao serve`: the web application.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

#[derive(Args)]
pub struct ServeArgs {
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080", env = "JIXIAO_ADDR")]
    addr: SocketAddr,
    /// 数据库：SQLite 文件路径（默认 ./jixiao.db）或 postgres://用户@主机/库名
    #[arg(long, default_value = "jixiao.db", env = "JIXIAO_DATABASE")]
    database: String,
    /// 加载演示机构、用户和项目（仅在数据库中没有用户时）
    #[arg(long)]
    demo: bool,
    /// 评分规则：内置名称（mof-2020、mof-2017）或规则文件；换用后，项目列表的摘要在启动时按新规则重算
    #[arg(long, default_value = "mof-2020", env = "JIXIAO_POLICY")]
    policy: String,
    /// 反向代理的地址（可多个，逗号分隔）：来自这些地址的请求按 X-Forwarded-For 识别客户端地址（用于登录锁定和审计日志）
    #[arg(
        long = "trusted-proxy",
        value_delimiter = ',',
        env = "JIXIAO_TRUSTED_PROXIES"
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// 直接提供 HTTPS：证书链文件（PEM）；须同时给出 --tls-key
    #[arg(long, env = "JIXIAO_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// 直接提供 HTTPS：私钥文件（PEM：PKCS#8、PKCS#1 RSA 或 SEC1 EC）；须同时给出 --tls-cert
    #[arg(long, env = "JIXIAO_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// /metrics 的访问令牌：其他机器带 Authorization: Bearer 令牌可读取（不设时只允许本机直接访问）
    #[arg(long, env = "JIXIAO_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// 公开网站（/gongkai）每个访问地址每分钟最多的请求数，超过时答复 429（请求过于频繁）
    #[arg(long, default_value_t = jixiao_web::PUBLIC_RATE, value_parser = clap::value_parser!(u32).range(1..), env = "JIXIAO_PUBLIC_RATE")]
    public_rate: u32,
    /// 公开网站的对外地址（如 https://czj.example.gov.cn），用于网站地图、订阅和开放数据中的完整链接；不设时取访问者请求中的主机名（正式部署请设置）
    #[arg(long, env = "JIXIAO_PUBLIC_URL", value_parser = public_url)]
    public_url: Option<String>,
    /// 日志格式：text（便于阅读，默认）或 json（每行一个 JSON 对象，便于日志系统收集）；日志写到标准错误
    #[arg(long, value_enum, default_value = "text", env = "JIXIAO_LOG_FORMAT")]
    log_format: LogFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Logs to stderr (stdout carries the start-up lines); `RUST_LOG` overrides the level, e.g.
/// `RUST_LOG=jixiao=debug`. Each request is one info line of target `jixiao::request`.
fn init_logging(format: LogFormat) -> Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let done = match format {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    if let Err(e) = done {
        bail!("无法设置日志输出：{e}");
    }
    Ok(())
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    init_logging(args.log_format)?;
    let policy = crate::load_policy(&args.policy)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动运行时")?;
    runtime.block_on(jixiao_web::serve(jixiao_web::ServeOptions {
        addr: args.addr,
        database: args.database,
        demo: args.demo,
        policy,
        trusted_proxies: args.trusted_proxies,
        tls: args
            .tls_cert
            .zip(args.tls_key)
            .map(|(cert, key)| jixiao_web::TlsFiles { cert, key }),
        metrics_token: args.metrics_token,
        public_rate: args.public_rate,
        public_url: args.public_url,
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// `--public-url`: an http(s) address without path, query or spaces.
fn public_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("应以 https:// 或 http:// 开头，如 https://czj.example.gov.cn")?;
    let host = rest.trim_end_matches('/');
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
    {
        return Err("只能是协议加主机名（和端口），如 https://czj.example.gov.cn".into());
    }
    Ok(format!("{}{host}", &s[..s.len() - rest.len()]))
}

#[cfg(test)]
mod tests {
    use super::public_url;

    #[test]
    fn public_url_is_a_scheme_and_a_host() {
        assert_eq!(
            public_url("https://czj.example.gov.cn/").unwrap(),
            "https://czj.example.gov.cn"
        );
        assert_eq!(
            public_url("http://10.0.0.5:8080").unwrap(),
            "http://10.0.0.5:8080"
        );
        for bad in [
            "czj.example.gov.cn",
            "https://",
            "https://a.cn/gongkai",
            "https://a b",
        ] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }
}
