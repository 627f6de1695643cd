//! `jixiao serve --demo`: organisations, users and projects to try the application with: the named
//! example projects with their whole cycle (goals, monitoring, review), and a generated district around
//! them (district.rs) so that lists, the dashboard and rankings look like a bureau's.

mod district;

pub use district::{DistrictSize, load_district};

use jixiao_core::Project;
use jixiao_store::{Action, NewUser, OrgKind, Role, Status, Store};

use crate::auth::hash_password;
use crate::error::AppError;

/// The seed report plus the demo projects in examples/demo, each with the unit it belongs to.
const PROJECTS: &[(&str, &str)] = &[
    (
        "番禺区委组织部（本级）",
        include_str!("../../../examples/panyu-2022.toml"),
    ),
    (
        "番禺区人才服务中心",
        include_str!("../../../examples/demo/rencai-gongyu-2023.toml"),
    ),
    (
        "番禺区河道管理所",
        include_str!("../../../examples/demo/hedao-baojie-2023.toml"),
    ),
    (
        "番禺区市政设施维护中心",
        include_str!("../../../examples/demo/jiedao-weixiu-2022.toml"),
    ),
    (
        "番禺区体育中心",
        include_str!("../../../examples/demo/lanqiu-saishi-2023.toml"),
    ),
];

/// The river project's goals as declared in full (every 取值依据); the other demo projects' goals are
/// their self-evaluations' targets, as a unit that declared them would have.
const HEDAO_GOALS: &str = include_str!("../../../examples/goals/hedao-baojie-2023.toml");

/// Demo password of every demo account (printed at start).
pub const PASSWORD: &str = "demo2026";

/// Loads the demo data into an empty database; on a database that already has users it does nothing.
/// Returns the lines to print.
pub async fn load(store: &Store) -> Result<Vec<String>, AppError> {
    load_with(store, &DistrictSize::DEMO).await
}

/// [`load`] with a generated district of the size given (the scale benchmark loads a province).
pub async fn load_with(store: &Store, size: &DistrictSize) -> Result<Vec<String>, AppError> {
    if store.count_users().await? > 0 {
        return Ok(vec!["数据库中已有用户，未重复加载演示数据。".into()]);
    }
    let bureau = store
        .create_org("番禺区财政局", OrgKind::Bureau, None)
        .await?;
    let departments = [
        (
            "番禺区委组织部",
            vec!["番禺区委组织部（本级）", "番禺区人才服务中心"],
        ),
        ("番禺区水务局", vec!["番禺区河道管理所"]),
        ("番禺区住房和城乡建设局", vec!["番禺区市政设施维护中心"]),
        ("番禺区文化广电旅游体育局", vec!["番禺区体育中心"]),
    ];
    let hash = hash_password(PASSWORD)?;
    let mut users = vec![
        ("admin", "系统管理员", Role::Admin, bureau.id),
        ("caizheng", "财政局审核员", Role::Finance, bureau.id),
    ];
    let mut units = Vec::new();
    let mut logins = Vec::new();
    for (d, (dept_name, unit_names)) in departments.iter().enumerate() {
        let dept = store
            .create_org(dept_name, OrgKind::Department, Some(bureau.id))
            .await?;
        for unit in unit_names {
            let u = store.create_org(unit, OrgKind::Unit, Some(dept.id)).await?;
            units.push((unit.to_string(), u.id, dept.id));
        }
        // Each department reviews its units' goals before the bureau does.
        logins.push((
            format!("bumen{}", d + 1),
            format!("{dept_name} 审核人"),
            Role::Department,
            dept.id,
        ));
    }
    for (i, (unit, unit_id, _)) in units.iter().enumerate() {
        logins.push((
            format!("danwei{}", i + 1),
            format!("{unit} 填报人"),
            Role::Editor,
            *unit_id,
        ));
    }
    for (name, display, role, org) in users.drain(..) {
        store
            .create_user(&NewUser {
                username: name,
                display_name: display,
                password_hash: &hash,
                role,
                org_id: org,
            })
            .await?;
    }
    for (name, display, role, org) in &logins {
        store
            .create_user(&NewUser {
                username: name,
                display_name: display,
                password_hash: &hash,
                role: *role,
                org_id: *org,
            })
            .await?;
    }
    let all = store.users().await?;
    for (unit, text) in PROJECTS {
        let project: Project =
            toml::from_str(text).map_err(|e| AppError::Internal(format!("演示数据无效：{e}")))?;
        let (_, unit_id, _) = units
            .iter()
            .find(|(n, _, _)| n == unit)
            .ok_or_else(|| AppError::Internal(format!("演示单位 {unit} 不存在")))?;
        let editor = all
            .iter()
            .find(|u| u.org_id == *unit_id && u.role == Role::Editor)
            .ok_or_else(|| AppError::Internal("演示用户缺失".into()))?;
        let rec = store
            .create_project(*unit_id, &project, editor.id, Action::Import, "演示数据")
            .await?;
        // Most demo projects wait for review, as they would in spring.
        if project.project.name != "全民健身赛事活动" {
            store
                .set_status(
                    rec.id,
                    rec.revision,
                    Status::Submitted,
                    editor.id,
                    "提交审核",
                )
                .await?;
        }
    }
    goals(store, &units, &all).await?;
    monitoring(store, &all).await?;
    let generated = load_district(store, size, |_| {}).await?;
    correction(store, &all).await?;
    let mut lines = vec![
        format!("已加载演示数据。所有演示账号的密码均为：{PASSWORD}"),
        format!(
            "另有生成的 {} 个单位、{} 个项目（{}—{} 年度，含有意埋设的错误），供列表、审核看板和排名使用。",
            size.units,
            generated,
            size.years.start(),
            size.years.end()
        ),
    ];
    lines.push("  admin      系统管理员（用户与机构）".into());
    lines.push("  caizheng   财政局审核员（全部项目）".into());
    for (name, display, _, _) in &logins {
        lines.push(format!("  {name:<10} {display}"));
    }
    Ok(lines)
}

