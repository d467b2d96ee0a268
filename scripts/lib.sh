# Shared set-up for scripts/run and scripts/test: installs what is missing, quietly, and only once.
# Sourced, not executed. Debian/Ubuntu only; other systems: see the README's prerequisites.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Build output lives outside the clone so a fresh clone still reuses it (CI clones afresh each run).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/crypto-balance/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export PATH="$HOME/.cargo/bin:$PATH"

# What building, running and testing the desktop app needs on Debian 12 (see ../shared notes).
APT_PACKAGES=(
  build-essential pkg-config file curl libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth dbus dbus-bin dbus-daemon webkit2gtk-driver gnome-keyring libsecret-tools keyutils
  python3-yaml x11-utils
)

say() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run: $* (install sudo or run as root)"
  fi
}

ensure_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get; see README prerequisites"
  say "installing system packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debug and release builds of this workspace take about 15 GB; a full disk fails them midway with
# errors that do not say so plainly.
warn_if_low_on_disk() {
  local free_gb
  mkdir -p "$CARGO_TARGET_DIR"
  free_gb="$(df -P -BG "$CARGO_TARGET_DIR" | awk 'NR == 2 { sub("G", "", $4); print $4 }')"
  if [ "${free_gb:-0}" -lt 10 ]; then
    say "warning: only ${free_gb} GB free for $CARGO_TARGET_DIR; builds may fail (cargo clean frees it)"
  fi
}

ensure_rust() {
  command -v cargo >/dev/null || die "cargo not found; install Rust from https://rustup.rs"
}

ensure_node() {
  command -v node >/dev/null || die "node not found; install Node.js 20 or newer"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $major is too old; install Node.js 20 or newer"
}

# npm ci, skipped when node_modules already matches package-lock.json.
ensure_npm_packages() {
  local dir="$REPO_ROOT/$1" stamp lock_hash
  stamp="$dir/node_modules/.installed-lock-sha256"
  lock_hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
    return 0
  fi
  say "installing npm packages in $1"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
  printf '%s\n' "$lock_hash" >"$stamp"
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver (once, about a minute)"
  cargo install tauri-driver --locked --version '^2' --quiet
}

# The UI bundle the desktop binary embeds at compile time. Skipped when no file of ui/ is newer
# than the last bundle: a rebuilt bundle, even an identical one, makes cargo rebuild the app (and
# relink the release build, minutes with LTO).
build_ui() {
  local ui="$REPO_ROOT/ui" stamp="$REPO_ROOT/ui/dist/index.html"
  if [ -f "$stamp" ] && [ -z "$(find "$ui" \( -path "$ui/node_modules" -o -path "$ui/dist" \) -prune \
    -o -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  say "building the UI"
  npm --prefix "$ui" run -s build >/dev/null
}

# The desktop app (its default `custom-protocol` feature serves the built UI from the binary), and
# the CLI and the CoinGecko and chain fakes the end-to-end tests seed and serve data with.
build_app() {
  say "building the desktop app (first build takes a few minutes)"
  (cd "$REPO_ROOT" && cargo build --locked --quiet -p crypto-balance-desktop \
    -p crypto-balance-cli -p coingecko-fake -p chain-fake)
}

APP_BINARY="$CARGO_TARGET_DIR/debug/crypto-balance-desktop"
CLI_BINARY="$CARGO_TARGET_DIR/debug/crypto-balance"
FAKE_BINARY="$CARGO_TARGET_DIR/debug/coingecko-fake"
CHAIN_FAKE_BINARY="$CARGO_TARGET_DIR/debug/chain-fake"
export APP_BINARY CLI_BINARY FAKE_BINARY CHAIN_FAKE_BINARY

# The end-to-end suite: the real binary under Xvfb, driven through tauri-driver + WebKitWebDriver,
# in a throwaway home (first argument) so WebKit, tray-icon and the app write nothing into the
# user's real folders. Further arguments go to `node --test` (a reporter, test files).
run_e2e() { # home node-test-args...
  local home="$1"
  shift
  E2E_APP="$APP_BINARY" E2E_CLI="$CLI_BINARY" CRYPTO_BALANCE_DATA_DIR="$home/app-data" \
    in_test_session "$home" node --test --test-concurrency=1 --test-timeout=180000 "$@"
}

# Runs a command in tests/e2e as a desktop session would, in a throwaway home with the XDG folders
# at their default places: its own D-Bus session, an unlocked keyring, an Xvfb display; ended after
# SESSION_TIMEOUT seconds (default 900).
in_test_session() { # home command...
  local home="$1"
  shift
  mkdir -p "$home"/{.local/share,.local/state,.config,.cache,runtime}
  chmod 700 "$home/runtime"
  (
    cd "$REPO_ROOT/tests/e2e" &&
      env HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
        XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
        XDG_RUNTIME_DIR="$home/runtime" TMPDIR="$home" E2E_FAKE="$FAKE_BINARY" \
        E2E_CHAIN_FAKE="$CHAIN_FAKE_BINARY" \
        timeout "${SESSION_TIMEOUT:-900}" dbus-run-session -- ./session.sh "$@"
  )
}

# Validates docs/openapi.json and the API tests' recorded answers with a pinned Python validator,
# installed from PyPI into a venv of its own.
check_openapi() {
  local venv="$HOME/.cache/crypto-balance/openapi-venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || return 1
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$REPO_ROOT/scripts/requirements-openapi.txt" || return 1
  "$venv/bin/python" "$REPO_ROOT/scripts/check_openapi.py" "$REPO_ROOT/docs/openapi.json" \
    "$CARGO_TARGET_DIR/tmp/api-examples"
}
