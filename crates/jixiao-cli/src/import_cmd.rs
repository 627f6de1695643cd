//! `jixiao import FILE... [-o OUT]`: documents → project files (docs/import.md, docs/project-file.md), and the loader every command
//! uses so that `eval` and `check` accept every importable format.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jixiao_core::Project;
use jixiao_io::Imported;

/// Loads the projects of any importable file (a workbook or text may hold several), each with its
/// import findings (`eval` and `check` print them with the review's, `report` on stderr).
pub fn load(file: &Path) -> Result<Vec<Imported>> {
    Ok(jixiao_io::import_file(file)?)
}

/// Import findings on stderr, each naming the file and the place.
pub fn print_findings(imported: &Imported) {
    for f in &imported.findings {
        eprintln!(
            "{}：{}：{}（{}）{}（{}）",
            imported.file.display(),
            f.severity().label(),
            f.name(),
            f.code,
            f.message,
            f.path
        );
    }
}

/// Where each project goes: with one input and one project, OUT is the file (`.toml` or `.json`) or a
/// directory; otherwise OUT is a directory (created) and files are named after the input (and sheet/part).
/// Without OUT, a single project is printed to stdout as TOML; several need -o.
pub fn run(files: &[PathBuf], out: Option<&Path>, json: bool) -> Result<ExitCode> {
    let mut all: Vec<Imported> = Vec::new();
    let mut unreadable = false;
    for f in files {
        match jixiao_io::import_file(f) {
            Ok(mut v) => all.append(&mut v),
            Err(e) => {
                unreadable = true;
                eprintln!("错误：{e}");
            }
        }
    }
    all.iter().for_each(print_findings);
    let ext = if json { "json" } else { "toml" };
    let render = |p: &Project, as_json: bool| {
        if as_json {
            jixiao_io::to_json(p)
        } else {
            jixiao_io::to_toml(p)
        }
    };
    match out {
        None => {
            if all.len() > 1 {
                bail!("导入了 {} 个项目，请用 -o 指定输出目录", all.len());
            }
            if let Some(imp) = all.first() {
                crate::out!("{}", render(&imp.project, json));
            }
        }
        Some(out) => {
            let single_file =
                all.len() == 1 && files.len() == 1 && !out.is_dir() && out.extension().is_some();
            if single_file {
                let as_json = json
                    || out
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                write(out, &render(&all[0].project, as_json))?;
                eprintln!("已写入 {}", out.display());
            } else {
                std::fs::create_dir_all(out)
                    .with_context(|| format!("{}：无法创建输出目录", out.display()))?;
                let mut used = std::collections::BTreeSet::new();
                for imp in &all {
                    let stem = imp
                        .file
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or("project")
                        .to_string();
                    let mut name = format!("{stem}.{ext}");
                    let mut n = 1;
                    while !used.insert(name.clone()) {
                        n += 1;
                        name = format!("{stem}-{n}.{ext}");
                    }
                    let path = out.join(&name);
                    write(&path, &render(&imp.project, json))?;
                    eprintln!("已写入 {}", path.display());
                }
            }
        }
    }
    Ok(if unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("{}：无法写入", path.display()))
}
