#!/usr/bin/env python3
"""A small fake Kubernetes API server on 127.0.0.1 for the tests that drive a real kubectl.

usage: fake-kube-apiserver.py KUBECONFIG [--no-config-sync] [--lifetime SECONDS]

Writes KUBECONFIG (one cluster, one user, current-context `fake`) pointing at itself, then prints
its port on the first line of output. It exits by itself after --lifetime seconds (120 unless
given), so a test that forgets it leaves nothing running for long.

What it serves, enough for kubectl 1.20 (Debian bookworm's) up to 1.33:
- discovery: /version, /api, /api/v1, /apis, /apis/GROUP/VERSION (legacy, unaggregated JSON:
  newer clients fall back to it), an empty /openapi/v2 (no schemas, so client-side validation
  finds nothing to check), no /openapi/v3;
- Namespace, Secret, RoleBinding, CustomResourceDefinition, and, as Config Sync installs them,
  RootSync and RepoSync (configsync.gke.io v1beta1 and v1alpha1) and ResourceGroup (kpt.dev
  v1alpha1), the last three with a status subresource;
- get, list (labelSelector, fieldSelector), watch (resourceVersion, sendInitialEvents), create,
  update, patch (server-side apply, merge, strategic merge taken as merge, JSON patch), delete;
  a server-side apply with dryRun checks as the real one would (the namespace exists, an injected
  failure) and stores nothing;
- finalizers: an object that has some is only marked (deletionTimestamp) when deleted. As Config
  Sync's reconciler does, a RootSync or RepoSync annotated
  `configsync.gke.io/deletion-propagation-policy: Foreground` gets the finalizer
  configsync.gke.io/reconciler reconcilerSeconds after the annotation is written (never when
  negative, as before Config Sync 1.15), loses it when the annotation goes, and when deleted with
  it shows a ReconcilerFinalizing condition, then is gone after finalizeSeconds (never when
  negative), or is stuck with a ReconcilerFinalizerFailure condition when finalizerFailure is set.

Test hooks (plain HTTP, no kubectl needed):
- POST /_fake/config {"configSync": bool, "resourceGroups": bool, "reconcilerSeconds": float,
  "finalizeSeconds": float, "finalizerFailure": str|null, "serverVersion": "v1.30.0"};
- POST /_fake/status/<object path, e.g. apis/configsync.gke.io/v1beta1/namespaces/N/rootsyncs/X>
  with the status as the body, as Config Sync's reconciler would write it;
- POST /_fake/object with a whole object as the body (created or replaced as is);
- GET /_fake/object/<object path>: the stored object, or 404;
- POST /_fake/fail {"method": "PATCH", "path": "/rootsyncs/", "code": 409, "reason": "Conflict",
  "message": "...", "details": {...}}: the next API request with that method and a path containing that text fails
  so, once;
- GET /_fake/requests: every API request so far as "METHOD path?query content-type".
"""
import base64
import copy
import datetime
import http.server
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
import uuid

# The parent may have started us with SIGTERM blocked (a signal mask is inherited).
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])

kubeconfig_path = sys.argv[1]
options = sys.argv[2:]
lifetime = 120.0
if "--lifetime" in options:
    lifetime = float(options[options.index("--lifetime") + 1])

config = {
    "configSync": "--no-config-sync" not in options,
    "resourceGroups": True,
    "finalizeSeconds": 1.0,
    "reconcilerSeconds": 0.2,
    "finalizerFailure": None,
    "serverVersion": "v1.30.0",
}

# Kinds served: (group, versions, plural, kind, namespaced, has status, switch in config or None).
KINDS = [
    ("", ["v1"], "namespaces", "Namespace", False, False, None),
    ("", ["v1"], "secrets", "Secret", True, False, None),
    ("rbac.authorization.k8s.io", ["v1"], "rolebindings", "RoleBinding", True, False, None),
    ("apiextensions.k8s.io", ["v1"], "customresourcedefinitions", "CustomResourceDefinition",
     False, False, None),
    ("configsync.gke.io", ["v1beta1", "v1alpha1"], "rootsyncs", "RootSync", True, True,
     "configSync"),
    ("configsync.gke.io", ["v1beta1", "v1alpha1"], "reposyncs", "RepoSync", True, True,
     "configSync"),
    ("kpt.dev", ["v1alpha1"], "resourcegroups", "ResourceGroup", True, True, "resourceGroups"),
]
SHORT_NAMES = {"customresourcedefinitions": ["crd", "crds"], "namespaces": ["ns"]}
FINALIZER = "configsync.gke.io/reconciler"
POLICY = "configsync.gke.io/deletion-propagation-policy"

