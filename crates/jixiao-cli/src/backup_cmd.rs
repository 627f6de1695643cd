//! `jixiao backup` and `jixiao restore`: a portable archive of the whole database (see
//! docs/reliability.md), taken while the server runs and restorable into SQLite or PostgreSQL.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use jixiao_store::Store;

#[derive(Args)]
pub struct BackupArgs {
    /// 数据库：SQLite 文件路径（默认 ./jixiao.db）或 postgres://用户@主机/库名
    #[arg(long, default_value = "jixiao.db", env = "JIXIAO_DATABASE")]
    database: String,
    /// 备份文件（JSON Lines，含校验和）
    #[arg(short = 'o', long = "out")]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// 由 jixiao backup 生成的备份文件
    file: PathBuf,
    /// 目标数据库（新建的空数据库）：SQLite 文件路径或 postgres://用户@主机/库名；较早版本的备份恢复后自动升级
    #[arg(long, default_value = "jixiao.db", env = "JIXIAO_DATABASE")]
    database: String,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动运行时")
}

fn is_sqlite_file(url: &str) -> Option<&str> {
    if url.starts_with("postgres://")
        || url.starts_with("postgresql://")
        || url.contains(":memory:")
    {
        return None;
    }
    Some(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}

pub fn backup(args: BackupArgs) -> Result<ExitCode> {
    // Connecting would create an empty database: a mistyped path must not back up nothing.
    if let Some(path) = is_sqlite_file(&args.database)
        && !Path::new(path).exists()
    {
        bail!("数据库文件 {path} 不存在");
    }
    // Written beside the target and renamed at the end, so an interrupted backup never looks complete.
    let partial = args.out.with_extension("partial");
    let summary = runtime()?.block_on(async {
        let store = Store::connect(&args.database)
            .await
            .with_context(|| format!("无法打开数据库 {}", args.database))?;
        let file = File::create(&partial)
            .with_context(|| format!("{}：无法创建备份文件", partial.display()))?;
        let mut out = BufWriter::new(file);
        let summary = store
            .backup(&mut out)
            .await
            .with_context(|| format!("{}：备份失败", args.out.display()))?;
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("{}：写入失败", partial.display()))?;
        file.sync_all()
            .with_context(|| format!("{}：写入失败", partial.display()))?;
        store.close().await;
        anyhow::Ok(summary)
    });
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("{}：无法写入备份文件", args.out.display()))?;
    eprintln!("已备份到 {}：{}", args.out.display(), summary.describe());
    eprintln!("SHA-256：{}", summary.sha256);
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let file = File::open(&args.file)
        .with_context(|| format!("{}：无法打开备份文件", args.file.display()))?;
    // The database is built at the archive's schema version, filled, then migrated to this program's:
    // an archive of any earlier release restores.
    let summary = runtime()?.block_on(async {
        let (store, summary) = Store::restore_new(
            &args.database,
            jixiao_core::Policy::standard().clone(),
            BufReader::new(file),
        )
        .await
        .with_context(|| {
            format!(
                "{} → {}：恢复失败，未写入任何数据",
                args.file.display(),
                args.database
            )
        })?;
        store.close().await;
        anyhow::Ok(summary)
    })?;
    eprintln!(
        "已从 {} 恢复到 {}：{}",
        args.file.display(),
        args.database,
        summary.describe()
    );
    eprintln!("登录会话不在备份中：用户需要重新登录。");
    Ok(ExitCode::SUCCESS)
}
