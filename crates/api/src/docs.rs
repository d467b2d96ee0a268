//! The interactive docs page at `/api/v1/docs`: RapiDoc (MIT, `assets/rapidoc-LICENSE.txt`),
//! bundled into the binary so the page loads nothing from elsewhere. Its content security policy
//! allows only this server, so the fonts RapiDoc would fetch from Google stay system fonts.
//! `scripts/vendor-rapidoc` fetched the bundle from the npm registry and checks its hash.

use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

/// RapiDoc 9.3.8's `dist/rapidoc-min.js`, gzipped as the package ships it.
const RAPIDOC_GZ: &[u8] = include_bytes!("../assets/rapidoc-min.js.gz");

const PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crypto Balance local API</title>
<script type="module" src="/api/v1/docs/rapidoc-min.js"></script>
</head>
<body style="margin:0">
<rapi-doc spec-url="/api/v1/openapi.json" render-style="read" theme="light"
  show-header="false" allow-spec-url-load="false" allow-spec-file-load="false"
  allow-server-selection="false" allow-authentication="true" persist-auth="false"
  regular-font="system-ui, sans-serif" mono-font="ui-monospace, monospace"
  primary-color="#2f6f4f" schema-description-expanded="true">
</rapi-doc>
</body>
</html>
"##;

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

fn with_policy(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

pub async fn page() -> Response {
    with_policy(Html(PAGE).into_response())
}

pub async fn script() -> Response {
    with_policy(
        (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            RAPIDOC_GZ,
        )
            .into_response(),
    )
}
