//! A Blockscout-compatible indexer, where the user set one for a chain: it lists every ERC-20
//! token an address holds (`/api/v2/addresses/{address}/token-balances`), so tokens CoinGecko
//! does not know are found and listed apart instead of never being seen.

use std::str::FromStr;

use alloy_primitives::{Address, U256};
use serde::Deserialize;

use super::http::ChainHttp;
use super::WalletError;

/// More token kinds than any real wallet holds; a longer answer is cut here.
const MAX_TOKENS: usize = 10_000;

#[derive(Debug, Deserialize)]
struct Holding {
    token: Token,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Token {
    #[serde(default, alias = "address")]
    address_hash: Option<String>,
    #[serde(default)]
    decimals: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// An ERC-20 token the indexer says the address holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexedToken {
    pub token: Address,
    pub units: U256,
    pub decimals: Option<u8>,
}

pub(crate) struct Blockscout {
    pub(crate) http: ChainHttp,
}

impl Blockscout {
    /// The ERC-20 tokens `owner` holds, with a balance above zero.
    pub(crate) async fn tokens(
        &self,
        owner: Address,
        about: &str,
    ) -> Result<Vec<IndexedToken>, WalletError> {
        let path = format!("/api/v2/addresses/{owner}/token-balances");
        let text = self.http.get(&path, about).await?;
        read(&text).ok_or_else(|| {
            self.http
                .failed("sent a token list that is not Blockscout's (is this its base address?)")
        })
    }
}

/// The ERC-20 holdings of an answer; `None` when it is not a list of holdings at all. Holdings
/// of other kinds (NFTs) or with unreadable fields are left out.
fn read(text: &str) -> Option<Vec<IndexedToken>> {
    let holdings: Vec<Holding> = serde_json::from_str(text).ok()?;
    Some(
        holdings
            .into_iter()
            .take(MAX_TOKENS)
            .filter(|h| h.token.kind.as_deref().is_none_or(|k| k == "ERC-20"))
            .filter_map(|h| {
                let token = Address::from_str(h.token.address_hash.as_deref()?).ok()?;
                let units = U256::from_str_radix(h.value.as_deref()?, 10).ok()?;
                let decimals = h.token.decimals.as_deref().and_then(|d| d.parse().ok());
                (!units.is_zero()).then_some(IndexedToken {
                    token,
                    units,
                    decimals,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn erc20_holdings_are_read_and_the_rest_left_out() {
        let text = r#"[
            {"token": {"address_hash": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "decimals": "6",
                       "type": "ERC-20", "symbol": "USDC"}, "value": "2500500000", "token_id": null},
            {"token": {"address_hash": "0x00000000000000000000000000000000deadbeef", "decimals": null,
                       "type": "ERC-20"}, "value": "1000"},
            {"token": {"address_hash": "0x57f1887a8BF19b14fC0dF6Fd9B2acc9Af147eA85", "type": "ERC-721"},
             "value": "1"},
            {"token": {"address_hash": "not hex", "type": "ERC-20"}, "value": "5"},
            {"token": {"address_hash": "0x6B175474E89094C44Da98b954EedeAC495271d0F", "type": "ERC-20",
                       "decimals": "18"}, "value": "0"}
        ]"#;
        let tokens = read(text).unwrap_or_default();
        assert_eq!(tokens.len(), 2, "{tokens:?}");
        assert_eq!(tokens[0].decimals, Some(6));
        assert_eq!(tokens[0].units, U256::from(2_500_500_000u64));
        assert_eq!(tokens[1].decimals, None);
        assert_eq!(read(r#"{"message": "Not found"}"#), None);
    }

    proptest! {
        #[test]
        fn any_answer_is_read_or_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = read(&String::from_utf8_lossy(&bytes));
        }
    }
}
