//! `/metrics`: off unless asked for, behind a token, and values only when those are asked for too.

use crypto_balance_api::metrics::MetricsOptions;
use crypto_balance_api::ServeOptions;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::Served;

async fn scrape(api: &Served, token: Option<&str>) -> (StatusCode, String) {
    let url = format!("http://{}/metrics", api.addr);
    let mut request = api.http.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answers");
    (response.status(), response.text().await.expect("text"))
}

#[tokio::test]
async fn metrics_are_off_unless_asked_for() {
    let api = Served::start().await;
    let (status, body) = scrape(&api, Some(&api.reader)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.contains("--metrics"));
}

#[tokio::test]
async fn metrics_show_the_loop_requests_and_alerts_but_values_only_when_asked() {
    let api = Served::start_with(ServeOptions {
        metrics: MetricsOptions {
            enabled: true,
            values: false,
        },
        ..ServeOptions::default()
    })
    .await;
    let (status, _) = scrape(&api, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    api.write(
        Method::POST,
        "/holdings",
        Some(json!({"coin": "btc", "amount": "2"})),
    )
    .await;
    api.app
        .sync_cycle()
        .await
        .expect("a cycle against the fake");

    let (status, text) = scrape(&api, Some(&api.reader)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains("# TYPE crypto_balance_sync_state gauge"),
        "{text}"
    );
    assert!(
        text.contains(
            "crypto_balance_outbound_requests_total{provider=\"coingecko\",outcome=\"ok\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains("crypto_balance_alerts_fired_total 0"),
        "{text}"
    );
    assert!(text.ends_with("# EOF\n"));
    assert!(
        !text.contains("holding_value"),
        "values stay private: {text}"
    );
    assert!(!text.contains("bitcoin"), "{text}");

    let api = Served::start_with(ServeOptions {
        metrics: MetricsOptions {
            enabled: true,
            values: true,
        },
        ..ServeOptions::default()
    })
    .await;
    api.write(
        Method::POST,
        "/holdings",
        Some(json!({"coin": "btc", "amount": "2", "account": "Cold"})),
    )
    .await;
    api.app
        .sync_cycle()
        .await
        .expect("a cycle against the fake");
    let (_, text) = scrape(&api, Some(&api.reader)).await;
    let line = text
        .lines()
        .find(|l| l.starts_with("crypto_balance_holding_value{"))
        .unwrap_or_else(|| panic!("a holding value: {text}"));
    assert!(
        line.contains("coin=\"bitcoin\"") && line.contains("account=\"Cold\""),
        "{line}"
    );
    assert!(
        text.contains("crypto_balance_portfolio_value{currency=\"usd\"}"),
        "{text}"
    );
}
