//! The fake answers over real HTTP on 127.0.0.1, like CoinGecko does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use coingecko_fake::{Failure, FakeCoinGecko, FakeConfig, Host, Keys};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A minimal HTTP/1.1 GET, so these tests depend on no HTTP client the app also uses.
async fn get(fake: &FakeCoinGecko, path: &str) -> std::io::Result<(u16, String)> {
    get_with(fake, path, "").await
}

async fn get_with(
    fake: &FakeCoinGecko,
    path: &str,
    extra_headers: &str,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(fake.addr()).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra_headers}Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

#[tokio::test]
async fn ping_answers_like_coingecko() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeCoinGecko::start_default().await?;
    assert!(fake.addr().ip().is_loopback());
    assert!(fake.base_url().ends_with("/api/v3"));
    let (status, body) = get(&fake, "/api/v3/ping").await?;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body)?;
    assert_eq!(
        json,
        serde_json::json!({ "gecko_says": "(V3) To the Moon!" })
    );
    fake.stop().await?;
    Ok(())
}

#[tokio::test]
async fn unknown_routes_get_a_json_404() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeCoinGecko::start_default().await?;
    let (status, body) = get(&fake, "/api/v3/no/such/route").await?;
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)?["error"],
        "Not Found"
    );
    Ok(())
}

#[tokio::test]
async fn stopping_frees_the_port() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeCoinGecko::start_default().await?;
    let addr = fake.addr();
    fake.stop().await?;
    assert!(TcpStream::connect(addr).await.is_err());
    Ok(())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[tokio::test]
async fn simple_price_sends_raw_numbers_and_drops_unknown_ids() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    fake.set_price("pepe", "usd", "8.69e-05");
    let (status, body) = get(
        &fake,
        "/api/v3/simple/price?ids=bitcoin,pepe,no-such-coin,01coin,the-open-network&vs_currencies=usd,eur,xdr\
         &include_24hr_change=true&include_last_updated_at=true",
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("\"usd\":67187.3358936566"), "{body}");
    assert!(body.contains("\"usd\":8.69e-05"), "{body}");
    assert!(!body.contains("no-such-coin"));
    let value = json(&body);
    assert!(value["01coin"]["usd"].is_null());
    assert!(value["the-open-network"]["usd_24h_change"].is_null());
    assert!(value["bitcoin"]["last_updated_at"].is_i64());
    assert!(value["bitcoin"].get("xdr").is_none());

    let (_, body) = get(&fake, "/api/v3/simple/price?ids=nothing&vs_currencies=usd")
        .await
        .unwrap();
    assert_eq!(body, "{}");
    assert_eq!(fake.calls_to("/simple/price"), 2);
}

#[tokio::test]
async fn long_urls_get_414() {
    let config = FakeConfig {
        max_url_length: 200,
        ..FakeConfig::default()
    };
    let fake = FakeCoinGecko::start(config, 0).await.unwrap();
    let ids = vec!["bitcoin"; 40].join(",");
    let (status, _) = get(
        &fake,
        &format!("/api/v3/simple/price?ids={ids}&vs_currencies=usd"),
    )
    .await
    .unwrap();
    assert_eq!(status, 414);
}

#[tokio::test]
async fn the_pro_host_applies_key_rules() {
    let config = FakeConfig {
        host: Host::Pro,
        keys: Keys {
            demo: vec!["CG-demo".into()],
            pro: vec!["CG-pro".into()],
        },
        ..FakeConfig::default()
    };
    let fake = FakeCoinGecko::start(config, 0).await.unwrap();
    let (status, body) = get(&fake, "/api/v3/ping").await.unwrap();
    assert_eq!(
        (status, json(&body)["status"]["error_code"].as_i64()),
        (401, Some(10002))
    );
    let (status, body) = get_with(&fake, "/api/v3/ping", "x-cg-pro-api-key: CG-demo\r\n")
        .await
        .unwrap();
    assert_eq!(
        (status, json(&body)["error_code"].as_i64()),
        (400, Some(10011))
    );
    let (status, _) = get_with(&fake, "/api/v3/ping", "x-cg-pro-api-key: CG-pro\r\n")
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        fake.requests()[2].key_header.as_deref(),
        Some("x-cg-pro-api-key")
    );
}

