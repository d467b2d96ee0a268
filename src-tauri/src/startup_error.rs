//! When the app cannot start (its data folder unusable, the web view missing pieces) no window
//! will open, so a native dialog says what happened, what to do and where the log is, before the
//! process exits with an error. Without a display it is only logged.

use std::path::Path;

use crypto_balance_core::ErrorCode;

/// What went wrong at start-up, for the dialog.
#[derive(Debug)]
pub enum StartupError<'a> {
    /// Opening the app's data failed (`App::open`).
    Data(&'a crypto_balance_core::Error),
    /// Tauri could not build the app (the web view, the window system).
    Shell(&'a tauri::Error),
}

impl StartupError<'_> {
    /// A second launch that could not hand over to the running app (which was quitting at that
    /// moment): nothing is wrong with this one, and a dialog would only block the next launch.
    fn is_hand_over(&self) -> bool {
        matches!(
            self,
            StartupError::Shell(tauri::Error::PluginInitialization(plugin, _))
                if plugin == "single-instance"
        )
    }

    fn what(&self) -> String {
        match self {
            StartupError::Data(error) => error.to_string(),
            StartupError::Shell(error) => format!("the window could not be created: {error}"),
        }
    }

    fn advice(&self) -> &'static str {
        match self {
            StartupError::Data(error) if error.code() == ErrorCode::ProtectedPath => {
                "choose another folder."
            }
            StartupError::Data(error) if error.code() == ErrorCode::DataDirUnavailable => {
                "make sure the data folder is a folder you can write to (or move what is in its \
                 way), or start the app with CRYPTO_BALANCE_DATA_DIR set to another folder."
            }
            StartupError::Data(_) => {
                "start the app again; if this repeats, restore your latest backup with \
                 `crypto-balance restore FILE`."
            }
            StartupError::Shell(_) => {
                "install the system's web view (WebKitGTK 4.1 on Linux: libwebkit2gtk-4.1-0 or \
                 webkit2gtk4.1) and start the app again from a desktop session."
            }
        }
    }

    /// The dialog's text.
    pub fn message(&self, log_dir: Option<&Path>) -> String {
        let log = log_dir.map_or_else(
            || "The details went to the terminal (no log folder could be used).".to_owned(),
            |dir| format!("The log is in {}.", dir.display()),
        );
        format!(
            "{}\n\nWhat to do: {}\n\n{log}",
            capitalized(&self.what()),
            self.advice()
        )
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Logs the failure and shows it in a native dialog, waiting until it is closed.
pub fn show(error: StartupError<'_>, log_dir: Option<&Path>) {
    tracing::error!(error = %error.what(), "cannot start");
    if error.is_hand_over() {
        return;
    }
    if !display_reachable() {
        tracing::info!("no display to show the error on: it is only logged");
        return;
    }
    #[cfg(any(target_os = "linux", target_os = "macos", windows))]
    {
        let shown = rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title("Crypto Balance could not start")
            .set_description(error.message(log_dir))
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
        tracing::debug!(?shown, "start-up error dialog closed");
    }
}

/// Whether a desktop session can show a dialog. On Linux GTK waits forever for a display it
/// cannot open (inside rfd), so the session's socket is tried first.
#[cfg(target_os = "linux")]
fn display_reachable() -> bool {
    use std::os::unix::net::UnixStream;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(wayland) = var("WAYLAND_DISPLAY") {
        let socket = match var("XDG_RUNTIME_DIR") {
            Some(runtime) if !wayland.starts_with('/') => Path::new(&runtime).join(&wayland),
            _ => Path::new(&wayland).to_path_buf(),
        };
        if UnixStream::connect(socket).is_ok() {
            return true;
        }
    }
    // ":99" or ":0.0" is the local socket /tmp/.X11-unix/X99; "host:0" is trusted as given.
    match var("DISPLAY") {
        Some(display) => match display.strip_prefix(':') {
            Some(local) => {
                let number = local.split('.').next().unwrap_or_default();
                UnixStream::connect(format!("/tmp/.X11-unix/X{number}")).is_ok()
            }
            None => true,
        },
        None => false,
    }
}

#[cfg(not(target_os = "linux"))]
fn display_reachable() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_balance_core::paths::PathError;

    #[test]
    fn the_message_says_what_happened_what_to_do_and_where_the_log_is() {
        let error = crypto_balance_core::Error::Path(PathError::Unusable {
            path: std::path::PathBuf::from("/home/me/crypto"),
            source: std::io::Error::other("a file is in the way of the folder"),
        });
        let text = StartupError::Data(&error).message(Some(Path::new("/home/me/.local/log")));
        assert!(
            text.starts_with("Cannot use data folder /home/me/crypto"),
            "{text}"
        );
        assert!(
            text.contains("What to do: make sure the data folder"),
            "{text}"
        );
        assert!(
            text.ends_with("The log is in /home/me/.local/log."),
            "{text}"
        );
    }

    #[test]
    fn a_failed_hand_over_to_the_running_app_is_no_start_up_failure() {
        let hand_over = tauri::Error::PluginInitialization(
            "single-instance".into(),
            "failed to forward arguments to the running instance".into(),
        );
        assert!(StartupError::Shell(&hand_over).is_hand_over());
        let other = tauri::Error::PluginInitialization("dialog".into(), "no GTK".into());
        assert!(!StartupError::Shell(&other).is_hand_over());
    }
}
