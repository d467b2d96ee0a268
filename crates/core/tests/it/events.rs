//! Every write publishes its own event on the app's one channel, after it committed.

use crypto_balance_core::accounts::AccountKind;
use crypto_balance_core::events::Event;
use crypto_balance_core::transfer::import::ImportOptions;
use tokio::sync::broadcast::error::TryRecvError;
use tokio::sync::broadcast::Receiver;

use crate::support::{dry, hold, passphrase, vault, write, PASSPHRASE};

/// The events published so far, by name.
fn drain(events: &mut Receiver<Event>) -> Vec<&'static str> {
    let mut names = Vec::new();
    loop {
        match events.try_recv() {
            Ok(event) => names.push(event.name()),
            Err(TryRecvError::Lagged(_)) => {}
            Err(_) => return names,
        }
    }
}

#[tokio::test]
async fn every_write_publishes_what_it_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = vault(dir.path()).await;
    let mut events = app.subscribe();

    hold(&app, "bitcoin", "1").await;
    let set = app
        .set_holding("bitcoin", "2".parse().expect("amount"), None)
        .await;
    set.expect("sets");
    let removed = app.remove_holding("bitcoin", None).await.expect("removes");
    app.undo(removed.batch_id).await.expect("undoes");
    assert_eq!(drain(&mut events), ["holdings-changed"; 4]);

    app.create_account("Ledger", AccountKind::Wallet)
        .await
        .expect("creates");
    app.rename_account("Ledger", "Trezor")
        .await
        .expect("renames");
    app.delete_account("Trezor").await.expect("deletes");
    assert_eq!(
        drain(&mut events),
        [
            "accounts-changed",
            "accounts-changed",
            "holdings-changed",
            "accounts-changed"
        ]
    );

    let file = write(
        dir.path(),
        "in.csv",
        b"time,account,coin,amount,kind,price,price_currency,note,id\n\
          2024-01-02T03:04:05Z,A,ethereum,1,deposit,,,,x1\n",
    );
    let preview = dry(ImportOptions::default());
    app.import(&file, &preview).await.expect("previews");
    let seen = drain(&mut events);
    assert!(
        seen.iter().all(|name| *name == "import-progress"),
        "{seen:?}"
    );
    assert!(!seen.is_empty(), "a preview reports its progress");
    app.import(&file, &ImportOptions::default())
        .await
        .expect("imports");
    let seen = drain(&mut events);
    assert!(
        seen.ends_with(&["holdings-changed", "accounts-changed"]),
        "{seen:?}"
    );

    // A failed write publishes nothing.
    assert!(app.remove_holding("dogecoin", None).await.is_err());
    assert_eq!(drain(&mut events), Vec::<&str>::new());

    app.lock().await;
    app.lock().await;
    app.unlock(Some(&passphrase(PASSPHRASE)))
        .await
        .expect("unlocks");
    assert_eq!(drain(&mut events), ["vault-locked", "vault-unlocked"]);
}
