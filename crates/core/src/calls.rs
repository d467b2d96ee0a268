//! How many requests this process has sent to each outside service, by outcome: the counts the
//! metrics endpoint shows. Process-wide, like the requests themselves.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// A service outside this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    CoinGecko,
    DefiLlama,
    Ntfy,
    Webhook,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::CoinGecko => "coingecko",
            Provider::DefiLlama => "defillama",
            Provider::Ntfy => "ntfy",
            Provider::Webhook => "webhook",
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

static COUNTS: Mutex<BTreeMap<(Provider, CallOutcome), u64>> = Mutex::new(BTreeMap::new());

/// Counts one request.
pub fn count(provider: Provider, outcome: CallOutcome) {
    let mut counts = COUNTS.lock().unwrap_or_else(|p| p.into_inner());
    let slot = counts.entry((provider, outcome)).or_insert(0);
    *slot = slot.saturating_add(1);
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
