//! `chain-fake`: runs the Esplora fake until stopped, printing its base URL first so scripts can
//! read it. `POST /__fake/pay {"script": hex, "sats": n, "height": h}` adds a payment.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let fake = chain_fake::FakeEsplora::start().await?;
    let url = fake.url();
    // The first line is the contract with the scripts that start it.
    #[allow(clippy::print_stdout)]
    {
        println!("{url}");
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
