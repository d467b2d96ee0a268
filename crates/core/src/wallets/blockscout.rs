//! A Blockscout-compatible indexer, where the user set one for a chain: it lists every ERC-20
//! token an address holds (`/api/v2/addresses/{address}/token-balances`), so tokens CoinGecko
//! does not know are found and listed apart instead of never being seen, and the address's
//! history (its transactions and ERC-20 transfers), so entries carry the day they happened.

use std::str::FromStr;

use alloy_primitives::{Address, U256};
use serde::Deserialize;

use super::http::ChainHttp;
use super::WalletError;

/// More token kinds than any real wallet holds; a longer answer is cut here.
const MAX_TOKENS: usize = 10_000;
/// Pages of history read per list (50 items each); what lies beyond is left to the balance
/// adjustment, which keeps the total right.
const MAX_PAGES: usize = 100;

/// One page of a Blockscout list.
#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    items: Vec<serde_json::Value>,
    #[serde(default)]
    next_page_params: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A movement of the native coin or an ERC-20 token in or out of the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Movement {
    /// Unique per chain: `tx:<hash>`, `fee:<hash>` or `log:<hash>:<index>`.
    pub id: String,
    /// `None` for the native coin.
    pub token: Option<Address>,
    /// The token's decimals as the transfer gives them (18 for the native coin).
    pub decimals: Option<u8>,
    pub units: U256,
    pub incoming: bool,
    pub fee: bool,
    /// Unix seconds of its block.
    pub at: Option<i64>,
}

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

    /// The address's native movements (values in and out, fees it paid) and ERC-20 transfers.
    /// Pending and failed transactions move no value (a failed one still cost its fee).
    pub(crate) async fn history(
        &self,
        owner: Address,
        about: &str,
    ) -> Result<Vec<Movement>, WalletError> {
        let mut moves = Vec::new();
        let transactions = format!("/api/v2/addresses/{owner}/transactions");
        for item in self.pages(&transactions, about).await? {
            moves.extend(native_moves(&item, owner));
        }
        let transfers = format!("/api/v2/addresses/{owner}/token-transfers?type=ERC-20");
        for item in self.pages(&transfers, about).await? {
            moves.extend(token_move(&item, owner));
        }
        Ok(moves)
    }

    /// Every item of a list, page after page (at most [`MAX_PAGES`]).
    async fn pages(&self, path: &str, about: &str) -> Result<Vec<serde_json::Value>, WalletError> {
        let mut items = Vec::new();
        let mut next = String::new();
        for _ in 0..MAX_PAGES {
            let url = match (next.is_empty(), path.contains('?')) {
                (true, _) => path.to_owned(),
                (false, true) => format!("{path}&{next}"),
                (false, false) => format!("{path}?{next}"),
            };
            let text = self.http.get(&url, about).await?;
            let page: Page = serde_json::from_str(&text)
                .map_err(|_| self.http.failed("sent a page that is not Blockscout's"))?;
            items.extend(page.items);
            match page.next_page_params.filter(|p| !p.is_empty()) {
                Some(params) => next = query(&params),
                None => break,
            }
        }
        Ok(items)
    }
}

/// `next_page_params` as a query string.
fn query(params: &serde_json::Map<String, serde_json::Value>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        let value = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        query.append_pair(key, &value);
    }
    query.finish()
}

fn address_at(value: &serde_json::Value) -> Option<Address> {
    Address::from_str(value["hash"].as_str()?).ok()
}

fn units_at(value: &serde_json::Value) -> Option<U256> {
    U256::from_str_radix(value.as_str()?, 10).ok()
}

/// An item's block time, Unix seconds.
fn time_of(item: &serde_json::Value) -> Option<i64> {
    crate::clock::parse_timestamp(item["timestamp"].as_str()?)
}

