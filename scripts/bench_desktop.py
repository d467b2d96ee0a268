"""Measures scripts/bench-desktop's figures; run by it inside Xvfb and a D-Bus session.

Start-up ends, for both apps, when the first screen is on screen: each page asks for two frame
callbacks after its content is in the document (the second runs once the frame showing it has
been produced) and then tells the Rust side, which logs the time since its `main` began.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

APP, EMPTY = os.environ["BENCH_APP"], os.environ["BENCH_EMPTY"]
CLI, FAKE = os.environ["BENCH_CLI"], os.environ["BENCH_FAKE"]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
READY = re.compile(r"first screen rendered.*elapsed_ms=(\d+)")
CPU_PAINTING_LOG = "no GPU found: the web view paints on the CPU"
IDLE_SECONDS = 10
# CoinGecko is unreachable during the runs: the portfolio shows the last known rates.
OFFLINE = "http://127.0.0.1:9/api/v3"


def seed():
    """A vault with 1,000 holdings (50 accounts x 20 coins) and their rates, via the CLI."""
    fake = subprocess.Popen([FAKE, "--port", "0"], stdout=subprocess.PIPE, text=True)
    url = fake.stdout.readline().strip()
    try:
        with urllib.request.urlopen(f"{url}/coins/list") as answer:
            coins = [c["id"] for c in json.load(answer)][:20]
        assert len(coins) == 20, f"the fake lists only {len(coins)} coins"
        rows = ["time,account,coin,amount,kind,price,price_currency,note,id"]
        for a in range(50):
            for c, coin in enumerate(coins):
                rows.append(f"2024-01-01T00:00:00Z,Account {a},{coin},{a + 1}.{c:02}5,buy,{100 + c}.5,usd,,r{a}-{c}")
        path = os.path.join(os.environ["TMPDIR"], "holdings.csv")
        with open(path, "w") as out:
            out.write("\n".join(rows) + "\n")
        env = {**os.environ, "CRYPTO_BALANCE_PASSPHRASE": "benchmark passphrase", "CRYPTO_BALANCE_COINGECKO_URL": url}
        # The first sync learns the coin catalog, so the import can name coins by id.
        for args in (["init"], ["sync", "--once"], ["import", path], ["sync", "--once"]):
            subprocess.run([CLI, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    finally:
        fake.kill()


def descendants(pid):
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        found.append(parent)
        children = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
        queue.extend(int(child) for child in children)
    return found


def pss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            pass
    return total


def one_run(binary, idle_seconds=IDLE_SECONDS, extra_env=None):
    """(seconds to the first screen, as the app logs it; idle PSS in MB of all its processes;
    whether the app said it paints on the CPU)."""
    env = {**os.environ, "CRYPTO_BALANCE_COINGECKO_URL": OFFLINE, "CRYPTO_BALANCE_LOG": "info", "NO_COLOR": "1"}
    app = subprocess.Popen([binary], env={**env, **(extra_env or {})}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        elapsed = None
        cpu_painting = False
        while elapsed is None and time.monotonic() < deadline:
            line = app.stdout.readline()
            if not line:
                break
            cpu_painting = cpu_painting or CPU_PAINTING_LOG in line
            match = READY.search(re.sub(r"\x1b\[[0-9;]*m", "", line))
            if match:
                elapsed = int(match.group(1)) / 1000
        if elapsed is None:
            sys.exit(f"{binary} never reported its first screen")
        time.sleep(idle_seconds)
        return elapsed, pss_kb(descendants(app.pid)) / 1024, cpu_painting
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()


def main():
    seed()
    # One launch of each first, not counted: the very first launch in a new home also fills Mesa's
    # shader cache (~/.cache/mesa_shader_cache, ~0.8 s here), which only the app run first would
    # pay for; both apps share that cache afterwards.
    *_, cpu_painting = one_run(APP, idle_seconds=0)
    # The empty app paints the way Crypto Balance chose to on this machine (on the CPU where
    # there is no GPU: src-tauri/src/painting.rs), so both run the same way.
    empty_env = {"WEBKIT_SKIA_ENABLE_CPU_RENDERING": "1"} if cpu_painting else {}
    print(f"painting, both apps: {'on the CPU (no GPU found)' if cpu_painting else 'WebKit default'}")
    one_run(EMPTY, idle_seconds=0, extra_env=empty_env)
    figures = {"Crypto Balance": [], "empty Tauri app": []}
    for _ in range(RUNS):  # alternating, so both see the same machine state
        figures["Crypto Balance"].append(one_run(APP)[:2])
        figures["empty Tauri app"].append(one_run(EMPTY, extra_env=empty_env)[:2])
    for name, runs in figures.items():
        print(f"{name:18} starts (ms): {', '.join(str(round(start * 1000)) for start, _ in runs)}")
    median = {name: (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs)) for name, runs in figures.items()}
    print(f"{'':18} {'start (median of ' + str(RUNS) + ')':>24} {'idle memory (PSS)':>20}")
    for name, (start, memory) in median.items():
        print(f"{name:18} {start * 1000:>21.0f} ms {memory:>17.1f} MB")
    (app_start, app_mem), (empty_start, empty_mem) = median["Crypto Balance"], median["empty Tauri app"]
    print(f"{'ratio of medians':18} {app_start / empty_start:>23.2f}x {app_mem / empty_mem:>19.2f}x")
    # Each app run is paired with the empty-app run right after it, on the same machine state: the
    # median of those ratios shrugs off a slow spell of the machine that medians of each app see
    # at different times (this 2-core machine's start times drift by +-20 %).
    paired = statistics.median(
        a / e for (a, _), (e, _) in zip(figures["Crypto Balance"], figures["empty Tauri app"])
    )
    print(f"{'paired ratio':18} {paired:>23.2f}x")
    met = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    print(f"targets: start <= 1000 ms ({met(app_start <= 1)}) and <= 1.3x the empty app "
          f"(paired: {met(paired <= 1.3)}, medians: {met(app_start <= 1.3 * empty_start)}); "
          f"memory <= 1.3x the empty app ({met(app_mem <= 1.3 * empty_mem)})")


if __name__ == "__main__":
    main()
