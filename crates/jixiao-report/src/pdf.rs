//! PDF through typst: our own minimal [`World`] holding the template (`report.typ`), the report data as
//! JSON, the chart SVG and the fonts. Nothing is read from disk except a `fonts_dir` when one is given.

use std::path::Path;
use std::sync::LazyLock;

use serde_json::{Value as Json, json};
use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::content::{Block, CellStyle, Report};
use crate::{Rendered, ReportError, chart, fonts};

const TEMPLATE: &str = include_str!("report.typ");

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("static virtual path"),
    ))
}

struct ReportWorld {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    data_id: FileId,
    data: Bytes,
    chart_id: FileId,
    chart: Bytes,
    project_id: FileId,
    project: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.chart_id {
            Ok(self.chart.clone())
        } else if id == self.project_id {
            Ok(self.project.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Output must not depend on the clock: the template never asks for the date.
        None
    }
}

fn style(s: CellStyle) -> &'static str {
    match s {
        CellStyle::Label => "label",
        CellStyle::Header => "header",
        CellStyle::Text => "text",
        CellStyle::Center => "center",
        CellStyle::Number => "number",
    }
}

/// The data the template reads.
pub fn data(report: &Report, attach: bool) -> Json {
    let blocks: Vec<Json> = report
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading1(t) => json!({ "kind": "h1", "text": t }),
            Block::Heading2(t) => json!({ "kind": "h2", "text": t }),
            Block::Paragraph(t) => json!({ "kind": "p", "text": t }),
            Block::Sheet => json!({ "kind": "sheet", "text": "" }),
            Block::Chart => json!({ "kind": "chart", "text": "" }),
        })
        .collect();
    let cells: Vec<Json> = report
        .sheet
        .rows
        .iter()
        .flatten()
        .map(|c| {
            json!({
                "text": c.text,
                "colspan": c.colspan,
                "rowspan": c.rowspan,
                "style": style(c.style),
                "grades": c.grades.as_ref().map(|g| g.iter().map(|b| json!({ "checked": b.checked, "label": b.label, "rule": b.rule })).collect::<Vec<_>>()),
            })
        })
        .collect();
    let appendix = report.appendix.as_ref().map(|a| {
        json!({
            "title": a.title,
            "intro": a.intro,
            "tables": a.tables.iter().map(|t| json!({ "caption": t.caption, "header": t.header, "rows": t.rows })).collect::<Vec<_>>(),
        })
    });
    json!({
        "title": report.title,
        "fonts": { "title": fonts::TITLE, "body": fonts::BODY, "hei": fonts::HEI, "kai": fonts::KAI, "song": fonts::SONG },
        "blocks": blocks,
        "sheet": { "title": report.sheet.title, "subtitle": report.sheet.subtitle, "widths": report.sheet.widths, "cells": cells, "notes": report.sheet.notes },
        "chart_caption": report.chart_caption,
        "appendix": appendix,
        "attachment": if attach { Json::String(format!("/{ATTACHMENT}")) } else { Json::Null },
    })
}

/// The name of the project file attached to every PDF, so that `jixiao import` reads a published
/// report back exactly; the typeset table alone wraps cells too much for text extraction to be exact.
pub const ATTACHMENT: &str = "jixiao-project.json";

/// Renders the 自评报告 (with the 自评表 and the chart) to PDF, with the project file attached when given.
pub fn render(
    report: &Report,
    project: Option<&jixiao_core::Project>,
    fonts_dir: Option<&Path>,
) -> Result<Rendered, ReportError> {
    let mut all_fonts = match fonts_dir {
        Some(dir) => fonts::from_dir(dir)?,
        None => Vec::new(),
    };
    all_fonts.extend(fonts::bundled().iter().cloned());

    let mut warnings = Vec::new();
    let missing = fonts::missing(&report.all_text(), &all_fonts);
    if !missing.is_empty() {
        warnings.push(fonts::missing_warning(&missing));
    }

    let svg = chart::svg(&report.chart, &fonts::css(fonts::HEI, "sans-serif"));
    let world = ReportWorld {
        book: LazyHash::new(FontBook::from_fonts(&all_fonts)),
        fonts: all_fonts,
        main: Source::new(file_id("/main.typ"), TEMPLATE.to_string()),
        data_id: file_id("/data.json"),
        data: Bytes::new(serde_json::to_vec(&data(report, project.is_some()))?),
        chart_id: file_id("/chart.svg"),
        chart: Bytes::new(svg.into_bytes()),
        project_id: file_id(&format!("/{ATTACHMENT}")),
        // The same JSON as a project file written by jixiao-io.
        project: Bytes::new(match project {
            Some(p) => serde_json::to_vec_pretty(p)?,
            None => Vec::new(),
        }),
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    for w in &compiled.warnings {
        // The font lists name official fonts first; their absence is expected and covered by the fallback.
        if w.severity == Severity::Warning && !w.message.starts_with("unknown font family") {
            warnings.push(format!("排版提示：{}", w.message));
        }
    }
    let document = compiled.output.map_err(|errors| {
        ReportError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    let bytes = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        ReportError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    Ok(Rendered { bytes, warnings })
}
