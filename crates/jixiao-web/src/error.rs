//! One error type for the web layer, rendered as a page (or JSON under /api) with the right status.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_store::StoreError;

use crate::view::esc;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthorized,
    #[error("没有权限")]
    Forbidden,
    /// Not allowed, with the reason and what to do (e.g. 项目已提交，如需修改请联系审核人退回).
    #[error("{0}")]
    Refused(&'static str),
    #[error("找不到该页面或项目")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("上传的文件过大（上限 {} MB）", crate::MAX_BODY / 1024 / 1024)]
    TooLarge,
    #[error("请求校验失败（CSRF），请刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("服务器内部错误：{0}")]
    Internal(String),
    /// The server cannot start as configured (e.g. an unreadable certificate); the message names the file.
    #[error("{0}")]
    Config(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Refused(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound | AppError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_)
            | AppError::Store(StoreError::BadTransition { .. } | StoreError::DuplicateUser(_)) => {
                StatusCode::BAD_REQUEST
            }
            AppError::Store(StoreError::Conflict { .. }) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Store(StoreError::Busy) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Internal(_) | AppError::Config(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if matches!(self, AppError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        let status = self.status();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("{self}");
        }
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{code} · jixiao</title>\
             <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main class=\"narrow\"><h1>{title}</h1>\
             <p class=\"error\">{msg}</p><p><a href=\"/projects\">返回项目列表</a></p></main></body></html>",
            code = status.as_u16(),
            title = match status.as_u16() {
                403 if matches!(self, AppError::Refused(_)) => "不能修改",
                403 => "没有权限",
                404 => "未找到",
                409 => "版本冲突",
                400 => "请求有误",
                413 => "文件过大",
                503 => "请稍后重试",
                _ => "出错了",
            },
            msg = esc(&self.to_string()),
        );
        (status, Html(body)).into_response()
    }
}

/// The same errors as JSON, for `/api`.
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let mut body =
            serde_json::json!({ "error": self.0.to_string(), "status": status.as_u16() });
        if let AppError::Store(StoreError::Conflict { base, current }) = &self.0 {
            body["base_revision"] = (*base).into();
            body["current_revision"] = (*current).into();
        }
        (status, axum::Json(body)).into_response()
    }
}
