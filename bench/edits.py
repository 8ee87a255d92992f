#!/usr/bin/env python3
"""Edits a package directory in place for the upgrade benchmark: adds a top-level field to every
STEP-th object starting at OFFSET, counting objects across files in path order, until COUNT
objects are edited. Text edits only, so comments and layout stay as they were.

usage: edits.py DIR OFFSET STEP COUNT FIELD VALUE
"""
import os
import sys

root, offset, step, count, field, value = sys.argv[1], *map(int, sys.argv[2:5]), *sys.argv[5:7]
paths = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".yaml")
)
index = edited = 0
for path in paths:
    with open(path) as f:
        documents = f.read().split("\n---\n")
    for i, document in enumerate(documents):
        if edited < count and index >= offset and (index - offset) % step == 0:
            documents[i] = document.rstrip("\n") + f"\n{field}: \"{value}\"" + (
                "\n" if document.endswith("\n") else "")
            edited += 1
        index += 1
    with open(path, "w") as f:
        f.write("\n---\n".join(documents))
print(edited)
