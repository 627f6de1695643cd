//! `jixiao serve`: the web application.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

#[derive(Args)]
pub struct ServeArgs {
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
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
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
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
    }))?;
    Ok(ExitCode::SUCCESS)
}
