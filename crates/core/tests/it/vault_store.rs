//! The encrypted store end to end: a real SQLCipher file in a temp folder, opened through `App`.

use std::path::Path;
use std::sync::Arc;

use crypto_balance_core::backup::RekeyPhase;
use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::store::{Store, DATABASE_FILE_NAME};
use crypto_balance_core::vault::{Keychain, MemoryKeychain};
use crypto_balance_core::{App, Error, ErrorCode, VaultStatus};

use crate::support::{hold, holding, names_in, passphrase, TestApp, PASSPHRASE};

const NOTE: &str = "Grandmother's paper wallet ZQXJ-7731";
const ACCOUNT: &str = "Cold Storage Vault QWERTY-8842";
const AMOUNT: &str = "12345.678901234567891234";

fn app_in(dir: &Path, keychain: Arc<dyn Keychain>) -> App {
    TestApp::new()
        .keychain(keychain)
        .at(1_700_000_000)
        .open(dir)
}

async fn created(dir: &Path, keychain: Arc<dyn Keychain>) -> App {
    TestApp::new()
        .keychain(keychain)
        .at(1_700_000_000)
        .using_keychain()
        .create(dir)
        .await
}

/// A holding whose account and note are words to look for in the files on disk.
fn marked_holding() -> NewHolding {
    NewHolding {
        note: Some(NOTE.into()),
        account: Some(ACCOUNT.into()),
        ..holding("bitcoin", AMOUNT)
    }
}

/// A new vault in a temporary folder, with a keychain of its own.
async fn fresh() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = created(dir.path(), Arc::new(MemoryKeychain::default())).await;
    (dir, app)
}

fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .expect("lists")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).expect("reads"))
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn holdings_never_touch_disk_in_clear() {
    let (dir, app) = fresh().await;
    let mut new = marked_holding();
    new.price = Some("43210.987654321".parse().expect("price"));
    new.currency = Some("usd".into());
    app.add_holding(new).await.expect("adds");

    // Check while the store is open (WAL and SHM present) and again after it is closed.
    for stage in ["open", "closed"] {
        let files = files_in(dir.path());
        assert!(files.iter().any(|(name, _)| name == DATABASE_FILE_NAME));
        for (name, bytes) in &files {
            for secret in [NOTE, ACCOUNT, AMOUNT, "43210.987654321", "Cold Storage"] {
                assert!(
                    !contains(bytes, secret.as_bytes()),
                    "{name} ({stage}) holds '{secret}' in clear"
                );
            }
            assert!(
                !bytes.starts_with(b"SQLite format 3"),
                "{name} is plain SQLite"
            );
        }
        app.lock().await;
    }
}

#[tokio::test]
async fn the_wrong_key_or_passphrase_fails_clearly_and_leaves_the_file_intact() {
    let (dir, app) = fresh().await;
    hold(&app, "ethereum", "2").await;
    app.lock().await;
    let database = dir.path().join(DATABASE_FILE_NAME);
    let before = std::fs::read(&database).expect("reads");

    // Wrong passphrase (no keychain entry in a fresh keychain).
    let app = app_in(dir.path(), Arc::new(MemoryKeychain::default()));
    let error = app
        .unlock(Some(&passphrase("not the passphrase at all")))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), ErrorCode::WrongPassphrase);
    assert_eq!(error.to_string(), "the passphrase is wrong");
    assert!(
        std::fs::read(&database).expect("reads") == before,
        "wrong passphrase changed the file"
    );

    // Wrong raw key straight at the database.
    let wrong = crypto_balance_core::secret::DataKey::generate();
    let error = Store::open(&database, &wrong).await.expect_err("refused");
    assert_eq!(Error::from(error).code(), ErrorCode::WrongKey);
    assert_eq!(std::fs::read(&database).expect("reads"), before);

    // The right passphrase still reads everything.
    app.unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("unlocks");
    let holdings = app.holdings().await.expect("lists");
    assert_eq!(holdings.len(), 1);
    assert_eq!(holdings[0].amount.to_string(), "2");
}

