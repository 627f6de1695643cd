//! The Atom 1.0 feed (RFC 4287) of published evaluations, for feed readers and for anyone who mirrors
//! the public site: one entry per publication, linking to its page and to its JSON document.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{Published, rfc3339, xml_text};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// Atom requires an `updated` date; a feed without entries (or with dates out of range) uses the epoch.
const EPOCH: &str = "1970-01-01T00:00:00Z";

/// The entry title: `{year}年度 {project name} 绩效自评`, prefixed `更正：` for a correction.
pub fn entry_title(p: &Published) -> String {
    let h = &p.project.project;
    let prefix = if p.correction().is_some() {
        "更正："
    } else {
        ""
    };
    format!("{prefix}{}年度 {} 绩效自评", h.year, h.name)
}

/// The entry summary: grade and computed total, then the correction note when there is one.
pub fn entry_summary(p: &Published) -> String {
    let e = p.evaluation;
    let mut s = format!(
        "评价等级：{}，总分：{}（{}，{}）",
        e.grade.as_str(),
        e.total.normalize(),
        p.department,
        p.unit
    );
    if let Some(c) = p.correction() {
        s.push_str("。更正说明：");
        s.push_str(c);
    }
    s
}

/// The feed: `title` (e.g. "某某区财政局 绩效信息公开"), `self_url` (where the feed itself is served;
/// also the feed's id), `site_url` (the public site's home page), `items` in the order given (newest
/// first is customary). The feed's `updated` is the latest publication time.
pub fn feed(title: &str, self_url: &str, site_url: &str, items: &[Published]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into memory cannot fail; should it, what was written so far is returned.
    let _ = write_feed(&mut w, title, self_url, site_url, items);
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

fn write_feed(
    w: &mut Writer<Vec<u8>>,
    title: &str,
    self_url: &str,
    site_url: &str,
    items: &[Published],
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let updated = items
        .iter()
        .map(|p| p.published_at)
        .max()
        .and_then(rfc3339)
        .unwrap_or_else(|| EPOCH.to_string());
    w.create_element("feed")
        .with_attributes([("xmlns", ATOM_NS), ("xml:lang", "zh-CN")])
        .write_inner_content(|w| {
            text(w, "id", self_url)?;
            w.create_element("title")
                .with_attribute(("type", "text"))
                .write_text_content(BytesText::new(&xml_text(title)))?;
            text(w, "updated", &updated)?;
            link(w, "self", "application/atom+xml", self_url)?;
            link(w, "alternate", "text/html", site_url)?;
            w.create_element("author").write_inner_content(|w| {
                text(w, "name", title)?;
                text(w, "uri", site_url)?;
                Ok(())
            })?;
            text(w, "generator", "jixiao")?;
            for p in items {
                entry(w, p)?;
            }
            Ok(())
        })?;
    w.get_mut().push(b'\n');
    Ok(())
}

fn entry(w: &mut Writer<Vec<u8>>, p: &Published) -> io::Result<()> {
    let when = p.published_rfc3339().unwrap_or_else(|| EPOCH.to_string());
    w.create_element("entry").write_inner_content(|w| {
        text(w, "id", &p.url)?;
        w.create_element("title")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&xml_text(&entry_title(p))))?;
        text(w, "published", &when)?;
        text(w, "updated", &when)?;
        w.create_element("author").write_inner_content(|w| {
            text(w, "name", &p.unit)?;
            Ok(())
        })?;
        link(w, "alternate", "text/html", &p.url)?;
        link(
            w,
            "alternate",
            "application/json",
            &format!("{}/json", p.url),
        )?;
        let year = p.project.project.year;
        let (term, label) = (year.to_string(), format!("{year}年度"));
        w.create_element("category")
            .with_attributes([("term", term.as_str()), ("label", label.as_str())])
            .write_empty()?;
        w.create_element("summary")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&xml_text(&entry_summary(p))))?;
        Ok(())
    })?;
    Ok(())
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(value)))?;
    Ok(())
}

fn link(w: &mut Writer<Vec<u8>>, rel: &str, mime: &str, href: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attributes([
            ("rel", rel),
            ("type", mime),
            ("href", xml_text(href).as_ref()),
        ])
        .write_empty()?;
    Ok(())
}
