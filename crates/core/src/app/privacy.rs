//! The privacy log through the app: requests noted by the clients are written to the vault after
//! each refresh, after a delivery, before locking and whenever the log is read.

use super::App;
use crate::privacy::{self, Request};
use crate::store::Store;
use crate::Error;

impl App {
    /// Writes the requests noted since the last save; a failure is logged, never the caller's.
    pub(crate) async fn save_requests(&self, store: &Store) {
        let (sent, dropped) = self.requests.take();
        if let Err(error) = privacy::save(store, &sent, dropped).await {
            tracing::warn!(%error, lost = sent.len(), "could not write the privacy log");
        }
    }

    /// Who saw what: the newest `limit` requests to outside services, newest first.
    pub async fn privacy_log(&self, limit: u32) -> Result<Vec<Request>, Error> {
        let store = self.store().await?;
        self.save_requests(&store).await;
        Ok(privacy::log(&store, limit).await?)
    }
}