#[tokio::test]
async fn a_lost_keychain_entry_is_recovered_with_the_passphrase() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keychain = Arc::new(MemoryKeychain::default());
    let app = created(dir.path(), keychain.clone()).await;
    hold(&app, "solana", "150.5").await;
    app.lock().await;

    // Silent unlock from the keychain.
    let app = app_in(dir.path(), keychain.clone());
    assert_eq!(app.status().await, VaultStatus::Locked);
    app.unlock(None).await.expect("silent unlock");
    app.lock().await;

    // The keychain forgets everything (new machine, reset login keyring).
    let empty = Arc::new(MemoryKeychain::default());
    let app = app_in(dir.path(), empty.clone());
    let error = app.unlock(None).await.expect_err("needs the passphrase");
    assert_eq!(error.code(), ErrorCode::Locked);
    app.unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("recovers");
    assert_eq!(
        app.holdings().await.expect("lists")[0].amount.to_string(),
        "150.5"
    );
    app.lock().await;
    // …and the entry is restored, so the next start is silent.
    app_in(dir.path(), empty)
        .unlock(None)
        .await
        .expect("silent again");
}

#[tokio::test]
async fn add_set_remove_and_undo() {
    let (_dir, app) = fresh().await;
    let mut buy = holding("btc", "0.5");
    buy.price = Some("40000".parse().expect("price"));
    buy.currency = Some("USD".into());
    app.add_holding(buy).await.expect("adds by symbol");
    let mut buy = holding("bitcoin", "1.5");
    buy.price = Some("60000".parse().expect("price"));
    buy.currency = Some("usd".into());
    app.add_holding(buy).await.expect("adds by id");

    let listed = app.holdings().await.expect("lists");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].coin, "bitcoin");
    assert_eq!(listed[0].account, "Manual");
    assert_eq!(listed[0].amount.to_string(), "2");
    assert_eq!(
        listed[0].average_cost.map(|c| c.to_string()),
        Some("55000".into())
    );

    // Setting writes an adjustment of the difference; the average cost stays.
    let set = app
        .set_holding("bitcoin", "1".parse().expect("amount"), None)
        .await
        .expect("sets");
    assert_eq!(set.amount.to_string(), "1");
    let listed = app.holdings().await.expect("lists");
    assert_eq!(listed[0].amount.to_string(), "1");
    assert_eq!(
        listed[0].average_cost.map(|c| c.to_string()),
        Some("55000".into())
    );

    let removed = app.remove_holding("bitcoin", None).await.expect("removes");
    assert!(app.holdings().await.expect("lists").is_empty());
    app.undo(removed.batch_id).await.expect("undoes");
    let listed = app.holdings().await.expect("lists");
    assert_eq!(listed[0].amount.to_string(), "1");
    assert_eq!(
        listed[0].average_cost.map(|c| c.to_string()),
        Some("55000".into())
    );
    let again = app.undo(removed.batch_id).await.expect_err("only once");
    assert_eq!(again.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn exact_decimals_round_trip_through_the_database() {
    let (_dir, app) = fresh().await;
    for (coin, amount) in [
        ("ethereum", "123456789012.123456789012345678"),
        ("dogecoin", "0.000000000000000001"),
        ("cardano", "999999999999999999.999999999999999999"),
    ] {
        hold(&app, coin, amount).await;
    }
    app.lock().await;
    app.unlock(None).await.expect("unlocks");
    let by_coin = |coin: &str, listed: &[crypto_balance_core::holdings::Holding]| {
        listed
            .iter()
            .find(|h| h.coin == coin)
            .map(|h| h.amount.to_string())
    };
    let listed = app.holdings().await.expect("lists");
    assert_eq!(
        by_coin("ethereum", &listed).as_deref(),
        Some("123456789012.123456789012345678")
    );
    assert_eq!(
        by_coin("dogecoin", &listed).as_deref(),
        Some("0.000000000000000001")
    );
    assert_eq!(
        by_coin("cardano", &listed).as_deref(),
        Some("999999999999999999.999999999999999999")
    );
    // Beyond 10^18 units one entry is refused where it enters, not at some later sum.
    let error = app
        .add_holding(holding("cardano", "1000000000000000000.000000000000000001"))
        .await
        .expect_err("too large");
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("10^18"), "{error}");
}

