//! CoinGecko plans: which host and key header each uses, and the limits the sync loop must stay
//! within (`coingecko.md` 1.1, 1.2 and 1.6).

use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;

/// The plan a user has. Demo and Pro keys both start with `CG-`, so this is a setting, never
/// guessed from the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// No key: shared, IP-throttled access.
    #[default]
    Public,
    /// The free Demo key.
    Demo,
    /// Any paid plan (Basic, Analyst, Lite, Pro, Enterprise).
    Pro,
}

impl Plan {
    pub const PUBLIC_BASE_URL: &'static str = "https://api.coingecko.com/api/v3";
    pub const PRO_BASE_URL: &'static str = "https://pro-api.coingecko.com/api/v3";

    pub fn base_url(self) -> &'static str {
        match self {
            Plan::Public | Plan::Demo => Self::PUBLIC_BASE_URL,
            Plan::Pro => Self::PRO_BASE_URL,
        }
    }

    /// The header that carries the key (the docs advise against the query parameter).
    pub fn key_header(self) -> Option<&'static str> {
        match self {
            Plan::Public => None,
            Plan::Demo => Some("x-cg-demo-api-key"),
            Plan::Pro => Some("x-cg-pro-api-key"),
        }
    }

    pub fn needs_key(self) -> bool {
        self != Plan::Public
    }

    /// How long CoinGecko itself caches `/simple/price`: polling faster only burns credits.
    pub fn upstream_cache(self) -> Duration {
        match self {
            Plan::Public | Plan::Demo => Duration::from_secs(60),
            Plan::Pro => Duration::from_secs(20),
        }
    }

    /// Calls per minute we allow ourselves: keyless access is throttled per IP at about 5-15.
    pub fn calls_per_minute(self) -> u32 {
        match self {
            Plan::Public => 5,
            Plan::Demo => 30,
            Plan::Pro => 250,
        }
    }

    /// Monthly call credits (`None`: no monthly cap). Pro assumes the smallest paid plan (Basic).
    pub fn monthly_credits(self) -> Option<u64> {
        match self {
            Plan::Public => None,
            Plan::Demo => Some(10_000),
            Plan::Pro => Some(100_000),
        }
    }

    /// How far back history reaches, in days (`None`: no limit).
    pub fn history_days(self) -> Option<u32> {
        match self {
            Plan::Public | Plan::Demo => Some(365),
            Plan::Pro => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Public => "public",
            Plan::Demo => "demo",
            Plan::Pro => "pro",
        }
    }
}

impl FromStr for Plan {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "public" | "keyless" | "" => Ok(Plan::Public),
            "demo" => Ok(Plan::Demo),
            "pro" | "paid" => Ok(Plan::Pro),
            other => Err(format!(
                "unknown CoinGecko plan '{other}' (use public, demo or pro)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_and_pro_use_different_hosts_and_headers() {
        assert_eq!(Plan::Demo.base_url(), "https://api.coingecko.com/api/v3");
        assert_eq!(Plan::Pro.base_url(), "https://pro-api.coingecko.com/api/v3");
        assert_eq!(Plan::Demo.key_header(), Some("x-cg-demo-api-key"));
        assert_eq!(Plan::Pro.key_header(), Some("x-cg-pro-api-key"));
        assert_eq!(Plan::Public.key_header(), None);
        assert_eq!("Demo".parse::<Plan>(), Ok(Plan::Demo));
        assert!("gold".parse::<Plan>().is_err());
    }
}
