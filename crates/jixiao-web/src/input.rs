//! One way to check what a form or a JSON body says: each helper names the field in its error, so
//! every page answers bad input the same way (400, the field and what was wrong, in Chinese).

use rust_decimal::Decimal;

use crate::error::AppError;

/// The trimmed text, which must not be empty.
pub fn required<'a>(text: &'a str, what: &str) -> Result<&'a str, AppError> {
    match text.trim() {
        "" => Err(AppError::BadRequest(format!("{what}不能为空"))),
        t => Ok(t),
    }
}

/// One of a fixed set of values (a role, a status, an organisation kind), read by `parse`.
pub fn choice<T>(text: &str, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, AppError> {
    parse(text.trim()).ok_or_else(|| AppError::BadRequest(format!("未知{what}“{}”", text.trim())))
}

/// A score or amount: empty is none; otherwise an exact decimal between 0 and `max` when given.
pub fn decimal(text: &str, what: &str, max: Option<Decimal>) -> Result<Option<Decimal>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let x: Decimal = t
        .parse()
        .map_err(|_| AppError::BadRequest(format!("{what}“{t}”不是数字")))?;
    if x < Decimal::ZERO || max.is_some_and(|m| x > m) {
        let range = max.map_or_else(|| "不能为负".to_string(), |m| format!("应在 0 到 {m} 之间"));
        return Err(AppError::BadRequest(format!("{what}“{t}”{range}")));
    }
    Ok(Some(x))
}

/// Something that must exist (an organisation chosen in a form).
pub fn found<T>(x: Option<T>, what: &str) -> Result<T, AppError> {
    x.ok_or_else(|| AppError::BadRequest(format!("{what}不存在")))
}
