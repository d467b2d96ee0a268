//! Lots: what each unit of a coin cost and when it was acquired, and which units every disposal
//! used up, by FIFO, LIFO, HIFO or average cost, per account or pooled.
//!
//! [`engine::book`] is pure: it takes the ledger's entries, each already valued in the report
//! currency where a value is known, and folds them in time order with a stable tie-break, so the
//! order rows arrive in never changes a figure. [`summary`] turns the book into realized and
//! unrealized profit and loss; `app::profit` reads the ledger and prices into it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::ids::AccountId;
use crate::ledger::EntryKind;
use crate::money::Amount;

pub mod engine;
pub mod history;
pub mod load;
mod pool;
pub mod summary;
mod transfers;

pub use engine::book;

/// Which units a disposal uses up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// First in, first out: the oldest units go first.
    #[default]
    Fifo,
    /// Last in, first out: the newest units go first.
    Lifo,
    /// Highest in, first out: the units that cost most per unit go first.
    Hifo,
    /// Average cost: every unit held costs the pool's average.
    Average,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Fifo, Method::Lifo, Method::Hifo, Method::Average];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Fifo => "fifo",
            Method::Lifo => "lifo",
            Method::Hifo => "hifo",
            Method::Average => "average",
        }
    }

    /// How a person reads it next to a figure.
    pub fn label(self) -> &'static str {
        match self {
            Method::Fifo => "FIFO",
            Method::Lifo => "LIFO",
            Method::Hifo => "HIFO",
            Method::Average => "average cost",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Whether each account keeps its own lots, or all accounts share one pool per coin.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    PerAccount,
    Pooled,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::PerAccount => "per_account",
            Scope::Pooled => "pooled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::PerAccount => "per account",
            Scope::Pooled => "pooled",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        [Scope::PerAccount, Scope::Pooled]
            .into_iter()
            .find(|s| s.as_str() == text.trim().replace('-', "_"))
    }
}

/// One ledger entry as the engine reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LotEntry {
    /// The entry's row id: the last tie-break, so equal entries keep one order.
    pub id: i64,
    pub at: i64,
    pub account: AccountId,
    pub asset: String,
    /// A fiat currency, which has no lots; only its fees count, towards the trade beside them.
    pub fiat: bool,
    pub amount: Amount,
    pub kind: EntryKind,
    /// What the whole entry was worth in the report currency (positive), when known.
    pub value: Option<Decimal>,
    /// The exchange's or chain's id linking a withdrawal to its deposit.
    pub link: Option<String>,
}

/// Units of a coin acquired together, still held.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Lot {
    /// The account it was acquired in, or moved to by a transfer.
    pub account: AccountId,
    pub asset: String,
    /// `None` for units the ledger never recorded acquiring (more left than came in).
    pub acquired_at: Option<i64>,
    pub amount: Amount,
    /// What the units cost in the report currency, fees included; `None` when not known.
    pub cost: Option<Decimal>,
}

/// Units disposed of (sold, traded or spent on a fee) and what they had cost.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Disposal {
    pub at: i64,
    pub account: AccountId,
    pub asset: String,
    pub amount: Amount,
    /// When the units were acquired; `None` for units the ledger never recorded acquiring.
    pub acquired_at: Option<i64>,
    /// What they brought, fees taken off; `None` when the ledger has no price for it.
    pub proceeds: Option<Decimal>,
    pub cost: Option<Decimal>,
}

impl Disposal {
    /// Proceeds less cost, when both are known.
    pub fn gain(&self) -> Option<Decimal> {
        Some(self.proceeds?.checked_sub(self.cost?)?.normalize())
    }
}

/// Units that left to somewhere the ledger does not follow (a withdrawal with no matching
/// deposit): they leave with their cost and without a gain or loss.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct Removal {
    pub at: i64,
    pub account: AccountId,
    pub asset: String,
    pub amount: Amount,
    pub cost: Option<Decimal>,
}

/// Everything the engine worked out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LotBook {
    pub open: Vec<Lot>,
    pub disposals: Vec<Disposal>,
    pub removals: Vec<Removal>,
    /// Withdrawals moved to a deposit in another account, with their lots.
    pub transfers: u32,
}

#[cfg(test)]
mod tests;
