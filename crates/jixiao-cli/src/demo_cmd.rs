//! `jixiao demo`: loads the demo (named example projects and a generated district) into a database
//! without serving it, at any size: the scale benchmark loads a province of 100,000 projects this way.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use jixiao_web::demo::{DistrictSize, load_with};

#[derive(Args)]
pub struct DemoArgs {
    /// 数据库：SQLite 文件路径或 postgres://用户@主机/库名（须为空库）
    #[arg(long, env = "JIXIAO_DATABASE")]
    database: String,
    /// 生成的项目数（另加 5 个具名演示项目）
    #[arg(long, default_value_t = DistrictSize::DEMO.projects)]
    projects: usize,
    /// 生成的单位数（每个区县 33 个单位，依次为番禺、海珠、天河……最多 660）
    #[arg(long, default_value_t = DistrictSize::DEMO.units)]
    units: usize,
    /// 年度范围，如 2021-2023
    #[arg(long, default_value = "2021-2023")]
    years: String,
    /// 随机种子：同一种子总是生成相同的数据
    #[arg(long, default_value_t = DistrictSize::DEMO.seed)]
    seed: u64,
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let Some((from, to)) = args
        .years
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?)))
        .filter(|(a, b)| a <= b && (2000..=2100).contains(a) && (2000..=2100).contains(b))
    else {
        bail!(
            "--years 应为“起始年-终止年”，如 2021-2023，而不是“{}”",
            args.years
        );
    };
    let size = DistrictSize {
        projects: args.projects,
        units: args.units,
        years: from..=to,
        seed: args.seed,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动运行时")?;
    runtime.block_on(async {
        let store = jixiao_store::Store::connect(&args.database)
            .await
            .with_context(|| format!("无法打开数据库 {}", args.database))?;
        if store.count_users().await? > 0 {
            bail!(
                "数据库 {} 中已有用户：演示数据只写入空数据库",
                args.database
            );
        }
        let started = std::time::Instant::now();
        for line in load_with(&store, &size).await? {
            crate::out!("{line}\n");
        }
        crate::out!("用时 {:.1} 秒\n", started.elapsed().as_secs_f64());
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
