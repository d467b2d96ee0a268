//! `chain-fake`: runs the Esplora fake until stopped, printing its base URL first so scripts can
//! read it. `POST /__fake/pay {"script": hex, "sats": n, "height": h}` adds a payment.
//! `chain-fake evm CHAIN_ID` runs an EVM chain's JSON-RPC fake instead, `chain-fake solana` a
//! Solana one; `POST /__fake/set` gives an address its balances (see `FakeEvm`, `FakeSolana`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, _running) = match args.first().map(String::as_str) {
        Some("evm") => {
            let chain_id = args.get(1).and_then(|id| id.parse().ok()).unwrap_or(1);
            let fake = chain_fake::FakeEvm::start(chain_id).await?;
            (fake.url(), Running::Evm(fake))
        }
        Some("solana") => {
            let fake = chain_fake::FakeSolana::start().await?;
            (fake.url(), Running::Solana(fake))
        }
        _ => {
            let fake = chain_fake::FakeEsplora::start().await?;
            (fake.url(), Running::Esplora(fake))
        }
    };
    // The first line is the contract with the scripts that start it.
    #[allow(clippy::print_stdout)]
    {
        println!("{url}");
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}

/// The fake kept alive until the end.
#[derive(Debug)]
#[allow(dead_code)]
enum Running {
    Esplora(chain_fake::FakeEsplora),
    Evm(chain_fake::FakeEvm),
    Solana(chain_fake::FakeSolana),
}
