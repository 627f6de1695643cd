//! The batch pipeline: one reader thread walks the inputs (directories recursively, JSON Lines line by
//! line) into a bounded channel; `jobs` workers import, score and check; the calling thread receives
//! each result, hands it to the caller (progress, the findings sheet) and keeps only its summary row.
//! Nothing else is kept, so memory does not grow with the batch beyond the summary rows.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use jixiao_core::{Finding, Policy, Summary, evaluate};

use crate::summary::{Aggregate, Failure, ProjectRow, Review};

/// File extensions the batch reads inside a directory (a file named explicitly is always read).
pub const EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xls", "toml", "json", "jsonl", "txt", "pdf", "docx",
];

/// `gen` writes its manifest next to its output; the batch does not take it for a project.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";

pub struct Options {
    pub jobs: usize,
    pub policy: Policy,
    /// Length of the 抽查 shortlist.
    pub shortlist: usize,
}

/// One result, as it arrives.
pub enum Done<'a> {
    Project {
        row: &'a ProjectRow,
        findings: &'a [Finding],
    },
    Failed(&'a Failure),
}

/// JSON Lines records travel in chunks: one channel hand-off per record cost more than parsing it.
const LINES_PER_CHUNK: usize = 64;

enum Work {
    File(PathBuf),
    /// (1-based line number, text) of consecutive records.
    Lines {
        file: Arc<str>,
        lines: Vec<(usize, String)>,
    },
    Unreadable(Failure),
}

enum Outcome {
    Projects(Vec<(ProjectRow, Vec<Finding>)>),
    Failed(Failure),
}