lock = threading.RLock()
objects = {}  # (group, plural, namespace, name) -> object
applied = {}  # (key, manager) -> the configuration last applied by that manager
history = []  # (resourceVersion, event type, key, object) for watches
requests = []
failures = []
revision = [1]


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def served():
    return [k for k in KINDS if k[6] is None or config[k[6]]]


def kind_for(group, version, plural):
    for k in served():
        if k[0] == group and version in k[1] and k[2] == plural:
            return k
    return None


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return code, body


def qualified(k):
    return k[2] + ("." + k[0] if k[0] else "")


def not_found(k, name):
    return status(404, "NotFound", f'{qualified(k)} "{name}" not found',
                  {"name": name, "group": k[0], "kind": k[2]})


def record(event, key, obj):
    """Bumps the resource version, stamps it on obj and remembers the event for watches."""
    revision[0] += 1
    if obj is not None:
        obj["metadata"]["resourceVersion"] = str(revision[0])
    history.append((revision[0], event, key, copy.deepcopy(obj)))


def as_version(obj, group, version):
    out = copy.deepcopy(obj)
    out["apiVersion"] = f"{group}/{version}" if group else version
    return out


# MARK: Selectors


def labels_match(obj, selector):
    labels = obj.get("metadata", {}).get("labels") or {}
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def fields_match(obj, selector):
    meta = obj.get("metadata", {})
    for term in filter(None, (t.strip() for t in selector.split(","))):
        negate = "!=" in term
        key, value = term.replace("!=", "=").replace("==", "=").split("=", 1)
        actual = {"metadata.name": meta.get("name"),
                  "metadata.namespace": meta.get("namespace")}.get(key)
        if (actual == value) == negate:
            return False
    return True


def matches(obj, query):
    return labels_match(obj, query.get("labelSelector", "")) and fields_match(
        obj, query.get("fieldSelector", ""))


# MARK: Patches


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target, operations):
    result = copy.deepcopy(target)
    for op in operations:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = result
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.setdefault(part, {})
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                index = len(parent) if last == "-" else int(last)
                if op["op"] == "add":
                    parent.insert(index, op["value"])
                else:
                    parent[index] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
    return result


def remove_unapplied(obj, before, after):
    """Server-side apply: fields a manager applied before and no longer applies are removed."""
    if not isinstance(before, dict) or not isinstance(obj, dict):
        return
    for key, value in before.items():
        if not isinstance(after, dict) or key not in after:
            obj.pop(key, None)
        elif isinstance(value, dict):
            remove_unapplied(obj.get(key), value, after[key])


def apply_merge(target, patch):
    """Server-side apply's merge, simplified: maps merge, everything else is replaced."""
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return copy.deepcopy(patch)
    result = dict(target)
    for key, value in patch.items():
        result[key] = apply_merge(result.get(key), value)
    return result


# MARK: Storage


def crd_object(k):
    group, versions, plural, kind = k[0], k[1], k[2], k[3]
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}", "uid": str(uuid.uuid5(uuid.NAMESPACE_DNS, plural)),
                     "resourceVersion": "1", "generation": 1, "creationTimestamp": now()},
        "spec": {"group": group, "scope": "Namespaced" if k[4] else "Cluster",
                 "names": {"plural": plural, "singular": kind.lower(), "kind": kind,
                           "listKind": kind + "List"},
                 "versions": [{"name": v, "served": True, "storage": v == versions[0],
                               "subresources": {"status": {}} if k[5] else {}}
                              for v in versions]},
        "status": {"conditions": [{"type": "Established", "status": "True"}]},
    }


def stored(k, namespace):
    """The objects of one kind, CRDs made up from what is installed."""
    if k[2] == "customresourcedefinitions":
        return [crd_object(c) for c in served() if c[0] not in ("", "rbac.authorization.k8s.io",
                                                                 "apiextensions.k8s.io")]
    return [o for (g, p, ns, _), o in objects.items()
            if g == k[0] and p == k[2] and (namespace is None or ns == namespace)]


