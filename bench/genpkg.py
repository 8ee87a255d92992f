#!/usr/bin/env python3
"""Writes a kpt package of N resources (default 3000, about 2 MB) for benchmarks and tests.

Files mix what real packages hold: license headers, comments of every kind, flow maps, literal
blocks, setter comments, wide and compact sequences, multi-document files.
"""
import os
import sys

def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "Kptfile"), "w") as f:
        f.write("""apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: generated # package name
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: generated benchmark package
pipeline:
  mutators:
    - image: gcr.io/kpt-fn/set-namespace:v0.4.1
      configMap:
        namespace: bench
""")
    per_file = 10
    files = (count + per_file - 1) // per_file
    n = 0
    for i in range(files):
        sub = "apps/group-%02d" % (i % 20)
        os.makedirs(os.path.join(out, sub), exist_ok=True)
        docs = []
        for j in range(per_file):
            if n >= count:
                break
            wide = (n % 2 == 0)
            ind = "  " if wide else ""
            if n % 3 == 0:
                w = "  " if wide else ""
                docs.append(f"""# Deployment {n}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n} # kpt-set: ${{name}}-{n}
  namespace: ns-{n % 7}
  labels: {{app: app-{n}, tier: "backend"}}
spec:
  replicas: {n % 5 + 1} # kpt-set: ${{replicas}}
  selector:
    matchLabels:
      app: app-{n}
  template:
    metadata:
      labels:
        app: app-{n}
    spec:
      containers:
      {w}- name: main
      {w}  image: "registry.example.com/app:{n}.0" # kpt-set: ${{image}}
      {w}  args: ["--port", "8080", '--verbose']
      {w}  ports:
      {w}  {w}- containerPort: 8080
      {w}  {w}  protocol: TCP
      {w}  env:
      {w}  {w}# environment for the app
      {w}  {w}- name: MODE
      {w}  {w}  value: production
      {w}  {w}- name: COUNT
      {w}  {w}  value: "{n}"
""")
            elif n % 3 == 1:
                docs.append(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{n}
  namespace: ns-{n % 7}
  annotations:
    example.com/owner: team-{n % 11}
data:
  # configuration file
  app.properties: |
    key.one=value-{n}
    key.two=value two
      indented continuation
  flag: "true"
  empty:
  hex: 0x1F
  list: '[1, 2, 3]'
""")
            else:
                docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: svc-{n}, namespace: ns-{n % 7}}}
spec:
  selector:
    app: app-{n}
  ports:
  {ind}- port: 80 # public port
  {ind}  targetPort: 8080
  {ind}  protocol: TCP
  type: ClusterIP
""".replace("{ind}", ind))
            n += 1
        header = "# Copyright 2026 The stoop Authors\n# SPDX-License-Identifier: Apache-2.0\n\n" if i % 4 == 0 else ""
        with open(os.path.join(out, sub, "resources-%04d.yaml" % i), "w") as f:
            f.write(header + "---\n".join(docs))

if __name__ == "__main__":
    main()
