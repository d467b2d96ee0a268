//! Core's integration tests in one binary (the crate is linked once, not once per file): the
//! encrypted store, the rates client against `coingecko-fake` on 127.0.0.1, CSV import and export,
//! alerts through the real sync loop, and crash tests that kill child processes of this binary.
//! `log_secrets` stays a binary of its own: it installs the global log subscriber.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

mod alerts;
mod backfill;
mod cost_order;
mod crash;
mod events;
mod evm;
mod import_formats;
mod lookup;
mod notify;
mod privacy;
mod profit;
mod rates;
mod refresher;
mod support;
mod tokens;
mod transfer;
mod vault_store;
mod wallets;
