#!/usr/bin/env python3
"""A Kubernetes API server on loopback for rootlock k8s (and kubectl): HTTPS with the
certificates in CERT_DIR (ca.crt, server.crt, server.key; client certificates signed by
ca.crt are accepted), legacy discovery (/api, /apis, /api/v1, /apis/GROUP/VERSION), and
lists as the API server pages them (items without kind or apiVersion, metadata.continue,
fewer items per page than asked). Writes its port to PORT_FILE and one line per request to
LOG: "METHOD PATH USER STATUS".

Who is who: Bearer good-token is "token-user"; a client certificate's CN is its user;
Bearer exec-token-N (from the test's exec plugin) is "exec-user" when N >= 2 (exec-token-1
is refused once with 401, as an expired credential is); Bearer file-token is "file-user";
basic auth admin:s3cret-pw is "basic-user"; Bearer limited-token is "limited",
who may not list deployments in namespace "vault", nor rollouts anywhere. Every user is forbidden to list
daemonsets cluster-wide (a 403 on one kind at cluster scope), not per namespace. The first
continue token of the pods list is answered 410 Expired once.

usage: fake_k8s.py CERT_DIR PORT_FILE LOG [--dump-top FILE]
  --dump-top FILE: also write the objects that own everything else (what rootlock k8s
  judges) as a YAML stream, for the equivalence with rootlock scan.
Bench mode: FAKE_K8S_PODS=N and FAKE_K8S_WORKLOADS=M serve M Deployments with N pods
between them (generated page by page, never held whole), nothing else.
"""
import base64
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import urllib.parse

cert_dir, port_file, log_path = sys.argv[1], sys.argv[2], sys.argv[3]
dump_top = sys.argv[sys.argv.index("--dump-top") + 1] if "--dump-top" in sys.argv else None
BENCH_PODS = int(os.environ.get("FAKE_K8S_PODS", "0"))
BENCH_WORKLOADS = int(os.environ.get("FAKE_K8S_WORKLOADS", "0"))
PAGE = 3  # the most items per page, whatever the limit: fewer than asked
log_lock = threading.Lock()
state = {"pods_expired": False, "exec_refused": False}

RESOURCES = {  # resource -> (group, version, kind, namespaced)
    "namespaces": ("", "v1", "Namespace", False),
    "pods": ("", "v1", "Pod", True),
    "replicationcontrollers": ("", "v1", "ReplicationController", True),
    "deployments": ("apps", "v1", "Deployment", True),
    "statefulsets": ("apps", "v1", "StatefulSet", True),
    "daemonsets": ("apps", "v1", "DaemonSet", True),
    "replicasets": ("apps", "v1", "ReplicaSet", True),
    "jobs": ("batch", "v1", "Job", True),
    "cronjobs": ("batch", "v1", "CronJob", True),
    "rollouts": ("argoproj.io", "v1alpha1", "Rollout", True),
    "widgets": ("example.com", "v1", "Widget", True),
}


def meta(name, ns, uid, owners=(), **extra):
    m = {"name": name, "namespace": ns, "uid": uid, "resourceVersion": "1"}
    if owners:
        m["ownerReferences"] = [{"apiVersion": a, "kind": k, "name": n, "uid": u,
                                 "controller": True} for a, k, n, u in owners]
    m.update(extra)
    return m


def pod_spec(containers, **extra):
    spec = {"containers": containers}
    spec.update(extra)
    return spec


def c(name, image, ro=None, **extra):
    out = {"name": name, "image": image}
    if ro is not None:
        out["securityContext"] = {"readOnlyRootFilesystem": ro, "runAsNonRoot": True}
    out.update(extra)
    return out


def template(spec, annotations=None):
    t = {"metadata": {"labels": {"app": "x"}}, "spec": spec}
    if annotations:
        t["metadata"]["annotations"] = annotations
    return t


