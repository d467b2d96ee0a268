//! The ids of rows that leave core (in IPC, the CLI and JSON), one type each, so an alert's id
//! cannot undo a batch or name an account. The database makes them; text from a person becomes
//! one only through `FromStr` (a whole number above zero).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an id (ids are whole numbers from 1 up, as listed)")]
pub struct IdError(pub String);

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            Serialize, Deserialize, specta::Type, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id the database gave a row (text from a person goes through `parse`).
            pub const fn new(id: i64) -> Self {
                $name(id)
            }

            /// The number the database gave the row.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(text: &str) -> Result<Self, IdError> {
                match text.trim().parse::<i64>() {
                    Ok(id) if id > 0 => Ok($name(id)),
                    _ => Err(IdError(text.to_owned())),
                }
            }
        }
    };
}

row_id!(
    /// One change to the ledger (an add, a set, a removal, an import): what `undo` reverts.
    BatchId
);
row_id!(
    /// An alert rule.
    AlertId
);
row_id!(
    /// An account.
    AccountId
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_whole_numbers_from_one() {
        assert_eq!("7".parse::<BatchId>().map(BatchId::get), Ok(7));
        assert_eq!(" 12 ".parse::<AlertId>().map(AlertId::get), Ok(12));
        assert!("0".parse::<BatchId>().is_err());
        assert!("-3".parse::<AccountId>().is_err());
        assert!("1.5".parse::<AlertId>().is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_an_id_or_an_error(text in any::<String>()) {
            if let Ok(id) = text.parse::<BatchId>() {
                prop_assert!(id.get() > 0);
                prop_assert_eq!(id.to_string().parse::<BatchId>(), Ok(id));
            }
        }
    }
}
