//! What every request passes before a handler runs: its `Host` must name the bound address (a
//! web page cannot reach the API through a rebound DNS name), its peer must not be cooling down
//! after failed attempts, and its bearer token must be one of the vault's, with a scope that
//! allows the method. A locked vault authorizes nothing.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use crypto_balance_core::tokens::TokenScope;
use crypto_balance_core::ErrorCode;

use crate::error::ApiError;
use crate::ApiState;

/// Failed attempts a peer may make in one window before it must wait.
pub const FAILURES_ALLOWED: u32 = 10;
/// The window failures are counted in, and how long a peer that used them up waits.
pub const COOL_DOWN: Duration = Duration::from_secs(60);
/// Peers remembered at once; beyond it the quiet ones are forgotten, so memory stays flat.
const PEERS_REMEMBERED: usize = 4096;

/// Failed attempts per peer address.
#[derive(Debug, Default)]
pub struct Attempts {
    peers: Mutex<HashMap<IpAddr, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    since: Instant,
    count: u32,
}

type Peers = HashMap<IpAddr, Failures>;

/// How long `peer` must still wait, if it used up its failures.
fn waiting(peers: &Peers, peer: IpAddr, now: Instant) -> Option<Duration> {
    let failures = peers.get(&peer)?;
    let elapsed = now.saturating_duration_since(failures.since);
    (failures.count >= FAILURES_ALLOWED && elapsed < COOL_DOWN).then(|| COOL_DOWN - elapsed)
}

/// Counts one failure for `peer`, starting a new window when the last one is over.
fn count_failure(peers: &mut Peers, peer: IpAddr, now: Instant) {
    if peers.len() >= PEERS_REMEMBERED && !peers.contains_key(&peer) {
        peers.retain(|_, f| now.saturating_duration_since(f.since) < COOL_DOWN);
        if peers.len() >= PEERS_REMEMBERED {
            peers.clear();
        }
    }
    let failures = peers.entry(peer).or_insert(Failures {
        since: now,
        count: 0,
    });
    if now.saturating_duration_since(failures.since) >= COOL_DOWN {
        *failures = Failures {
            since: now,
            count: 0,
        };
    }
    failures.count = failures.count.saturating_add(1);
}

impl Attempts {
    fn peers(&self) -> std::sync::MutexGuard<'_, Peers> {
        self.peers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts an attempt as failed before it is checked, so requests arriving together cannot
    /// get more than [`FAILURES_ALLOWED`] guesses checked: the check and the count happen under
    /// one lock. [`Attempts::forgive`] takes it back when the token was right. `Err` is how long
    /// the peer must wait.
    fn begin(&self, peer: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut peers = self.peers();
        if let Some(wait) = waiting(&peers, peer, now) {
            return Err(wait);
        }
        count_failure(&mut peers, peer, now);
        Ok(())
    }

    fn forgive(&self, peer: IpAddr) {
        if let Some(failures) = self.peers().get_mut(&peer) {
            failures.count = failures.count.saturating_sub(1);
        }
    }

    /// Forgets every peer's failures (for tests that fail on purpose many times).
    pub fn forget_all(&self) {
        self.peers().clear();
    }

    /// How many peers are remembered (for tests of the bound).
    pub fn remembered(&self) -> usize {
        self.peers().len()
    }
}

/// The `Host` values that name the bound address: itself, and `localhost` on loopback.
pub fn allowed_hosts(bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let mut hosts = vec![bound.to_string()];
    if bound.ip().is_loopback() {
        hosts.extend([format!("localhost:{port}"), format!("127.0.0.1:{port}")]);
        hosts.push(format!("[::1]:{port}"));
    }
    hosts
}

/// Refuses a request whose `Host` is not the bound address.
pub async fn check_host(
    State(state): State<ApiState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !state.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return Err(ApiError::new(
            ErrorCode::WrongHost,
            format!(
                "this API answers only requests addressed to {}; the request named '{host}'",
                state.hosts.first().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    Ok(next.run(request).await)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn changes_data(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Lets through a request with a valid token whose scope allows its method.
pub async fn authorize(
    State(state): State<ApiState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Err(wait) = state.attempts.begin(peer.ip(), Instant::now()) {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError::new(
            ErrorCode::TooManyAttempts,
            format!("too many failed attempts from this address; try again in {seconds} s"),
        )
        .retry_after(seconds));
    }
    let Some(presented) = bearer(request.headers()) else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "send a token as 'Authorization: Bearer cb_…' (create one with `crypto-balance api \
             token create --name NAME`, or in Settings)",
        ));
    };
    let checked = state.app.authorize_api_token(presented).await;
    // A locked vault (or a disk error) could not check the token: not a failed guess.
    let checked = checked.inspect_err(|_| state.attempts.forgive(peer.ip()))?;
    let Some(token) = checked else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "the token is unknown or was revoked (see `crypto-balance api token list`)",
        ));
    };
    state.attempts.forgive(peer.ip());
    if changes_data(request.method()) && token.scope == TokenScope::Read {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "the token '{}' is read-only; this request would change the vault",
                token.name
            ),
        ));
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_waits_after_its_failures_and_memory_stays_bounded() {
        let attempts = Attempts::default();
        let peer: IpAddr = [127, 0, 0, 1].into();
        let start = Instant::now();
        for _ in 0..FAILURES_ALLOWED {
            assert_eq!(attempts.begin(peer, start), Ok(()));
        }
        assert!(attempts.begin(peer, start).is_err());
        assert_eq!(attempts.begin(peer, start + COOL_DOWN), Ok(()));
        for n in 0..(PEERS_REMEMBERED as u32 + 10) {
            let _ = attempts.begin(IpAddr::from(n.to_be_bytes()), start);
        }
        assert!(attempts.remembered() <= PEERS_REMEMBERED);
    }

    #[test]
    fn loopback_also_answers_to_localhost() {
        let hosts = allowed_hosts("127.0.0.1:7820".parse().expect("an address"));
        assert!(hosts.contains(&"localhost:7820".to_owned()));
        let lan = allowed_hosts("192.168.1.5:7820".parse().expect("an address"));
        assert_eq!(lan, vec!["192.168.1.5:7820".to_owned()]);
    }
}
