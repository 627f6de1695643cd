//! `jixiao gen --projects N --seed S --format xlsx|toml|jsonl -o OUT`: deterministic synthetic projects
//! with planted errors, for tests and benchmarks; the manifest goes to `OUT.manifest.json`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use jixiao_batch::synthetic::{GenFormat, GenOptions, Manifest, generate};

#[derive(Args)]
pub struct GenArgs {
    /// 项目数
    #[arg(long)]
    projects: usize,
    /// 随机种子：同一种子总是生成完全相同的数据
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 格式：xlsx（每个项目一个自评表，按主管部门分目录）、toml（项目文件）、jsonl（每行一个项目）
    #[arg(long, default_value = "toml")]
    format: GenFormat,
    /// 输出目录（xlsx、toml）或文件（jsonl）
    #[arg(short = 'o', long = "out")]
    out: PathBuf,
    /// 并行线程数（默认为处理器核数）
    #[arg(long)]
    jobs: Option<usize>,
}

pub fn run(args: GenArgs) -> Result<ExitCode> {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = GenOptions {
        projects: args.projects,
        seed: args.seed,
        format: args.format,
        out: args.out.clone(),
        jobs,
    };
    let manifest = generate(&opts, &|_| {})?;
    let planted: usize = manifest.projects.iter().map(|p| p.planted.len()).sum();
    let with_errors = manifest
        .projects
        .iter()
        .filter(|p| !p.planted.is_empty())
        .count();
    crate::out!(
        "已生成 {} 个项目：{}\n其中 {} 个项目埋设了 {} 处错误；清单（埋设的错误、应得总分）：{}\n",
        manifest.projects.len(),
        args.out.display(),
        with_errors,
        planted,
        Manifest::path_for(&args.out).display()
    );
    Ok(ExitCode::SUCCESS)
}
