//! Crash safety: a child process writing large batches is killed with SIGKILL at random moments;
//! every time, the database opens, passes `PRAGMA integrity_check`, and every batch is either
//! wholly there or wholly absent.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crypto_balance_core::ids::AccountId;
use crypto_balance_core::ledger::{self, BatchKind, EntryKind, NewEntry};
use crypto_balance_core::store::{Store, DATABASE_FILE_NAME};
use crypto_balance_core::vault::{self, KdfParams, NoKeychain};
use crypto_balance_core::{Amount, App, Passphrase};

use crate::support::{hold, names_in, TestApp};

const PASSPHRASE: &str = "crash test passphrase";
const BATCH_SIZE: usize = 2_000;
const CHILD_ENV: &str = "CRYPTO_BALANCE_CRASH_CHILD_DIR";
const ROUNDS: usize = 12;

fn passphrase() -> Passphrase {
    Passphrase::new(PASSPHRASE.into())
}

async fn open(dir: &Path) -> Store {
    let unlocked = vault::unlock(dir, &NoKeychain, Some(&passphrase())).expect("unlocks");
    Store::open(&dir.join(DATABASE_FILE_NAME), &unlocked.key)
        .await
        .expect("opens after a crash")
}

/// The child: writes batches of `BATCH_SIZE` entries, one transaction each, until killed.
#[tokio::test]
#[ignore = "run by crash_at_random_moments_never_loses_or_half_writes_a_batch"]
async fn crash_child_writer() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let store = open(dir).await;
    let account: AccountId = sqlx::query_scalar(
        "INSERT INTO accounts (name, kind, created_at) VALUES ('crash', 'manual', 0) \
         ON CONFLICT (name) DO UPDATE SET kind = kind RETURNING id",
    )
    .fetch_one(store.pool())
    .await
    .expect("account");
    let mut round: u64 = 0;
    loop {
        round += 1;
        let pid = std::process::id();
        let entries: Vec<NewEntry> = (0..BATCH_SIZE)
            .map(|i| NewEntry {
                account_id: account,
                asset_id: "bitcoin".into(),
                amount: Amount::from_atoms(1_000_000_000_000_000 + i as i128),
                kind: EntryKind::Deposit,
                occurred_at: 0,
                price: None,
                note: Some(format!("round {round}")),
                source: format!("crash:{pid}:{round}:{i}"),
                link: None,
            })
            .collect();
        ledger::write_batch(&store, BatchKind::Import, "crash test", &entries, 0)
            .await
            .expect("writes");
    }
}

/// Random kill moments (xorshift), different in every run, from `from` to `from + spread` ms.
struct KillMoments {
    seed: u64,
    from: u64,
    spread: u64,
}

impl KillMoments {
    fn new(salt: u64, from: u64, spread: u64) -> Self {
        Self {
            seed: salt ^ u64::from(std::process::id()),
            from,
            spread,
        }
    }

    fn next(&mut self) -> Duration {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        Duration::from_millis(self.from + self.seed % self.spread)
    }
}

