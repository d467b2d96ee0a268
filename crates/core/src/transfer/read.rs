//! Reading a CSV file into ledger legs: BOM and CRLF tolerated, the layout detected from the
//! header, every row parsed by its format with its line number kept, and anything unreadable
//! reported with the file, line and column.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::{delta, koinly, native, ImportFormat, ParsedRow, TransferError};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads every data row. The file is streamed; rows are kept for the one-transaction commit.
pub(super) fn read_rows(
    path: &Path,
    wanted: Option<ImportFormat>,
) -> Result<Parsed, TransferError> {
    let file = File::open(path).map_err(|source| TransferError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(file, path, wanted)
}

/// A file's layout, its ledger legs with their line numbers, and how many data rows it had.
pub type Parsed = (ImportFormat, Vec<(u64, ParsedRow)>, u64);

/// Reads rows from any byte source; `path` names it in errors.
pub fn parse<R: std::io::Read>(
    source: R,
    path: &Path,
    wanted: Option<ImportFormat>,
) -> Result<Parsed, TransferError> {
    let read_error = |source| TransferError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut input = BufReader::new(source);
    if input.fill_buf().map_err(read_error)?.starts_with(BOM) {
        input.consume(BOM.len());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(input);
    let mut records = reader.byte_records();
    let not_csv = |line: u64, reason: String| TransferError::NotCsv {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let header = match records.next() {
        None => return Err(TransferError::Empty(path.to_path_buf())),
        Some(record) => record.map_err(|e| csv_error(path, &e))?,
    };
    let header = text_fields(&header).map_err(|reason| not_csv(1, reason))?;
    let format = detect(&header).filter(|f| wanted.is_none_or(|w| w == *f));
    let Some(format) = format else {
        return Err(TransferError::UnknownLayout {
            path: path.to_path_buf(),
            header: header.join(",").chars().take(120).collect(),
        });
    };
    let mut rows = Vec::new();
    let mut read = 0u64;
    for record in records {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let fields = text_fields(&record).map_err(|reason| not_csv(line, reason))?;
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        read += 1;
        let parsed = match format {
            ImportFormat::Native => native::parse_row(&fields).map(|row| vec![row]),
            ImportFormat::Koinly => koinly::parse_row(&fields),
            ImportFormat::Delta => delta::parse_row(&fields),
        };
        let legs = parsed.map_err(|e| TransferError::Field {
            path: path.to_path_buf(),
            line,
            column: e.column,
            reason: e.reason,
        })?;
        rows.extend(legs.into_iter().map(|leg| (line, leg)));
    }
    Ok((format, rows, read))
}

fn detect(header: &[&str]) -> Option<ImportFormat> {
    if native::is_ledger_header(header) {
        Some(ImportFormat::Native)
    } else if koinly::is_header(header) {
        Some(ImportFormat::Koinly)
    } else if delta::is_header(header) {
        Some(ImportFormat::Delta)
    } else {
        None
    }
}

fn text_fields(record: &csv::ByteRecord) -> Result<Vec<&str>, String> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map_err(|_| {
                format!(
                    "field {} is not UTF-8 text: save the file as UTF-8 and try again",
                    i + 1
                )
            })
        })
        .collect()
}

fn csv_error(path: &Path, error: &csv::Error) -> TransferError {
    let line = error.position().map_or(0, |p| p.line());
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields but the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not UTF-8 text: save it as UTF-8 and try again".to_owned()
        }
        csv::ErrorKind::Io(e) => e.to_string(),
        _ => "the file is not valid CSV".to_owned(),
    };
    TransferError::NotCsv {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::ledger::EntryKind;
    use crate::money::Amount;
    use crate::transfer::native::{write_ledger, LedgerRow};

    const KINDS: [EntryKind; 8] = [
        EntryKind::Buy,
        EntryKind::Sell,
        EntryKind::Deposit,
        EntryKind::Withdrawal,
        EntryKind::Transfer,
        EntryKind::Fee,
        EntryKind::Reward,
        EntryKind::Adjustment,
    ];

    fn row() -> impl Strategy<Value = LedgerRow> {
        (
            0i64..4_102_444_800,
            "[=+@\\-'\"a-zA-Z ,\n]{1,20}",
            -10i128.pow(30)..10i128.pow(30),
            0usize..8,
            proptest::option::of((1i64..i64::MAX, 0u32..18)),
            proptest::option::of("[=+@\\-'\"a-zA-Z0-9 ,\n\t]{0,30}"),
            "[a-z0-9:=+@-]{1,24}",
        )
            .prop_map(|(at, account, atoms, kind, price, note, id)| LedgerRow {
                occurred_at: at,
                account: account.trim().to_owned().replace('\n', " ") + "x",
                coin: "bitcoin".into(),
                amount: Amount::from_atoms(atoms),
                kind: KINDS[kind],
                price: price.map(|(m, scale)| (Decimal::new(m, scale), "usd".to_owned())),
                note: note.map(|n| format!("{}x", n.trim())),
                id: format!("{id}x"),
            })
    }

    proptest! {
        #[test]
        fn export_then_import_reads_back_every_field_exactly(rows in proptest::collection::vec(row(), 0..20)) {
            let mut bytes = Vec::new();
            write_ledger(&mut bytes, &rows).unwrap_or_else(|e| panic!("{e}"));
            let (format, parsed, _) = parse(bytes.as_slice(), Path::new("export.csv"), None)
                .unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(format, ImportFormat::Native);
            prop_assert_eq!(parsed.len(), rows.len());
            for ((_, got), want) in parsed.iter().zip(&rows) {
                prop_assert_eq!(got.occurred_at, want.occurred_at);
                prop_assert_eq!(got.account.as_deref(), Some(want.account.trim()));
                prop_assert_eq!(got.amount, want.amount);
                prop_assert_eq!(got.kind, want.kind);
                prop_assert_eq!(&got.price, &want.price);
                prop_assert_eq!(got.note.as_deref(), want.note.as_deref().map(str::trim));
                prop_assert_eq!(got.id.as_deref(), Some(want.id.as_str()));
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(bytes.as_slice(), Path::new("junk.csv"), None);
        }

        #[test]
        fn native_looking_junk_never_panics(lines in proptest::collection::vec("[0-9a-z,.:TZ\"=+-]{0,60}", 0..10)) {
            let text = format!("time,account,coin,amount,kind,price,price_currency,note,id\n{}", lines.join("\n"));
            let _ = parse(text.as_bytes(), Path::new("junk.csv"), None);
        }
    }
}
