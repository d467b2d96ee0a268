//! What this process asks of outside services. Counts by service and outcome, process-wide, for
//! the metrics endpoint; and each request with what it asked, held by the app's [`RequestLog`]
//! until the app writes it to the vault's privacy log ("who saw what").

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

/// A service outside this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    CoinGecko,
    DefiLlama,
    Ntfy,
    Webhook,
    /// A Bitcoin Esplora server (a public one, or the user's electrs or mempool).
    Esplora,
    /// An EVM chain's JSON-RPC endpoint.
    EvmRpc,
    /// A Solana JSON-RPC endpoint.
    SolanaRpc,
    /// An EVM chain's Blockscout-compatible indexer, for token discovery.
    Blockscout,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::CoinGecko => "coingecko",
            Provider::DefiLlama => "defillama",
            Provider::Ntfy => "ntfy",
            Provider::Webhook => "webhook",
            Provider::Esplora => "esplora",
            Provider::EvmRpc => "evm-rpc",
            Provider::SolanaRpc => "solana-rpc",
            Provider::Blockscout => "blockscout",
        }
    }

    /// The service's name in a sentence.
    pub fn title(self) -> &'static str {
        match self {
            Provider::CoinGecko => "CoinGecko",
            Provider::DefiLlama => "DefiLlama",
            Provider::Ntfy => "ntfy",
            Provider::Webhook => "the webhook",
            Provider::Esplora => "the Esplora server",
            Provider::EvmRpc => "the EVM RPC server",
            Provider::SolanaRpc => "the Solana RPC server",
            Provider::Blockscout => "the Blockscout indexer",
        }
    }
}

/// How a request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CallOutcome {
    /// A 2xx answer.
    Ok,
    /// 429: the service's rate limit.
    RateLimited,
    /// Any other status.
    Refused,
    /// No answer: no connection, a timeout, a cut transfer.
    Unreachable,
}

impl CallOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::RateLimited => "rate_limited",
            CallOutcome::Refused => "refused",
            CallOutcome::Unreachable => "unreachable",
        }
    }

    pub fn of_status(status: u16) -> Self {
        match status {
            200..=299 => CallOutcome::Ok,
            429 => CallOutcome::RateLimited,
            _ => CallOutcome::Refused,
        }
    }
}

/// The environment variable naming the proxy all outgoing traffic goes through, e.g. Tor's
/// `socks5h://127.0.0.1:9050` (the `h` makes the proxy resolve names, so no DNS leaks).
pub const PROXY_ENV: &str = "CRYPTO_BALANCE_PROXY";

/// `CRYPTO_BALANCE_PROXY`, unless unset or blank.
pub fn proxy_from_env() -> Option<String> {
    std::env::var(PROXY_ENV)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// A client with the app's user agent, `timeout` per call and at most 10 s to connect.
pub fn client_builder(timeout: std::time::Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(10)))
        .user_agent(concat!("CryptoBalance/", env!("CARGO_PKG_VERSION")))
}

/// Sends every request of `builder` through `proxy`. An address that cannot be used fails closed:
/// requests go to a proxy that is not there, so nothing leaves without the proxy asked for.
pub fn proxied(builder: reqwest::ClientBuilder, proxy: Option<&str>) -> reqwest::ClientBuilder {
    let Some(proxy) = proxy.map(str::trim).filter(|p| !p.is_empty()) else {
        return builder;
    };
    match reqwest::Proxy::all(proxy) {
        Ok(proxy) => builder.proxy(proxy),
        Err(error) => {
            tracing::error!(%error, "the proxy address cannot be used: nothing will be sent");
            match reqwest::Proxy::all("socks5h://127.0.0.1:1") {
                Ok(nowhere) => builder.proxy(nowhere),
                Err(_) => builder.timeout(std::time::Duration::ZERO),
            }
        }
    }
}

/// Why a body was not read.
#[derive(Debug)]
pub enum Unread {
    TooLarge,
    Transport(reqwest::Error),
    NotText,
}

