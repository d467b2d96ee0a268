//! Rates end to end: the real client against `coingecko-fake` on 127.0.0.1, a real encrypted
//! database, and the valuation built from what was stored.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use coingecko_fake::{default_coins, Failure, FakeCoinGecko, FakeConfig, Host, Keys, Market};
use crypto_balance_core::clock::FixedClock;
use crypto_balance_core::clock::UnixTime;
use crypto_balance_core::rates::{ApiError, CoinGeckoOverrides, Plan, RatesError, RetryPolicy};
use crypto_balance_core::secret::ApiKey;
use crypto_balance_core::{App, Error, ErrorCode, Passphrase};

use crate::support::{hold, TestApp, PASSPHRASE};

const START: i64 = 1_795_521_600; // 2026-11-24T12:00:00Z

struct World {
    _dir: tempfile::TempDir,
    app: App,
    clock: Arc<FixedClock>,
    fake: FakeCoinGecko,
}

fn overrides(fake: &FakeCoinGecko) -> CoinGeckoOverrides {
    CoinGeckoOverrides {
        base_url: Some(fake.base_url()),
        timeout: Some(Duration::from_secs(2)),
        ..CoinGeckoOverrides::default()
    }
}

fn open_app(dir: &Path, clock: Arc<FixedClock>, coingecko: CoinGeckoOverrides) -> App {
    TestApp::new().clock(clock).coingecko(coingecko).open(dir)
}

