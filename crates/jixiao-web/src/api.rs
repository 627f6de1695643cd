//! The JSON API under `/api/v1`, with the same permissions as the pages (session cookie + CSRF
//! header, or `Authorization: Bearer TOKEN`), and its OpenAPI document.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jixiao_core::exchange::{Dec, money};
use jixiao_core::{Exchange, History, Policy, Project, evaluate_against, value};
use jixiao_store::{
    Action, AuditAction, AuditEntry, ProjectFilter, ProjectRow, Role, Sort, Status, token_id,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Shared;
use crate::access::{self, can_move, require};
use crate::accounts::ClientAddr;
use crate::auth::{ApiUser, random_token, token_hash};
use crate::error::{ApiError, AppError};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
        .route("/v1/me", get(me))
        .route("/v1/tokens", get(list_tokens).post(create_token))
        .route("/v1/tokens/{id}", delete(revoke_token))
        .route("/v1/projects", get(list).post(create))
        .route("/v1/projects/{id}", get(read).put(update))
        .route("/v1/projects/{id}/evaluation", get(evaluation))
        .route("/v1/projects/{id}/revisions", get(revisions))
        .route("/v1/projects/{id}/status", post(status))
        .route("/v1/evaluate", post(evaluate_draft))
        .route("/v1/parse", post(parse_value))
        .route("/v1/library", get(crate::library::api_search))
}

type ApiResult = Result<Response, ApiError>;

/// One row of the project list: exact decimals as strings and money with its unit, as in the
/// evaluation. `total_centi`, `self_total_centi` and `annual_fen` (integers in hundredths and 分) are
/// the names of version 0.1 and stay until the next version (deprecated: CHANGELOG, OpenAPI).
fn list_item(r: &ProjectRow) -> Value {
    let centi = |x: i64| Dec(Decimal::new(x, 2));
    json!({
        "id": r.id, "org_id": r.org_id, "org_name": r.org_name, "name": r.name, "year": r.year,
        "status": r.status, "revision": r.revision, "updated_at": r.updated_at,
        "total": centi(r.total_centi), "self_total": r.self_total_centi.map(centi), "grade": r.grade,
        "errors": r.errors, "warnings": r.warnings,
        "annual": money(Decimal::new(r.annual_fen, 2) / Decimal::from(10_000)),
        "total_centi": r.total_centi, "self_total_centi": r.self_total_centi, "annual_fen": r.annual_fen,
    })
}

async fn me(ApiUser(user): ApiUser) -> ApiResult {
    let u = &user.user;
    Ok(Json(json!({ "id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "org_id": u.org_id, "csrf": user.csrf })).into_response())
}

#[derive(Deserialize)]
struct TokenRequest {
    name: String,
}

/// A personal API token for scripts; shown once. Audited by its public id (the start of its hash).
async fn create_token(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    ApiUser(user): ApiUser,
    Json(req): Json<TokenRequest>,
) -> ApiResult {
    let token = random_token();
    let hash = token_hash(&token);
    let name = req.name.trim();
    let entry = AuditEntry {
        actor_id: Some(user.user.id),
        action: AuditAction::TokenCreated,
        subject: token_id(&hash),
        detail: name,
        client: &client,
    };
    state
        .store
        .audited(entry)
        .create_api_token(&hash, user.user.id, name)
        .await
        .map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "id": token_id(&hash), "name": req.name })),
    )
        .into_response())
}

/// The signed-in user's tokens (public id, name, creation time), never the tokens themselves.
async fn list_tokens(State(state): State<Shared>, ApiUser(user): ApiUser) -> ApiResult {
    let tokens = state
        .store
        .api_tokens(user.user.id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(json!({ "tokens": tokens })).into_response())
}

