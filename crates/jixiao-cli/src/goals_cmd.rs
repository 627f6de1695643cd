//! `jixiao goals check|import|export`: the 绩效目标申报表 as a file, and the goals a self-evaluation is
//! measured against (`eval|check|report --goals`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use jixiao_core::goals::{Declaration, PastYear, check_declaration};
use jixiao_core::{Finding, Severity};

use crate::out;

#[derive(Subcommand)]
pub enum GoalsAction {
    /// 检查申报表：目标审核发现（指标值不可衡量、维度缺失、满意度不是满意率、效益实为产出、缺少取值依据；
    /// 给出往年自评表时还检查目标低于上年实际、目标多年未调）。有错误级发现时退出码为 1
    Check {
        /// 申报表文件（.toml / .json / .xlsx）
        file: PathBuf,
        /// 同一项目往年的自评项目文件（可多个）
        #[arg(long = "history")]
        history: Vec<PathBuf>,
        #[arg(long, default_value = "mof-2020")]
        policy: String,
        #[arg(long)]
        json: bool,
    },
    /// 读取 Excel 申报表，输出申报表文件（TOML；-o 为 .json 时为 JSON）
    Import {
        file: PathBuf,
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// 出具申报表（xlsx，常用格式）或随预算公开的绩效目标表（docx / pdf）
    Export {
        file: PathBuf,
        #[arg(long, short = 'f')]
        format: String,
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// 字体目录（PDF 优先使用其中已授权的公文字体）
        #[arg(long, env = "JIXIAO_FONTS_DIR")]
        fonts_dir: Option<PathBuf>,
    },
}

/// Reads a declaration file: TOML, JSON, or an Excel 申报表 (whose doubtful readings come back as
/// findings). Every problem names the file and the field.
pub fn load(path: &Path) -> Result<(Declaration, Vec<Finding>)> {
    let bytes = std::fs::read(path).with_context(|| format!("{}：无法读取", path.display()))?;
    let name = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (d, findings) = match ext.as_str() {
        "xlsx" | "xls" => jixiao_io::read_declaration(&bytes, &name)?,
        _ => {
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{name}：不是 UTF-8 文本，也不是 Excel 工作簿"))?;
            let d: Declaration = if ext == "json" {
                serde_json::from_str(&text).with_context(|| format!("{name}：申报表 JSON 无效"))?
            } else {
                toml::from_str(&text).with_context(|| format!("{name}：申报表 TOML 无效"))?
            };
            (d, Vec::new())
        }
    };
    if let Some(bad) = d.validate().first() {
        bail!("{name}：{}：{}", bad.path, bad.message);
    }
    Ok((d, findings))
}

pub fn run(action: GoalsAction) -> Result<ExitCode> {
    match action {
        GoalsAction::Check {
            file,
            history,
            policy,
            json,
        } => {
            let policy = crate::load_policy(&policy)?;
            let (d, mut findings) = load(&file)?;
            let mut past = Vec::new();
            for h in &history {
                for imported in crate::load_projects(h)? {
                    past.push(PastYear {
                        year: imported.project.project.year,
                        declaration: None,
                        evaluation: Some(imported.project),
                    });
                }
            }
            findings.extend(check_declaration(&d, &past, &policy));
            let errors = findings.iter().any(|f| f.severity() == Severity::Error);
            if json {
                out!(
                    "{}\n",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "file": file.display().to_string(),
                        "project": d.project.name,
                        "year": d.project.year,
                        "findings": findings,
                    }))?
                );
            } else {
                out!(
                    "{}（{} 年度绩效目标，{} 个指标）\n",
                    d.project.name,
                    d.project.year,
                    d.indicators.len()
                );
                if findings.is_empty() {
                    out!("  未发现问题。\n");
                }
                for f in &findings {
                    out!(
                        "  [{}] {}（{}）{}\n      位置：{}；建议：{}\n",
                        f.severity().label(),
                        f.name(),
                        f.code,
                        f.message,
                        f.path,
                        f.advice
                    );
                }
            }
            Ok(if errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        GoalsAction::Import { file, output } => {
            let (d, findings) = load(&file)?;
            for f in &findings {
                eprintln!(
                    "{}：{}：{}（{}）{}（{}）",
                    file.display(),
                    f.severity().label(),
                    f.name(),
                    f.code,
                    f.message,
                    f.path
                );
            }
            let json = output
                .as_ref()
                .is_some_and(|o| o.extension().is_some_and(|e| e == "json"));
            let text = if json {
                serde_json::to_string_pretty(&d)? + "\n"
            } else {
                toml::to_string(&d)?
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("{}：无法写入", path.display()))?;
                    eprintln!(
                        "已读取“{}”的绩效目标（{} 个指标）到 {}",
                        d.project.name,
                        d.indicators.len(),
                        path.display()
                    );
                }
                None => out!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        GoalsAction::Export {
            file,
            format,
            output,
            fonts_dir,
        } => {
            let (d, _) = load(&file)?;
            let bytes = match format.as_str() {
                "xlsx" => jixiao_io::write_declaration(&d),
                "docx" => jixiao_report::goals::docx(&d)
                    .with_context(|| format!("{}：无法生成绩效目标表", file.display()))?,
                "pdf" => {
                    let rendered = jixiao_report::goals::pdf(&d, fonts_dir.as_deref())
                        .with_context(|| format!("{}：无法生成绩效目标表", file.display()))?;
                    for w in &rendered.warnings {
                        eprintln!("警告：{w}");
                    }
                    rendered.bytes
                }
                other => bail!("不支持的格式“{other}”（可用：xlsx 申报表、docx / pdf 绩效目标表）"),
            };
            std::fs::write(&output, &bytes)
                .with_context(|| format!("{}：无法写入", output.display()))?;
            eprintln!("已生成 {}（{} 字节）", output.display(), bytes.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}
