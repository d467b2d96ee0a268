//! JSON-RPC 2.0 over the chain client, for the chains that speak it (EVM and Solana): one call,
//! its answer read strictly, a refusal passed on in the server's words (cut short).

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::http::ChainHttp;
use super::WalletError;

#[derive(Debug, Deserialize)]
pub(super) struct Answer<T> {
    result: Option<T>,
    error: Option<RpcError>,
}

#[derive(Debug, Deserialize)]
struct RpcError {
    #[serde(default)]
    message: String,
}

/// Calls `method`; `about` says for the privacy log what it is about (an address, a wallet).
pub(super) async fn call<T: DeserializeOwned>(
    http: &ChainHttp,
    method: &str,
    params: serde_json::Value,
    about: &str,
) -> Result<T, WalletError> {
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let text = http
        .post_json(&body, &format!("{method} ({about})"))
        .await?;
    let answer: Answer<T> = serde_json::from_str(&text).map_err(|e| {
        http.failed(format!(
            "sent an answer to {method} that is not JSON-RPC: {e}"
        ))
    })?;
    match (answer.result, answer.error) {
        (Some(result), _) => Ok(result),
        (None, Some(error)) => Err(http.failed(format!(
            "refused {method}: {}",
            error.message.chars().take(200).collect::<String>()
        ))),
        (None, None) => Err(http.failed(format!("sent no result for {method}"))),
    }
}
