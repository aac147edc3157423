#!/usr/bin/env bash
# .pre-commit-hooks.yaml through Debian's pre-commit: `pre-commit try-repo` on a repository
# holding this repository's hooks file, against a scratch git repository,
# with the built rootlock first on PATH (the hooks are language: system). A failing manifest
# is blocked, the fixed one passes, a commit touching no workload passes (--allow-empty),
# and the compose and Terraform hooks judge only their own files.
#   precommit_test.sh ROOTLOCK_BINARY SOURCE_DIR
# Exit 0 pass, 1 fail, 77 skipped (no pre-commit).
set -uo pipefail
bin=$(readlink -f "$1")
src=$(cd "$2" && pwd)
command -v pre-commit >/dev/null || { echo "pre-commit is missing (Debian: pre-commit); skipped"; exit 77; }
command -v git >/dev/null || { echo "git is missing; skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/rootlock"
export PATH="$tmp/bin:$PATH" PRE_COMMIT_HOME="$tmp/cache" HOME="$tmp" NO_COLOR=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
  GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1
git config --global --add safe.directory '*'
git config --global init.defaultBranch main

# The hooks repository: this repository's .pre-commit-hooks.yaml as it is in the working tree
# (committed or not), in a repository of its own (try-repo clones it).
hooks=$tmp/hooks
git init -q "$hooks"
cp "$src/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -qm hooks

repo=$tmp/repo
git init -q "$repo"
cd "$repo"
# try HOOK: runs one hook on what is staged; prints its output.
try() { pre-commit try-repo "$hooks" "$1" --color never > "$tmp/out" 2>&1; local s=$?; cat "$tmp/out"; return $s; }

cat > deploy.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
YAML
git add deploy.yaml
try rootlock-manifests; status=$?
[ $status -ne 0 ] || no "a failing manifest was not blocked"
grep -q 'rootlock (Kubernetes and ECS manifests).*Failed' "$tmp/out" || no "the hook did not say Failed"
grep -q "deploy.yaml:8:11: fail: Deployment 'web' container 'app' lacks" "$tmp/out" ||
  no "the hook's text report does not name the failure"

# The fix rootlock writes makes it pass.
rootlock fix deploy.yaml > /dev/null 2>&1 || no "rootlock fix deploy.yaml"
git add deploy.yaml
try rootlock-manifests || no "the fixed manifest was blocked"
grep -q 'rootlock (Kubernetes and ECS manifests).*Passed' "$tmp/out" || no "the hook did not pass"
git commit -qm "a read-only deployment" || no "commit"

# A commit touching YAML that holds no workload passes (--allow-empty).
printf 'replicas: 3\nimage: {tag: "1.2"}\n' > values.yaml
git add values.yaml
try rootlock-manifests || no "a commit with no workload was blocked"
git commit -qm values

# Compose: its own hook, its own files.
printf 'services:\n  web:\n    image: nginx\n' > compose.yaml
git add compose.yaml
try rootlock-compose; [ $? -ne 0 ] || no "compose: a writable service was not blocked"
grep -q "compose.yaml:2:3: fail: Service 'web' lacks read_only: true" "$tmp/out" || no "compose: no finding"
try rootlock-manifests || no "the manifests hook should not judge compose.yaml"
grep -q 'rootlock (Kubernetes and ECS manifests).*no files to check' "$tmp/out" ||
  no "manifests hook ran on compose.yaml"
printf 'services:\n  web:\n    image: nginx\n    read_only: true\n    tmpfs: [/tmp]\n' > compose.yaml
git add compose.yaml
try rootlock-compose || no "compose: the fixed file was blocked"
git commit -qm compose

# Terraform.
cat > ecs.tf <<'TF'
resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([{ name = "api", image = "api:1" }])
}
TF
git add ecs.tf
try rootlock-terraform; [ $? -ne 0 ] || no "terraform: a writable task definition was not blocked"
grep -q "ecs.tf:.*fail: .*'api'.*lacks readonlyRootFilesystem" "$tmp/out" || no "terraform: no finding"
sed -i 's/image = "api:1" }/image = "api:1", readonlyRootFilesystem = true, mountPoints = [{ sourceVolume = "tmp", containerPath = "\/tmp" }] }/' ecs.tf
sed -i 's/^  family = "api"/  family = "api"\n  volume { name = "tmp" }/' ecs.tf
git add ecs.tf
try rootlock-terraform || no "terraform: the fixed file was blocked"

[ $fail -eq 0 ] && echo "pre-commit: blocks the failing manifest, compose and Terraform file; passes the fixed ones"
exit $fail
