//! The cell every stage after the source works with: its text, where it was read and, for a `pdftotext
//! -layout` line, its character columns. Sources and the layout stage make rows of cells; the form reader
//! reads them.

use std::cell::OnceCell;

use super::Origin;
use super::vocab::{self, HeaderField, Role};

#[derive(Debug, Clone)]
pub struct Cell {
    /// Never changed after construction: `memo` is worked out from it.
    pub text: String,
    pub origin: Origin,
    /// Character columns in a `pdftotext -layout` line, to place the cell under its header.
    pub x: Option<(u32, u32)>,
    memo: OnceCell<Memo>,
}

/// What the reader asks of a cell several times per row (blank? which header word?), worked out once:
/// asking again for every row and every kind of header was most of a batch's xlsx import time.
#[derive(Debug, Clone, Copy)]
struct Memo {
    blank: bool,
    header: Option<HeaderField>,
    indicator: Option<Role>,
    funds: Option<(Role, u8)>,
}

impl Cell {
    pub fn new(text: String, origin: Origin, x: Option<(u32, u32)>) -> Cell {
        Cell {
            text,
            origin,
            x,
            memo: OnceCell::new(),
        }
    }

    fn memo(&self) -> &Memo {
        self.memo.get_or_init(|| {
            // Folded once: the recognisers fold again, which is a scan without copying once folded.
            let k = vocab::key(&self.text);
            if vocab::is_blank(&k) {
                return Memo {
                    blank: true,
                    header: None,
                    indicator: None,
                    funds: None,
                };
            }
            Memo {
                blank: false,
                header: vocab::header_field(&k),
                indicator: vocab::indicator_role(&k),
                funds: vocab::funds_role(&k),
            }
        })
    }

    /// Empty or a placeholder (`-`, `/`, `——`): [`vocab::is_blank`].
    pub fn is_blank(&self) -> bool {
        self.memo().blank
    }

    pub fn header_field(&self) -> Option<HeaderField> {
        self.memo().header
    }

    pub fn indicator_role(&self) -> Option<Role> {
        self.memo().indicator
    }

    pub fn funds_role(&self) -> Option<(Role, u8)> {
        self.memo().funds
    }
}

pub type Row = Vec<Cell>;

/// Joins label pieces broken over lines (`项目名` + `称`) into one token.
pub fn join_labels(tokens: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < tokens.len() {
        for k in (2..=5).rev() {
            if i + k > tokens.len() {
                continue;
            }
            let joined: String = tokens[i..i + k]
                .iter()
                .map(|t| vocab::key(&t.text))
                .collect();
            if vocab::LABELS.contains(&joined.as_str()) {
                out.push(Cell::new(joined, tokens[i].origin.clone(), None));
                i += k;
                continue 'outer;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}