/// Runs the ignored test `child_test` of this binary with `env` set to `dir`, and kills it with
/// SIGKILL at the next random moment.
async fn run_and_kill(child_test: &str, env: &str, dir: &Path, moments: &mut KillMoments) {
    let exe = std::env::current_exe().expect("test binary");
    let mut child = Command::new(&exe)
        .args([child_test, "--exact", "--ignored", "--nocapture"])
        .env(env, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns the child");
    tokio::time::sleep(moments.next()).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

#[tokio::test]
async fn crash_at_random_moments_never_loses_or_half_writes_a_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    vault::create(
        dir.path(),
        &passphrase(),
        &NoKeychain,
        KdfParams::insecure_for_tests(),
        false,
    )
    .expect("creates");
    open(dir.path()).await.close().await;

    let mut moments = KillMoments::new(0x9e37_79b9_7f4a_7c15, 100, 600);
    let mut committed_before = 0i64;
    for round in 0..ROUNDS {
        run_and_kill(
            "crash::crash_child_writer",
            CHILD_ENV,
            dir.path(),
            &mut moments,
        )
        .await;

        let store = open(dir.path()).await;
        assert!(
            store.integrity_ok().await.expect("checks"),
            "round {round}: integrity"
        );
        let sizes: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT b.id, count(e.id) FROM batches b LEFT JOIN entries e ON e.batch_id = b.id GROUP BY b.id",
        )
        .fetch_all(store.pool())
        .await
        .expect("counts");
        for (batch, size) in &sizes {
            assert_eq!(
                *size, BATCH_SIZE as i64,
                "round {round}: batch {batch} is half-written"
            );
        }
        // The stored balance is exactly the sum of the entries that exist.
        let (entries, balance): (i64, Option<String>) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM entries), (SELECT amount FROM balances WHERE asset_id = 'bitcoin')",
        )
        .fetch_one(store.pool())
        .await
        .expect("reads");
        let per_batch: i128 = (0..BATCH_SIZE as i128)
            .map(|i| 1_000_000_000_000_000 + i)
            .sum();
        let expected = Amount::from_atoms(per_batch * i128::from(entries) / BATCH_SIZE as i128);
        let stored: Amount = balance.as_deref().unwrap_or("0").parse().expect("decimal");
        assert_eq!(
            stored, expected,
            "round {round}: balance matches the entries"
        );
        assert!(
            sizes.len() as i64 >= committed_before,
            "round {round}: a commit was lost"
        );
        committed_before = sizes.len() as i64;
        store.close().await;
    }
    assert!(
        committed_before > 0,
        "the writer never committed: the test proved nothing"
    );
}

// Issue 17: restore and change-passphrase killed at random moments, 50 times each: every time
// the vault opens, passes integrity_check and holds the old or the new data.

const KILLS: usize = 50;
const RESTORE_CHILD_ENV: &str = "CRYPTO_BALANCE_CRASH_RESTORE_DIR";
const REKEY_CHILD_ENV: &str = "CRYPTO_BALANCE_CRASH_REKEY_DIR";
const SECOND_PASSPHRASE: &str = "crash test second passphrase";

fn app(dir: &Path) -> App {
    TestApp::new().keychain(Arc::new(NoKeychain)).open(dir)
}

/// Opens the vault with whichever passphrase works, checks its integrity, and returns its
/// holdings as `coin=amount` lines, and the passphrase that opened it.
async fn open_and_read(dir: &Path, round: usize) -> (Vec<String>, &'static str) {
    let app = app(dir);
    let mut opened = None;
    for text in [PASSPHRASE, SECOND_PASSPHRASE] {
        if app
            .unlock(Some(&Passphrase::new(text.into())))
            .await
            .is_ok()
        {
            opened = Some(text);
            break;
        }
    }
    let Some(opened) = opened else {
        panic!("round {round}: the vault opens with none of its passphrases");
    };
    let store = app.store().await.expect("open");
    assert!(
        store.integrity_ok().await.expect("checks"),
        "round {round}: integrity"
    );
    let held = app
        .holdings()
        .await
        .expect("lists")
        .into_iter()
        .map(|h| format!("{}={}", h.coin, h.amount))
        .collect();
    app.lock().await;
    (held, opened)
}

