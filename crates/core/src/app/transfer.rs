//! The import/export side of [`App`].

use std::io::Write;
use std::path::Path;

use super::App;
use crate::clock::UnixTime;
use crate::events::Event;
use crate::holdings;
use crate::ledger::LedgerEntry;
use crate::transfer::import::{import_file, ImportControl, ImportOptions};
use crate::transfer::{self, native, ExportWhat, ImportReport, LedgerQuery, TransferError};
use crate::Error;

impl App {
    /// Previews (`dry_run`) or imports a CSV file: all rows in one transaction, one undo-able
    /// batch, or nothing when anything is wrong.
    pub async fn import(
        &self,
        path: &Path,
        options: &ImportOptions,
    ) -> Result<ImportReport, Error> {
        self.import_with(path, options, &ImportControl::default())
            .await
    }

    /// [`App::import`] with progress reports and a cancel switch.
    pub async fn import_with(
        &self,
        path: &Path,
        options: &ImportOptions,
        control: &ImportControl,
    ) -> Result<ImportReport, Error> {
        let store = self.store().await?;
        let events = self.events.clone();
        let control = control.clone().also_reporting(move |progress| {
            let _ = events.send(Event::ImportProgress(progress));
        });
        let report = import_file(&store, path, options, &control, self.now()).await?;
        if report.batch_id.is_some() && !report.dry_run {
            self.publish(Event::HoldingsChanged);
            self.publish(Event::AccountsChanged);
        }
        Ok(report)
    }

    /// Writes holdings or the ledger as native CSV to the file at `path`, whole or not at all.
    pub async fn export_to_file(&self, what: ExportWhat, path: &Path) -> Result<(), Error> {
        let mut out = WholeFile::create(self, path)?;
        self.export(what, out.file(), path).await?;
        out.finish()
    }

    /// A coin's newest `limit` ledger entries, newest first (the asset detail).
    pub async fn coin_entries(&self, coin: &str, limit: u32) -> Result<Vec<LedgerEntry>, Error> {
        let store = self.store().await?;
        let id = crate::assets::resolve_id(&store, coin).await?;
        let query = LedgerQuery {
            coin: Some(&id),
            newest: Some(limit),
        };
        Ok(transfer::ledger_rows(&store, query)
            .await?
            .into_iter()
            .map(|row| {
                let (price, price_currency) = row.price.unzip();
                LedgerEntry {
                    at: UnixTime::from_seconds(row.occurred_at),
                    account: row.account,
                    kind: row.kind,
                    amount: row.amount.to_decimal(),
                    price,
                    price_currency,
                    note: row.note,
                }
            })
            .collect())
    }

    /// Writes holdings or the ledger as native CSV to `out`; `target` names it in errors.
    pub async fn export<W: Write>(
        &self,
        what: ExportWhat,
        out: W,
        target: &Path,
    ) -> Result<(), Error> {
        let store = self.store().await?;
        let written = match what {
            ExportWhat::Holdings => native::write_holdings(out, &holdings::list(&store).await?),
            ExportWhat::Ledger => native::write_ledger(
                out,
                &transfer::ledger_rows(&store, LedgerQuery::default()).await?,
            ),
        };
        written.map_err(|e| {
            Error::Transfer(TransferError::Write {
                path: target.to_path_buf(),
                source: std::io::Error::other(e.to_string()),
            })
        })
    }
}

/// A file written whole or not at all: a temporary file beside `path`, renamed over it by
/// [`WholeFile::finish`], so a failed write never leaves half a file. `path` is checked first:
/// it is never one of the vault's own files.
pub(super) struct WholeFile<'a> {
    path: &'a Path,
    temp: tempfile::NamedTempFile,
}

impl<'a> WholeFile<'a> {
    pub(super) fn create(app: &App, path: &'a Path) -> Result<Self, Error> {
        crate::paths::check_outside(app.data_dir(), path)?;
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(folder).map_err(|e| write_error(path, e))?;
        Ok(Self { path, temp })
    }

    pub(super) fn file(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    pub(super) fn finish(mut self) -> Result<(), Error> {
        let path = self.path;
        self.temp
            .as_file_mut()
            .flush()
            .map_err(|e| write_error(path, e))?;
        self.temp
            .persist(path)
            .map_err(|e| write_error(path, e.error))?;
        Ok(())
    }
}

/// Writing `path` failed.
pub(super) fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Transfer(TransferError::Write {
        path: path.to_path_buf(),
        source,
    })
}
