//! The committed OpenAPI document is the one the code generates: a change to an endpoint or a
//! type shows up in review as a change to `docs/openapi.json`. `UPDATE_OPENAPI=1` rewrites it.

use std::path::PathBuf;

use reqwest::StatusCode;

use crate::support::{answered, Served};

fn generated() -> String {
    crypto_balance_api::openapi()
        .to_pretty_json()
        .expect("the document serializes")
        + "\n"
}

#[test]
fn openapi_document_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, generated()).expect("docs/openapi.json is writable");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated(),
        "docs/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p crypto-balance-api \
         openapi_document_is_current` and commit it"
    );
}

#[tokio::test]
async fn the_document_is_served_without_a_token() {
    let api = Served::start().await;
    let response = answered(api.request("/openapi.json")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let served: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(served["openapi"], "3.1.0");
    let committed: serde_json::Value = serde_json::from_str(&generated()).expect("JSON");
    assert_eq!(served, committed);
}

#[tokio::test]
async fn the_docs_page_is_bundled_and_loads_nothing_from_elsewhere() {
    let api = Served::start().await;
    let page = answered(api.request("/docs")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"));
    let html = page.text().await.expect("HTML");
    assert!(html.contains("<rapi-doc spec-url=\"/api/v1/openapi.json\""));
    assert!(!html.contains("https://"), "no CDN: {html}");

    // reqwest without its gzip feature sees the bytes as sent.
    let script = answered(api.request("/docs/rapidoc-min.js")).await;
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(script.headers()["content-encoding"], "gzip");
    let bytes = script.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(bytes.len() > 100_000);
}