/// What the kills found, to show the test reached every phase.
#[derive(Debug, Default)]
struct KillStats {
    /// Kills that left a journal (mid-swap): the next open finished the swap.
    mid_swap: usize,
    /// Kills that left work folders without a journal (mid-check or mid-copy).
    mid_check: usize,
    /// What each open found.
    seen: Vec<(Vec<String>, &'static str)>,
}

/// Kills `child_test` (run with `env` pointing at `dir`) at random moments; after each kill the
/// vault must hold one of `allowed`.
async fn kill_repeatedly(
    child_test: &str,
    env: &str,
    dir: &Path,
    allowed: &[Vec<String>],
) -> KillStats {
    let moments = KillMoments::new(0x2545_f491_4f6c_dd1d, 30, 400);
    kill_repeatedly_within(child_test, env, dir, allowed, moments, KILLS).await
}

/// [`kill_repeatedly`], `kills` times at the given `moments`.
async fn kill_repeatedly_within(
    child_test: &str,
    env: &str,
    dir: &Path,
    allowed: &[Vec<String>],
    mut moments: KillMoments,
    kills: usize,
) -> KillStats {
    let mut stats = KillStats::default();
    for round in 0..kills {
        run_and_kill(child_test, env, dir, &mut moments).await;
        if crypto_balance_core::backup::restore_pending(dir) {
            stats.mid_swap += 1;
        } else if crypto_balance_core::backup::needs_recovery(dir) {
            stats.mid_check += 1;
        }
        let (held, opened) = open_and_read(dir, round).await;
        assert!(
            allowed.contains(&held),
            "round {round}: the vault holds {held:?}, neither the old nor the new data"
        );
        assert!(
            !crypto_balance_core::backup::needs_recovery(dir),
            "round {round}: opening left work behind"
        );
        stats.seen.push((held, opened));
    }
    eprintln!(
        "{child_test}: {kills} kills, {} mid-swap, {} mid-check",
        stats.mid_swap, stats.mid_check
    );
    stats
}

/// The child: restores backup A, then B, then A … until killed.
#[tokio::test]
#[ignore = "run by restore_killed_at_random_moments_leaves_the_old_or_the_new_vault"]
async fn crash_child_restorer() {
    let Ok(dir) = std::env::var(RESTORE_CHILD_ENV) else {
        return;
    };
    let dir = Path::new(&dir);
    let backups = [dir.with_extension("a"), dir.with_extension("b")];
    let app = app(dir);
    for n in 0usize.. {
        app.restore(&backups[n % 2], &passphrase())
            .await
            .expect("restores");
    }
}

/// An app on a new vault in `dir`, unlocked.
async fn created(dir: &Path) -> App {
    let maker = app(dir);
    maker
        .create_vault(&passphrase(), false)
        .await
        .expect("creates");
    maker
}

#[tokio::test]
async fn restore_killed_at_random_moments_leaves_the_old_or_the_new_vault() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("vault");
    let maker = created(&dir).await;
    hold(&maker, "bitcoin", "1").await;
    maker
        .backup(&dir.with_extension("a"))
        .await
        .expect("backup a");
    hold(&maker, "ethereum", "2").await;
    maker
        .backup(&dir.with_extension("b"))
        .await
        .expect("backup b");
    maker.lock().await;
    let a = vec!["bitcoin=1".to_owned()];
    let b = vec!["bitcoin=1".to_owned(), "ethereum=2".to_owned()];
    let stats = kill_repeatedly(
        "crash::crash_child_restorer",
        RESTORE_CHILD_ENV,
        &dir,
        &[a.clone(), b],
    )
    .await;
    assert!(
        stats.seen.iter().any(|(held, _)| *held == a),
        "no restore ever completed: the test proved nothing"
    );
}

/// The child: changes the passphrase back and forth until killed.
#[tokio::test]
#[ignore = "run by change_passphrase_killed_at_random_moments_leaves_one_that_opens"]
async fn crash_child_rekeyer() {
    let Ok(dir) = std::env::var(REKEY_CHILD_ENV) else {
        return;
    };
    let app = app(Path::new(&dir));
    let (mut current, mut next) = (PASSPHRASE, SECOND_PASSPHRASE);
    if app
        .unlock(Some(&Passphrase::new(current.into())))
        .await
        .is_err()
    {
        std::mem::swap(&mut current, &mut next);
    }
    app.lock().await;
    loop {
        app.change_passphrase(
            &Passphrase::new(current.into()),
            &Passphrase::new(next.into()),
        )
        .await
        .expect("changes");
        std::mem::swap(&mut current, &mut next);
    }
}

