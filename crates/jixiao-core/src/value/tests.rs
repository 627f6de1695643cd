use self::rust_decimal_macros_free::d;
use super::*;

mod rust_decimal_macros_free {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    pub fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
}

fn q(text: &str) -> Quantity {
    match parse(text).kind {
        ValueKind::Quantity(q) => q,
        other => panic!("{text}: expected a quantity, got {other:?}"),
    }
}

fn check(text: &str, cmp: Comparator, number: &str, unit: &str) {
    let got = q(text);
    assert_eq!(
        (got.cmp, got.number, got.unit.as_str()),
        (cmp, d(number), unit),
        "{text}"
    );
}

#[test]
fn comparators_as_written_on_forms() {
    use Comparator::*;
    check("≥95%", Ge, "95", "%");
    check("≧95%", Ge, "95", "%");
    check(">=95%", Ge, "95", "%");
    check("＞90%", Gt, "90", "%");
    check("不低于90%", Ge, "90", "%");
    check("不少于12种", Ge, "12", "种");
    check("达到90%以上", Ge, "90", "%");
    check("90%以上", Ge, "90", "%");
    check("超30篇次", Gt, "30", "篇次");
    check("≤3个工作日", Le, "3", "个工作日");
    check("不超过200元", Le, "200", "元");
    check("3个工作日以内", Le, "3", "个工作日");
    check("<5%", Lt, "5", "%");
    check("＜5%", Lt, "5", "%");
    check("=100%", Eq, "100", "%");
    check("═100", Eq, "100", "");
    check("＝100%", Eq, "100", "%");
    check("1场", Eq, "1", "场");
    check("62人次", Eq, "62", "人次");
    check("0起", Eq, "0", "起");
    check("≤ 30 万元", Le, "30", "万元");
}

#[test]
fn numbers_in_every_script() {
    use Comparator::*;
    check("三场", Eq, "3", "场");
    check("两千三百人次", Eq, "2300", "人次");
    check("十二个月", Eq, "12", "个月");
    check("一万二千人", Eq, "12000", "人");
    check("十万元", Eq, "10", "万元");
    check("1,600本", Eq, "1600", "本");
    check("１２３４５人", Eq, "12345", "人");
    check("９５％", Eq, "95", "%");
    check("≥９５．５％", Ge, "95.5", "%");
    check("3‰", Eq, "3", "‰");
    check("14.53万元", Eq, "14.53", "万元");
    // Regression (proptest): a decimal with an integer part that is no year is not a date; a year and a
    // month written with a dot is ("2023.12", a deadline in the value corpus).
    check("1000.01", Eq, "1000.01", "");
    check("2023.13", Eq, "2023.13", "");
    check("2023.125", Eq, "2023.125", "");
    check("-5%", Eq, "-5", "%");
}

#[test]
fn deadlines() {
    let kind = |t: &str| parse(t).kind;
    assert_eq!(
        kind("2023年12月"),
        ValueKind::Deadline(DateBound {
            year: Some(2023),
            month: 12,
            day: None
        })
    );
    assert_eq!(
        kind("2023年12月31日前"),
        ValueKind::Deadline(DateBound {
            year: Some(2023),
            month: 12,
            day: Some(31)
        })
    );
    assert_eq!(
        kind("12月底前"),
        ValueKind::Deadline(DateBound {
            year: None,
            month: 12,
            day: None
        })
    );
    assert_eq!(
        kind("2023年底前"),
        ValueKind::Deadline(DateBound {
            year: Some(2023),
            month: 12,
            day: None
        })
    );
    assert_eq!(
        kind("2023-06-30"),
        ValueKind::Deadline(DateBound {
            year: Some(2023),
            month: 6,
            day: Some(30)
        })
    );
    assert!(
        matches!(
            kind("2023年2月30日前"),
            ValueKind::Unparsed { .. } | ValueKind::Claim { .. }
        ),
        "no 30 February"
    );
    let d = DateBound {
        year: None,
        month: 2,
        day: None,
    };
    assert_eq!(d.last_day(2024), (2024, 2, 29));
    assert_eq!(d.last_day(2023), (2023, 2, 28));
}

