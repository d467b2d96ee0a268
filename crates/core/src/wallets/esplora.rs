//! An Esplora server's REST API, the few calls a watch-only scan needs: the tip's height and each
//! script's transactions (`/scripthash/{hash}/txs`, then `/txs/chain/{last}` pages of 25). The
//! answers are untrusted: sizes are capped by [`ChainHttp`], ids and amounts are checked here.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::http::ChainHttp;
use super::WalletError;

/// Confirmed transactions per page, as Esplora serves them.
const PAGE: usize = 25;
/// Pages read per script before the scan gives up on it (10,000 transactions).
const MOST_PAGES: usize = 400;
/// No output or input is worth more than all bitcoin there will ever be.
pub(crate) const MAX_SATS: u64 = 21_000_000 * 100_000_000;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Tx {
    pub txid: String,
    #[serde(default)]
    pub vin: Vec<Input>,
    #[serde(default)]
    pub vout: Vec<Output>,
    #[serde(default)]
    pub fee: u64,
    pub status: Status,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Input {
    /// The output spent; absent for a coinbase.
    pub prevout: Option<Output>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Output {
    /// The script, hex.
    pub scriptpubkey: String,
    pub value: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Status {
    pub confirmed: bool,
    pub block_height: Option<u64>,
    pub block_time: Option<i64>,
}

pub(crate) struct Esplora {
    pub(crate) http: ChainHttp,
}

impl Esplora {
    /// The height of the best block.
    pub(crate) async fn tip_height(&self, about: &str) -> Result<u64, WalletError> {
        let body = self.http.get("/blocks/tip/height", about).await?;
        body.trim()
            .parse()
            .map_err(|_| self.http.failed("sent a tip height that is not a number"))
    }

    /// Every transaction touching `script` (raw bytes), mempool ones first.
    pub(crate) async fn script_txs(
        &self,
        script: &[u8],
        about: &str,
    ) -> Result<Vec<Tx>, WalletError> {
        let hash = script_hash(script);
        let mut txs = self.page(&format!("/scripthash/{hash}/txs"), about).await?;
        let mut last_page = txs.iter().filter(|t| t.status.confirmed).count();
        let mut pages = 1;
        while last_page >= PAGE {
            if pages >= MOST_PAGES {
                return Err(self.http.failed(format!(
                    "lists more than {} transactions for one address ({about})",
                    MOST_PAGES * PAGE
                )));
            }
            let Some(last) = txs.iter().rev().find(|t| t.status.confirmed) else {
                break;
            };
            let path = format!("/scripthash/{hash}/txs/chain/{}", last.txid);
            let page = self.page(&path, about).await?;
            last_page = page.len();
            pages += 1;
            let known: std::collections::HashSet<&str> =
                txs.iter().map(|t| t.txid.as_str()).collect();
            let fresh: Vec<Tx> = page
                .into_iter()
                .filter(|t| !known.contains(t.txid.as_str()))
                .collect();
            if fresh.is_empty() {
                break; // a server repeating itself must not loop forever
            }
            txs.extend(fresh);
        }
        Ok(txs)
    }

    async fn page(&self, path: &str, about: &str) -> Result<Vec<Tx>, WalletError> {
        let body = self.http.get(path, about).await?;
        let txs: Vec<Tx> = serde_json::from_str(&body).map_err(|e| {
            self.http.failed(format!(
                "sent an answer that is not Esplora's list of transactions: {e}"
            ))
        })?;
        for tx in &txs {
            self.check(tx)?;
        }
        Ok(txs)
    }

    fn check(&self, tx: &Tx) -> Result<(), WalletError> {
        let id_ok = tx.txid.len() == 64 && tx.txid.bytes().all(|b| b.is_ascii_hexdigit());
        let outputs = tx
            .vout
            .iter()
            .chain(tx.vin.iter().filter_map(|i| i.prevout.as_ref()));
        let values_ok = tx.fee <= MAX_SATS
            && outputs
                .clone()
                .all(|o| o.value <= MAX_SATS && o.scriptpubkey.len() <= 20_000);
        let time_ok = tx
            .status
            .block_time
            .is_none_or(|t| (0..=253_402_300_799).contains(&t));
        if id_ok && values_ok && time_ok {
            Ok(())
        } else {
            Err(self.http.failed(format!(
                "sent a transaction that cannot be right (id, amount or time out of range): {}",
                tx.txid.chars().take(80).collect::<String>()
            )))
        }
    }
}

/// Electrum's script hash: SHA-256 of the script, bytes reversed, as hex.
pub(crate) fn script_hash(script: &[u8]) -> String {
    let mut digest: [u8; 32] = Sha256::digest(script).into();
    digest.reverse();
    hex::encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_hashes_are_electrums() {
        // The P2PKH script of 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa (the genesis block's address),
        // whose script hash Electrum's documentation gives.
        let script =
            hex::decode("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac").unwrap_or_default();
        assert_eq!(
            script_hash(&script),
            "8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161"
        );
    }

    #[test]
    fn any_answer_parses_or_is_refused_without_panicking() {
        use proptest::prelude::*;
        proptest!(|(bytes in proptest::collection::vec(any::<u8>(), 0..600))| {
            let _ = serde_json::from_slice::<Vec<Tx>>(&bytes);
        });
    }
}
