#!/usr/bin/env bash
# rootlock fix on one large Terraform file: N aws_ecs_task_definition resources,
# each with one container to fix. Prints the seconds and peak memory of
# `scan`, `fix` and `fix --diff` for each N, so that growth is seen at a glance
# (fix was quadratic in resources, and --diff's memory quadratic in lines).
#
#   bench/fix_terraform.sh [BIN] [N...]     default: build/rootlock, N = 5000 20000 100000
set -euo pipefail
bin=${1:-build/rootlock}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5000 20000 100000)
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%8s %10s %8s %14s %10s\n' resources "size" scan_s fix_s "fix_diff_s"
for n in "${sizes[@]}"; do
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "resource \"aws_ecs_task_definition\" \"t%d\" {\n  family = \"svc%d\"\n  container_definitions = jsonencode([\n    {\n      name  = \"app\"\n      image = \"app:%d\"\n    }\n  ])\n}\n", i, i, i }' >"$tmp/main.tf"
  size=$(du -h "$tmp/main.tf" | cut -f1)
  t() { /usr/bin/time -f '%e s %M KB' "$@" 2>&1 >/dev/null | tail -1; }
  scan=$(t "$bin" scan "$tmp/main.tf" || true)
  diff=$(t "$bin" fix --diff "$tmp/main.tf" || true)
  fix=$(t "$bin" fix "$tmp/main.tf" || true)
  printf '%8s %10s %8s %14s %10s\n' "$n" "$size" "${scan%% s*}" "${fix%% KB*}KB" "${diff%% s*}"
done
