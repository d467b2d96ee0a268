//! The valuation the read endpoints share: worked out at most once per app generation and
//! second, so a dashboard polling many times a second costs one valuation, and a write in this
//! process (which moves the generation) is seen by the very next read. Writes by another process
//! (a CLI command beside the daemon) show within [`MAX_AGE`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crypto_balance_core::valuation::Valuation;
use crypto_balance_core::{App, Error};
use tokio::sync::Mutex;

/// How long a valuation is reused while nothing in this process changes.
pub const MAX_AGE: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Entry {
    at: Instant,
    generation: u64,
    valuation: Arc<Valuation>,
}

/// Valuations by the currency asked for (`None`: the base currency).
#[derive(Debug, Default)]
pub struct ValuationCache {
    // One lock for lookups and work: requests arriving while a valuation is worked out wait for
    // it instead of each working out their own.
    entries: Mutex<HashMap<Option<String>, Entry>>,
}

impl ValuationCache {
    pub async fn valuation(
        &self,
        app: &App,
        currency: Option<&str>,
    ) -> Result<Arc<Valuation>, Error> {
        let key = currency.map(|c| c.trim().to_lowercase());
        let mut entries = self.entries.lock().await;
        let generation = app.generation();
        if let Some(entry) = entries.get(&key) {
            if entry.generation == generation && entry.at.elapsed() < MAX_AGE {
                return Ok(entry.valuation.clone());
            }
        }
        let valuation = Arc::new(app.valuation(key.as_deref()).await?);
        entries.insert(
            key,
            Entry {
                at: Instant::now(),
                generation,
                valuation: valuation.clone(),
            },
        );
        Ok(valuation)
    }
}
