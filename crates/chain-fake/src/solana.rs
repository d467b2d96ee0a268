//! A Solana JSON-RPC server: `getBalance` and `getTokenAccountsByOwner` (jsonParsed), with a slot
//! that moves when told, failures on demand and every request recorded as `method address`.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::{lock, Failure};

#[derive(Debug, Default)]
struct Ledger {
    slot: u64,
    lamports: HashMap<String, u64>,
    /// Owner → (mint, raw amount, decimals) of each token account.
    tokens: HashMap<String, Vec<(String, u64, u8)>>,
    failures: VecDeque<Failure>,
    requests: Vec<String>,
}

type Shared = Arc<Mutex<Ledger>>;

/// A running fake; dropping it stops the server.
#[derive(Debug)]
pub struct FakeSolana {
    addr: SocketAddr,
    ledger: Shared,
    _stop: oneshot::Sender<()>,
}

impl FakeSolana {
    /// Starts on a free port at slot 250,000,000.
    pub async fn start() -> std::io::Result<Self> {
        let ledger: Shared = Arc::new(Mutex::new(Ledger {
            slot: 250_000_000,
            ..Ledger::default()
        }));
        let app = Router::new()
            .route("/", post(rpc))
            .route("/__fake/set", post(set))
            .with_state(ledger.clone());
        let (addr, stop) = crate::serve(app).await?;
        Ok(Self {
            addr,
            ledger,
            _stop: stop,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_balance(&self, address: &str, lamports: u64) {
        lock(&self.ledger)
            .lamports
            .insert(address.to_owned(), lamports);
    }

    pub fn add_token_account(&self, owner: &str, mint: &str, amount: u64, decimals: u8) {
        lock(&self.ledger)
            .tokens
            .entry(owner.to_owned())
            .or_default()
            .push((mint.to_owned(), amount, decimals));
    }

    pub fn set_slot(&self, slot: u64) {
        lock(&self.ledger).slot = slot;
    }

    pub fn fail_next(&self, failures: &[Failure]) {
        lock(&self.ledger).failures.extend(failures.iter().copied());
    }

    /// Every request, as `method address`.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.ledger).requests.clone()
    }
}

/// `POST /__fake/set {"owner": "…", "lamports": n, "tokens": [{"mint", "amount", "decimals"}]}`:
/// balances for scripts driving the binary (the end-to-end tests).
async fn set(State(ledger): State<Shared>, Json(body): Json<Value>) -> Response {
    let Some(owner) = body["owner"].as_str().map(str::to_owned) else {
        return (axum::http::StatusCode::BAD_REQUEST, "want owner").into_response();
    };
    let mut ledger = lock(&ledger);
    if let Some(lamports) = body["lamports"].as_u64() {
        ledger.lamports.insert(owner.clone(), lamports);
    }
    for token in body["tokens"].as_array().into_iter().flatten() {
        let (Some(mint), Some(amount)) = (token["mint"].as_str(), token["amount"].as_u64()) else {
            continue;
        };
        let decimals = token["decimals"]
            .as_u64()
            .and_then(|d| u8::try_from(d).ok())
            .unwrap_or(0);
        ledger
            .tokens
            .entry(owner.clone())
            .or_default()
            .push((mint.to_owned(), amount, decimals));
    }
    axum::http::StatusCode::NO_CONTENT.into_response()
}

async fn rpc(State(ledger): State<Shared>, Json(call): Json<Value>) -> Response {
    let method = call["method"].as_str().unwrap_or_default().to_owned();
    let address = call["params"][0].as_str().unwrap_or_default().to_owned();
    let failure = {
        let mut ledger = lock(&ledger);
        ledger.requests.push(format!("{method} {address}"));
        ledger.failures.pop_front()
    };
    if let Some(failure) = failure {
        return failure.answer().await;
    }
    let ledger = lock(&ledger);
    let context = json!({ "slot": ledger.slot });
    let result = match method.as_str() {
        "getBalance" => json!({
            "context": context,
            "value": ledger.lamports.get(&address).copied().unwrap_or(0),
        }),
        "getTokenAccountsByOwner" => {
            let accounts: Vec<Value> = ledger
                .tokens
                .get(&address)
                .into_iter()
                .flatten()
                .map(|(mint, amount, decimals)| {
                    json!({
                        "pubkey": format!("token-account-of-{mint}"),
                        "account": { "data": { "parsed": { "info": {
                            "mint": mint,
                            "owner": address,
                            "tokenAmount": { "amount": amount.to_string(), "decimals": decimals },
                        }}}},
                    })
                })
                .collect();
            json!({ "context": context, "value": accounts })
        }
        _ => {
            return Json(json!({
                "jsonrpc": "2.0", "id": call["id"],
                "error": { "code": -32601, "message": "Method not found" },
            }))
            .into_response()
        }
    };
    Json(json!({ "jsonrpc": "2.0", "id": call["id"], "result": result })).into_response()
}
