//! `wallets add|list|scan|remove`: watch-only wallets, scanned through their chain's provider
//! (`CRYPTO_BALANCE_ESPLORA_URL` and friends point them at a server of your own or a test fake).

use std::str::FromStr;

use clap::Subcommand;
use crypto_balance_core::wallets::{
    EvmChain, NewWallet, ScanReport, Wallet, WalletChain, WalletChange, WalletSettings,
    DEFAULT_SOLANA_RPC,
};
use crypto_balance_core::{App, ErrorReport};
use serde_json::json;

use crate::output;

#[derive(Debug, Subcommand)]
pub enum WalletsCommand {
    /// Watch a wallet: a Bitcoin address, xpub/ypub/zpub or descriptor, an EVM address or a
    /// Solana address (public data only: a private key or recovery phrase is refused). It is
    /// scanned right away.
    Add {
        /// bitcoin, evm or solana
        #[arg(value_name = "CHAIN")]
        chain: WalletChain,
        /// The address, extended public key or output descriptor
        #[arg(value_name = "ADDRESS|XPUB|DESCRIPTOR")]
        watch: String,
        /// The wallet's name [default: the chain and the first address]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// How many unused addresses past the last used one end a scan
        #[arg(long, value_name = "N")]
        gap_limit: Option<u32>,
        /// For an xpub: legacy, nested, segwit or taproot [default: from its prefix]
        #[arg(long, value_name = "TYPE")]
        script_type: Option<String>,
        /// For an EVM address: the chains to watch it on, comma-separated, from ethereum,
        /// arbitrum, optimism, base, polygon and bnb [default: all six]
        #[arg(long, value_name = "CHAINS")]
        chains: Option<String>,
        /// Add it without scanning now
        #[arg(long)]
        no_scan: bool,
    },
    /// The watched wallets, with the block each was last scanned at
    List,
    /// Ask each wallet's chain what it holds now (or only the named wallet's)
    Scan {
        #[arg(value_name = "NAME")]
        name: Option<String>,
    },
    /// Rename a wallet, or change its gap limit (Bitcoin) or chains (EVM); what it watches stays
    Edit {
        #[arg(value_name = "NAME")]
        name: String,
        /// Its new name (its alert rules follow)
        #[arg(long = "name", value_name = "NEW")]
        new_name: Option<String>,
        #[arg(long, value_name = "N")]
        gap_limit: Option<u32>,
        /// The chains, comma-separated; a chain left out has its balances taken out at the next
        /// scan
        #[arg(long, value_name = "CHAINS")]
        chains: Option<String>,
    },
    /// Stop watching a wallet: its account and the entries its scans wrote are removed
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Show or set the servers wallets are scanned through: your own Esplora (electrs or
    /// mempool, e.g. http://127.0.0.1:3002), Solana or EVM node. CRYPTO_BALANCE_ESPLORA_URL,
    /// CRYPTO_BALANCE_SOLANA_RPC and CRYPTO_BALANCE_RPC_<CHAIN> win over them
    Server {
        #[arg(value_name = "URL")]
        url: Option<String>,
        /// Whose server: bitcoin, solana, or an EVM chain (ethereum, base, …)
        #[arg(long, value_name = "CHAIN", default_value = "bitcoin")]
        chain: String,
        /// Ask the chain's public server again
        #[arg(long, conflicts_with = "url")]
        public: bool,
        /// Set (or with --public, clear) the EVM chain's Blockscout indexer instead of its RPC
        /// server: it finds every token the address holds, so unknown ones are listed apart
        #[arg(long)]
        indexer: bool,
    },
}

pub async fn run(app: &App, command: &WalletsCommand, json: bool) -> Result<(), ErrorReport> {
    match command {
        WalletsCommand::Add {
            chain,
            watch,
            name,
            gap_limit,
            script_type,
            chains,
            no_scan,
        } => {
            let wallet = app
                .add_wallet(NewWallet {
                    chain: *chain,
                    watch: watch.clone(),
                    name: name.clone(),
                    script_type: script_type.clone(),
                    gap_limit: *gap_limit,
                    chains: chains.clone(),
                })
                .await?;
            let reports = match no_scan {
                true => Vec::new(),
                false => app.scan_wallets(Some(&wallet.name)).await?,
            };
            if json {
                output::print_json(&json!({ "wallet": wallet, "scans": reports }));
            } else {
                let mut lines = vec![format!(
                    "Watching '{}' ({} on {}); first address {}",
                    wallet.name,
                    wallet.chain.as_str(),
                    wallet.network,
                    wallet.first_address.as_deref().unwrap_or("-")
                )];
                lines.extend(reports.iter().map(scan_line));
                output::print_lines(&lines);
            }
        }
        WalletsCommand::List => list(&app.wallets().await?, json),
        WalletsCommand::Scan { name } => {
            let reports = app.scan_wallets(name.as_deref()).await?;
            if json {
                output::print_json(&reports);
            } else if reports.is_empty() {
                output::print_lines(&[no_wallets()]);
            } else {
                output::print_lines(&reports.iter().map(scan_line).collect::<Vec<_>>());
            }
        }
        WalletsCommand::Server {
            url,
            chain,
            public,
            indexer,
        } => {
            let mut settings = app.wallet_settings().await?;
            if url.is_some() || *public {
                set_server(&mut settings, chain, url.clone(), *indexer)?;
                settings = app.set_wallet_settings(&settings).await?;
            }
            if json {
                output::print_json(&settings);
            } else {
                output::print_lines(&server_lines(&settings));
            }
        }
        WalletsCommand::Edit {
            name,
            new_name,
            gap_limit,
            chains,
        } => {
            let change = WalletChange {
                name: new_name.clone(),
                gap_limit: *gap_limit,
                chains: chains.clone(),
            };
            list(&[app.edit_wallet(name, &change).await?], json);
        }
        WalletsCommand::Remove { name } => {
            let wallet = app.remove_wallet(name).await?;
            output::done(
                &format!(
                    "Stopped watching '{}'; its account and scanned entries are removed",
                    wallet.name
                ),
                json,
            );
        }
    }
    Ok(())
}

/// Puts `url` (`None`: the public one) as `chain`'s server, or its indexer, into `settings`.
fn set_server(
    settings: &mut WalletSettings,
    chain: &str,
    url: Option<String>,
    indexer: bool,
) -> Result<(), ErrorReport> {
    match (chain.trim().to_ascii_lowercase().as_str(), indexer) {
        ("bitcoin" | "btc", false) => settings.esplora_url = url,
        ("solana" | "sol", false) => settings.solana_rpc = url,
        (other, _) => {
            let chain = EvmChain::from_str(other).map_err(crypto_balance_core::Error::from)?;
            let servers = match indexer {
                true => &mut settings.evm_indexer,
                false => &mut settings.evm_rpc,
            };
            match url {
                Some(url) => servers.insert(chain.name().to_owned(), url),
                None => servers.remove(chain.name()),
            };
        }
    }
    Ok(())
}

fn server_lines(settings: &WalletSettings) -> Vec<String> {
    let mut lines = vec![match &settings.esplora_url {
        Some(url) => format!("Bitcoin: {url}"),
        None => {
            "Bitcoin: Blockstream's public Esplora server (mempool.space for signet)".to_owned()
        }
    }];
    for chain in EvmChain::ALL {
        lines.push(match settings.evm_rpc.get(chain.name()) {
            Some(url) => format!("{}: {url}", chain.title()),
            None => format!("{}: {} (public)", chain.title(), chain.default_rpc()),
        });
        if let Some(indexer) = settings.evm_indexer.get(chain.name()) {
            lines.push(format!(
                "{}: tokens found by the indexer {indexer}",
                chain.title()
            ));
        }
    }
    lines.push(match &settings.solana_rpc {
        Some(url) => format!("Solana: {url}"),
        None => format!("Solana: {DEFAULT_SOLANA_RPC} (public)"),
    });
    lines
}

fn no_wallets() -> String {
    "No wallets yet: `wallets add bitcoin|evm|solana ADDRESS`".to_owned()
}

fn list(wallets: &[Wallet], json: bool) {
    if json {
        return output::print_json(&wallets);
    }
    if wallets.is_empty() {
        return output::print_lines(&[no_wallets()]);
    }
    let rows: Vec<Vec<String>> = wallets
        .iter()
        .map(|w| {
            let as_of = match (w.scanned_height, w.scanned_at) {
                (Some(height), Some(at)) => {
                    format!(
                        "block {height}, {}",
                        crypto_balance_core::clock::iso8601(at.seconds())
                    )
                }
                _ => "not scanned yet".to_owned(),
            };
            vec![
                w.name.clone(),
                format!("{} ({})", w.chain.as_str(), w.network),
                w.first_address.clone().unwrap_or_default(),
                as_of,
                w.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &["NAME", "CHAIN", "FIRST ADDRESS", "AS OF", "LAST ERROR"],
        &rows,
        &[],
    );
}

/// A scan the daemon's loop made: one line, or one JSON object with `"event": "wallet_scanned"`.
pub fn announce(report: &ScanReport, json: bool) {
    if json {
        let mut line = json!(report);
        line["event"] = json!("wallet_scanned");
        output::print_lines(&[line.to_string()]);
    } else {
        output::print_lines(&[scan_line(report)]);
    }
}

fn scan_line(report: &ScanReport) -> String {
    if let Some(error) = &report.error {
        return format!("'{}': the scan failed: {error}", report.wallet);
    }
    let coins: Vec<String> = report
        .coins
        .iter()
        .map(|c| format!("{} {}", c.amount, c.coin))
        .collect();
    let unpriced = match report.unpriced_tokens.len() {
        0 => String::new(),
        n => format!("; {n} unpriced token(s) not counted"),
    };
    format!(
        "'{}': {} at block {} ({} added, {} removed; {} requests{unpriced})",
        report.wallet,
        if coins.is_empty() {
            "empty".to_owned()
        } else {
            coins.join(", ")
        },
        report
            .height
            .map_or_else(|| "?".to_owned(), |h| h.to_string()),
        report.changes.added,
        report.changes.removed,
        report.requests
    )
}
