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