/// Revokes one of the signed-in user's tokens by its public id; later use of it is refused and audited.
async fn revoke_token(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult {
    let entry = AuditEntry {
        actor_id: Some(user.user.id),
        action: AuditAction::TokenRevoked,
        subject: &id,
        detail: "",
        client: &client,
    };
    let revoked = state
        .store
        .audited(entry)
        .revoke_api_token(user.user.id, &id)
        .await
        .map_err(AppError::from)?;
    if !revoked {
        return Err(AppError::NotFound.into());
    }
    Ok(Json(json!({ "revoked": id })).into_response())
}

#[derive(Deserialize, Default)]
struct ListQuery {
    year: Option<i32>,
    status: Option<String>,
    grade: Option<String>,
    has_findings: Option<bool>,
    q: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    after: Option<i64>,
}

async fn list(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let filter = ProjectFilter {
        org_ids: access::scope(&state, &user.user).await?,
        year: q.year,
        status: q.status.as_deref().and_then(Status::parse),
        grade: q.grade,
        has_findings: q.has_findings,
        search: q.q,
        sort: Sort::parse(q.sort.as_deref().unwrap_or("")),
        limit: q.limit.unwrap_or(100).clamp(1, 1000),
        offset: q.offset.unwrap_or(0),
        after: q.after,
    };
    let total = state.counted(&filter).await?;
    let rows = state
        .store
        .list_projects(&filter)
        .await
        .map_err(AppError::from)?;
    let items: Vec<Value> = rows.iter().map(list_item).collect();
    // A full page may have a next one: it starts after this page's last project.
    let next = (rows.len() as i64 == filter.limit)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Json(json!({ "projects": items, "total": total, "next_after": next })).into_response())
}