#[test]
fn qualitative_words() {
    let level = |t: &str| match parse(t).kind {
        ValueKind::Qualitative { level } => level,
        other => panic!("{t}: {other:?}"),
    };
    for t in [
        "及时",
        "显著提升",
        "有效",
        "达成预期指标",
        "达成年度指标",
        "完成",
    ] {
        assert_eq!(level(t), Achievement::Achieved, "{t}");
    }
    for t in ["部分达成", "基本完成"] {
        assert_eq!(level(t), Achievement::Partial, "{t}");
    }
    for t in ["未达成", "未完成"] {
        assert_eq!(level(t), Achievement::Failed, "{t}");
    }
}

#[test]
fn not_applicable_and_blank() {
    for t in ["/", "—", "不适用", " / ", "——"] {
        assert_eq!(parse(t).kind, ValueKind::NotApplicable, "{t}");
    }
    assert_eq!(parse("").kind, ValueKind::Empty);
    assert_eq!(parse("   ").kind, ValueKind::Empty);
    assert_eq!(parse("无").kind, ValueKind::Nil);
}

#[test]
fn a_sentence_without_numbers_is_a_claim_not_a_number() {
    assert_eq!(
        parse("已赴黄埔区开展人才工作调研").kind,
        ValueKind::Claim {
            level: Achievement::Achieved
        }
    );
    assert_eq!(
        parse("出台人才政策实施细则").kind,
        ValueKind::Claim {
            level: Achievement::Achieved
        }
    );
    assert_eq!(
        parse("项目尚未开工").kind,
        ValueKind::NotDone {
            word: "尚未".into()
        }
    );
    assert_eq!(
        parse("基本完成年度建设任务").kind,
        ValueKind::Claim {
            level: Achievement::Partial
        }
    );
    // Words with 一 in them are not numbers.
    assert_eq!(
        parse("进一步统一规范").kind,
        ValueKind::Claim {
            level: Achievement::Achieved
        }
    );
}

#[test]
fn actual_sentence_takes_the_number_with_the_targets_unit() {
    let target = parse("5篇");
    let actual = parse_actual("22年度超30篇次省市区报道人才工作", &target);
    assert_eq!(
        actual.kind,
        ValueKind::Quantity(Quantity {
            cmp: Comparator::Gt,
            number: d("30"),
            unit: "篇次".into()
        })
    );
    let target = parse("20人次");
    let actual = parse_actual("走访高层次人才62人次", &target);
    assert_eq!(actual.quantity().unwrap().number, d("62"));
    let target = parse("申报率100%");
    assert_eq!(target.quantity().unwrap().number, d("100"));
    let actual = parse_actual("人才政策各项目申报率 100%", &target);
    assert_eq!(actual.quantity().unwrap().unit, "%");
    // The first number is not taken when a later one matches the unit.
    let target = parse("≥90%");
    let actual = parse_actual("共检查12家单位，合格率96%", &target);
    assert_eq!(actual.quantity().unwrap().number, d("96"));
}

