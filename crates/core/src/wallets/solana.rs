//! Solana over JSON-RPC: an address is checked (32 bytes in base58), and a scan asks
//! `getBalance` for its SOL and `getTokenAccountsByOwner` for its SPL tokens, by mint. Solana's
//! RPC gives balances, not a history, so the ledger is reconciled to them with adjustments.

use std::collections::BTreeMap;

use bdk_wallet::bitcoin::base58;
use serde::Deserialize;
use serde_json::json;

use super::http::ChainHttp;
use super::{jsonrpc, WalletError};

/// Atoms per lamport (amounts have 18 decimals, SOL 9).
pub(crate) const ATOMS_PER_LAMPORT: i128 = 1_000_000_000;
/// No account holds more lamports than all SOL in existence (~600 million SOL, with room).
const MAX_LAMPORTS: u64 = 10_000_000_000 * 1_000_000_000;
/// The SPL Token program: token accounts are owned by it.
const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

/// Checks a Solana address: base58 of a 32-byte public key.
pub fn parse(input: &str) -> Result<String, WalletError> {
    let address = input.trim();
    match base58::decode(address) {
        Ok(bytes) if bytes.len() == 32 => Ok(address.to_owned()),
        _ => Err(WalletError::Invalid(
            "not a Solana address: one is 32 to 44 letters and digits in base58, such as \
             9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"
                .into(),
        )),
    }
}

#[derive(Debug, Deserialize)]
struct WithContext<T> {
    context: Context,
    value: T,
}

#[derive(Debug, Deserialize)]
struct Context {
    slot: u64,
}

/// One token account as `jsonParsed` gives it (only the fields a balance needs).
#[derive(Debug, Deserialize)]
struct TokenAccount {
    account: TokenAccountData,
}

#[derive(Debug, Deserialize)]
struct TokenAccountData {
    data: Parsed,
}

#[derive(Debug, Deserialize)]
struct Parsed {
    parsed: ParsedInfo,
}

#[derive(Debug, Deserialize)]
struct ParsedInfo {
    info: TokenInfo,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenInfo {
    mint: String,
    token_amount: TokenAmount,
}

#[derive(Debug, Deserialize)]
struct TokenAmount {
    /// Base units, as decimal text.
    amount: String,
    decimals: u8,
}

/// A token's balance in base units and its decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenBalance {
    pub units: u128,
    pub decimals: u8,
}

/// What a scan found: the SOL balance in lamports, the slot it is as of, the tokens by mint.
#[derive(Debug)]
pub(crate) struct Found {
    pub lamports: u64,
    pub slot: u64,
    pub tokens: BTreeMap<String, TokenBalance>,
}

pub(crate) struct SolanaRpc {
    pub(crate) http: ChainHttp,
}

impl SolanaRpc {
    pub(crate) async fn scan(&self, address: &str, wallet: &str) -> Result<Found, WalletError> {
        let about = format!("{address} of wallet '{wallet}'");
        let balance: WithContext<u64> = jsonrpc::call(
            &self.http,
            "getBalance",
            json!([address, { "commitment": "finalized" }]),
            &about,
        )
        .await?;
        if balance.value > MAX_LAMPORTS {
            return Err(self
                .http
                .failed("sent a balance larger than all SOL there is"));
        }
        let accounts: WithContext<Vec<serde_json::Value>> = jsonrpc::call(
            &self.http,
            "getTokenAccountsByOwner",
            json!([address, { "programId": TOKEN_PROGRAM }, { "encoding": "jsonParsed", "commitment": "finalized" }]),
            &about,
        )
        .await?;
        Ok(Found {
            lamports: balance.value,
            slot: balance.context.slot.max(accounts.context.slot),
            tokens: tokens_by_mint(accounts.value),
        })
    }
}

/// Adds up the token accounts by mint. An account whose shape is not a token account's, or
/// whose sum would not fit, is left out rather than guessed at.
fn tokens_by_mint(accounts: Vec<serde_json::Value>) -> BTreeMap<String, TokenBalance> {
    let mut tokens: BTreeMap<String, TokenBalance> = BTreeMap::new();
    for value in accounts {
        let Ok(account) = serde_json::from_value::<TokenAccount>(value) else {
            continue;
        };
        let info = account.account.data.parsed.info;
        let Ok(units) = info.token_amount.amount.parse::<u128>() else {
            continue;
        };
        if units == 0 || parse(&info.mint).is_err() {
            continue;
        }
        let decimals = info.token_amount.decimals;
        let entry = tokens
            .entry(info.mint)
            .or_insert(TokenBalance { units: 0, decimals });
        if entry.decimals == decimals {
            entry.units = entry.units.saturating_add(units);
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_32_bytes_of_base58() {
        assert!(parse("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM").is_ok());
        assert!(parse(" 11111111111111111111111111111111 ").is_ok());
        assert!(parse("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045").is_err());
        assert!(parse("9WzDXwBbmkg8ZTbNMqUx").is_err());
        assert!(parse("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM9").is_err());
    }

    #[test]
    fn token_accounts_add_up_by_mint() {
        let usdc = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
        let account = |mint: &str, amount: &str| {
            json!({ "pubkey": "x", "account": { "data": { "program": "spl-token", "parsed": {
                "type": "account",
                "info": { "mint": mint, "owner": "o",
                          "tokenAmount": { "amount": amount, "decimals": 6 } } } } } })
        };
        let found = tokens_by_mint(vec![
            account(usdc, "1500000"),
            account(usdc, "250000"),
            account("not a mint", "5"),
            account(usdc, "-1"),
            json!({ "account": "odd" }),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[usdc].units, 1_750_000);
    }

    proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(text in ".{0,120}") {
            let _ = parse(&text);
        }

        #[test]
        fn any_answer_is_read_or_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                let _ = tokens_by_mint(vec![value]);
            }
            let _ = serde_json::from_slice::<jsonrpc::Answer<WithContext<u64>>>(&bytes);
        }
    }
}