def missing_namespace(k, namespace):
    """Creating in a namespace that does not exist fails, as on a real server."""
    if k[4] and ("", "namespaces", None, namespace) not in objects:
        return status(404, "NotFound", f'namespaces "{namespace}" not found',
                      {"name": namespace, "kind": "namespaces"})
    return None


def prepare_new(k, obj, namespace, name):
    meta = obj.setdefault("metadata", {})
    meta["name"] = name or meta.get("name")
    if k[4]:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    meta["uid"] = str(uuid.uuid4())
    meta["creationTimestamp"] = now()
    meta["generation"] = 1
    for dropped in ("resourceVersion", "deletionTimestamp", "managedFields"):
        meta.pop(dropped, None)
    if k[5]:
        obj.pop("status", None)
    obj["kind"] = k[3]
    if k[3] == "Secret" and "stringData" in obj:
        data = obj.setdefault("data", {})
        for key, value in obj.pop("stringData").items():
            data[key] = base64.b64encode(value.encode()).decode()


def store_update(k, key, old, new, subresource):
    """Keeps what the client may not change, bumps the generation when the spec changes."""
    meta = new.setdefault("metadata", {})
    for kept in ("uid", "creationTimestamp", "name", "namespace", "deletionTimestamp"):
        if kept in old["metadata"]:
            meta[kept] = old["metadata"][kept]
    meta["generation"] = old["metadata"].get("generation", 1)
    new["kind"] = old["kind"]
    if k[5] and subresource != "status":
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if subresource == "status":
        new = dict(old, status=new.get("status"))
    elif new.get("spec") != old.get("spec"):
        new["metadata"]["generation"] = meta["generation"] + 1
    if k[3] == "Secret" and "stringData" in new:
        data = new.setdefault("data", {})
        for key2, value in new.pop("stringData").items():
            data[key2] = base64.b64encode(value.encode()).decode()
    objects[key] = new
    if meta.get("deletionTimestamp") is not None and not meta.get("finalizers"):
        del objects[key]
        record("DELETED", key, new)
    else:
        record("MODIFIED", key, new)
        reconcile_later(key)
    return new


def set_condition(obj, condition):
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    conditions[:] = [c for c in conditions if c.get("type") != condition["type"]]
    condition.setdefault("lastUpdateTime", now())
    conditions.append(condition)


def finalize_later(key, delay):
    def finish():
        with lock:
            obj = objects.get(key)
            if obj is None:
                return
            finalizers = obj["metadata"].get("finalizers") or []
            obj["metadata"]["finalizers"] = [f for f in finalizers if f != FINALIZER]
            if not obj["metadata"]["finalizers"]:
                del objects[key]
                record("DELETED", key, obj)
            else:
                record("MODIFIED", key, obj)

    timer = threading.Timer(delay, finish)
    timer.daemon = True
    timer.start()


def reconcile_later(key):
    """Config Sync's reconciler: it adds its finalizer to a sync annotated Foreground, and takes
    it away again when the annotation goes, reconcilerSeconds after it sees the change (a
    negative number: never, as Config Sync before 1.15, which ignores the annotation)."""
    if key[0] != "configsync.gke.io" or config["reconcilerSeconds"] < 0:
        return

    def reconcile():
        with lock:
            obj = objects.get(key)
            if obj is None or obj["metadata"].get("deletionTimestamp"):
                return
            meta = obj["metadata"]
            finalizers = meta.get("finalizers") or []
            wanted = (meta.get("annotations") or {}).get(POLICY) == "Foreground"
            if wanted and FINALIZER not in finalizers:
                meta["finalizers"] = finalizers + [FINALIZER]
            elif not wanted and FINALIZER in finalizers:
                meta["finalizers"] = [f for f in finalizers if f != FINALIZER]
            else:
                return
            record("MODIFIED", key, obj)

    timer = threading.Timer(config["reconcilerSeconds"], reconcile)
    timer.daemon = True
    timer.start()


