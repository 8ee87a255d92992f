#!/usr/bin/env python3
"""Writes a git fast-import stream for a long-lived blueprint repository, laid out the way kpt
users keep one: PACKAGES packages under pkgs/pN/ (a Kptfile and KRM YAML files each), a first
commit that adds them all, then commits that each edit one to three files, on main. Every 16th
commit is tagged, 300 tags in all for 5,000 commits: plain v1...v50 (annotated) first, then
pkgs/pN/vM (lightweight, kpt's tags for a package in a subdirectory). The output depends only on
the arguments.

usage: genhistory.py COMMITS [PACKAGES [FILES_PER_PACKAGE]] [--from N] | git fast-import
  defaults: 330 packages x 10 files (3,300 files); tags are limited to 300.
  --from N: only commits N+1...COMMITS, continuing the branch main of a repository that holds
  the first N (to add history to a remote that a clone has already fetched).
"""
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
start = 0
if "--from" in sys.argv:
    start = int(sys.argv[sys.argv.index("--from") + 1])
    args.remove(str(start))
commits = int(args[0])
packages = int(args[1]) if len(args) > 1 else 330
per_package = int(args[2]) if len(args) > 2 else 10
TAG_EVERY, MAX_TAGS, PLAIN_TAGS = 16, 300, 50

out = sys.stdout.buffer
rng = random.Random(21)
mark = 0
when = 1_600_000_000


def data(raw):
    out.write(b"data %d\n" % len(raw) + raw + b"\n")


def kptfile(p):
    return (f"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p{p}\n"
            f"  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"
            f"info:\n  description: blueprint p{p}\npipeline:\n  mutators:\n"
            f"    - image: gcr.io/kpt-fn/set-namespace:v0.4.1\n      configMap:\n"
            f"        namespace: p{p}\n").encode()


def resource(p, f, version):
    kind = ("Deployment", "Service", "ConfigMap")[f % 3]
    body = (f"apiVersion: {'apps/v1' if kind == 'Deployment' else 'v1'}\nkind: {kind}\n"
            f"metadata:\n  name: p{p}-r{f}\n  namespace: p{p}\n  labels:\n"
            f"    app.kubernetes.io/name: p{p}\n    app.kubernetes.io/component: r{f}\n")
    if kind == "Deployment":
        body += (f"spec:\n  replicas: {1 + version % 5}\n  selector:\n    matchLabels:\n"
                 f"      app: p{p}-r{f}\n  template:\n    metadata:\n      labels:\n"
                 f"        app: p{p}-r{f}\n    spec:\n      containers:\n        - name: app\n"
                 f"          image: registry.example.com/p{p}/r{f}:1.{version}\n"
                 f"          ports:\n            - containerPort: {8000 + f}\n")
    elif kind == "Service":
        body += (f"spec:\n  selector:\n    app: p{p}-r{f}\n  ports:\n    - port: 80\n"
                 f"      targetPort: {8000 + f}\n  # revision {version}\n")
    else:
        body += "data:\n" + "".join(f"  key{k}: \"value {k} of revision {version}\"\n"
                                    for k in range(4 + version % 6))
    return body.encode()


def path(p, f):
    return f"pkgs/p{p}/Kptfile" if f == 0 else f"pkgs/p{p}/r{f}.yaml"


def content(p, f, version):
    return kptfile(p) if f == 0 else resource(p, f, version)


versions = {}
tags = 0
for number in range(1, commits + 1):
    if number == 1:
        files = [(p, f) for p in range(packages) for f in range(per_package)]
        message = f"Add {packages} blueprint packages\n"
    else:
        p = rng.randrange(packages)
        files = sorted({(p, rng.randrange(1, per_package)) for _ in range(rng.randint(1, 3))})
        message = f"p{p}: update {', '.join(f'r{f}' for _, f in files)}\n"
    for key in files:
        versions[key] = versions.get(key, 0) + 1
    when += 60
    tag = None
    if number % TAG_EVERY == 0 and tags < MAX_TAGS:
        tags += 1
        tag = (f"v{tags}" if tags <= PLAIN_TAGS else
               f"pkgs/p{(tags - PLAIN_TAGS - 1) % 50}/v{(tags - PLAIN_TAGS - 1) // 50 + 1}")
    if number <= start:
        continue
    mark += 1
    out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
    out.write(b"author Blueprint Author <author@example.com> %d +0000\n" % when)
    out.write(b"committer Blueprint Author <author@example.com> %d +0000\n" % when)
    data(message.encode())
    if number == start + 1 and start > 0:
        out.write(b"from refs/heads/main^0\n")
    for p, f in files:
        out.write(b"M 100644 inline %s\n" % path(p, f).encode())
        data(content(p, f, versions[(p, f)]))
    out.write(b"\n")
    if tag and tags <= PLAIN_TAGS:
        out.write(b"tag %s\nfrom :%d\n" % (tag.encode(), mark))
        out.write(b"tagger Blueprint Author <author@example.com> %d +0000\n" % when)
        data(f"Release {tag}\n".encode())
    elif tag:
        out.write(b"reset refs/tags/%s\nfrom :%d\n\n" % (tag.encode(), mark))
