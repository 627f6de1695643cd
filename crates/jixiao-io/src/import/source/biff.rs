//! A first pass over an .xls workbook before calamine reads it: the cells its sheets span.
//!
//! calamine's .xls reader parses every sheet when it opens the file and allocates each sheet's whole
//! rectangle, from the smallest to the largest row and column any cell record names, at once. Sixteen-bit
//! row and column numbers let a 10 KB file ask for 65,536 × 65,536 cells (137 GB): the allocation aborts
//! the process, before any limit of ours applies. This pass reads the compound file (the OLE2 container)
//! and the BIFF records of its workbook stream itself, measures the same rectangles, and lets the importer
//! refuse the file first. It reads only positions; calamine still reads the values.

/// Record types calamine places cells from (value and formula records), and MULRK, which spans columns.
const CELL_RECORDS: [u16; 8] = [
    0x0006, 0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x00BD,
];
const MULRK: u16 = 0x00BD;
const DIMENSIONS: u16 = 0x0200;
const BOUNDSHEET: u16 = 0x0085;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;

/// Sector chain markers of the compound file format.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The cells calamine would set aside for the sheets of the .xls workbook `bytes` (see
/// [`span_of_records`]), or why the file cannot be read.
pub fn spanned_cells(bytes: &[u8]) -> Result<u64, String> {
    let stream = workbook_stream(bytes)?;
    Ok(span_of_records(&stream))
}

/// The BIFF records of a stream, (type, data), until one runs past the end (where calamine stops
/// with an error).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let kind = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

/// What calamine allocates for the workbook's sheets, in cells, as it opens the file: it finds the
/// sheets through the BOUNDSHEET records of the globals (each names its sheet's offset in the stream;
/// the same offset may be named twice) and, for each, reserves what the sheet's DIMENSIONS record
/// declares and then the rectangle from the first to the last row and column its cell records name
/// (embedded charts and other nested substreams skipped). A sheet counts the larger of the two.
fn span_of_records(stream: &[u8]) -> u64 {
    let mut sheets = Vec::new();
    for (kind, data) in records(stream) {
        match kind {
            BOUNDSHEET => sheets.extend(u32_at(data, 0)),
            EOF => break,
            _ => {}
        }
    }
    sheets
        .into_iter()
        .filter_map(|pos| stream.get(pos as usize..))
        .map(sheet_cells)
        .fold(0u64, u64::saturating_add)
}

