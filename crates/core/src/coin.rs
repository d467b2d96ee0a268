//! Coins by their CoinGecko id (`bitcoin`, `usd-coin`), the key every holding, price and alert
//! uses. [`CoinId::parse`] makes one from what a server, a file or a person wrote; ids read back
//! from our own database were parsed before they were written.

use serde::{Deserialize, Serialize};

/// The longest id accepted (CoinGecko's longest are under 100 characters).
const MAX_ID_CHARS: usize = 200;

/// A coin's CoinGecko id: lower case, printable ASCII, no spaces. A plain string on the wire;
/// read from JSON (a server's answer) through [`CoinId::parse`].
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
#[specta(type = String)]
#[sqlx(transparent)]
#[schema(example = "bitcoin")]
pub struct CoinId(String);

/// Why a text from a server or a file is not a coin id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a CoinGecko coin id")]
pub struct CoinIdError(pub String);

impl TryFrom<String> for CoinId {
    type Error = CoinIdError;

    fn try_from(text: String) -> Result<Self, CoinIdError> {
        CoinId::parse(&text).ok_or(CoinIdError(text))
    }
}

impl From<CoinId> for String {
    fn from(id: CoinId) -> String {
        id.0
    }
}

impl CoinId {
    /// `text` as a coin id (trimmed, lower-cased) when it can be one.
    pub fn parse(text: &str) -> Option<Self> {
        let id = text.trim().to_lowercase();
        let fits =
            !id.is_empty() && id.len() <= MAX_ID_CHARS && id.bytes().all(|b| b.is_ascii_graphic());
        fits.then_some(CoinId(id))
    }

    /// An id read back from our own database, where only parsed ids are written.
    pub(crate) fn from_stored(id: String) -> Self {
        CoinId(id)
    }
}

crate::text_value::text_value!(CoinId);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_lower_case_printable_words() {
        assert_eq!(CoinId::parse(" Bitcoin ").as_deref(), Some("bitcoin"));
        assert_eq!(CoinId::parse("usd-coin").as_deref(), Some("usd-coin"));
        assert_eq!(CoinId::parse(""), None);
        assert_eq!(CoinId::parse("two words"), None);
        assert_eq!(CoinId::parse("bit\u{0}coin"), None);
        assert_eq!(CoinId::parse(&"a".repeat(201)), None);
    }

    proptest! {
        #[test]
        fn any_text_is_an_id_or_none(text in any::<String>()) {
            if let Some(id) = CoinId::parse(&text) {
                prop_assert!(!id.is_empty() && id.len() <= MAX_ID_CHARS);
                prop_assert_eq!(CoinId::parse(&id), Some(id.clone()));
            }
        }
    }
}
