//! `jixiao monitor FILES_OR_DIRS... [--policy P] [--json] [--xlsx OUT] [--pdf OUT]`: a round of
//! 绩效运行监控表 as a finance bureau receives them (docs/monitoring.md, “监控表文件与命令行”). Every 监控表
//! in the files and folders (recursively) is read and lit under the policy's monitoring rules; printed per
//! project: the execution rate against the pace and its light, each red or yellow indicator with its
//! reason, what must be explained before submitting; then the lights by unit. A file that cannot be read
//! is listed with the reason and does not stop the run.
//!
//! Exit code: 2 when some file could not be read, else 1 when some project is red, else 0.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use jixiao_core::monitoring::{Light, MonitorForm, assess};
use jixiao_core::{Finding, Policy};
use jixiao_report::monitor::{self, Monitored, Unreadable};
use rust_decimal::Decimal;
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::out;

#[derive(Args)]
pub struct MonitorArgs {
    /// 监控表文件（Excel：xlsx / xls；或 toml / json 监控表文件）或目录（递归读取其中的 xlsx、xls、toml、json）
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// 评分规则（其中的 [monitoring] 亮灯规则）：内置名称（mof-2020、mof-2017）或规则文件路径
    #[arg(long, default_value = "mof-2020")]
    policy: String,
    /// 输出 JSON（每个项目的灯、原因、须说明事项和读取提示，各单位亮灯数，无法读取的文件）
    #[arg(long)]
    json: bool,
    /// 另存汇总工作簿（xlsx）：项目、指标亮灯、须说明、单位汇总、读取提示、无法读取
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// 另存可打印的汇总表（PDF）
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// 字体目录（PDF 优先使用其中已授权的公文字体）
    #[arg(long, env = "JIXIAO_FONTS_DIR")]
    fonts_dir: Option<PathBuf>,
}

/// The file types read from a folder; a file named on the command line is always tried.
const EXTENSIONS: &[&str] = &["xlsx", "xls", "xlsm", "toml", "json"];
/// A 监控表 workbook is a few hundred kB; anything this large is not one.
const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The files to read, in order: each input as given, folders walked in name order (hidden files, Office
/// lock files `~$…` and other types skipped; each folder read once, so a link loop ends).
fn files(inputs: &[PathBuf], unreadable: &mut Vec<Unreadable>) -> Vec<PathBuf> {
    fn walk(
        dir: &Path,
        seen: &mut BTreeSet<PathBuf>,
        out: &mut Vec<PathBuf>,
        bad: &mut Vec<Unreadable>,
    ) {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        if !seen.insert(canonical) {
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                bad.push(Unreadable {
                    source: dir.display().to_string(),
                    error: format!("{}：无法读取目录：{e}", dir.display()),
                });
                return;
            }
        };
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            if p.is_dir() {
                walk(&p, seen, out, bad);
            } else if EXTENSIONS.contains(&extension(&p).as_str()) {
                out.push(p);
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk(input, &mut seen, &mut out, unreadable);
        } else {
            out.push(input.clone());
        }
    }
    out
}

fn extension(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The forms of one file: a workbook's 监控表, or a 监控表 file (TOML: one form; JSON: one form or a list).
fn read_file(path: &Path) -> Result<Vec<(MonitorForm, Vec<Finding>)>, String> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| format!("{name}：无法读取：{e}"))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{name}：文件过大（{} MB），不是监控表",
            meta.len() / 1024 / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}：无法读取：{e}"))?;
    let ext = extension(path);
    let forms: Vec<MonitorForm> = match ext.as_str() {
        "toml" => {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| format!("{name}：不是 UTF-8 文本，无法作为监控表文件读取"))?;
            vec![toml::from_str(text).map_err(|e| format!("{name}：监控表文件（TOML）无效：{e}"))?]
        }
        "json" => {
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{name}：监控表文件（JSON）无效：{e}"))?;
            let bad = |e: serde_json::Error| format!("{name}：监控表文件（JSON）无效：{e}");
            if value.is_array() {
                serde_json::from_value(value).map_err(bad)?
            } else {
                vec![serde_json::from_value(value).map_err(bad)?]
            }
        }
        _ => {
            return jixiao_io::read_monitor_forms(&bytes, &name).map_err(|e| e.to_string());
        }
    };
    for f in &forms {
        if !(1..=12).contains(&f.month) {
            return Err(format!(
                "{name}：month（数据截至月份）应为 1—12，而不是 {}",
                f.month
            ));
        }
    }
    Ok(forms.into_iter().map(|f| (f, Vec::new())).collect())
}