/// One sheet's cells as calamine sets them aside (see [`span_of_records`]).
fn sheet_cells(sheet: &[u8]) -> u64 {
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut reserved: u64 = 0;
    // (first row, last row, first column, last column) of the cell records.
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    for (kind, data) in records(sheet) {
        if depth > 0 {
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => reserved = reserved.max(declared(data)),
            kind if CELL_RECORDS.contains(&kind) => {
                let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                // MULRK: the last column is the record's last two bytes.
                let last_col = match kind {
                    MULRK if data.len() >= 6 => {
                        u16_at(data, data.len() - 2).unwrap_or(col).max(col)
                    }
                    _ => col,
                };
                let b = bounds.get_or_insert((row, row, col, col));
                *b = (b.0.min(row), b.1.max(row), b.2.min(col), b.3.max(last_col));
            }
            _ => {}
        }
    }
    let rectangle = bounds.map_or(0, |(r0, r1, c0, c1)| {
        (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
    });
    // Both are allocated; the larger is what the sheet spans (and bounds the memory within twice it).
    reserved.max(rectangle)
}

/// The cells a DIMENSIONS record makes calamine reserve: its rows × columns, computed as calamine's
/// release build computes them (32-bit, wrapping), so a first row past the last asks for billions.
fn declared(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    let (end_row, end_col) = if last_row >= 1 && last_col >= 1 {
        (last_row - 1, last_col - 1)
    } else {
        (first_row, first_col)
    };
    let rows = u64::from(end_row.wrapping_sub(first_row).wrapping_add(1));
    let cols = u64::from(end_col.wrapping_sub(first_col).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// The workbook stream ("Workbook", or "Book" before Excel 97) of a compound file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, String> {
    const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let broken = |what: &str| format!("OLE 复合文件结构损坏（{what}）");
    if bytes.len() < 512 || bytes[..8] != SIGNATURE {
        return Err(broken("文件头"));
    }
    let shift = u16_at(bytes, 0x1E).ok_or_else(|| broken("文件头"))?;
    let mini_shift = u16_at(bytes, 0x20).ok_or_else(|| broken("文件头"))?;
    if !(7..=16).contains(&shift) || !(2..=shift).contains(&mini_shift) {
        return Err(broken("扇区大小"));
    }
    let sector = 1usize << shift;
    let mini_sector = 1usize << mini_shift;
    let sectors = bytes.len().saturating_sub(512).div_ceil(sector);
    let sector_data = |n: u32| -> Option<&[u8]> {
        let start = 512usize.checked_add((n as usize).checked_mul(sector)?)?;
        bytes.get(start..(start + sector).min(bytes.len()))
    };
    // A chain of sectors, each visited once at most (a loop in the table is damage, not a long file).
    let chain = |first: u32, table: &[u32], limit: usize| -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        let mut n = first;
        while n != END_OF_CHAIN && n != FREE {
            if out.len() > limit {
                return Err(broken("扇区链循环"));
            }
            out.push(n);
            n = *table.get(n as usize).ok_or_else(|| broken("扇区链"))?;
        }
        Ok(out)
    };

    // The sector allocation table: the sectors listed in the header's 109 entries, then the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&n| n != FREE && n != END_OF_CHAIN)
        .collect();
    let mut difat = u32_at(bytes, 0x44).unwrap_or(END_OF_CHAIN);
    let mut hops = 0;
    while difat != END_OF_CHAIN && difat != FREE {
        hops += 1;
        let data = sector_data(difat)
            .filter(|_| hops <= sectors)
            .ok_or_else(|| broken("DIFAT"))?;
        let per = sector / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(data, 4 * i))
                .filter(|&n| n != FREE && n != END_OF_CHAIN),
        );
        difat = u32_at(data, 4 * per).unwrap_or(END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for &s in fat_sectors.iter().take(sectors + 1) {
        let data = sector_data(s).ok_or_else(|| broken("分配表"))?;
        fat.extend((0..data.len() / 4).filter_map(|i| u32_at(data, 4 * i)));
    }
    let read = |first: u32, size: usize| -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(size.min(bytes.len()));
        for n in chain(first, &fat, sectors)? {
            out.extend_from_slice(sector_data(n).ok_or_else(|| broken("扇区"))?);
        }
        out.truncate(size);
        Ok(out)
    };

    // The directory: 128-byte entries; the root's stream holds the mini stream.
    let directory = read(u32_at(bytes, 0x30).unwrap_or(END_OF_CHAIN), usize::MAX)?;
    let entry = |i: usize| directory.get(i * 128..i * 128 + 128);
    let name_of = |e: &[u8]| -> String {
        let units: Vec<u16> = (0..32).filter_map(|i| u16_at(e, 2 * i)).collect();
        let name = String::from_utf16_lossy(&units);
        name.split('\0').next().unwrap_or_default().to_string()
    };
    let size_of = |e: &[u8]| -> usize {
        match sector {
            512 => u32_at(e, 120).unwrap_or(0) as usize,
            _ => e
                .get(120..128)
                .and_then(|b| b.try_into().ok())
                .map_or(0, |b| u64::from_le_bytes(b) as usize),
        }
    };
    let root = entry(0).ok_or_else(|| broken("目录"))?;
    let named = |want: &str| {
        (0..directory.len() / 128)
            .filter_map(entry)
            .find(|e| name_of(e).eq_ignore_ascii_case(want))
    };
    let workbook = named("Workbook")
        .or_else(|| named("Book"))
        .ok_or_else(|| broken("没有 Workbook 数据流"))?;
    let (start, size) = (
        u32_at(workbook, 116).unwrap_or(END_OF_CHAIN),
        size_of(workbook),
    );
    if size >= 4096 {
        return read(start, size);
    }
    // A small stream lives in the mini stream, in mini sectors chained by the mini allocation table.
    let mini_stream = read(u32_at(root, 116).unwrap_or(END_OF_CHAIN), size_of(root))?;
    let minifat_bytes = read(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), usize::MAX)?;
    let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
        .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
        .collect();
    let mut out = Vec::with_capacity(size.min(mini_stream.len()));
    for n in chain(start, &minifat, mini_stream.len() / mini_sector)? {
        let at = (n as usize) * mini_sector;
        out.extend_from_slice(
            mini_stream
                .get(at..at + mini_sector)
                .ok_or_else(|| broken("小扇区"))?,
        );
    }
    out.truncate(size);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut r = kind.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn cell(kind: u16, row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        record(kind, &d)
    }

    /// A workbook stream: globals naming `sheets` (each a substream's records), each once per `repeat`.
    fn workbook(sheets: &[Vec<u8>], repeat: usize) -> Vec<u8> {
        let bound = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend([0, 0, 1, b'S']);
            record(BOUNDSHEET, &d)
        };
        let globals_len = record(BOF, &[0; 16]).len()
            + bound(0).len() * sheets.len() * repeat
            + record(EOF, &[]).len();
        let mut offsets = Vec::new();
        let mut at = globals_len;
        for sheet in sheets {
            offsets.push(at as u32);
            at += sheet.len();
        }
        let mut s = record(BOF, &[0; 16]);
        for _ in 0..repeat {
            for &o in &offsets {
                s.extend(bound(o));
            }
        }
        s.extend(record(EOF, &[]));
        for sheet in sheets {
            s.extend(sheet);
        }
        s
    }

    fn sheet(body: &[Vec<u8>]) -> Vec<u8> {
        let mut s = record(BOF, &[0; 16]);
        for r in body {
            s.extend(r);
        }
        s.extend(record(EOF, &[]));
        s
    }

    #[test]
    fn each_sheet_spans_its_first_to_last_cell() {
        let small = sheet(&[cell(0x0203, 2, 1), cell(0x00FD, 11, 4)]); // rows 2–11 × columns 1–4
        let whole = sheet(&[cell(0x027E, 65_535, 0), cell(0x0006, 0, 65_535)]);
        assert_eq!(
            span_of_records(&workbook(std::slice::from_ref(&small), 1)),
            40
        );
        assert_eq!(
            span_of_records(&workbook(&[small.clone(), whole], 1)),
            40 + 65_536 * 65_536
        );
        // The same sheet named twice is read (and allocated) twice.
        assert_eq!(span_of_records(&workbook(&[small], 3)), 120);
    }

    #[test]
    fn an_embedded_chart_does_not_split_its_sheet() {
        let chart = [record(BOF, &[0; 16]), cell(0x0203, 7, 7), record(EOF, &[])];
        let mut body = vec![cell(0x0203, 0, 0)];
        body.extend(chart);
        body.push(cell(0x0203, 99, 9));
        assert_eq!(span_of_records(&workbook(&[sheet(&body)], 1)), 100 * 10);
    }

    #[test]
    fn a_declared_dimension_counts_as_calamine_reserves_it() {
        let dims = |first: u32, last: u32, c0: u16, c1: u16| {
            let mut d = first.to_le_bytes().to_vec();
            d.extend(last.to_le_bytes());
            d.extend(c0.to_le_bytes());
            d.extend(c1.to_le_bytes());
            d.extend([0, 0]);
            record(DIMENSIONS, &d)
        };
        let plain = sheet(&[dims(0, 10, 0, 3), cell(0x0203, 0, 0)]);
        assert_eq!(span_of_records(&workbook(&[plain], 1)), 30);
        let huge = sheet(&[dims(0, u32::MAX, 0, 256)]);
        assert!(span_of_records(&workbook(&[huge], 1)) > 1_000_000_000_000);
        // A first row past the last wraps around in calamine's 32-bit arithmetic.
        let wrapped = sheet(&[dims(10, 5, 0, 1)]);
        assert!(span_of_records(&workbook(&[wrapped], 1)) > 4_000_000_000);
    }

    #[test]
    fn a_mulrk_spans_to_its_last_column() {
        let mut d = 5u16.to_le_bytes().to_vec();
        d.extend(3u16.to_le_bytes());
        d.extend([0; 12]); // two RK values
        d.extend(9u16.to_le_bytes());
        let one = sheet(&[record(MULRK, &d)]);
        assert_eq!(span_of_records(&workbook(&[one], 1)), 7);
    }

    #[test]
    fn what_is_not_a_compound_file_is_refused() {
        assert!(spanned_cells(b"not an xls").is_err());
        assert!(spanned_cells(&[0u8; 600]).is_err());
    }
}
