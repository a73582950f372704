#!/usr/bin/env bash
# Checks the package a user installs: `npm pack`, then the tarball installed into an empty
# directory (better-sqlite3 compiles there for the Node that runs this, ~90 s) must
#   - hold no tests, fakes or test support, and the compiled dist/ with its .d.ts files;
#   - answer `omsm --help`, start `omsm serve --embedded` up to a ready /healthz;
#   - give `import { secretId } from 'omsm'` to a plain .mjs file, and type-check a .ts consumer.
#   - run an end-to-end path: `embedded` (default) starts `omsm serve --embedded` up to /healthz;
#     `kubernetes` starts `omsm kube-emulator` and stores and reads back a Secret through the
#     kubernetes provider (client-node over HTTPS), without SQLite.
# Usage: scripts/pack-check.sh [NODE_BINARY] [embedded|kubernetes]
#
# Node 24 runs the `kubernetes` path: better-sqlite3 is a native addon that node-gyp compiles
# against the headers of the Node that npm's `nodedir` names (Debian's Node 20 here); a Node 24
# build needs Node 24's headers, which npm normally downloads from nodejs.org and this network
# cannot reach. On a user's machine npm fetches them (or a prebuilt binary).
set -euo pipefail
cd "$(dirname "$0")/.."
node_bin="$(command -v "${1:-node}")"
node_dir="$(dirname "$node_bin")"
export PATH="$node_dir:$PATH"
# npm itself runs on this Node, so its install scripts (node-gyp) build better-sqlite3 for its ABI.
npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
npm() { "$node_bin" "$npm_cli" "$@"; }
echo "pack-check: $("$node_bin" --version)"

work="$(mktemp -d "${TMPDIR:-/tmp}/omsm-pack-XXXXXX")"
trap 'kill "${serve_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
tgz="$(ls "$work"/omsm-*.tgz)"

listing="$(tar -tzf "$tgz")"
if grep -E '\.test\.|test-support|/test/|fake|\.case\.|/src/' <<<"$listing"; then
  echo "pack-check: the tarball ships the files above (tests, fakes, test support or sources)" >&2
  exit 1
fi
for f in package/bin/omsm.js package/dist/bundle/main.js package/dist/cli/main.js package/dist/core/index.js package/dist/core/index.d.ts \
  package/conf/openmetadata.yaml; do
  grep -qx "$f" <<<"$listing" || { echo "pack-check: $f missing from the tarball" >&2; exit 1; }
done

app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tgz" typescript@7 @types/node@20 >/dev/null
# The emulator's libraries (@peculiar/x509, protobufjs, reflect-metadata) are optional
# dependencies: the bundled CLI carries its own copy, so everything below must work without them.
# Removed by hand as `--omit=optional` would (that flag would also drop TypeScript 7's native
# compiler, itself an optional dependency of the type check below).
rm -rf node_modules/@peculiar/x509 node_modules/protobufjs node_modules/reflect-metadata
omsm="$app/node_modules/.bin/omsm"

"$node_bin" "$omsm" --help | grep -q 'Usage: omsm'
"$node_bin" "$omsm" --version

cat >consumer.mjs <<'JS'
import { secretId } from 'omsm';
const id = secretId({ clusterName: 'openmetadata', prefix: '' }, ['database', 'my_service', 'password']);
console.log(id.name);
JS
"$node_bin" consumer.mjs

cat >consumer.ts <<'TS'
import { type SecretId, secretId } from 'omsm';
const id: SecretId = secretId({ clusterName: 'openmetadata', prefix: '' }, ['database', 'x']);
export const name: string = id.name;
TS
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2023",
  "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["consumer.ts"] }
JSON
"$node_bin" node_modules/.bin/tsc -p .

case "${2:-embedded}" in
embedded)
  # serve --embedded: SQLite and kube-emulator in process, up to a ready /healthz.
  OMSM_DEBUG=1 TMPDIR="$work" "$node_bin" "$omsm" serve --embedded --data-dir "$work/data" --port 0 >"$work/serve.out" 2>&1 &
  serve_pid=$!
  url=""
  for _ in $(seq 1 300); do
    url="$(grep -oE 'listening on http://[^ ]+' "$work/serve.out" | head -1 | cut -d' ' -f3 || true)"
    [ -n "$url" ] && curl -fsS "$url/healthz" >/dev/null 2>&1 && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.out" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS "$url/healthz"
  echo
  kill -TERM "$serve_pid"
  wait "$serve_pid" || true
  ;;
kubernetes)
  "$node_bin" "$omsm" kube-emulator --port 0 --dir "$work/emu" >"$work/emu.out" 2>&1 &
  serve_pid=$!
  kubeconfig=""
  for _ in $(seq 1 100); do
    kubeconfig="$(grep -oE 'admin kubeconfig: [^ ]+' "$work/emu.out" | cut -d' ' -f3 || true)"
    [ -n "$kubeconfig" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/emu.out" >&2; exit 1; }
    sleep 0.2
  done
  printf 'secretsManagerConfiguration:\n  secretsManager: kubernetes\n  parameters:\n    namespace: default\n    kubeconfigPath: %s\n' \
    "$kubeconfig" >"$work/om.yaml"
  name=openmetadata-database-pack-check-authtype-password
  value="pack-check-$RANDOM$RANDOM"
  ref="$(printf %s "$value" | "$node_bin" "$omsm" secrets put "$name" -c "$work/om.yaml")"
  [ "$ref" = "secret:$name" ] || { echo "pack-check: put answered '$ref'" >&2; exit 1; }
  [ "$("$node_bin" "$omsm" secrets get "$ref" -c "$work/om.yaml")" = "$value" ] ||
    { echo "pack-check: get did not read back the value put" >&2; exit 1; }
  "$node_bin" "$omsm" secrets delete "$ref" -c "$work/om.yaml" >/dev/null
  kill -TERM "$serve_pid"
  wait "$serve_pid" || true
  echo "pack-check: secret stored, read back and deleted through kube-emulator"
  ;;
*) echo "pack-check: unknown path '$2' (embedded or kubernetes)" >&2; exit 2 ;;
esac
echo "pack-check: ok ($("$node_bin" --version))"
