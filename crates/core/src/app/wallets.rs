//! Watch-only wallets through the app: add, list, scan, remove, each publishing what changed.

use serde::Serialize;
use specta::Type;

use super::App;
use crate::alerts::{self, db as alerts_db};
use crate::events::Event;
use crate::store::Store;
use crate::wallets::{
    self, NewWallet, ScanReport, Wallet, WalletChain, WalletChange, WalletSettings,
};
use crate::Error;

/// What a wallet's input would watch, shown while it is typed (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, utoipa::ToSchema)]
pub struct WalletPreview {
    /// `bitcoin`, `testnet`, …
    pub network: String,
    /// The first receive address, to compare with the wallet software.
    pub first_address: Option<String>,
    /// Whether more addresses are derived (an xpub or a descriptor with `*`).
    pub derives_addresses: bool,
}

impl App {
    pub async fn wallets(&self) -> Result<Vec<Wallet>, Error> {
        Ok(wallets::list(&self.store().await?).await?)
    }

    /// Checks a wallet's input without storing it: a secret is refused here too.
    /// `choice` is the script type (Bitcoin) or the chains (EVM), as in [`NewWallet`].
    pub fn preview_wallet(
        &self,
        chain: WalletChain,
        watch: &str,
        choice: Option<&str>,
    ) -> Result<WalletPreview, Error> {
        let (stored, network) = wallets::parse_watch(chain, watch, choice)?;
        Ok(WalletPreview {
            first_address: wallets::first_address(chain, &stored, &network),
            derives_addresses: stored.contains('*'),
            network,
        })
    }

    /// Adds a wallet and its account (not scanned yet: see [`App::scan_wallets`]).
    pub async fn add_wallet(&self, new: NewWallet) -> Result<Wallet, Error> {
        let wallet = wallets::add(&self.store().await?, &new, self.now()).await?;
        self.publish(Event::AccountsChanged);
        Ok(wallet)
    }

    /// Scans the wallet named `name`, or every wallet, one after the other. A provider's failure
    /// is in its report; the others are still scanned.
    pub async fn scan_wallets(&self, name: Option<&str>) -> Result<Vec<ScanReport>, Error> {
        let _one_at_a_time = self.scanning.lock().await;
        let store = self.store().await?;
        let chosen = match name {
            Some(name) => vec![wallets::find(&store, name).await?],
            None => wallets::list(&store).await?,
        };
        if chosen.iter().any(|w| w.chain != WalletChain::Bitcoin) {
            // Tokens are matched to coins through the catalog; a new vault may not have it yet.
            if let Err(error) = self.rates.ensure_catalog(&store, self.now()).await {
                tracing::warn!(%error, "no coin catalog: tokens stay unpriced this time");
            }
            self.save_requests(&store).await;
        }
        let mut reports = Vec::with_capacity(chosen.len());
        for wallet in &chosen {
            let report =
                wallets::scan(&store, wallet, &self.providers, &self.requests, self.now()).await;
            self.save_requests(&store).await;
            let report = report?;
            if report.changes.added > 0 || report.changes.removed > 0 {
                self.publish(Event::HoldingsChanged);
            }
            self.publish(Event::WalletScanned(report.clone()));
            self.fire_wallet_alerts(&store, &report).await?;
            reports.push(report);
        }
        Ok(reports)
    }

    /// Fires the rules watching this wallet when its scan changed a balance: saved with their
    /// states in one transaction, then published for the desktop, the daemon and the channels.
    async fn fire_wallet_alerts(&self, store: &Store, report: &ScanReport) -> Result<(), Error> {
        if report.changed.is_empty() {
            return Ok(());
        }
        let rules: Vec<_> = alerts_db::load(store)
            .await?
            .into_iter()
            .filter(|(rule, _)| rule.kind.is_wallet())
            .collect();
        let changes: Vec<(String, crate::Amount)> = report
            .changed
            .iter()
            .map(|c| (c.coin.clone(), c.amount))
            .collect();
        let style = crate::numbers::NumberStyle::system();
        let (fired, states) =
            alerts::wallet::fired(&rules, &report.wallet, &changes, self.now(), style);
        alerts_db::record(store, &states, &fired).await?;
        for alert in fired {
            self.publish(Event::AlertFired(alert));
        }
        Ok(())
    }

    pub async fn wallet_settings(&self) -> Result<WalletSettings, Error> {
        Ok(wallets::settings::load(&self.store().await?).await?)
    }

    /// Stores the wallet settings (checked first); the next scan uses them.
    pub async fn set_wallet_settings(
        &self,
        wanted: &WalletSettings,
    ) -> Result<WalletSettings, Error> {
        Ok(wallets::settings::save(&self.store().await?, wanted).await?)
    }

    /// Renames a wallet, or changes its gap limit or chains (read at its next scan).
    pub async fn edit_wallet(&self, name: &str, change: &WalletChange) -> Result<Wallet, Error> {
        let _one_at_a_time = self.scanning.lock().await;
        let wallet = wallets::edit(&self.store().await?, name, change).await?;
        self.publish(Event::AccountsChanged);
        self.publish(Event::HoldingsChanged);
        Ok(wallet)
    }

    /// Removes a wallet, its account and the entries its scans wrote.
    pub async fn remove_wallet(&self, name: &str) -> Result<Wallet, Error> {
        let _one_at_a_time = self.scanning.lock().await;
        let wallet = wallets::remove(&self.store().await?, name).await?;
        self.publish(Event::AccountsChanged);
        self.publish(Event::HoldingsChanged);
        Ok(wallet)
    }
}
