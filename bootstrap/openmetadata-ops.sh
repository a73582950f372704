#!/usr/bin/env bash
# openmetadata-ops.sh: upstream's operations entry point, as a thin wrapper over `omsm`.
#
#   ./bootstrap/openmetadata-ops.sh [-c FILE] migrate-secrets [--dry-run] [--json] [...]
#   ./bootstrap/openmetadata-ops.sh [-c FILE] doctor | rbac
#
# -c/--config defaults to conf/openmetadata.yaml beside this script, as upstream. Everything after
# the command is passed to `omsm <command>` unchanged; the exit code is omsm's (see
# docs/operations.md: 0 done, 1 failed, 2 usage/config, 3 partial or a check failed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
config="$root/conf/openmetadata.yaml"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -c | --config)
      [[ $# -ge 2 ]] || { echo "error: $1 needs a file" >&2; exit 2; }
      config="$2"
      shift 2
      ;;
    --config=*)
      config="${1#--config=}"
      shift
      ;;
    -h | --help | help)
      usage
      exit 0
      ;;
    -*)
      echo "error: unknown option $1 before the command (run with --help)" >&2
      exit 2
      ;;
    *)
      break
      ;;
  esac
done

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
command="$1"
shift
case "$command" in
  migrate-secrets | doctor | rbac) ;;
  *)
    echo "error: '$command' is not an omsm operation; supported: migrate-secrets, doctor, rbac" >&2
    exit 2
    ;;
esac

exec node "$root/bin/omsm.js" "$command" -c "$config" "$@"
