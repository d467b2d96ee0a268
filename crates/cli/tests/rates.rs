//! `sync --once`, `rates`, `value`, `override`, `settings`, `daemon` and `wallets` as a user runs
//! them, against `coingecko-fake` and `chain-fake` on 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use coingecko_fake::{Failure, FakeCoinGecko};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// A command line split at its spaces: long argument lists read as typed rather than a word a line.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

const PASSPHRASE: &str = "a long enough passphrase";

struct Setup {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    fake: FakeCoinGecko,
    esplora: chain_fake::FakeEsplora,
    solana: chain_fake::FakeSolana,
    base: chain_fake::FakeEvm,
}

fn command(setup: &Setup, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crypto-balance"));
    command
        .args(args)
        .env("CRYPTO_BALANCE_DATA_DIR", &setup.dir)
        .env("CRYPTO_BALANCE_PASSPHRASE", PASSPHRASE)
        .env("CRYPTO_BALANCE_KEYCHAIN", "off")
        .env("CRYPTO_BALANCE_COINGECKO_URL", setup.fake.base_url())
        .env("CRYPTO_BALANCE_ESPLORA_URL", setup.esplora.url())
        .env("CRYPTO_BALANCE_SOLANA_RPC", setup.solana.url())
        .env("CRYPTO_BALANCE_RPC_BASE", setup.base.url())
        .env("LC_ALL", "en_US.UTF-8")
        .env_remove("CRYPTO_BALANCE_COINGECKO_PLAN")
        .env_remove("CRYPTO_BALANCE_COINGECKO_KEY");
    command
}

async fn run(setup: &Setup, args: &[&str]) -> Output {
    let mut command = command(setup, args);
    tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("joins")
}

async fn ok(setup: &Setup, args: &[&str]) -> String {
    let out = run(setup, args).await;
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn json(setup: &Setup, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(setup, &all).await).expect("JSON output")
}

/// A running `daemon --json`, read a JSON event at a time.
struct Daemon {
    child: tokio::process::Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Daemon {
    fn start(command: Command) -> Self {
        let mut child = tokio::process::Command::from(command)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("daemon starts");
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines }
    }

    /// The next event it prints, within 20 s.
    async fn next_event(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .expect("output within 20 s")
            .unwrap()
            .expect("a line");
        serde_json::from_str(&line).expect("one JSON object per line")
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGTERM, then how it exited (within 20 s).
    async fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("running").to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("stops within 20 s")
            .unwrap()
    }
}

async fn setup() -> Setup {
    let fake = FakeCoinGecko::start_default().await.expect("fake starts");
    let temp = tempfile::tempdir().expect("temp dir");
    let setup = Setup {
        dir: temp.path().join("data"),
        _temp: temp,
        fake,
        esplora: chain_fake::FakeEsplora::start().await.expect("fake starts"),
        solana: chain_fake::FakeSolana::start().await.expect("fake starts"),
        base: chain_fake::FakeEvm::start(8453).await.expect("fake starts"),
    };
    ok(&setup, &["init"]).await;
    setup
}

