//! Walks every project a view covers, a chunk at a time, for the views that aggregate a whole
//! province (the dashboard, 结果应用): memory stays bounded whatever the number of projects, each
//! chunk's goals and monitoring reports come in one query (not one per project), and the scoring of a
//! chunk is spread over the processor's cores.

use jixiao_core::{History, Project};
use jixiao_store::{ProjectFilter, ProjectRow, Sort};

use crate::Shared;
use crate::error::AppError;

/// Projects read per query.
const CHUNK: i64 = 2000;

/// Calls `each` with every project matching `filter` (its sort, limit and paging aside), in creation
/// order, with its current data and what it is measured against; `each` runs on several threads at
/// once, and its results come back in order.
pub async fn projects<T: Send>(
    state: &Shared,
    filter: &ProjectFilter,
    each: impl Fn(&ProjectRow, &Project, &History) -> T + Sync,
) -> Result<Vec<T>, AppError> {
    let none = History::default();
    let mut filter = ProjectFilter {
        sort: Sort::Id,
        limit: CHUNK,
        offset: 0,
        after: None,
        ..filter.clone()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = Vec::new();
    loop {
        let chunk = state.store.list_projects_with_data(&filter).await?;
        let ids: Vec<i64> = chunk.iter().map(|(row, _)| row.id).collect();
        let histories = state.store.project_histories(&ids).await?;
        let part = chunk.len().div_ceil(threads).max(1);
        // Scoring is pure computation: plain threads, joined before the next chunk is read.
        std::thread::scope(|s| {
            let workers: Vec<_> = chunk
                .chunks(part)
                .map(|slice| {
                    let (each, histories, none) = (&each, &histories, &none);
                    s.spawn(move || {
                        slice
                            .iter()
                            .map(|(row, project)| {
                                each(row, project, histories.get(&row.id).unwrap_or(none))
                            })
                            .collect::<Vec<T>>()
                    })
                })
                .collect();
            for w in workers {
                // A panic in scoring is a bug: let it surface as the panic it is.
                out.extend(w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
        match ids.last() {
            Some(&last) if chunk.len() as i64 == CHUNK => filter.after = Some(last),
            _ => return Ok(out),
        }
    }
}
