//! One project's 监控表: the unit fills in execution, progress, forecasts and 完成可能性 and sees the
//! lights; what the rules require must be explained before it is submitted; reviewers approve or
//! return it and decide on a lagging project.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::Policy;
use jixiao_core::monitoring::{Likelihood, MonitorForm, assess};
use jixiao_store::{Decision, Report, Role, Status, User};

use super::in_scope;
use crate::Shared;
use crate::access::require;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::view::{self, Nav};

/// The reasons of a report's lights, in one line (the overview's column).
pub fn reasons(form: &MonitorForm, policy: &Policy) -> String {
    let a = assess(form, policy);
    let mut out = Vec::new();
    if a.execution_light != jixiao_core::monitoring::Light::Green {
        out.push(format!(
            "预算执行率 {}，为序时进度的 {}",
            a.execution_rate
                .map(|r| format!("{}%", r.normalize()))
                .unwrap_or_default(),
            a.execution_ratio
                .map(|r| format!("{}%", r.normalize()))
                .unwrap_or_default()
        ));
    }
    for (ind, l) in form.indicators.iter().zip(&a.indicators) {
        if l.light != jixiao_core::monitoring::Light::Green {
            out.push(format!("{}：{}", ind.name, l.reason));
        }
    }
    out.join("；")
}

async fn visible(state: &Shared, user: &User, id: i64) -> Result<Report, AppError> {
    let r = state.store.report(id).await?.ok_or(AppError::NotFound)?;
    in_scope(state, user, r.org_id).await?;
    Ok(r)
}

fn is_owner(user: &User, r: &Report) -> bool {
    user.role == Role::Editor && user.org_id == r.org_id
}

pub struct Row {
    pub index: usize,
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub progress: String,
    pub forecast: String,
    pub likelihood: String,
    pub deviation: String,
    pub measures: String,
    pub light: &'static str,
    pub light_class: &'static str,
    pub reason: String,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "monitoring/report.html")]
struct ReportPage {
    nav: Nav,
    id: i64,
    round_id: i64,
    revision: i64,
    status: &'static str,
    f: MonitorForm,
    rows: Vec<Row>,
    light: &'static str,
    light_class: &'static str,
    execution_rate: String,
    execution_ratio: String,
    execution_light: &'static str,
    execution_class: &'static str,
    funds_required: bool,
    required: Vec<String>,
    forecast: String,
    can_edit: bool,
    can_review: bool,
    decision: String,
    decision_note: String,
    /// The title of a 整改事项 raised from this report's light, as a query value.
    rectify_q: String,
    decisions: Vec<(&'static str, &'static str)>,
    likelihoods: Vec<(&'static str, &'static str)>,
}

async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let r = visible(&state, &user.user, id).await?;
    let a = assess(&r.form, state.store.policy());
    let needs = |path: &str| a.required.iter().any(|q| q.path == path);
    let rows = r
        .form
        .indicators
        .iter()
        .zip(&a.indicators)
        .enumerate()
        .map(|(i, (ind, l))| Row {
            index: i,
            level1: ind.level1.clone(),
            level2: ind.level2.clone(),
            name: ind.name.clone(),
            target: ind.target.clone(),
            progress: ind.progress.clone(),
            forecast: ind.forecast.clone(),
            likelihood: ind
                .likelihood
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            deviation: ind.deviation.clone(),
            measures: ind.measures.clone(),
            light: l.light.label(),
            light_class: l.light.as_str(),
            reason: l.reason.clone(),
            required: needs(&format!("indicators[{i}].deviation"))
                || needs(&format!("indicators[{i}].measures")),
        })
        .collect();
    let pct = |x: Option<rust_decimal::Decimal>| {
        x.map(|r| format!("{}%", r.normalize())).unwrap_or_default()
    };
    let page = ReportPage {
        nav: user.nav(),
        id,
        round_id: r.round_id,
        revision: r.revision,
        status: r.status.label(),
        rows,
        light: a.light.label(),
        light_class: a.light.as_str(),
        execution_rate: pct(a.execution_rate),
        execution_ratio: pct(a.execution_ratio),
        execution_light: a.execution_light.label(),
        execution_class: a.execution_light.as_str(),
        funds_required: needs("deviation") || needs("measures"),
        // 偏差原因 and 措施 are required for the same reason: say it once.
        required: a
            .required
            .iter()
            .fold(Vec::new(), |mut out: Vec<String>, q| {
                if !out.contains(&q.why) {
                    out.push(q.why.clone());
                }
                out
            }),
        forecast: r.form.forecast.map(view::num).unwrap_or_default(),
        can_edit: is_owner(&user.user, &r) && r.status.editable(),
        can_review: user.user.role.is_reviewer() && r.status == Status::Submitted,
        decision: r
            .decision
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        decision_note: r.decision_note.clone(),
        rectify_q: view::query_value(&format!(
            "{}：截至{}月底运行监控{}",
            r.form.name,
            r.form.month,
            a.light.label()
        )),
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        likelihoods: Likelihood::ALL
            .iter()
            .map(|l| (l.as_str(), l.label()))
            .collect(),
        f: r.form,
    };
    Ok(Html(page.render()?))
}