#[tokio::test]
async fn change_passphrase_killed_at_random_moments_leaves_one_that_opens() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("vault");
    let maker = created(&dir).await;
    hold(&maker, "bitcoin", "1.5").await;
    hold(&maker, "solana", "42").await;
    maker.lock().await;
    let data = vec!["bitcoin=1.5".to_owned(), "solana=42".to_owned()];
    let stats = kill_repeatedly("crash::crash_child_rekeyer", REKEY_CHILD_ENV, &dir, &[data]).await;
    assert!(
        stats
            .seen
            .iter()
            .any(|(_, opened)| *opened == SECOND_PASSPHRASE),
        "no change of passphrase ever completed: the test proved nothing"
    );
    let leftovers = names_in(&dir, |n| n.starts_with("before-rekey"));
    assert!(leftovers.is_empty(), "old-key copies left: {leftovers:?}");
}

const SCAN_CHILD_ENV: &str = "CRYPTO_BALANCE_CRASH_SCAN_DIR";
/// Addresses paid in each of the two histories the scanning child switches between.
const PAID: u32 = 40;

/// Two Esplora servers with different histories of the same wallet: 40 payments of 1,000 sats,
/// or 40 other payments of 2,000 sats.
async fn two_histories() -> (chain_fake::FakeEsplora, chain_fake::FakeEsplora) {
    let (a, b) = (
        chain_fake::FakeEsplora::start().await.expect("fake"),
        chain_fake::FakeEsplora::start().await.expect("fake"),
    );
    for index in 0..PAID {
        let script = crate::wallets::script_at(0, index);
        a.pay(&script, 1_000, Some(800_000 + u64::from(index)));
        b.pay(&script, 2_000, Some(800_100 + u64::from(index)));
    }
    (a, b)
}

/// The child: scans the wallet against one history, then the other, until killed. Each scan
/// takes out the other history's 40 entries and writes its own, in one transaction.
#[tokio::test]
#[ignore = "run by a_scan_killed_at_random_moments_leaves_one_history_whole"]
async fn crash_child_scanner() {
    let Ok(dir) = std::env::var(SCAN_CHILD_ENV) else {
        return;
    };
    let app = app(Path::new(&dir));
    app.unlock(Some(&passphrase())).await.expect("unlocks");
    let (a, b) = two_histories().await;
    // Start with the history the vault does not hold, so every run that gets a scan done flips it.
    let holds_a = app
        .holdings()
        .await
        .expect("lists")
        .iter()
        .any(|h| h.amount.to_string() == "0.0004");
    for n in usize::from(holds_a).. {
        let server = if n % 2 == 0 { a.url() } else { b.url() };
        app.set_wallet_settings(&crypto_balance_core::wallets::WalletSettings {
            esplora_url: Some(server),
            ..Default::default()
        })
        .await
        .expect("sets the server");
        let report = app.scan_wallets(None).await.expect("scans").remove(0);
        assert_eq!(report.error, None);
    }
}

#[tokio::test]
async fn a_scan_killed_at_random_moments_leaves_one_history_whole() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("vault");
    let maker = created(&dir).await;
    maker
        .add_wallet(crypto_balance_core::wallets::NewWallet {
            chain: crypto_balance_core::wallets::WalletChain::Bitcoin,
            watch: format!("wpkh({}/0/*)", crate::wallets::XPUB),
            name: Some("Cold".into()),
            script_type: None,
            gap_limit: None,
            chains: None,
        })
        .await
        .expect("adds");
    maker.lock().await;
    // Nothing scanned yet, all of the first history, or all of the second: never a mixture.
    let allowed: Vec<Vec<String>> = vec![
        vec![],
        vec!["bitcoin=0.0004".into()],
        vec!["bitcoin=0.0008".into()],
    ];
    // A child needs about half a second to start and get its first scan going (debug build).
    let moments = KillMoments::new(0x9e37_79b9_7f4a_7c15, 300, 1_500);
    let stats = kill_repeatedly_within(
        "crash::crash_child_scanner",
        SCAN_CHILD_ENV,
        &dir,
        &allowed,
        moments,
        24,
    )
    .await;
    let seen: std::collections::BTreeSet<_> = stats.seen.iter().map(|(held, _)| held).collect();
    eprintln!("states left by the kills: {seen:?}");
    // Both histories seen: scans completed and replaced each other between kills.
    assert!(
        seen.contains(&allowed[1]) && seen.contains(&allowed[2]),
        "the kills never found both histories: the test proved nothing ({seen:?})"
    );
}
