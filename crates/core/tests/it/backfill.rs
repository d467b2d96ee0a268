//! Backfill against `coingecko-fake` on 127.0.0.1 (which refuses public-plan ranges older than
//! 365 days with error 10012, and also plays DefiLlama): one call per coin within the plan's
//! reach, older days from DefiLlama, nothing again once stored, and days no source gives left as
//! listed gaps that the daily history shows as gaps, not zeros.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use coingecko_fake::{Failure, FakeCoinGecko, FakeConfig};
use crypto_balance_core::app::HistoryQuery;
use crypto_balance_core::clock::{iso8601, FixedClock};
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::settings::RatesSettingsChange;
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::App;

use crate::support::{write, TestApp};

const DAY: i64 = 86_400;

async fn fake_and_dir() -> (FakeCoinGecko, tempfile::TempDir) {
    let fake = FakeCoinGecko::start(FakeConfig::default(), 0)
        .await
        .expect("fake starts");
    (fake, tempfile::tempdir().expect("temp dir"))
}

/// A vault (real time: the fake checks ranges against it) holding bitcoin since two years ago
/// and ethereum since 30 days ago, DefiLlama not asked.
async fn two_coins(fake: &FakeCoinGecko, dir: &std::path::Path) -> (App, i64) {
    two_coins_with(fake, dir, None).await
}

async fn two_coins_with(
    fake: &FakeCoinGecko,
    dir: &std::path::Path,
    defillama_url: Option<String>,
) -> (App, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("time");
    let app = TestApp::new()
        .clock(Arc::new(FixedClock::at(now)))
        .coingecko(CoinGeckoOverrides {
            base_url: Some(fake.base_url()),
            timeout: Some(Duration::from_secs(5)),
            defillama_url,
            ..CoinGeckoOverrides::default()
        })
        .create(dir)
        .await;
    let rows = format!(
        "time,account,coin,amount,kind,price,price_currency,note,id\n\
         {},Kraken,bitcoin,1,buy,20000,usd,,b1\n\
         {},Kraken,ethereum,2,buy,3000,usd,,e1\n",
        iso8601(now - 2 * 365 * DAY),
        iso8601(now - 30 * DAY),
    );
    let file = write(dir, "rows.csv", rows.as_bytes());
    app.import(&file, &ImportOptions::default()).await.unwrap();
    (app, now)
}

#[tokio::test]
async fn backfill_fills_the_plans_year_once_and_lists_older_days_as_gaps() {
    let (fake, dir) = fake_and_dir().await;
    let (app, now) = two_coins(&fake, dir.path()).await;

    let heard = Mutex::new(Vec::new());
    let report = app
        .backfill(|p| heard.lock().unwrap().push(p.clone()))
        .await
        .unwrap();
    assert_eq!(report.coins, 2);
    assert_eq!(
        report.calls, 2,
        "one call per coin: each fits in one 365-day range"
    );
    assert!(report.points >= 365 + 30, "{report:?}");
    assert_eq!(report.gaps.len(), 1, "{:?}", report.gaps);
    assert_eq!(report.gaps[0].coin_label, "Bitcoin (BTC)");
    assert!(
        report.gaps[0].reason.contains("365 days"),
        "{:?}",
        report.gaps
    );
    let heard = heard.into_inner().unwrap();
    assert_eq!(heard.len(), 2);
    assert!(heard
        .iter()
        .all(|p| p.calls_per_minute == 5 && p.calls <= 2));

    let again = app.backfill(|_| {}).await.unwrap();
    assert_eq!(again.calls, 0, "stored days are never fetched again");

    let days = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert_eq!(
        days[0].day.seconds(),
        (now - 2 * 365 * DAY).div_euclid(DAY) * DAY
    );
    assert_eq!(
        days[0].value, None,
        "beyond the plan's reach: a gap, not zero"
    );
    let recent = &days[days.len() - 10];
    assert!(recent.value.is_some(), "{recent:?}");
    assert_eq!(recent.invested.to_string(), "26000");
}

#[tokio::test]
async fn the_sync_loop_backfills_within_its_share_of_the_plan() {
    let (fake, dir) = fake_and_dir().await;
    let (app, _) = two_coins(&fake, dir.path()).await;
    // The public plan allows 5 calls a minute: the loop's share is 2 a cycle, enough for both.
    crypto_balance_core::sync::run_app_cycle(&app)
        .await
        .expect("cycle");
    let left = app.backfill(|_| {}).await.unwrap();
    assert_eq!(left.calls, 0, "the cycle fetched what the plan reaches");
    let days = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert!(days[days.len() - 100].value.is_some());
}

/// The loop's step and "Fetch past prices" at once on a vault of two coins, the step started
/// first or second; bitcoin's range answers slowly, so the first is still fetching when the
/// second starts. Returns the step's calls, the backfill's, and the range calls bitcoin's days
/// cost.
async fn both_at_once(step_first: bool) -> ((u32, u32), u32, usize) {
    let (fake, dir) = fake_and_dir().await;
    let (app, _) = two_coins(&fake, dir.path()).await;
    let range = "/coins/bitcoin/market_chart/range";
    fake.inject(Failure::Slow { millis: 300 }, 2, Some(range));
    let (step, asked) = if step_first {
        tokio::join!(app.backfill_step(), app.backfill(|_| {}))
    } else {
        let (asked, step) = tokio::join!(app.backfill(|_| {}), app.backfill_step());
        (step, asked)
    };
    let asked = asked.expect("the backfill asked for").calls;
    (step.expect("the loop's step"), asked, fake.calls_to(range))
}

