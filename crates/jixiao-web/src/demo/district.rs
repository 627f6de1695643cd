//! The generated district of the demo (and the province of the scale benchmark): the generator's
//! projects (jixiao_batch::synthetic::District) stored under departments and units made as needed
//! beside the named demo organisations. Earlier years are published, the latest is mid-review.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use jixiao_batch::synthetic::District;
use jixiao_store::{Action, NewProject, OrgKind, Role, Status, Store};

use crate::error::AppError;

/// How much to generate.
#[derive(Debug, Clone)]
pub struct DistrictSize {
    pub projects: usize,
    pub units: usize,
    pub years: RangeInclusive<i32>,
    pub seed: u64,
}

impl DistrictSize {
    /// One county (33 units, the named demo units among them), about three projects per unit and year.
    pub const DEMO: DistrictSize = DistrictSize {
        projects: 300,
        units: 33,
        years: 2021..=2023,
        seed: 2023,
    };

    /// Only the named demo projects (the tests of one story each, which look projects up by name).
    pub const NONE: DistrictSize = DistrictSize {
        projects: 0,
        ..DistrictSize::DEMO
    };
}

/// Projects stored per transaction.
const BATCH: usize = 500;

/// Where a generated project stands: earlier years went through the whole cycle and were published;
/// in the latest year most are approved, some wait for review, some were returned, a few are drafts.
fn status(index: usize, year: i32, latest: i32) -> Status {
    if year < latest {
        return Status::Published;
    }
    match index % 20 {
        0..=9 => Status::Approved,
        10..=14 => Status::Submitted,
        15..=16 => Status::Returned,
        _ => Status::Draft,
    }
}

/// Stores the generated projects (the organisations they need are made first, existing ones of the
/// same name reused); `progress` hears the number stored so far. Returns how many were stored.
pub async fn load_district(
    store: &Store,
    size: &DistrictSize,
    progress: impl Fn(usize),
) -> Result<usize, AppError> {
    if size.units == 0 || size.projects == 0 {
        return Ok(0);
    }
    if size.units > District::MAX_UNITS {
        return Err(AppError::BadRequest(format!(
            "生成的单位数最多为 {}，而不是 {}",
            District::MAX_UNITS,
            size.units
        )));
    }
    // The named demo projects keep their names to themselves: a reviewer looking for the talent flats
    // finds that one.
    let named: Vec<String> = store
        .list_projects(&jixiao_store::ProjectFilter {
            limit: 1000,
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    let district = District::new(size.units).without_names(&named);
    let orgs = store.orgs().await?;
    let bureau = match orgs.iter().find(|o| o.kind == OrgKind::Bureau) {
        Some(b) => b.id,
        None => store.create_org("财政局", OrgKind::Bureau, None).await?.id,
    };
    let author = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.role == Role::Admin)
        .map(|u| u.id)
        .ok_or_else(|| AppError::Internal("演示数据需要一个管理员账号".into()))?;
    let mut known: HashMap<(&'static str, String), i64> = orgs
        .iter()
        .map(|o| ((o.kind.as_str(), o.name.clone()), o.id))
        .collect();
    let mut unit_ids = Vec::with_capacity(district.units.len());
    for (department, unit) in &district.units {
        let dept = ensure_org(store, &mut known, OrgKind::Department, department, bureau).await?;
        unit_ids.push(ensure_org(store, &mut known, OrgKind::Unit, unit, dept).await?);
    }
    let latest = *size.years.end();
    let mut done = 0;
    for start in (0..size.projects).step_by(BATCH) {
        let end = (start + BATCH).min(size.projects);
        let placed: Vec<_> = (start..end)
            .map(|i| (i, district.place(size.seed, i, &size.years)))
            .collect();
        let items: Vec<NewProject> = placed
            .iter()
            .map(|(i, p)| NewProject {
                org_id: unit_ids[p.unit],
                project: &p.project,
                status: status(*i, p.project.project.year, latest),
                at: Some(written_at(*i, p.project.project.year)),
            })
            .collect();
        store
            .create_projects(&items, author, Action::Import, "演示数据（生成）")
            .await?;
        done = end;
        progress(done);
    }
    Ok(done)
}

/// When a generated project was last written: self-evaluations are done and published in the spring
/// after their year (here between 1 April and 30 June), so the lists and the public site show dates a
/// bureau would.
fn written_at(index: usize, year: i32) -> i64 {
    let day = (index * 7 % 91) as u32;
    chrono::NaiveDate::from_ymd_opt(year + 1, 4, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(day))))
        .and_then(|d| d.and_hms_opt(2 + (index % 8) as u32, (index * 13 % 60) as u32, 0))
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

/// The organisation of that kind and name, made under `parent` when there is none yet.
async fn ensure_org(
    store: &Store,
    known: &mut HashMap<(&'static str, String), i64>,
    kind: OrgKind,
    name: &str,
    parent: i64,
) -> Result<i64, AppError> {
    let key = (kind.as_str(), name.to_string());
    if let Some(&id) = known.get(&key) {
        return Ok(id);
    }
    let id = store.create_org(name, kind, Some(parent)).await?.id;
    known.insert(key, id);
    Ok(id)
}