#[test]
fn ambiguous_sentences_are_unparsed_with_a_reason() {
    let target = parse("≥90%");
    let v = parse_actual("检查12家，抽查5家", &target);
    match v.kind {
        ValueKind::Unparsed { reason } => {
            assert!(reason.contains("12家") && reason.contains('%'), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(parse("≥").kind, ValueKind::Unparsed { .. }));
    assert!(matches!(parse("不低于").kind, ValueKind::Unparsed { .. }));
}

#[test]
fn actual_against_a_deadline() {
    let target = parse("2023年12月31日前");
    assert_eq!(
        parse_actual("已于2023年11月20日完成验收", &target).kind,
        ValueKind::Deadline(DateBound {
            year: Some(2023),
            month: 11,
            day: Some(20)
        })
    );
    assert_eq!(
        parse_actual("按期完成", &target).kind,
        ValueKind::Qualitative {
            level: Achievement::Achieved
        }
    );
}

#[test]
fn original_text_is_kept() {
    let v = parse(" ≧９５％ ");
    assert_eq!(v.text, " ≧９５％ ");
    assert_eq!(v.describe(), "≥ 95 %");
}

#[test]
fn units() {
    assert!(units_compatible("篇", "篇次"));
    assert!(units_compatible("人", "人次"));
    assert!(units_compatible("个工作日", "工作日"));
    assert!(units_compatible("万元", "元"));
    assert!(!units_compatible("%", "件"));
    assert!(!units_compatible("篇", "场"));
    assert_eq!(convert(d("1.5"), "万元", "元"), Some(d("15000")));
    assert_eq!(convert(d("5"), "‰", "%"), Some(d("0.5")));
    assert_eq!(convert(d("5"), "件", "%"), None);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn cmp() -> impl Strategy<Value = Comparator> {
        prop_oneof![
            Just(Comparator::Ge),
            Just(Comparator::Gt),
            Just(Comparator::Le),
            Just(Comparator::Lt),
            Just(Comparator::Eq)
        ]
    }

    fn unit() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(""),
            Just("%"),
            Just("‰"),
            Just("人次"),
            Just("篇"),
            Just("万元"),
            Just("个工作日"),
            Just("场"),
            Just("起")
        ]
        .prop_map(String::from)
    }

    proptest! {
        #[test]
        fn quantities_round_trip(c in cmp(), int in 0u32..100_000, frac in 0u32..100, unit in unit()) {
            let number = Decimal::new(i64::from(int) * 100 + i64::from(frac), 2).normalize();
            // A bare 2023.12 reads as December 2023 (a year and a month), not as a number.
            let month_like = (1..=12).contains(&frac) || (frac % 10 == 0 && frac > 0);
            let year_month = (1900..2100).contains(&int) && month_like && unit.is_empty() && c == Comparator::Eq;
            prop_assume!(!year_month);
            let kind = ValueKind::Quantity(Quantity { cmp: c, number, unit });
            prop_assert_eq!(parse(&render(&kind)).kind, kind);
        }

        #[test]
        fn deadlines_round_trip(year in proptest::option::of(2000i32..2100), month in 1u32..=12, day in proptest::option::of(1u32..=28)) {
            let kind = ValueKind::Deadline(DateBound { year, month, day });
            prop_assert_eq!(parse(&render(&kind)).kind, kind);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s);
            let _ = parse_actual(&s, &parse("≥95%"));
        }

        #[test]
        fn never_panics_on_the_words_of_the_new_forms(s in "[0-9.,%‰余多近约万亿以上下内左右至~～\\-−年月日号底前季度第一二三四上下半全是否有无未开展取消延期暂停/—≥≤<>=个次人会议村控制在（）()*√]{0,24}") {
            for target in ["≥95%", "≤-3%", "85%-90%", "年底前", "无", "5次", "显著提升"] {
                let v = parse_actual(&s, &parse(target));
                prop_assert_eq!(&v.text, &s);
                let _ = v.describe();
            }
            let _ = parse(&s).describe();
        }
    }

    #[test]
    fn words_round_trip() {
        for kind in [
            ValueKind::NotApplicable,
            ValueKind::Nil,
            ValueKind::Empty,
            ValueKind::Qualitative {
                level: Achievement::Achieved,
            },
            ValueKind::Qualitative {
                level: Achievement::Partial,
            },
            ValueKind::Qualitative {
                level: Achievement::Failed,
            },
        ] {
            assert_eq!(parse(&render(&kind)).kind, kind);
        }
    }
}
