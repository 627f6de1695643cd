//! Static files, compiled into the binary (intranets have no CDN).

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

use crate::error::AppError;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let asset = Assets::get(&file).ok_or(AppError::NotFound)?;
    let mime = match file.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    Ok((
        [(CONTENT_TYPE, mime), (CACHE_CONTROL, "no-cache")],
        asset.data.into_owned(),
    )
        .into_response())
}
