//! What the integration tests share: an app on a vault in a temp folder (with the cheap test KDF, a
//! memory keychain, optionally a fixed clock and CoinGecko settings such as the local fake's URL),
//! a holding in one line, fixtures and files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crypto_balance_core::clock::FixedClock;
use crypto_balance_core::holdings::NewHolding;
use crypto_balance_core::rates::CoinGeckoOverrides;
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::vault::{KdfParams, Keychain, MemoryKeychain};
use crypto_balance_core::wallets::ProviderOverrides;
use crypto_balance_core::{App, AppConfig, Passphrase};

/// The passphrase of every test vault unless a test names its own.
pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn passphrase(text: &str) -> Passphrase {
    Passphrase::new(text.to_owned())
}

/// How to open an app for a test; [`TestApp::new`] gives the defaults.
#[derive(Debug, Clone)]
pub struct TestApp {
    keychain: Arc<dyn Keychain>,
    clock: Option<Arc<FixedClock>>,
    coingecko: CoinGeckoOverrides,
    use_keychain: bool,
    delivery: Option<crypto_balance_core::notify::Policy>,
    providers: ProviderOverrides,
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}

impl TestApp {
    /// A memory keychain, the system clock, no CoinGecko override, the keychain not used.
    pub fn new() -> Self {
        Self {
            keychain: Arc::new(MemoryKeychain::default()),
            clock: None,
            coingecko: CoinGeckoOverrides::default(),
            use_keychain: false,
            delivery: None,
            providers: ProviderOverrides::default(),
        }
    }

    pub fn keychain(mut self, keychain: Arc<dyn Keychain>) -> Self {
        self.keychain = keychain;
        self
    }

    /// Stores the data key in the keychain at creation (silent unlock afterwards).
    pub fn using_keychain(mut self) -> Self {
        self.use_keychain = true;
        self
    }

    pub fn clock(mut self, clock: Arc<FixedClock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// A clock stopped at `unix_seconds`.
    pub fn at(self, unix_seconds: i64) -> Self {
        self.clock(Arc::new(FixedClock::at(unix_seconds)))
    }

    /// How alert deliveries retry (tests use milliseconds, not the default's seconds).
    pub fn delivery(mut self, policy: crypto_balance_core::notify::Policy) -> Self {
        self.delivery = Some(policy);
        self
    }

    /// Where wallets are scanned (a local fake).
    pub fn providers(mut self, providers: ProviderOverrides) -> Self {
        self.providers = providers;
        self
    }

    pub fn coingecko(mut self, coingecko: CoinGeckoOverrides) -> Self {
        self.coingecko = coingecko;
        self
    }

    /// The app on `dir`, its vault as it is (not created, locked).
    pub fn open(&self, dir: &Path) -> App {
        App::open(AppConfig {
            data_dir: Some(dir.to_path_buf()),
            keychain: Some(self.keychain.clone()),
            kdf: Some(KdfParams::insecure_for_tests()),
            clock: self.clock.clone().map(|c| c as _),
            coingecko: self.coingecko.clone(),
            delivery: self.delivery,
            wallets: self.providers.clone(),
        })
        .expect("the app opens")
    }

    /// The app on a new vault in `dir` (protected by [`PASSPHRASE`]), unlocked.
    pub async fn create(&self, dir: &Path) -> App {
        let app = self.open(dir);
        app.create_vault(&passphrase(PASSPHRASE), self.use_keychain)
            .await
            .expect("creates the vault");
        app
    }
}

/// Adding `amount` of `coin` to the default account, with no price.
pub fn holding(coin: &str, amount: &str) -> NewHolding {
    NewHolding {
        coin: coin.into(),
        amount: amount.parse().expect("amount"),
        ..NewHolding::default()
    }
}

/// Adds `amount` of `coin` to the default account.
pub async fn hold(app: &App, coin: &str, amount: &str) {
    app.add_holding(holding(coin, amount))
        .await
        .expect("holding added");
}

/// A new vault in `dir`, unlocked, its clock at 2023-11-14 (the CSV tests' day).
pub async fn vault(dir: &Path) -> App {
    TestApp::new().at(1_700_000_000).create(dir).await
}

/// The names in `dir` that `keep` picks: what an operation left behind.
pub fn names_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("lists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| keep(name))
        .collect()
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("writes");
    path
}

/// A fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// The same import choices as a preview, which writes nothing.
pub fn dry(options: ImportOptions) -> ImportOptions {
    ImportOptions {
        dry_run: true,
        ..options
    }
}

/// CoinGecko at the local `fake`, every price fetched again at each cycle (so a test can move
/// prices between cycles).
pub fn fresh_prices_from(fake: &coingecko_fake::FakeCoinGecko) -> CoinGeckoOverrides {
    CoinGeckoOverrides {
        base_url: Some(fake.base_url()),
        timeout: Some(std::time::Duration::from_secs(5)),
        freshness: Some(std::time::Duration::from_millis(1)),
        ..CoinGeckoOverrides::default()
    }
}