fn money(x: Decimal) -> String {
    format!("{:.2}", x.round_dp(2))
}

fn pct(x: Option<Decimal>) -> String {
    x.map_or_else(|| "—".into(), |x| format!("{}%", x.round_dp(2).normalize()))
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// One project in the words of the form.
fn project_text(m: &Monitored, policy: &Policy) -> String {
    let (f, a) = (&m.form, &m.assessment);
    let mut s = format!(
        "【{}】{}（{}，{} 年，数据截至 {} 月底）\n    文件：{}\n",
        a.light.label(),
        f.name,
        monitor::unit_of(f),
        f.year,
        f.month,
        m.source
    );
    let pace = policy
        .monitoring
        .expected(f.month)
        .map(|e| (e * Decimal::ONE_HUNDRED).round_dp(2));
    s.push_str(&format!(
        "    预算执行：全年预算 {} 万元，截至 {} 月底执行 {} 万元，执行率 {}；序时进度 {}，执行率为序时进度的 {}——{}\n",
        money(f.annual),
        f.month,
        money(f.executed),
        pct(a.execution_rate),
        pct(pace),
        pct(a.execution_ratio),
        a.execution_light.label()
    ));
    let lit: Vec<String> = f
        .indicators
        .iter()
        .zip(&a.indicators)
        .filter(|(_, l)| l.light != Light::Green)
        .map(|(ind, l)| format!("      {} {}：{}\n", l.light.label(), ind.name, l.reason))
        .collect();
    if lit.is_empty() {
        s.push_str(&format!("    指标：{} 项，均为绿灯\n", f.indicators.len()));
    } else {
        s.push_str(&format!(
            "    指标：{} 项，其中红灯、黄灯：\n",
            f.indicators.len()
        ));
        s.extend(lit);
    }
    if a.required.is_empty() {
        s.push_str("    须说明：无\n");
    } else {
        s.push_str("    须说明（提交前必须填写）：\n");
        for r in &a.required {
            s.push_str(&format!(
                "      - {}：{}\n",
                monitor::field_name(f, &r.path),
                r.why
            ));
        }
    }
    if !m.findings.is_empty() {
        s.push_str("    读取提示（请对照原表核对）：\n");
        for x in &m.findings {
            s.push_str(&format!("      [{}] {}\n", x.code.as_str(), x.message));
        }
    }
    s
}

fn summary_text(items: &[Monitored], unreadable: &[Unreadable]) -> String {
    let units = monitor::lights_by_unit(items);
    let mut s = String::from("各单位亮灯情况：\n");
    let w = units
        .iter()
        .map(|u| UnicodeWidthStr::width(u.unit.as_str()))
        .max()
        .unwrap_or(4)
        .max(4);
    s.push_str(&format!("  {}  项目  红灯  黄灯  绿灯\n", pad("单位", w)));
    for u in &units {
        s.push_str(&format!(
            "  {}  {:>4}  {:>4}  {:>4}  {:>4}\n",
            pad(&u.unit, w),
            u.red + u.yellow + u.green,
            u.red,
            u.yellow,
            u.green
        ));
    }
    let count = |l: Light| items.iter().filter(|m| m.assessment.light == l).count();
    s.push_str(&format!(
        "共 {} 个项目：红灯 {} 个、黄灯 {} 个、绿灯 {} 个；须说明事项 {} 项；无法读取的文件 {} 个（已跳过）。\n",
        items.len(),
        count(Light::Red),
        count(Light::Yellow),
        count(Light::Green),
        items
            .iter()
            .map(|m| m.assessment.required.len())
            .sum::<usize>(),
        unreadable.len()
    ));
    s
}

fn json_of(items: &[Monitored], unreadable: &[Unreadable], policy: &Policy) -> serde_json::Value {
    let projects: Vec<serde_json::Value> = items
        .iter()
        .map(|m| {
            let required: Vec<serde_json::Value> = m
                .assessment
                .required
                .iter()
                .map(|r| {
                    json!({
                        "path": r.path,
                        "field": monitor::field_name(&m.form, &r.path),
                        "why": r.why,
                    })
                })
                .collect();
            json!({
                "file": m.source,
                "project": m.form.name,
                "unit": monitor::unit_of(&m.form),
                "department": m.form.department,
                "year": m.form.year,
                "month": m.form.month,
                "pace_percent": policy.monitoring.expected(m.form.month).map(|e| (e * Decimal::ONE_HUNDRED).round_dp(2).normalize().to_string()),
                "light": m.assessment.light.as_str(),
                "assessment": m.assessment,
                "required": required,
                "findings": m.findings,
                "form": m.form,
            })
        })
        .collect();
    let units: Vec<serde_json::Value> = monitor::lights_by_unit(items)
        .into_iter()
        .map(|u| json!({ "unit": u.unit, "red": u.red, "yellow": u.yellow, "green": u.green }))
        .collect();
    let failed: Vec<serde_json::Value> = unreadable
        .iter()
        .map(|u| json!({ "file": u.source, "error": u.error }))
        .collect();
    json!({ "projects": projects, "units": units, "unreadable": failed })
}

pub fn run(args: MonitorArgs) -> Result<ExitCode> {
    let policy = crate::load_policy(&args.policy)?;
    let mut unreadable = Vec::new();
    let paths = files(&args.inputs, &mut unreadable);
    let mut items = Vec::new();
    for path in &paths {
        match read_file(path) {
            Ok(forms) => {
                let several = forms.len() > 1;
                for (i, (form, findings)) in forms.into_iter().enumerate() {
                    let source = if several {
                        format!("{}#{}", path.display(), i + 1)
                    } else {
                        path.display().to_string()
                    };
                    items.push(Monitored {
                        source,
                        assessment: assess(&form, &policy),
                        form,
                        findings,
                    });
                }
            }
            Err(error) => unreadable.push(Unreadable {
                source: path.display().to_string(),
                error,
            }),
        }
    }

    if let Some(path) = &args.xlsx {
        let bytes = monitor::overview_xlsx(&items, &unreadable, &policy)
            .context("无法生成监控汇总工作簿")?;
        std::fs::write(path, bytes).with_context(|| format!("{}：无法写入", path.display()))?;
    }
    if let Some(path) = &args.pdf {
        let rendered =
            monitor::overview_pdf(&items, &unreadable, &policy, args.fonts_dir.as_deref())
                .context("无法生成监控汇总表（PDF）")?;
        for w in &rendered.warnings {
            eprintln!("警告：{w}");
        }
        std::fs::write(path, &rendered.bytes)
            .with_context(|| format!("{}：无法写入", path.display()))?;
    }

    if args.json {
        out!(
            "{}\n",
            serde_json::to_string_pretty(&json_of(&items, &unreadable, &policy))?
        );
    } else {
        for m in &items {
            out!("{}\n", project_text(m, &policy));
        }
        for u in &unreadable {
            out!("无法读取（已跳过）：{}\n", u.error);
        }
        if !unreadable.is_empty() {
            out!("\n");
        }
        out!("{}", summary_text(&items, &unreadable));
        if let Some(p) = &args.xlsx {
            out!("汇总工作簿：{}\n", p.display());
        }
        if let Some(p) = &args.pdf {
            out!("汇总表（PDF）：{}\n", p.display());
        }
    }
    // Unreadable input is exit code 2, as for every command; then a red light is 1.
    Ok(if !unreadable.is_empty() {
        ExitCode::from(2)
    } else if items.iter().any(|m| m.assessment.light == Light::Red) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
