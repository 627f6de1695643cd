//! 导入: upload a document, preview what was read with every import finding beside the cell it concerns,
//! confirm. A reading that contradicts the form (an error-level import finding) is saved only once the
//! clerk has acknowledged it; the import findings stay on the saved revision as comments on their rows.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::{Code, Finding, Policy, Severity, evaluate};
use jixiao_io::Imported;
use jixiao_store::Action;
use serde::{Deserialize, Serialize};

use crate::Shared;
use crate::access::require;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::projects::{FindingRow, Scored, finding_row, scored};
use crate::view::{self, Nav};

#[derive(Template)]
#[template(path = "import/import.html")]
struct ImportPage {
    nav: Nav,
    error: String,
}

pub async fn import_page(user: CurrentUser) -> Result<Html<String>, AppError> {
    require(user.user.role == jixiao_store::Role::Editor)?;
    Ok(Html(
        ImportPage {
            nav: user.nav(),
            error: String::new(),
        }
        .render()?,
    ))
}

/// One project of the uploaded file, as the preview shows it.
struct Preview {
    p: jixiao_core::Project,
    s: Scored,
    /// The project as JSON, sent back on confirmation.
    data: String,
    /// The import findings as JSON, sent back on confirmation and kept on the revision.
    notes: String,
    /// Import findings on the funds block and the header, shown beside them.
    funds_notes: Vec<FindingRow>,
    header_notes: Vec<FindingRow>,
    /// Import findings by indicator row (index into `s.rows`); table-wide ones under `table_notes`.
    row_notes: Vec<Vec<FindingRow>>,
    table_notes: Vec<FindingRow>,
    other_notes: Vec<FindingRow>,
    /// An error-level import finding: saving needs the clerk's acknowledgement.
    needs_ack: bool,
    funds: FundsLine,
}

struct FundsLine {
    initial: String,
    annual: String,
    executed: String,
    rate: String,
    weight: String,
    self_score: String,
}

#[derive(Template)]
#[template(path = "import/import_preview.html")]
struct PreviewPage {
    nav: Nav,
    file: String,
    previews: Vec<Preview>,
}

/// The indicator a finding path names: `indicators[3].weight` → 3.
fn indicator_of(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("indicators[")?;
    rest[..rest.find(']')?].parse().ok()
}

