//! 指标库: search the built-in library and the entries the finance bureau added, see an entry with its
//! real example targets and sources, propose an entry (department) and decide on proposals (finance);
//! the suggestions the goal form and the editor ask for as the clerk types.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use jixiao_core::Direction;
use jixiao_core::library::{self, Example, Library, LibraryEntry};
use jixiao_core::value::ValueKind;
use jixiao_store::Role;
use serde::Deserialize;

use crate::Shared;
use crate::access::require;
use crate::auth::{ApiUser, CurrentUser};
use crate::error::{ApiError, AppError};
use crate::input;
use crate::view::Nav;

/// The bureau's approved additions (the built-in library is static).
async fn additions(state: &Shared) -> Result<Vec<LibraryEntry>, AppError> {
    Ok(state
        .store
        .library_entries(Some("approved"))
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect())
}

async fn search(state: &Shared, q: &str, limit: usize) -> Result<Vec<LibraryEntry>, AppError> {
    let added = additions(state).await?;
    Ok(
        library::search(Library::builtin().entries.iter().chain(&added), q, limit)
            .into_iter()
            .cloned()
            .collect(),
    )
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "library/list.html")]
struct ListPage {
    nav: Nav,
    q: String,
    entries: Vec<LibraryEntry>,
    total: usize,
    counts: Vec<(String, usize)>,
    proposals: Vec<jixiao_store::StoredEntry>,
    can_propose: bool,
    can_decide: bool,
}

async fn list(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Html<String>, AppError> {
    let added = additions(&state).await?;
    let all: Vec<&LibraryEntry> = Library::builtin().entries.iter().chain(&added).collect();
    let entries: Vec<LibraryEntry> = if q.q.trim().is_empty() {
        all.iter().take(60).map(|e| (*e).clone()).collect()
    } else {
        search(&state, &q.q, 200).await?
    };
    let mut counts: Vec<(String, usize)> = Vec::new();
    for e in &all {
        match counts.iter_mut().find(|(k, _)| *k == e.level1) {
            Some((_, n)) => *n += 1,
            None => counts.push((e.level1.clone(), 1)),
        }
    }
    let can_decide = user.user.role == Role::Finance;
    let proposals = if can_decide || user.user.role == Role::Department {
        state.store.library_entries(Some("proposed")).await?
    } else {
        Vec::new()
    };
    Ok(Html(
        ListPage {
            nav: user.nav(),
            q: q.q,
            total: all.len(),
            entries,
            counts,
            proposals,
            can_propose: user.user.role == Role::Department,
            can_decide,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "library/show.html")]
struct ShowPage {
    nav: Nav,
    e: LibraryEntry,
}

async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let e = match Library::builtin().get(&id) {
        Some(e) => e.clone(),
        None => additions(&state)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(AppError::NotFound)?,
    };
    Ok(Html(ShowPage { nav: user.nav(), e }.render()?))
}

#[derive(Deserialize)]
pub struct ProposalForm {
    name: String,
    level1: String,
    #[serde(default)]
    level2: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    basis: String,
    example: String,
    source: String,
}

/// A department proposes an entry; it joins the library when the finance bureau approves it.
async fn propose(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(f): Form<ProposalForm>,
) -> Result<Response, AppError> {
    require(user.user.role == Role::Department)?;
    let sector = f.sector.trim();
    let entry = LibraryEntry {
        id: "proposed".into(),
        scope: if sector.is_empty() {
            "共性"
        } else {
            "行业"
        }
        .into(),
        sector: (!sector.is_empty()).then(|| sector.to_string()),
        level1: f.level1.trim().to_string(),
        level2: f.level2.trim().to_string(),
        name: input::required(&f.name, "指标名称")?.to_string(),
        aliases: Vec::new(),
        explanation: f.explanation.trim().to_string(),
        direction: Direction::parse(&f.direction).unwrap_or(Direction::Positive),
        unit: f.unit.trim().to_string(),
        basis: jixiao_core::Basis::parse(&f.basis)
            .unwrap_or(jixiao_core::Basis::Plan)
            .label()
            .into(),
        examples: vec![Example {
            target: input::required(&f.example, "实例指标值")?.to_string(),
            source: input::required(&f.source, "实例出处")?.to_string(),
        }],
    };
    entry
        .check()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    // The built-in library's rule (tests/library.rs): every example is a target the language reads.
    let example = &entry.examples[0].target;
    match jixiao_core::value::parse(example).kind {
        ValueKind::Unparsed { reason } => {
            return Err(AppError::BadRequest(format!(
                "实例指标值“{example}”无法识别：{reason}"
            )));
        }
        ValueKind::NotApplicable
        | ValueKind::Nil
        | ValueKind::Empty
        | ValueKind::NotDone { .. } => {
            return Err(AppError::BadRequest(format!(
                "实例指标值“{example}”不是指标值"
            )));
        }
        _ => {}
    }
    state
        .store
        .propose_library_entry(&entry, user.user.id)
        .await?;
    Ok(Redirect::to("/library#proposals").into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    require(user.user.role == Role::Finance)?;
    let approve = input::choice(&f.decision, "审核结论", |s| match s {
        "approve" => Some(true),
        "refuse" => Some(false),
        _ => None,
    })?;
    state
        .store
        .decide_library_entry(id, approve, user.user.id, f.note.trim())
        .await?;
    Ok(Redirect::to("/library#proposals").into_response())
}

#[derive(Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    limit: Option<usize>,
}

/// `GET /api/v1/library?q=培训`: entries whose name or alias matches, best first.
pub async fn api_search(
    State(state): State<Shared>,
    ApiUser(_): ApiUser,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Vec<LibraryEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(12).clamp(1, 100);
    Ok(Json(search(&state, &q.q, limit).await?))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/library", get(list))
        .route("/library/proposals", post(propose))
        .route("/library/proposals/{id}", post(decide))
        .route("/library/{id}", get(show))
}