/// Reads the unit's entries into the form; numbers are exact decimals, each bad one named.
fn read(form: &[(String, String)], f: &mut MonitorForm) -> Result<(), AppError> {
    let one = |k: &str| view::field(form, k);
    let max = Some(rust_decimal::Decimal::from(jixiao_core::model::MAX_AMOUNT));
    f.executed = input::decimal(&one("executed"), "截至本月底执行数", max)?.unwrap_or_default();
    f.forecast = input::decimal(&one("forecast"), "全年预计执行数", max)?;
    f.deviation = one("deviation");
    f.measures = one("measures");
    for (i, ind) in f.indicators.iter_mut().enumerate() {
        let k = |name: &str| one(&format!("{name}{i}"));
        ind.progress = k("progress");
        ind.forecast = k("forecast");
        ind.likelihood = match k("likelihood").as_str() {
            "" => None,
            s => Some(input::choice(s, "完成目标可能性", Likelihood::parse)?),
        };
        ind.deviation = k("deviation");
        ind.measures = k("measures");
    }
    Ok(())
}

/// Save, or save and submit (`submit=1`): a submission with an explanation missing is refused with
/// every missing one named.
async fn save(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = visible(&state, &user.user, id).await?;
    require(is_owner(&user.user, &r))?;
    if !r.status.editable() {
        return Err(AppError::Refused(
            "监控表已提交，如需修改请联系审核人退回。",
        ));
    }
    let base: i64 = view::field(&form, "base")
        .parse()
        .map_err(|_| AppError::BadRequest("缺少版本号".into()))?;
    let mut f = r.form.clone();
    read(&form, &mut f)?;
    let submit = view::field(&form, "submit") == "1";
    if submit {
        let a = assess(&f, state.store.policy());
        if !a.required.is_empty() {
            let missing: Vec<String> = a
                .required
                .iter()
                .map(|q| format!("{}（{}）", field_label(&q.path, &f), q.why))
                .collect();
            return Err(AppError::BadRequest(format!(
                "提交前须填写偏差原因和拟采取的措施：{}",
                missing.join("；")
            )));
        }
    }
    state
        .store
        .write_report(
            id,
            base,
            &f,
            submit.then_some(Status::Submitted),
            user.user.id,
            "",
        )
        .await?;
    Ok(Redirect::to(&format!("/monitoring/reports/{id}")).into_response())
}

fn field_label(path: &str, f: &MonitorForm) -> String {
    let what = if path.ends_with("deviation") {
        "偏差原因"
    } else {
        "拟采取的措施"
    };
    match path
        .strip_prefix("indicators[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| f.indicators.get(i))
    {
        Some(ind) => format!("指标“{}”的{what}", ind.name),
        None => format!("预算执行的{what}"),
    }
}

/// The reviewer approves or returns (with an opinion), and may record a decision on a lagging project.
async fn review(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let r = visible(&state, &user.user, id).await?;
    require(user.user.role.is_reviewer())?;
    let decision = view::field(&form, "decision");
    let note = view::field(&form, "note");
    // The revision the reviewer looked at: a report changed since is a conflict, not approved unseen.
    let base: i64 = view::field(&form, "base")
        .parse()
        .map_err(|_| AppError::BadRequest("缺少版本号".into()))?;
    if base != r.revision {
        return Err(jixiao_store::StoreError::Conflict {
            base,
            current: r.revision,
        }
        .into());
    }
    if !decision.is_empty() {
        if !matches!(r.status, Status::Submitted | Status::Approved) {
            return Err(AppError::Refused("监控表尚未提交，不能作出处理决定。"));
        }
        let d = input::choice(&decision, "处理决定", Decision::parse)?;
        state.store.decide_report(id, d, &note).await?;
    }
    let to = match view::field(&form, "to").as_str() {
        "approved" => Some(Status::Approved),
        "returned" => {
            input::required(&note, "退回意见")?;
            Some(Status::Returned)
        }
        "" => None,
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”"))),
    };
    if let Some(to) = to {
        state
            .store
            .write_report(id, r.revision, &r.form, Some(to), user.user.id, &note)
            .await?;
    }
    Ok(Redirect::to(&format!("/monitoring/reports/{id}")).into_response())
}

/// The 监控表 with its lights as the workbook the unit fills in (xlsx), or as a document (docx, pdf).
async fn download(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let r = visible(&state, &user.user, id).await?;
    let name = format!(
        "{}-{}年1—{}月绩效运行监控表",
        r.form.name, r.form.year, r.form.month
    );
    let policy = state.store.policy().clone();
    let f = r.form;
    let bytes = match format.as_str() {
        "xlsx" => jixiao_io::write_monitor_form(&f),
        "docx" | "pdf" => {
            let pdf = format == "pdf";
            crate::downloads::render(move || {
                let a = assess(&f, &policy);
                if pdf {
                    jixiao_report::monitor::form_pdf(&f, &a, &policy, None).map(|r| r.bytes)
                } else {
                    jixiao_report::monitor::form_docx(&f, &a, &policy)
                }
            })
            .await?
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(crate::downloads::file(&format!("{name}.{format}"), bytes))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/monitoring/reports/{id}/download/{format}", get(download))
        .route("/monitoring/reports/{id}", get(show).post(save))
        .route("/monitoring/reports/{id}/review", post(review))
}
