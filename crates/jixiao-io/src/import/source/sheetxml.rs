//! One pass over an xlsx workbook's worksheet XML, before and usually instead of calamine.
//!
//! The pass always checks every cell reference (calamine panics or wraps around on references past `u32`,
//! and allocates the whole rectangle a sheet's cells span) and keeps the merged ranges. For the common
//! workbook (shared and inline strings, numbers, booleans, formulas with their values) it also reads the
//! cells, giving the same text as calamine's `worksheet_range` (tests compare the two on the fixtures and on
//! generated workbooks): calamine would read each sheet twice more (cells, then merges) and parse the whole
//! style table, which the importer does not need. Anything else (cells without a reference, error or ISO
//! date cells, unknown elements or entities, CDATA) leaves the reading to calamine.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor};

use calamine::Dimensions;
use quick_xml::events::Event;

/// Excel's own limits: a reference beyond them does not come from a spreadsheet program.
const MAX_ROW: u64 = 1_048_576;
const MAX_COL: u64 = 16_384;
/// At most this many cells in the rectangle a sheet's cells span: the reader holds every cell of it (a
/// batch workbook of a few thousand projects spans about a million).
pub const MAX_SHEET_CELLS: u64 = 4_000_000;

/// Non-empty cells of a sheet: 0-based (row, column) and the text the form shows.
pub type Cells = Vec<((u32, u32), String)>;

pub struct Scan {
    /// Sheet name → worksheet part (`xl/worksheets/sheet1.xml`), in workbook order; None when the workbook
    /// part or its relationships could not be read.
    parts: Option<Vec<(String, String)>>,
    merges: HashMap<String, Vec<Dimensions>>,
    /// Per part; None for a part with something only calamine reads.
    cells: HashMap<String, Option<Cells>>,
}

impl Scan {
    fn part(&self, sheet: &str) -> Option<&str> {
        self.parts
            .as_ref()?
            .iter()
            .find(|(n, _)| n == sheet)
            .map(|(_, p)| p.as_str())
    }

    /// A sheet's merged ranges; None when its part was not found (calamine then reads them).
    pub fn merges_of(&self, sheet: &str) -> Option<&[Dimensions]> {
        self.merges.get(self.part(sheet)?).map(Vec::as_slice)
    }

    /// Every sheet with its cells and merged ranges, in workbook order; the scan back unless all were read.
    pub fn into_sheets(mut self) -> Result<Vec<(String, Cells, Vec<Dimensions>)>, Scan> {
        let read = |s: &Scan| {
            s.parts.as_ref().is_some_and(|parts| {
                parts.iter().all(|(_, p)| {
                    matches!(s.cells.get(p), Some(Some(_))) && s.merges.contains_key(p)
                })
            })
        };
        if !read(&self) {
            return Err(self);
        }
        let parts = self.parts.take().unwrap_or_default();
        Ok(parts
            .into_iter()
            .map(|(name, part)| {
                // Two sheets may name the same part: each gets its cells.
                let cells = self.cells.get(&part).cloned().flatten().unwrap_or_default();
                let merges = self.merges.get(&part).cloned().unwrap_or_default();
                (name, cells, merges)
            })
            .collect())
    }
}

/// Scans every worksheet part. Errors (a reference outside Excel's limits, a sheet spanning too many cells,
/// broken XML) are reasons for the user; the caller names the file.
pub fn scan(bytes: &[u8]) -> Result<Scan, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let names: Vec<String> = zip
        .file_names()
        .flatten()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
        .map(|n| n.into_owned())
        .collect();
    let parts = sheet_parts(&mut zip);
    // Without the workbook's sheet list the cells could not be named: only check them.
    let strings = if parts.is_some() {
        shared_strings(&mut zip)
    } else {
        None
    };
    let (mut merges, mut cells) = (HashMap::new(), HashMap::new());
    let mut total = 0;
    for name in names {
        let entry = zip.by_name(&name).map_err(|e| format!("{name}：{e}"))?;
        let sheet =
            scan_sheet(reader(entry), strings.as_deref()).map_err(|e| format!("{name}：{e}"))?;
        // All sheets are held at once: the limit is on their sum.
        total += sheet.span;
        if total > MAX_SHEET_CELLS {
            return Err(format!(
                "各工作表的单元格范围合计超过导入上限 {MAX_SHEET_CELLS} 个（到 {name} 为止 {total} 个）"
            ));
        }
        merges.insert(name.clone(), sheet.merges);
        cells.insert(name, sheet.cells);
    }
    Ok(Scan {
        parts,
        merges,
        cells,
    })
}

