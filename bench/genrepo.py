#!/usr/bin/env python3
"""Writes a git fast-import stream for a repository laid out the way Porch (and stoop) write one:
PACKAGES packages, each published REVISIONS times (draft commit + two-parent approval commit on
main + tag <pkg>/v<N>), plus one open draft per package.

usage: genrepo.py PACKAGES REVISIONS | git -C repo.git fast-import --quiet
"""
import sys

packages, revisions = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
mark = 0
when = 1_700_000_000


def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw) + raw + b"\n")


def commit(ref, message, parents, files):
    global mark, when
    mark += 1
    when += 1
    out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
    out.write(b"author Porch <porch@kpt.dev> %d +0000\n" % when)
    out.write(b"committer Package Orchestration Service <porch@kpt.dev> %d +0000\n" % when)
    data(message)
    if parents:
        out.write(b"from :%d\n" % parents[0])
        for extra in parents[1:]:
            out.write(b"merge :%d\n" % extra)
    for path, text in files:
        out.write(b"M 100644 inline %s\n" % path.encode())
        data(text)
    out.write(b"\n")
    return mark


def kptfile(name, revision):
    return (f"apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: {name}\n"
            f"info:\n  description: revision {revision}\n")


def annotation(pkg, ws, rev, task=None):
    fields = f'"package":"{pkg}","workspaceName":"{ws}","revision":"{rev}"'
    if task:
        fields += f',"task":{task}'
    return "kpt:{" + fields + "}"


main = commit("refs/heads/main", "Initial commit: Creating main branch", [], [("README.md", "Created by porch")])
for revision in range(1, revisions + 1):
    for p in range(packages):
        name = f"pkg{p:04d}"
        ws = f"v{revision}"
        task = ('{"type":"init","init":{"description":"d"}}' if revision == 1
                else '{"type":"edit","edit":{"sourceRef":{"name":"bench.%s.v%d"}}}' % (name, revision - 1))
        out.write(b"reset refs/heads/tmp\nfrom :%d\n\n" % main)
        draft = commit("refs/heads/tmp", "Creating new empty revision\n\n\n" + annotation(name, ws, 0, task) + "\n",
                       [main], [(f"{name}/Kptfile", kptfile(name, revision))])
        main = commit("refs/heads/main",
                      f"Approving package revision {name}/{revision}\n\n" + annotation(name, ws, revision) + "\n",
                      [main, draft], [(f"{name}/Kptfile", kptfile(name, revision))])
        out.write(b"reset refs/tags/%s/v%d\nfrom :%d\n\n" % (name.encode(), revision, main))
for p in range(packages):
    name = f"pkg{p:04d}"
    ws = f"v{revisions + 1}"
    task = '{"type":"edit","edit":{"sourceRef":{"name":"bench.%s.v%d"}}}' % (name, revisions)
    commit(f"refs/heads/drafts/{name}/{ws}", "Creating new revision by copying previous revision\n\n\n"
           + annotation(name, ws, 0, task) + "\n", [main], [(f"{name}/Kptfile", kptfile(name, revisions + 1))])