#[tokio::test]
async fn bad_input_is_named_and_changes_nothing() {
    let (_dir, app) = fresh().await;
    hold(&app, "bitcoin", "1").await;
    let before = app.holdings().await.expect("lists");

    let unknown = app
        .add_holding(holding("notacoin", "1"))
        .await
        .expect_err("refused");
    assert_eq!(unknown.code(), ErrorCode::UnknownCoin);
    assert!(unknown.to_string().contains("notacoin"));

    let zero = app
        .add_holding(holding("bitcoin", "0"))
        .await
        .expect_err("refused");
    assert_eq!(zero.code(), ErrorCode::InvalidInput);
    let negative = app
        .add_holding(holding("bitcoin", "-1"))
        .await
        .expect_err("refused");
    assert!(negative.to_string().contains("-1"));

    let mut priced = holding("bitcoin", "1");
    priced.price = Some("100".parse().expect("price"));
    let no_currency = app.add_holding(priced).await.expect_err("refused");
    assert_eq!(no_currency.code(), ErrorCode::InvalidInput);

    let mut bad_currency = holding("bitcoin", "1");
    bad_currency.price = Some("100".parse().expect("price"));
    bad_currency.currency = Some("zzz".into());
    let error = app.add_holding(bad_currency).await.expect_err("refused");
    assert!(error.to_string().contains("zzz"));

    let missing = app
        .remove_holding("ethereum", None)
        .await
        .expect_err("refused");
    assert_eq!(missing.code(), ErrorCode::NotFound);

    app.create_account(
        "Kraken",
        crypto_balance_core::accounts::AccountKind::Exchange,
    )
    .await
    .expect("creates");
    let duplicate = app
        .create_account(
            "kraken",
            crypto_balance_core::accounts::AccountKind::Exchange,
        )
        .await
        .expect_err("refused");
    assert_eq!(duplicate.code(), ErrorCode::Conflict);

    assert_eq!(app.holdings().await.expect("lists"), before);
}

#[tokio::test]
async fn accounts_can_be_created_renamed_and_deleted_when_unused() {
    use crypto_balance_core::accounts::AccountKind;
    let (_dir, app) = fresh().await;
    app.create_account("Ledger Nano", AccountKind::Wallet)
        .await
        .expect("creates");
    app.rename_account("ledger nano", "Ledger")
        .await
        .expect("renames");
    let mut new = holding("bitcoin", "1");
    new.account = Some("Ledger".into());
    app.add_holding(new).await.expect("adds");
    let in_use = app.delete_account("Ledger").await.expect_err("has history");
    assert_eq!(in_use.code(), ErrorCode::Conflict);
    app.create_account("Empty", AccountKind::Exchange)
        .await
        .expect("creates");
    app.delete_account("Empty").await.expect("deletes");
    let names: Vec<_> = app
        .accounts()
        .await
        .expect("lists")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Ledger"]);
}

