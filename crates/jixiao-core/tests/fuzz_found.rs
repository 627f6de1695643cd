//! Value-language inputs the `value` fuzz target found panicking (the raw input is in
//! tests/fixtures/fuzz-regressions/value/), reduced to what they are about.

use jixiao_core::value::{ValueKind, parse};

#[test]
fn a_comparator_and_a_trailing_yishang_without_a_number_is_reported_not_a_panic() {
    // 以上 at the end made the comparator's text be cut from the wrong end, inside a character.
    for text in ["≥ab以上", "达到x以上", "不低于以上"] {
        match parse(text).kind {
            ValueKind::Unparsed { reason } => {
                assert!(reason.contains("后没有数值"), "{text}: {reason}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    let ValueKind::Unparsed { reason } = parse("≥ab以上").kind else {
        unreachable!()
    };
    assert!(reason.contains("比较符“≥”"), "{reason}");
}
