//! How alerts read to people: coins by name and symbol (never their id), and every level and
//! observed figure in the one number format ([`NumberStyle`]). Rules, fired notifications, the
//! history, the CLI and the daemon's hooks all take their words from here.

use rust_decimal::Decimal;

use super::AlertKind;
use crate::numbers::NumberStyle;

/// What a rule watches, as people call it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// "Bitcoin (BTC)"; `None` for portfolio rules.
    pub coin: Option<&'a str>,
    /// One account for holding rules; `None` means every account.
    pub account: Option<&'a str>,
}

impl Subject<'_> {
    fn coin(&self) -> &str {
        self.coin.unwrap_or("Portfolio")
    }

    /// "The balance of wallet 'Cold storage'".
    pub(super) fn wallet(&self) -> String {
        format!(
            "The balance of wallet '{}'",
            self.account.unwrap_or("(removed)")
        )
    }

    fn holding(&self) -> String {
        match self.account {
            Some(account) => format!("{} in {account}", self.coin()),
            None => format!("{} (all accounts)", self.coin()),
        }
    }
}

/// The rule: "Bitcoin (BTC) at or above 70,000.00 USD", "Solana (SOL) moves 10% in 24 h".
pub fn rule(
    kind: AlertKind,
    subject: Subject,
    currency: &str,
    threshold: Decimal,
    style: &NumberStyle,
) -> String {
    let coin = subject.coin();
    // Each kind formats only the figure it shows: every rule read from the store is described.
    let level = || style.money(threshold.normalize(), currency);
    let percent = || style.amount(threshold.normalize());
    match kind {
        AlertKind::PriceAbove => format!("{coin} at or above {}", level()),
        AlertKind::PriceBelow => format!("{coin} at or below {}", level()),
        AlertKind::ChangeUp => format!("{coin} up {}% in 24 h", percent()),
        AlertKind::ChangeDown => format!("{coin} down {}% in 24 h", percent()),
        AlertKind::ChangeEither => format!("{coin} moves {}% in 24 h", percent()),
        AlertKind::PortfolioAbove => format!("Portfolio at or above {}", level()),
        AlertKind::PortfolioBelow => format!("Portfolio at or below {}", level()),
        AlertKind::HoldingAbove => format!("{} worth {} or more", subject.holding(), level()),
        AlertKind::HoldingBelow => format!("{} worth {} or less", subject.holding(), level()),
        AlertKind::WalletChanged => format!("{} changes", subject.wallet()),
    }
}

/// A fired alert, one line: "Bitcoin (BTC) is at or above 68,000.00 USD: 70,000.00 USD".
pub fn fired(
    kind: AlertKind,
    subject: Subject,
    currency: &str,
    threshold: Decimal,
    observed: Decimal,
    style: &NumberStyle,
) -> String {
    let coin = subject.coin();
    // Each kind writes only the figures it shows: formatting is most of an evaluation's time.
    let money = |value: Decimal| style.money(value.normalize(), currency);
    let (level, seen) = (|| money(threshold), || money(observed));
    let (limit, moved) = (
        || style.amount(threshold.normalize()),
        || style.percent(observed),
    );
    match kind {
        AlertKind::PriceAbove => format!("{coin} is at or above {}: {}", level(), seen()),
        AlertKind::PriceBelow => format!("{coin} is at or below {}: {}", level(), seen()),
        AlertKind::ChangeUp => format!("{coin} moved {} in 24 h (alert at +{}%)", moved(), limit()),
        AlertKind::ChangeDown => {
            format!("{coin} moved {} in 24 h (alert at -{}%)", moved(), limit())
        }
        AlertKind::ChangeEither => {
            format!("{coin} moved {} in 24 h (alert at {}%)", moved(), limit())
        }
        AlertKind::PortfolioAbove => {
            format!("Your portfolio is at or above {}: {}", level(), seen())
        }
        AlertKind::PortfolioBelow => {
            format!("Your portfolio is at or below {}: {}", level(), seen())
        }
        AlertKind::HoldingAbove => {
            format!(
                "{} is worth {}, at or above {}",
                subject.holding(),
                seen(),
                level()
            )
        }
        AlertKind::HoldingBelow => {
            format!(
                "{} is worth {}, at or below {}",
                subject.holding(),
                seen(),
                level()
            )
        }
        // Scans write their own line, with every coin that changed (`alerts::wallet`).
        AlertKind::WalletChanged => format!("{} changed", subject.wallet()),
    }
}

