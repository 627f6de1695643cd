//! `jixiao report FILE --format xlsx|docx|pdf|html|md|json -o OUT`: the official documents.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use jixiao_report::{Format, Options, Template};

#[derive(Args)]
pub struct ReportArgs {
    /// 项目文件
    file: PathBuf,
    /// 文档格式：xlsx（自评表）、docx / pdf / html / md（自评报告，含自评表）、json（开放数据）
    #[arg(long, short = 'f', value_parser = parse_format)]
    format: Format,
    /// 输出文件
    #[arg(long, short = 'o')]
    output: PathBuf,
    /// 评分规则：内置名称（mof-2020、mof-2017）或规则文件路径
    #[arg(long, default_value = "mof-2020")]
    policy: String,
    /// 报告提纲：seed（一、评价项目概述……六、下一步改进措施）或 mof-2020（财预〔2020〕10号参考提纲）
    #[arg(long, default_value = "seed", value_parser = parse_template)]
    template: Template,
    /// 附上复核附录（评分计算明细和审核发现）
    #[arg(long)]
    appendix: bool,
    /// 批复的绩效目标（申报表文件）：复核附录列出自评表与之不一致的地方
    #[arg(long)]
    goals: Option<PathBuf>,
    /// 字体目录：放入已授权的仿宋_GB2312、方正小标宋简体、黑体、楷体_GB2312 等字体（PDF 优先使用）
    #[arg(long, env = "JIXIAO_FONTS_DIR")]
    fonts_dir: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_template(s: &str) -> Result<Template, String> {
    s.parse()
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let policy = crate::load_policy(&args.policy)?;
    let baseline = crate::load_goals(args.goals.as_deref())?;
    let all = crate::load_projects(&args.file)?;
    let options = Options {
        statement_only: false,
        template: args.template,
        appendix: args.appendix,
        fonts_dir: args.fonts_dir,
    };
    for (i, imported) in all.iter().enumerate() {
        crate::import_cmd::print_findings(imported);
        let (project, evaluation) = crate::evaluated(imported, baseline.as_ref(), &policy);
        let rendered = jixiao_report::render(&project, &evaluation, &policy, args.format, &options)
            .with_context(|| format!("{}：无法生成{}文档", args.file.display(), args.format))?;
        for w in &rendered.warnings {
            eprintln!("警告：{w}");
        }
        // A file with several projects gives one document each: 报告-1.pdf, 报告-2.pdf …
        let output = if all.len() > 1 {
            numbered(&args.output, i + 1)
        } else {
            args.output.clone()
        };
        std::fs::write(&output, &rendered.bytes)
            .with_context(|| format!("{}：无法写入", output.display()))?;
        eprintln!(
            "已生成 {}（{} 字节）",
            output.display(),
            rendered.bytes.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `报告.pdf` → `报告-2.pdf`.
fn numbered(path: &std::path::Path, n: usize) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}
