//! The fake answers over real HTTP on 127.0.0.1, like CoinGecko does.

use coingecko_fake::FakeCoinGecko;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A minimal HTTP/1.1 GET, so these tests depend on no HTTP client the app also uses.
async fn get(fake: &FakeCoinGecko, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(fake.addr()).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
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
    let fake = FakeCoinGecko::start(0).await?;
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
    let fake = FakeCoinGecko::start(0).await?;
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
    let fake = FakeCoinGecko::start(0).await?;
    let addr = fake.addr();
    fake.stop().await?;
    assert!(TcpStream::connect(addr).await.is_err());
    Ok(())
}
