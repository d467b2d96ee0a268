//! `coingecko-fake [--port N]`: runs the fake until Ctrl-C, printing its base URL first so
//! scripts can read it.

use clap::Parser;
use coingecko_fake::FakeCoinGecko;

/// A local HTTP server that behaves like the CoinGecko API v3, for tests and demos.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let fake = FakeCoinGecko::start(args.port).await?;
    #[allow(clippy::print_stdout)] // the URL on stdout is this binary's interface
    {
        println!("{}", fake.base_url());
    }
    tokio::signal::ctrl_c().await?;
    fake.stop().await?;
    Ok(())
}