/// One published evaluation of the generated district corrected (更正), so that the public site shows a
/// 更正 notice beside the first version: the bureau sends it back, the wording of what was achieved is
/// corrected, and it is published again with its 更正说明.
async fn correction(store: &Store, users: &[jixiao_store::User]) -> Result<(), AppError> {
    let Some(finance) = users.iter().find(|u| u.role == Role::Finance) else {
        return Ok(());
    };
    let Some(first) = store
        .publications(&jixiao_store::PublicationFilter {
            limit: 1,
            ..Default::default()
        })
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let id = first.project_id;
    let rec = store.project(id).await?.ok_or(AppError::NotFound)?;
    let mut rev = store
        .set_status(
            id,
            rec.revision,
            Status::Returned,
            finance.id,
            "目标完成情况的表述与指标实际完成值不一致",
        )
        .await?;
    let mut project = rec.project.clone();
    project.goals.actual = format!(
        "{}（更正：原表述中的完成数量以三级指标的实际完成值为准。）",
        project.goals.actual.trim_end()
    );
    rev = store
        .save_project(
            id,
            rev,
            &project,
            finance.id,
            Action::Save,
            "更正目标完成情况",
        )
        .await?;
    for (to, note) in [
        (Status::Submitted, "更正后重新提交"),
        (Status::Approved, ""),
        (
            Status::Published,
            "更正了“目标实际完成情况”的表述，使之与三级指标的实际完成值一致。",
        ),
    ] {
        rev = store.set_status(id, rev, to, finance.id, note).await?;
    }
    Ok(())
}

