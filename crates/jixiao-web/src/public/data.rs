//! Open data and what crawlers read: each evaluation's PDF, JSON and CSV, the yearly zip, the Atom feed,
//! IATI activity XML per 主管部门, robots.txt and the sitemap. The formats themselves are written by
//! jixiao-report's `open` module.

use std::collections::HashMap;
use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use jixiao_core::{Evaluation, evaluate};
use jixiao_report::open::{self, Published};
use jixiao_store::{Publication, PublicationFilter};

use super::pages::{self, published};
use super::{Answer, ROOT, Site, cached};
use crate::Shared;
use crate::error::AppError;
use crate::view::esc;

/// Entries of the Atom feed.
const FEED_ENTRIES: i64 = 100;
/// URLs in one sitemap (the protocol's limit).
const SITEMAP_URLS: i64 = 50_000;

/// A publication with what the open-data writers need beside it.
struct Item {
    publication: Publication,
    evaluation: Evaluation,
    with_review: bool,
}

impl Item {
    fn published<'a>(&'a self, base: &str) -> Published<'a> {
        let row = &self.publication.row;
        Published {
            url: format!("{base}{ROOT}/{}/{}", row.project_id, row.revision),
            project_id: row.project_id,
            revision: row.revision,
            published_at: row.published_at,
            department: row.department_name.clone(),
            unit: row.org_name.clone(),
            correction: (!row.correction.is_empty()).then(|| row.correction.clone()),
            project: &self.publication.project,
            evaluation: &self.evaluation,
            with_review: self.with_review,
        }
    }
}

/// The items as the open-data writers take them, and the newest publication time among them.
fn published_all<'a>(items: &'a [Item], base: &str) -> (Vec<Published<'a>>, i64) {
    let newest = items
        .iter()
        .map(|i| i.publication.row.published_at)
        .max()
        .unwrap_or_default();
    (items.iter().map(|i| i.published(base)).collect(), newest)
}