/// A reader configured as calamine configures its own, so that both see the same events.
fn reader<R: std::io::Read>(r: R) -> quick_xml::Reader<BufReader<R>> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(r));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    reader
}

struct Sheet {
    merges: Vec<Dimensions>,
    cells: Option<Cells>,
    /// Cells in the rectangle the sheet's cells span: what reading it holds in memory.
    span: u64,
}

fn scan_sheet<R: BufRead>(
    mut xml: quick_xml::Reader<R>,
    strings: Option<&[String]>,
) -> Result<Sheet, String> {
    let xml_error = |e: quick_xml::Error| format!("XML 错误：{e}");
    let mut buf = Vec::new();
    let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
    let mut merges = Vec::new();
    let mut cells = strings.map(|_| Vec::new());
    let (mut in_data, mut seen_data) = (false, false);
    // Where a cell without a reference goes, counted as calamine counts: 0-based row and column.
    let (mut row_index, mut col_index) = (0u64, 0u64);
    loop {
        buf.clear();
        let e = match xml.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) => e,
            Event::End(e) if e.local_name().as_ref() == "sheetData" => {
                in_data = false;
                continue;
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                row_index += 1;
                col_index = 0;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let tag = e.local_name();
        let key: &str = match tag.as_ref() {
            "sheetData" => {
                // calamine reads the first sheetData only.
                if seen_data {
                    cells = None;
                }
                (in_data, seen_data) = (true, true);
                continue;
            }
            "c" | "row" => "r",
            "dimension" | "mergeCell" => "ref",
            _ => continue,
        };
        // The reference (or range) and, for a cell, its type, in one pass over the attributes.
        let (mut value, mut kind) = (None, None);
        for a in e.attributes().flatten() {
            match a.key.local_name().as_ref() {
                k if k == key => value = Some(a.value),
                "t" => kind = Some(a.value),
                _ => {}
            }
        }
        let invalid = |v: &str| {
            format!(
                "无效的单元格引用“{}”",
                v.chars().take(40).collect::<String>()
            )
        };
        match (tag.as_ref(), &value) {
            ("c", Some(v)) => {
                let (r, c) = cell_ref(v).ok_or_else(|| invalid(v))?;
                rows = (rows.0.min(r), rows.1.max(r));
                cols = (cols.0.min(c), cols.1.max(c));
                col_index = c;
                if in_data && let (Some(list), Some(strings)) = (cells.as_mut(), strings) {
                    match cell_value(&mut xml, kind.as_deref(), strings).map_err(xml_error)? {
                        Some(Some(text)) => list.push((((r - 1) as u32, (c - 1) as u32), text)),
                        Some(None) => {}
                        None => cells = None,
                    }
                }
            }
            ("c", None) => {
                // Placed by counting (calamine's business), but counted in the sheet's extent all the same.
                let (r, c) = (row_index + 1, col_index + 1);
                if r > MAX_ROW || c > MAX_COL {
                    return Err(format!("第 {r} 行第 {c} 列的单元格超出 Excel 的范围"));
                }
                rows = (rows.0.min(r), rows.1.max(r));
                cols = (cols.0.min(c), cols.1.max(c));
                col_index = c;
                cells = None;
            }
            ("row", Some(v)) => {
                let r: u64 = v
                    .parse()
                    .ok()
                    .filter(|r| (1..=MAX_ROW).contains(r))
                    .ok_or_else(|| invalid(v))?;
                rows = (rows.0.min(r), rows.1.max(r));
                row_index = r - 1;
            }
            ("mergeCell", Some(v)) => merges.push(range_ref(v).ok_or_else(|| invalid(v))?),
            (_, Some(v)) => {
                range_ref(v).ok_or_else(|| invalid(v))?;
            }
            _ => {}
        }
    }
    let mut span = 0;
    if rows.0 <= rows.1 && cols.0 <= cols.1 {
        span = (rows.1 - rows.0 + 1) * (cols.1 - cols.0 + 1);
        if span > MAX_SHEET_CELLS {
            return Err(format!(
                "单元格分布在 {} 行 × {} 列的范围内（{span} 个单元格），超出导入上限 {MAX_SHEET_CELLS} 个",
                rows.1 - rows.0 + 1,
                cols.1 - cols.0 + 1
            ));
        }
    }
    Ok(Sheet {
        merges,
        cells,
        span,
    })
}

