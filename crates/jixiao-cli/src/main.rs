//! `jixiao`: thin wiring of the jixiao crates (DESIGN §6).

mod output;
mod report_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use jixiao_core::{evaluate, Policy, Project};

#[derive(Parser)]
#[command(name = "jixiao", version, about = "项目支出绩效自评：评分、审核、出具自评表与自评报告")]
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
    },
    /// 审核：只列出发现；有错误级发现时退出码为 1
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "mof-2020")]
        policy: String,
        #[arg(long)]
        json: bool,
    },
    /// 评分规则
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// 打印项目文件的 JSON Schema
    Schema,
    /// 出具文档：自评表（xlsx）、自评报告（docx / pdf / html / md）、开放数据（json）
    Report(report_cmd::ReportArgs),
}

#[derive(Subcommand)]
enum PolicyAction {
    /// 列出内置评分规则
    List,
    /// 打印一条评分规则（TOML，可复制修改后用 --policy FILE 使用）
    Show { name: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Eval { file, policy, json } => {
            let policy = load_policy(&policy)?;
            let project = load_project(&file)?;
            let evaluation = evaluate(&project, &policy);
            if json {
                println!("{}", serde_json::to_string_pretty(&output::eval_json(&project, &evaluation))?);
            } else {
                print!("{}", output::eval_text(&project, &evaluation, &policy));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { files, policy, json } => {
            let policy = load_policy(&policy)?;
            let mut any_error = false;
            let mut unreadable = false;
            let mut reports = Vec::new();
            for file in &files {
                match load_project(file) {
                    Ok(project) => {
                        let evaluation = evaluate(&project, &policy);
                        any_error |= evaluation.has_errors();
                        if json {
                            reports.push(output::check_json(file, &evaluation));
                        } else {
                            print!("{}", output::check_text(file, &project, &evaluation));
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
                println!("{}", serde_json::to_string_pretty(&reports)?);
            }
            Ok(if unreadable {
                ExitCode::from(2)
            } else if any_error {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Policy { action: PolicyAction::List } => {
            for (name, _) in jixiao_core::policy::BUILTIN {
                let p = Policy::builtin(name)?;
                let default = if *name == "mof-2020" { "（默认）" } else { "" };
                println!("{name}\t{}{default}\n\t来源：{}", p.title, p.source);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy { action: PolicyAction::Show { name } } => {
            match jixiao_core::policy::BUILTIN.iter().find(|(n, _)| *n == name) {
                Some((_, text)) => print!("{text}"),
                None => {
                    load_policy(&name)?; // refuse to show a file that is not a valid policy
                    print!("{}", std::fs::read_to_string(&name)?);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => report_cmd::run(args),
        Command::Schema => {
            println!("{}", serde_json::to_string_pretty(&jixiao_io::schema())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_project(file: &Path) -> Result<Project> {
    Ok(jixiao_io::load(file)?)
}

/// A built-in name, or a path to a policy file.
fn load_policy(name_or_file: &str) -> Result<Policy> {
    if jixiao_core::policy::BUILTIN.iter().any(|(n, _)| *n == name_or_file) {
        return Ok(Policy::builtin(name_or_file)?);
    }
    let path = Path::new(name_or_file);
    if !path.exists() {
        return Err(jixiao_core::policy::PolicyError::Unknown(name_or_file.into()).into());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("{}：无法读取评分规则文件", path.display()))?;
    Policy::from_toml(&text).with_context(|| format!("{}", path.display()))
}
