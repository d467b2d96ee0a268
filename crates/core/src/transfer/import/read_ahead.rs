//! The import's reading: a thread that parses, checks and fingerprints the file a batch ahead of
//! the writes.

use std::collections::HashMap;

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;

use super::super::layout::Out;
use super::super::read::RowReader;
use super::super::resolve::coin_key;
use super::super::{ParsedRow, SkippedRow, TransferError};
use super::BATCH;

/// One batch of the file: each leg with its line and source id, the rows skipped, and where
/// reading got to (bytes, rows).
pub(super) struct ReadBatch {
    pub(super) legs: Vec<(u64, ParsedRow, String)>,
    pub(super) skipped: Vec<SkippedRow>,
    pub(super) at: (u64, u64),
    pub(super) more: bool,
}

/// Reads the file on a thread of its own, fingerprinting each leg, so that parsing the next batch
/// overlaps writing this one. A batch or two waits at most; the thread stops when the receiver is
/// dropped (a failed or cancelled import).
pub(super) fn read_legs(
    mut reader: RowReader<std::fs::File>,
) -> tokio::sync::mpsc::Receiver<Result<ReadBatch, TransferError>> {
    let (sender, batches) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let mut fingerprints = Fingerprints::default();
        let mut out = Vec::with_capacity(BATCH);
        loop {
            out.clear();
            let more = match reader.next_batch(&mut out, BATCH) {
                Ok(more) => more,
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            };
            let mut skipped = Vec::new();
            let mut legs = Vec::with_capacity(out.len());
            for item in out.drain(..) {
                match item {
                    Out::Leg(line, row) => {
                        let source = fingerprints.source(&row);
                        legs.push((line, row, source));
                    }
                    Out::Skip(line, reason) => skipped.push(SkippedRow { line, reason }),
                }
            }
            let at = (reader.bytes(), reader.rows());
            let batch = ReadBatch {
                legs,
                skipped,
                at,
                more,
            };
            if sender.blocking_send(Ok(batch)).is_err() || !more {
                return;
            }
        }
    });
    batches
}

/// Source ids: the file's own id, else a hash of the row's content and how many identical rows
/// came before it, so re-importing the same or an overlapping file adds nothing. Only an 8-byte
/// key and a count per distinct row is kept, so a million rows cost megabytes, not the rows.
#[derive(Default)]
struct Fingerprints {
    occurrences: HashMap<u64, u32>,
}

impl Fingerprints {
    fn source(&mut self, row: &ParsedRow) -> String {
        match &row.id {
            Some(id) => id.clone(),
            None => {
                let content = content_hash(row);
                let mut key = [0u8; 8];
                key.copy_from_slice(&content[..8]);
                let seen = self.occurrences.entry(u64::from_le_bytes(key)).or_insert(0);
                let mut occurrence = content.to_vec();
                occurrence.extend_from_slice(&seen.to_le_bytes());
                *seen += 1;
                format!("native:{}", hex::encode(hash(&[&occurrence])))
            }
        }
    }
}

/// Blake2b-128 of a row's fields (the coin as written, lower-cased), each field terminated so
/// `ab|c` and `a|bc` differ.
fn content_hash(row: &ParsedRow) -> [u8; 16] {
    let price = row
        .price
        .as_ref()
        .map(|(p, c)| format!("{p} {c}"))
        .unwrap_or_default();
    hash(&[
        row.occurred_at.to_string().as_bytes(),
        row.account.as_deref().unwrap_or("").as_bytes(),
        coin_key(&row.coin).as_bytes(),
        row.amount.to_string().as_bytes(),
        row.kind.as_str().as_bytes(),
        price.as_bytes(),
        row.note.as_deref().unwrap_or("").as_bytes(),
    ])
}

pub(super) fn hash(parts: &[&[u8]]) -> [u8; 16] {
    let mut out = [0u8; 16];
    // 16 bytes is a valid Blake2b output length, so neither call can fail.
    if let Ok(mut hasher) = Blake2bVar::new(out.len()) {
        for part in parts {
            hasher.update(part);
            hasher.update(&[0x1f]);
        }
        let _ = hasher.finalize_variable(&mut out);
    }
    out
}
