//! The `crypto-balance` binary as a user runs it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

use std::path::Path;
use std::process::{Command, Output};

/// A command line split at its spaces: long argument lists read as typed rather than a word a line.
fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn crypto_balance(args: &[&str], data_dir: &Path) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_crypto-balance"))
        .args(args)
        .env("CRYPTO_BALANCE_DATA_DIR", data_dir)
        .env_remove("CRYPTO_BALANCE_PASSPHRASE")
        // Never touch the developer's real keychain from tests.
        .env("CRYPTO_BALANCE_KEYCHAIN", "off")
        .output()
}

const PASSPHRASE: &str = "a long enough passphrase";

/// Runs with the passphrase given the way a cron job would: a file.
fn with_passphrase(args: &[&str], data_dir: &Path) -> Output {
    let file = data_dir.with_extension("pass");
    std::fs::write(&file, format!("{PASSPHRASE}\n")).expect("writes passphrase file");
    let mut all = vec!["--passphrase-file", file.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    crypto_balance(&all, data_dir).expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_then_add_list_set_remove_and_undo() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    let out = with_passphrase(&["init"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Created an encrypted vault"));

    let out = with_passphrase(
        &[
            "holdings",
            "add",
            "--coin",
            "btc",
            "--amount",
            "0.5",
            "--price",
            "40000",
            "--currency",
            "usd",
            "--note",
            "cold wallet",
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_passphrase(
        &words("holdings add --coin ethereum --amount 2 --account Kraken"),
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = with_passphrase(&["--json", "holdings", "list"], &dir);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    let btc = &list[1];
    assert_eq!(btc["coin"], "bitcoin");
    assert_eq!(btc["amount"], "0.5", "decimals are strings");
    assert_eq!(btc["average_cost"], "40000");
    assert_eq!(btc["account"], "Manual");

    let out = with_passphrase(
        &["holdings", "set", "--coin", "bitcoin", "--amount", "0.25"],
        &dir,
    );
    assert!(stdout(&out).contains("is now 0.25"), "{}", stderr(&out));

    let out = with_passphrase(&["--json", "holdings", "remove", "--coin", "bitcoin"], &dir);
    let removed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let id = removed["batch_id"].as_i64().expect("batch id");
    let out = with_passphrase(&["holdings", "list"], &dir);
    assert!(!stdout(&out).contains("bitcoin"));
    let out = with_passphrase(&["undo", &id.to_string()], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_passphrase(&["holdings", "list"], &dir);
    assert!(stdout(&out).contains("0.25"), "{}", stdout(&out));
}

#[test]
fn wrong_passphrase_missing_vault_and_bad_input_fail_with_one_line() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    let out = with_passphrase(&["holdings", "list"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("crypto-balance init"),
        "{}",
        stderr(&out)
    );

    assert!(with_passphrase(&["init"], &dir).status.success());
    let again = with_passphrase(&["--json", "init"], &dir);
    assert_eq!(again.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("JSON");
    assert_eq!(report["code"], "conflict");

    let wrong = Command::new(env!("CARGO_BIN_EXE_crypto-balance"))
        .args(["--json", "holdings", "list"])
        .env("CRYPTO_BALANCE_DATA_DIR", &dir)
        .env("CRYPTO_BALANCE_KEYCHAIN", "off")
        .env("CRYPTO_BALANCE_PASSPHRASE", "not the right one")
        .output()
        .expect("runs");
    assert_eq!(wrong.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&wrong.stdout).expect("JSON");
    assert_eq!(report["code"], "wrong_passphrase");
    assert_eq!(
        stderr(&wrong).trim().lines().count(),
        1,
        "{}",
        stderr(&wrong)
    );
    assert!(
        !stderr(&wrong).contains("not the right one"),
        "the passphrase is never echoed"
    );

    let out = with_passphrase(
        &["holdings", "add", "--coin", "notacoin", "--amount", "1"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown coin 'notacoin'"));

    let out = with_passphrase(
        &words("holdings add --coin btc --amount 0.0000000000000000001"),
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "absurd precision is a usage error"
    );
    assert!(stderr(&out).contains("more than 18 decimal places"));
}

#[test]
fn version_prints_the_crate_version() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["--version"], temp.path())?;
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout)?.trim(),
        format!("crypto-balance {}", env!("CARGO_PKG_VERSION"))
    );
    Ok(())
}

#[test]
fn help_lists_the_global_options() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["--help"], temp.path())?;
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout)?;
    for option in ["--data-dir", "--json", "--passphrase-file", "info"] {
        assert!(help.contains(option), "--help lacks {option}:\n{help}");
    }
    Ok(())
}

#[test]
fn info_json_reports_the_data_folder_from_the_environment() -> Result<(), Box<dyn std::error::Error>>
{
    let temp = tempfile::tempdir()?;
    let data_dir = temp.path().join("data");
    let out = crypto_balance(&["info", "--json"], &data_dir)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["data_dir"], data_dir.display().to_string());
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(!data_dir.exists(), "info creates nothing");
    Ok(())
}

#[test]
fn data_dir_flag_wins_over_the_environment() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let flag_dir = temp.path().join("from-flag");
    let flag = flag_dir.to_string_lossy().into_owned();
    let out = crypto_balance(
        &["--data-dir", &flag, "info"],
        &temp.path().join("from-env"),
    )?;
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)?.contains(&flag));
    Ok(())
}