/// The value of the `<c>` just opened, read to its end: `Some(None)` for an empty cell, `None` for a cell
/// only calamine reads. As calamine: the last child element gives the value (`<f>` none).
fn cell_value<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
    kind: Option<&str>,
    strings: &[String],
) -> Result<Option<Option<String>>, quick_xml::Error> {
    let mut buf = Vec::new();
    let mut value = Some(None);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                value = match e.local_name().as_ref() {
                    "is" => read_string(xml, &name)?.map(Some),
                    "v" if matches!(kind, Some("inlineStr" | "is")) => {
                        xml.read_to_end_into(quick_xml::name::QName(&name), &mut Vec::new())?;
                        Some(None)
                    }
                    "v" => {
                        let Some(v) = read_text(xml, &name, kind == Some("str"))? else {
                            return skip_cell(xml);
                        };
                        match kind {
                            Some("s") if v.is_empty() => Some(None),
                            Some("s") => v
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| strings.get(i))
                                .map(|s| Some(s.clone())),
                            Some("str") => Some(Some(unescape(&v))),
                            Some("b") => match v.trim() {
                                "" => Some(None),
                                "0" => Some(Some("否".into())),
                                "1" => Some(Some("是".into())),
                                _ => None,
                            },
                            Some("n") | None if v.is_empty() => Some(None),
                            Some("n") | None if is_plain_number(&v) => v
                                .parse::<f64>()
                                .ok()
                                .map(|f| Some(super::xlsx::float_text(f))),
                            _ => None, // errors, ISO dates, odd numbers
                        }
                    }
                    "f" => {
                        xml.read_to_end_into(quick_xml::name::QName(&name), &mut Vec::new())?;
                        Some(None)
                    }
                    _ => None,
                };
                if value.is_none() {
                    return skip_cell(xml);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(value),
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Leaves the rest of the cell unread (the scan goes on) and gives it to calamine.
fn skip_cell<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
) -> Result<Option<Option<String>>, quick_xml::Error> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(None),
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// `123`, `-1.5`, `1.2E-3`: what spreadsheet programs write, and parse alike everywhere.
fn is_plain_number(v: &str) -> bool {
    let (mantissa, exponent) = match v.find(['E', 'e']) {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let m = mantissa.strip_prefix('-').unwrap_or(mantissa);
    let m_ok = match m.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(m),
    };
    m_ok && exponent.is_none_or(|x| digits(x.strip_prefix(['-', '+']).unwrap_or(x)))
}

/// The text up to the end of the element `name`, entities resolved when `entities` (else an entity makes it
/// unusual, as calamine reads numbers and indices raw); None for anything unusual.
fn read_text<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
    name: &str,
    entities: bool,
) -> Result<Option<String>, quick_xml::Error> {
    let mut buf = Vec::new();
    let mut text = String::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(e) if entities => {
                let resolved =
                    quick_xml::escape::resolve_xml_entity(&e.xml10_content()).map(str::to_string);
                match resolved.or_else(|| e.resolve_char_ref().ok().flatten().map(String::from)) {
                    Some(s) => text.push_str(&s),
                    None => return Ok(None),
                }
            }
            Event::End(e) if e.name().as_ref() == name => return Ok(Some(text)),
            // CDATA, comments, processing instructions, nested elements: calamine reads them differently.
            _ => return Ok(None),
        }
    }
}