async fn world_with(
    config: FakeConfig,
    coingecko: impl FnOnce(&FakeCoinGecko) -> CoinGeckoOverrides,
) -> World {
    let fake = FakeCoinGecko::start(config, 0).await.expect("fake starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(FixedClock::at(START));
    let app = TestApp::new()
        .clock(clock.clone())
        .coingecko(coingecko(&fake))
        .create(dir.path())
        .await;
    World {
        _dir: dir,
        app,
        clock,
        fake,
    }
}

async fn world() -> World {
    world_with(FakeConfig::default(), overrides).await
}

fn api_error(error: Error) -> ApiError {
    match error {
        Error::Rates(RatesError::Api(e)) => e,
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test]
async fn value_is_exact_to_the_last_digit_of_an_exponent_price() {
    let w = world().await;
    w.fake.set_price("pepe", "usd", "8.69e-05");
    hold(&w.app, "pepe", "0.1").await;
    hold(&w.app, "pepe", "0.2").await;
    let report = w.app.refresh_rates().await.expect("refreshes");
    assert_eq!(report.updated, 1);
    assert!(report.missing.is_empty());
    let valuation = w.app.valuation(None).await.expect("values");
    assert_eq!(valuation.currency, "usd");
    assert_eq!(valuation.total.to_string(), "0.00002607");
    assert_eq!(
        valuation.holdings[0].price.unwrap().to_string(),
        "0.0000869"
    );
    assert_eq!(valuation.holdings[0].price_age_seconds, Some(0));
}

#[tokio::test]
async fn long_prices_keep_every_digit_and_null_prices_are_missing_not_zero() {
    let w = world().await;
    hold(&w.app, "bitcoin", "0.5").await;
    hold(&w.app, "01coin", "1000").await;
    let report = w.app.refresh_rates().await.expect("refreshes");
    assert_eq!(report.missing, ["01coin"]);
    let valuation = w.app.valuation(None).await.expect("values");
    assert_eq!(valuation.total.to_string(), "33593.6679468283");
    assert_eq!(valuation.missing_prices, ["01coin"]);
    let dead = valuation
        .holdings
        .iter()
        .find(|h| h.holding.coin == "01coin")
        .unwrap();
    assert_eq!((dead.price, dead.value), (None, None));
    let rates = w.app.rates(&["zoc".into()]).await.expect("rates");
    assert_eq!(rates[0].price, None);
}

#[tokio::test]
async fn a_thousand_held_coins_take_at_most_two_calls() {
    let mut market = Market::new(default_coins());
    market.generate(1_000);
    let config = FakeConfig {
        coins: market.coins().cloned().collect(),
        ..FakeConfig::default()
    };
    let w = world_with(config, overrides).await;
    // The first refresh has nothing to price and downloads the catalog.
    let first = w.app.refresh_rates().await.expect("catalog");
    assert_eq!(first.calls, 2);
    assert_eq!(w.fake.calls_to("/coins/list"), 1);
    for n in 1..=1_000 {
        hold(&w.app, &format!("fakecoin-{n:05}"), "1").await;
    }
    w.fake.clear_requests();
    let report = w.app.refresh_rates().await.expect("refreshes");
    assert!(report.calls <= 2, "{} calls", report.calls);
    assert_eq!(
        w.fake.calls_to("/simple/price"),
        usize::try_from(report.calls).unwrap()
    );
    assert!(w.fake.requests().iter().all(|r| r.status == 200));
    assert_eq!(report.updated, 1_000);
    let valuation = w.app.valuation(None).await.expect("values");
    assert!(valuation.missing_prices.is_empty());
    // The catalog is fresh for a day: no more list downloads.
    assert_eq!(w.fake.calls_to("/coins/list"), 0);
}

#[tokio::test]
async fn prices_fresher_than_coingeckos_cache_are_not_fetched_again() {
    let w = world().await;
    hold(&w.app, "bitcoin", "1").await;
    w.app.refresh_rates().await.expect("refreshes");
    let again = w.app.refresh_rates().await.expect("refreshes");
    assert_eq!((again.calls, again.fresh), (0, 1));
    assert_eq!(w.fake.calls_to("/simple/price"), 1);
}

#[tokio::test]
async fn a_414_splits_the_batch_and_still_prices_everything() {
    let config = FakeConfig {
        max_url_length: 175,
        ..FakeConfig::default()
    };
    let w = world_with(config, overrides).await;
    for coin in [
        "bitcoin",
        "ethereum",
        "solana",
        "cardano",
        "polkadot",
        "litecoin",
        "stellar",
        "monero",
        "chainlink",
        "uniswap",
    ] {
        hold(&w.app, coin, "1").await;
    }
    let report = w.app.refresh_rates().await.expect("refreshes");
    assert_eq!(report.updated, 10);
    let statuses: Vec<u16> = w
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/simple/price")
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses.first(), Some(&414));
    assert!(statuses.contains(&200));
}

#[tokio::test]
async fn every_error_shape_becomes_a_typed_error_with_a_retry_policy() {
    let w = world().await;
    hold(&w.app, "bitcoin", "1").await;
    let cases = [
        (
            Failure::RateLimited { retry_after: 53 },
            ErrorCode::RateLimited,
            RetryPolicy::After(Duration::from_secs(53)),
        ),
        (
            Failure::CloudflareText,
            ErrorCode::RateLimited,
            RetryPolicy::Backoff,
        ),
        (
            Failure::CloudflareHtml,
            ErrorCode::CoingeckoUnavailable,
            RetryPolicy::Backoff,
        ),
        (
            Failure::ServerErrorHtml,
            ErrorCode::CoingeckoUnavailable,
            RetryPolicy::Backoff,
        ),
        (
            Failure::Unavailable,
            ErrorCode::CoingeckoUnavailable,
            RetryPolicy::Backoff,
        ),
        (
            Failure::MalformedJson,
            ErrorCode::CoingeckoUnavailable,
            RetryPolicy::Backoff,
        ),
        (
            Failure::NotInPlan,
            ErrorCode::CoingeckoSetup,
            RetryPolicy::NeedsUser,
        ),
        (
            Failure::Hang,
            ErrorCode::CoingeckoUnavailable,
            RetryPolicy::Backoff,
        ),
    ];
    for (failure, code, retry) in cases {
        w.fake.inject(failure.clone(), 1, Some("/simple/price"));
        let error = w.app.refresh_rates().await.expect_err("fails");
        assert_eq!(error.code(), code, "{failure:?}: {error}");
        let message = error.to_string();
        assert!(
            !message.is_empty() && !message.contains('<'),
            "{failure:?}: {message}"
        );
        assert_eq!(api_error(error).retry_policy(), retry, "{failure:?}");
    }
    // A slow answer within the timeout is just slow.
    w.fake
        .inject(Failure::Slow { millis: 300 }, 1, Some("/simple/price"));
    assert_eq!(
        w.app.refresh_rates().await.expect("slow is fine").updated,
        1
    );
    // Nothing was stored by the failures, and nothing stored is zero.
    let valuation = w.app.valuation(None).await.expect("values");
    assert_eq!(valuation.total.to_string(), "67187.3358936566");
}

#[tokio::test]
async fn plan_mistakes_are_told_apart_and_explained() {
    let keys = Keys {
        demo: vec!["CG-demo-key".into()],
        pro: vec!["CG-pro-key".into()],
    };
    let pro_host = FakeConfig {
        host: Host::Pro,
        keys: keys.clone(),
        ..FakeConfig::default()
    };
    fn with_plan(
        plan: Plan,
        key: Option<&'static str>,
    ) -> impl FnOnce(&FakeCoinGecko) -> CoinGeckoOverrides {
        move |fake| CoinGeckoOverrides {
            plan: Some(plan),
            api_key: key.and_then(ApiKey::new),
            ..overrides(fake)
        }
    }
    // A Demo key with the Pro plan: CoinGecko's 10011.
    let w = world_with(pro_host.clone(), with_plan(Plan::Pro, Some("CG-demo-key"))).await;
    hold(&w.app, "bitcoin", "1").await;
    let error = w.app.refresh_rates().await.expect_err("refused");
    assert_eq!(error.code(), ErrorCode::CoingeckoSetup);
    assert!(
        error.to_string().contains("Demo key: choose the Demo plan"),
        "{error}"
    );
    assert_eq!(
        w.fake.requests()[0].key_header.as_deref(),
        Some("x-cg-pro-api-key")
    );

    // A Pro key with the Demo plan (public host): 10010.
    let public = FakeConfig {
        keys: keys.clone(),
        ..FakeConfig::default()
    };
    let w = world_with(public.clone(), with_plan(Plan::Demo, Some("CG-pro-key"))).await;
    hold(&w.app, "bitcoin", "1").await;
    let error = api_error(w.app.refresh_rates().await.expect_err("refused"));
    assert_eq!(error, ApiError::ProKeyOnPublicHost);

    // The Pro plan with no key fails before any call.
    let w = world_with(pro_host, with_plan(Plan::Pro, None)).await;
    hold(&w.app, "bitcoin", "1").await;
    let error = api_error(w.app.refresh_rates().await.expect_err("refused"));
    assert_eq!(error, ApiError::KeyMissing);
    assert!(w.fake.requests().is_empty());

    // A correct Demo key on the public host works, sent in the Demo header.
    let w = world_with(public, with_plan(Plan::Demo, Some("CG-demo-key"))).await;
    hold(&w.app, "bitcoin", "1").await;
    w.app.refresh_rates().await.expect("works");
    assert!(w
        .fake
        .requests()
        .iter()
        .all(|r| r.key_header.as_deref() == Some("x-cg-demo-api-key")));
}

#[tokio::test]
async fn a_restart_shows_the_persisted_rates_with_their_age_at_once() {
    let fake = FakeCoinGecko::start_default().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(START));
    {
        let app = open_app(dir.path(), clock.clone(), overrides(&fake));
        app.create_vault(&Passphrase::new(PASSPHRASE.into()), false)
            .await
            .unwrap();
        hold(&app, "ethereum", "2").await;
        app.refresh_rates().await.unwrap();
        app.lock().await;
    }
    fake.stop().await.unwrap();
    clock.set(START + 120);
    let app = open_app(dir.path(), clock, CoinGeckoOverrides::default());
    app.unlock(Some(&Passphrase::new(PASSPHRASE.into())))
        .await
        .unwrap();
    let valuation = app.valuation(None).await.unwrap();
    assert_eq!(valuation.total.to_string(), "6843.54");
    assert_eq!(valuation.holdings[0].price_age_seconds, Some(120));
    assert_eq!(valuation.as_of, Some(UnixTime::from_seconds(START)));
}

