//! Formatting for pages: escaping, money, scores, times, and the navigation bar.

use chrono::{Datelike, FixedOffset, TimeZone, Timelike};
use jixiao_store::Role;
use rust_decimal::Decimal;

use crate::auth::CurrentUser;

/// HTML-escapes text (for the few strings built outside templates).
pub use jixiao_report::html::esc;

/// JSON for a `<script type="application/json">` block: `<` escaped so no text can close the tag.
pub fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub fn wan(x: Decimal) -> String {
    format!("{:.2}", x.round_dp(2))
}

pub fn score(x: Decimal) -> String {
    format!("{:.2}", x)
}

pub fn num(x: Decimal) -> String {
    x.normalize().to_string()
}

pub fn opt(x: Option<Decimal>) -> String {
    x.map_or_else(String::new, num)
}

pub fn centi(x: i64) -> String {
    format!("{}.{:02}", x / 100, (x % 100).abs())
}

/// Beijing time, as the users read it.
pub fn time(millis: i64) -> String {
    let tz = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    tz.timestamp_millis_opt(millis)
        .single()
        // Written out rather than through a format string, which is parsed anew on every call (lists
        // print one per row).
        .map_or_else(String::new, |t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
}

/// What every page's header needs.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub name: String,
    pub role: String,
    pub csrf: String,
    pub admin: bool,
    pub editor: bool,
}

impl Nav {
    pub fn of(u: &CurrentUser) -> Nav {
        Nav {
            name: u.user.display_name.clone(),
            role: u.user.role.label().into(),
            csrf: u.csrf.clone(),
            admin: u.user.role == Role::Admin,
            editor: u.user.role == Role::Editor,
        }
    }
}

/// How many rows each cell of a column spans when consecutive equal values merge, as on the paper form
/// (一级指标): the first row of a run gets its length, the others 0.
pub fn spans<'a>(values: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let values: Vec<&str> = values.collect();
    let mut out = vec![0; values.len()];
    let mut i = 0;
    while i < values.len() {
        let j = (i..values.len())
            .find(|&j| values[j] != values[i])
            .unwrap_or(values.len());
        out[i] = j - i;
        i = j;
    }
    out
}

/// Text as a URL query value (every byte but ASCII letters, digits and `-._~` percent-encoded).
pub fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The trimmed value of the form field `name` ("" when absent), for forms read as a list of pairs.
pub fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_beijing_minutes_with_leading_zeros() {
        // 2026-01-02 00:05 UTC is 08:05 in Beijing.
        assert_eq!(super::time(1_767_312_300_000), "2026-01-02 08:05");
        // The last minute of a year in UTC is the next year in Beijing.
        assert_eq!(super::time(1_767_225_540_000), "2026-01-01 07:59");
    }
}
