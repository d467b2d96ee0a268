//! `api token …` and the API half of `daemon --api`: tokens made, listed and revoked in the
//! vault, and the local HTTP API bound and served beside the sync loop.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::HeaderValue;
use crypto_balance_api::metrics::MetricsOptions;
use crypto_balance_api::{ServeOptions, Server, DEFAULT_PORT};
use crypto_balance_core::sync::Refresher;
use crypto_balance_core::tokens::TokenScope;
use crypto_balance_core::{App, ErrorCode, ErrorReport};
use serde_json::json;
use tokio::net::TcpListener;

use crate::args::{ApiServeArgs, TokenCommand};
use crate::output;

pub async fn token(app: &App, command: &TokenCommand, json: bool) -> Result<(), ErrorReport> {
    match command {
        TokenCommand::Create { name, read_only } => {
            let scope = if *read_only {
                TokenScope::Read
            } else {
                TokenScope::ReadWrite
            };
            let (token, secret) = app.create_api_token(name, scope).await?;
            if json {
                output::print_json(&json!({
                    "name": token.name,
                    "scope": token.scope,
                    "token": secret.expose(),
                }));
            } else {
                output::print_lines(&[
                    format!(
                        "Created the token '{}' ({}):",
                        token.name,
                        scope_text(scope)
                    ),
                    secret.expose().to_owned(),
                    "It is shown only this once: keep it in your tool's secret store.".to_owned(),
                ]);
            }
        }
        TokenCommand::List => {
            let tokens = app.api_tokens().await?;
            if json {
                output::print_json(&tokens);
            } else if tokens.is_empty() {
                output::print_lines(&["No tokens yet: `api token create --name NAME`".to_owned()]);
            } else {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            scope_text(t.scope).to_owned(),
                            output::day(t.created_at),
                            t.last_used_at
                                .map(output::day)
                                .unwrap_or("never".to_owned()),
                        ]
                    })
                    .collect();
                output::table(&["NAME", "SCOPE", "CREATED", "LAST USED"], &rows, &[]);
            }
        }
        TokenCommand::Revoke { name } => {
            app.revoke_api_token(name).await?;
            output::done(&format!("Revoked the token '{name}'"), json);
        }
    }
    Ok(())
}

fn scope_text(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Read => "read-only",
        TokenScope::ReadWrite => "read and write",
    }
}

/// What `--metrics`, `--metrics-values` and `--cors-origin` ask for.
pub fn serve_options(args: &ApiServeArgs) -> Result<ServeOptions, ErrorReport> {
    let mut cors_origins = Vec::new();
    for origin in &args.cors_origin {
        let valid = url::Url::parse(origin)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.path() == "/")
            .and_then(|_| HeaderValue::from_str(origin.trim_end_matches('/')).ok());
        cors_origins.push(valid.ok_or_else(|| ErrorReport {
            code: ErrorCode::InvalidInput,
            message: format!(
                "--cors-origin {origin}: give a web origin such as http://localhost:8123"
            ),
        })?);
    }
    Ok(ServeOptions {
        metrics: MetricsOptions {
            enabled: args.metrics,
            values: args.metrics_values,
        },
        cors_origins,
    })
}

/// Binds the API's address: loopback unless `--allow-remote` says otherwise.
pub async fn bind(args: &ApiServeArgs) -> Result<Option<TcpListener>, ErrorReport> {
    if !args.api {
        return Ok(None);
    }
    let address = args
        .listen
        .unwrap_or(SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)));
    if !address.ip().is_loopback() {
        if !args.allow_remote {
            return Err(ErrorReport {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "--listen {address} is reachable from other machines; add --allow-remote \
                     if that is what you want"
                ),
            });
        }
        tracing::warn!(
            "the API listens on {address}, reachable from other machines: tokens cross the \
             network in clear text unless a TLS proxy sits in front"
        );
    }
    let listener = TcpListener::bind(address).await.map_err(|e| ErrorReport {
        code: ErrorCode::OsIntegration,
        message: format!("cannot listen on {address}: {e} (pick another with --listen)"),
    })?;
    Ok(Some(listener))
}

/// Starts serving on `listener`, and says where (stderr, and a JSON line with `--json`).
pub async fn serve(
    (listener, options): (TcpListener, ServeOptions),
    app: Arc<App>,
    refresher: Arc<Refresher>,
    json: bool,
) -> Result<Server, ErrorReport> {
    let server = Server::new(app, refresher);
    let bound = server
        .serve(listener, options)
        .await
        .map_err(|e| ErrorReport {
            code: ErrorCode::OsIntegration,
            message: format!("cannot serve the API: {e}"),
        })?;
    let url = format!("http://{bound}/api/v1");
    if json {
        output::print_lines(&[json!({"event": "api_listening", "url": url}).to_string()]);
    } else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "The local API listens on {url} (its docs: {url}/docs)"
        );
    }
    Ok(server)
}