fn preview(imported: Imported, policy: &Policy) -> Preview {
    let project = imported.project;
    let mut e = evaluate(&project, policy);
    e.findings.splice(0..0, imported.findings.iter().cloned());
    let s = scored(&project, &e, policy);
    let mut row_notes: Vec<Vec<FindingRow>> =
        (0..project.indicators.len()).map(|_| Vec::new()).collect();
    let (mut funds_notes, mut header_notes, mut table_notes, mut other_notes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for f in &imported.findings {
        let row = finding_row(f);
        match indicator_of(&f.path) {
            Some(i) if i < row_notes.len() => row_notes[i].push(row),
            _ if f.path.starts_with("funds") => funds_notes.push(row),
            _ if f.path.starts_with("project") => header_notes.push(row),
            _ if f.path.starts_with("indicators") => table_notes.push(row),
            _ => other_notes.push(row),
        }
    }
    let funds = FundsLine {
        initial: view::opt(project.funds.initial),
        annual: view::num(project.funds.annual),
        executed: view::num(project.funds.executed),
        rate: s.execution_rate.clone(),
        weight: view::num(project.funds.execution_weight),
        self_score: view::opt(project.funds.self_score),
    };
    Preview {
        data: jixiao_io::to_json(&project),
        notes: serde_json::to_string(&notes_of(&imported.findings)).unwrap_or_default(),
        needs_ack: imported
            .findings
            .iter()
            .any(|f| f.severity() == Severity::Error),
        p: project,
        s,
        funds_notes,
        header_notes,
        row_notes,
        table_notes,
        other_notes,
        funds,
    }
}

/// An import finding as it travels through the confirmation form.
#[derive(Serialize, Deserialize)]
struct Note {
    code: Code,
    path: String,
    message: String,
}

fn notes_of(findings: &[Finding]) -> Vec<Note> {
    findings
        .iter()
        .map(|f| Note {
            code: f.code,
            path: f.path.clone(),
            message: f.message.clone(),
        })
        .collect()
}

pub async fn import_upload(
    State(state): State<Shared>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    require(user.user.role == jixiao_store::Role::Editor)?;
    let mut upload: Option<(String, axum::body::Bytes)> = None;
    let failed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE || over_body_limit(&e) {
            AppError::TooLarge
        } else {
            AppError::BadRequest(format!("上传失败：{e}"))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(failed)? {
        if field.name() == Some("file") {
            // Only the last path component of the client's name is kept, and only for messages.
            let name = field
                .file_name()
                .unwrap_or("upload")
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("upload")
                .to_string();
            // At most MAX_BODY, held once (the body limit stops a longer stream as it arrives).
            let bytes = field.bytes().await.map_err(failed)?;
            upload = Some((name, bytes));
        }
    }
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        let page = ImportPage {
            nav: user.nav(),
            error: "请选择要导入的文件".into(),
        };
        return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
    };
    match parse_upload(&name, &bytes) {
        Ok(all) => {
            let page = PreviewPage {
                nav: user.nav(),
                file: name,
                previews: all
                    .into_iter()
                    .map(|i| preview(i, state.store.policy()))
                    .collect(),
            };
            Ok(Html(page.render()?).into_response())
        }
        Err(msg) => {
            let page = ImportPage {
                nav: user.nav(),
                error: msg,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
    }
}

/// An upload streamed without a length and stopped at the body limit: the limit's error sits deep in the
/// multipart error's sources, where `status()` does not look.
fn over_body_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(err) = cause {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        cause = err.source();
    }
    false
}

/// Reads an uploaded file with the same readers as `jixiao import`, every project it holds with its
/// import findings.
fn parse_upload(name: &str, bytes: &[u8]) -> Result<Vec<Imported>, String> {
    let dir = tempfile_dir().map_err(|e| format!("无法处理上传：{e}"))?;
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let path = dir.join(format!(
        "upload.{}",
        ext.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
    ));
    std::fs::write(&path, bytes).map_err(|e| format!("无法处理上传：{e}"))?;
    let shown = |s: String| s.replace(&path.display().to_string(), name);
    let result = jixiao_io::import_file(&path)
        .map_err(|e| shown(e.to_string()))
        .and_then(|all| {
            if all.is_empty() {
                Err(format!("{name}：未找到自评表"))
            } else {
                Ok(all)
            }
        })
        .map(|all| {
            all.into_iter()
                .map(|mut imp| {
                    for f in &mut imp.findings {
                        f.message = shown(std::mem::take(&mut f.message));
                    }
                    imp
                })
                .collect()
        });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("jixiao-upload-{}", crate::auth::random_token()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    data: String,
    #[serde(default)]
    notes: String,
    /// 「我已对照原件核对」: required when an import finding is an error.
    #[serde(default)]
    ack: Option<String>,
}

pub async fn import_confirm(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    require(user.user.role == jixiao_store::Role::Editor)?;
    let project = jixiao_io::from_json(&form.data, std::path::Path::new("导入内容"))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let notes: Vec<Note> = if form.notes.trim().is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&form.notes)
            .map_err(|e| AppError::BadRequest(format!("导入发现无法读取：{e}")))?
    };
    let errors = notes
        .iter()
        .filter(|n| n.code.severity() == Severity::Error)
        .count();
    if errors > 0 && form.ack.as_deref() != Some("on") {
        return Err(AppError::BadRequest(format!(
            "导入结果有 {errors} 个“错误”级导入发现：请先对照原件核对，勾选“我已对照原件核对上述导入问题”后再确认导入（也可以在编辑器中改正后再提交）"
        )));
    }
    let note = if notes.is_empty() {
        "上传导入".to_string()
    } else {
        format!("上传导入（导入发现 {} 项，已确认）", notes.len())
    };
    let rec = state
        .store
        .create_project(
            user.user.org_id,
            &project,
            user.user.id,
            Action::Import,
            &note,
        )
        .await?;
    // Each import finding stays on the first revision, beside the row it concerns.
    for n in &notes {
        let body = format!(
            "导入发现（{}）{}：{}",
            n.code.severity().label(),
            n.code.name(),
            n.message
        );
        let indicator = indicator_of(&n.path).map(|i| i as i64);
        state
            .store
            .add_comment(rec.id, rec.revision, user.user.id, indicator, &body)
            .await?;
    }
    Ok(Redirect::to(&format!("/projects/{}", rec.id)).into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/import", get(import_page).post(import_upload))
        .route("/import/confirm", post(import_confirm))
}