async fn read(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult {
    let rec = access::visible_project(&state, &user.user, id).await?;
    Ok(Json(json!({ "id": rec.id, "org_id": rec.org_id, "status": rec.status, "revision": rec.revision, "project": rec.project })).into_response())
}

#[derive(Deserialize)]
struct CreateRequest {
    project: Value,
}

async fn create(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Json(req): Json<CreateRequest>,
) -> ApiResult {
    require(user.user.role == Role::Editor)?;
    let project = parse_project(&req.project)?;
    let rec = state
        .store
        .create_project(
            user.user.org_id,
            &project,
            user.user.id,
            Action::Create,
            "API",
        )
        .await
        .map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": rec.id, "revision": rec.revision })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct UpdateRequest {
    /// The revision the change is based on: a stale one is a 409 conflict.
    base_revision: i64,
    project: Value,
    #[serde(default)]
    note: String,
}

async fn update(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(req): Json<UpdateRequest>,
) -> ApiResult {
    let rec = access::visible_project(&state, &user.user, id).await?;
    access::require_edit(&user.user, &rec)?;
    let project = parse_project(&req.project)?;
    let revision = state
        .store
        .save_project(
            id,
            req.base_revision,
            &project,
            user.user.id,
            Action::Save,
            &req.note,
        )
        .await
        .map_err(AppError::from)?;
    Ok(Json(json!({ "id": id, "revision": revision })).into_response())
}

/// Reads a project in the project-file shape, with the file format's errors (field paths).
fn parse_project(v: &Value) -> Result<Project, ApiError> {
    jixiao_io::from_json(&v.to_string(), std::path::Path::new("请求"))
        .map_err(|e| ApiError(AppError::BadRequest(e.to_string())))
}

async fn evaluation(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let history = state
        .store
        .history_of_project(id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(evaluation_json(
        &rec.project,
        &history,
        state.store.policy(),
    ))
    .into_response())
}

/// The project with its evaluation and findings in the one JSON form (jixiao_core::exchange),
/// measured against its approved goals when it has some.
pub fn evaluation_json(p: &Project, history: &History, policy: &Policy) -> Value {
    let e = evaluate_against(p, history, policy);
    serde_json::to_value(Exchange::new(p, &e, policy)).unwrap_or(Value::Null)
}

#[derive(Deserialize, Default)]
struct DraftQuery {
    /// The stored project the draft is an edit of: its approved goals and monitoring apply.
    #[serde(default)]
    project: Option<i64>,
}

/// Live evaluation of an unsaved draft (the editor's score panel). Validation problems are returned
/// as data, not as an error, so the panel can show them while the clerk types.
async fn evaluate_draft(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Query(q): Query<DraftQuery>,
    Json(v): Json<Value>,
) -> ApiResult {
    let history = match q.project {
        Some(id) => {
            access::visible_project(&state, &user.user, id).await?;
            state
                .store
                .history_of_project(id)
                .await
                .map_err(AppError::from)?
        }
        None => History::default(),
    };
    match jixiao_io::from_json(&v.to_string(), std::path::Path::new("编辑内容")) {
        Ok(p) => Ok(Json(evaluation_json(&p, &history, state.store.policy())).into_response()),
        Err(e) => Ok(Json(json!({ "invalid": e.to_string() })).into_response()),
    }
}

#[derive(Deserialize)]
struct ParseRequest {
    text: String,
    #[serde(default)]
    target: Option<String>,
}

/// How the value language reads one text (with its target, for an actual).
async fn parse_value(_user: ApiUser, Json(req): Json<ParseRequest>) -> ApiResult {
    let v = match &req.target {
        Some(t) => value::parse_actual(&req.text, &value::parse(t)),
        None => value::parse(&req.text),
    };
    Ok(Json(json!({ "hint": v.describe(), "value": v })).into_response())
}

async fn revisions(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult {
    access::visible_project(&state, &user.user, id).await?;
    let revs = state.store.revisions(id).await.map_err(AppError::from)?;
    Ok(Json(json!({ "revisions": revs })).into_response())
}

#[derive(Deserialize)]
struct StatusRequest {
    to: String,
    base_revision: i64,
    #[serde(default)]
    note: String,
}

async fn status(
    State(state): State<Shared>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(req): Json<StatusRequest>,
) -> ApiResult {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let to = crate::input::choice(&req.to, "状态", Status::parse)?;
    require(can_move(&user.user, &rec, to))?;
    crate::workflow::required_note(&state, &rec, to, &req.note).await?;
    let revision = state
        .store
        .set_status(id, req.base_revision, to, user.user.id, &req.note)
        .await
        .map_err(AppError::from)?;
    Ok(Json(json!({ "id": id, "revision": revision, "status": to })).into_response())
}

async fn docs() -> Html<&'static str> {
    Html(include_str!("../templates/api_docs.html"))
}

/// The OpenAPI 3.1 description of `/api/v1`.
async fn openapi() -> Json<Value> {
    let id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let ok = |d: &str| json!({ "description": d, "content": { "application/json": {} } });
    let err = json!({ "description": "错误（JSON：error, status）" });
    let evaluation = |d: &str| json!({ "description": d, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Evaluation" } } } });
    Json(json!({
        "openapi": "3.1.0",
        "info": { "title": "jixiao API", "version": env!("CARGO_PKG_VERSION"), "description": "预算绩效管理系统接口（绩效目标、年度自评、指标库）。认证：登录会话（Cookie，修改类请求须带 X-CSRF-Token 头）或 Authorization: Bearer 令牌（POST /api/v1/tokens 创建）。权限与网页相同。" },
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "jixiao_session" },
                "token": { "type": "http", "scheme": "bearer" }
            },
            // Evaluation (the one JSON form of project + evaluation + findings, `jixiao schema evaluation`)
            // and Project (the project file, `jixiao schema`), with their parts.
            "schemas": jixiao_core::exchange::openapi_schemas()
        },
        "security": [{ "session": [] }, { "token": [] }],
        "paths": {
            "/api/v1/me": { "get": { "summary": "当前用户", "responses": { "200": ok("用户信息与 CSRF 令牌"), "401": err } } },
            "/api/v1/tokens": { "get": { "summary": "本人的 API 令牌（编号、名称、创建时间；不含令牌本身）", "responses": { "200": ok("令牌列表"), "401": err } }, "post": { "summary": "创建 API 令牌（只显示一次）", "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] } } } }, "responses": { "201": ok("令牌"), "401": err } } },
            "/api/v1/tokens/{id}": { "delete": { "summary": "吊销本人的一个 API 令牌（按编号）；之后用它的请求返回 401 并记入审计日志", "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }], "responses": { "200": ok("已吊销"), "401": err, "404": err } } },
            "/api/v1/projects": {
                "get": { "summary": "项目列表（按权限范围）", "parameters": [
                    { "name": "year", "in": "query", "schema": { "type": "integer" } },
                    { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["draft", "submitted", "returned", "approved", "published"] } },
                    { "name": "grade", "in": "query", "schema": { "type": "string", "enum": ["优", "良", "中", "差"] } },
                    { "name": "has_findings", "in": "query", "schema": { "type": "boolean" } },
                    { "name": "q", "in": "query", "schema": { "type": "string" } },
                    { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["updated", "name", "total", "-total", "gap", "findings"] } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } },
                    { "name": "offset", "in": "query", "schema": { "type": "integer" } },
                    { "name": "after", "in": "query", "description": "分页：上一页最后一个项目的 id（响应中的 next_after）", "schema": { "type": "integer" } }
                ], "responses": { "200": ok("项目摘要列表：total、self_total 为精确小数字符串，annual 为带单位的金额；total_centi、self_total_centi、annual_fen 已弃用，下一版本删除"), "401": err } },
                "post": { "summary": "新建项目（单位填报人）", "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "project": { "$ref": "#/components/schemas/Project" } }, "required": ["project"] } } } }, "responses": { "201": ok("id 与版本号"), "400": err, "403": err } }
            },
            "/api/v1/projects/{id}": {
                "get": { "summary": "读取项目（最新版本）", "parameters": [id.clone()], "responses": { "200": ok("项目"), "404": err } },
                "put": { "summary": "保存新版本（须给出所基于的版本号；已被他人修改时返回 409）", "parameters": [id.clone()], "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "base_revision": { "type": "integer" }, "project": { "$ref": "#/components/schemas/Project" }, "note": { "type": "string" } }, "required": ["base_revision", "project"] } } } }, "responses": { "200": ok("新版本号"), "400": err, "403": err, "404": err, "409": err } }
            },
            "/api/v1/projects/{id}/evaluation": { "get": { "summary": "项目、评分结果与审核发现（jixiao-evaluation 第 2 版）", "parameters": [id.clone()], "responses": { "200": evaluation("项目、评分结果与审核发现"), "404": err } } },
            "/api/v1/projects/{id}/revisions": { "get": { "summary": "修改历史", "parameters": [id.clone()], "responses": { "200": ok("版本列表"), "404": err } } },
            "/api/v1/projects/{id}/status": { "post": { "summary": "流转：提交、退回、审核通过、公开", "parameters": [id], "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "to": { "type": "string", "enum": ["submitted", "returned", "approved", "published"] }, "base_revision": { "type": "integer" }, "note": { "type": "string" } }, "required": ["to", "base_revision"] } } } }, "responses": { "200": ok("新版本号与状态"), "400": err, "403": err, "404": err, "409": err } } },
            "/api/v1/evaluate": { "post": { "summary": "对未保存的项目内容评分（编辑器实时计算用）", "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Project" } } } }, "responses": { "200": { "description": "评分结果（Evaluation），或 { invalid：校验错误 }", "content": { "application/json": { "schema": { "oneOf": [ { "$ref": "#/components/schemas/Evaluation" }, { "type": "object", "properties": { "invalid": { "type": "string" } }, "required": ["invalid"] } ] } } } } } } },
            "/api/v1/parse": { "post": { "summary": "指标值识别", "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "text": { "type": "string" }, "target": { "type": "string" } }, "required": ["text"] } } } }, "responses": { "200": ok("识别结果与提示") } } },
            "/api/v1/library": { "get": { "summary": "指标库搜索（按三级指标名称或别名，最相关的在前；填报时的提示即用此接口）", "parameters": [
                { "name": "q", "in": "query", "required": true, "schema": { "type": "string" } },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 12 } } ],
                "responses": { "200": ok("指标库条目：分组、指标解释、方向、单位、常用取值依据、带出处的实例指标值") } } }
        }
    }))
}