TMP = {"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
TMP_VOL = [{"name": "tmp", "emptyDir": {}}]


def build():
    objs = {r: [] for r in RESOURCES}
    objs["namespaces"] = [{"metadata": {"name": n, "uid": "ns-" + n}}
                          for n in ("batch", "default", "shop", "vault")]
    web = pod_spec([c("nginx", "nginx:1.25")],
                   initContainers=[c("setup", "busybox", True, **TMP)], volumes=TMP_VOL)
    objs["deployments"] += [
        {"metadata": meta("web", "shop", "u-dep-web", labels={"tier": "front"}),
         "spec": {"template": template(web)}},
        {"metadata": meta("api", "shop", "u-dep-api"),
         "spec": {"template": template(pod_spec([c("api", "api:2", True, **TMP)],
                                                volumes=TMP_VOL))}},
        {"metadata": meta("iis", "default", "u-dep-iis"),
         "spec": {"template": template(pod_spec([c("iis", "mcr.microsoft.com/iis")],
                                                os={"name": "windows"}))}},
        {"metadata": meta("secrets-app", "vault", "u-dep-vault"),
         "spec": {"template": template(pod_spec([c("app", "vault:1", False)]))}},
    ]
    objs["replicasets"] += [
        {"metadata": meta("web-5d8f", "shop", "u-rs-web",
                          [("apps/v1", "Deployment", "web", "u-dep-web")]),
         "spec": {"template": template(web)}},
        {"metadata": meta("web-old", "shop", "u-rs-web-old",
                          [("apps/v1", "Deployment", "web", "u-dep-web")]),
         "spec": {"template": template(web)}},
        {"metadata": meta("canary-7f", "shop", "u-rs-canary",
                          [("argoproj.io/v1alpha1", "Rollout", "canary", "u-ro-canary")]),
         "spec": {"template": template(pod_spec([c("app", "canary:1", False)]))}},
    ]
    for i in range(7):
        objs["pods"].append({"metadata": meta(f"web-5d8f-{i}", "shop", f"u-pod-web-{i}",
                                              [("apps/v1", "ReplicaSet", "web-5d8f", "u-rs-web")]),
                             "spec": web})
    objs["pods"].append({"metadata": meta("canary-7f-0", "shop", "u-pod-canary",
                                          [("apps/v1", "ReplicaSet", "canary-7f", "u-rs-canary")]),
                         "spec": pod_spec([c("app", "canary:1", False)])})
    objs["statefulsets"].append(
        {"metadata": meta("orders-db", "shop", "u-sts-db"),
         "spec": {"template": template(pod_spec([c("postgres", "postgres:16")]))}})
    objs["pods"].append({"metadata": meta("orders-db-0", "shop", "u-pod-db",
                                          [("apps/v1", "StatefulSet", "orders-db", "u-sts-db")]),
                         "spec": pod_spec([c("postgres", "postgres:16")])})
    objs["daemonsets"].append(
        {"metadata": meta("node-agent", "default", "u-ds-agent"),
         "spec": {"template": template(pod_spec([c("agent", "fluent-bit:2", True)],
                                                hostPID=True))}})
    objs["pods"].append({"metadata": meta("node-agent-x1", "default", "u-pod-agent",
                                          [("apps/v1", "DaemonSet", "node-agent", "u-ds-agent")]),
                         "spec": pod_spec([c("agent", "fluent-bit:2", True)], hostPID=True)})
    report = pod_spec([c("report", "report:3", True)], restartPolicy="Never")
    objs["cronjobs"].append(
        {"metadata": meta("nightly-report", "batch", "u-cj-report"),
         "spec": {"schedule": "0 3 * * *",
                  "jobTemplate": {"spec": {"template": template(report)}}}})
    objs["jobs"] += [
        {"metadata": meta("nightly-report-2911", "batch", "u-job-report",
                          [("batch/v1", "CronJob", "nightly-report", "u-cj-report")]),
         "spec": {"template": template(report)}},
        {"metadata": meta("migrate", "batch", "u-job-migrate"),
         "spec": {"template": template(pod_spec([c("migrate", "flyway:10", False)]))}},
    ]
    objs["pods"] += [
        {"metadata": meta("nightly-report-2911-abc", "batch", "u-pod-report",
                          [("batch/v1", "Job", "nightly-report-2911", "u-job-report")]),
         "spec": report},
        {"metadata": meta("migrate-xyz", "batch", "u-pod-migrate",
                          [("batch/v1", "Job", "migrate", "u-job-migrate")]),
         "spec": pod_spec([c("migrate", "flyway:10", False)])},
    ]
    objs["replicationcontrollers"].append(
        {"metadata": meta("legacy", "default", "u-rc-legacy",
                          annotations={"rootlock.io/exempt":
                                       "read-only-root-fs: vendor image writes its cache"}),
         "spec": {"template": template(pod_spec([c("legacy", "legacy:0.9")]))}})
    objs["pods"].append({"metadata": meta("legacy-q7", "default", "u-pod-legacy",
                                          [("v1", "ReplicationController", "legacy",
                                            "u-rc-legacy")]),
                         "spec": pod_spec([c("legacy", "legacy:0.9")])})
    # A bare pod that `kubectl debug` gave an ephemeral container; a static (mirror) pod,
    # owned by its Node, which is not a workload.
    objs["pods"] += [
        {"metadata": meta("debug-shell", "default", "u-pod-debug"),
         "spec": pod_spec([c("shell", "busybox", True)],
                          ephemeralContainers=[c("debugger-abc", "busybox")])},
        {"metadata": meta("kube-apiserver-node1", "default", "u-pod-static",
                          [("v1", "Node", "node1", "u-node-1")]),
         "spec": pod_spec([c("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.32", True)])},
    ]
    objs["rollouts"].append(
        {"metadata": meta("canary", "shop", "u-ro-canary"),
         "spec": {"template": template(pod_spec([c("app", "canary:1", False)]))}})
    objs["widgets"].append({"metadata": meta("w1", "shop", "u-w1"), "spec": {"size": 3}})
    return objs


OBJECTS = {} if BENCH_PODS else build()


def bench_items(resource, ns, start, count):
    """Bench objects start..start+count of `resource`: Deployments and their pods."""
    if resource == "deployments":
        total = BENCH_WORKLOADS
        make = lambda i: {"metadata": meta(f"app-{i:05d}", f"ns-{i % 50:02d}", f"u-dep-{i}"),
                          "spec": {"template": template(pod_spec(
                              [c("app", f"registry.example/app-{i}:1", i % 3 == 0,
                                 resources={"limits": {"cpu": "500m", "memory": "256Mi"}},
                                 env=[{"name": "MODE", "value": "prod"}])]))}}
    elif resource == "pods":
        total = BENCH_PODS
        make = lambda i: {"metadata": meta(
            f"app-{i % BENCH_WORKLOADS:05d}-{i:06d}", f"ns-{i % BENCH_WORKLOADS % 50:02d}",
            f"u-pod-{i}", [("apps/v1", "ReplicaSet", f"app-{i % BENCH_WORKLOADS:05d}",
                            f"u-dep-{i % BENCH_WORKLOADS}")],
            labels={"app": f"app-{i % BENCH_WORKLOADS}", "pod-template-hash": "5d8f"}),
            "spec": pod_spec([c("app", f"registry.example/app-{i % BENCH_WORKLOADS}:1",
                                i % BENCH_WORKLOADS % 3 == 0,
                                resources={"limits": {"cpu": "500m", "memory": "256Mi"}},
                                env=[{"name": "MODE", "value": "prod"}])],
                             nodeName=f"node-{i % 100}"),
            "status": {"phase": "Running", "podIP": f"10.0.{i // 250 % 256}.{i % 250}"}}
    else:
        total, make = 0, None
    if ns:
        return [], 0  # bench mode serves cluster-wide lists only
    return [make(i) for i in range(start, min(total, start + count))], total


def user_of(handler):
    auth = handler.headers.get("Authorization", "")
    cert = handler.connection.getpeercert()
    if cert:
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    return value
    if auth == "Bearer good-token":
        return "token-user"
    if auth == "Bearer file-token":
        return "file-user"
    if auth == "Basic " + base64.b64encode(b"admin:s3cret-pw").decode():
        return "basic-user"
    if auth == "Bearer limited-token":
        return "limited"
    if auth.startswith("Bearer exec-token-"):
        n = int(auth.rsplit("-", 1)[1])
        if n >= 2:
            return "exec-user"
    return None


def discovery(path):
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                "serverAddress": "127.0.0.1"}]}
    if path == "/apis":
        groups = {}
        for g, v, _, _ in RESOURCES.values():
            if g:
                groups[g] = v
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
             "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}}
            for g, v in groups.items()]}
    parts = path.strip("/").split("/")
    if parts[0] == "api" and len(parts) == 2:
        g, v = "", parts[1]
    elif parts[0] == "apis" and len(parts) == 3:
        g, v = parts[1], parts[2]
    else:
        return None
    res = []
    for r, (rg, rv, kind, namespaced) in RESOURCES.items():
        if (rg, rv) == (g, v):
            res.append({"name": r, "singularName": kind.lower(), "namespaced": namespaced,
                        "kind": kind, "verbs": ["get", "list", "watch"]})
            res.append({"name": r + "/status", "singularName": "", "namespaced": namespaced,
                        "kind": kind, "verbs": ["get"]})
    if not res:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{g}/{v}" if g else v, "resources": res}


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, who):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with log_lock, open(log_path, "a") as f:
            f.write(f"{self.command} {self.path} {who} {code}\n")

    def do_POST(self):
        self.send(405, status(405, "MethodNotAllowed", "read-only test server"), "-")

    do_PUT = do_PATCH = do_DELETE = do_POST

    def do_GET(self):
        who = user_of(self)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path.rstrip("/")
        if who is None:
            auth = self.headers.get("Authorization", "")
            if auth == "Bearer exec-token-1":
                state["exec_refused"] = True
            return self.send(401, status(401, "Unauthorized", "Unauthorized"), "anonymous")
        d = discovery(path)
        if d is not None:
            return self.send(200, d, who)
        parts = path.strip("/").split("/")
        # /api/v1[/namespaces/NS]/R, /apis/G/V[/namespaces/NS]/R
        prefix = 2 if parts[0] == "api" else 3
        rest = parts[prefix:]
        ns = ""
        if len(rest) == 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if len(rest) != 1 or rest[0] not in RESOURCES:
            return self.send(404, status(404, "NotFound", "the server could not find the "
                                         "requested resource"), who)
        resource = rest[0]
        g, v, kind, _ = RESOURCES[resource]
        if resource == "daemonsets" and not ns and not BENCH_PODS:
            return self.send(403, status(403, "Forbidden", f'daemonsets.apps is forbidden: User '
                                         f'"{who}" cannot list resource "daemonsets" in API group '
                                         f'"apps" at the cluster scope'), who)
        if who == "limited" and resource == "rollouts":
            return self.send(403, status(403, "Forbidden", 'rollouts.argoproj.io is forbidden: '
                                         'User "limited" cannot list resource "rollouts"'), who)
        if who == "limited" and resource == "deployments" and ns in ("", "vault"):
            scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
            return self.send(403, status(403, "Forbidden", f'deployments.apps is forbidden: User '
                                         f'"limited" cannot list resource "deployments" in API '
                                         f'group "apps" {scope}'), who)
        limit = int(query.get("limit", ["0"])[0] or 0)
        cont = query.get("continue", [""])[0]
        if resource == "pods" and cont and not state["pods_expired"] and not BENCH_PODS:
            state["pods_expired"] = True
            return self.send(410, status(410, "Expired", "The provided continue parameter is "
                                         "too old to display a consistent list result."), who)
        start = int(cont) if cont else 0
        selector = query.get("labelSelector", [""])[0]
        if BENCH_PODS:
            count = limit or 10**9
            items, total = bench_items(resource, ns, start, count)
        else:
            pool = [o for o in OBJECTS[resource] if not ns or o["metadata"].get("namespace") == ns]
            if selector:
                k, _, want = selector.partition("=")
                pool = [o for o in pool
                        if o["metadata"].get("labels", {}).get(k) == want]
            total = len(pool)
            count = min(limit, PAGE) if limit else total
            items = pool[start:start + count]
        end = start + len(items)
        body = {"kind": kind + "List", "apiVersion": f"{g}/{v}" if g else v,
                "metadata": {"resourceVersion": "100"}, "items": items}
        if end < total:
            body["metadata"]["continue"] = str(end)
            body["metadata"]["remainingItemCount"] = total - end
        self.send(200, body, who)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    if dump_top:
        import yaml
        docs = []
        for resource, items in OBJECTS.items():
            g, v, kind, _ = RESOURCES[resource]
            for o in items:
                if o["metadata"].get("ownerReferences") or resource == "namespaces":
                    continue
                docs.append({"apiVersion": f"{g}/{v}" if g else v, "kind": kind, **o})
        docs.append({"apiVersion": "v1", "kind": "Pod",
                     **next(o for o in OBJECTS["pods"]
                            if o["metadata"]["name"] == "kube-apiserver-node1")})
        with open(dump_top, "w") as f:
            yaml.safe_dump_all(docs, f, sort_keys=False)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(cert_dir, "server.crt"), os.path.join(cert_dir, "server.key"))
    ctx.load_verify_locations(os.path.join(cert_dir, "ca.crt"))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    server = Server(("127.0.0.1", 0), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
