//! Who may see and do what. A project outside a user's scope is "not found" (404), so ids cannot be
//! probed; a visible project the user may not change is "forbidden" (403).

use std::collections::HashMap;

use jixiao_store::{Org, ProjectRecord, Role, Status, User};

use crate::Shared;
use crate::error::AppError;

/// Every organisation at or under `root`. Called on every scoped request over a province's whole tree
/// (hundreds of units), so the children are indexed once instead of scanning the tree per parent.
pub fn subtree(orgs: &[Org], root: i64) -> Vec<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for o in orgs {
        if let Some(parent) = o.parent_id {
            children.entry(parent).or_default().push(o.id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(ids) = children.get(&out[i]) {
            out.extend_from_slice(ids);
        }
        i += 1;
    }
    out
}

/// The organisations whose projects a user sees; `None` means all (admin).
pub async fn scope(state: &Shared, user: &User) -> Result<Option<Vec<i64>>, AppError> {
    Ok(match user.role {
        Role::Admin => None,
        Role::Editor => Some(vec![user.org_id]),
        Role::Department | Role::Finance => {
            let all = state.orgs().await?.len();
            let mine = state.subtree(user.org_id).await?;
            // The whole tree (the bureau's reviewers): no filter, which lets the database use its indexes.
            (mine.len() < all).then(|| mine.to_vec())
        }
    })
}

pub async fn visible_project(
    state: &Shared,
    user: &User,
    id: i64,
) -> Result<ProjectRecord, AppError> {
    let rec = state.store.project(id).await?.ok_or(AppError::NotFound)?;
    check_visible(state, user, &rec).await?;
    Ok(rec)
}

/// A project outside the user's scope does not exist for them (404, not 403: its existence is not told).
pub async fn check_visible(
    state: &Shared,
    user: &User,
    rec: &ProjectRecord,
) -> Result<(), AppError> {
    match scope(state, user).await? {
        Some(orgs) if !orgs.contains(&rec.org_id) => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

/// Unit editors change their own unit's drafts and returned projects.
pub fn can_edit(user: &User, rec: &ProjectRecord) -> bool {
    edit_refusal(user, rec).is_none()
}

/// Why `user` may not change `rec`, and what to do instead: said on the refused page, never a bare
/// "no permission".
pub fn edit_refusal(user: &User, rec: &ProjectRecord) -> Option<&'static str> {
    if user.role != Role::Editor {
        return Some("只有项目所属单位的填报人可以修改项目；审核人请在项目页填写复核得分或意见。");
    }
    if user.org_id != rec.org_id {
        return Some("该项目属于其他单位，只有该单位的填报人可以修改。");
    }
    match rec.status {
        Status::Draft | Status::Returned => None,
        Status::Submitted => Some("项目已提交，如需修改请联系审核人退回。"),
        Status::Approved => Some("项目已审核通过，不能再修改；如需更正请联系审核人。"),
        Status::Published => Some("项目已公开，不能再修改；如需更正请联系审核人。"),
    }
}

/// Refuses a change with the reason from [`edit_refusal`].
pub fn require_edit(user: &User, rec: &ProjectRecord) -> Result<(), AppError> {
    match edit_refusal(user, rec) {
        None => Ok(()),
        Some(why) => Err(AppError::Refused(why)),
    }
}

/// Reviewers (department, finance) act on submitted projects in their scope (scope is checked by
/// `visible_project`); publishing follows approval.
pub fn can_move(user: &User, rec: &ProjectRecord, to: Status) -> bool {
    match to {
        Status::Submitted => can_edit(user, rec),
        Status::Approved => {
            user.role.is_reviewer() && matches!(rec.status, Status::Submitted | Status::Approved)
        }
        // From 已公开: a correction (更正), the publication staying public until the corrected one.
        Status::Returned => {
            user.role.is_reviewer()
                && matches!(
                    rec.status,
                    Status::Submitted | Status::Approved | Status::Published
                )
        }
        Status::Published => user.role.is_reviewer() && rec.status == Status::Approved,
        Status::Draft => false,
    }
}

pub fn can_review(user: &User, rec: &ProjectRecord) -> bool {
    user.role.is_reviewer() && rec.status == Status::Submitted
}

pub fn require(ok: bool) -> Result<(), AppError> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_store::OrgKind;

    #[test]
    fn subtree_follows_parents() {
        let org = |id, parent| Org {
            id,
            parent_id: parent,
            name: String::new(),
            kind: OrgKind::Unit,
            publish_review: false,
        };
        let orgs = vec![
            org(1, None),
            org(2, Some(1)),
            org(3, Some(2)),
            org(4, Some(1)),
            org(5, None),
        ];
        let mut t = subtree(&orgs, 1);
        t.sort();
        assert_eq!(t, vec![1, 2, 3, 4]);
        assert_eq!(subtree(&orgs, 2), vec![2, 3]);
        assert_eq!(subtree(&orgs, 5), vec![5]);
    }
}