/// A shared or inline string (`<si>`, `<is>`) as calamine reads it: the `<t>` of each rich-text run joined,
/// phonetic runs left out, ASCII whitespace trimmed unless `xml:space="preserve"`, `_xHHHH_` escapes undone.
/// None for anything unusual.
fn read_string<R: BufRead>(
    xml: &mut quick_xml::Reader<R>,
    closing: &str,
) -> Result<Option<String>, quick_xml::Error> {
    let mut buf = Vec::new();
    let mut out: Option<String> = None;
    let mut phonetic = false;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "r" && out.is_none() => {
                out = Some(String::new())
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.name().as_ref() == closing => {
                return Ok(Some(out.unwrap_or_default()));
            }
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.as_ref() == "xml:space" && a.value.as_ref() == "preserve");
                let name = e.name().as_ref().to_string();
                let Some(t) = read_text(xml, &name, true)? else {
                    return Ok(None);
                };
                let t = if preserve {
                    t.as_str()
                } else {
                    t.trim_matches([' ', '\t', '\r', '\n'])
                };
                out.get_or_insert_with(String::new).push_str(&unescape(t));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// Undoes the escapes OOXML strings use for characters XML cannot hold (`_x000D_` for a carriage return; a
/// character beyond the BMP as two escaped UTF-16 halves; `_x005F_` for the underscore of a literal `_x…_`).
fn unescape(s: &str) -> String {
    let escape_at = |i: usize| -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        let hex = std::str::from_utf8(&b[2..6]).ok()?;
        (b[0] == b'_' && b[1] == b'x' && b[6] == b'_' && hex.bytes().all(|h| h.is_ascii_hexdigit()))
            .then(|| u16::from_str_radix(hex, 16).ok())?
    };
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        out.extend(
            char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)),
        );
    };
    let mut i = 0;
    while i < s.len() {
        if let Some(u) = escape_at(i) {
            units.push(u);
            i += 7;
        } else {
            flush(&mut units, &mut out);
            let c = s[i..].chars().next().expect("inside the string");
            out.push(c);
            i += c.len_utf8();
        }
    }
    flush(&mut units, &mut out);
    out
}

/// The shared strings (`xl/sharedStrings.xml`), none when the part is absent; None when unreadable here.
fn shared_strings(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<Vec<String>> {
    let entry = match zip.by_name("xl/sharedStrings.xml") {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Some(Vec::new()),
        Err(_) => return None,
    };
    let mut xml = reader(entry);
    let (mut buf, mut strings) = (Vec::new(), Vec::new());
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let name = e.name().as_ref().to_string();
                strings.push(read_string(&mut xml, &name).ok()??);
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => return Some(strings),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Sheet name → worksheet part, as calamine resolves it: `xl/workbook.xml` names each sheet's relationship,
/// `xl/_rels/workbook.xml.rels` gives its target. None when either part is missing or unreadable.
fn sheet_parts(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<Vec<(String, String)>> {
    // Each element `tag` of `part` with its attributes `keys`, in document order (the parts are small).
    let mut elements = |part: &str, tag: &str, keys: [&str; 2]| -> Option<Vec<[String; 2]>> {
        let mut xml = reader(zip.by_name(part).ok()?);
        let (mut buf, mut out) = (Vec::new(), Vec::new());
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf).ok()? {
                Event::Start(e) if e.local_name().as_ref() == tag => {
                    let value = |k: &str| {
                        let a = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.local_name().as_ref() == k)?;
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    };
                    out.push([value(keys[0])?, value(keys[1])?]);
                }
                Event::Eof => return Some(out),
                _ => {}
            }
        }
    };
    let targets: HashMap<String, String> = elements(
        "xl/_rels/workbook.xml.rels",
        "Relationship",
        ["Id", "Target"],
    )?
    .into_iter()
    .map(|[id, t]| (id, t))
    .collect();
    let sheets = elements("xl/workbook.xml", "sheet", ["name", "id"])?;
    sheets
        .into_iter()
        .map(|[name, id]| {
            let target = targets.get(&id)?;
            let part = target
                .strip_prefix('/')
                .map(str::to_string)
                .unwrap_or_else(|| format!("xl/{target}"));
            Some((name, part))
        })
        .collect()
}

/// A1-style reference → (row, column), 1-based, inside Excel's limits; None for anything else.
fn cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim_start_matches('$');
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = s.split_at(letters);
    let row = row.trim_start_matches('$');
    if !(1..=3).contains(&letters)
        || row.is_empty()
        || row.len() > 7
        || !row.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = col.bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u64 = row.parse().ok()?;
    ((1..=MAX_ROW).contains(&row) && col <= MAX_COL).then_some((row, col))
}

/// `A1` or `A1:B2` with the start not after the end, as 0-based calamine dimensions.
fn range_ref(s: &str) -> Option<Dimensions> {
    let (a, b) = match s.split_once(':') {
        None => (cell_ref(s)?, cell_ref(s)?),
        Some((a, b)) => (cell_ref(a)?, cell_ref(b)?),
    };
    // Within Excel's limits, so the 0-based positions fit in u32.
    let zero_based = |(r, c): (u64, u64)| ((r - 1) as u32, (c - 1) as u32);
    (a.0 <= b.0 && a.1 <= b.1).then(|| Dimensions {
        start: zero_based(a),
        end: zero_based(b),
    })
}