/// A fired alert without any amount, for channels outside this computer in privacy mode:
/// "Bitcoin (BTC) rose to your alert level".
pub fn fired_privately(kind: AlertKind, subject: Subject) -> String {
    let coin = subject.coin();
    match kind {
        AlertKind::PriceAbove => format!("{coin} rose to your alert level"),
        AlertKind::PriceBelow => format!("{coin} fell to your alert level"),
        AlertKind::ChangeUp => format!("{coin} rose past your 24 h alert"),
        AlertKind::ChangeDown => format!("{coin} fell past your 24 h alert"),
        AlertKind::ChangeEither => format!("{coin} moved past your 24 h alert"),
        AlertKind::PortfolioAbove => "Your portfolio rose to your alert level".to_owned(),
        AlertKind::PortfolioBelow => "Your portfolio fell to your alert level".to_owned(),
        AlertKind::HoldingAbove => format!("{} rose to your alert level", subject.holding()),
        AlertKind::HoldingBelow => format!("{} fell to your alert level", subject.holding()),
        AlertKind::WalletChanged => format!("{} changed", subject.wallet()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitcoin() -> Subject<'static> {
        Subject {
            coin: Some("Bitcoin (BTC)"),
            account: None,
        }
    }

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn rules_name_the_coin_and_write_levels_in_the_number_format() {
        let us = NumberStyle::for_locale("en-US");
        let level = d("68000");
        let text = rule(AlertKind::PriceAbove, bitcoin(), "usd", level, &us);
        assert_eq!(text, "Bitcoin (BTC) at or above 68,000.00 USD");
        let de = NumberStyle::for_locale("de-DE");
        let text = rule(AlertKind::PriceAbove, bitcoin(), "eur", level, &de);
        assert_eq!(text, "Bitcoin (BTC) at or above 68.000,00 EUR");
        let text = rule(AlertKind::ChangeEither, bitcoin(), "usd", d("7.5"), &de);
        assert_eq!(text, "Bitcoin (BTC) moves 7,5% in 24 h");
    }

    #[test]
    fn fired_lines_write_the_level_and_the_price_alike() {
        let us = NumberStyle::for_locale("en-US");
        let text = fired(
            AlertKind::PriceAbove,
            bitcoin(),
            "usd",
            d("68000"),
            d("70000"),
            &us,
        );
        assert_eq!(
            text,
            "Bitcoin (BTC) is at or above 68,000.00 USD: 70,000.00 USD"
        );
        let down = fired(
            AlertKind::ChangeDown,
            bitcoin(),
            "usd",
            d("5"),
            d("-6.456"),
            &us,
        );
        assert_eq!(down, "Bitcoin (BTC) moved -6.46% in 24 h (alert at -5%)");
    }

    #[test]
    fn holdings_say_which_account() {
        let us = NumberStyle::for_locale("en-US");
        let in_kraken = Subject {
            coin: Some("Ether (ETH)"),
            account: Some("Kraken"),
        };
        let text = fired(
            AlertKind::HoldingBelow,
            in_kraken,
            "usd",
            d("1000"),
            d("950.5"),
            &us,
        );
        assert_eq!(
            text,
            "Ether (ETH) in Kraken is worth 950.50 USD, at or below 1,000.00 USD"
        );
        let everywhere = Subject {
            account: None,
            ..in_kraken
        };
        let text = rule(AlertKind::HoldingAbove, everywhere, "usd", d("10"), &us);
        assert_eq!(text, "Ether (ETH) (all accounts) worth 10.00 USD or more");
    }

    #[test]
    fn portfolio_rules_need_no_coin() {
        let us = NumberStyle::for_locale("en-US");
        let portfolio = Subject {
            coin: None,
            account: None,
        };
        let text = fired(
            AlertKind::PortfolioBelow,
            portfolio,
            "eur",
            d("1000000"),
            d("999999.5"),
            &us,
        );
        assert_eq!(
            text,
            "Your portfolio is at or below 1,000,000.00 EUR: 999,999.50 EUR"
        );
    }
}