#[tokio::test]
async fn a_manual_price_always_wins() {
    let w = world().await;
    hold(&w.app, "bitcoin", "2").await;
    w.app
        .set_price_override("btc", Some("12345.6789".parse().unwrap()), None)
        .await
        .unwrap();
    w.app.refresh_rates().await.unwrap();
    let valuation = w.app.valuation(None).await.unwrap();
    assert_eq!(valuation.total.to_string(), "24691.3578");
    assert!(valuation.holdings[0].price_overridden);
    w.app
        .set_price_override("bitcoin", None, None)
        .await
        .unwrap();
    let valuation = w.app.valuation(None).await.unwrap();
    assert_eq!(valuation.total.to_string(), "134374.6717873132");
    let bad = w
        .app
        .set_price_override("bitcoin", Some("-1".parse().unwrap()), None)
        .await;
    assert_eq!(bad.unwrap_err().code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn fiat_holdings_are_valued_through_cross_rates() {
    let w = world().await;
    hold(&w.app, "eur", "100").await;
    hold(&w.app, "usd", "10").await;
    w.app.refresh_rates().await.unwrap();
    let valuation = w.app.valuation(None).await.unwrap();
    assert!(
        valuation.missing_prices.is_empty(),
        "{:?}",
        valuation.missing_prices
    );
    // 100 EUR at the fake's 0.92 EUR per USD, plus 10 USD.
    let total = valuation.total.round_dp(10).to_string();
    assert_eq!(total, "118.6956521739");
    let in_eur = w.app.valuation(Some("EUR")).await.unwrap();
    assert_eq!(in_eur.currency, "eur");
    assert!(w.app.valuation(Some("usdt")).await.is_err());
}

#[tokio::test]
async fn the_catalog_resolves_symbols_by_market_cap_and_search_is_cached() {
    let w = world().await;
    w.app.refresh_rates().await.unwrap();
    // eth is also Ethereum (Wormhole)'s symbol, but only Ethereum is a top-250 coin.
    hold(&w.app, "ETH", "1").await;
    let held = w.app.holdings().await.unwrap();
    assert_eq!(held[0].coin, "ethereum");
    // sol: Solana and Solana (Wormhole); the catalog download must not make it ambiguous.
    hold(&w.app, "sol", "1").await;
    let found = w.app.search_coins("eth").await.unwrap();
    assert_eq!(found[0].id, "ethereum");
    assert_eq!(found[0].symbol, "eth");
    w.app.search_coins("eth").await.unwrap();
    assert_eq!(w.fake.calls_to("/search"), 1);
}

#[tokio::test]
async fn charts_are_cached_and_plan_limits_explained() {
    let w = world().await;
    let points = w.app.price_history("bitcoin", None, 30).await.unwrap();
    assert!(points.len() >= 700, "{} points", points.len());
    assert_eq!(points.last().unwrap().1.to_string(), "67187.3358936566");
    w.app.price_history("bitcoin", None, 30).await.unwrap();
    assert_eq!(w.fake.calls_to("/coins/bitcoin/market_chart"), 1);
    let error = w.app.price_history("bitcoin", None, 400).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::CoingeckoSetup);
    assert!(error.to_string().contains("365 days"), "{error}");
}

#[tokio::test]
async fn a_sync_cycle_stores_rates_and_a_snapshot_and_counts_the_budget() {
    let w = world().await;
    hold(&w.app, "solana", "3").await;
    let report = w.app.sync_cycle().await.unwrap();
    assert_eq!(report.total.to_string(), "517.35");
    assert_eq!(report.calls, 3); // prices + the day's catalog (list and ranks)
    assert!(report.next_interval >= Duration::from_secs(300));
    let store = w.app.store().await.unwrap();
    let snapshots: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT at, currency, total FROM snapshots")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(snapshots, [(START, "usd".to_owned(), "517.35".to_owned())]);
    let used: i64 = sqlx::query_scalar("SELECT calls FROM api_usage WHERE month = '2026-11'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(used, 3);
    w.clock.set(START + 600);
    let second = w.app.sync_cycle().await.unwrap();
    assert_eq!(
        second.calls, 0,
        "prices still inside the freshness cache on a fixed clock"
    );
}

#[tokio::test]
async fn net_worth_history_is_thinned_exact_and_in_the_base_currency() {
    let w = world().await;
    let store = w.app.store().await.unwrap();
    // Ten days of 5-minute snapshots (2,880), plus one in another currency.
    for i in 0..2_880_i64 {
        sqlx::query("INSERT INTO snapshots (at, currency, total) VALUES (?, 'usd', ?)")
            .bind(START - 864_000 + i * 300)
            .bind(format!("1000.{i:04}00000000001"))
            .execute(store.pool())
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO snapshots (at, currency, total) VALUES (?, 'eur', '1')")
        .bind(START - 100)
        .execute(store.pool())
        .await
        .unwrap();

    let all = w.app.net_worth_history(0).await.unwrap();
    assert!(
        (700..=721).contains(&all.len()),
        "{} points for ten days",
        all.len()
    );
    assert!(all.windows(2).all(|pair| pair[0].at < pair[1].at));
    let newest = all.last().unwrap();
    assert_eq!(newest.at.seconds(), START - 864_000 + 2_879 * 300);
    assert_eq!(newest.total.to_string(), "1000.287900000000001");

    let last_day = w.app.net_worth_history(START - 86_400).await.unwrap();
    assert!(last_day.iter().all(|p| p.at.seconds() >= START - 86_400));
    assert_eq!(last_day.len(), 288, "a day of snapshots needs no thinning");
    assert_eq!(w.app.net_worth_history(START + 1).await.unwrap(), []);
}

// Issue 17: hostile or broken servers get nowhere.

#[tokio::test]
async fn a_huge_body_is_refused_as_it_streams_in() {
    let w = world().await;
    hold(&w.app, "bitcoin", "1").await;
    w.fake.inject(
        Failure::HugeBody {
            bytes: 40 * 1024 * 1024,
        },
        1,
        Some("/simple/price"),
    );
    let error = api_error(w.app.refresh_rates().await.expect_err("refused"));
    assert_eq!(error, ApiError::TooLarge(32 * 1024 * 1024));
    assert_eq!(error.retry_policy(), RetryPolicy::Backoff);
}

#[tokio::test]
async fn retry_after_is_capped_at_an_hour_in_both_forms() {
    let w = world().await;
    hold(&w.app, "bitcoin", "1").await;
    for (failure, at_most) in [
        (
            Failure::RateLimited {
                retry_after: 99_999_999,
            },
            3_600,
        ),
        (
            Failure::RateLimited {
                retry_after: u64::MAX,
            },
            3_600,
        ),
        (
            Failure::RateLimitedUntil {
                seconds: 365 * 86_400,
            },
            3_600,
        ),
        (Failure::RateLimitedUntil { seconds: 120 }, 120),
    ] {
        w.fake.inject(failure.clone(), 1, Some("/simple/price"));
        let error = api_error(w.app.refresh_rates().await.expect_err("limited"));
        let RetryPolicy::After(wait) = error.retry_policy() else {
            panic!("{failure:?}: {error:?}");
        };
        assert!(wait.as_secs() <= at_most, "{failure:?} waits {wait:?}");
        assert!(wait.as_secs() + 5 >= at_most, "{failure:?} waits {wait:?}");
    }
}

#[tokio::test]
async fn zero_negative_and_absurd_prices_are_no_price_and_fire_nothing() {
    use crypto_balance_core::alerts::{AlertKind, NewAlert};
    let w = world().await;
    for coin in ["bitcoin", "ethereum", "solana"] {
        hold(&w.app, coin, "1").await;
    }
    w.app
        .add_alert(NewAlert::new(
            AlertKind::PriceBelow,
            Some("bitcoin"),
            "1000".parse().unwrap(),
        ))
        .await
        .expect("rule");
    w.fake.set_price("bitcoin", "usd", "0");
    w.fake.set_price("ethereum", "usd", "-5");
    w.fake.set_price("solana", "usd", "1e30");
    let report = w.app.sync_cycle().await.expect("a cycle");
    let mut missing = report.missing.clone();
    missing.sort();
    assert_eq!(missing, ["bitcoin", "ethereum", "solana"]);
    assert!(
        report.alerts_fired.is_empty(),
        "a zero price fired an alert"
    );
    let valuation = w.app.valuation(None).await.expect("values");
    assert_eq!(valuation.total.to_string(), "0");
    assert_eq!(valuation.missing_prices.len(), 3);
}

#[tokio::test]
async fn a_redirect_off_the_host_is_not_followed_and_the_key_stays_home() {
    let keys = Keys {
        demo: vec!["CG-demo-key".into()],
        pro: Vec::new(),
    };
    let config = FakeConfig {
        host: Host::Public,
        keys,
        ..FakeConfig::default()
    };
    let w = world_with(config, |fake| CoinGeckoOverrides {
        plan: Some(Plan::Demo),
        api_key: ApiKey::new("CG-demo-key"),
        ..overrides(fake)
    })
    .await;
    hold(&w.app, "bitcoin", "1").await;
    let elsewhere = FakeCoinGecko::start_default().await.expect("second server");
    w.fake.inject(
        Failure::Redirect {
            to: format!(
                "{}/simple/price?ids=bitcoin&vs_currencies=usd",
                elsewhere.base_url()
            ),
        },
        1,
        Some("/simple/price"),
    );
    let error = api_error(w.app.refresh_rates().await.expect_err("not followed"));
    assert!(matches!(error, ApiError::Redirected(_)), "{error:?}");
    assert!(
        elsewhere.requests().is_empty(),
        "the second server was asked: {:?}",
        elsewhere.requests()
    );
    // The next refresh, without the redirect, works as before.
    w.app.refresh_rates().await.expect("refreshes");
}
