//! Every endpoint answers what the app holds, and refuses bad input with the app's codes.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::Served;

#[tokio::test]
async fn reads_show_what_the_vault_holds() {
    let api = Served::start().await;
    let (status, added) = api
        .write(
            Method::POST,
            "/holdings",
            Some(json!({"coin": "btc", "amount": "0.5", "account": "Kraken", "price": "30000", "currency": "usd"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["coin"], "bitcoin");
    assert_eq!(added["amount"], "0.5");
    api.app.refresh_rates().await.expect("prices from the fake");

    let (status, portfolio) = api.get("/portfolio").await;
    assert_eq!(status, StatusCode::OK, "{portfolio}");
    assert_eq!(portfolio["currency"], "usd");
    assert_eq!(portfolio["holdings"], 1);
    let total: rust_decimal::Decimal = portfolio["total"]
        .as_str()
        .expect("a string")
        .parse()
        .expect("a decimal");
    assert!(total > rust_decimal::Decimal::ZERO, "{portfolio}");

    let (_, valuation) = api.get("/valuation").await;
    assert_eq!(valuation["holdings"][0]["account"], "Kraken");
    assert!(
        valuation["holdings"][0]["price_age_seconds"].is_number(),
        "{valuation}"
    );
    assert_eq!(valuation["total"], portfolio["total"]);

    let (_, holdings) = api.get("/holdings").await;
    assert_eq!(holdings[0]["coin"], "bitcoin");
    assert_eq!(holdings[0]["average_cost"], "30000");

    let (_, accounts) = api.get("/accounts").await;
    assert!(accounts
        .as_array()
        .expect("a list")
        .iter()
        .any(|a| a["name"] == "Kraken"));

    let (_, rates) = api.get("/rates?coins=btc,eth").await;
    assert_eq!(rates.as_array().map(Vec::len), Some(2));
    assert!(rates[0]["price"].is_string(), "{rates}");

    let (status, history) = api.get("/history?coin=btc").await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history.as_array().map(Vec::len), Some(1));
    assert_eq!(history[0]["invested"], "15000");

    let (status, euros) = api.get("/portfolio?currency=eur").await;
    assert_eq!(status, StatusCode::OK, "{euros}");
    assert_eq!(euros["currency"], "eur");
    let (status, bad) = api.get("/portfolio?currency=doubloons").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["code"], "invalid_input");
}

#[tokio::test]
async fn holdings_are_set_removed_and_undone() {
    let api = Served::start().await;
    let (_, added) = api
        .write(
            Method::POST,
            "/holdings",
            Some(json!({"coin": "eth", "amount": "2"})),
        )
        .await;
    let (status, set) = api
        .write(
            Method::PUT,
            "/holdings/eth",
            Some(json!({"amount": "3.25"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(set["amount"], "3.25");
    let (status, removed) = api.write(Method::DELETE, "/holdings/ethereum", None).await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    let (_, holdings) = api.get("/holdings").await;
    assert_eq!(holdings, json!([]));

    let undo = format!("/batches/{}/undo", removed["batch_id"]);
    let (status, _) = api.write(Method::POST, &undo, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, holdings) = api.get("/holdings").await;
    assert_eq!(holdings[0]["amount"], "3.25");

    let (status, again) = api.write(Method::POST, &undo, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{again}");
    assert_eq!(again["code"], "not_found");
    let (status, bad) = api.write(Method::POST, "/batches/zero/undo", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["code"], "invalid_input");
    assert!(added["batch_id"].is_number());
}

#[tokio::test]
async fn bad_input_is_refused_with_the_apps_codes() {
    let api = Served::start().await;
    let (status, unknown) = api
        .write(
            Method::POST,
            "/holdings",
            Some(json!({"coin": "no-such-coin-xyz", "amount": "1"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{unknown}");
    assert_eq!(unknown["code"], "unknown_coin");
    let (status, negative) = api
        .write(
            Method::POST,
            "/holdings",
            Some(json!({"coin": "btc", "amount": "-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{negative}");
    assert_eq!(negative["code"], "invalid_input");
    let (status, missing) = api.write(Method::DELETE, "/holdings/btc", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    // A body that is not the schema: axum's own rejection, not a crash.
    let (status, _) = api
        .write(Method::POST, "/holdings", Some(json!({"coin": 5})))
        .await;
    assert!(status.is_client_error());
}

#[tokio::test]
async fn alerts_are_made_paused_resumed_and_deleted() {
    let api = Served::start().await;
    let (status, rule) = api
        .write(
            Method::POST,
            "/alerts",
            Some(json!({"kind": "price_above", "coin": "btc", "threshold": "1000000"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");
    let id = rule["id"].as_i64().expect("an id");
    let (_, paused) = api
        .write(Method::POST, &format!("/alerts/{id}/pause"), None)
        .await;
    assert_eq!(paused["paused"], true);
    let (_, resumed) = api
        .write(Method::POST, &format!("/alerts/{id}/resume"), None)
        .await;
    assert_eq!(resumed["paused"], false);
    let (_, rules) = api.get("/alerts").await;
    assert_eq!(rules[0]["coin"], "bitcoin");
    let (status, events) = api.get("/alerts/events?limit=5").await;
    assert_eq!((status, events), (StatusCode::OK, json!([])));
    let (status, deliveries) = api.get("/alerts/deliveries").await;
    assert_eq!((status, deliveries), (StatusCode::OK, json!([])));
    let (status, seen) = api.get("/privacy/log?limit=500").await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert!(seen
        .as_array()
        .is_some_and(|log| log.iter().all(|r| r["provider"] == "coingecko")));
    let (status, _) = api
        .write(Method::DELETE, &format!("/alerts/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, gone) = api
        .write(Method::DELETE, &format!("/alerts/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{gone}");
    let (status, bad) = api
        .write(
            Method::POST,
            "/alerts",
            Some(json!({"kind": "portfolio_above", "coin": "btc", "threshold": "5"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

#[tokio::test]
async fn refresh_asks_the_sync_loop() {
    let api = Served::start().await;
    let (status, body) = api.write(Method::POST, "/refresh", None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    api.refresher.stop().await;
    let (status, body) = api.write(Method::POST, "/refresh", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_same_shape() {
    let api = Served::start().await;
    let (status, body) = api.get("/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    let (status, body) = api.write(Method::PATCH, "/portfolio", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "invalid_input");
    let (status, body) = api.get("/alerts/events?limit=many").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "invalid_input");
}

fn coinbase_form(maps: &[&str]) -> reqwest::multipart::Form {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/fixtures/import/coinbase-2024.csv"
    );
    let bytes = std::fs::read(path).expect("the fixture");
    let file = reqwest::multipart::Part::bytes(bytes).file_name("coinbase-2024.csv");
    let mut form = reqwest::multipart::Form::new().part("file", file);
    for map in maps {
        form = form.text("map", map.to_string());
    }
    form
}

async fn upload(
    api: &Served,
    query: &str,
    form: reqwest::multipart::Form,
    token: &str,
) -> (StatusCode, serde_json::Value) {
    let response = api
        .http
        .post(api.url(&format!("/import{query}")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("answers");
    let status = response.status();
    let body: serde_json::Value = response.json().await.expect("JSON");
    crate::support::record_example(&Method::POST, "/import", status, &body);
    (status, body)
}

#[tokio::test]
async fn a_csv_is_previewed_then_imported_once() {
    let api = Served::start().await;
    let writer = api.writer.clone();
    let (status, preview) = upload(&api, "?dry_run=true", coinbase_form(&[]), &writer).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["format"], "coinbase");
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["batch_id"], serde_json::Value::Null);
    assert_eq!(preview["unresolved"][0]["symbol"], "ETH2");
    assert_eq!(api.app.holdings().await.expect("holdings"), vec![]);

    let (status, refused) = upload(&api, "", coinbase_form(&[]), &writer).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["code"], "ambiguous_coin");

    let (status, report) = upload(&api, "", coinbase_form(&["ETH2=ethereum"]), &writer).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["imported"], 8);
    assert_eq!(report["assets"]["ripple"], "156.145683");
    assert!(report["batch_id"].is_number());
    let (_, again) = upload(&api, "", coinbase_form(&["ETH2=ethereum"]), &writer).await;
    assert_eq!(
        (again["imported"].clone(), again["duplicates"].clone()),
        (json!(0), json!(8))
    );

    let reader = api.reader.clone();
    let (status, _) = upload(&api, "?dry_run=true", coinbase_form(&[]), &reader).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let empty = reqwest::multipart::Form::new().text("format", "auto");
    let (status, missing) = upload(&api, "", empty, &writer).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{missing}");
    assert!(missing["message"].as_str().unwrap_or("").contains("'file'"));

    let (status, pl) = api.get("/pl?method=hifo").await;
    assert_eq!(status, StatusCode::OK, "{pl}");
    assert_eq!(pl["method"], "hifo");
    assert_eq!(pl["currency"], "usd");
    let (status, lots) = api.get("/lots/btc").await;
    assert_eq!(status, StatusCode::OK, "{lots}");
    assert!(lots["lots"].is_array());
    let (status, bad) = api.get("/pl?method=newest").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

#[tokio::test]
async fn watched_wallets_are_listed_and_scanned() {
    let api = Served::start().await;
    // BIP-84's zpub; its first address bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu has this script.
    api.esplora.pay(
        "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2",
        42_000,
        Some(799_000),
    );
    api.app
        .add_wallet(crypto_balance_core::wallets::NewWallet {
            chain: crypto_balance_core::wallets::WalletChain::Bitcoin,
            watch: "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs".into(),
            name: Some("Cold".into()),
            script_type: None,
            gap_limit: None,
            chains: None,
        })
        .await
        .expect("a wallet");
    let (status, reports) = api
        .write(Method::POST, "/wallets/scan?name=Cold", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{reports}");
    assert_eq!(reports[0]["coins"][0]["amount"], "0.00042");
    assert_eq!(reports[0]["height"], 800_000);
    let (status, wallets) = api.get("/wallets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        wallets[0]["first_address"],
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    );
    assert_eq!(wallets[0]["scanned_height"], 800_000);
    let (status, refused) = api
        .call(
            Method::POST,
            "/wallets/scan",
            Some(&api.reader.clone()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, missing) = api
        .write(Method::POST, "/wallets/scan?name=Nope", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
}
