//! Which importer reads a file: each is asked in turn whether it knows the header; `--format`
//! asks only the one the person chose. The generic importer only answers when asked, since it
//! needs the person's column choices.

use super::layout::{Cells, Context, Header, Layout, Out};
use super::number::NumberStyle;
use super::{
    binance, coinbase, coinstats, cointracking, delta, generic, koinly, kraken, native, FieldError,
    ImportFormat, ParsedRow,
};

type Detect = fn(&Header, &Context) -> Option<Box<dyn Layout>>;

/// Tried in this order: the most specific headers first.
const DETECTORS: [(ImportFormat, Detect); 10] = [
    (ImportFormat::Native, native_layout),
    (ImportFormat::Koinly, koinly_layout),
    (ImportFormat::Delta, delta_layout),
    (ImportFormat::Coinbase, coinbase::layout),
    (ImportFormat::KrakenLedgers, kraken::ledgers_layout),
    (ImportFormat::KrakenTrades, kraken::trades_layout),
    (ImportFormat::Binance, binance::history_layout),
    (ImportFormat::BinanceTrades, binance::trades_layout),
    (ImportFormat::Cointracking, cointracking::layout),
    (ImportFormat::Coinstats, coinstats::layout),
];

pub fn detect(
    header: &Header,
    context: &Context,
    wanted: Option<ImportFormat>,
) -> Option<Box<dyn Layout>> {
    if wanted == Some(ImportFormat::Generic) {
        return generic::layout(header, context);
    }
    DETECTORS
        .iter()
        .filter(|(format, _)| wanted.is_none_or(|w| w == *format))
        .find_map(|(_, detect)| detect(header, context))
}

/// Our older importers read rows by position: one function per row.
struct ByPosition {
    format: ImportFormat,
    parse: fn(&[&str], NumberStyle) -> Result<Vec<ParsedRow>, FieldError>,
}

impl Layout for ByPosition {
    fn format(&self) -> ImportFormat {
        self.format
    }

    fn row(&mut self, line: u64, cells: &Cells<'_>, out: &mut Vec<Out>) -> Result<(), FieldError> {
        let legs = (self.parse)(cells.fields(), cells.style)?;
        out.extend(legs.into_iter().map(|leg| Out::Leg(line, leg)));
        Ok(())
    }

    fn exact_width(&self) -> bool {
        self.format == ImportFormat::Native
    }
}

fn by_position(
    format: ImportFormat,
    parse: fn(&[&str], NumberStyle) -> Result<Vec<ParsedRow>, FieldError>,
) -> Option<Box<dyn Layout>> {
    Some(Box::new(ByPosition { format, parse }))
}

fn names(header: &Header) -> Vec<&str> {
    header.names().iter().map(String::as_str).collect()
}

fn native_layout(header: &Header, _: &Context) -> Option<Box<dyn Layout>> {
    native::is_ledger_header(&names(header))
        .then(|| {
            by_position(ImportFormat::Native, |f, _| {
                native::parse_row(f).map(|r| vec![r])
            })
        })
        .flatten()
}

fn koinly_layout(header: &Header, _: &Context) -> Option<Box<dyn Layout>> {
    koinly::is_header(&names(header))
        .then(|| by_position(ImportFormat::Koinly, koinly::parse_row))
        .flatten()
}

fn delta_layout(header: &Header, _: &Context) -> Option<Box<dyn Layout>> {
    delta::is_header(&names(header))
        .then(|| by_position(ImportFormat::Delta, delta::parse_row))
        .flatten()
}
