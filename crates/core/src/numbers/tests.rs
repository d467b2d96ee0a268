use super::*;
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    locale: String,
    kind: String,
    value: String,
    currency: Option<String>,
    expected: String,
}

/// The same file the UI's formatter is tested against: both write every case alike.
#[test]
fn writes_every_shared_case_as_the_ui_does() {
    let file = include_str!("../../../../fixtures/number-format.json");
    let cases: Cases = serde_json::from_str(file).expect("the shared cases parse");
    assert!(cases.cases.len() >= 40);
    for case in cases.cases {
        let style = NumberStyle::for_locale(&case.locale);
        let written = match case.kind.as_str() {
            "amount" => style.amount(&case.value),
            "money" => style.money(&case.value, case.currency.as_deref().unwrap_or("")),
            "percent" => style.percent(&case.value),
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(
            written, case.expected,
            "{} {} in {}",
            case.kind, case.value, case.locale
        );
    }
}

#[test]
fn reads_system_style_locale_names() {
    assert_eq!(
        NumberStyle::for_locale("de_DE.UTF-8"),
        NumberStyle::for_locale("de-DE")
    );
    assert_eq!(NumberStyle::for_locale("de-DE").decimal, ",");
    assert_eq!(NumberStyle::for_locale("C"), NumberStyle::default());
    assert_eq!(NumberStyle::for_locale(""), NumberStyle::default());
    assert_eq!(
        NumberStyle::for_locale("not a locale!"),
        NumberStyle::default()
    );
}

#[test]
fn keeps_text_that_is_not_a_number() {
    let style = NumberStyle::default();
    assert_eq!(style.amount("n/a"), "n/a");
    assert_eq!(style.money_number("1e5"), "1e5");
    assert_eq!(style.amount("-"), "-");
    assert_eq!(style.amount(".5"), ".5");
}

proptest! {
    /// Grouping only adds separators: taking them out gives the exact digits back.
    #[test]
    fn grouping_keeps_every_digit(whole in "[1-9][0-9]{0,30}", fraction in "[0-9]{0,18}", negative: bool) {
        let text = format!("{}{whole}{}", if negative { "-" } else { "" },
            if fraction.is_empty() { String::new() } else { format!(".{fraction}") });
        let written = NumberStyle::for_locale("de-DE").amount(&text);
        let back = written.replace('.', "").replace(',', ".");
        prop_assert_eq!(back, text);
    }

    /// Any text as a locale tag (it comes from the environment) gives a style, never a panic.
    #[test]
    fn any_locale_tag_gives_a_style(tag in "\\PC{0,40}") {
        let style = NumberStyle::for_locale(&tag);
        prop_assert!(!style.decimal.is_empty());
        prop_assert_ne!(style.decimal, style.group);
    }

    /// Money keeps two places at least, and never panics on any text.
    #[test]
    fn money_never_panics(text in "\\PC{0,40}") {
        let _ = NumberStyle::default().money(&text, "usd");
        let _ = NumberStyle::default().percent(&text);
    }

    #[test]
    fn money_rounds_like_decimal(value in -1_000_000_000i64..1_000_000_000, scale in 0u32..8) {
        let decimal = rust_decimal::Decimal::new(value, scale);
        prop_assume!(decimal.abs() >= rust_decimal::Decimal::ONE);
        let rounded = decimal.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let expected = format!("{:.2}", rounded);
        let written = NumberStyle::default().money_number(decimal).replace(',', "");
        prop_assert_eq!(written, expected);
    }
}
