//! `POST /import`: a CSV uploaded as multipart form data, previewed (`?dry_run=true`) or imported
//! as one undoable batch. The upload is streamed to a private temporary folder (mode 0700, gone
//! when the request ends) because core reads imports from a file, as from the desktop's picker.

use std::path::Path;

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::Json;
use crypto_balance_core::transfer::import::ImportOptions;
use crypto_balance_core::transfer::ImportReport;
use crypto_balance_core::{Error, ErrorCode, ErrorReport};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};
use crate::extract::Params;
use crate::ApiState;

/// The largest upload: a million-row export is about 140 MB.
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;

/// The body limit for the import route (axum's default is 2 MB).
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_UPLOAD_BYTES)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Preview only: what would be imported, skipped and asked; nothing is written.
    #[serde(default)]
    pub dry_run: bool,
}

/// The form's fields; only `file` is required.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // the schema of the multipart form, read field by field
pub struct ImportForm {
    /// The CSV file (its name helps detection, e.g. a Binance file's time zone).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A layout (`coinbase`, `kraken-ledgers`, `binance`, `koinly`, `generic`, …) or `auto`.
    format: Option<String>,
    /// The account for rows that name none.
    account: Option<String>,
    /// Which coin a symbol means, `SYMBOL=ID` (repeat the field for several).
    map: Option<Vec<String>>,
    /// For the generic layout, `FIELD=COLUMN` (repeat the field for several).
    column: Option<Vec<String>>,
    /// The zone of times written without one, e.g. `+02:00`.
    utc_offset: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, message)
}

/// Only the last part of an uploaded name, and only characters safe in a file name.
fn safe_name(name: Option<&str>) -> String {
    let base = name
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')'))
        .take(120)
        .collect();
    let clean = clean.trim_start_matches('.').trim().to_owned();
    if clean.is_empty() {
        "upload.csv".to_owned()
    } else {
        clean
    }
}

async fn save_file(field: &mut axum::extract::multipart::Field<'_>, path: &Path) -> ApiResult<()> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("cannot keep the upload: {e}")))?;
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| invalid(format!("the upload was cut: {e}")))?
    {
        file.write_all(&chunk).await.map_err(|e| {
            ApiError::new(ErrorCode::Storage, format!("cannot keep the upload: {e}"))
        })?;
    }
    file.flush()
        .await
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("cannot keep the upload: {e}")))
}

/// Previews or imports a CSV export as one undoable batch.
#[utoipa::path(post, path = "/import", tag = "write", params(ImportParams),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The preview, or what was imported (undo it by `batch_id`)", body = ImportReport),
        (status = "4XX", description = "The app's error: a stable code and a message", body = ErrorReport)))]
pub async fn import(
    State(state): State<ApiState>,
    Params(params): Params<ImportParams>,
    mut form: Multipart,
) -> ApiResult<Json<ImportReport>> {
    let folder = tempfile::Builder::new()
        .prefix("crypto-balance-upload")
        .tempdir()
        .map_err(|e| ApiError::new(ErrorCode::Storage, format!("cannot keep the upload: {e}")))?;
    let (mut file, mut format, mut account, mut utc_offset) = (None, None, None, None);
    let (mut maps, mut columns) = (Vec::new(), Vec::new());
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| invalid(format!("not a multipart form: {e}")))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let path = folder.path().join(safe_name(field.file_name()));
            save_file(&mut field, &path).await?;
            file = Some(path);
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| invalid(format!("the field '{name}' is not text: {e}")))?;
        match name.as_str() {
            "format" => format = Some(text),
            "account" => account = Some(text),
            "utc_offset" => utc_offset = Some(text),
            "map" => maps.push(text),
            "column" => columns.push(text),
            other => return Err(invalid(format!("unknown form field '{other}'"))),
        }
    }
    let file = file.ok_or_else(|| invalid("the form has no 'file' field with the CSV"))?;
    let options = ImportOptions::from_text(
        format.as_deref().unwrap_or("auto"),
        account.filter(|a| !a.trim().is_empty()),
        &maps,
        &columns,
        utc_offset.as_deref(),
        params.dry_run,
    )
    .map_err(Error::from)?;
    Ok(Json(state.app.import(&file, &options).await?))
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn an_uploaded_name_cannot_leave_the_folder() {
        assert_eq!(safe_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(
            safe_name(Some("C:\\x\\Binance (UTC+2).csv")),
            "Binance (UTC+2).csv".replace('+', "")
        );
        assert_eq!(safe_name(Some("..")), "upload.csv");
        assert_eq!(safe_name(None), "upload.csv");
        assert_eq!(safe_name(Some(".hidden")), "hidden");
    }
}
