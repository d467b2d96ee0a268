//! `coingecko-fake`: runs the fake until Ctrl-C or SIGTERM, printing its base URL first so scripts
//! can read it. Control it over HTTP: `POST /__fake/price`, `POST /__fake/failure`,
//! `GET|DELETE /__fake/requests` (see the crate docs).

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use coingecko_fake::{default_coins, Coin, FakeCoinGecko, FakeConfig, Host, Keys, Market};

/// A local HTTP server that behaves like the CoinGecko API v3, for tests and demos.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Which host to play: api.coingecko.com (keyless, Demo) or pro-api.coingecko.com
    #[arg(long, value_enum, default_value = "public")]
    host: Host,
    /// A Demo key to accept (repeatable)
    #[arg(long)]
    demo_key: Vec<String>,
    /// A Pro key to accept (repeatable)
    #[arg(long)]
    pro_key: Vec<String>,
    /// A JSON file with the coins to serve instead of the default set
    #[arg(long, value_name = "FILE")]
    coins: Option<PathBuf>,
    /// Add this many synthetic coins (fakecoin-00001 …)
    #[arg(long, default_value_t = 0)]
    generate: usize,
    /// Answer 414 above this URL length
    #[arg(long, default_value_t = coingecko_fake::DEFAULT_MAX_URL_LENGTH)]
    max_url_length: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let coins: Vec<Coin> = match &args.coins {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
        }
        None => default_coins(),
    };
    let mut market = Market::new(coins);
    market.generate(args.generate);
    let config = FakeConfig {
        host: args.host,
        keys: Keys {
            demo: args.demo_key,
            pro: args.pro_key,
        },
        coins: market.coins().cloned().collect(),
        max_url_length: args.max_url_length,
    };
    let fake = FakeCoinGecko::start(config, args.port).await?;
    #[allow(clippy::print_stdout)] // the URL on stdout is this binary's interface
    {
        println!("{}", fake.base_url());
    }
    wait_for_stop().await?;
    fake.stop().await?;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop() -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}