#[tokio::test]
async fn a_symbol_shared_by_several_coins_is_refused_unless_one_is_a_top_coin() {
    let (_dir, app) = fresh().await;
    let store = app.store().await.expect("open");
    sqlx::query(
        "INSERT INTO assets (id, symbol, name, kind) VALUES \
         ('bitcoin-wormhole', 'btc', 'Bitcoin (Wormhole)', 'coin'), ('zus-bridged', 'zcn', 'Zus (Bridged)', 'coin')",
    )
    .execute(store.pool())
    .await
    .expect("inserts");
    // Neither coin with the symbol is among the top 250 by market cap: no guess.
    let error = app
        .add_holding(holding("ZCN", "1"))
        .await
        .expect_err("ambiguous");
    assert_eq!(error.code(), ErrorCode::AmbiguousCoin);
    assert!(error.to_string().contains("0chain, zus-bridged"), "{error}");
    // Only one coin with the symbol is a top-250 coin: that one.
    let added = app
        .add_holding(holding("BTC", "1"))
        .await
        .expect("resolves");
    assert_eq!(added.coin, "bitcoin");
}

#[tokio::test]
async fn migrations_run_on_a_populated_database_and_a_newer_one_is_refused() {
    let (_dir, app) = fresh().await;
    hold(&app, "bitcoin", "3").await;
    app.lock().await;
    // Re-opening runs the migrator again over populated data: nothing changes.
    app.unlock(None).await.expect("unlocks");
    assert_eq!(
        app.holdings().await.expect("lists")[0].amount.to_string(),
        "3"
    );

    // A database from a future version has a migration this build does not know.
    let store = app.store().await.expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9999, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .expect("inserts");
    app.lock().await;
    let error = app.unlock(None).await.expect_err("refused");
    assert_eq!(error.code(), ErrorCode::NewerVersion);
    assert!(error.to_string().contains("newer version"));
}

#[tokio::test]
async fn a_missing_or_damaged_key_file_is_a_clear_error() {
    let (dir, app) = fresh().await;
    app.lock().await;
    let key_file = dir.path().join("crypto-balance.key");
    std::fs::write(&key_file, "{ not json").expect("writes");
    let error = app_in(dir.path(), Arc::new(MemoryKeychain::default()))
        .unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), ErrorCode::KeyFileDamaged);
    assert!(error.to_string().contains("crypto-balance.key"));

    std::fs::remove_file(&key_file).expect("removes");
    let app = app_in(dir.path(), Arc::new(MemoryKeychain::default()));
    let error = app
        .create_vault(&passphrase(PASSPHRASE), true)
        .await
        .expect_err("would orphan the data");
    assert_eq!(error.code(), ErrorCode::KeyFileDamaged);
    assert!(dir.path().join(DATABASE_FILE_NAME).exists());
}

/// A read-only or full disk: SQLite's own errors, classified into messages that say what to do.
#[tokio::test]
async fn read_only_and_full_disks_are_named() {
    use crypto_balance_core::store::StoreError;
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;

    let (dir, app) = fresh().await;
    let store = app.store().await.expect("open");
    let database = dir.path().join(DATABASE_FILE_NAME);

    // Full: cap the file at its current size, then write.
    let mut conn = store.pool().acquire().await.expect("connection");
    sqlx::query("PRAGMA max_page_count = 1")
        .execute(&mut *conn)
        .await
        .ok();
    let error =
        sqlx::query("INSERT INTO settings (key, value) VALUES ('filler', randomblob(100000))")
            .execute(&mut *conn)
            .await
            .expect_err("full");
    let error = StoreError::from_sqlx(&database, error);
    assert!(matches!(error, StoreError::DiskFull(_)), "{error}");
    assert!(error.to_string().contains("disk holding"));
    drop(conn);
    app.lock().await;

    // Read-only: open the same file read-only (as a read-only mount would) and write.
    let unlocked = crypto_balance_core::vault::unlock(
        dir.path(),
        &crypto_balance_core::vault::NoKeychain,
        Some(&passphrase(PASSPHRASE)),
    )
    .expect("unlocks");
    let mut conn = SqliteConnectOptions::new()
        .filename(&database)
        .read_only(true)
        .pragma("key", format!("\"x'{}'\"", hex_key(unlocked.key.expose())))
        .connect()
        .await
        .expect("connects");
    let error = sqlx::query("INSERT INTO settings (key, value) VALUES ('x', 'y')")
        .execute(&mut conn)
        .await
        .expect_err("read-only");
    let error = StoreError::from_sqlx(&database, error);
    assert!(matches!(error, StoreError::ReadOnly(_)), "{error}");
    assert!(error.to_string().contains(&database.display().to_string()));
}