/// A transaction's value in or out, and its fee when the address paid it.
fn native_moves(item: &serde_json::Value, owner: Address) -> Vec<Movement> {
    let Some(hash) = item["hash"].as_str().filter(|h| h.len() <= 80) else {
        return Vec::new();
    };
    let status = item["status"].as_str();
    if status.is_none() {
        return Vec::new(); // pending: its block is not final yet
    }
    let (from, to) = (address_at(&item["from"]), address_at(&item["to"]));
    let at = time_of(item);
    let movement = |id: String, units: U256, incoming: bool, fee: bool| Movement {
        id,
        token: None,
        decimals: Some(18),
        units,
        incoming,
        fee,
        at,
    };
    let mut moves = Vec::new();
    let value = units_at(&item["value"]).unwrap_or(U256::ZERO);
    if status == Some("ok") && !value.is_zero() && from != to {
        if to == Some(owner) {
            moves.push(movement(format!("tx:{hash}"), value, true, false));
        } else if from == Some(owner) {
            moves.push(movement(format!("tx:{hash}"), value, false, false));
        }
    }
    let fee = units_at(&item["fee"]["value"]).unwrap_or(U256::ZERO);
    if from == Some(owner) && !fee.is_zero() {
        moves.push(movement(format!("fee:{hash}"), fee, false, true));
    }
    moves
}

/// An ERC-20 transfer in or out (none for one to itself).
fn token_move(item: &serde_json::Value, owner: Address) -> Option<Movement> {
    let hash = item["transaction_hash"]
        .as_str()
        .filter(|h| h.len() <= 80)?;
    let index = match &item["log_index"] {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) if s.len() <= 20 => s.clone(),
        _ => return None,
    };
    let token = &item["token"];
    let token = Address::from_str(
        token["address_hash"]
            .as_str()
            .or(token["address"].as_str())?,
    )
    .ok()?;
    let (from, to) = (address_at(&item["from"]), address_at(&item["to"]));
    let incoming = match (from == Some(owner), to == Some(owner)) {
        (false, true) => true,
        (true, false) => false,
        _ => return None,
    };
    Some(Movement {
        id: format!("log:{hash}:{index}"),
        token: Some(token),
        decimals: item["total"]["decimals"]
            .as_str()
            .and_then(|d| d.parse().ok()),
        units: units_at(&item["total"]["value"])?,
        incoming,
        fee: false,
        at: time_of(item),
    })
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

    #[test]
    fn history_items_become_movements_in_and_out() {
        let owner =
            Address::from_str("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045").unwrap_or_default();
        let other = r#"{"hash": "0x1111111111111111111111111111111111111111"}"#;
        let me = format!(r#"{{"hash": "{owner}"}}"#);
        let tx = |from: &str, to: &str, status: &str| -> serde_json::Value {
            serde_json::from_str(&format!(
                r#"{{"hash": "0xabc", "from": {from}, "to": {to}, "value": "5", "status": {status},
                    "fee": {{"type": "actual", "value": "2"}}, "timestamp": "2024-05-01T00:00:00.000000Z"}}"#
            ))
            .unwrap_or_default()
        };
        let incoming = native_moves(&tx(other, &me, r#""ok""#), owner);
        assert_eq!(incoming.len(), 1);
        assert!(incoming[0].incoming && incoming[0].at == Some(1_714_521_600));
        let outgoing = native_moves(&tx(&me, other, r#""ok""#), owner);
        assert_eq!(
            outgoing.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["tx:0xabc", "fee:0xabc"]
        );
        let failed = native_moves(&tx(&me, other, r#""error""#), owner);
        assert_eq!(
            failed.iter().map(|m| m.fee).collect::<Vec<_>>(),
            [true],
            "a failed one costs its fee"
        );
        assert!(
            native_moves(&tx(&me, other, "null"), owner).is_empty(),
            "pending"
        );
        let transfer: serde_json::Value = serde_json::from_str(&format!(
            r#"{{"transaction_hash": "0xdef", "log_index": 7, "from": {other}, "to": {me},
                "token": {{"address_hash": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}},
                "total": {{"decimals": "6", "value": "1500000"}}, "timestamp": "2024-05-02T00:00:00Z"}}"#
        ))
        .unwrap_or_default();
        let moved = token_move(&transfer, owner);
        assert_eq!(
            moved
                .as_ref()
                .map(|m| (m.id.as_str(), m.decimals, m.incoming)),
            Some(("log:0xdef:7", Some(6), true))
        );
    }

    proptest! {
        #[test]
        fn any_answer_is_read_or_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = read(&text);
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                let _ = native_moves(&value, Address::ZERO);
                let _ = token_move(&value, Address::ZERO);
            }
            let _ = serde_json::from_str::<Page>(&text);
        }
    }
}
