//! Who may call: a token of the vault's, with a scope for the method, addressed to the bound
//! host, from a peer not cooling down; and nothing at all while the vault is locked.

use crypto_balance_api::guard::FAILURES_ALLOWED;
use reqwest::{header, Method, StatusCode};
use serde_json::json;

use crate::support::{answered, Served};

#[tokio::test]
async fn no_token_an_unknown_one_or_a_revoked_one_is_refused() {
    let api = Served::start().await;
    let (status, body) = api.call(Method::GET, "/portfolio", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = api
        .call(Method::GET, "/portfolio", Some("cb_0000"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _) = api.get("/portfolio").await;
    assert_eq!(status, StatusCode::OK);
    let listed = api.app.api_tokens().await.expect("tokens");
    let used: Vec<_> = listed
        .iter()
        .map(|t| (t.name.as_str(), t.last_used_at.is_some()))
        .collect();
    assert_eq!(used, [("dashboard", true), ("script", false)]);

    api.app
        .revoke_api_token("DASHBOARD")
        .await
        .expect("revoked");
    let (status, body) = api.get("/portfolio").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn a_read_only_token_cannot_write() {
    let api = Served::start().await;
    let reader = api.reader.clone();
    let writes = [
        (
            Method::POST,
            "/holdings",
            Some(json!({"coin": "btc", "amount": "1"})),
        ),
        (Method::PUT, "/holdings/btc", Some(json!({"amount": "1"}))),
        (Method::DELETE, "/holdings/btc", None),
        (Method::POST, "/batches/1/undo", None),
        (
            Method::POST,
            "/alerts",
            Some(json!({"kind": "price_above", "coin": "btc", "threshold": "1"})),
        ),
        (Method::POST, "/alerts/1/pause", None),
        (Method::POST, "/alerts/1/resume", None),
        (Method::DELETE, "/alerts/1", None),
        (Method::POST, "/refresh", None),
    ];
    for (method, path, body) in writes {
        let (status, answer) = api.call(method.clone(), path, Some(&reader), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
        assert_eq!(answer["code"], "forbidden");
    }
    assert_eq!(api.app.holdings().await.expect("holdings"), vec![]);
}

#[tokio::test]
async fn a_locked_vault_serves_nothing() {
    let api = Served::start().await;
    api.refresher.lock_now().await;
    for token in [api.reader.clone(), api.writer.clone()] {
        let (status, body) = api.call(Method::GET, "/holdings", Some(&token), None).await;
        assert_eq!(status, StatusCode::LOCKED, "{body}");
        assert_eq!(body["code"], "locked");
    }
}

#[tokio::test]
async fn another_host_name_is_refused() {
    let api = Served::start().await;
    for host in ["evil.example", "evil.example:80", "127.0.0.1:1"] {
        let response = answered(
            api.request("/portfolio")
                .bearer_auth(&api.reader)
                .header(header::HOST, host),
        )
        .await;
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["code"], "wrong_host");
    }
    let localhost = format!("localhost:{}", api.addr.port());
    let response = answered(
        api.request("/portfolio")
            .bearer_auth(&api.reader)
            .header(header::HOST, localhost),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn failed_attempts_make_the_peer_wait() {
    let api = Served::start().await;
    for n in 0..FAILURES_ALLOWED {
        let (status, _) = api
            .call(
                Method::GET,
                "/portfolio",
                Some(&format!("cb_guess{n}")),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Now even a valid token waits: answering it would tell a guesser which guess was right.
    let response = answered(api.request("/portfolio").bearer_auth(&api.reader)).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait));
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["code"], "too_many_attempts");
    // The document stays public.
    let response = answered(api.request("/openapi.json")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn guesses_sent_together_are_checked_at_most_the_allowed_number_of_times() {
    let api = Served::start().await;
    let guesses = (0..40).map(|n| {
        let request = api
            .http
            .get(api.url("/portfolio"))
            .bearer_auth(format!("cb_guess{n}"))
            .send();
        async move { request.await.expect("answers").status() }
    });
    let statuses = all_at_once(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked as u32, FAILURES_ALLOWED, "{statuses:?}");
    assert_eq!(checked + refused, 40);
}

/// Sends every request at once and collects the statuses.
async fn all_at_once<F>(requests: impl Iterator<Item = F>) -> Vec<StatusCode>
where
    F: std::future::Future<Output = StatusCode> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for request in requests {
        set.spawn(request);
    }
    set.join_all().await
}

#[tokio::test]
async fn a_locked_vault_does_not_count_as_failed_attempts() {
    let api = Served::start().await;
    api.refresher.lock_now().await;
    for _ in 0..(FAILURES_ALLOWED + 5) {
        let (status, _) = api.get("/holdings").await;
        assert_eq!(status, StatusCode::LOCKED);
    }
}

/// Every operation in the document, with sample path parameters: (method, path).
fn every_operation() -> Vec<(Method, String)> {
    let document = serde_json::to_value(crypto_balance_api::openapi()).expect("JSON");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        let path = path.replace("{coin}", "bitcoin").replace("{id}", "1");
        for method in item.as_object().expect("an item").keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            operations.push((method, path.clone()));
        }
    }
    assert!(operations.len() >= 20, "{operations:?}");
    operations
}

#[tokio::test]
async fn every_endpoint_wants_a_token_the_right_host_and_an_open_vault() {
    let api = Served::start().await;
    let bad_host = format!("evil.example:{}", api.addr.port());
    for (method, path) in every_operation() {
        let response = api
            .http
            .request(method.clone(), api.url(&path))
            .bearer_auth(&api.writer)
            .header(header::HOST, &bad_host)
            .send()
            .await
            .expect("answers");
        assert_eq!(
            response.status(),
            StatusCode::MISDIRECTED_REQUEST,
            "{method} {path}"
        );
    }
    // Without a token (a few at a time, so the failed-attempt limit is not what answers).
    for (n, (method, path)) in every_operation().into_iter().enumerate() {
        if n % (FAILURES_ALLOWED as usize - 1) == 0 {
            api.attempts_reset();
        }
        let (status, body) = api.call(method.clone(), &path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
    }
    api.refresher.lock_now().await;
    for (method, path) in every_operation() {
        let (status, body) = api
            .call(method.clone(), &path, Some(&api.writer.clone()), None)
            .await;
        assert_eq!(status, StatusCode::LOCKED, "{method} {path}: {body}");
    }
}

#[tokio::test]
async fn no_cors_unless_an_origin_is_named() {
    let preflight = |api: &Served| {
        api.http
            .request(Method::OPTIONS, api.url("/portfolio"))
            .header("Origin", "http://localhost:8123")
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let api = Served::start().await;
    let answer = preflight(&api).await.expect("answers");
    assert!(answer
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let read = answered(
        api.request("/portfolio")
            .bearer_auth(&api.reader)
            .header("Origin", "http://localhost:8123"),
    )
    .await;
    assert!(read.headers().get("access-control-allow-origin").is_none());

    let api = Served::start_with(crypto_balance_api::ServeOptions {
        cors_origins: vec!["http://localhost:8123".parse().expect("an origin")],
        ..Default::default()
    })
    .await;
    let answer = preflight(&api).await.expect("answers");
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(
        answer.headers()["access-control-allow-origin"],
        "http://localhost:8123"
    );
    let other = answered(
        api.request("/portfolio")
            .bearer_auth(&api.reader)
            .header("Origin", "http://evil.example"),
    )
    .await;
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