fn hex_key(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn an_encrypted_backup_restores_everything_and_keeps_the_replaced_data() {
    let (_dir, app) = fresh().await;
    app.add_holding(marked_holding()).await.expect("adds");
    let backups = tempfile::tempdir().expect("temp dir");
    let file = backups.path().join("my.backup");
    let size = app.backup(&file).await.expect("backs up");
    assert!(size > 0);
    let bytes = std::fs::read(&file).expect("reads");
    for secret in [NOTE, ACCOUNT, AMOUNT] {
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "backup holds '{secret}' in clear"
        );
    }

    // Later changes, then a restore brings back the backed-up state.
    hold(&app, "ethereum", "5").await;
    let wrong = app
        .restore(&file, &passphrase("not the passphrase"))
        .await
        .expect_err("refused");
    assert_eq!(wrong.code(), ErrorCode::WrongPassphrase);
    assert_eq!(
        app.holdings().await.expect("still open").len(),
        2,
        "nothing changed"
    );

    let first = app
        .restore(&file, &passphrase(PASSPHRASE))
        .await
        .expect("restores");
    let listed = app.holdings().await.expect("lists");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].amount.to_string(), AMOUNT);
    let first_kept = Path::new(first.kept.as_deref().expect("kept the replaced files")).to_owned();
    assert!(first_kept.join("crypto-balance.db").exists());
    assert!(first_kept.join("crypto-balance.key").exists());
    // A second restore keeps its own copy and never overwrites the first one's.
    let first_bytes = std::fs::read(first_kept.join("crypto-balance.db")).expect("reads");
    let second = app
        .restore(&file, &passphrase(PASSPHRASE))
        .await
        .expect("restores again");
    let second_kept = Path::new(second.kept.as_deref().expect("kept")).to_owned();
    assert_ne!(first_kept, second_kept);
    assert_eq!(
        std::fs::read(first_kept.join("crypto-balance.db")).expect("reads"),
        first_bytes
    );

    // A new machine: empty data folder, empty keychain, only the backup and the passphrase.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let fresh = app_in(elsewhere.path(), Arc::new(MemoryKeychain::default()));
    fresh
        .restore(&file, &passphrase(PASSPHRASE))
        .await
        .expect("restores on a new machine");
    assert_eq!(fresh.holdings().await.expect("lists")[0].account, ACCOUNT);

    // Not a backup at all.
    let junk = backups.path().join("junk");
    std::fs::write(&junk, b"hello").expect("writes");
    let error = fresh
        .restore(&junk, &passphrase(PASSPHRASE))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), ErrorCode::InvalidInput);
    assert!(error.to_string().contains("not a Crypto Balance backup"));
}

// Issue 17: every reproduction below failed on the 0.1 release.

/// The byte offset where a format 2 backup's database starts.
fn database_start(bytes: &[u8]) -> usize {
    let magic = b"CRYPTO-BALANCE-BACKUP/2\n".len();
    let mut length = [0u8; 4];
    length.copy_from_slice(&bytes[magic..magic + 4]);
    magic + 4 + u32::from_le_bytes(length) as usize
}

