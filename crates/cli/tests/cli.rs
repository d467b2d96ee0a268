//! The `crypto-balance` binary as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn crypto_balance(args: &[&str], data_dir: &Path) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_crypto-balance"))
        .args(args)
        .env("CRYPTO_BALANCE_DATA_DIR", data_dir)
        .env_remove("CRYPTO_BALANCE_PASSPHRASE")
        .output()
}

#[test]
fn version_prints_the_crate_version() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["--version"], temp.path())?;
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout)?.trim(),
        format!("crypto-balance {}", env!("CARGO_PKG_VERSION"))
    );
    Ok(())
}

#[test]
fn help_lists_the_global_options() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["--help"], temp.path())?;
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout)?;
    for option in ["--data-dir", "--json", "--passphrase-file", "info"] {
        assert!(help.contains(option), "--help lacks {option}:\n{help}");
    }
    Ok(())
}

#[test]
fn info_json_reports_the_data_folder_from_the_environment() -> Result<(), Box<dyn std::error::Error>>
{
    let temp = tempfile::tempdir()?;
    let data_dir = temp.path().join("data");
    let out = crypto_balance(&["info", "--json"], &data_dir)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["data_dir"], data_dir.display().to_string());
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(data_dir.is_dir(), "info creates the data folder");
    Ok(())
}

#[test]
fn data_dir_flag_wins_over_the_environment() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let flag_dir = temp.path().join("from-flag");
    let flag = flag_dir.to_string_lossy().into_owned();
    let out = crypto_balance(
        &["--data-dir", &flag, "info"],
        &temp.path().join("from-env"),
    )?;
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)?.contains(&flag));
    Ok(())
}

#[test]
fn unusable_data_dir_fails_with_exit_1_and_a_one_line_cause(
) -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let file = temp.path().join("a-file");
    std::fs::write(&file, b"x")?;
    let out = crypto_balance(&["info", "--json"], &file)?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&file.display().to_string()));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["code"], "data_dir_unavailable");
    Ok(())
}

#[test]
fn usage_errors_exit_2() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let out = crypto_balance(&["no-such-command"], temp.path())?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}
