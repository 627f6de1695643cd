//! Who may see and do what. A project outside a user's scope is "not found" (404), so ids cannot be
//! probed; a visible project the user may not change is "forbidden" (403).

use jixiao_store::{Org, ProjectRecord, Role, Status, User};

use crate::Shared;
use crate::error::AppError;

/// Every organisation at or under `root`.
pub fn subtree(orgs: &[Org], root: i64) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            orgs.iter()
                .filter(|o| o.parent_id == Some(parent))
                .map(|o| o.id),
        );
        i += 1;
    }
    out
}

/// The organisations whose projects a user sees; `None` means all (admin).
pub async fn scope(state: &Shared, user: &User) -> Result<Option<Vec<i64>>, AppError> {
    Ok(match user.role {
        Role::Admin => None,
        Role::Editor => Some(vec![user.org_id]),
        Role::Department | Role::Finance => Some(subtree(&state.orgs().await?, user.org_id)),
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
    user.role == Role::Editor && user.org_id == rec.org_id && rec.status.editable()
}

/// Reviewers (department, finance) act on submitted projects in their scope (scope is checked by
/// `visible_project`); publishing follows approval.
pub fn can_move(user: &User, rec: &ProjectRecord, to: Status) -> bool {
    match to {
        Status::Submitted => can_edit(user, rec),
        Status::Returned | Status::Approved => {
            user.role.is_reviewer() && matches!(rec.status, Status::Submitted | Status::Approved)
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