#[tokio::test]
async fn a_backup_cut_anywhere_is_refused_and_changes_nothing() {
    let (dir, app) = fresh().await;
    hold(&app, "bitcoin", "2").await;
    let backups = tempfile::tempdir().expect("temp dir");
    let file = backups.path().join("whole.cbbackup");
    app.backup(&file).await.expect("backs up");
    let bytes = std::fs::read(&file).expect("reads");
    let start = database_start(&bytes);
    hold(&app, "ethereum", "3").await;
    let cut_file = backups.path().join("cut.cbbackup");
    for cut in [
        start,
        start + 1,
        start + 4096,
        bytes.len() - 65,
        bytes.len() - 1,
    ] {
        std::fs::write(&cut_file, &bytes[..cut]).expect("writes");
        let error = app
            .restore(&cut_file, &passphrase(PASSPHRASE))
            .await
            .expect_err("a cut backup is refused");
        assert_eq!(
            error.code(),
            ErrorCode::InvalidInput,
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().contains("cut short"), "{error}");
        assert_eq!(app.holdings().await.expect("still open").len(), 2);
    }
    let mut flipped = bytes.clone();
    flipped[start + 100] ^= 0x40;
    std::fs::write(&cut_file, &flipped).expect("writes");
    let error = app
        .restore(&cut_file, &passphrase(PASSPHRASE))
        .await
        .expect_err("a changed backup is refused");
    assert!(error.to_string().contains("seal"), "{error}");
    let leftovers = names_in(dir.path(), |name| {
        name.starts_with(".restore") || name.starts_with("before-restore")
    });
    assert!(leftovers.is_empty(), "refused restores left {leftovers:?}");
}

#[tokio::test]
async fn a_format_1_backup_still_restores() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/backup/format1.cbbackup");
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_in(dir.path(), Arc::new(MemoryKeychain::default()));
    let outcome = app
        .restore(&fixture, &passphrase("pinned backup passphrase"))
        .await
        .expect("restores a backup written by 0.1");
    assert_eq!(outcome.kept, None, "nothing was replaced");
    let listed = app.holdings().await.expect("lists");
    assert_eq!(
        (listed[0].coin.as_str(), listed[0].account.as_str()),
        ("bitcoin", "Cold")
    );
    assert_eq!(listed[0].amount.to_string(), "1.5");

    // Format 1 has no length or seal: a copy cut after its header holds no database.
    let bytes = std::fs::read(&fixture).expect("reads");
    let magic = b"CRYPTO-BALANCE-BACKUP/1\n".len();
    let mut length = [0u8; 4];
    length.copy_from_slice(&bytes[magic..magic + 4]);
    let header_end = magic + 4 + u32::from_le_bytes(length) as usize;
    let cut = dir.path().join("..").join("format1-cut.cbbackup");
    std::fs::write(&cut, &bytes[..header_end]).expect("writes");
    let error = app
        .restore(&cut, &passphrase("pinned backup passphrase"))
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("cut short"), "{error}");
    let _ = std::fs::remove_file(&cut);
    assert_eq!(app.holdings().await.expect("lists").len(), 1);
}

#[tokio::test]
async fn a_moved_database_is_an_error_not_an_empty_vault() {
    let (dir, app) = fresh().await;
    hold(&app, "bitcoin", "1").await;
    app.lock().await;
    let database = dir.path().join(DATABASE_FILE_NAME);
    std::fs::rename(&database, dir.path().join("moved-away.db")).expect("moves");
    let error = app.unlock(None).await.expect_err("no database");
    assert_eq!(error.code(), ErrorCode::DatabaseMissing);
    assert!(error.to_string().contains("restore"), "{error}");
    assert!(
        !database.exists(),
        "no empty database was made in its place"
    );
    let again = app
        .create_vault(&passphrase(PASSPHRASE), false)
        .await
        .expect_err("a vault exists");
    assert_eq!(again.code(), ErrorCode::Conflict);
}

#[tokio::test]
async fn a_command_without_a_vault_creates_nothing() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("not-yet");
    let app = app_in(&dir, Arc::new(MemoryKeychain::default()));
    assert_eq!(app.status().await, VaultStatus::NotCreated);
    let error = app.unlock(None).await.expect_err("no vault");
    assert_eq!(error.code(), ErrorCode::VaultNotCreated);
    let error = app
        .restore(
            &parent.path().join("missing.cbbackup"),
            &passphrase(PASSPHRASE),
        )
        .await
        .expect_err("no backup");
    assert_eq!(error.code(), ErrorCode::Storage);
    assert!(!dir.exists(), "the data folder was created");
}

