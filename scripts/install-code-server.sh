#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100, the last line that runs on Node 20) for the end-to-end
# tests, offline-friendly: its own install script downloads prebuilt binaries, so we install with
# --ignore-scripts and rebuild the native modules from source against this Node. Cached: a second run
# with the marker present does nothing. Usage: scripts/install-code-server.sh [CACHE_DIR]
set -euo pipefail
VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${1:-$ROOT/.cache/code-server}"
MARKER="$CACHE/.installed-$VERSION"
if [ -f "$MARKER" ]; then
  echo "code-server $VERSION already installed in $CACHE"
  exit 0
fi

# 1. Build dependencies of the native modules, and ripgrep for search.
need=""
for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need
fi

mkdir -p "$CACHE"
cd "$CACHE"
[ -f package.json ] || echo '{"name":"code-server-cache","private":true}' > package.json

# 2. code-server itself, without its download scripts; argon2 from source.
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
npm rebuild argon2

# 3. VS Code's own production dependencies, native modules rebuilt for this Node.
VSC="$CACHE/node_modules/code-server/lib/vscode"
cd "$VSC"
npm install --no-audit --no-fund --omit=dev --ignore-scripts
for m in @parcel/watcher @vscode/spdlog kerberos native-watchdog @vscode/deviceid @vscode/sqlite3; do
  npm rebuild "$m"
done
(cd node_modules/node-pty && npx --yes node-gyp@12.4.0 rebuild)

# 4. ripgrep from Debian, the asar link, and the two helper scripts code-server expects.
mkdir -p node_modules/@vscode/ripgrep/bin
cp /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh

# 5. The built-in extensions' dependencies.
(cd extensions && npm install --no-audit --no-fund --omit=dev --ignore-scripts)

touch "$MARKER"
echo "code-server $VERSION installed in $CACHE"
