//! Reading a CSV file into ledger legs, streamed: a BOM and CRLF tolerated, the header found among
//! the first 20 lines (Coinbase writes a preamble), `,` or `;` as the separator (`;` files use
//! decimal commas), the layout detected from the header, each row handed to its importer with its
//! line number, and anything unreadable reported with the file, line and column.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::layout::{Cells, Context, Header, Layout, Out};
use super::number::NumberStyle;
use super::{formats, ImportFormat, TransferError};
use crate::money::Price;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How far down the header may be (BittyTax scans as far).
const HEADER_SEARCH_LINES: usize = 20;
/// How much of the file is looked at to find the header.
const PEEK_BYTES: usize = 64 * 1024;
/// The longest record read (64 KiB): real exports' rows are a few hundred bytes, and without a
/// cap one unterminated quote or a hostile file would be read into memory whole.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The longest text cell kept (a note, a description): 4,000 characters.
pub const MAX_NOTE_CHARS: usize = 4_000;

/// Rows of one file, read a batch at a time.
pub struct RowReader<R: Read> {
    path: PathBuf,
    records: csv::Reader<BufReader<MarkBlankLines<R>>>,
    record: csv::ByteRecord,
    layout: Box<dyn Layout>,
    style: NumberStyle,
    width: usize,
    rows: u64,
    bom: u64,
    bytes: u64,
    done: bool,
}

impl<R: Read> std::fmt::Debug for RowReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("path", &self.path)
            .field("format", &self.layout.format())
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl RowReader<File> {
    pub fn open(
        path: &Path,
        wanted: Option<ImportFormat>,
        context: &Context,
    ) -> Result<Self, TransferError> {
        let file = File::open(path).map_err(|source| TransferError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        RowReader::new(file, path, wanted, context)
    }
}

impl<R: Read> RowReader<R> {
    /// Finds the header and its layout; `path` names the source in errors.
    pub fn new(
        source: R,
        path: &Path,
        wanted: Option<ImportFormat>,
        context: &Context,
    ) -> Result<Self, TransferError> {
        let read_error = |source| TransferError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut input = BufReader::with_capacity(PEEK_BYTES, MarkBlankLines::new(source));
        let mut bom = 0;
        if input.fill_buf().map_err(read_error)?.starts_with(BOM) {
            input.consume(BOM.len());
            bom = BOM.len();
        }
        let peek = input.fill_buf().map_err(read_error)?;
        let (delimiter, skip, layout, width) = find_header(peek, path, wanted, context)?;
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        for _ in 0..=skip {
            records
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(path, &e))?;
        }
        Ok(RowReader {
            path: path.to_path_buf(),
            records,
            record,
            layout,
            style: NumberStyle {
                decimal_comma: delimiter == b';',
            },
            width,
            rows: 0,
            bom: u64::try_from(bom).unwrap_or(0),
            bytes: 0,
            done: false,
        })
    }

    pub fn format(&self) -> ImportFormat {
        self.layout.format()
    }

    pub fn account(&self) -> Option<&'static str> {
        self.layout.account()
    }

    pub fn notes(&self) -> Vec<String> {
        self.layout.notes()
    }

    /// Data rows read so far (blank lines not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes of the file read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Reads rows until `out` holds at least `want` items or the file ends; `false` once it has.
    pub fn next_batch(&mut self, out: &mut Vec<Out>, want: usize) -> Result<bool, TransferError> {
        while !self.done && out.len() < want {
            let more = self
                .records
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(&self.path, &e))?;
            // Where the reader is now: the end of the record just read (line ends normalised, so
            // a little short of the file's own offset until the end).
            self.bytes = self.bom + self.records.position().byte();
            if !more {
                self.layout.finish(out);
                self.done = true;
                self.bytes = u64::MAX; // everything: the caller caps it at the file's size
                break;
            }
            let line = self.record.position().map_or(0, |p| p.line());
            let fields = text_fields(&self.record).map_err(|reason| TransferError::NotCsv {
                path: self.path.clone(),
                line,
                reason,
            })?;
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let extra = fields.iter().skip(self.width).any(|f| !f.trim().is_empty());
            if extra || (self.layout.exact_width() && fields.len() != self.width) {
                return Err(TransferError::NotCsv {
                    path: self.path.clone(),
                    line,
                    reason: format!(
                        "the row has {} fields but the header has {}{}",
                        fields.len(),
                        self.width,
                        if fields.iter().any(|f| f.contains('\n')) {
                            "; a quoted field on this line runs over several lines: is a quote on this line never closed?"
                        } else {
                            ""
                        }
                    ),
                });
            }
            self.rows += 1;
            let cells = Cells::new(&fields, self.style);
            let before = out.len();
            let field_error = |column, reason| TransferError::Field {
                path: self.path.clone(),
                line,
                column,
                reason,
            };
            self.layout
                .row(line, &cells, out)
                .map_err(|e| field_error(e.column, e.reason))?;
            for item in &out[before..] {
                if let Out::Leg(_, row) = item {
                    check_bounds(row).map_err(|(column, reason)| field_error(column, reason))?;
                }
            }
        }
        Ok(!self.done)
    }
}

