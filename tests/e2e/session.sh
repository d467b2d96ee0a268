#!/usr/bin/env bash
# Runs a command the way a desktop session would: inside its own D-Bus session (started by the
# caller with dbus-run-session), with an unlocked GNOME Keyring as the Secret Service, and an X
# display from Xvfb. Used by scripts/test for the end-to-end suite.
set -euo pipefail
mkdir -p "$XDG_DATA_HOME/keyrings"
# The login keyring is created and unlocked with a throwaway password; it lives in the
# test's temporary home and is deleted with it.
eval "$(printf 'e2e-keyring' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
