//! Walks every project a view covers, a chunk at a time, for the views that aggregate a whole
//! province (the dashboard, 结果应用): memory stays bounded whatever the number of projects, and each
//! chunk's goals and monitoring reports come in one query, not one per project.

use jixiao_core::{History, Project};
use jixiao_store::{ProjectFilter, ProjectRow, Sort};

use crate::Shared;
use crate::error::AppError;

/// Projects read per query.
const CHUNK: i64 = 2000;

/// Calls `each` with every project matching `filter` (its sort, limit and paging aside), in creation
/// order, with its current data and what it is measured against.
pub async fn projects(
    state: &Shared,
    filter: &ProjectFilter,
    mut each: impl FnMut(&ProjectRow, &Project, &History),
) -> Result<(), AppError> {
    let none = History::default();
    let mut filter = ProjectFilter {
        sort: Sort::Id,
        limit: CHUNK,
        offset: 0,
        after: None,
        ..filter.clone()
    };
    loop {
        let chunk = state.store.list_projects_with_data(&filter).await?;
        let ids: Vec<i64> = chunk.iter().map(|(row, _)| row.id).collect();
        let histories = state.store.project_histories(&ids).await?;
        for (row, project) in &chunk {
            each(row, project, histories.get(&row.id).unwrap_or(&none));
        }
        match ids.last() {
            Some(&last) if chunk.len() as i64 == CHUNK => filter.after = Some(last),
            _ => return Ok(()),
        }
    }
}
