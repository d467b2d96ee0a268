//! An Esplora server with a made-up chain: `GET /blocks/tip/height`, `/scripthash/{hash}/txs`
//! (mempool first, then up to 25 confirmed, newest first) and `/scripthash/{hash}/txs/chain/{last}`
//! (the next 25 confirmed), with transactions shaped as Esplora sends them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

use crate::lock;

/// What the next requests get instead of an answer.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// This status, with `Retry-After: 0` on a 429.
    Status(u16),
    /// No answer for this long.
    Silence(Duration),
}

#[derive(Debug, Clone)]
struct FakeTx {
    txid: String,
    /// (script hex, value) of each spent output.
    inputs: Vec<(String, u64)>,
    outputs: Vec<(String, u64)>,
    fee: u64,
    height: Option<u64>,
    order: u64,
}

#[derive(Debug, Default)]
struct Chain {
    tip: u64,
    txs: BTreeMap<String, FakeTx>,
    failures: VecDeque<Failure>,
    requests: Vec<String>,
    made: u64,
}

type Shared = Arc<Mutex<Chain>>;

/// A running fake; dropping it stops the server.
#[derive(Debug)]
pub struct FakeEsplora {
    addr: SocketAddr,
    chain: Shared,
    _stop: Option<oneshot::Sender<()>>,
}

/// A stranger's script, funding deposits.
const STRANGER: &str = "0014ffffffffffffffffffffffffffffffffffffffff";

impl FakeEsplora {
    /// Starts on a free port with its tip at height 800,000.
    pub async fn start() -> std::io::Result<Self> {
        let chain: Shared = Arc::new(Mutex::new(Chain {
            tip: 800_000,
            ..Chain::default()
        }));
        let app = Router::new()
            .route("/blocks/tip/height", get(tip))
            .route("/scripthash/{hash}/txs", get(first_page))
            .route("/scripthash/{hash}/txs/chain/{last}", get(next_page))
            .route("/__fake/pay", axum::routing::post(pay))
            .with_state(chain.clone());
        let (addr, stop) = crate::serve(app).await?;
        Ok(Self {
            addr,
            chain,
            _stop: Some(stop),
        })
    }

    /// A handle on the chain alone, for the control routes.
    fn on(chain: Shared) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            chain,
            _stop: None,
        }
    }

    /// The base URL the client is given.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_tip(&self, height: u64) {
        lock(&self.chain).tip = height;
    }

    /// A payment of `sats` to `script` (hex) from a stranger, confirmed at `height` (or in the
    /// mempool); returns its txid.
    pub fn pay(&self, script: &str, sats: u64, height: Option<u64>) -> String {
        self.transact(
            vec![(STRANGER.to_owned(), sats + 1_000)],
            vec![(script.to_owned(), sats)],
            height,
        )
    }

    /// A transaction spending `inputs` (script, value) into `outputs`; the fee is what is left.
    pub fn transact(
        &self,
        inputs: Vec<(String, u64)>,
        outputs: Vec<(String, u64)>,
        height: Option<u64>,
    ) -> String {
        let mut chain = lock(&self.chain);
        chain.made += 1;
        let order = chain.made;
        let txid = hex::encode(Sha256::digest(format!("fake tx {order}").as_bytes()));
        let fee = inputs
            .iter()
            .map(|i| i.1)
            .sum::<u64>()
            .saturating_sub(outputs.iter().map(|o| o.1).sum::<u64>());
        chain.txs.insert(
            txid.clone(),
            FakeTx {
                txid: txid.clone(),
                inputs,
                outputs,
                fee,
                height,
                order,
            },
        );
        txid
    }

    /// Takes a transaction off the chain (a reorg, or a payment replaced in the mempool).
    pub fn forget(&self, txid: &str) {
        lock(&self.chain).txs.remove(txid);
    }

    /// Confirms a mempool transaction at `height`.
    pub fn confirm(&self, txid: &str, height: u64) {
        if let Some(tx) = lock(&self.chain).txs.get_mut(txid) {
            tx.height = Some(height);
        }
    }

    /// The next requests fail as given, one failure each.
    pub fn fail_next(&self, failures: &[Failure]) {
        lock(&self.chain).failures.extend(failures.iter().copied());
    }

    /// Every request received, as `GET /path`.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.chain).requests.clone()
    }

    /// Electrum's script hash of `script` (hex), as the client asks for it.
    pub fn script_hash(script: &str) -> String {
        let bytes = hex::decode(script).unwrap_or_default();
        let mut digest: Vec<u8> = Sha256::digest(&bytes).to_vec();
        digest.reverse();
        hex::encode(digest)
    }
}