def delete(k, key):
    obj = objects[key]
    meta = obj["metadata"]
    if meta.get("deletionTimestamp"):
        return obj
    if not meta.get("finalizers"):
        del objects[key]
        record("DELETED", key, obj)
        return obj
    meta["deletionTimestamp"] = now()
    if FINALIZER in meta["finalizers"]:
        if (meta.get("annotations") or {}).get(POLICY) != "Foreground":
            finalize_later(key, max(config["reconcilerSeconds"], 0))
        else:
            set_condition(obj, {"type": "ReconcilerFinalizing", "status": "True",
                                "reason": "ResourcesDeleting",
                                "message": "Deleting managed objects"})
            if config["finalizerFailure"]:
                set_condition(obj, {"type": "ReconcilerFinalizerFailure", "status": "True",
                                    "reason": "DestroyFailure",
                                    "message": config["finalizerFailure"]})
            elif config["finalizeSeconds"] >= 0:
                finalize_later(key, config["finalizeSeconds"])
    record("MODIFIED", key, obj)
    return obj


# MARK: HTTP


def discovery_resources(group, version):
    resources = []
    for k in served():
        if k[0] != group or version not in k[1]:
            continue
        verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
        entry = {"name": k[2], "singularName": k[3].lower(), "namespaced": k[4], "kind": k[3],
                 "verbs": verbs}
        if k[2] in SHORT_NAMES:
            entry["shortNames"] = SHORT_NAMES[k[2]]
        resources.append(entry)
        if k[5]:
            resources.append({"name": k[2] + "/status", "singularName": "", "namespaced": k[4],
                              "kind": k[3], "verbs": ["get", "patch", "update"]})
    return resources