/// Amounts, prices and notes are bounded where they enter, so no sum or product of them can
/// leave the range of exact arithmetic and no cell fills memory.
fn check_bounds(row: &super::ParsedRow) -> Result<(), (&'static str, String)> {
    if !row.amount.within_entry_bounds() {
        return Err((
            "amount",
            format!(
                "{} is more than one entry can hold (10^18 units)",
                row.amount
            ),
        ));
    }
    if let Some((price, _)) = &row.price {
        Price::new(*price).map_err(|e| ("price", e.to_string()))?;
    }
    if row
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err((
            "note",
            format!("the note is longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A record the reader refuses before the CSV parser sees it, with the line to look at.
#[derive(Debug)]
struct RecordProblem {
    line: u64,
    reason: String,
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for RecordProblem {}

/// Where the reader is in the CSV grammar, to tell a blank line from a line break inside quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first half of `""`.
    QuoteInQuoted,
}

/// Normalises line ends outside quoted fields to `\n` and turns every blank line into a record
/// of one empty quoted field (`""`). The CSV reader skips blank lines without counting them and
/// miscounts `\r\n`, so without this the line numbers in messages would drift; normalised and
/// marked, every line is counted (blank records are ignored). Quoted fields are left alone.
struct MarkBlankLines<R> {
    inner: R,
    grammar: Grammar,
    line_start: bool,
    /// A `\r` outside quotes, waiting to see whether a `\n` follows.
    pending_cr: bool,
    buffer: Vec<u8>,
    at: usize,
    /// The line being read (1-based, every line end counted, quoted ones too).
    line: u64,
    /// Where the quoted field being read opened.
    quote_line: u64,
    /// Bytes of the record being read so far.
    record_bytes: usize,
    /// Why the input cannot be read further; reported at the next read.
    problem: Option<RecordProblem>,
}

impl<R> MarkBlankLines<R> {
    fn new(inner: R) -> Self {
        MarkBlankLines {
            inner,
            grammar: Grammar::FieldStart,
            line_start: true,
            pending_cr: false,
            buffer: Vec::new(),
            at: 0,
            line: 1,
            quote_line: 1,
            record_bytes: 0,
            problem: None,
        }
    }

    fn mark(&mut self, input: &[u8]) {
        self.buffer.clear();
        self.buffer.reserve(input.len() + input.len() / 8 + 4);
        self.at = 0;
        for &byte in input {
            // Past a refused record nothing more is handed on: the reader meets the error next.
            if self.problem.is_some() {
                break;
            }
            if self.pending_cr {
                self.pending_cr = false;
                self.push(b'\n');
                if byte == b'\n' {
                    continue; // `\r\n` is one line end
                }
            }
            if byte == b'\r' && self.grammar != Grammar::Quoted {
                self.pending_cr = true;
                continue;
            }
            self.push(byte);
        }
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        if byte == b'\n' && self.line_start && self.grammar == Grammar::FieldStart {
            self.buffer.extend_from_slice(b"\"\"");
        }
        self.grammar = match (self.grammar, byte) {
            (Grammar::Quoted, b'"') => Grammar::QuoteInQuoted,
            (Grammar::Quoted, _) => Grammar::Quoted,
            (Grammar::QuoteInQuoted, b'"') => Grammar::Quoted,
            (Grammar::FieldStart, b'"') => {
                self.quote_line = self.line;
                Grammar::Quoted
            }
            (_, b',' | b';' | b'\n') => Grammar::FieldStart,
            _ => Grammar::Unquoted,
        };
        if self.grammar != Grammar::Quoted {
            self.line_start = byte == b'\n';
        }
        self.record_bytes += 1;
        if byte == b'\n' {
            self.line += 1;
            if self.grammar != Grammar::Quoted {
                self.record_bytes = 0;
            }
        }
        if self.record_bytes > MAX_RECORD_BYTES && self.problem.is_none() {
            self.problem = Some(if self.grammar == Grammar::Quoted {
                self.unclosed_quote()
            } else {
                RecordProblem {
                    line: self.line,
                    reason: format!(
                        "the row is longer than {} KiB; no export writes rows this long",
                        MAX_RECORD_BYTES / 1024
                    ),
                }
            });
        }
        self.buffer.push(byte);
    }

    fn unclosed_quote(&self) -> RecordProblem {
        RecordProblem {
            line: self.quote_line,
            reason: "a quote opened on this line is never closed".to_owned(),
        }
    }

    /// The problem found so far, as the error the CSV reader passes on.
    fn take_problem(&mut self) -> Option<std::io::Error> {
        self.problem
            .take()
            .map(|problem| std::io::Error::new(std::io::ErrorKind::InvalidData, problem))
    }
}

impl<R: Read> Read for MarkBlankLines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.buffer.len() {
            if let Some(problem) = self.take_problem() {
                return Err(problem);
            }
            let mut chunk = [0u8; 16 * 1024];
            let read = self.inner.read(&mut chunk)?;
            if read == 0 {
                if self.grammar == Grammar::Quoted {
                    self.problem = Some(self.unclosed_quote());
                    self.grammar = Grammar::FieldStart;
                    continue;
                }
                if !self.pending_cr {
                    return Ok(0);
                }
                self.mark(&[]);
                self.pending_cr = false;
                self.buffer.push(b'\n');
                continue;
            }
            self.mark(&chunk[..read]);
        }
        let n = out.len().min(self.buffer.len() - self.at);
        out[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The separator, how many records precede the header, the layout and the header's width.
fn find_header(
    peek: &[u8],
    path: &Path,
    wanted: Option<ImportFormat>,
    context: &Context,
) -> Result<(u8, usize, Box<dyn Layout>, usize), TransferError> {
    let mut first_line = None;
    for delimiter in [b',', b';'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(peek);
        let mut record = csv::ByteRecord::new();
        for index in 0..HEADER_SEARCH_LINES {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                // A cut-off record at the end of the peek, or the end of the file.
                Ok(false) | Err(_) => break,
            }
            let line = record.position().map_or(0, |p| p.line());
            let fields = text_fields(&record).map_err(|reason| TransferError::NotCsv {
                path: path.to_path_buf(),
                line,
                reason,
            })?;
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if first_line.is_none() {
                first_line = Some(fields.join(","));
            }
            let header = Header::new(&fields);
            if let Some(layout) = formats::detect(&header, context, wanted) {
                return Ok((delimiter, index, layout, fields.len()));
            }
        }
    }
    match first_line {
        None => Err(TransferError::Empty(path.to_path_buf())),
        Some(line) => Err(TransferError::UnknownLayout {
            path: path.to_path_buf(),
            header: line.chars().take(120).collect(),
            wanted,
        }),
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
    let mut line = error.position().map_or(0, |p| p.line());
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "the file is not UTF-8 text: save it as UTF-8 and try again".to_owned()
        }
        csv::ErrorKind::Io(e) => {
            match e.get_ref().and_then(|e| e.downcast_ref::<RecordProblem>()) {
                Some(problem) => {
                    line = problem.line;
                    problem.reason.clone()
                }
                None => e.to_string(),
            }
        }
        _ => "the file is not valid CSV".to_owned(),
    };
    TransferError::NotCsv {
        path: path.to_path_buf(),
        line,
        reason,
    }
}

/// Every leg and skipped row of a whole source, for tests and small files.
pub fn read_all<R: Read>(
    source: R,
    path: &Path,
    wanted: Option<ImportFormat>,
    context: &Context,
) -> Result<(ImportFormat, Vec<Out>), TransferError> {
    let mut reader = RowReader::new(source, path, wanted, context)?;
    let mut out = Vec::new();
    while reader.next_batch(&mut out, usize::MAX)? {}
    Ok((reader.format(), out))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::ledger::EntryKind;
    use crate::money::Amount;
    use crate::transfer::native::{write_ledger, LedgerRow};

    fn row() -> impl Strategy<Value = LedgerRow> {
        (
            0i64..4_102_444_800,
            "[=+@\\-'\"a-zA-Z ,\n]{1,20}",
            -10i128.pow(30)..10i128.pow(30),
            0usize..8,
            proptest::option::of((1i64..=1_000_000_000_000_000, 0u32..18)),
            proptest::option::of("[=+@\\-'\"a-zA-Z0-9 ,\n\t]{0,30}"),
            "[a-z0-9:=+@-]{1,24}",
        )
            .prop_map(|(at, account, atoms, kind, price, note, id)| LedgerRow {
                occurred_at: at,
                account: account.trim().to_owned().replace('\n', " ") + "x",
                coin: "bitcoin".into(),
                amount: Amount::from_atoms(atoms),
                kind: EntryKind::ALL[kind],
                price: price.map(|(m, scale)| (Decimal::new(m, scale), "usd".to_owned())),
                note: note.map(|n| format!("{}x", n.trim())),
                id: format!("{id}x"),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        #[test]
        fn export_then_import_reads_back_every_field_exactly(rows in proptest::collection::vec(row(), 0..20)) {
            let mut bytes = Vec::new();
            write_ledger(&mut bytes, &rows).unwrap_or_else(|e| panic!("{e}"));
            let (format, parsed) = read_all(bytes.as_slice(), Path::new("export.csv"), None, &Context::default())
                .unwrap_or_else(|e| panic!("{e}"));
            let parsed: Vec<(u64, crate::transfer::ParsedRow)> = parsed.into_iter().filter_map(|o| match o { Out::Leg(line, row) => Some((line, row)), Out::Skip(..) => None }).collect();
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
            let _ = read_all(bytes.as_slice(), Path::new("junk.csv"), None, &Context::default());
        }

        /// Every layout: a real export's first lines (preamble and header), then arbitrary
        /// rows in that file's separator. Each row is read, skipped or refused with its line;
        /// nothing panics.
        #[test]
        fn every_layout_reads_arbitrary_rows_without_panicking(
            fixture in 0usize..64,
            kept in 1usize..8,
            rows in proptest::collection::vec(
                proptest::collection::vec("[0-9A-Za-z .:/+()\"-]{0,14}|-?[0-9]{1,30}(\\.[0-9]{0,30})?(e-?[0-9]{1,3})?", 0..16),
                0..12,
            ),
        ) {
            let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
            let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                .map(|entries| entries.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            files.sort();
            prop_assume!(!files.is_empty());
            let file = &files[fixture % files.len()];
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let separator = if text.lines().next().is_some_and(|l| l.matches(';').count() > 3) { ";" } else { "," };
            let mut input: String = text.lines().take(kept).map(|l| format!("{l}\n")).collect();
            for row in &rows {
                input.push_str(&row.join(separator));
                input.push('\n');
            }
            let _ = read_all(input.as_bytes(), file, None, &Context::default());
        }

        #[test]
        fn native_looking_junk_never_panics(lines in proptest::collection::vec("[0-9a-z,.:TZ\"=+-]{0,60}", 0..10)) {
            let text = format!("time,account,coin,amount,kind,price,price_currency,note,id\n{}", lines.join("\n"));
            let _ = read_all(text.as_bytes(), Path::new("junk.csv"), None, &Context::default());
        }
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    const HEADER: &str = "time,account,coin,amount,kind,price,price_currency,note,id";
    const ROW: &str = "2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,,";

    fn error_of(text: &str) -> String {
        match read_all(
            text.as_bytes(),
            Path::new("t.csv"),
            None,
            &Context::default(),
        ) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_unclosed_quote_is_named_at_its_line_mid_file_and_on_the_last_row() {
        let last = format!(
            "{HEADER}\n{ROW}\n2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,\"never closed,\n"
        );
        let error = error_of(&last);
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("never closed"), "{error}");
        let middle = format!(
            "{HEADER}\n{ROW}\n2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,\"oops,\n{ROW}\n{ROW}\n"
        );
        let error = error_of(&middle);
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("never closed"), "{error}");
    }

    #[test]
    fn a_record_or_note_too_long_is_refused_with_its_line() {
        let long_note = "n".repeat(MAX_NOTE_CHARS + 1);
        let text =
            format!("{HEADER}\n{ROW}\n2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,{long_note},\n");
        let error = error_of(&text);
        assert!(error.contains("line 3"), "{error}");
        assert!(error.contains("note is longer"), "{error}");
        let huge = "x".repeat(MAX_RECORD_BYTES + 10);
        let text =
            format!("{HEADER}\n{ROW}\n{ROW}\n2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,{huge},\n");
        let error = error_of(&text);
        assert!(error.contains("line 4"), "{error}");
        assert!(error.contains("longer than 64 KiB"), "{error}");
    }

    #[test]
    fn amounts_and_prices_beyond_bounds_are_refused_with_their_line() {
        let text =
            format!("{HEADER}\n2024-01-02T03:04:05Z,A,bitcoin,2000000000000000000,deposit,,,,\n");
        let error = error_of(&text);
        assert!(error.contains("line 2, column amount"), "{error}");
        let text =
            format!("{HEADER}\n2024-01-02T03:04:05Z,A,bitcoin,1,buy,1000000000000001,usd,,\n");
        let error = error_of(&text);
        assert!(error.contains("line 2, column price"), "{error}");
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let (_, out) = read_all(
            text.as_bytes(),
            Path::new("t.csv"),
            None,
            &Context::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        out.iter()
            .map(|o| match o {
                Out::Leg(line, _) | Out::Skip(line, _) => *line,
            })
            .collect()
    }

    #[test]
    fn line_numbers_count_blank_lines_and_crlf() {
        let header = "time,account,coin,amount,kind,price,price_currency,note,id";
        let row = "2024-01-02T03:04:05Z,A,bitcoin,1,deposit,,,,";
        assert_eq!(lines_of(&format!("{header}\n{row}\n\n{row}\n")), [2, 4]);
        assert_eq!(
            lines_of(&format!("{header}\r\n{row}\r\n\r\n{row}\r\n")),
            [2, 4]
        );
        assert_eq!(
            lines_of(&format!("\"pre\r\namble\"\r\n\r\n{header}\r\n{row}\r\n")),
            [5]
        );
    }
}