/// Every demo project's goals, declared, reviewed and approved before its self-evaluation (which is
/// linked to them); the river project's approved goals were adjusted once (a longer river to clean);
/// next year's goals of the talent flats wait for the department's review.
async fn goals(
    store: &Store,
    units: &[(String, i64, i64)],
    users: &[jixiao_store::User],
) -> Result<(), AppError> {
    use jixiao_core::Declaration;
    use jixiao_store::{GoalMove, ReviewLevel};
    let finance = users
        .iter()
        .find(|u| u.role == Role::Finance)
        .ok_or_else(|| AppError::Internal("演示用户缺失".into()))?;
    let review = |level, grade: jixiao_core::Grade| GoalMove::Review {
        level,
        grade,
        consequence: store.policy().goals.consequence(grade),
    };
    let projects = store
        .list_projects_with_data(&jixiao_store::ProjectFilter {
            limit: 100,
            ..Default::default()
        })
        .await?;
    for (row, project) in projects {
        let Some((_, unit_id, dept_id)) = units.iter().find(|(_, id, _)| *id == row.org_id) else {
            continue;
        };
        let clerk = users
            .iter()
            .find(|u| u.org_id == *unit_id && u.role == Role::Editor)
            .ok_or_else(|| AppError::Internal("演示用户缺失".into()))?;
        let department = users
            .iter()
            .find(|u| u.org_id == *dept_id && u.role == Role::Department);
        let hedao = project.project.name == "河涌保洁及水面垃圾清理";
        let mut d = if hedao {
            toml::from_str::<Declaration>(HEDAO_GOALS)
                .map_err(|e| AppError::Internal(format!("演示目标无效：{e}")))?
        } else {
            Declaration::from_project(&project)
        };
        // The adjustment: approved at 380 km, raised to 385 km when a tributary was handed over.
        let adjusted = d.clone();
        if hedao {
            d.indicators[0].target = "≥380公里".into();
        }
        let rec = store
            .create_declaration(row.org_id, &d, clerk.id, "create", "随预算申报")
            .await?;
        let mut r = store
            .move_declaration(rec.id, rec.revision, GoalMove::Submit, clerk.id, "")
            .await?;
        let approve = |r: i64| async move {
            let r = match department {
                Some(dept) => {
                    store
                        .move_declaration(
                            rec.id,
                            r,
                            review(ReviewLevel::Department, jixiao_core::Grade::Excellent),
                            dept.id,
                            "",
                        )
                        .await?
                }
                None => r,
            };
            store
                .move_declaration(
                    rec.id,
                    r,
                    review(ReviewLevel::Finance, jixiao_core::Grade::Excellent),
                    finance.id,
                    "同意",
                )
                .await
        };
        r = approve(r).await?;
        if hedao {
            r = store
                .move_declaration(
                    rec.id,
                    r,
                    GoalMove::Adjust,
                    clerk.id,
                    "区水务局移交市桥水道支涌5公里，保洁长度相应增加",
                )
                .await?;
            r = store
                .save_declaration(rec.id, r, &adjusted, clerk.id, "调整保洁长度")
                .await?;
            r = store
                .move_declaration(rec.id, r, GoalMove::Submit, clerk.id, "")
                .await?;
            approve(r).await?;
        }
        store.link_declaration(rec.id, row.id).await?;
        // Next year's goals of the talent flats, waiting for the department.
        if project.project.name.contains("人才公寓") {
            let mut next = Declaration::from_project(&project);
            next.project.year += 1;
            next.project.attribute = jixiao_core::goals::Attribute::Continuing;
            let n = store
                .create_declaration(row.org_id, &next, clerk.id, "create", "延续项目")
                .await?;
            store
                .move_declaration(n.id, n.revision, GoalMove::Submit, clerk.id, "")
                .await?;
        }
    }
    Ok(())
}