/// Runs the batch. `each` sees every project and failure once, in completion order; an error it returns
/// stops the batch (e.g. the workbook cannot be written) and is returned.
pub fn run<E: Send>(
    inputs: &[PathBuf],
    opts: &Options,
    mut each: impl FnMut(Done<'_>) -> Result<(), E>,
) -> Result<Review, E> {
    let jobs = opts.jobs.max(1);
    let (work_tx, work_rx) = sync_channel::<Work>(jobs * 8);
    let (done_tx, done_rx) = sync_channel::<Outcome>(jobs * 8);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let mut agg = Aggregate::new();
    let result = std::thread::scope(|s| {
        // Moved in, so that both receivers are dropped when collecting stops early: the workers then fail
        // to send and end, and the reader ends when no worker is left to receive.
        let (work_rx, done_rx) = (work_rx, done_rx);
        s.spawn(move || {
            for input in inputs {
                if !feed(input, true, &work_tx) {
                    return;
                }
            }
        });
        for _ in 0..jobs {
            let rx = work_rx.clone();
            let tx = done_tx.clone();
            let policy = &opts.policy;
            s.spawn(move || worker(&rx, &tx, policy));
        }
        drop((done_tx, work_rx));
        let r = collect(&done_rx, &mut agg, &mut each);
        drop(done_rx);
        r
    });
    result.map(|()| agg.finish(opts.shortlist))
}

fn collect<E>(
    rx: &Receiver<Outcome>,
    agg: &mut Aggregate,
    each: &mut impl FnMut(Done<'_>) -> Result<(), E>,
) -> Result<(), E> {
    for outcome in rx.iter() {
        match outcome {
            Outcome::Projects(list) => {
                for (row, findings) in list {
                    each(Done::Project {
                        row: &row,
                        findings: &findings,
                    })?;
                    agg.add(row, &findings);
                }
            }
            Outcome::Failed(f) => {
                each(Done::Failed(&f))?;
                agg.fail(f.source, f.error);
            }
        }
    }
    Ok(())
}

fn worker(rx: &Mutex<Receiver<Work>>, tx: &SyncSender<Outcome>, policy: &Policy) {
    loop {
        let work = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok(work) = work else { return };
        let outcome = match work {
            Work::Unreadable(f) => Outcome::Failed(f),
            Work::File(path) => match jixiao_io::import_file(&path) {
                Err(e) => Outcome::Failed(Failure {
                    source: path.display().to_string(),
                    error: e.to_string(),
                }),
                Ok(all) => {
                    let several = all.len() > 1;
                    let list = all
                        .into_iter()
                        .enumerate()
                        .map(|(i, imported)| {
                            let source = if several {
                                format!("{}#{}", path.display(), i + 1)
                            } else {
                                path.display().to_string()
                            };
                            score(source, &imported.project, imported.findings, policy)
                        })
                        .collect();
                    Outcome::Projects(list)
                }
            },
            Work::Lines { file, lines } => {
                let mut projects = Vec::with_capacity(lines.len());
                for (line, text) in lines {
                    let source = format!("{file}:{line}");
                    match jixiao_io::from_json(&text, Path::new(&source)) {
                        Ok(project) => projects.push(score(source, &project, Vec::new(), policy)),
                        Err(e) => {
                            if tx
                                .send(Outcome::Failed(Failure {
                                    source,
                                    error: e.to_string(),
                                }))
                                .is_err()
                            {
                                return;
                            }
                        }
                    }
                }
                Outcome::Projects(projects)
            }
        };
        if tx.send(outcome).is_err() {
            return;
        }
    }
}

fn score(
    source: String,
    project: &jixiao_core::Project,
    import_findings: Vec<Finding>,
    policy: &Policy,
) -> (ProjectRow, Vec<Finding>) {
    let mut eval = evaluate(project, policy);
    let mut findings = import_findings;
    findings.append(&mut eval.findings);
    findings.sort_by_key(|f| f.severity());
    eval.findings = findings;
    let summary = Summary::of(project, &eval, policy);
    let row = ProjectRow::new(source, project, &summary, &eval.findings, policy, None);
    (row, eval.findings)
}

/// Sends the work for one input; false when the workers are gone.
fn feed(path: &Path, named: bool, tx: &SyncSender<Work>) -> bool {
    let fail = |error: String| {
        Work::Unreadable(Failure {
            source: path.display().to_string(),
            error,
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return tx
                .send(fail(format!("{}：无法读取：{e}", path.display())))
                .is_ok();
        }
    };
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                return tx
                    .send(fail(format!("{}：无法读取目录：{e}", path.display())))
                    .is_ok();
            }
        };
        entries.sort();
        for entry in entries {
            if !feed(&entry, false, tx) {
                return false;
            }
        }
        return true;
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !named
        && (name.starts_with('.')
            || name.starts_with("~$")
            || name.ends_with(MANIFEST_SUFFIX)
            || !EXTENSIONS.contains(&ext.as_str()))
    {
        return true;
    }
    if ext == "jsonl" {
        return feed_lines(path, tx);
    }
    tx.send(Work::File(path.to_path_buf())).is_ok()
}

/// JSON Lines: one project per line; a bad line is a failure of that line only.
fn feed_lines(path: &Path, tx: &SyncSender<Work>) -> bool {
    let file: Arc<str> = path.display().to_string().into();
    let reader = match std::fs::File::open(path) {
        Ok(f) => BufReader::with_capacity(1 << 20, f),
        Err(e) => {
            return tx
                .send(Work::Unreadable(Failure {
                    source: file.to_string(),
                    error: format!("{file}：无法读取文件：{e}"),
                }))
                .is_ok();
        }
    };
    let mut chunk = Vec::with_capacity(LINES_PER_CHUNK);
    for (i, line) in reader.split(b'\n').enumerate() {
        let line_no = i + 1;
        let failure = match line {
            Err(e) => Failure {
                source: format!("{file}:{line_no}"),
                error: format!("{file}：第 {line_no} 行无法读取：{e}"),
            },
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => {
                    chunk.push((line_no, text));
                    if chunk.len() == LINES_PER_CHUNK
                        && tx
                            .send(Work::Lines {
                                file: file.clone(),
                                lines: std::mem::take(&mut chunk),
                            })
                            .is_err()
                    {
                        return false;
                    }
                    continue;
                }
                Err(_) => Failure {
                    source: format!("{file}:{line_no}"),
                    error: format!("{file}：第 {line_no} 行不是 UTF-8 文本"),
                },
            },
        };
        if tx.send(Work::Unreadable(failure)).is_err() {
            return false;
        }
    }
    chunk.is_empty() || tx.send(Work::Lines { file, lines: chunk }).is_ok()
}
