//! Command-line arguments, parsed once into typed values (design.md section 9).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use crypto_balance_core::clock::UnixTime;
use crypto_balance_core::ids::{AlertId, BatchId};
use crypto_balance_core::rates::Plan;
use crypto_balance_core::Amount;
use rust_decimal::Decimal;

/// Crypto Balance: a private, local-first crypto portfolio tracker (headless CLI).
#[derive(Debug, Parser)]
#[command(name = "crypto-balance", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Folder holding the encrypted data [default: the desktop app's platform data folder]
    #[arg(
        long,
        global = true,
        env = "CRYPTO_BALANCE_DATA_DIR",
        value_name = "DIR"
    )]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable JSON on stdout (decimals as strings)
    #[arg(long, global = true)]
    pub json: bool,

    /// Read the recovery passphrase from FILE's first line (or set CRYPTO_BALANCE_PASSPHRASE)
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// CoinGecko base URL, replacing the plan's host (e.g. a local test server)
    #[arg(
        long,
        global = true,
        env = "CRYPTO_BALANCE_COINGECKO_URL",
        value_name = "URL"
    )]
    pub coingecko_url: Option<String>,

    /// DefiLlama base URL for prices older than the CoinGecko plan reaches (when CoinGecko's URL
    /// is overridden, DefiLlama is asked only if this is set too)
    #[arg(
        long,
        global = true,
        env = "CRYPTO_BALANCE_DEFILLAMA_URL",
        value_name = "URL"
    )]
    pub defillama_url: Option<String>,

    /// CoinGecko plan [public|demo|pro], overriding the stored setting (the key comes from
    /// CRYPTO_BALANCE_COINGECKO_KEY or `settings --api-key-file`)
    #[arg(
        long,
        global = true,
        env = "CRYPTO_BALANCE_COINGECKO_PLAN",
        value_name = "PLAN"
    )]
    pub coingecko_plan: Option<Plan>,

    /// Keep the data key in the OS keychain for silent unlock [on|off]
    #[arg(long, global = true, env = "CRYPTO_BALANCE_KEYCHAIN", value_name = "on|off", default_value = "on", value_parser = ["on", "off"], hide_default_value = true)]
    pub keychain: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show this build's version and the data folder in use
    Info,
    /// Create the encrypted vault in the data folder, protected by a recovery passphrase
    Init {
        /// Do not keep the key in the OS keychain: ask for the passphrase every time
        #[arg(long)]
        no_keychain: bool,
    },
    /// Add, list, set and remove holdings
    #[command(subcommand)]
    Holdings(HoldingsCommand),
    /// Undo a change by the id that `holdings remove` printed
    Undo {
        /// The change id
        id: BatchId,
    },
    /// Write an encrypted backup of everything to FILE (restorable with the recovery passphrase)
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Replace all data with a backup, checked completely first (the replaced files are kept in a
    /// new before-restore-<time> folder; the backup's passphrase opens the vault from then on)
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Change the recovery passphrase and re-encrypt the data under a new key (other processes
    /// must have the vault closed)
    ChangePassphrase {
        /// File whose first line is the new passphrase
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
    /// Ask for the passphrase at every start (on), or unlock from the keychain (off)
    AppLock {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Fetch rates from CoinGecko, store them and record a portfolio snapshot
    Sync {
        /// Run one cycle and exit (the loop runs in `daemon` and the desktop app)
        #[arg(long, required = true)]
        once: bool,
    },
    /// Show last known prices in the base currency, with their age
    Rates {
        /// Coin ids or symbols [default: every priced coin]
        #[arg(value_name = "ID")]
        coins: Vec<String>,
    },
    /// Set your own price for a coin (it wins over CoinGecko's), or clear it
    Override {
        /// Coin id or symbol
        #[arg(value_name = "ID")]
        coin: String,
        /// The price per coin
        #[arg(value_name = "PRICE", required_unless_present = "clear")]
        price: Option<Decimal>,
        /// Currency of the price [default: the base currency]
        #[arg(long, value_name = "CUR")]
        currency: Option<String>,
        /// Remove the override and use CoinGecko's price again
        #[arg(long, conflicts_with = "price")]
        clear: bool,
    },
    /// The portfolio's value from last known prices
    Value {
        /// Currency to value in [default: the base currency]
        #[arg(long, value_name = "CUR")]
        currency: Option<String>,
    },
    /// Keep rates fresh and alerts firing until stopped (SIGINT or SIGTERM), printing each update
    Daemon {
        /// Run this shell command for each fired alert, with CRYPTO_BALANCE_ALERT_* variables set
        #[arg(long, value_name = "CMD")]
        notify_command: Option<String>,
        #[command(flatten)]
        api: ApiServeArgs,
    },
    /// The local HTTP API's access tokens
    #[command(subcommand)]
    Api(ApiCommand),
    /// What this app has told outside services
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Watch-only wallets: add, list, scan, remove
    #[command(subcommand)]
    Wallets(crate::wallets::WalletsCommand),
    /// Import a CSV file (preview with --dry-run); one undo-able change, or nothing
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The file's layout [default: detected from the header]; generic needs --column
        #[arg(long, default_value = "auto", value_parser = ["auto", "native", "coinbase", "kraken-ledgers", "kraken-trades", "binance", "binance-trades", "cointracking", "koinly", "delta", "coinstats", "generic"])]
        format: String,
        /// Account for rows that name none
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
        /// Which coin a symbol means, e.g. --map BTC=bitcoin (repeatable)
        #[arg(long, value_name = "SYMBOL=ID")]
        map: Vec<String>,
        /// For any other CSV: which column holds what, e.g. --column time=Date --column coin=Asset
        /// --column amount=Qty (also kind, price, price_currency, account, note, id)
        #[arg(long, value_name = "FIELD=COLUMN")]
        column: Vec<String>,
        /// The zone of times written without one, e.g. +02:00 [default: UTC, or the zone a Binance
        /// file name gives]
        #[arg(long, value_name = "±HH:MM", allow_hyphen_values = true)]
        utc_offset: Option<String>,
        /// Show what would be imported, and write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Export holdings or the whole ledger as CSV to FILE, or to stdout with -
    Export {
        #[arg(value_name = "FILE|-")]
        target: String,
        #[arg(long, default_value = "ledger", value_parser = ["holdings", "ledger"])]
        what: String,
    },
    /// Price alerts: add, list, pause, resume, remove, history
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Show or change the base currency, refresh interval, CoinGecko plan and key, and the
    /// cost-basis method
    Settings(SettingsArgs),
    /// Realized P/L (over a year, or all time) and unrealized P/L, per coin and account
    Pl {
        /// A calendar year (UTC) for realized figures [default: all time]
        #[arg(long, value_name = "YEAR")]
        year: Option<i32>,
        #[command(flatten)]
        cost: CostArgs,
    },
    /// The open lots of a coin: when acquired, how much, what it cost, unrealized P/L
    Lots {
        /// Coin id or symbol
        #[arg(value_name = "ID")]
        coin: String,
        #[command(flatten)]
        cost: CostArgs,
    },
    /// Reports as CSV
    #[command(subcommand)]
    Report(ReportCommand),
    /// Fetch the missing daily prices of every coin ever held, from its first entry, as far back
    /// as the CoinGecko plan reaches (progress on stderr)
    Backfill,
    /// Net worth per day from the first entry: date, value (empty on a day a held coin has no
    /// stored price), and money put in (buys less sales)
    History {
        /// The first day to show [default: the first entry's]
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: Option<UnixTime>,
        /// Only this coin (id or symbol)
        #[arg(long, value_name = "ID")]
        coin: Option<String>,
        /// Only this account
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
}

/// A cost-basis method other than the saved one, for this run.
#[derive(Debug, Args)]
pub struct CostArgs {
    /// Which units a disposal uses up [default: the saved setting, FIFO at first]
    #[arg(long, value_name = "METHOD", value_parser = ["fifo", "lifo", "hifo", "average"])]
    pub method: Option<String>,
    /// Lots per account, or pooled across accounts [default: the saved setting]
    #[arg(long, value_name = "SCOPE", value_parser = ["per-account", "pooled"])]
    pub scope: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Every disposal of a year with proceeds, cost, gain and holding period, as CSV to FILE
    /// (not tax advice)
    Gains {
        /// The calendar year (UTC)
        #[arg(long, value_name = "YEAR")]
        year: i32,
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        cost: CostArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Every request sent to an outside service (CoinGecko, DefiLlama, ntfy, a webhook, a
    /// wallet's Esplora server): who was asked what, and when, newest first
    Log {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// Create, list or revoke the tokens the local API accepts
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token; it is shown once (with --json as {"token": …}) and kept only as a hash
    Create {
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Allow reads only: every write endpoint answers 403
        #[arg(long)]
        read_only: bool,
    },
    /// List tokens with their scope and last use (never their secret)
    List,
    /// Revoke a token at once
    Revoke {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// `daemon --api`: serve the local HTTP API beside the sync loop.
#[derive(Debug, Args)]
pub struct ApiServeArgs {
    /// Serve the local HTTP API (docs at /api/v1/openapi.json)
    #[arg(long)]
    pub api: bool,
    /// Where the API listens [default: 127.0.0.1:7823]
    #[arg(long, value_name = "ADDR:PORT", requires = "api")]
    pub listen: Option<std::net::SocketAddr>,
    /// Allow --listen on an address other machines can reach (tokens then cross the network
    /// in clear text unless a TLS proxy sits in front)
    #[arg(long, requires = "listen")]
    pub allow_remote: bool,
    /// Serve /metrics for Prometheus (token-protected): sync state, refresh age, requests by
    /// service and outcome, alerts fired
    #[arg(long, requires = "api")]
    pub metrics: bool,
    /// Also show what the portfolio is worth, per coin and account, in /metrics
    #[arg(long, requires = "metrics")]
    pub metrics_values: bool,
    /// Let web pages from ORIGIN call the API from a browser, e.g. http://localhost:8123
    /// (repeatable; none by default)
    #[arg(long, value_name = "ORIGIN", requires = "api")]
    pub cors_origin: Vec<String>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum AlertsCommand {
    /// Add a rule: a coin's price (--above/--below), its 24h move (--change-24h), or a value
    /// (--portfolio-above/-below, --holding-above/-below)
    Add(AlertArgs),
    /// List every rule
    List,
    /// Delete a rule (its fired history stays)
    Remove {
        #[arg(value_name = "ID")]
        id: AlertId,
    },
    /// Stop a rule from firing until resumed
    Pause {
        #[arg(value_name = "ID")]
        id: AlertId,
    },
    Resume {
        #[arg(value_name = "ID")]
        id: AlertId,
    },
    /// Keep a rule quiet for MINUTES (crossings meanwhile are skipped, not saved for later)
    Snooze {
        #[arg(value_name = "ID")]
        id: AlertId,
        #[arg(value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=43_200))]
        minutes: i64,
    },
    /// The most recent fired alerts (with --deliveries: each attempt to send one to ntfy or a
    /// webhook)
    History {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        deliveries: bool,
    },
    /// Where fired alerts go besides the desktop: an ntfy topic and a signed webhook
    Channels(ChannelArgs),
}

/// `alerts channels`: without options, shows them.
#[derive(Debug, Args)]
pub struct ChannelArgs {
    /// An ntfy topic URL, e.g. https://ntfy.sh/my-secret-topic ("" removes it)
    #[arg(long, value_name = "URL")]
    pub ntfy: Option<String>,
    /// Read an access token for the topic from FILE's first line ("" in the file removes it)
    #[arg(long, value_name = "FILE")]
    pub ntfy_token_file: Option<PathBuf>,
    /// A webhook URL; the first one set makes a signing secret, shown once ("" removes it)
    #[arg(long, value_name = "URL")]
    pub webhook: Option<String>,
    /// Privacy mode: send no prices, values or thresholds
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
    pub privacy: Option<String>,
    /// Print the webhook's signing secret (for setting up the receiver)
    #[arg(long)]
    pub show_secret: bool,
    /// Send a test message to every channel and show how each attempt went
    #[arg(long)]
    pub test: bool,
}

/// One alert rule; exactly one of the level options (or --wallet-changed).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("level").required(true).args([
    "above", "below", "change_24h", "portfolio_above", "portfolio_below", "holding_above", "holding_below",
    "wallet_changed",
])))]
pub struct AlertArgs {
    /// Coin id or symbol (price, change and holding rules)
    #[arg(long, value_name = "ID")]
    pub coin: Option<String>,
    /// Fire when the price reaches DEC or more
    #[arg(long, value_name = "DEC")]
    pub above: Option<Decimal>,
    /// Fire when the price falls to DEC or less
    #[arg(long, value_name = "DEC")]
    pub below: Option<Decimal>,
    /// Fire on a 24h move of PCT percent (see --direction)
    #[arg(long = "change-24h", value_name = "PCT")]
    pub change_24h: Option<Decimal>,
    /// Which 24h moves count
    #[arg(long, value_name = "up|down|either", default_value = "either", value_parser = ["up", "down", "either"], requires = "change_24h")]
    pub direction: String,
    /// Fire when the whole portfolio is worth DEC or more
    #[arg(long, value_name = "DEC")]
    pub portfolio_above: Option<Decimal>,
    #[arg(long, value_name = "DEC")]
    pub portfolio_below: Option<Decimal>,
    /// Fire when the coin's holding is worth DEC or more
    #[arg(long, value_name = "DEC")]
    pub holding_above: Option<Decimal>,
    #[arg(long, value_name = "DEC")]
    pub holding_below: Option<Decimal>,
    /// Fire when a scan finds the balance of the watched wallet NAME changed, with the amounts
    #[arg(long, value_name = "NAME", conflicts_with_all = ["coin", "account"])]
    pub wallet_changed: Option<String>,
    /// One account for holding rules [default: all accounts]
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Currency of the level [default: the base currency]
    #[arg(long, value_name = "CUR")]
    pub currency: Option<String>,
    /// Fire once, then stay done
    #[arg(long)]
    pub once: bool,
    /// At most one notification per this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub cooldown: i64,
    /// A note shown with the notification
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Where its alerts go besides the desktop: all (every channel set up), none, or a list
    /// such as ntfy,webhook (see `alerts channels`)
    #[arg(long, value_name = "all|none|LIST", default_value = "all")]
    pub channels: String,
}

/// Changes to the rate settings; with none, the settings are shown.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Currency to value the portfolio in, e.g. usd, eur
    #[arg(long, value_name = "CUR")]
    pub base_currency: Option<String>,
    /// Seconds between refreshes (stretched when the plan's budget needs it)
    #[arg(long, value_name = "SECONDS")]
    pub refresh_interval: Option<u32>,
    /// CoinGecko plan: public (no key), demo or pro
    #[arg(long, value_name = "PLAN")]
    pub plan: Option<Plan>,
    /// File whose first line is your CoinGecko API key (stored encrypted, never printed)
    #[arg(long, value_name = "FILE", conflicts_with = "clear_api_key")]
    pub api_key_file: Option<PathBuf>,
    /// Forget the stored API key
    #[arg(long)]
    pub clear_api_key: bool,
    /// Ask DefiLlama for daily prices older than the CoinGecko plan reaches [on|off]
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
    pub older_prices: Option<String>,
    /// The cost-basis method every P/L figure uses
    #[arg(long, value_name = "METHOD", value_parser = ["fifo", "lifo", "hifo", "average"])]
    pub cost_method: Option<String>,
    /// Lots per account, or pooled across accounts
    #[arg(long, value_name = "SCOPE", value_parser = ["per-account", "pooled"])]
    pub cost_scope: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum HoldingsCommand {
    /// Add to a holding (a buy when --price is given, else a deposit)
    Add {
        /// CoinGecko id (bitcoin) or an unambiguous symbol (btc)
        #[arg(long, value_name = "ID_OR_SYMBOL")]
        coin: String,
        /// Amount to add, a plain decimal with up to 18 places
        #[arg(long, value_name = "DEC")]
        amount: Amount,
        /// Account or wallet name [default: Manual]
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
        /// Price paid per coin (needs --currency)
        #[arg(long, value_name = "DEC", requires = "currency")]
        price: Option<Decimal>,
        /// Currency of --price, e.g. usd
        #[arg(long, value_name = "CUR", requires = "price")]
        currency: Option<String>,
        /// A note kept with the entry (encrypted like everything else)
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// When it was bought or received: 2024-03-01 or 2024-03-01T14:30:00Z (UTC unless an
        /// offset is given) [default: now]. Costs follow these dates.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: Option<UnixTime>,
    },
    /// List every holding
    List,
    /// Set a holding to an exact amount (writes the difference as an adjustment)
    Set {
        #[arg(long, value_name = "ID")]
        coin: String,
        #[arg(long, value_name = "DEC")]
        amount: Amount,
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
    /// Remove a holding (undo with `crypto-balance undo ID`)
    Remove {
        #[arg(long, value_name = "ID")]
        coin: String,
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
}

/// A date or time as `--date` takes it, read as UTC unless it names an offset.
fn parse_date(text: &str) -> Result<UnixTime, String> {
    crypto_balance_core::transfer::dates::parse_time(text, 0)
        .map(UnixTime::from_seconds)
        .ok_or_else(|| format!("'{text}' is not a date like 2024-03-01 or 2024-03-01T14:30:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_command() -> Result<(), clap::Error> {
        let cli = Cli::try_parse_from(["crypto-balance", "info", "--json", "--data-dir", "/d"])?;
        assert!(cli.global.json);
        assert_eq!(cli.global.data_dir, Some(PathBuf::from("/d")));
        Ok(())
    }

    #[test]
    fn malformed_amounts_are_usage_errors_naming_the_value() {
        let error = Cli::try_parse_from([
            "crypto-balance",
            "holdings",
            "add",
            "--coin",
            "btc",
            "--amount",
            "1,5",
        ])
        .err();
        assert_eq!(error.as_ref().map(|e| e.exit_code()), Some(2));
        assert!(error.is_some_and(|e| e.to_string().contains("'1,5' is not a number")));
    }

    #[test]
    fn a_price_needs_a_currency() {
        let result = Cli::try_parse_from([
            "crypto-balance",
            "holdings",
            "add",
            "--coin",
            "btc",
            "--amount",
            "1",
            "--price",
            "5",
        ]);
        assert!(result.is_err());
    }

    #[test]
    fn unknown_command_is_a_usage_error() {
        let error = Cli::try_parse_from(["crypto-balance", "frobnicate"]).err();
        assert_eq!(error.map(|e| e.exit_code()), Some(2));
    }
}