#[test]
fn unusable_data_dir_fails_with_exit_1_and_a_one_line_cause(
) -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let file = temp.path().join("a-file");
    std::fs::write(&file, b"x")?;
    let out = crypto_balance(&["info", "--json"], &file)?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&file.display().to_string()));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["code"], "data_dir_unavailable");
    Ok(())
}

#[test]
fn usage_errors_exit_2() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["no-such-command"], temp.path())?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn backup_restore_passphrase_change_and_app_lock() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    assert!(with_passphrase(&["init"], &dir).status.success());
    let out = with_passphrase(
        &["holdings", "add", "--coin", "eth", "--amount", "1.25"],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let backup = temp.path().join("holdings.backup");
    let out = with_passphrase(&["backup", backup.to_str().expect("utf-8")], &dir);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = with_passphrase(&["holdings", "remove", "--coin", "eth"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_passphrase(&["restore", backup.to_str().expect("utf-8")], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&with_passphrase(&["holdings", "list"], &dir)).contains("1.25"));

    let new_file = temp.path().join("new.pass");
    std::fs::write(&new_file, "a brand new passphrase\n").expect("writes");
    let out = with_passphrase(
        &[
            "change-passphrase",
            "--new-passphrase-file",
            new_file.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let old = with_passphrase(&["holdings", "list"], &dir);
    assert_eq!(
        old.status.code(),
        Some(1),
        "the old passphrase no longer unlocks"
    );
    let new = Command::new(env!("CARGO_BIN_EXE_crypto-balance"))
        .args([
            "--passphrase-file",
            new_file.to_str().expect("utf-8"),
            "holdings",
            "list",
        ])
        .env("CRYPTO_BALANCE_DATA_DIR", &dir)
        .env("CRYPTO_BALANCE_KEYCHAIN", "off")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&new.stdout).contains("1.25"));
}

#[test]
fn export_and_import_round_trip_through_files_and_stdout() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    assert!(with_passphrase(&["init"], &dir).status.success());
    let out = with_passphrase(
        &words("holdings add --coin btc --amount 0.25 --price 40000 --currency usd"),
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = temp.path().join("ledger.csv");
    let out = with_passphrase(
        &["export", file.to_str().expect("utf-8"), "--what", "ledger"],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let written = std::fs::read_to_string(&file).expect("exported");
    let out = with_passphrase(&["export", "-"], &dir);
    assert_eq!(stdout(&out), written, "stdout gets the same CSV");

    let other = temp.path().join("other");
    assert!(with_passphrase(&["init"], &other).status.success());
    let out = with_passphrase(
        &[
            "--json",
            "import",
            file.to_str().expect("utf-8"),
            "--dry-run",
        ],
        &other,
    );
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(preview["format"], "native");
    assert_eq!(
        (preview["rows"].as_u64(), preview["imported"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(preview["assets"]["bitcoin"], "0.25");
    assert_eq!(preview["skipped"], serde_json::json!([]));
    assert_eq!(preview["unresolved"], serde_json::json!([]));
    let out = with_passphrase(&["import", file.to_str().expect("utf-8")], &other);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Undo with: crypto-balance undo"));
    let list = with_passphrase(&["--json", "holdings", "list"], &other);
    let holdings: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
    assert_eq!(holdings[0]["amount"], "0.25");
    assert_eq!(holdings[0]["average_cost"], "40000");

    // A preview names its coins, and says which entries wait on a symbol it cannot name.
    let trade = temp.path().join("trade.csv");
    std::fs::write(
        &trade,
        "time,account,coin,amount,kind,price,price_currency,note,id\n\
         2024-01-02T03:04:05Z,A,btc,1,buy,20000,QQQX,,t1\n\
         2024-01-02T03:04:05Z,A,QQQX,-20000,sell,,,,t2\n",
    )
    .expect("writes");
    let out = with_passphrase(
        &["import", trade.to_str().expect("utf-8"), "--dry-run"],
        &other,
    );
    let text = stdout(&out);
    assert!(text.contains("Bitcoin (BTC): 1"), "{text}");
    assert!(text.contains("btc is Bitcoin (BTC):"), "{text}");
    assert!(
        text.contains("add --map qqqx=ID; 2 entries wait on it (lines 2, 3)"),
        "{text}"
    );

    let bad = temp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "time,account,coin,amount,kind,price,price_currency,note,id\nnot a time,A,btc,1,buy,,,,\n",
    )
    .expect("writes");
    let out = with_passphrase(&["import", bad.to_str().expect("utf-8")], &other);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.csv, line 2, column time"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exchange_files_import_by_detection_by_named_columns_and_in_a_chosen_zone() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    assert!(with_passphrase(&["init"], &dir).status.success());
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/import");
    let kraken = fixtures.join("kraken-ledgers-2024.csv");
    let out = with_passphrase(
        &["import", kraken.to_str().expect("utf-8"), "--dry-run"],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Preview (Kraken ledgers): 10 rows read, 11 to import, 0 duplicates, 1 skipped"
        ),
        "{text}"
    );
    assert!(text.contains("line 9: skipped, pending"), "{text}");
    assert!(text.contains("EUR is Euro (EUR): fiat currency"), "{text}");

    let generic = fixtures.join("generic.csv");
    let args = [
        "--json",
        "import",
        generic.to_str().expect("utf-8"),
        "--column",
        "time=Datum",
        "--column",
        "coin=Munt",
        "--column",
        "amount=Aantal",
        "--column",
        "kind=Soort",
        "--utc-offset",
        "+01:00",
    ];
    let out = with_passphrase(&args, &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (report["format"].as_str(), report["imported"].as_u64()),
        (Some("generic"), Some(2))
    );
    let ledger = stdout(&with_passphrase(&["export", "-"], &dir));
    assert!(
        ledger.contains("2024-02-01T08:00:00Z,Manual,bitcoin,0.01,buy"),
        "{ledger}"
    );

    let out = with_passphrase(
        &[
            "import",
            generic.to_str().expect("utf-8"),
            "--utc-offset",
            "noon",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--utc-offset noon"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_holding_takes_the_date_it_was_bought() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    assert!(with_passphrase(&["init"], &dir).status.success());
    let add = |date: &str| {
        let buy = "holdings add --coin btc --amount 1 --price 100 --currency usd --date";
        let args: Vec<&str> = buy.split(' ').chain([date]).collect();
        with_passphrase(&args, &dir)
    };
    assert!(add("2024-03-01").status.success());
    let out = add("2999-01-01");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2999-01-01 is in the future"),
        "{}",
        stderr(&out)
    );
    let out = add("March 1st");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a date that cannot be read is a usage error"
    );
    assert!(
        stderr(&out).contains("not a date like 2024-03-01"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn pl_lots_and_the_gains_report_name_their_method() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("data");
    assert!(with_passphrase(&["init"], &dir).status.success());
    let rows = temp.path().join("rows.csv");
    std::fs::write(
        &rows,
        "time,account,coin,amount,kind,price,price_currency,note,id\n\
         2024-03-01T00:00:00Z,Kraken,bitcoin,1,buy,200,usd,,r3\n\
         2024-02-01T00:00:00Z,Kraken,bitcoin,-0.5,sell,150,usd,,r2\n\
         2024-01-01T00:00:00Z,Kraken,bitcoin,1,buy,100,usd,,r1\n",
    )
    .expect("writes");
    let out = with_passphrase(&["import", rows.to_str().expect("utf-8")], &dir);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = with_passphrase(
        &["--json", "pl", "--year", "2024", "--method", "lifo"],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pl: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(pl["method"], "lifo");
    assert_eq!(pl["currency"], "usd");
    assert_eq!(pl["realized"], "25");
    assert_eq!(pl["coins"][0]["coin"], "bitcoin");
    assert_eq!(pl["coins"][0]["cost_remaining"], "250");
    assert!(pl["unrealized"].is_string() && pl["coins"][0]["realized"].is_string());

    let text = stdout(&with_passphrase(&["pl"], &dir));
    assert!(text.contains("method: FIFO, lots per account"), "{text}");
    assert!(text.contains("Not tax advice"), "{text}");

    let out = with_passphrase(&["--json", "lots", "btc"], &dir);
    let lots: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(lots["lots"].as_array().map(Vec::len), Some(2));
    assert_eq!(lots["lots"][0]["amount"], "0.5");
    assert_eq!(lots["lots"][0]["cost"], "50");

    let report = temp.path().join("gains.csv");
    let out = with_passphrase(
        &[
            "report",
            "gains",
            "--year",
            "2024",
            report.to_str().expect("utf-8"),
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Wrote 1 disposal(s) of 2024"),
        "{}",
        stdout(&out)
    );
    let csv = std::fs::read_to_string(&report).expect("reads");
    assert!(
        csv.contains(
            "2024-02-01T00:00:00Z,bitcoin,Kraken,0.5,75,50,25,2024-01-01T00:00:00Z,31,usd,fifo"
        ),
        "{csv}"
    );
    // History starts at the first entry; with no stored daily price, each day is a gap, not 0.
    let out = with_passphrase(&["--json", "history"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let days: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(days[0]["date"], "2024-01-01");
    assert_eq!(days[0]["value"], serde_json::Value::Null);
    assert_eq!(days[0]["missing"], 1);
    assert_eq!(days[0]["invested"], "100");
    assert_eq!(days[31]["invested"], "25", "the February sale took 75 out");
    let out = with_passphrase(&["--json", "history", "--from", "2024-03-01"], &dir);
    let days: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(days[0]["date"], "2024-03-01");
    assert_eq!(days[0]["invested"], "225");
    let out = with_passphrase(
        &["--json", "history", "--coin", "BTC", "--account", "kraken"],
        &dir,
    );
    let days: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        days[0]["date"], "2024-01-01",
        "one coin in one account, from its first entry"
    );
    let out = with_passphrase(&["history", "--account", "Nowhere"], &dir);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no account named 'Nowhere'"),
        "{}",
        stderr(&out)
    );
    let out = with_passphrase(
        &words("settings --cost-method average --cost-scope pooled"),
        &dir,
    );
    assert!(
        stdout(&out).contains("cost basis:        average cost, lots pooled"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("older prices:      from DefiLlama"),
        "{}",
        stdout(&out)
    );
    let out = with_passphrase(&["--json", "settings", "--older-prices", "off"], &dir);
    let settings: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(settings["older_prices"], false);
}