#[tokio::test]
async fn exports_and_backups_never_overwrite_the_vault_files() {
    use crypto_balance_core::transfer::ExportWhat;
    let (dir, app) = fresh().await;
    hold(&app, "bitcoin", "1").await;
    let key_file = dir.path().join("crypto-balance.key");
    let before = std::fs::read(&key_file).expect("reads");
    let error = app
        .export_to_file(ExportWhat::Holdings, &key_file)
        .await
        .expect_err("refused");
    assert_eq!(error.code(), ErrorCode::ProtectedPath);
    let error = app
        .backup(&dir.path().join(DATABASE_FILE_NAME))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), ErrorCode::ProtectedPath);
    let error = app.backup(dir.path()).await.expect_err("refused");
    assert_eq!(error.code(), ErrorCode::ProtectedPath);
    assert_eq!(std::fs::read(&key_file).expect("reads"), before);
    app.lock().await;
    app.unlock(None).await.expect("the vault still opens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_creates_at_once_leave_exactly_one_vault() {
    for round in 0..10 {
        let dir = tempfile::tempdir().expect("temp dir");
        let keychain: Arc<dyn Keychain> = Arc::new(MemoryKeychain::default());
        let apps: Vec<Arc<App>> = (0..2)
            .map(|_| Arc::new(app_in(dir.path(), keychain.clone())))
            .collect();
        let tasks: Vec<_> = apps
            .iter()
            .enumerate()
            .map(|(i, app)| {
                let app = app.clone();
                tokio::spawn(async move {
                    app.create_vault(&passphrase(&format!("passphrase number {i}")), false)
                        .await
                })
            })
            .collect();
        let mut winners = Vec::new();
        for (i, task) in tasks.into_iter().enumerate() {
            match task.await.expect("joins") {
                Ok(_) => winners.push(i),
                Err(e) => assert!(
                    matches!(e.code(), ErrorCode::Busy | ErrorCode::Conflict),
                    "round {round}: {e}"
                ),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one create wins");
        for app in &apps {
            app.lock().await;
        }
        let check = app_in(dir.path(), keychain.clone());
        check
            .unlock(Some(&passphrase(&format!(
                "passphrase number {}",
                winners[0]
            ))))
            .await
            .unwrap_or_else(|e| panic!("round {round}: the winner's vault opens: {e}"));
        assert!(check.holdings().await.expect("lists").is_empty());
    }
}

#[tokio::test]
async fn vault_operations_wait_for_every_other_user_of_the_folder() {
    let (dir, desktop) = fresh().await;
    desktop
        .add_holding(holding("bitcoin", "1"))
        .await
        .expect("adds");
    let backups = tempfile::tempdir().expect("temp dir");
    let file = backups.path().join("b.cbbackup");
    desktop.backup(&file).await.expect("backs up");
    // A second handle on the folder stands for another process (each holds its own OS lock).
    let other = app_in(dir.path(), Arc::new(MemoryKeychain::default()));
    let error = other
        .restore(&file, &passphrase(PASSPHRASE))
        .await
        .expect_err("the desktop has the vault open");
    assert_eq!(error.code(), ErrorCode::Busy);
    assert!(error.to_string().contains("in use"), "{error}");
    let error = other
        .change_passphrase(&passphrase(PASSPHRASE), &passphrase("another long one"))
        .await
        .expect_err("the desktop has the vault open");
    assert_eq!(error.code(), ErrorCode::Busy);
    assert_eq!(desktop.holdings().await.expect("untouched").len(), 1);
    desktop.lock().await;
    other
        .restore(&file, &passphrase(PASSPHRASE))
        .await
        .expect("restores once the folder is free");
}

#[cfg(unix)]
#[tokio::test]
async fn the_folder_and_its_files_are_private_after_every_unlock() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, app) = fresh().await;
    app.lock().await;
    let database = dir.path().join(DATABASE_FILE_NAME);
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let app = app_in(dir.path(), Arc::new(MemoryKeychain::default()));
    app.unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("unlocks");
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(dir.path()), 0o700);
    for entry in std::fs::read_dir(dir.path()).expect("lists").flatten() {
        if entry.path().is_file() {
            assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
        }
    }
}

