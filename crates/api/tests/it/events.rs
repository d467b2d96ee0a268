//! Server-sent events: a change made by one client reaches another as it happens.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{answered, Served};

/// Reads the stream until an event named `name` arrives; returns its data line.
async fn next_named(response: &mut reqwest::Response, name: &str) -> String {
    let mut text = String::new();
    loop {
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk())
            .await
            .expect("an event within 10 s")
            .expect("the stream reads")
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.lines().any(|l| l == format!("event: {name}")) {
                let data = block.lines().find_map(|l| l.strip_prefix("data: "));
                return data.unwrap_or("").to_owned();
            }
        }
    }
}

#[tokio::test]
async fn a_holding_added_by_one_client_reaches_another() {
    let api = Served::start().await;
    let mut stream = answered(api.request("/events").bearer_auth(&api.reader)).await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let (status, _) = api
        .write(
            Method::POST,
            "/holdings",
            Some(json!({"coin": "btc", "amount": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(next_named(&mut stream, "holdings-changed").await, "null");

    api.refresher.lock_now().await;
    next_named(&mut stream, "vault-locked").await;
    let end = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
        .await
        .expect("the stream ends");
    assert!(matches!(end, Ok(None)), "the stream closes after the lock");
}

#[tokio::test]
async fn the_stream_needs_a_token() {
    let api = Served::start().await;
    let response = answered(api.request("/events")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