/// A July round over the 2023 projects: the talent flats red (30% spent, one indicator “完全不可能”,
/// the bureau decided 调整预算), the river yellow (45%), the sports events green; two 整改事项 open,
/// one of them overdue.
async fn monitoring(store: &Store, users: &[jixiao_store::User]) -> Result<(), AppError> {
    use jixiao_core::monitoring::Likelihood;
    use jixiao_store::{Decision, NewRectification};
    use rust_decimal::Decimal;
    let finance = users
        .iter()
        .find(|u| u.role == Role::Finance)
        .ok_or_else(|| AppError::Internal("演示用户缺失".into()))?;
    let orgs: Vec<i64> = store.orgs().await?.iter().map(|o| o.id).collect();
    let round = store
        .open_round(
            finance.org_id,
            &orgs,
            2023,
            7,
            "2023-08-15",
            "2023年1—7月绩效运行监控",
            finance.id,
        )
        .await?;
    for row in store.round_reports(round.id, None).await? {
        let Some(r) = store.report(row.id).await? else {
            continue;
        };
        let clerk = users
            .iter()
            .find(|u| u.org_id == r.org_id && u.role == Role::Editor)
            .ok_or_else(|| AppError::Internal("演示用户缺失".into()))?;
        let mut f = r.form.clone();
        // Share of the year's budget spent by the end of July, and the indicators' progress.
        let (share, status) = match f.name.as_str() {
            "人才公寓租金补贴" => ("0.30", Status::Submitted),
            "河涌保洁及水面垃圾清理" => ("0.45", Status::Approved),
            _ => ("0.60", Status::Draft),
        };
        let share: Decimal = share.parse().unwrap_or_default();
        f.executed = (f.annual * share).round_dp(2);
        f.forecast = Some(f.annual);
        for ind in &mut f.indicators {
            ind.likelihood = Some(Likelihood::Certain);
            ind.forecast = ind.target.clone();
        }
        if f.name == "人才公寓租金补贴" {
            f.deviation = "人才公寓二期交付延后，新入住人才的补贴资格审核尚未完成，上半年补贴集中在9月后发放。".into();
            f.measures =
                "8月底前完成二期入住人才资格审核，9月起按月发放补贴；压减的预算在年中调整中调减。"
                    .into();
            if let Some(ind) = f
                .indicators
                .iter_mut()
                .find(|i| i.name == "人才公寓配租套数")
            {
                ind.progress = "150套".into();
                ind.likelihood = Some(Likelihood::Impossible);
                ind.deviation = "二期公寓交付延期至11月".into();
                ind.measures = "协调建设单位加快验收，先行配租一期空置房源".into();
            }
        }
        let mut rev = store
            .write_report(r.id, r.revision, &f, None, clerk.id, "")
            .await?;
        if status != Status::Draft {
            rev = store
                .write_report(r.id, rev, &f, Some(Status::Submitted), clerk.id, "")
                .await?;
        }
        if status == Status::Approved {
            store
                .write_report(r.id, rev, &f, Some(Status::Approved), finance.id, "")
                .await?;
        }
        if f.name == "人才公寓租金补贴" {
            store
                .decide_report(r.id, Decision::Adjust, "年中调整时调减预算 400 万元")
                .await?;
            store
                .raise_rectification(
                    &NewRectification {
                        org_id: r.org_id,
                        year: 2023,
                        project: &f.name,
                        project_id: None,
                        report_id: Some(r.id),
                        source: "light",
                        source_ref: "red",
                        title: "人才公寓租金补贴：截至7月底运行监控红灯，预算执行率30%",
                        measure: "9月底前完成二期入住人才补贴发放，报送执行进度和发放清单",
                        owner: "人才服务中心 财务科",
                        deadline: "2023-09-30",
                    },
                    finance.id,
                )
                .await?;
        }
    }
    // A finding of a self-evaluation raised as an item, not yet answered.
    let hedao = store
        .list_projects(&jixiao_store::ProjectFilter {
            search: Some("河涌保洁".into()),
            limit: 1,
            ..Default::default()
        })
        .await?;
    if let Some(p) = hedao.first() {
        store
            .raise_rectification(
                &NewRectification {
                    org_id: p.org_id,
                    year: p.year,
                    project: &p.name,
                    project_id: Some(p.id),
                    report_id: None,
                    source: "finding",
                    source_ref: "deviation-unexplained",
                    title: "河涌水质达标率86%，未达到90%的年度目标",
                    measure: "会同排水部门制定汛期截污方案，报送2024年水质监测月报",
                    owner: "河道管理所 所长",
                    deadline: "2027-06-30",
                },
                finance.id,
            )
            .await?;
    }
    Ok(())
}
