//! Solana over JSON-RPC: an address is checked (32 bytes in base58), and a scan asks
//! `getBalance` for its SOL and `getTokenAccountsByOwner` for how many SPL token accounts it
//! has. Solana's RPC gives balances, not a history, so the ledger is reconciled: one adjustment
//! per scan that finds a different balance, named by the slot it saw.

use bdk_wallet::bitcoin::base58;
use serde::Deserialize;
use serde_json::json;

use super::http::ChainHttp;
use super::WalletError;

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
struct Answer<T> {
    result: Option<T>,
    error: Option<RpcError>,
}

#[derive(Debug, Deserialize)]
struct RpcError {
    #[serde(default)]
    message: String,
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

/// What a scan found: the SOL balance in lamports, the slot it is as of, the token accounts.
#[derive(Debug)]
pub(crate) struct Found {
    pub lamports: u64,
    pub slot: u64,
    pub token_accounts: usize,
}

pub(crate) struct SolanaRpc {
    pub(crate) http: ChainHttp,
}

impl SolanaRpc {
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: serde_json::Value,
        about: &str,
    ) -> Result<T, WalletError> {
        let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let text = self
            .http
            .post_json(&body, &format!("{method} ({about})"))
            .await?;
        let answer: Answer<T> = serde_json::from_str(&text).map_err(|e| {
            self.http.failed(format!(
                "sent an answer to {method} that is not JSON-RPC: {e}"
            ))
        })?;
        match (answer.result, answer.error) {
            (Some(result), _) => Ok(result),
            (None, Some(error)) => Err(self.http.failed(format!(
                "refused {method}: {}",
                error.message.chars().take(200).collect::<String>()
            ))),
            (None, None) => Err(self.http.failed(format!("sent no result for {method}"))),
        }
    }

    pub(crate) async fn scan(&self, address: &str, wallet: &str) -> Result<Found, WalletError> {
        let about = format!("{address} of wallet '{wallet}'");
        let balance: WithContext<u64> = self
            .call(
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
        let tokens: WithContext<Vec<serde_json::Value>> = self
            .call(
                "getTokenAccountsByOwner",
                json!([address, { "programId": TOKEN_PROGRAM }, { "encoding": "jsonParsed" }]),
                &about,
            )
            .await?;
        Ok(Found {
            lamports: balance.value,
            slot: balance.context.slot.max(tokens.context.slot),
            token_accounts: tokens.value.len(),
        })
    }
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

    proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(text in ".{0,120}") {
            let _ = parse(&text);
        }

        #[test]
        fn any_answer_is_read_or_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = serde_json::from_slice::<Answer<WithContext<u64>>>(&bytes);
        }
    }
}
