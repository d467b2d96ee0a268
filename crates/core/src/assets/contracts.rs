//! Which coin a token is: CoinGecko's table of contract addresses (EVM) and mints (Solana) by
//! platform, from `/coins/list?include_platform=true`, replaced with each catalog download. A
//! token missing from it has no price, so scans list it apart and never count it.

use std::collections::HashMap;

use sqlx::{Sqlite, SqlitePool, Transaction};

use super::Listing;

/// The form addresses are kept and looked up in: EVM hex in lowercase (checksums are only a
/// typing aid), anything else as given (Solana's base58 is case-sensitive).
pub fn normalise(address: &str) -> String {
    let address = address.trim();
    match address.get(..2) {
        Some("0x") | Some("0X") => address.to_ascii_lowercase(),
        _ => address.to_owned(),
    }
}

/// Replaces the whole table with the platforms of `listings` (a complete `/coins/list`).
pub(crate) async fn replace_all(
    tx: &mut Transaction<'_, Sqlite>,
    listings: &[Listing],
) -> Result<usize, sqlx::Error> {
    let rows: Vec<serde_json::Value> = listings
        .iter()
        .filter(|l| !l.id.is_empty())
        .flat_map(|l| {
            l.platforms.iter().filter_map(move |(platform, address)| {
                let address = normalise(address.as_deref()?);
                let usable = !platform.is_empty() && !address.is_empty() && address.len() <= 100;
                usable.then(|| serde_json::json!([platform, address, l.id]))
            })
        })
        .collect();
    sqlx::query("DELETE FROM coin_contracts")
        .execute(&mut **tx)
        .await?;
    let count = rows.len();
    sqlx::query(
        "INSERT INTO coin_contracts (platform, address, coin_id) \
         SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2 FROM json_each(?) r \
         WHERE EXISTS (SELECT 1 FROM assets WHERE id = r.value ->> 2) \
         ON CONFLICT (platform, address) DO NOTHING",
    )
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut **tx)
    .await?;
    Ok(count)
}

/// Every token CoinGecko knows on `platform`: address → coin id.
pub async fn on_platform(
    pool: &SqlitePool,
    platform: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT address, coin_id FROM coin_contracts WHERE platform = ? ORDER BY address",
    )
    .bind(platform)
    .fetch_all(pool)
    .await
}

/// The coins of those `addresses` on `platform` that CoinGecko knows, by address.
pub async fn coins_of(
    pool: &SqlitePool,
    platform: &str,
    addresses: &[String],
) -> Result<HashMap<String, String>, sqlx::Error> {
    let wanted: Vec<String> = addresses.iter().map(|a| normalise(a)).collect();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT address, coin_id FROM coin_contracts \
         WHERE platform = ? AND address IN (SELECT value FROM json_each(?))",
    )
    .bind(platform)
    .bind(serde_json::to_string(&wanted).unwrap_or_else(|_| "[]".to_owned()))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn evm_hex_is_kept_in_lowercase_and_base58_as_given() {
        assert_eq!(
            normalise(" 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48 "),
            "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"
        );
        assert_eq!(
            normalise("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"),
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
        );
    }
}