/// Reads a body chunk by chunk, refusing it as soon as it passes `max` bytes: every client of an
/// outside service reads its answers through it.
pub async fn read_capped(mut response: reqwest::Response, max: usize) -> Result<String, Unread> {
    if response
        .content_length()
        .is_some_and(|length| length > max as u64)
    {
        return Err(Unread::TooLarge);
    }
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Unread::Transport)? {
        if body.len() + chunk.len() > max {
            return Err(Unread::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| Unread::NotText)
}

static COUNTS: Mutex<BTreeMap<(Provider, CallOutcome), u64>> = Mutex::new(BTreeMap::new());

/// Counts one request.
pub fn count(provider: Provider, outcome: CallOutcome) {
    let mut counts = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
    let slot = counts.entry((provider, outcome)).or_insert(0);
    *slot = slot.saturating_add(1);
}

/// One request, as the privacy log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub provider: Provider,
    /// The request as the service saw it, e.g. `GET /simple/price?ids=bitcoin&vs_currencies=usd`
    /// (never a key: keys travel in headers).
    pub asked: String,
    pub outcome: CallOutcome,
    /// Unix seconds.
    pub at: i64,
}

/// Requests not yet written to the vault, oldest first. Bounded: past [`RequestLog::MOST`] the
/// oldest are dropped and counted.
#[derive(Debug, Default)]
pub struct RequestLog {
    waiting: Mutex<(VecDeque<Sent>, u64)>,
}

/// The longest `asked` text kept.
const MAX_ASKED_CHARS: usize = 2_000;

impl RequestLog {
    pub const MOST: usize = 10_000;

    fn note(&self, sent: Sent) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if waiting.0.len() >= Self::MOST {
            waiting.0.pop_front();
            waiting.1 = waiting.1.saturating_add(1);
        }
        waiting.0.push_back(sent);
    }

    /// What waits to be written, and how many older requests were dropped unwritten.
    pub fn take(&self) -> (Vec<Sent>, u64) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let dropped = std::mem::take(&mut waiting.1);
        (waiting.0.drain(..).collect(), dropped)
    }
}

/// Counts one request and, with a log, notes what it asked.
pub fn sent(log: Option<&RequestLog>, provider: Provider, asked: &str, outcome: CallOutcome) {
    count(provider, outcome);
    if let Some(log) = log {
        let at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        log.note(Sent {
            provider,
            asked: asked.chars().take(MAX_ASKED_CHARS).collect(),
            outcome,
            at,
        });
    }
}

/// Every count so far, in a stable order.
pub fn counts() -> Vec<(Provider, CallOutcome, u64)> {
    let counts = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
    counts.iter().map(|(&(p, o), &n)| (p, o, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_bounded_and_says_what_it_dropped() {
        let log = RequestLog::default();
        for n in 0..(RequestLog::MOST + 3) {
            sent(
                Some(&log),
                Provider::Ntfy,
                &format!("POST /t{n}"),
                CallOutcome::Ok,
            );
        }
        let (kept, dropped) = log.take();
        assert_eq!((kept.len(), dropped), (RequestLog::MOST, 3));
        assert_eq!(kept[0].asked, "POST /t3");
        assert_eq!(log.take(), (Vec::new(), 0));
    }

    #[test]
    fn counts_add_up_per_provider_and_outcome() {
        let before = |p, o| {
            counts()
                .iter()
                .find(|c| (c.0, c.1) == (p, o))
                .map_or(0, |c| c.2)
        };
        let start = before(Provider::Webhook, CallOutcome::RateLimited);
        count(Provider::Webhook, CallOutcome::of_status(429));
        count(Provider::Webhook, CallOutcome::of_status(429));
        assert_eq!(
            before(Provider::Webhook, CallOutcome::RateLimited),
            start + 2
        );
        assert_eq!(CallOutcome::of_status(204), CallOutcome::Ok);
        assert_eq!(CallOutcome::of_status(503), CallOutcome::Refused);
    }
}
