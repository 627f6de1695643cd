//! Downloads: the project file (TOML) and the documents of `jixiao report` (自评表, 自评报告, open data),
//! scored by the server's policy.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jixiao_core::evaluate_against;

use crate::Shared;
use crate::access::{self};
use crate::auth::CurrentUser;
use crate::error::AppError;

pub async fn download(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let base = format!("{}-{}", rec.project.project.year, rec.project.project.name);
    let (body, mime, name) = if format == "toml" {
        (
            jixiao_io::to_toml(&rec.project).into_bytes(),
            "application/toml; charset=utf-8".to_string(),
            format!("{base}.toml"),
        )
    } else {
        // The documents of `jixiao report`: 自评表 (xlsx), 自评报告 (docx, pdf, html, md), open data (json).
        let fmt: jixiao_report::Format = format.parse().map_err(|_| AppError::NotFound)?;
        let project = rec.project.clone();
        let policy = state.store.policy().clone();
        let history = state.store.history_of_project(id).await?;
        // Typesetting a PDF takes tens of milliseconds of CPU: keep it off the async workers.
        let rendered = tokio::task::spawn_blocking(move || {
            let e = evaluate_against(&project, &history, &policy);
            jixiao_report::render(
                &project,
                &e,
                &policy,
                fmt,
                &jixiao_report::Options::default(),
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("无法生成文档：{e}")))?;
        let label = match fmt {
            jixiao_report::Format::Xlsx => "自评表",
            jixiao_report::Format::Json => "开放数据",
            _ => "自评报告",
        };
        (
            rendered.bytes,
            mime_of(fmt).to_string(),
            format!("{base}-{label}.{}", fmt.extension()),
        )
    };
    Ok((
        [
            (CONTENT_TYPE, mime),
            (CONTENT_DISPOSITION, attachment(&name)),
        ],
        body,
    )
        .into_response())
}

/// A document as a download named `name` (its type from the extension).
pub fn file(name: &str, bytes: Vec<u8>) -> Response {
    let mime = match name.rsplit('.').next() {
        Some("xlsx") => mime_of(jixiao_report::Format::Xlsx),
        Some("docx") => mime_of(jixiao_report::Format::Docx),
        Some("pdf") => mime_of(jixiao_report::Format::Pdf),
        _ => "application/octet-stream",
    };
    (
        [
            (CONTENT_TYPE, mime.to_string()),
            (CONTENT_DISPOSITION, attachment(name)),
        ],
        bytes,
    )
        .into_response()
}

/// Renders off the async workers (typesetting a PDF takes tens of milliseconds of CPU).
pub async fn render<F>(f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, jixiao_report::ReportError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("无法生成文档：{e}")))
}

fn mime_of(f: jixiao_report::Format) -> &'static str {
    use jixiao_report::Format as F;
    match f {
        F::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        F::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        F::Pdf => "application/pdf",
        F::Html => "text/html; charset=utf-8",
        F::Markdown => "text/markdown; charset=utf-8",
        F::Json => "application/json; charset=utf-8",
    }
}

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266).
pub fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The goals of a declaration as the 申报表 workbook, or the 绩效目标表 published with the budget.
async fn download_goals(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let d = crate::goals::visible(&state, &user.user, id)
        .await?
        .declaration;
    let base = format!("{}-{}", d.project.year, d.project.name);
    let (bytes, name) = match format.as_str() {
        "xlsx" => (
            jixiao_io::write_declaration(&d),
            format!("{base}-绩效目标申报表.xlsx"),
        ),
        "docx" => (
            render(move || jixiao_report::goals::docx(&d)).await?,
            format!("{base}-绩效目标表.docx"),
        ),
        "pdf" => (
            render(move || jixiao_report::goals::pdf(&d, None).map(|r| r.bytes)).await?,
            format!("{base}-绩效目标表.pdf"),
        ),
        _ => return Err(AppError::NotFound),
    };
    Ok(file(&name, bytes))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/projects/{id}/download/{format}", get(download))
        .route("/goals/{id}/download/{format}", get(download_goals))
}