#[tokio::test]
async fn the_public_host_refuses_pro_keys_and_old_history() {
    let config = FakeConfig {
        keys: Keys {
            demo: vec!["CG-demo".into()],
            pro: vec!["CG-pro".into()],
        },
        ..FakeConfig::default()
    };
    let fake = FakeCoinGecko::start(config, 0).await.unwrap();
    let (status, body) = get_with(&fake, "/api/v3/ping", "x-cg-pro-api-key: CG-pro\r\n")
        .await
        .unwrap();
    assert_eq!(
        (status, json(&body)["status"]["error_code"].as_i64()),
        (400, Some(10010))
    );
    let (status, _) = get_with(&fake, "/api/v3/ping", "x-cg-demo-api-key: CG-demo\r\n")
        .await
        .unwrap();
    assert_eq!(status, 200);
    let (status, body) = get(
        &fake,
        "/api/v3/coins/bitcoin/market_chart?vs_currency=usd&days=max",
    )
    .await
    .unwrap();
    assert_eq!(status, 401);
    assert_eq!(json(&body)["error"]["status"]["error_code"], 10012);
    let (status, body) = get(
        &fake,
        "/api/v3/coins/bitcoin/market_chart?vs_currency=usd&days=30",
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    let prices = json(&body)["prices"].as_array().unwrap().clone();
    assert!(
        prices.len() >= 719,
        "hourly points for 30 days: {}",
        prices.len()
    );
    assert!(
        prices[0][0].as_i64().unwrap() > 1_000_000_000_000,
        "milliseconds"
    );
}

#[tokio::test]
async fn injected_failures_answer_like_the_real_service() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    fake.inject(Failure::RateLimited { retry_after: 53 }, 1, Some("/simple"));
    fake.inject(Failure::CloudflareText, 1, None);
    fake.inject(Failure::CloudflareHtml, 1, None);
    fake.inject(Failure::ServerErrorHtml, 1, None);
    let path = "/api/v3/simple/price?ids=bitcoin&vs_currencies=usd";
    let mut stream = TcpStream::connect(fake.addr()).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 429"), "{raw}");
    assert!(raw.to_lowercase().contains("retry-after: 53"), "{raw}");
    assert_eq!(
        get(&fake, path).await.unwrap(),
        (429, "error code: 1015".to_owned())
    );
    let (status, body) = get(&fake, path).await.unwrap();
    assert_eq!(status, 403);
    assert!(body.contains("Cloudflare"));
    let (status, body) = get(&fake, path).await.unwrap();
    assert_eq!(status, 500);
    assert!(body.starts_with("<!DOCTYPE html>"));
    assert_eq!(get(&fake, path).await.unwrap().0, 200);
}

#[tokio::test]
async fn hung_responses_never_answer() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    fake.inject(Failure::Hang, 1, None);
    let waited = tokio::time::timeout(Duration::from_millis(300), get(&fake, "/api/v3/ping")).await;
    assert!(waited.is_err(), "a hung request must not answer");
}

#[tokio::test]
async fn markets_and_search_rank_coins() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let (status, body) = get(
        &fake,
        "/api/v3/coins/markets?vs_currency=usd&per_page=3&page=1",
    )
    .await
    .unwrap();
    assert_eq!(status, 200);
    let ids: Vec<String> = json(&body)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["bitcoin", "ethereum", "tether"]);
    let (status, body) = get(&fake, "/api/v3/coins/markets?vs_currency=usdt")
        .await
        .unwrap();
    assert_eq!(
        (status, json(&body)["error"].as_str()),
        (400, Some("invalid vs_currency"))
    );
    let (_, body) = get(&fake, "/api/v3/search?query=eth").await.unwrap();
    let first = &json(&body)["coins"][0];
    assert_eq!(
        (first["id"].as_str(), first["symbol"].as_str()),
        (Some("ethereum"), Some("ETH"))
    );
    let (status, body) = get(
        &fake,
        "/api/v3/coins/no-such/market_chart?vs_currency=usd&days=1",
    )
    .await
    .unwrap();
    assert_eq!(
        (status, json(&body)["error"].as_str()),
        (404, Some("coin not found"))
    );
}
