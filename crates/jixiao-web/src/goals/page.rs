//! The declaration's page: the 申报表, the goal checks, the review form, comments, revisions.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use jixiao_core::Grade;
use jixiao_core::goals::{Declaration, check_declaration};
use jixiao_store::{GoalStatus, ReviewLevel};

use super::{edit_refusal, history, is_owner, review_level, visible};
use crate::Shared;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::projects::{FindingRow, finding_row};
use crate::view::{self, Nav};

pub struct GoalRow {
    pub index: usize,
    pub level1: String,
    pub level1_span: usize,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub hint: String,
    pub weight: String,
    pub explanation: String,
    pub basis: String,
    pub data_source: String,
    /// The approved target where this one differs (an adjustment in progress).
    pub approved: Option<String>,
}

pub struct CommentRow {
    pub author: String,
    pub time: String,
    pub indicator: String,
    pub body: String,
}

pub struct RevisionRow {
    pub number: i64,
    pub action: &'static str,
    pub status: &'static str,
    pub grade: String,
    pub author: String,
    pub time: String,
    pub note: String,
    pub approval: bool,
}

#[derive(Template)]
#[template(path = "goals/show.html")]
struct ShowPage {
    nav: Nav,
    id: i64,
    org: String,
    status: &'static str,
    revision: i64,
    d: Declaration,
    rows: Vec<GoalRow>,
    total: String,
    sources: Vec<(String, String)>,
    findings: Vec<FindingRow>,
    comments: Vec<CommentRow>,
    revisions: Vec<RevisionRow>,
    grade: String,
    adjustment: String,
    resume: String,
    baseline: Option<i64>,
    project_id: Option<i64>,
    can_edit: bool,
    can_submit: bool,
    can_adjust: bool,
    can_start: bool,
    review_level: &'static str,
    /// The project's 整改事项 not yet closed: next year's goals answer for them.
    open_items: Vec<crate::monitoring::ItemRow>,
    consequences: Vec<(&'static str, &'static str)>,
}

pub(super) async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    let d = &rec.declaration;
    let org = state
        .org(rec.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let baseline = match rec.baseline {
        Some(b) if b != rec.revision => state.store.declaration_revision(id, b).await?,
        _ => None,
    };
    // During an adjustment: each row's approved target, paired as the findings pair them.
    let mut approved: Vec<Option<String>> = vec![None; d.indicators.len()];
    if let Some(b) = &baseline {
        for pair in jixiao_core::goals::pair_with_baseline(&d.to_project(), b) {
            if let Some(i) = pair.current {
                approved[i] = Some(match pair.approved {
                    Some(a) => b.indicators[a].target.clone(),
                    None => "（新增指标）".into(),
                });
            }
        }
    }
    let mut rows: Vec<GoalRow> = d
        .indicators
        .iter()
        .enumerate()
        .map(|(i, g)| GoalRow {
            index: i,
            level1: g.level1.clone(),
            level1_span: 0,
            level2: g.level2.clone(),
            name: g.name.clone(),
            target: g.target.clone(),
            hint: jixiao_core::value::parse(&g.target).describe(),
            weight: g.weight.map(view::num).unwrap_or_default(),
            explanation: g.explanation.clone(),
            basis: match (g.basis, g.basis_note.is_empty()) {
                (Some(b), true) => b.label().to_string(),
                (Some(b), false) => format!("{}：{}", b.label(), g.basis_note),
                (None, _) => String::new(),
            },
            data_source: g.data_source.clone(),
            approved: approved[i].clone().filter(|t| *t != g.target),
        })
        .collect();
    let spans = view::spans(rows.iter().map(|r| r.level1.as_str()));
    for (r, span) in rows.iter_mut().zip(spans) {
        r.level1_span = span;
    }
    let past = history(&state, rec.org_id, &d.project.name).await?;
    let findings = check_declaration(d, &past, state.store.policy())
        .iter()
        .map(finding_row)
        .collect();
    // A comment on an indicator names it as it stood in the revision commented on (rows move).
    let mut names_at: std::collections::HashMap<i64, Vec<String>> = Default::default();
    let mut comments = Vec::new();
    for c in state.store.declaration_comments(id).await? {
        let indicator = match c.indicator {
            Some(i) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = names_at.entry(c.revision)
                {
                    let names = state
                        .store
                        .declaration_revision(id, c.revision)
                        .await?
                        .map(|d| d.indicators.into_iter().map(|g| g.name).collect())
                        .unwrap_or_default();
                    slot.insert(names);
                }
                names_at[&c.revision]
                    .get(i as usize)
                    .cloned()
                    .unwrap_or_default()
            }
            None => String::new(),
        };
        comments.push(CommentRow {
            author: c.author,
            time: view::time(c.created_at),
            indicator,
            body: c.body,
        });
    }
    let revisions = state
        .store
        .declaration_revisions(id)
        .await?
        .into_iter()
        .map(|r| RevisionRow {
            number: r.number,
            action: r.action_label(),
            status: r.status.label(),
            grade: r.grade.map(|g| g.to_string()).unwrap_or_default(),
            author: r.author.clone(),
            time: view::time(r.created_at),
            note: r.note.clone(),
            approval: r.action == "approve",
        })
        .collect();
    let policy = state.store.policy();
    let level = review_level(&user.user, &rec, &state.orgs().await?);
    let owner = is_owner(&user.user, &rec);
    let open_items = crate::monitoring::open_items(&state, rec.org_id, &d.project.name).await?;
    let page = ShowPage {
        nav: user.nav(),
        id,
        org,
        status: rec.status.label(),
        revision: rec.revision,
        rows,
        total: view::wan(d.funds.total),
        sources: d
            .funds
            .sources
            .iter()
            .map(|s| (s.name.clone(), view::wan(s.amount)))
            .collect(),
        findings,
        comments,
        revisions,
        grade: rec.review_grade.map(|g| g.to_string()).unwrap_or_default(),
        adjustment: rec.adjustment.clone().unwrap_or_default(),
        resume: rec
            .resume
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        baseline: rec.baseline,
        project_id: rec.project_id,
        can_edit: edit_refusal(&user.user, &rec).is_none(),
        can_submit: owner && rec.status.editable(),
        can_adjust: owner && rec.status == GoalStatus::Approved,
        can_start: owner && rec.baseline.is_some() && rec.project_id.is_none(),
        open_items,
        review_level: match level {
            Some(ReviewLevel::Department) => "主管部门审核",
            Some(ReviewLevel::Finance) => "财政部门审核",
            None => "",
        },
        consequences: [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor]
            .into_iter()
            .map(|g| (g.as_str(), policy.goals.consequence(g).label()))
            .collect(),
        d: d.clone(),
    };
    Ok(Html(page.render()?))
}
