//! `jixiao library search|show|export`: the built-in indicator library (指标库).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use jixiao_core::library::{Library, LibraryEntry};

use crate::out;

#[derive(Subcommand)]
pub enum LibraryAction {
    /// 按指标名称（或其别名）搜索，最相关的在前
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// 显示一个指标：分组、解释、方向、单位、常用取值依据和带出处的实例
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// 导出整个指标库：toml（与内置文件同格式）、json 或 csv（每个实例一行，可用 Excel 打开）
    Export {
        #[arg(long, short = 'f', default_value = "csv")]
        format: String,
        /// 输出文件；省略时打印到标准输出
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
}

pub fn run(action: LibraryAction) -> Result<ExitCode> {
    let lib = Library::builtin();
    match action {
        LibraryAction::Search { query, limit, json } => {
            let hits = lib.search(&query, limit);
            if json {
                out!("{}\n", serde_json::to_string_pretty(&hits)?);
            } else if hits.is_empty() {
                out!(
                    "指标库中没有与“{query}”匹配的指标（共 {} 个指标）。\n",
                    lib.entries.len()
                );
            } else {
                for e in &hits {
                    let example = e.examples.first().map(|x| x.target.as_str()).unwrap_or("");
                    out!(
                        "{}\t{}\t{} / {}\t{}\t例：{example}\n",
                        e.id,
                        e.name,
                        e.level1,
                        e.level2,
                        e.unit
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LibraryAction::Show { id, json } => {
            let Some(e) = lib.get(&id) else {
                bail!("指标库中没有编号为“{id}”的指标（可用 jixiao library search 查找编号）");
            };
            if json {
                out!("{}\n", serde_json::to_string_pretty(e)?);
            } else {
                out!("{}", describe(e));
            }
            Ok(ExitCode::SUCCESS)
        }
        LibraryAction::Export { format, output } => {
            let text = match format.as_str() {
                "toml" => toml::to_string(lib)?,
                "json" => serde_json::to_string_pretty(&lib.entries)? + "\n",
                "csv" => csv(lib),
                other => bail!("不支持的导出格式“{other}”（可用：csv、json、toml）"),
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("{}：无法写入", path.display()))?;
                    eprintln!("已导出 {} 个指标到 {}", lib.entries.len(), path.display());
                }
                None => out!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn describe(e: &LibraryEntry) -> String {
    let mut s = format!(
        "{}（{}）\n  一级指标：{}\n  二级指标：{}\n  类别：{}{}\n  指标解释：{}\n  方向：{}  单位：{}  常用取值依据：{}\n",
        e.name,
        e.id,
        e.level1,
        e.level2,
        e.scope,
        e.sector
            .as_ref()
            .map(|s| format!("·{s}"))
            .unwrap_or_default(),
        e.explanation,
        e.direction.label(),
        if e.unit.is_empty() { "—" } else { &e.unit },
        e.basis
    );
    if !e.aliases.is_empty() {
        s.push_str(&format!("  又作：{}\n", e.aliases.join("、")));
    }
    s.push_str("  实例：\n");
    for x in &e.examples {
        s.push_str(&format!("    {}　出处：{}\n", x.target, x.source));
    }
    s
}

/// One row per example (UTF-8 with a byte-order mark, so that Excel and WPS open it in Chinese).
fn csv(lib: &Library) -> String {
    let cell = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from(
        "\u{feff}编号,类别,行业,一级指标,二级指标,三级指标,别名,指标解释,方向,单位,常用取值依据,实例指标值,出处\n",
    );
    for e in &lib.entries {
        for x in &e.examples {
            let row = [
                e.id.as_str(),
                &e.scope,
                e.sector.as_deref().unwrap_or(""),
                &e.level1,
                &e.level2,
                &e.name,
                &e.aliases.join("、"),
                &e.explanation,
                e.direction.label(),
                &e.unit,
                &e.basis,
                &x.target,
                &x.source,
            ];
            out.push_str(&row.map(cell).join(","));
            out.push('\n');
        }
    }
    out
}
