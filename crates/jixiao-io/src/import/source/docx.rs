//! Word reports (.docx) → the rows of the document's tables (grid spans repeated, vertical merges filled
//! from the cell above, so cells sit in their columns) and the paragraphs outside them, for the narrative.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;

use crate::import::cell::{Cell, Row};
use crate::import::{ImportError, Origin, vocab};

struct Table {
    rows: Vec<Row>,
}

/// The rows of all the tables, one after the other, and the paragraphs outside tables joined by lines
/// ([`vocab::TABLE_MARK`] where a table stood).
pub fn read(bytes: &[u8], file: &Path) -> Result<(Vec<Row>, String), ImportError> {
    let bad = |reason: String| ImportError::BadDocx {
        file: file.into(),
        reason,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| bad(e.to_string()))?
        .read_to_string(&mut xml)
        .map_err(|e| bad(format!("word/document.xml：{e}")))?;
    let (tables, paragraphs) = parse(&xml).map_err(bad)?;
    let mut rows: Vec<Row> = Vec::new();
    for t in tables {
        rows.extend(t.rows);
    }
    Ok((rows, paragraphs.join("\n")))
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attr(e: &quick_xml::events::BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| a.value.to_string())
}

/// Tables (with merged cells filled) and the paragraphs outside tables.
fn parse(xml: &str) -> Result<(Vec<Table>, Vec<String>), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut tables: Vec<Table> = Vec::new();
    let mut paragraphs = Vec::new();
    let mut depth = 0usize; // table nesting
    let mut para = String::new();
    let mut cell = String::new();
    let mut row: Vec<(String, u32, bool)> = Vec::new(); // text, span, vmerge-continue
    let mut grid_rows: Vec<Vec<(String, u32, bool)>> = Vec::new();
    let mut span = 1u32;
    let mut vcont = false;
    let mut in_text = false;
    loop {
        let ev = reader.read_event().map_err(|e| format!("XML 错误：{e}"))?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let is_empty = false;
                let _ = is_empty;
                match local(e.name().as_ref()) {
                    "tbl" => {
                        depth += 1;
                        if depth == 1 {
                            grid_rows.clear();
                            paragraphs.push(vocab::TABLE_MARK.to_string());
                        }
                    }
                    "tr" if depth == 1 => row.clear(),
                    "tc" if depth == 1 => {
                        cell.clear();
                        span = 1;
                        vcont = false;
                    }
                    "gridSpan" if depth == 1 => {
                        span = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(1)
                    }
                    "vMerge" if depth == 1 => {
                        vcont = attr(&e, "val").is_none_or(|v| v == "continue")
                    }
                    "t" => in_text = true,
                    "tab" => para.push(' '),
                    "br" => para.push('\n'),
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                para.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                }
                para.push_str(match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Event::End(e) => match local(e.name().as_ref()) {
                "t" => in_text = false,
                "p" => {
                    if depth == 0 {
                        paragraphs.push(std::mem::take(&mut para));
                    } else {
                        if !cell.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&std::mem::take(&mut para));
                    }
                }
                "tc" if depth == 1 => row.push((std::mem::take(&mut cell), span, vcont)),
                "tr" if depth == 1 => grid_rows.push(std::mem::take(&mut row)),
                "tbl" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        tables.push(fill(&grid_rows, tables.len() + 1));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((tables, paragraphs))
}

fn fill(rows: &[Vec<(String, u32, bool)>], table_no: usize) -> Table {
    let mut out: Vec<Vec<String>> = Vec::new();
    for r in rows {
        let mut cells: Vec<String> = Vec::new();
        for (text, span, cont) in r {
            let col = cells.len();
            let t = if *cont {
                out.last()
                    .and_then(|p| p.get(col))
                    .cloned()
                    .unwrap_or_default()
            } else {
                text.clone()
            };
            for _ in 0..(*span).max(1) {
                cells.push(t.clone());
            }
        }
        out.push(cells);
    }
    let rows = out
        .into_iter()
        .enumerate()
        .map(|(ri, r)| {
            r.into_iter()
                .enumerate()
                .map(|(ci, text)| {
                    let origin = Origin {
                        table: Some(table_no as u32),
                        row: Some(ri as u32 + 1),
                        col: Some(ci as u32 + 1),
                        ..Default::default()
                    };
                    Cell::new(text, origin, None)
                })
                .collect()
        })
        .collect();
    Table { rows }
}