def groups():
    found = {}
    for k in served():
        if k[0]:
            found.setdefault(k[0], k[1])
    return [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
             "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
            for g, vs in found.items()]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        path = url.path.rstrip("/") or "/"
        body = self.body()
        if path.startswith("/_fake"):
            return self.hook(path, body)
        with lock:
            requests.append(f"{self.command} {self.path} {self.headers.get('Content-Type', '')}"
                            .strip())
            for failure in failures:
                if failure.get("method", self.command) == self.command and failure.get(
                        "path", "") in self.path:
                    failures.remove(failure)
                    return self.reply(*status(failure.get("code", 500),
                                              failure.get("reason", "InternalError"),
                                              failure.get("message", "injected failure"),
                                              failure.get("details")))
        if path == "/version":
            version = config["serverVersion"]
            major, minor = version.lstrip("v").split(".")[:2]
            return self.reply(200, {"major": major, "minor": minor, "gitVersion": version,
                                    "gitCommit": "0" * 40, "gitTreeState": "clean",
                                    "buildDate": "2024-01-01T00:00:00Z", "goVersion": "go1.22",
                                    "compiler": "gc", "platform": "linux/amd64"})
        if path == "/api":
            return self.reply(200, {"kind": "APIVersions", "versions": ["v1"],
                                    "serverAddressByClientCIDRs": [
                                        {"clientCIDR": "0.0.0.0/0",
                                         "serverAddress": f"127.0.0.1:{port}"}]})
        if path == "/apis":
            with lock:
                return self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1",
                                        "groups": groups()})
        if path == "/openapi/v2":
            # No schemas: an empty protobuf document, or an empty JSON one when asked for JSON.
            if "protobuf" in self.headers.get("Accept", "protobuf"):
                return self.reply(200, b"", "application/com.github.proto-openapi.spec.v2.v1.0"
                                            "+protobuf")
            return self.reply(200, {"swagger": "2.0", "info": {"title": "fake", "version": "v1"},
                                    "paths": {}, "definitions": {}})
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return self.reply(*status(404, "NotFound", "the server could not find the requested "
                                                       "resource"))
        if self.command == "GET" and query.get("watch") in ("true", "1"):
            # Outside the lock: a watch holds its connection for seconds.
            return self.watch_path(group, version, rest, query)
        with lock:
            if not rest:
                resources = discovery_resources(group, version)
                if not resources:
                    return self.reply(*status(404, "NotFound", "the server could not find the "
                                                               "requested resource"))
                return self.reply(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                        "groupVersion": f"{group}/{version}" if group else version,
                                        "resources": resources})
            namespace = None
            if rest[0] == "namespaces" and len(rest) >= 3 and kind_for(group, version, rest[2]):
                namespace, rest = rest[1], rest[2:]
            k = kind_for(group, version, rest[0])
            if k is None:
                return self.reply(*status(404, "NotFound", "the server could not find the "
                                                           "requested resource"))
            name = rest[1] if len(rest) > 1 else None
            subresource = rest[2] if len(rest) > 2 else None
            if subresource not in (None, "status") or (subresource and not k[5]):
                return self.reply(*status(404, "NotFound", "the server could not find the "
                                                           "requested resource"))
            if name is None:
                return self.collection(k, group, version, namespace, query, body)
            return self.item(k, group, version, namespace, name, subresource, query, body)

    def watch_path(self, group, version, rest, query):
        namespace = None
        if rest and rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        k = kind_for(group, version, rest[0]) if len(rest) == 1 else None
        if k is None:
            return self.reply(*status(404, "NotFound", "the server could not find the "
                                                       "requested resource"))
        return self.watch(k, group, version, namespace, query)

    def collection(self, k, group, version, namespace, query, body):
        if self.command == "GET":
            items = [as_version(o, group, version) for o in stored(k, namespace)
                     if matches(o, query)]
            items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            return self.reply(200, {"kind": k[3] + "List",
                                    "apiVersion": f"{group}/{version}" if group else version,
                                    "metadata": {"resourceVersion": str(revision[0])},
                                    "items": items})
        if self.command == "POST":
            obj = json.loads(body or b"{}")
            name = obj.get("metadata", {}).get("name")
            key = (k[0], k[2], namespace if k[4] else None, name)
            if key in objects:
                return self.reply(*status(409, "AlreadyExists",
                                          f'{qualified(k)} "{name}" already exists'))
            if missing_namespace(k, namespace):
                return self.reply(*missing_namespace(k, namespace))
            prepare_new(k, obj, namespace, name)
            objects[key] = obj
            record("ADDED", key, obj)
            reconcile_later(key)
            return self.reply(201, as_version(obj, group, version))
        return self.reply(*status(405, "MethodNotAllowed", "method not allowed"))

    def item(self, k, group, version, namespace, name, subresource, query, body):
        if k[2] == "customresourcedefinitions":
            for crd in stored(k, None):
                if crd["metadata"]["name"] == name and self.command == "GET":
                    return self.reply(200, crd)
            return self.reply(*not_found(k, name))
        key = (k[0], k[2], namespace if k[4] else None, name)
        old = objects.get(key)
        content_type = self.headers.get("Content-Type", "").split(";")[0]
        if self.command == "GET":
            if old is None:
                return self.reply(*not_found(k, name))
            return self.reply(200, as_version(old, group, version))
        if self.command == "DELETE":
            if old is None:
                return self.reply(*not_found(k, name))
            return self.reply(200, as_version(delete(k, key), group, version))
        if self.command == "PUT":
            if old is None:
                return self.reply(*not_found(k, name))
            new = store_update(k, key, old, json.loads(body or b"{}"), subresource)
            return self.reply(200, as_version(new, group, version))
        if self.command != "PATCH":
            return self.reply(*status(405, "MethodNotAllowed", "method not allowed"))
        patch = json.loads(body or b"{}")
        if content_type == "application/apply-patch+yaml":
            manager = query.get("fieldManager")
            if not manager:
                return self.reply(*status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is "
                                                          "invalid: fieldManager: Required value: "
                                                          "is required for apply patch"))
            if old is None:
                if subresource == "status":
                    return self.reply(*not_found(k, name))
                if missing_namespace(k, namespace):
                    return self.reply(*missing_namespace(k, namespace))
                obj = copy.deepcopy(patch)
                prepare_new(k, obj, namespace, name)
                if query.get("dryRun"):
                    return self.reply(201, as_version(obj, group, version))
                obj["metadata"]["managedFields"] = [
                    {"manager": manager, "operation": "Apply", "apiVersion": patch.get("apiVersion"),
                     "time": now(), "fieldsType": "FieldsV1", "fieldsV1": {}}]
                objects[key] = obj
                applied[(key, manager)] = patch
                record("ADDED", key, obj)
                reconcile_later(key)
                return self.reply(201, as_version(obj, group, version))
            new = copy.deepcopy(old)
            remove_unapplied(new, applied.get((key, manager)), patch)
            new = apply_merge(new, patch)
            if query.get("dryRun"):
                return self.reply(200, as_version(new, group, version))
            managers = [m for m in old["metadata"].get("managedFields") or []
                        if m.get("manager") != manager]
            new["metadata"]["managedFields"] = managers + [
                {"manager": manager, "operation": "Apply", "apiVersion": patch.get("apiVersion"),
                 "time": now(), "fieldsType": "FieldsV1", "fieldsV1": {}}]
            applied[(key, manager)] = patch
            new = store_update(k, key, old, new, subresource)
            return self.reply(200, as_version(new, group, version))
        if old is None:
            return self.reply(*not_found(k, name))
        if content_type == "application/json-patch+json":
            new = json_patch(old, patch)
        else:
            new = merge_patch(old, patch)
        new = store_update(k, key, old, new, subresource)
        return self.reply(200, as_version(new, group, version))

    def watch(self, k, group, version, namespace, query):
        since = query.get("resourceVersion", "")
        timeout = min(float(query.get("timeoutSeconds") or 10), 10.0)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def send(event):
            data = (json.dumps(event) + "\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        try:
            with lock:
                start = revision[0]
                initial = [as_version(o, group, version) for o in stored(k, namespace)
                           if matches(o, query)]
            if since in ("", "0") or query.get("sendInitialEvents") == "true":
                for obj in initial:
                    send({"type": "ADDED", "object": obj})
                if query.get("sendInitialEvents") == "true":
                    send({"type": "BOOKMARK", "object": {
                        "kind": k[3], "apiVersion": f"{group}/{version}" if group else version,
                        "metadata": {"resourceVersion": str(start),
                                     "annotations": {"k8s.io/initial-events-end": "true"}}}})
                seen = start
            else:
                seen = int(since)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with lock:
                    events = [(rv, t, key, o) for rv, t, key, o in history if rv > seen]
                for rv, event, key, obj in events:
                    seen = rv
                    if key[0] != k[0] or key[1] != k[2]:
                        continue
                    if namespace is not None and key[2] != namespace:
                        continue
                    if obj is not None and matches(obj, query):
                        send({"type": event, "object": as_version(obj, group, version)})
                time.sleep(0.05)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def hook(self, path, body):
        with lock:
            if path == "/_fake/config" and self.command == "POST":
                config.update(json.loads(body or b"{}"))
                return self.reply(200, config)
            if path == "/_fake/requests":
                return self.reply(200, requests)
            if path == "/_fake/fail" and self.command == "POST":
                failures.append(json.loads(body))
                return self.reply(200, {})
            if path == "/_fake/object" and self.command == "POST":
                obj = json.loads(body)
                group, _, version = obj["apiVersion"].rpartition("/")
                k = next(c for c in KINDS if c[0] == group and c[3] == obj["kind"])
                meta = obj["metadata"]
                key = (k[0], k[2], meta.get("namespace") if k[4] else None, meta["name"])
                meta.setdefault("uid", str(uuid.uuid4()))
                meta.setdefault("creationTimestamp", now())
                meta.setdefault("generation", 1)
                event = "MODIFIED" if key in objects else "ADDED"
                objects[key] = obj
                record(event, key, obj)
                reconcile_later(key)
                return self.reply(200, obj)
            for prefix in ("/_fake/status/", "/_fake/object/"):
                if path.startswith(prefix):
                    parts = path[len(prefix):].split("/")
                    if parts[0] == "api":
                        group, rest = "", parts[2:]
                    else:
                        group, rest = parts[1], parts[3:]
                    namespace = rest[1] if rest[0] == "namespaces" and len(rest) == 4 else None
                    plural, name = rest[-2], rest[-1]
                    key = (group, plural, namespace, name)
                    obj = objects.get(key)
                    if obj is None:
                        return self.reply(404, {"message": "no such object"})
                    if prefix == "/_fake/object/":
                        return self.reply(200, obj)
                    obj["status"] = json.loads(body)
                    record("MODIFIED", key, obj)
                    return self.reply(200, obj)
        return self.reply(404, {"message": "no such hook"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


# What a cluster with Config Sync has before anything is applied.
for namespace in ["default", "kube-system"] + ["config-management-system"] * config["configSync"]:
    objects[("", "namespaces", None, namespace)] = {
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": namespace, "uid": str(uuid.uuid4()), "resourceVersion": "1",
                     "creationTimestamp": now()},
        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
port = server.server_address[1]
with open(kubeconfig_path, "w") as f:
    f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: http://127.0.0.1:{port}
users:
- name: fake
  user: {{}}
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
    namespace: default
current-context: fake
""")
print(port, flush=True)
threading.Timer(lifetime, lambda: os._exit(0)).start()
server.serve_forever()