#[tokio::test]
async fn fetch_past_prices_during_the_loops_step_waits_and_asks_for_nothing_again() {
    let (step, asked, bitcoin_calls) = both_at_once(true).await;
    assert_eq!(step, (2, 0));
    assert_eq!(asked, 0, "the step stored it all");
    assert_eq!(bitcoin_calls, 1);
}

#[tokio::test]
async fn the_loops_step_skips_while_past_prices_are_being_fetched() {
    let (step, asked, bitcoin_calls) = both_at_once(false).await;
    assert_eq!(step, (0, 0));
    assert_eq!(asked, 2);
    assert_eq!(bitcoin_calls, 1);
}

#[tokio::test]
async fn days_older_than_the_plan_come_from_defillama_once() {
    let (fake, dir) = fake_and_dir().await;
    let (app, now) = two_coins_with(&fake, dir.path(), Some(fake.llama_url())).await;

    let report = app.backfill(|_| {}).await.unwrap();
    assert_eq!(report.gaps, vec![], "{report:?}");
    assert_eq!(
        report.calls, 2,
        "CoinGecko: one call per coin for the plan's year"
    );
    // Bitcoin's first day is 730 days back; the plan reaches 365: 366 older days, two calls.
    assert_eq!(report.older_calls, 2, "{report:?}");
    let llama: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/llama/"))
        .collect();
    assert_eq!(llama.len(), 2);
    assert!(llama
        .iter()
        .all(|r| r.path == "/llama/chart/coingecko:bitcoin" && r.status == 200));

    let days = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert_eq!(
        days[0].day.seconds(),
        (now - 2 * 365 * DAY).div_euclid(DAY) * DAY
    );
    let gaps: Vec<_> = days.iter().filter(|d| d.value.is_none()).collect();
    assert_eq!(gaps, Vec::<&_>::new(), "every day has a price");

    let again = app.backfill(|_| {}).await.unwrap();
    assert_eq!((again.calls, again.older_calls), (0, 0), "{again:?}");
}

#[tokio::test]
async fn a_defillama_failure_is_a_listed_gap_that_the_next_backfill_fills() {
    let (fake, dir) = fake_and_dir().await;
    let (app, _) = two_coins_with(&fake, dir.path(), Some(fake.llama_url())).await;
    fake.inject(
        Failure::RateLimited { retry_after: 1 },
        1,
        Some("/llama/chart"),
    );
    fake.inject(Failure::MalformedJson, 1, Some("/llama/chart"));

    let report = app.backfill(|_| {}).await.unwrap();
    assert_eq!(report.gaps.len(), 2, "{:?}", report.gaps);
    assert!(
        report.gaps[0].reason.contains("DefiLlama's rate limit"),
        "{:?}",
        report.gaps
    );
    assert!(
        report.gaps[1].reason.contains("cannot read"),
        "{:?}",
        report.gaps
    );
    assert!(report.gaps.iter().all(|g| g.coin_label == "Bitcoin (BTC)"));
    let days = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert_eq!(days[0].value, None, "a gap, not zero");

    let again = app.backfill(|_| {}).await.unwrap();
    assert_eq!((again.older_calls, again.gaps.len()), (2, 0), "{again:?}");
    let days = app.daily_history(&HistoryQuery::default()).await.unwrap();
    assert!(days.iter().all(|d| d.value.is_some()));
}

#[tokio::test]
async fn defillama_is_not_asked_in_another_currency_and_says_why() {
    let (fake, dir) = fake_and_dir().await;
    let (app, _) = two_coins_with(&fake, dir.path(), Some(fake.llama_url())).await;
    let change = RatesSettingsChange {
        base_currency: Some("eur".into()),
        ..RatesSettingsChange::default()
    };
    app.update_rates_settings(&change).await.unwrap();

    let report = app.backfill(|_| {}).await.unwrap();
    assert_eq!(report.older_calls, 0);
    assert_eq!(report.gaps.len(), 1, "{:?}", report.gaps);
    assert!(
        report.gaps[0].reason.contains("US dollars only") && report.gaps[0].reason.contains("EUR"),
        "{:?}",
        report.gaps
    );
    assert_eq!(fake.calls_to("/llama/chart/coingecko:bitcoin"), 0);
}

#[tokio::test]
async fn defillama_turned_off_in_the_settings_is_not_asked() {
    let (fake, dir) = fake_and_dir().await;
    let (app, _) = two_coins_with(&fake, dir.path(), Some(fake.llama_url())).await;
    let off = RatesSettingsChange {
        older_prices: Some(false),
        ..RatesSettingsChange::default()
    };
    app.update_rates_settings(&off).await.unwrap();
    assert!(!app.rates_settings().await.unwrap().older_prices);

    let report = app.backfill(|_| {}).await.unwrap();
    assert_eq!((report.calls, report.older_calls), (2, 0));
    assert_eq!(report.gaps.len(), 1, "{:?}", report.gaps);
    assert!(
        report.gaps[0].reason.contains("turned off in the settings"),
        "{:?}",
        report.gaps
    );
    assert_eq!(fake.calls_to("/llama/chart/coingecko:bitcoin"), 0);
}
