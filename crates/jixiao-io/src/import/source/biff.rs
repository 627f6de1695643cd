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

/// The cells the sheets of the .xls workbook `bytes` span together (sum of each sheet's rectangle), or
/// why the file cannot be read.
pub fn spanned_cells(bytes: &[u8]) -> Result<u64, String> {
    let stream = workbook_stream(bytes)?;
    Ok(span_of_records(&stream))
}

/// The sum of each substream's rectangle of cell records (the globals have none).
fn span_of_records(stream: &[u8]) -> u64 {
    let mut total: u64 = 0;
    // (first row, last row, first column, last column) of the substream being read.
    let mut bounds: Option<(u16, u16, u16, u16)> = None;
    let mut close = |bounds: &mut Option<(u16, u16, u16, u16)>| {
        if let Some((r0, r1, c0, c1)) = bounds.take() {
            let rows = u64::from(r1 - r0) + 1;
            let cols = u64::from(c1 - c0) + 1;
            total = total.saturating_add(rows * cols);
        }
    };
    let mut at = 0;
    while let (Some(kind), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data =
            &stream[(at + 4).min(stream.len())..(at + 4 + usize::from(len)).min(stream.len())];
        at += 4 + usize::from(len);
        if kind == BOF || kind == EOF {
            close(&mut bounds);
            continue;
        }
        if !CELL_RECORDS.contains(&kind) {
            continue;
        }
        let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
            continue;
        };
        // MULRK: the last column is the record's last two bytes.
        let last_col = match kind {
            MULRK if data.len() >= 6 => u16_at(data, data.len() - 2).unwrap_or(col).max(col),
            _ => col,
        };
        let b = bounds.get_or_insert((row, row, col, col));
        *b = (b.0.min(row), b.1.max(row), b.2.min(col), b.3.max(last_col));
    }
    close(&mut bounds);
    total
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
        let len = (usize::from(u16_at(e, 64).unwrap_or(0)) / 2)
            .saturating_sub(1)
            .min(32);
        let units: Vec<u16> = (0..len).filter_map(|i| u16_at(e, 2 * i)).collect();
        String::from_utf16_lossy(&units)
    };
    let size_of = |e: &[u8]| u32_at(e, 120).unwrap_or(0) as usize;
    let root = entry(0).ok_or_else(|| broken("目录"))?;
    let workbook = (1..directory.len() / 128)
        .filter_map(entry)
        .find(|e| e[66] == 2 && matches!(name_of(e).as_str(), "Workbook" | "Book"))
        .ok_or_else(|| broken("没有 Workbook 数据流"))?;
    let (start, size) = (
        u32_at(workbook, 116).unwrap_or(END_OF_CHAIN),
        size_of(workbook),
    );
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as usize;
    if size >= cutoff {
        return read(start, size);
    }
    // A small stream lives in the mini stream, in mini sectors chained by the mini allocation table.
    let mini_stream = read(u32_at(root, 116).unwrap_or(END_OF_CHAIN), size_of(root))?;
    let minifat_bytes = read(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), usize::MAX)?;
    let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
        .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
        .collect();
    let mut out = Vec::with_capacity(size);
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

    #[test]
    fn each_sheet_spans_its_first_to_last_cell() {
        let mut s = record(BOF, &[0; 16]); // globals
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0; 16]));
        s.extend(cell(0x0203, 2, 1));
        s.extend(cell(0x00FD, 11, 4)); // rows 2–11, columns 1–4: 40 cells
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0; 16]));
        s.extend(cell(0x027E, 65_535, 0));
        s.extend(cell(0x0006, 0, 65_535)); // the whole 16-bit square
        s.extend(record(EOF, &[]));
        assert_eq!(span_of_records(&s), 40 + 65_536 * 65_536);
    }

    #[test]
    fn a_mulrk_spans_to_its_last_column() {
        let mut d = 5u16.to_le_bytes().to_vec();
        d.extend(3u16.to_le_bytes());
        d.extend([0; 12]); // two RK values
        d.extend(9u16.to_le_bytes());
        let mut s = record(BOF, &[0; 16]);
        s.extend(record(MULRK, &d));
        assert_eq!(span_of_records(&s), 7);
    }

    #[test]
    fn what_is_not_a_compound_file_is_refused() {
        assert!(spanned_cells(b"not an xls").is_err());
        assert!(spanned_cells(&[0u8; 600]).is_err());
    }
}
