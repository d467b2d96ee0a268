//! An EVM chain's JSON-RPC server: `eth_chainId`, `eth_blockNumber`, `eth_getBalance` and
//! `eth_call`, to ERC-20 tokens (`balanceOf`, `decimals`) or to Multicall3 (`aggregate3` of those
//! and its own `getChainId`, `getBlockNumber`, `getEthBalance`), single or batched. The ABI is
//! read and written by hand here, so a mistake in the client's encoding cannot be mirrored.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::{lock, Failure};

/// Multicall3's address on every chain, lowercase.
pub const MULTICALL3: &str = "0xca11bde05977b3631167028862be2a173976ca11";

const AGGREGATE3: [u8; 4] = [0x82, 0xad, 0x56, 0xcb];
const GET_ETH_BALANCE: [u8; 4] = [0x4d, 0x23, 0x01, 0xcc];
const GET_BLOCK_NUMBER: [u8; 4] = [0x42, 0xcb, 0xb1, 0x5c];
const GET_CHAIN_ID: [u8; 4] = [0x34, 0x08, 0xe4, 0x70];
const BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];
const DECIMALS: [u8; 4] = [0x31, 0x3c, 0xe5, 0x67];

#[derive(Debug, Default)]
struct Chain {
    chain_id: u64,
    block: u64,
    /// Native balances in wei, by lowercase address.
    native: HashMap<String, u128>,
    /// Token → decimals, for every deployed token.
    decimals: HashMap<String, u8>,
    /// (token, owner) → base units.
    holdings: HashMap<(String, String), u128>,
    /// Blockscout's lists: transactions and ERC-20 transfers, as it sends their items.
    transactions: Vec<Value>,
    transfers: Vec<Value>,
    failures: VecDeque<Failure>,
    requests: Vec<String>,
}

type Shared = Arc<Mutex<Chain>>;

/// A running fake chain; dropping it stops the server.
#[derive(Debug)]
pub struct FakeEvm {
    addr: SocketAddr,
    chain: Shared,
    _stop: oneshot::Sender<()>,
}

