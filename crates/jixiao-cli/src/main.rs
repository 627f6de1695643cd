//! `jixiao`: thin wiring of the jixiao crates.

mod backup_cmd;
mod batch_cmd;
mod demo_cmd;
mod gen_cmd;
mod goals_cmd;
mod import_cmd;
mod library_cmd;
mod monitor_cmd;
mod output;
mod report_cmd;
mod serve_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use jixiao_core::{Policy, Project, evaluate_against};

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "项目支出绩效自评：评分、审核、出具自评表与自评报告"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 评分：打印指标表、得分与审核发现
    Eval {
        /// 项目文件（.toml / .json）
        file: PathBuf,
        /// 评分规则：内置名称（mof-2020、mof-2017）或规则文件路径
        #[arg(long, default_value = "mof-2020")]
        policy: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
        /// 批复（或批复调整后）的绩效目标（申报表文件）：自评表与之不一致的地方列为审核发现
        #[arg(long)]
        goals: Option<PathBuf>,
    },
    /// 审核：只列出发现；有错误级发现时退出码为 1
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "mof-2020")]
        policy: String,
        #[arg(long)]
        json: bool,
        /// 批复的绩效目标（申报表文件），对照检查每个项目
        #[arg(long)]
        goals: Option<PathBuf>,
    },
    /// 评分规则
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// 打印 JSON Schema：project（项目文件，默认）或 evaluation（eval --json、接口与开放数据的评分结果）
    Schema {
        #[arg(value_enum, default_value = "project")]
        of: SchemaOf,
    },
    /// 启动网页应用（单位填报、审核、历史、导入导出）
    Serve(serve_cmd::ServeArgs),
    /// 导入：xlsx / xls / txt / pdf / docx / json / toml → 项目文件（TOML；-o 为 .json 或加 --json 时为 JSON）
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（单个项目）或目录；省略时打印到标准输出
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// 出具文档：自评表（xlsx）、自评报告（docx / pdf / html / md）、开放数据（json）
    Report(report_cmd::ReportArgs),
    /// 备份：把整个数据库（机构、用户、项目及全部版本、意见、审计记录）导出为一个可移植的备份文件；服务运行时也可执行
    Backup(backup_cmd::BackupArgs),
    /// 恢复：把备份文件写入一个空数据库（SQLite 或 PostgreSQL），保留编号和时间
    Restore(backup_cmd::RestoreArgs),
    /// 批量审核：读取目录中的全部自评表，评分、审核，输出审核工作簿、看板和抽查清单
    Batch(batch_cmd::BatchArgs),
    /// 生成模拟项目（可重复，埋设典型错误，附清单），用于测试和性能测试
    Gen(gen_cmd::GenArgs),
    /// 把演示数据（具名演示项目和生成的区县）写入一个空数据库，规模可调（性能测试用全省规模）
    Demo(demo_cmd::DemoArgs),
    /// 绩效目标申报表：检查、读取 Excel 申报表、出具申报表和绩效目标表
    Goals {
        #[command(subcommand)]
        action: goals_cmd::GoalsAction,
    },
    /// 指标库：搜索、查看、导出（共性指标与行业指标，附公开资料中的实例指标值及出处）
    Library {
        #[command(subcommand)]
        action: library_cmd::LibraryAction,
    },
    /// 运行监控：读取监控表（目录递归），按序时进度亮灯，列出须说明事项和各单位亮灯情况；退出码 2 有文件无法读取，1 有红灯
    Monitor(monitor_cmd::MonitorArgs),
}

#[derive(Subcommand)]
enum PolicyAction {
    /// 列出内置评分规则
    List,
    /// 打印一条评分规则（TOML，可复制修改后用 --policy FILE 使用）
    Show { name: String },
}

