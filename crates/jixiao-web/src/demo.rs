//! `jixiao serve --demo`: organisations, users and projects to try the application with.

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

/// Demo password of every demo account (printed at start).
pub const PASSWORD: &str = "demo2026";

/// Loads the demo data into an empty database; on a database that already has users it does nothing.
/// Returns the lines to print.
pub async fn load(store: &Store) -> Result<Vec<String>, AppError> {
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
    for (dept_name, unit_names) in &departments {
        let dept = store
            .create_org(dept_name, OrgKind::Department, Some(bureau.id))
            .await?;
        for unit in unit_names {
            let u = store.create_org(unit, OrgKind::Unit, Some(dept.id)).await?;
            units.push((unit.to_string(), u.id, dept.id));
        }
    }
    let mut logins = Vec::new();
    for (i, (unit, unit_id, dept_id)) in units.iter().enumerate() {
        let editor = format!("danwei{}", i + 1);
        logins.push((
            editor.clone(),
            format!("{unit} 填报人"),
            Role::Editor,
            *unit_id,
        ));
        if i == 0 {
            logins.push((
                "bumen1".into(),
                "组织部 主管部门审核人".into(),
                Role::Department,
                *dept_id,
            ));
        }
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
    let mut lines = vec![format!(
        "已加载演示数据。所有演示账号的密码均为：{PASSWORD}"
    )];
    lines.push("  admin      系统管理员（用户与机构）".into());
    lines.push("  caizheng   财政局审核员（全部项目）".into());
    for (name, display, _, _) in &logins {
        lines.push(format!("  {name:<10} {display}"));
    }
    Ok(lines)
}
