//! Coins the local catalog does not know yet: looked up on CoinGecko once, on demand, so a fresh
//! vault can add `nexa` before its first sync, and an offline one says what is missing.

use std::future::Future;

use super::App;
use crate::assets::AssetError;
use crate::holdings::HoldingsError;
use crate::Error;

/// Whether a coin was found locally or had to be looked up on CoinGecko.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Locally,
    OnCoinGecko,
}

fn unknown_coin(error: &Error) -> bool {
    matches!(
        error,
        Error::Holdings(HoldingsError::Asset(AssetError::UnknownCoin(_)))
    )
}

impl App {
    /// Runs `op`, which resolves `coin`; when the local catalog does not know it, asks CoinGecko
    /// (`/search`, one call, whose answers join the catalog) and runs `op` once more. Offline
    /// before the catalog was ever downloaded, the error says so and what to run.
    pub(crate) async fn with_coin_lookup<T, Op, Fut>(
        &self,
        coin: &str,
        op: Op,
    ) -> Result<(T, Found), Error>
    where
        Op: Fn() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let error = match op().await {
            Ok(done) => return Ok((done, Found::Locally)),
            Err(error) if unknown_coin(&error) => error,
            Err(error) => return Err(error),
        };
        let store = self.store().await?;
        match self.rates.look_up(&store, coin, self.now()).await {
            Ok(found) if !found.is_empty() => {
                tracing::info!(coin, "looked up a coin the local catalog did not know");
                Ok((op().await?, Found::OnCoinGecko))
            }
            Ok(_) => Err(error),
            Err(why) => {
                tracing::info!(coin, error = %why, "could not look a coin up on CoinGecko");
                if self.rates.catalog_downloaded(&store).await? {
                    Err(error)
                } else {
                    Err(Error::CatalogMissing(coin.trim().to_owned()))
                }
            }
        }
    }
}
