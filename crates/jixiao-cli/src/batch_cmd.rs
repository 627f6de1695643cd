//! `jixiao batch DIR|FILE... -o OUT.xlsx [--html OUT.html] [--json OUT.json] [--jobs N]`: a finance
//! bureau's review of thousands of self-evaluations (docs/batch.md): review workbook, dashboard, JSON.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use jixiao_batch::{Done, Options, ReviewWorkbook, dashboard};

#[derive(Args)]
pub struct BatchArgs {
    /// 目录（递归读取其中所有可导入的文件：xlsx / xls / toml / json / jsonl / txt / pdf / docx）或文件
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// 审核工作簿（xlsx）：项目汇总、审核发现、单位汇总、抽查清单、无法读取
    #[arg(short = 'o', long = "out")]
    out: PathBuf,
    /// 另存一份网页看板（单个 HTML 文件，图表内嵌，不访问外部网址）
    #[arg(long)]
    html: Option<PathBuf>,
    /// 另存 JSON（项目汇总、单位汇总、抽查清单、发现统计、无法读取的文件）
    #[arg(long)]
    json: Option<PathBuf>,
    /// 并行线程数（默认为处理器核数）
    #[arg(long)]
    jobs: Option<usize>,
    /// 评分规则：内置名称（mof-2020、mof-2017）或规则文件路径
    #[arg(long, default_value = "mof-2020")]
    policy: String,
    /// 抽查清单的项目数
    #[arg(long, default_value_t = 100)]
    shortlist: usize,
}

/// Peak resident memory of this process (VmHWM), in kB; None where /proc is not available.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A one-line progress display on stderr, redrawn at most 10 times a second; silent when stderr is not
/// a terminal (logs and pipes get the closing summary only).
struct Progress {
    on: bool,
    start: Instant,
    last: Instant,
}

impl Progress {
    fn new() -> Progress {
        let now = Instant::now();
        Progress {
            on: std::io::stderr().is_terminal(),
            start: now,
            last: now,
        }
    }
    fn tick(&mut self, projects: usize, failed: usize) {
        if !self.on || self.last.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.last = Instant::now();
        let rate = projects as f64 / self.start.elapsed().as_secs_f64().max(1e-6);
        let _ = write!(
            std::io::stderr(),
            "\r已处理 {projects} 个项目（每秒 {rate:.0} 个），无法读取 {failed} 个\x1b[K"
        );
    }
    fn clear(&self) {
        if self.on {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

pub fn run(args: BatchArgs) -> Result<ExitCode> {
    let policy = crate::load_policy(&args.policy)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = Options {
        jobs,
        policy,
        shortlist: args.shortlist,
    };
    let start = Instant::now();
    let mut workbook = ReviewWorkbook::new().context("无法创建审核工作簿")?;
    let mut progress = Progress::new();
    let (mut projects, mut failed) = (0usize, 0usize);
    let review = jixiao_batch::run(&args.inputs, &opts, |done| {
        match done {
            Done::Project { row, findings } => {
                projects += 1;
                workbook.add_findings(row, findings)?;
            }
            Done::Failed(_) => failed += 1,
        }
        progress.tick(projects, failed);
        Ok::<(), rust_xlsxwriter::XlsxError>(())
    })
    .context("写入审核工作簿失败")?;
    progress.clear();
    let read = start.elapsed();
    workbook
        .finish(&review, &args.out)
        .with_context(|| format!("{}：无法保存审核工作簿", args.out.display()))?;
    if let Some(path) = &args.html {
        std::fs::write(
            path,
            dashboard::document(&review, "项目支出绩效自评 批量审核看板"),
        )
        .with_context(|| format!("{}：无法写入", path.display()))?;
    }
    if let Some(path) = &args.json {
        let file =
            std::fs::File::create(path).with_context(|| format!("{}：无法写入", path.display()))?;
        let mut w = std::io::BufWriter::new(file);
        serde_json::to_writer(&mut w, &review)
            .and_then(|()| w.flush().map_err(serde_json::Error::io))
            .with_context(|| format!("{}：无法写入", path.display()))?;
    }
    let total = start.elapsed();

    for f in &review.failures {
        crate::out!("无法读取（已跳过）：{}\n", f.error);
    }
    let lenient = review
        .rows
        .iter()
        .filter(|r| r.gap().is_some_and(|g| g > rust_decimal::Decimal::ZERO))
        .count();
    let with_errors = review.rows.iter().filter(|r| r.errors > 0).count();
    crate::out!(
        "共审核 {} 个项目（{} 个文件或记录无法读取，已跳过）：自评高于计算 {} 个，有错误级发现 {} 个，抽查清单 {} 个。\n",
        review.rows.len(),
        review.failures.len(),
        lenient,
        with_errors,
        review.shortlist.len()
    );
    crate::out!("审核工作簿：{}\n", args.out.display());
    if let Some(p) = &args.html {
        crate::out!("看板：{}\n", p.display());
    }
    if let Some(p) = &args.json {
        crate::out!("JSON：{}\n", p.display());
    }
    let per_sec = review.rows.len() as f64 / read.as_secs_f64().max(1e-9);
    crate::out!(
        "用时 {:.2} 秒（读取、评分、审核 {:.2} 秒，每秒 {:.0} 个项目，{} 个线程）；峰值内存 {}\n",
        total.as_secs_f64(),
        read.as_secs_f64(),
        per_sec,
        jobs,
        peak_memory_kb().map_or_else(
            || "未知".to_string(),
            |kb| format!("{:.1} MB", kb as f64 / 1024.0)
        )
    );
    // Unreadable input is exit code 2, as for every command; the outputs are complete for the rest.
    Ok(if review.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