/// Writes to standard output; a closed pipe (`jixiao eval … | head`) ends the command quietly.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($t)*)?
    }};
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Eval {
            file,
            policy,
            json,
            goals,
        } => {
            let policy = load_policy(&policy)?;
            let baseline = load_goals(goals.as_deref())?;
            let all = load_projects(&file)?;
            let several = all.len() > 1;
            let mut reports = Vec::new();
            for (i, (project, evaluation)) in all
                .iter()
                .map(|p| evaluated(p, baseline.as_ref(), &policy))
                .enumerate()
            {
                if json {
                    reports.push(output::eval_json(&project, &evaluation, &policy));
                } else {
                    if several {
                        out!(
                            "（{} 中第 {} 个，共 {} 个）\n",
                            file.display(),
                            i + 1,
                            all.len()
                        );
                    }
                    out!("{}", output::eval_text(&project, &evaluation, &policy));
                    if several && i + 1 < all.len() {
                        out!("\n");
                    }
                }
            }
            if json {
                // One project: its object; several: a list of them, in document order.
                let value = if several {
                    serde_json::Value::Array(reports)
                } else {
                    reports.remove(0)
                };
                out!("{}\n", serde_json::to_string_pretty(&value)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            files,
            policy,
            json,
            goals,
        } => {
            let policy = load_policy(&policy)?;
            let baseline = load_goals(goals.as_deref())?;
            let mut any_error = false;
            let mut unreadable = false;
            let mut reports = Vec::new();
            for file in &files {
                match load_projects(file) {
                    Ok(all) => {
                        for imported in &all {
                            let (project, evaluation) =
                                evaluated(imported, baseline.as_ref(), &policy);
                            any_error |= evaluation.has_errors();
                            if json {
                                reports.push(output::check_json(file, &project, &evaluation));
                            } else {
                                out!("{}", output::check_text(file, &project, &evaluation));
                            }
                        }
                    }
                    // One unreadable file does not hide the others' findings.
                    Err(e) => {
                        unreadable = true;
                        eprintln!("错误：{e:#}");
                        if json {
                            reports.push(serde_json::json!({ "file": file.display().to_string(), "error": format!("{e:#}") }));
                        }
                    }
                }
            }
            if json {
                out!("{}\n", serde_json::to_string_pretty(&reports)?);
            }
            Ok(if unreadable {
                ExitCode::from(2)
            } else if any_error {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Policy {
            action: PolicyAction::List,
        } => {
            for (name, _) in jixiao_core::policy::BUILTIN {
                let p = Policy::builtin(name)?;
                let default = if *name == "mof-2020" {
                    "（默认）"
                } else {
                    ""
                };
                out!("{name}\t{}{default}\n\t来源：{}\n", p.title, p.source);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy {
            action: PolicyAction::Show { name },
        } => {
            match jixiao_core::policy::BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
            {
                Some((_, text)) => out!("{text}"),
                None => {
                    load_policy(&name)?; // refuse to show a file that is not a valid policy
                    out!("{}", std::fs::read_to_string(&name)?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve_cmd::run(args),
        Command::Import { files, out, json } => import_cmd::run(&files, out.as_deref(), json),
        Command::Report(args) => report_cmd::run(args),
        Command::Backup(args) => backup_cmd::backup(args),
        Command::Restore(args) => backup_cmd::restore(args),
        Command::Batch(args) => batch_cmd::run(args),
        Command::Gen(args) => gen_cmd::run(args),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Library { action } => library_cmd::run(action),
        Command::Goals { action } => goals_cmd::run(action),
        Command::Monitor(args) => monitor_cmd::run(args),
        Command::Schema { of } => {
            let schema = match of {
                SchemaOf::Project => jixiao_io::schema(),
                SchemaOf::Evaluation => serde_json::to_value(jixiao_core::exchange::schema())?,
            };
            out!("{}\n", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SchemaOf {
    /// 项目文件
    Project,
    /// 项目、评分结果与审核发现（jixiao-evaluation）
    Evaluation,
}

fn load_projects(file: &Path) -> Result<Vec<jixiao_io::Imported>> {
    import_cmd::load(file)
}

/// The approved goals of `--goals`, when given.
fn load_goals(path: Option<&Path>) -> Result<Option<jixiao_core::Declaration>> {
    path.map(|p| goals_cmd::load(p).map(|(d, _)| d)).transpose()
}

/// The evaluation of an imported project, with what the import found among its findings (a reading
/// that contradicts the form is an error of the evaluation like any other), measured against the
/// approved goals when given.
fn evaluated(
    imported: &jixiao_io::Imported,
    baseline: Option<&jixiao_core::Declaration>,
    policy: &Policy,
) -> (Project, jixiao_core::Evaluation) {
    let history = jixiao_core::History {
        goals: baseline.cloned(),
        monitoring: Vec::new(),
    };
    let mut evaluation = evaluate_against(&imported.project, &history, policy);
    evaluation
        .findings
        .splice(0..0, imported.findings.iter().cloned());
    (imported.project.clone(), evaluation)
}

/// A built-in name, or a path to a policy file.
pub(crate) fn load_policy(name_or_file: &str) -> Result<Policy> {
    if jixiao_core::policy::BUILTIN
        .iter()
        .any(|(n, _)| *n == name_or_file)
    {
        return Ok(Policy::builtin(name_or_file)?);
    }
    let path = Path::new(name_or_file);
    if !path.exists() {
        return Err(jixiao_core::policy::PolicyError::Unknown(name_or_file.into()).into());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}：无法读取评分规则文件", path.display()))?;
    Policy::from_toml(&text).with_context(|| format!("{}", path.display()))
}