#[tokio::test]
async fn changing_the_passphrase_rotates_the_data_key() {
    use crypto_balance_core::vault::KeyFile;
    let dir = tempfile::tempdir().expect("temp dir");
    let keychain = Arc::new(MemoryKeychain::default());
    let app = created(dir.path(), keychain.clone()).await;
    hold(&app, "bitcoin", AMOUNT).await;
    let key_path = dir.path().join("crypto-balance.key");
    let old_file = std::fs::read_to_string(&key_path).expect("reads");
    let reports = std::sync::Mutex::new(Vec::new());
    app.change_passphrase_with(
        &passphrase(PASSPHRASE),
        &passphrase("a new long passphrase"),
        &|p| reports.lock().expect("lock").push(p),
    )
    .await
    .expect("changes");
    let reports = reports.into_inner().expect("lock");
    let phases: Vec<RekeyPhase> = reports.iter().map(|p| p.phase).collect();
    assert_eq!(phases.first(), Some(&RekeyPhase::Copying));
    assert_eq!(phases.last(), Some(&RekeyPhase::Swapping));
    assert!(phases.contains(&RekeyPhase::Checking));
    assert!(reports[0].bytes_total > 0, "the database's size is known");
    assert!(reports.iter().all(|p| p.bytes_done <= p.bytes_total));
    assert_eq!(
        app.holdings().await.expect("still open")[0]
            .amount
            .to_string(),
        AMOUNT
    );
    app.lock().await;
    // An old key file (from a backup or a kept folder) and the old passphrase open nothing.
    let old_key = KeyFile::parse(&old_file, &key_path)
        .expect("parses")
        .unwrap_key(&passphrase(PASSPHRASE), &key_path)
        .expect("the old file still unwraps its own key");
    let error = Store::open_existing(&dir.path().join(DATABASE_FILE_NAME), &old_key)
        .await
        .expect_err("today's data is under a new key");
    assert!(error.to_string().contains("cannot decrypt"), "{error}");
    let without_keychain = app_in(dir.path(), Arc::new(crypto_balance_core::vault::NoKeychain));
    let error = without_keychain
        .unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect_err("the old passphrase is refused");
    assert_eq!(error.code(), ErrorCode::WrongPassphrase);
    without_keychain
        .unlock(Some(&passphrase("a new long passphrase")))
        .await
        .expect("the new passphrase unlocks");
    without_keychain.lock().await;
    // The keychain holds the new key: a silent unlock still works.
    app.unlock(None).await.expect("unlocks from the keychain");
    assert_eq!(app.holdings().await.expect("lists").len(), 1);
    let leftovers = names_in(dir.path(), |n| {
        n.starts_with("before-") || n.starts_with('.')
    });
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn after_lock_now_only_the_passphrase_unlocks_until_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keychain = Arc::new(MemoryKeychain::default());
    let app = created(dir.path(), keychain.clone()).await;
    app.lock_now().await;
    let error = app.unlock(None).await.expect_err("the keychain is barred");
    assert_eq!(error.code(), ErrorCode::Locked);
    app.unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("the passphrase unlocks");
    app.lock_now().await;
    assert!(app.unlock(None).await.is_err(), "still barred");
    // A new process (a restart) may use the keychain again.
    let restarted = app_in(dir.path(), keychain);
    restarted
        .unlock(None)
        .await
        .expect("silent unlock after a restart");
}