/// Scores many publications at once (off the async workers), as the public pages do: against no goals
/// or monitoring, so that what was published stays as it was.
async fn items(state: &Shared, publications: Vec<Publication>) -> Result<Vec<Item>, AppError> {
    let orgs = state.orgs().await?;
    let reviewed: HashMap<i64, bool> = orgs.iter().map(|o| (o.id, o.publish_review)).collect();
    let policy = state.store.policy().clone();
    let work: Vec<_> = publications
        .into_iter()
        .map(|p| {
            let with_review = reviewed.get(&p.row.org_id).copied().unwrap_or(false);
            (p, with_review)
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        work.into_iter()
            .map(|(publication, with_review)| Item {
                evaluation: evaluate(&publication.project, &policy),
                publication,
                with_review,
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
}

async fn document(
    State(state): State<Shared>,
    Site(base): Site,
    headers: HeaderMap,
    Path((project, revision, format)): Path<(String, String, String)>,
) -> Response {
    let key = format!("document {base} {project}/{revision}/{format}");
    cached(&state, &headers, key, || async {
        let project = project.parse::<i64>().map_err(|_| AppError::NotFound)?;
        let revision = revision.parse::<i64>().map_err(|_| AppError::NotFound)?;
        let (p, with_review) = published(&state, project, Some(revision)).await?;
        let row = p.row.clone();
        let name = format!("{}-{}-第{}版", row.year, row.name, row.revision);
        let policy = state.store.policy().clone();
        match format.as_str() {
            "pdf" => {
                let (report, _) = pages::public_report(&state, &p, with_review)?;
                // The PDF carries the project file: as the public may read it.
                let project = if with_review {
                    p.project.clone()
                } else {
                    p.project.without_review()
                };
                let bytes = crate::downloads::render(move || {
                    jixiao_report::pdf::render(&report, Some(&project), None).map(|r| r.bytes)
                })
                .await?;
                Ok(Answer::new("application/pdf", bytes).download(format!("{name}-自评报告.pdf")))
            }
            "json" | "csv" => {
                let item = items(&state, vec![p]).await?.remove(0);
                let published = item.published(&base);
                if format == "json" {
                    Ok(
                        Answer::new("application/json", open::json(&published, &policy))
                            .download(format!("{name}.json")),
                    )
                } else {
                    Ok(Answer::new(
                        "text/csv; charset=utf-8",
                        open::csv::write(&[published], &policy),
                    )
                    .download(format!("{name}.csv")))
                }
            }
            _ => Err(AppError::NotFound),
        }
    })
    .await
}

/// The newest publication of every project of a year (or one 主管部门), as open-data items.
async fn all_items(state: &Shared, filter: PublicationFilter) -> Result<Vec<Item>, AppError> {
    let publications = state
        .store
        .published_projects(&PublicationFilter {
            limit: 100_000,
            ..filter
        })
        .await?;
    items(state, publications).await
}

async fn year_bundle(
    State(state): State<Shared>,
    Site(base): Site,
    headers: HeaderMap,
    Path(year): Path<String>,
) -> Response {
    let key = format!("bundle {base} {year}");
    cached(&state, &headers, key, || async {
        let year = year.parse::<i32>().map_err(|_| AppError::NotFound)?;
        let items = all_items(
            &state,
            PublicationFilter {
                year: Some(year),
                ..Default::default()
            },
        )
        .await?;
        if items.is_empty() {
            return Err(AppError::NotFound);
        }
        let (published, _) = published_all(&items, &base);
        let policy = state.store.policy().clone();
        let bytes = open::bundle::year(year, &published, &policy)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Answer::new("application/zip", bytes)
            .download(format!("{year}年度绩效自评公开数据.zip")))
    })
    .await
}

async fn iati(
    State(state): State<Shared>,
    Site(base): Site,
    headers: HeaderMap,
    Path(department): Path<String>,
) -> Response {
    let key = format!("iati {base} {department}");
    cached(&state, &headers, key, || async {
        let department = department.parse::<i64>().map_err(|_| AppError::NotFound)?;
        let items = all_items(
            &state,
            PublicationFilter {
                department_id: Some(department),
                ..Default::default()
            },
        )
        .await?;
        let Some(first) = items.first() else {
            return Err(AppError::NotFound);
        };
        let name = first.publication.row.department_name.clone();
        let (published, modified) = published_all(&items, &base);
        let xml = open::iati::activities(&name, &iati_org_ref(department), &published, modified);
        Ok(
            Answer::new("application/xml; charset=utf-8", xml.into_bytes())
                .download(format!("{name}-IATI.xml")),
        )
    })
    .await
}

/// The IATI organisation identifier of a 主管部门 on this site (documented in docs/iati.md).
pub fn iati_org_ref(department: i64) -> String {
    format!("XI-JIXIAO-{department}")
}

async fn feed(State(state): State<Shared>, Site(base): Site, headers: HeaderMap) -> Response {
    let key = format!("feed {base}");
    cached(&state, &headers, key, || async {
        let items = all_items(
            &state,
            PublicationFilter {
                limit: FEED_ENTRIES,
                ..Default::default()
            },
        )
        .await?;
        let (published, _) = published_all(&items, &base);
        let site = pages::site_name(&state).await?;
        let xml = open::atom::feed(
            &format!("{site}预算绩效信息公开：新公开的绩效自评"),
            &format!("{base}{ROOT}/atom.xml"),
            &format!("{base}{ROOT}"),
            &published,
        );
        Ok(Answer::new(
            "application/atom+xml; charset=utf-8",
            xml.into_bytes(),
        ))
    })
    .await
}

async fn robots(Site(base): Site, headers: HeaderMap) -> Response {
    let body = format!(
        "# 公开的绩效信息欢迎收录；其余为登录后的工作页面。\nUser-agent: *\nAllow: {ROOT}\nAllow: /assets/\nDisallow: /\n\nSitemap: {base}/sitemap.xml\n"
    );
    super::respond(
        &Answer::new("text/plain; charset=utf-8", body.into_bytes()),
        &headers,
    )
}

async fn sitemap(State(state): State<Shared>, Site(base): Site, headers: HeaderMap) -> Response {
    let key = format!("sitemap {base}");
    cached(&state, &headers, key, || async {
        let rows = state
            .store
            .publications(&PublicationFilter {
                limit: SITEMAP_URLS - 3,
                ..Default::default()
            })
            .await?;
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in ["", "/tongji", "/shuju"] {
            let _ = writeln!(xml, "<url><loc>{}</loc></url>", esc(&format!("{base}{ROOT}{path}")));
        }
        for r in &rows {
            let _ = writeln!(
                xml,
                "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
                esc(&format!("{base}{ROOT}/{}", r.project_id)),
                pages::date(r.published_at)
            );
        }
        xml.push_str("</urlset>\n");
        Ok(Answer::new(
            "application/xml; charset=utf-8",
            xml.into_bytes()))
    })
    .await
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/gongkai/{project}/{revision}/{format}", get(document))
        .route("/gongkai/shuju/{year}", get(year_bundle))
        .route("/gongkai/shuju/iati/{department}", get(iati))
        .route("/gongkai/atom.xml", get(feed))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
}