impl FakeEvm {
    /// Starts a chain with this EIP-155 id, at block 20,000,000.
    pub async fn start(chain_id: u64) -> std::io::Result<Self> {
        let chain: Shared = Arc::new(Mutex::new(Chain {
            chain_id,
            block: 20_000_000,
            ..Chain::default()
        }));
        let app = Router::new()
            .route("/", post(rpc))
            .route("/__fake/set", post(set))
            .route(
                "/api/v2/addresses/{owner}/token-balances",
                axum::routing::get(token_balances),
            )
            .route(
                "/api/v2/addresses/{owner}/{list}",
                axum::routing::get(history_list),
            )
            .with_state(chain.clone());
        let (addr, stop) = crate::serve(app).await?;
        Ok(Self {
            addr,
            chain,
            _stop: stop,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_native(&self, address: &str, wei: u128) {
        lock(&self.chain)
            .native
            .insert(address.to_ascii_lowercase(), wei);
    }

    /// Deploys a token (once) and gives `owner` `units` of it.
    pub fn set_token(&self, token: &str, decimals: u8, owner: &str, units: u128) {
        let mut chain = lock(&self.chain);
        let token = token.to_ascii_lowercase();
        chain.decimals.insert(token.clone(), decimals);
        chain
            .holdings
            .insert((token, owner.to_ascii_lowercase()), units);
    }

    /// A transaction in Blockscout's lists (`status` "ok", "error", or `None` while pending).
    /// Balances are not touched: set them to match.
    pub fn add_transaction(
        &self,
        hash: &str,
        from: &str,
        to: &str,
        wei: u128,
        fee: u128,
        status: Option<&str>,
    ) {
        lock(&self.chain).transactions.push(json!({
            "hash": hash,
            "from": { "hash": from },
            "to": { "hash": to },
            "value": wei.to_string(),
            "fee": { "type": "actual", "value": fee.to_string() },
            "status": status,
            "timestamp": "2024-05-01T12:00:00.000000Z",
        }));
    }

    /// An ERC-20 transfer in Blockscout's lists: (transaction, log index), (token, decimals).
    /// Balances are not touched.
    pub fn add_transfer(
        &self,
        (hash, log_index): (&str, u64),
        (token, decimals): (&str, u8),
        from: &str,
        to: &str,
        units: u128,
    ) {
        lock(&self.chain).transfers.push(json!({
            "transaction_hash": hash,
            "log_index": log_index,
            "from": { "hash": from },
            "to": { "hash": to },
            "token": { "address_hash": token, "type": "ERC-20" },
            "total": { "decimals": decimals.to_string(), "value": units.to_string() },
            "timestamp": "2024-05-02T12:00:00.000000Z",
        }));
    }

    pub fn set_block(&self, block: u64) {
        lock(&self.chain).block = block;
    }

    pub fn fail_next(&self, failures: &[Failure]) {
        lock(&self.chain).failures.extend(failures.iter().copied());
    }

    /// Every HTTP request, as its methods (`eth_call aggregate3×203`; a batch joined by `, `).
    pub fn requests(&self) -> Vec<String> {
        lock(&self.chain).requests.clone()
    }
}

/// Blockscout's `GET /api/v2/addresses/{owner}/token-balances`: every token the owner holds,
/// known to CoinGecko or not, as Blockscout lists them (amounts and decimals as text).
async fn token_balances(
    State(chain): State<Shared>,
    axum::extract::Path(owner): axum::extract::Path<String>,
) -> Response {
    let failure = lock(&chain).failures.pop_front();
    if let Some(failure) = failure {
        return failure.answer().await;
    }
    let mut chain = lock(&chain);
    chain.requests.push("GET token-balances".to_owned());
    let owner = owner.to_ascii_lowercase();
    let mut held: Vec<Value> = chain
        .holdings
        .iter()
        .filter(|((_, holder), units)| *holder == owner && **units > 0)
        .map(|((token, _), units)| {
            json!({
                "token": {
                    "address_hash": token,
                    "decimals": chain.decimals.get(token).map(u8::to_string),
                    "type": "ERC-20",
                    "name": "Some token",
                },
                "token_id": null,
                "value": units.to_string(),
            })
        })
        .collect();
    held.sort_by_key(|h| {
        h["token"]["address_hash"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });
    Json(Value::Array(held)).into_response()
}

/// Items per page of the fake's lists: small, so paging is exercised.
const PAGE: usize = 2;

/// One page of a list, from `index` (Blockscout pages by opaque `next_page_params`; the fake's
/// is `{"index": n, "items_count": PAGE}`).
fn page(items: &[Value], params: &HashMap<String, String>) -> Response {
    let from: usize = params
        .get("index")
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    let chunk: Vec<Value> = items.iter().skip(from).take(PAGE).cloned().collect();
    let next =
        (from + PAGE < items.len()).then(|| json!({ "index": from + PAGE, "items_count": PAGE }));
    Json(json!({ "items": chunk, "next_page_params": next })).into_response()
}

/// The owner's entries of a list: those it sent or received.
fn involving(items: &[Value], owner: &str) -> Vec<Value> {
    items
        .iter()
        .filter(|item| {
            [&item["from"]["hash"], &item["to"]["hash"]]
                .iter()
                .any(|side| side.as_str().is_some_and(|a| a.eq_ignore_ascii_case(owner)))
        })
        .cloned()
        .collect()
}

/// Blockscout's paged lists of the owner's `transactions` and `token-transfers`.
async fn history_list(
    State(chain): State<Shared>,
    axum::extract::Path((owner, list)): axum::extract::Path<(String, String)>,
    axum::extract::Query(params): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let mut chain = lock(&chain);
    chain.requests.push(format!("GET {list}"));
    let items = match list.as_str() {
        "transactions" => &chain.transactions,
        "token-transfers" => &chain.transfers,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    page(&involving(items, &owner), &params)
}

/// `POST /__fake/set {"owner": "0x…", "wei": "…", "tokens": [{"token", "decimals", "units"}]}`:
/// balances for scripts driving the binary (the end-to-end tests); amounts are decimal text.
async fn set(State(chain): State<Shared>, Json(body): Json<Value>) -> Response {
    let Some(owner) = body["owner"].as_str().map(str::to_ascii_lowercase) else {
        return (StatusCode::BAD_REQUEST, "want owner").into_response();
    };
    let number = |v: &Value| v.as_str().and_then(|t| t.parse::<u128>().ok());
    let mut chain = lock(&chain);
    if let Some(wei) = number(&body["wei"]) {
        chain.native.insert(owner.clone(), wei);
    }
    for token in body["tokens"].as_array().into_iter().flatten() {
        let (Some(address), Some(units)) = (token["token"].as_str(), number(&token["units"]))
        else {
            return (StatusCode::BAD_REQUEST, "want token and units").into_response();
        };
        let address = address.to_ascii_lowercase();
        let decimals = token["decimals"]
            .as_u64()
            .and_then(|d| u8::try_from(d).ok())
            .unwrap_or(18);
        chain.decimals.insert(address.clone(), decimals);
        chain.holdings.insert((address, owner.clone()), units);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn rpc(State(chain): State<Shared>, Json(body): Json<Value>) -> Response {
    let failure = lock(&chain).failures.pop_front();
    if let Some(failure) = failure {
        if let Failure::Status(status) = failure {
            lock(&chain).requests.push(format!("failed with {status}"));
        }
        return failure.answer().await;
    }
    let mut chain = lock(&chain);
    let (answer, asked) = match &body {
        Value::Array(calls) => {
            let answers: Vec<(Value, String)> = calls.iter().map(|c| one(&chain, c)).collect();
            let asked: Vec<String> = answers.iter().map(|(_, a)| a.clone()).collect();
            let values: Vec<Value> = answers.into_iter().map(|(v, _)| v).collect();
            (Value::Array(values), asked.join(", "))
        }
        call => one(&chain, call),
    };
    chain.requests.push(asked);
    Json(answer).into_response()
}

/// Answers one JSON-RPC call, and says what it asked.
fn one(chain: &Chain, call: &Value) -> (Value, String) {
    let method = call["method"].as_str().unwrap_or_default();
    let params = &call["params"];
    let result = match method {
        "eth_chainId" => Ok(json!(format!("{:#x}", chain.chain_id))),
        "eth_blockNumber" => Ok(json!(format!("{:#x}", chain.block))),
        "eth_getBalance" => {
            let address = params[0].as_str().unwrap_or_default().to_ascii_lowercase();
            let wei = chain.native.get(&address).copied().unwrap_or(0);
            Ok(json!(format!("{wei:#x}")))
        }
        "eth_call" => {
            let to = params[0]["to"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let data = params[0]["data"]
                .as_str()
                .or(params[0]["input"].as_str())
                .unwrap_or_default();
            match hex::decode(data.trim_start_matches("0x")) {
                Ok(data) => {
                    execute(chain, &to, &data).map(|out| json!(format!("0x{}", hex::encode(out))))
                }
                Err(_) => Err("invalid hex in data".to_owned()),
            }
        }
        _ => Err(format!(
            "the method {method} does not exist/is not available"
        )),
    };
    let asked = match (method, &call["params"][0]["data"]) {
        ("eth_call", Value::String(data)) if data.starts_with("0x82ad56cb") => {
            let calls = hex::decode(data.trim_start_matches("0x"))
                .ok()
                .and_then(|d| decode_aggregate3(&d))
                .map_or(0, |c| c.len());
            format!("eth_call aggregate3×{calls}")
        }
        _ => method.to_owned(),
    };
    let answer = match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": call["id"], "result": result }),
        Err(message) => json!({
            "jsonrpc": "2.0", "id": call["id"],
            "error": { "code": -32000, "message": message },
        }),
    };
    (answer, asked)
}

/// Runs a call: Multicall3's functions, or a token's. `Err` is a revert.
fn execute(chain: &Chain, to: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    let (selector, args) = (
        data.get(..4).ok_or("no selector")?,
        &data[4.min(data.len())..],
    );
    if to == MULTICALL3 {
        match selector {
            s if s == AGGREGATE3 => {
                let calls = decode_aggregate3(data).ok_or("aggregate3: bad calldata")?;
                let results: Vec<(bool, Vec<u8>)> = calls
                    .iter()
                    .map(
                        |(target, allow_failure, call)| match execute(chain, target, call) {
                            Ok(out) => Ok((true, out)),
                            Err(_) if *allow_failure => Ok((false, Vec::new())),
                            Err(e) => Err(e),
                        },
                    )
                    .collect::<Result<_, _>>()?;
                Ok(encode_results(&results))
            }
            s if s == GET_CHAIN_ID => Ok(word(u128::from(chain.chain_id))),
            s if s == GET_BLOCK_NUMBER => Ok(word(u128::from(chain.block))),
            s if s == GET_ETH_BALANCE => {
                let owner = address_arg(args).ok_or("getEthBalance: bad address")?;
                Ok(word(chain.native.get(&owner).copied().unwrap_or(0)))
            }
            _ => Err("Multicall3: unknown function".to_owned()),
        }
    } else {
        let decimals = *chain
            .decimals
            .get(to)
            .ok_or("no contract at this address")?;
        match selector {
            s if s == BALANCE_OF => {
                let owner = address_arg(args).ok_or("balanceOf: bad address")?;
                let units = chain
                    .holdings
                    .get(&(to.to_owned(), owner))
                    .copied()
                    .unwrap_or(0);
                Ok(word(units))
            }
            s if s == DECIMALS => Ok(word(u128::from(decimals))),
            _ => Err("token: unknown function".to_owned()),
        }
    }
}

/// A 32-byte big-endian word.
fn word(value: u128) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    out.extend_from_slice(&value.to_be_bytes());
    out
}

fn read_usize(data: &[u8], at: usize) -> Option<usize> {
    let bytes = data.get(at..at.checked_add(32)?)?;
    if bytes[..24].iter().any(|b| *b != 0) {
        return None;
    }
    let mut tail = [0u8; 8];
    tail.copy_from_slice(&bytes[24..]);
    usize::try_from(u64::from_be_bytes(tail)).ok()
}

fn address_arg(args: &[u8]) -> Option<String> {
    let bytes = args.get(12..32)?;
    Some(format!("0x{}", hex::encode(bytes)))
}

/// `aggregate3((address,bool,bytes)[])` calldata (selector included) → (target, allowFailure,
/// callData) of each call.
fn decode_aggregate3(data: &[u8]) -> Option<Vec<(String, bool, Vec<u8>)>> {
    let args = data.get(4..)?;
    let array = read_usize(args, 0)?;
    let count = read_usize(args, array)?;
    let heads = array.checked_add(32)?;
    let mut calls = Vec::with_capacity(count.min(10_000));
    for i in 0..count {
        let tuple = heads.checked_add(read_usize(args, heads.checked_add(i.checked_mul(32)?)?)?)?;
        let target = address_arg(args.get(tuple..)?)?;
        let allow = read_usize(args, tuple.checked_add(32)?)? != 0;
        let bytes_at = tuple.checked_add(read_usize(args, tuple.checked_add(64)?)?)?;
        let length = read_usize(args, bytes_at)?;
        let start = bytes_at.checked_add(32)?;
        let call = args.get(start..start.checked_add(length)?)?.to_vec();
        calls.push((target, allow, call));
    }
    Some(calls)
}

/// `(bool,bytes)[]` as `aggregate3` returns it.
fn encode_results(results: &[(bool, Vec<u8>)]) -> Vec<u8> {
    let padded = |data: &[u8]| {
        let mut out = data.to_vec();
        out.resize(data.len().div_ceil(32) * 32, 0);
        out
    };
    let mut tails: Vec<Vec<u8>> = Vec::new();
    for (success, data) in results {
        let mut tail = word(u128::from(*success));
        tail.extend(word(64));
        tail.extend(word(data.len() as u128));
        tail.extend(padded(data));
        tails.push(tail);
    }
    let mut out = word(32);
    out.extend(word(results.len() as u128));
    let mut offset = 32 * results.len();
    for tail in &tails {
        out.extend(word(offset as u128));
        offset += tail.len();
    }
    for tail in tails {
        out.extend(tail);
    }
    out
}
