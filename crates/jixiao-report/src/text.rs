//! Number formatting for documents: money in 万元 with two decimals, scores as the form shows them.

use rust_decimal::Decimal;

/// 万元 with two decimals: `150.00`, `14.53`, `0.00`.
pub fn money(x: Decimal) -> String {
    format!(
        "{:.2}",
        x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A score or weight without trailing zeros: `20`, `4.84`, `10.5`.
pub fn score(x: Decimal) -> String {
    let s = x.normalize();
    if s.is_zero() {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A fraction as a percentage with up to two decimals: `1` → `100%`, `0.9787` → `97.87%`.
pub fn percent(rate: Decimal) -> String {
    let p = (rate * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{}%", score(p))
}

/// Paragraphs of a narrative field (one per non-empty line).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The numbers written in a text (`2022`, `150.00`, `14.53`, `100`), for comparing figures.
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(cur.trim_end_matches('.').to_string());
            cur.clear();
        }
    }
    out
}

/// Whether two written numbers denote the same value (`100` = `100.00`).
pub fn same_number(a: &str, b: &str) -> bool {
    match (a.parse::<Decimal>(), b.parse::<Decimal>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A narrative paragraph only restates figures when it has numbers and every one of them is already in
/// the generated text: then printing it again would repeat the figures (the seed's （三） paragraph).
pub fn restates(paragraph: &str, generated: &str) -> bool {
    let nums = numbers(paragraph);
    let have = numbers(generated);
    !nums.is_empty() && nums.iter().all(|n| have.iter().any(|h| same_number(n, h)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::d;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap()
        }
    }

    #[test]
    fn formats() {
        assert_eq!(money(d("150")), "150.00");
        assert_eq!(money(d("14.534")), "14.53");
        assert_eq!(money(d("0.005")), "0.01");
        assert_eq!(score(d("20.00")), "20");
        assert_eq!(score(d("4.840")), "4.84");
        assert_eq!(percent(d("1")), "100%");
        assert_eq!(percent(d("0.97875")), "97.88%");
    }

    #[test]
    fn restating_paragraphs() {
        let generated = "2022年项目的年初预算数150.00万元，年度预算数为14.53万元，执行数为14.53万元，完成预算的100%。";
        assert!(restates(
            "2022年我部项目的年初预算数150.00万，年度预算数为14.53万元，执行数为14.53万元，完成预算的100%。",
            generated
        ));
        assert!(!restates("其中人员经费3.20万元。", generated));
        assert!(!restates("资金按规定使用。", generated));
        assert_eq!(numbers("共1,600本，占98.5%。"), vec!["1", "600", "98.5"]);
    }
}