fn files_contain(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .any(|entry| {
            std::fs::read(entry.path())
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_value_and_rates_are_exact() {
    let s = setup().await;
    s.fake.set_price("pepe", "usd", "8.69e-05");
    ok(
        &s,
        &["holdings", "add", "--coin", "pepe", "--amount", "0.1"],
    )
    .await;
    ok(
        &s,
        &words("holdings add --coin pepe --amount 0.2 --account Kraken"),
    )
    .await;
    ok(
        &s,
        &["holdings", "add", "--coin", "01coin", "--amount", "5"],
    )
    .await;

    let synced = json(&s, &["sync", "--once"]).await;
    assert_eq!(synced["updated"], 1);
    assert_eq!(synced["missing"], serde_json::json!(["01coin"]));
    assert!(synced["calls"].as_u64().unwrap() >= 1);
    assert_eq!(s.fake.calls_to("/simple/price"), 1);

    let value = json(&s, &["value"]).await;
    assert_eq!(value["currency"], "usd");
    assert_eq!(value["total"], "0.00002607");
    assert_eq!(value["missing_prices"], serde_json::json!(["01coin"]));
    let pepe = value["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["account"] == "Kraken")
        .unwrap();
    assert_eq!(
        (pepe["coin"].as_str(), pepe["price"].as_str()),
        (Some("pepe"), Some("0.0000869"))
    );
    assert_eq!(pepe["value"], "0.00001738");
    assert!(pepe["price_age_seconds"].as_i64().unwrap() >= 0);
    assert!(value["as_of"].is_i64());

    let rates = json(&s, &["rates", "pepe", "zoc"]).await;
    assert_eq!(rates[0]["price"], "0.0000869");
    assert!(rates[1]["price"].is_null());

    // Tables name coins (ids stay in --json) and write numbers in the one number format.
    let text = ok(&s, &["value"]).await;
    assert!(text.contains("TOTAL 0.00002607 USD"), "{text}");
    assert!(text.contains("No USD price for: 01coin (ZOC)"), "{text}");
    assert!(text.contains("Pepe (PEPE)"), "{text}");
    ok(
        &s,
        &["holdings", "add", "--coin", "btc", "--amount", "1234.5"],
    )
    .await;
    let mut german = command(&s, &["holdings", "list"]);
    german.env("LC_ALL", "de_DE.UTF-8");
    let out = tokio::task::spawn_blocking(move || german.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let bitcoin = text
        .lines()
        .find(|l| l.contains("Bitcoin (BTC)"))
        .unwrap_or_default();
    assert!(bitcoin.contains("1.234,5"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overrides_win_and_failures_exit_1_with_one_line() {
    let s = setup().await;
    ok(&s, &["holdings", "add", "--coin", "btc", "--amount", "2"]).await;
    ok(&s, &["override", "btc", "100.5"]).await;
    json(&s, &["sync", "--once"]).await;
    assert_eq!(json(&s, &["value"]).await["total"], "201");
    ok(&s, &["override", "btc", "--clear"]).await;
    assert_eq!(json(&s, &["value"]).await["total"], "134374.6717873132");

    s.fake.inject(
        Failure::RateLimited { retry_after: 53 },
        1,
        Some("/simple/price"),
    );
    // A new process has an empty freshness cache, so it asks CoinGecko again.
    let out = run(&s, &["sync", "--once"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("rate limit") && stderr.contains("53 s"),
        "{stderr}"
    );
    let out = run(&s, &["value", "--currency", "doubloons"]).await;
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_keep_the_key_encrypted_and_plans_are_explained() {
    let s = setup().await;
    let shown = json(&s, &["settings"]).await;
    assert_eq!(shown["plan"], "public");
    assert_eq!(shown["base_currency"], "usd");
    let key_file = s.dir.with_extension("key");
    std::fs::write(&key_file, "CG-SecretKeyZQX123\n").unwrap();
    let shown = json(
        &s,
        &[
            "settings",
            "--plan",
            "pro",
            "--api-key-file",
            key_file.to_str().unwrap(),
            "--base-currency",
            "EUR",
        ],
    )
    .await;
    assert_eq!(
        (shown["plan"].as_str(), shown["has_api_key"].as_bool()),
        (Some("pro"), Some(true))
    );
    assert_eq!(shown["base_currency"], "eur");
    assert!(
        !files_contain(&s.dir, "CG-SecretKeyZQX123"),
        "the key is stored encrypted"
    );

    // The public fake refuses a key it does not know; the message says what to check.
    ok(&s, &["holdings", "add", "--coin", "eth", "--amount", "1"]).await;
    let out = run(&s, &["sync", "--once"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("API key"), "{stderr}");
    assert!(!stderr.contains("CG-SecretKeyZQX123"));

    let out = run(&s, &["settings", "--refresh-interval", "5"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 30 and 86400"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_prints_updates_holds_the_lock_and_stops_on_sigterm() {
    let s = setup().await;
    ok(
        &s,
        &["holdings", "add", "--coin", "solana", "--amount", "3"],
    )
    .await;
    let mut daemon = Daemon::start(command(&s, &["--json", "daemon"]));
    let event = daemon.next_event().await;
    assert_eq!(event["event"], "rates_updated");
    assert_eq!(event["total"], "517.35");

    // Only one loop per data folder.
    let out = run(&s, &["sync", "--once"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already being refreshed"));

    let status = daemon.stop().await;
    assert!(status.success(), "{status:?}");
    // The lock is free again.
    json(&s, &["sync", "--once"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_are_added_listed_refused_and_removed() {
    let s = setup().await;
    let added = json(
        &s,
        &words("alerts add --coin btc --above 70000 --note sell"),
    )
    .await;
    assert_eq!(
        (added["kind"].as_str(), added["coin"].as_str()),
        (Some("price_above"), Some("bitcoin"))
    );
    json(
        &s,
        &words("alerts add --coin eth --change-24h 5 --direction down --once"),
    )
    .await;
    json(
        &s,
        &words("alerts add --portfolio-below 1000 --currency eur"),
    )
    .await;
    let list = json(&s, &["alerts", "list"]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert_eq!(list[1]["kind"], "change_down");
    assert_eq!(list[1]["repeating"], false);

    for (args, expected) in [
        (
            vec!["alerts", "add", "--coin", "nosuchcoin", "--above", "1"],
            "unknown coin",
        ),
        (
            vec!["alerts", "add", "--coin", "btc", "--above=-5"],
            "greater than zero",
        ),
        (
            vec!["alerts", "add", "--coin", "btc", "--change-24h", "2000"],
            "between 0 and 1000",
        ),
        (
            vec!["alerts", "add", "--coin", "btc", "--above", "70000"],
            "exists already",
        ),
    ] {
        let out = run(&s, &args).await;
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let out = run(&s, &["alerts", "add", "--coin", "btc"]).await;
    assert_eq!(out.status.code(), Some(2), "a level is required");
    assert_eq!(
        json(&s, &["alerts", "list"]).await.as_array().map(Vec::len),
        Some(3)
    );

    ok(&s, &["alerts", "pause", "1"]).await;
    assert_eq!(json(&s, &["alerts", "list"]).await[0]["paused"], true);
    ok(&s, &["alerts", "snooze", "2", "90"]).await;
    assert!(json(&s, &["alerts", "list"]).await[1]["snoozed_until"].is_i64());
    assert!(ok(&s, &["alerts", "list"]).await.contains("snoozed"));
    ok(&s, &["alerts", "remove", "1"]).await;
    assert_eq!(
        json(&s, &["alerts", "list"]).await.as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        run(&s, &["alerts", "remove", "1"]).await.status.code(),
        Some(1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_reports_fired_alerts_and_the_daemon_runs_the_notify_command() {
    let s = setup().await;
    json(&s, &["alerts", "add", "--coin", "btc", "--above", "70000"]).await;
    let first = json(&s, &["sync", "--once"]).await;
    assert_eq!(first["alerts_fired"], serde_json::json!([]));
    s.fake.set_price("bitcoin", "usd", "70500.25");
    let second = json(&s, &["sync", "--once"]).await;
    let fired = &second["alerts_fired"][0];
    assert_eq!(
        (fired["alert_id"].as_i64(), fired["coin"].as_str()),
        (Some(1), Some("bitcoin"))
    );
    assert_eq!(fired["price"], "70500.25");
    assert!(fired["at"].as_str().unwrap().ends_with('Z'));

    // A second rule, armed by one sync, fires in the daemon's first cycle.
    json(&s, &["alerts", "add", "--coin", "eth", "--below", "3000"]).await;
    json(&s, &["sync", "--once"]).await;
    s.fake.set_price("ethereum", "usd", "2999.5");
    let hook_file = s.dir.with_extension("hook");
    let env_file = s.dir.with_extension("env");
    let hook = format!(
        "printf '%s|%s|%s|%s|%s\\n' \"$CRYPTO_BALANCE_ALERT_ID\" \"$CRYPTO_BALANCE_ALERT_COIN\" \"$CRYPTO_BALANCE_ALERT_PRICE\" \"$CRYPTO_BALANCE_ALERT_KIND\" \"$CRYPTO_BALANCE_ALERT_LEVEL\" >> '{0}'; env > '{1}.part' && mv '{1}.part' '{1}'",
        hook_file.display(),
        env_file.display()
    );
    let mut with_secrets = command(&s, &["--json", "daemon", "--notify-command", &hook]);
    with_secrets.env(
        "CRYPTO_BALANCE_COINGECKO_KEY",
        "CG-secret-key-in-the-environment",
    );
    let mut daemon = Daemon::start(with_secrets);
    let event = loop {
        let event = daemon.next_event().await;
        if event["event"] == "alert_fired" {
            break event;
        }
    };
    assert_eq!(
        (event["alert_id"].as_i64(), event["price"].as_str()),
        (Some(2), Some("2999.5"))
    );
    // The hook runs in its own process after the event is printed: give it up to 20 s on a
    // loaded machine. It moves its environment into place last, so the loop ends once both are
    // whole.
    let mut hooked = String::new();
    for _ in 0..200 {
        hooked = std::fs::read_to_string(&hook_file).unwrap_or_default();
        if env_file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(hooked, "2|ethereum|2999.5|price_below|3000\n");
    // The command gets the alert, never our secrets.
    let env = std::fs::read_to_string(&env_file).unwrap_or_default();
    assert!(env.contains("CRYPTO_BALANCE_ALERT_COIN=ethereum"), "{env}");
    for secret in [
        PASSPHRASE,
        "CG-secret-key",
        "CRYPTO_BALANCE_PASSPHRASE",
        "CRYPTO_BALANCE_DATA_DIR",
    ] {
        assert!(!env.contains(secret), "the notify command saw {secret}");
    }
    daemon.stop().await;
    let history = json(&s, &["alerts", "history"]).await;
    assert_eq!(history.as_array().map(Vec::len), Some(2));
}

/// Issue 17: 10^16 bitcoin at 10^11 made `value` panic, and a larger figure inside the loop
/// ended it while the daemon kept running. Now the first is valued exactly, the second is a
/// clear failure the daemon reports and lives through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extreme_values_are_valued_or_named_never_a_panic() {
    let s = setup().await;
    ok(
        &s,
        &words("holdings add --coin bitcoin --amount 10000000000000000"),
    )
    .await;
    ok(&s, &["override", "bitcoin", "100000000000"]).await;
    let value = json(&s, &["value"]).await;
    assert_eq!(value["total"], "1000000000000000000000000000");

    // Beyond 28 digits: a typed error naming the holding, from `value` and inside the daemon.
    ok(
        &s,
        &words("holdings set --coin bitcoin --amount 1000000000000000000"),
    )
    .await;
    ok(&s, &["override", "bitcoin", "1000000000000000"]).await;
    let out = run(&s, &["value"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the value of bitcoin in Manual is too large"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let mut daemon = Daemon::start(command(&s, &["--json", "daemon"]));
    let event = daemon.next_event().await;
    assert_eq!(event["event"], "sync_failed", "{event}");
    assert_eq!(event["code"], "out_of_range", "{event}");
    assert!(daemon.is_running(), "the daemon lives on");
    let status = daemon.stop().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_fresh_vault_adds_a_coin_it_has_not_downloaded_yet_and_says_so() {
    let setup = setup().await;
    setup.fake.add_coin(coingecko_fake::Coin::new(
        "nexa",
        "nexa",
        "Nexa",
        Some(400),
        Some("0.0000052"),
    ));
    let out = run(
        &setup,
        &["holdings", "add", "--coin", "nexa", "--amount", "1000"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Looked up 'nexa' on CoinGecko"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nexa in Manual is now 1000"));
    let added = json(
        &setup,
        &["holdings", "add", "--coin", "nexa", "--amount", "1"],
    )
    .await;
    assert_eq!(added["looked_up"], false, "{added}");
}

/// One HTTP/1.1 request on a fresh connection: the status line's code and the body.
async fn http(addr: &str, method: &str, path: &str, token: Option<&str>) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("reads");
    let code = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (code, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_serves_the_api_to_a_token_until_revoked() {
    let s = setup().await;
    ok(
        &s,
        &["holdings", "add", "--coin", "solana", "--amount", "3"],
    )
    .await;
    let made = json(
        &s,
        &["api", "token", "create", "--name", "ha", "--read-only"],
    )
    .await;
    let token = made["token"]
        .as_str()
        .expect("the token, shown once")
        .to_owned();
    assert!(token.starts_with("cb_"));
    assert_eq!(made["scope"], "read");
    let listed = json(&s, &["api", "token", "list"]).await;
    assert_eq!(listed[0]["name"], "ha");
    assert!(!listed.to_string().contains(&token), "never listed again");

    // Beyond loopback only on request.
    let out = run(&s, &["daemon", "--api", "--listen", "0.0.0.0:0"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));

    let mut daemon = Daemon::start(command(
        &s,
        &["--json", "daemon", "--api", "--listen", "127.0.0.1:0"],
    ));
    let url = loop {
        let event = daemon.next_event().await;
        if event["event"] == "api_listening" {
            break event["url"].as_str().expect("a URL").to_owned();
        }
    };
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_owned();
    let (code, body) = http(&addr, "GET", "/api/v1/holdings", Some(&token)).await;
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("\"coin\":\"solana\""), "{body}");
    let (code, body) = http(&addr, "POST", "/api/v1/refresh", Some(&token)).await;
    assert_eq!(code, 403, "{body}");
    let (code, _) = http(&addr, "GET", "/api/v1/holdings", None).await;
    assert_eq!(code, 401);

    ok(&s, &["api", "token", "revoke", "ha"]).await;
    let (code, _) = http(&addr, "GET", "/api/v1/holdings", Some(&token)).await;
    assert_eq!(code, 401, "revoked at once, while the daemon runs");
    let status = daemon.stop().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_channels_are_set_tested_and_logged() {
    let s = setup().await;
    let receivers = notify_fake::Receivers::start("unset").await.unwrap();
    let set = json(
        &s,
        &[
            "alerts",
            "channels",
            "--ntfy",
            &receivers.ntfy_url("phone"),
            "--webhook",
            &receivers.webhook_url(),
            "--privacy",
            "on",
        ],
    )
    .await;
    let secret = set["webhook_secret"]
        .as_str()
        .expect("shown once")
        .to_owned();
    assert_eq!(secret.len(), 64);
    assert_eq!(set["privacy"], true);
    receivers.set_webhook_secret(&secret);
    let shown = json(&s, &["alerts", "channels"]).await;
    assert!(
        shown.get("webhook_secret").is_none(),
        "not shown again: {shown}"
    );

    let log = json(&s, &["alerts", "channels", "--test"]).await;
    assert_eq!(log.as_array().map(Vec::len), Some(2), "{log}");
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["outcome"] == "sent"));
    assert_eq!(receivers.ntfy_messages().len(), 1);
    assert!(receivers.webhook_calls()[0].signature_valid);
    let history = json(&s, &["alerts", "history", "--deliveries"]).await;
    assert_eq!(history, log);
    // Who saw what: the test message, to both channels.
    let seen = json(&s, &["privacy", "log"]).await;
    let providers: Vec<_> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provider"].clone())
        .collect();
    assert!(providers.contains(&serde_json::json!("ntfy")), "{seen}");
    assert!(providers.contains(&serde_json::json!("webhook")), "{seen}");
    let text = ok(&s, &["alerts", "history", "--deliveries"]).await;
    assert!(text.contains("webhook") && text.contains("sent"), "{text}");

    let rule = json(
        &s,
        &words("alerts add --coin btc --above 1000000 --channels webhook"),
    )
    .await;
    assert_eq!(rule["channels"], serde_json::json!(["webhook"]));
    let out = run(&s, &words("alerts add --coin btc --above 5 --channels sms")).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("'sms' is not a channel"));

    let out = run(&s, &["alerts", "channels", "--ntfy", "not a url"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http://"));
}

/// BIP-84's account-0 zpub; its first receive address is bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu,
/// whose script is `0014` followed by its witness program.
const ZPUB: &str = "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
const FIRST_SCRIPT: &str = "0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_is_added_scanned_valued_logged_and_removed() {
    let setup = setup().await;
    setup.esplora.pay(FIRST_SCRIPT, 150_000_000, Some(799_000));

    // A seed phrase is refused, named as what it is, and never echoed.
    let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    let refused = run(&setup, &["--json", "wallets", "add", "bitcoin", phrase]).await;
    assert!(!refused.status.success());
    let report: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(report["code"], "secret_refused");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("recovery phrase"), "{stderr}");
    assert!(!stderr.contains("abandon"), "{stderr}");

    let added = json(
        &setup,
        &["wallets", "add", "bitcoin", ZPUB, "--name", "Cold"],
    )
    .await;
    assert_eq!(
        added["wallet"]["first_address"],
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    );
    assert_eq!(added["scans"][0]["coins"][0]["coin"], "bitcoin");
    assert_eq!(added["scans"][0]["coins"][0]["amount"], "1.5");
    assert_eq!(added["scans"][0]["height"], 800_000);

    let scanned = json(&setup, &["wallets", "scan"]).await;
    assert_eq!(scanned[0]["wallet"], "Cold");
    assert_eq!(scanned[0]["changes"]["added"], 0, "a re-scan adds nothing");
    assert_eq!(
        scanned[0]["requests"],
        21 + 20 + 1,
        "receive 0..=20, change 0..=19, the tip"
    );
    let listed = json(&setup, &["wallets", "list"]).await;
    assert_eq!(listed[0]["scanned_height"], 800_000);

    // Valued with the fake's prices like any other holding.
    ok(&setup, &["sync", "--once"]).await;
    let value = json(&setup, &["value"]).await;
    assert!(value["total"].as_str().is_some_and(|t| t != "0"), "{value}");

    let log = json(&setup, &["privacy", "log", "--limit", "1000"]).await;
    let esplora: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["provider"] == "esplora")
        .collect();
    assert_eq!(esplora.len(), setup.esplora.requests().len());
    assert!(esplora.iter().any(|r| r["asked"]
        .as_str()
        .unwrap()
        .contains("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu of wallet 'Cold'")));

    let server = json(&setup, &["wallets", "server", "http://127.0.0.1:3002/"]).await;
    assert_eq!(server["esplora_url"], "http://127.0.0.1:3002");
    let server = json(&setup, &["wallets", "server", "--public"]).await;
    assert_eq!(server["esplora_url"], Value::Null);

    // A Solana address: its SOL balance, as of the slot the server answered at.
    let address = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    setup.solana.set_balance(address, 3_000_000_000);
    let added = json(
        &setup,
        &["wallets", "add", "solana", address, "--name", "Phantom"],
    )
    .await;
    assert_eq!(added["scans"][0]["coins"][0]["coin"], "solana");
    assert_eq!(added["scans"][0]["coins"][0]["amount"], "3");
    assert_eq!(added["scans"][0]["height"], 250_000_000);
    assert_eq!(added["scans"][0]["requests"], 2);

    // An EVM address on Base: its ETH and its USDC, found by contract in CoinGecko's table.
    let owner = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
    setup.base.set_native(owner, 250_000_000_000_000_000);
    setup.base.set_token(
        "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
        6,
        owner,
        42_500_000,
    );
    let added = json(
        &setup,
        &[
            "wallets", "add", "evm", owner, "--chains", "base", "--name", "Rabby",
        ],
    )
    .await;
    assert_eq!(added["wallet"]["network"], "base");
    let coins = &added["scans"][0]["coins"];
    assert_eq!(
        coins[0],
        serde_json::json!({ "coin": "ethereum", "amount": "0.25" })
    );
    assert_eq!(
        coins[1],
        serde_json::json!({ "coin": "usd-coin", "amount": "42.5" })
    );
    assert_eq!(added["scans"][0]["requests"], 1, "one Multicall3");
    assert_eq!(added["scans"][0]["height"], 20_000_000);
    let again = run(&setup, &["wallets", "scan", "Rabby"]).await;
    let line = String::from_utf8_lossy(&again.stdout);
    assert!(
        line.contains("'Rabby': 0.25 ethereum, 42.5 usd-coin at block 20000000 (0 added"),
        "{line}"
    );
    let servers = run(
        &setup,
        &words("wallets server --chain base http://127.0.0.1:8545"),
    )
    .await;
    let servers = String::from_utf8_lossy(&servers.stdout);
    assert!(servers.contains("Base: http://127.0.0.1:8545"), "{servers}");
    assert!(
        servers.contains("Polygon: https://polygon-rpc.com (public)"),
        "{servers}"
    );

    // An alert on the wallet fires when a scan finds its balance changed.
    let rule = json(&setup, &["alerts", "add", "--wallet-changed", "Rabby"]).await;
    assert_eq!(rule["kind"], "wallet_changed");
    setup.base.set_native(owner, 0);
    setup.base.set_block(20_000_001);
    let scanned = json(&setup, &["wallets", "scan", "Rabby"]).await;
    assert_eq!(scanned[0]["changed"][0]["amount"], "-0.25");
    let history = json(&setup, &["alerts", "history"]).await;
    assert!(
        history[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("wallet 'Rabby' changed: -0.25 ethereum")),
        "{history}"
    );

    let indexed = json(
        &setup,
        &words("wallets server --chain base --indexer https://base.blockscout.com/"),
    )
    .await;
    assert_eq!(
        indexed["evm_indexer"]["base"],
        "https://base.blockscout.com"
    );
    let cleared = json(
        &setup,
        &words("wallets server --chain base --indexer --public"),
    )
    .await;
    assert_eq!(cleared["evm_indexer"], serde_json::json!({}));

    let edited = json(
        &setup,
        &words("wallets edit Cold --name Vault --gap-limit 30"),
    )
    .await;
    assert_eq!(
        (edited[0]["name"].as_str(), edited[0]["gap_limit"].as_u64()),
        (Some("Vault"), Some(30))
    );

    ok(&setup, &["wallets", "remove", "Vault"]).await;
    ok(&setup, &["wallets", "remove", "Phantom"]).await;
    ok(&setup, &["wallets", "remove", "Rabby"]).await;
    assert_eq!(
        json(&setup, &["wallets", "list"]).await,
        serde_json::json!([])
    );
}
