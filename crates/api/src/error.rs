//! Every failure as `{code, message}` with the app's stable codes, and the HTTP status each code
//! means.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use crypto_balance_core::{Error, ErrorCode, ErrorReport};

/// A failed request: the app's report and, for `too_many_attempts`, when to try again.
#[derive(Debug)]
pub struct ApiError {
    report: ErrorReport,
    retry_after_seconds: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            report: ErrorReport {
                code,
                message: message.into(),
            },
            retry_after_seconds: None,
        }
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_seconds = Some(seconds);
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.report.code
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self {
            report: error.report(),
            retry_after_seconds: None,
        }
    }
}

/// The status a code is answered with.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput
        | ErrorCode::OutOfRange
        | ErrorCode::ProtectedPath
        | ErrorCode::UnknownCoin
        | ErrorCode::AmbiguousCoin
        | ErrorCode::SecretRefused => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict | ErrorCode::Busy | ErrorCode::Cancelled => StatusCode::CONFLICT,
        ErrorCode::WrongHost => StatusCode::MISDIRECTED_REQUEST,
        ErrorCode::Locked | ErrorCode::VaultNotCreated => StatusCode::LOCKED,
        ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited
        | ErrorCode::CoingeckoUnavailable
        | ErrorCode::CoingeckoSetup
        | ErrorCode::ProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::DataDirUnavailable
        | ErrorCode::OsIntegration
        | ErrorCode::Internal
        | ErrorCode::WrongPassphrase
        | ErrorCode::WrongKey
        | ErrorCode::KeyFileDamaged
        | ErrorCode::NewerVersion
        | ErrorCode::Storage
        | ErrorCode::DatabaseMissing => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(self.report.code);
        let mut response = (status, Json(self.report)).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"crypto-balance\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