/// `POST /__fake/pay {"script": hex, "sats": n, "height": h|null}`: a payment from a stranger, for
/// scripts driving the binary (the end-to-end tests).
async fn pay(State(chain): State<Shared>, Json(body): Json<Value>) -> Response {
    let (Some(script), Some(sats)) = (body["script"].as_str(), body["sats"].as_u64()) else {
        return (StatusCode::BAD_REQUEST, "want script and sats").into_response();
    };
    let fake = FakeEsplora::on(chain);
    let txid = fake.pay(script, sats, body["height"].as_u64());
    Json(json!({ "txid": txid })).into_response()
}

/// Notes the request and answers with the next failure, if one is queued.
async fn failure(chain: &Shared, path: String) -> Option<Response> {
    let next = {
        let mut chain = lock(chain);
        chain.requests.push(format!("GET {path}"));
        chain.failures.pop_front()
    };
    Some(next?.answer().await)
}

impl Failure {
    /// The answer this failure gives: its status (`Retry-After: 0` on a 429), or a long silence
    /// and then a 504.
    pub(crate) async fn answer(self) -> Response {
        match self {
            Failure::Status(status) => {
                let code =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = (code, "failing on purpose").into_response();
                if status == 429 {
                    response
                        .headers_mut()
                        .insert("retry-after", HeaderValue::from_static("0"));
                }
                response
            }
            Failure::Silence(wait) => {
                tokio::time::sleep(wait).await;
                StatusCode::GATEWAY_TIMEOUT.into_response()
            }
        }
    }
}

async fn tip(State(chain): State<Shared>) -> Response {
    if let Some(failed) = failure(&chain, "/blocks/tip/height".into()).await {
        return failed;
    }
    let tip = lock(&chain).tip;
    tip.to_string().into_response()
}

async fn first_page(State(chain): State<Shared>, Path(hash): Path<String>) -> Response {
    if let Some(failed) = failure(&chain, format!("/scripthash/{hash}/txs")).await {
        return failed;
    }
    let chain = lock(&chain);
    let (mempool, confirmed) = touching(&chain, &hash);
    let page: Vec<Value> = mempool
        .iter()
        .take(50)
        .chain(confirmed.iter().take(25))
        .map(|tx| shaped(tx, chain.tip))
        .collect();
    Json(page).into_response()
}

async fn next_page(
    State(chain): State<Shared>,
    Path((hash, last)): Path<(String, String)>,
) -> Response {
    if let Some(failed) = failure(&chain, format!("/scripthash/{hash}/txs/chain/{last}")).await {
        return failed;
    }
    let chain = lock(&chain);
    let (_, confirmed) = touching(&chain, &hash);
    let after = confirmed
        .iter()
        .position(|tx| tx.txid == last)
        .map_or(confirmed.len(), |at| at + 1);
    let page: Vec<Value> = confirmed
        .iter()
        .skip(after)
        .take(25)
        .map(|tx| shaped(tx, chain.tip))
        .collect();
    Json(page).into_response()
}

/// The transactions touching a script hash: mempool ones, then confirmed ones newest first.
fn touching<'a>(chain: &'a Chain, hash: &str) -> (Vec<&'a FakeTx>, Vec<&'a FakeTx>) {
    let mut hashes: HashMap<&str, String> = HashMap::new();
    let mut matches = |script: &'a str| {
        hashes
            .entry(script)
            .or_insert_with(|| FakeEsplora::script_hash(script))
            == hash
    };
    let mut found: Vec<&FakeTx> = chain
        .txs
        .values()
        .filter(|tx| {
            tx.outputs.iter().any(|(s, _)| matches(s)) || tx.inputs.iter().any(|(s, _)| matches(s))
        })
        .collect();
    found.sort_by_key(|tx| (tx.height.map_or(u64::MAX, |h| h), tx.order));
    found.reverse();
    let (mempool, confirmed) = found.into_iter().partition(|tx| tx.height.is_none());
    (mempool, confirmed)
}

fn shaped(tx: &FakeTx, tip: u64) -> Value {
    let status = match tx.height {
        Some(height) if height <= tip => json!({
            "confirmed": true,
            "block_height": height,
            "block_hash": hex::encode(Sha256::digest(height.to_be_bytes())),
            "block_time": 1_231_006_505 + height * 600,
        }),
        _ => json!({ "confirmed": false }),
    };
    json!({
        "txid": tx.txid,
        "version": 2,
        "locktime": 0,
        "vin": tx.inputs.iter().enumerate().map(|(n, (script, value))| json!({
            "txid": hex::encode(Sha256::digest(format!("{}:{n}", tx.txid).as_bytes())),
            "vout": 0,
            "prevout": { "scriptpubkey": script, "value": value },
            "is_coinbase": false,
        })).collect::<Vec<_>>(),
        "vout": tx.outputs.iter().map(|(script, value)| json!({
            "scriptpubkey": script,
            "value": value,
        })).collect::<Vec<_>>(),
        "size": 200,
        "weight": 800,
        "fee": tx.fee,
        "status": status,
    })
}
