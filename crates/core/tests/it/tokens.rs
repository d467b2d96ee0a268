//! The local API's tokens in a real encrypted vault: kept only as hashes, found by their secret,
//! revoked at once, refused while the vault is locked.

use crypto_balance_core::tokens::TokenScope;
use crypto_balance_core::ErrorCode;

use crate::support::TestApp;

#[tokio::test]
async fn tokens_are_made_checked_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::new().at(1_800_000_000).create(dir.path()).await;
    let (made, secret) = app
        .create_api_token(" Home Assistant ", TokenScope::Read)
        .await
        .unwrap();
    assert_eq!(made.name, "Home Assistant");
    assert_eq!(made.last_used_at, None);

    let duplicate = app
        .create_api_token("home assistant", TokenScope::ReadWrite)
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), ErrorCode::Conflict);
    let empty = app
        .create_api_token("  ", TokenScope::Read)
        .await
        .unwrap_err();
    assert_eq!(empty.code(), ErrorCode::InvalidInput);

    let found = app.authorize_api_token(secret.expose()).await.unwrap();
    assert_eq!(found.map(|t| t.scope), Some(TokenScope::Read));
    assert_eq!(app.authorize_api_token("cb_nope").await.unwrap(), None);
    // The secret with its last character changed (to '1' where it already ends in '0').
    let (head, last) = secret.expose().split_at(secret.expose().len() - 1);
    let almost = format!("{head}{}", if last == "0" { "1" } else { "0" });
    assert_eq!(app.authorize_api_token(&almost).await.unwrap(), None);
    let listed = app.api_tokens().await.unwrap();
    assert_eq!(
        listed[0].last_used_at.map(|t| t.seconds()),
        Some(1_800_000_000)
    );

    // The secret is nowhere in the vault's files: only its hash is kept.
    app.lock().await;
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(secret.expose()), "{:?}", entry.path());
        }
    }
    let locked = app.authorize_api_token(secret.expose()).await.unwrap_err();
    assert_eq!(locked.code(), ErrorCode::Locked);

    let app = TestApp::new().open(dir.path());
    app.unlock(Some(&crate::support::passphrase(
        crate::support::PASSPHRASE,
    )))
    .await
    .unwrap();
    app.revoke_api_token("HOME ASSISTANT").await.unwrap();
    assert_eq!(
        app.authorize_api_token(secret.expose()).await.unwrap(),
        None
    );
    let gone = app.revoke_api_token("Home Assistant").await.unwrap_err();
    assert_eq!(gone.code(), ErrorCode::NotFound);
}
