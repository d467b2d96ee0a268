//! What a rule watches: a coin's price or change, the portfolio, or a holding of a coin in one
//! account or in all. Built once from a rule's kind, coin and account; the evaluator and the
//! texts match on it instead of reading "no coin" or "no account" from empty fields.

use serde::Serialize;
use specta::Type;

use super::{AlertError, AlertKind};
use crate::coin::CoinId;

/// The value a rule watches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Type)]
#[serde(into = "TargetFields")]
#[specta(type = TargetFields)]
pub enum AlertTarget {
    /// A coin's price or 24-hour change.
    Coin(CoinId),
    /// The whole portfolio's value.
    Portfolio,
    /// A coin's value held in one account (`Some`) or in all of them (`None`).
    Holding {
        coin: CoinId,
        account: Option<String>,
    },
    /// A watched wallet, by its account's name.
    Wallet(String),
}

/// How a target is written where rules are shown and stored: a coin and an account, each
/// absent where the kind has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct TargetFields {
    /// The coin id (price, change and holding rules).
    pub coin: Option<CoinId>,
    /// The one account of a holding rule; absent means all accounts.
    pub account: Option<String>,
}

impl From<AlertTarget> for TargetFields {
    fn from(target: AlertTarget) -> Self {
        match target {
            AlertTarget::Coin(coin) => TargetFields {
                coin: Some(coin),
                account: None,
            },
            AlertTarget::Portfolio => TargetFields {
                coin: None,
                account: None,
            },
            AlertTarget::Holding { coin, account } => TargetFields {
                coin: Some(coin),
                account,
            },
            AlertTarget::Wallet(account) => TargetFields {
                coin: None,
                account: Some(account),
            },
        }
    }
}

impl AlertTarget {
    /// Whether a rule of `kind` may name a coin and an account as given: a coin for every kind
    /// but the portfolio's, which takes none, and an account only for holdings. Checked before
    /// the coin is looked up, so a wrong mixture is not reported as an unknown coin.
    pub fn check(kind: AlertKind, has_coin: bool, has_account: bool) -> Result<(), AlertError> {
        if has_account && !kind.is_holding() && !kind.is_wallet() {
            return Err(AlertError::AccountNotAllowed);
        }
        if kind.is_wallet() && !has_account {
            return Err(AlertError::WalletNeeded);
        }
        match (kind.needs_coin(), has_coin) {
            (false, true) => Err(AlertError::CoinNotAllowed),
            (true, false) => Err(AlertError::CoinNeeded(kind.as_str())),
            _ => Ok(()),
        }
    }

    /// The target of a rule of `kind` with this coin and account, as [`AlertTarget::check`]
    /// allows.
    pub fn new(
        kind: AlertKind,
        coin: Option<CoinId>,
        account: Option<String>,
    ) -> Result<Self, AlertError> {
        let account = account.filter(|a| !a.trim().is_empty());
        Self::check(kind, coin.is_some(), account.is_some())?;
        Ok(match (coin, account) {
            (None, Some(account)) if kind.is_wallet() => AlertTarget::Wallet(account),
            (None, _) => AlertTarget::Portfolio,
            (Some(coin), account) if kind.is_holding() => AlertTarget::Holding { coin, account },
            (Some(coin), _) => AlertTarget::Coin(coin),
        })
    }

    pub fn coin(&self) -> Option<&CoinId> {
        match self {
            AlertTarget::Coin(coin) | AlertTarget::Holding { coin, .. } => Some(coin),
            AlertTarget::Portfolio | AlertTarget::Wallet(_) => None,
        }
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            AlertTarget::Holding { account, .. } => account.as_deref(),
            AlertTarget::Wallet(account) => Some(account),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(kind: AlertKind, coin: Option<&str>, account: Option<&str>) -> Option<AlertTarget> {
        AlertTarget::new(
            kind,
            coin.and_then(CoinId::parse),
            account.map(str::to_owned),
        )
        .ok()
    }

    #[test]
    fn each_kind_takes_what_it_watches_and_nothing_else() {
        let btc = Some("bitcoin");
        assert_eq!(
            target(AlertKind::PriceAbove, btc, None),
            AlertTarget::new(AlertKind::PriceBelow, CoinId::parse("bitcoin"), None).ok()
        );
        assert_eq!(target(AlertKind::PriceAbove, None, None), None);
        assert_eq!(target(AlertKind::ChangeUp, btc, Some("Kraken")), None);
        assert_eq!(
            target(AlertKind::PortfolioBelow, Some(" "), None),
            Some(AlertTarget::Portfolio)
        );
        assert_eq!(target(AlertKind::PortfolioBelow, btc, None), None);
        assert_eq!(
            target(AlertKind::HoldingAbove, btc, None),
            CoinId::parse("bitcoin").map(|coin| AlertTarget::Holding {
                coin,
                account: None
            })
        );
        let one = target(AlertKind::HoldingBelow, btc, Some("Kraken"));
        assert_eq!(one.as_ref().and_then(AlertTarget::account), Some("Kraken"));
    }

    #[test]
    fn it_is_written_as_a_coin_and_an_account() -> Result<(), serde_json::Error> {
        let all = target(AlertKind::HoldingAbove, Some("bitcoin"), None);
        assert_eq!(
            serde_json::to_value(all)?,
            serde_json::json!({ "coin": "bitcoin", "account": null })
        );
        Ok(())
    }
}
