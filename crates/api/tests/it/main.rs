//! The local API through a real server on 127.0.0.1 (an OS-chosen port) over a real encrypted
//! vault, with prices from `coingecko-fake`. One binary, so the crate links once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed expectation is a failed test

mod endpoints;
mod events;
mod guard;
mod metrics;
mod openapi;
mod support;
