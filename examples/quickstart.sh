#!/usr/bin/env bash
# The README's main job: a tour of what stoop does today, on a package it copies to a scratch dir.
set -euo pipefail
STOOP=${STOOP:-stoop}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/blueprint" "$work/blueprint"

echo "== stoop fn source: the package as a ResourceList"
"$STOOP" fn source "$work/blueprint" | head -n 30
echo "..."

echo
echo "== stoop fn source | stoop fn sink: every file comes back byte for byte"
"$STOOP" fn source "$work/blueprint" | "$STOOP" fn sink "$work/copy"
diff -r "$work/blueprint" "$work/copy"
echo "identical: $(cd "$work/copy" && find . -type f | sort | tr '\n' ' ')"

echo
echo "== bad input gets one line and an exit code"
set +e
"$STOOP" fn source "$work/missing"; echo "exit code $?"
"$STOOP" fn source "$work/blueprint" | "$STOOP" fn sink "$work/copy"; echo "exit code $?"
set -e

echo
echo "== stoop fn render: the Kptfile pipeline runs in process (set-namespace is built in)"
"$STOOP" fn render "$work/blueprint"
grep -n 'namespace:' "$work/blueprint/deployment.yaml" | sed 's/^/   /'

echo
echo "== stoop repo: register a git repository (a bare one made here)"
export STOOP_HOME="$work/stoop-home"
git init -q --bare -b main "$work/blueprints.git"
"$STOOP" repo register "$work/blueprints.git" --create-branch --description "demo blueprints"
"$STOOP" repo get

echo
echo "== the lifecycle: init a Draft, pull it, add a resource and a pipeline, push (rendered),"
echo "   propose, approve"
"$STOOP" rpkg init nginx --repository blueprints --workspace v1 --description "nginx blueprint"
"$STOOP" rpkg pull blueprints.nginx.v1 "$work/nginx"
cp "$here/blueprint/deployment.yaml" "$work/nginx/deployment.yaml"
cat >>"$work/nginx/Kptfile" <<'YAML'
pipeline:
  mutators:
    - image: gcr.io/kpt-fn/set-namespace:v0.4.1
      configPath: package-context.yaml
YAML
"$STOOP" rpkg push blueprints.nginx.v1 "$work/nginx"
"$STOOP" rpkg propose blueprints.nginx.v1
"$STOOP" rpkg approve blueprints.nginx.v1
"$STOOP" rpkg get

echo
echo "== what git holds: Porch's refs and commits"
git -C "$work/blueprints.git" for-each-ref --format='   %(refname)'
git -C "$work/blueprints.git" log --format='   %h %s' main

echo
echo "== a pushed draft that moved meanwhile is refused (exit 3), nothing is written"
"$STOOP" rpkg copy blueprints/nginx@v1 --workspace v2
"$STOOP" rpkg pull blueprints.nginx.v2 "$work/v2"
"$STOOP" rpkg pull blueprints.nginx.v2 | "$STOOP" rpkg push blueprints.nginx.v2 -
set +e
"$STOOP" rpkg push blueprints.nginx.v2 "$work/v2"; echo "exit code $?"
set -e

echo
echo "== a downstream package: clone the published blueprint into a deployment repository"
git init -q --bare -b main "$work/deployments.git"
"$STOOP" repo register "$work/deployments.git" --create-branch --deployment
"$STOOP" rpkg clone blueprints/nginx@v1 web --repository deployments
echo "   rendered with the new package context: $("$STOOP" rpkg pull deployments.web.v1 |
  grep -m1 '  namespace:' | sed 's/^ *//')"
"$STOOP" rpkg pull deployments.web.v1 | grep -A24 'kind: Kptfile' | sed 's/^/   /'

echo
echo "== upstream moves on: web scales to 5 downstream, the blueprint's v2 takes nginx:1.28,"
echo "   discovery lists the update, and the upgrade merges both into a new Draft (render output left out)"
"$STOOP" rpkg propose deployments.web.v1 2>/dev/null && "$STOOP" rpkg approve deployments.web.v1 2>/dev/null
"$STOOP" rpkg pull deployments.web.v1 "$work/web-v1"
sed -i 's/replicas: 2/replicas: 5/' "$work/web-v1/deployment.yaml"
"$STOOP" rpkg copy deployments/web@v1 --workspace v2 2>/dev/null
"$STOOP" rpkg pull deployments.web.v2 "$work/web-v2"
cp "$work/web-v1/deployment.yaml" "$work/web-v2/deployment.yaml"
"$STOOP" rpkg push deployments.web.v2 "$work/web-v2" 2>/dev/null
"$STOOP" rpkg propose deployments.web.v2 2>/dev/null && "$STOOP" rpkg approve deployments.web.v2 2>/dev/null
rm -rf "$work/v2" && "$STOOP" rpkg pull blueprints.nginx.v2 "$work/v2"
sed -i 's/nginx:1.27/nginx:1.28/' "$work/v2/deployment.yaml"
"$STOOP" rpkg push blueprints.nginx.v2 "$work/v2" 2>/dev/null
"$STOOP" rpkg propose blueprints.nginx.v2 2>/dev/null && "$STOOP" rpkg approve blueprints.nginx.v2 2>/dev/null
"$STOOP" rpkg upgrade --discover=downstream
"$STOOP" rpkg upgrade --all --upstream blueprints/nginx --workspace v3 2>/dev/null
"$STOOP" rpkg pull deployments.web.v3 | grep -E '^ +(replicas|image):' | sed 's/^ */   /'

echo
echo "== the same on plain directories, as kpt's pkg group: get, edit, diff, update"
echo "   (@v1 finds the tag nginx/v1 first, as kpt does)"
"$STOOP" pkg get "$work/blueprints.git/nginx@v1" "$work/local-web"
sed -i 's/replicas: 2/replicas: 4/' "$work/local-web/deployment.yaml"
"$STOOP" pkg diff "$work/local-web" | sed 's/^/   /'
"$STOOP" pkg update "$work/local-web@v2"
grep -E '^ +(replicas|image):' "$work/local-web/deployment.yaml" | sed 's/^ */   /'
grep -A6 '^upstreamLock:' "$work/local-web/Kptfile" | sed 's/^/   /'

echo
echo "== deleting: a draft at once, a published revision after propose-delete"
"$STOOP" rpkg del deployments.web.v3
"$STOOP" rpkg propose-delete blueprints/nginx@v1
"$STOOP" rpkg del blueprints/nginx@v1
"$STOOP" rpkg get

echo
echo "== deploying the published deployments/web: the RootSync Config Sync would apply (the"
echo "   manifests only), then the package's files into a directory, with no cluster"
"$STOOP" sync create web --package deployments/web -o yaml | sed 's/^/   /'
"$STOOP" sync create web --package deployments/web --to-dir "$work/deployed"
ls -A "$work/deployed" | sed 's/^/   /'
echo "   an edit is drift (the reason on stderr); create again puts the revision back"
sed -i 's/replicas: 5/replicas: 9/' "$work/deployed/deployment.yaml"
"$STOOP" sync get
"$STOOP" sync create web --package deployments/web --to-dir "$work/deployed" 2>/dev/null
"$STOOP" sync get
