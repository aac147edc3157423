#!/usr/bin/env python3
"""rootlock webhook on loopback, checked as the Kubernetes API server checks it.

Certificates come from `rootlock webhook certs`; the client verifies the serving certificate
against its CA for the Service's DNS name, as the API server does. Every reply is checked the way
the API server's webhook client checks it (k8s.io/apiserver/pkg/admission/plugin/webhook:
apiVersion and kind exact, response.uid equal to the request's, allowed a boolean, patchType set
exactly when a patch is, a patch only from a mutating webhook, 403 with a message on a deny).
Patches are applied with a real RFC 6902 implementation (python3-jsonpatch) and the result is
scanned again by rootlock. Then: malformed, oversized and slow requests, keep-alive, the config and
the certificate re-read when their files change, metrics, and SIGTERM under load.
usage: webhook_test.py ROOTLOCK
"""
import base64
import copy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings

try:
    import jsonpatch
except ImportError:
    print("SKIP: python3-jsonpatch is not installed")
    sys.exit(77)

ROOTLOCK = os.path.abspath(sys.argv[1])
HOST = "rootlock-webhook.rootlock.svc"  # the name the API server dials
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


# ---- the server ----

class Webhook:
    def __init__(self, workdir, certdir, *args):
        self.log_path = os.path.join(workdir, "server-%d.log" % id(self))
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            [ROOTLOCK, "webhook", "--listen", "127.0.0.1:0",
             "--tls-cert", os.path.join(certdir, "tls.crt"),
             "--tls-key", os.path.join(certdir, "tls.key"),
             "--read-timeout", "1s", "--idle-timeout", "3s", "--drain", "1s",
             "--reload-interval", "100ms"] + list(args),
            stderr=self.log)
        self.port = None
        for _ in range(200):
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            print(self.text())
            sys.exit("the webhook did not start")

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.text()):
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def tls_context(ca):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class Client:
    """One keep-alive connection, as the API server keeps them."""

    def __init__(self, server, ca):
        self.conn = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=10,
                                                context=tls_context(ca))
        # Connect to 127.0.0.1 but verify the certificate for the Service's name.
        self.conn._tunnel_host = None
        self.ctx = tls_context(ca)
        self.server = server
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.conn.sock = self.ctx.wrap_socket(sock, server_hostname=HOST)

    def request(self, method, path, body=None, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def close(self):
        self.conn.close()


# ---- AdmissionReviews ----

UID = 0


def review(obj, op="CREATE", sub=None, dry_run=False, namespace="default", old=None):
    global UID
    UID += 1
    kind = obj.get("kind", "Pod") if obj else "Pod"
    group, _, version = (obj or {}).get("apiVersion", "v1").rpartition("/")
    req = {
        "uid": "00000000-0000-4000-8000-%012d" % UID,
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": kind.lower() + "s"},
        "requestKind": {"group": group, "version": version, "kind": kind},
        "name": (obj or old or {}).get("metadata", {}).get("name", ""),
        "namespace": namespace,
        "operation": op,
        "userInfo": {"username": "admin", "groups": ["system:authenticated"]},
        "object": obj,
        "oldObject": old,
        "dryRun": dry_run,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    }
    if sub:
        req["subResource"] = sub
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}


def api_server_checks(endpoint, sent, status, headers, body, what):
    """What the API server's webhook client verifies of a reply; returns the response."""
    if not check(status == 200, "%s: HTTP %d, not 200: %r" % (what, status, body[:200])):
        return None
    check(headers.get("content-type", "").startswith("application/json"),
          "%s: content-type %r" % (what, headers.get("content-type")))
    reply = json.loads(body)
    check(reply.get("apiVersion") == "admission.k8s.io/v1", "%s: apiVersion %r" % (
        what, reply.get("apiVersion")))
    check(reply.get("kind") == "AdmissionReview", "%s: kind %r" % (what, reply.get("kind")))
    resp = reply.get("response")
    if not check(isinstance(resp, dict), "%s: no response" % what):
        return None
    check(resp.get("uid") == sent["request"]["uid"], "%s: uid %r is not the request's" % (
        what, resp.get("uid")))
    check(isinstance(resp.get("allowed"), bool), "%s: allowed is not a boolean" % what)
    if endpoint == "/validate":
        check("patch" not in resp and "patchType" not in resp,
              "%s: a validating reply carries a patch" % what)
    check(("patch" in resp) == ("patchType" in resp),
          "%s: patch and patchType come together" % what)
    if "patch" in resp:
        check(resp["patchType"] == "JSONPatch", "%s: patchType %r" % (what, resp["patchType"]))
        ops = json.loads(base64.b64decode(resp["patch"], validate=True))
        check(isinstance(ops, list) and ops, "%s: the patch is not a list of operations" % what)
    if not resp["allowed"]:
        st = resp.get("status", {})
        check(st.get("code") == 403, "%s: deny with code %r" % (what, st.get("code")))
        check(bool(st.get("message")), "%s: deny without a message" % what)
    for w in resp.get("warnings", []):
        check(isinstance(w, str) and len(w) <= 120 and w.isprintable(),
              "%s: warning longer than 120 characters or not printable: %r" % (what, w))
    return resp


def send(client, endpoint, sent, what):
    status, headers, body = client.request("POST", endpoint, json.dumps(sent))
    return api_server_checks(endpoint, sent, status, headers, body, what)


def patch_of(resp):
    if not resp or "patch" not in resp:
        return None
    return json.loads(base64.b64decode(resp["patch"]))


def rescan(obj, workdir):
    """rootlock scan of the patched object: read-only-root-fs and tmp-writable pass."""
    path = os.path.join(workdir, "patched.json")
    with open(path, "w") as f:
        json.dump(obj, f)
    p = subprocess.run([ROOTLOCK, "scan", "--no-config", "--format", "json",
                        "--rules", "read-only-root-fs,tmp-writable", path],
                       capture_output=True, text=True)
    report = json.loads(p.stdout)
    bad = [f for f in report["findings"] if f["status"] not in ("pass", "n/a")]
    return bad


# ---- objects ----

def container(name, image="nginx:1.25", **sc):
    c = {"name": name, "image": image}
    if sc:
        c["securityContext"] = sc
    return c


def deployment(name, containers, init=None, volumes=None, annotations=None, **pod):
    spec = {"containers": containers}
    if init:
        spec["initContainers"] = init
    if volumes is not None:
        spec["volumes"] = volumes
    spec.update(pod)
    meta = {"name": name}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}


def pod(name, containers, annotations=None, **spec):
    s = {"containers": containers}
    s.update(spec)
    meta = {"name": name}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": s}


GOOD = container("app", "busybox", readOnlyRootFilesystem=True, runAsNonRoot=True)
GOOD["volumeMounts"] = [{"name": "tmp", "mountPath": "/tmp"}]
GOOD_VOLUMES = [{"name": "tmp", "emptyDir": {}}]


def main():
    for tool in ("openssl",):
        if not shutil.which(tool):
            print("SKIP: %s is missing" % tool)
            return 77
    work = tempfile.mkdtemp(prefix="rootlock-webhook-test-")
    certs = os.path.join(work, "certs")
    p = subprocess.run([ROOTLOCK, "webhook", "certs", "--out-dir", certs],
                       capture_output=True, text=True)
    check(p.returncode == 0, "webhook certs: exit %d: %s" % (p.returncode, p.stderr))
    check("kind: Secret" in p.stdout and "type: kubernetes.io/tls" in p.stdout,
          "webhook certs prints the Secret")
    ca = os.path.join(certs, "ca.crt")
    config = os.path.join(work, "rootlock.yaml")
    with open(config, "w") as f:
        f.write("exemptions:\n  - namespace: legacy\n    reason: migrating in Q3\n")

    enforce = Webhook(work, certs, "--config", config)
    warn = Webhook(work, certs, "--mode", "warn")
    try:
        run_cases(work, enforce, warn, ca, config)
        run_transport(work, enforce, ca)
        run_rotation(work, enforce, certs)
        run_metrics(enforce, ca)
        run_sigterm(work, certs, ca)
    finally:
        for s in (enforce, warn):
            code = s.stop()
            check(code == 0, "the webhook exits 0 after SIGTERM, not %r" % code)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("webhook: all checks passed")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def run_cases(work, enforce, warn, ca, config):
    c = Client(enforce, ca)
    w = Client(warn, ca)
    failing = deployment("web", [container("nginx"), container("sidecar", "busybox",
                                                                readOnlyRootFilesystem=False)],
                         init=[container("setup", "busybox")])

    # Deny in enforce mode, naming every failing container and rule.
    r = send(c, "/validate", review(failing), "enforce: failing Deployment")
    if r:
        check(r["allowed"] is False, "enforce: failing Deployment is denied")
        msg = r.get("status", {}).get("message", "")
        for name in ("'nginx'", "'sidecar'", "'setup'"):
            check(name in msg, "enforce: the message names container %s: %r" % (name, msg))
        check("read-only-root-fs" in msg, "enforce: the message names the rule: %r" % msg)
        check(any("run-as-non-root" in x for x in r.get("warnings", [])),
              "enforce: a rule that does not gate is a warning: %r" % r.get("warnings"))
    # dryRun: the same decision.
    r2 = send(c, "/validate", review(failing, dry_run=True), "enforce: dryRun")
    if r and r2:
        check(r2["allowed"] == r["allowed"] and r2.get("status") == r.get("status"),
              "dryRun gets the same decision")
    # Warn mode: allowed, with a warning per failure, each at most 120 characters.
    r = send(w, "/validate", review(failing), "warn: failing Deployment")
    if r:
        check(r["allowed"] is True, "warn: allowed")
        text = " ".join(r.get("warnings", []))
        for name in ("nginx", "sidecar", "setup"):
            check(name in text, "warn: a warning names %s: %r" % (name, text))
    # Passing: allowed, no warnings.
    good = deployment("good", [GOOD], volumes=GOOD_VOLUMES)
    r = send(c, "/validate", review(good), "passing Deployment")
    check(r and r["allowed"] is True and not r.get("warnings"),
          "a passing Deployment is allowed without warnings: %r" % r)
    # Read-only but root: allowed (no-gating rule) with a warning.
    root = deployment("root", [dict(GOOD, securityContext={"readOnlyRootFilesystem": True})],
                      volumes=GOOD_VOLUMES)
    r = send(c, "/validate", review(root), "read-only root container")
    check(r and r["allowed"] is True and any("run-as-non-root" in x for x in r.get("warnings", [])),
          "a failure of a rule that does not gate allows with a warning: %r" % r)
    # Every pod-carrying kind.
    tmpl = failing["spec"]["template"]
    kinds = [
        pod("p", [container("c")]),
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
         "spec": {"template": tmpl}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d"},
         "spec": {"template": tmpl}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
         "spec": {"template": tmpl}},
        {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
         "spec": {"template": tmpl}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
         "spec": {"template": tmpl}},
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
         "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": tmpl}}}},
        {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "pt"},
         "template": tmpl},
    ]
    for obj in kinds:
        r = send(c, "/validate", review(obj), "kind " + obj["kind"])
        check(r and r["allowed"] is False, "%s with a writable container is denied" % obj["kind"])
        # UPDATE is judged as CREATE.
        r = send(c, "/validate", review(obj, op="UPDATE", old=obj), "UPDATE " + obj["kind"])
        check(r and r["allowed"] is False, "UPDATE of %s is judged" % obj["kind"])
    # Not judged: DELETE, CONNECT, subresources, kinds without pods, mirror pods.
    for what, rv in [
        ("DELETE", review(None, op="DELETE", old=failing)),
        ("CONNECT", review({"apiVersion": "v1", "kind": "PodExecOptions"}, op="CONNECT",
                           sub="exec")),
        ("status subresource", review(failing, op="UPDATE", sub="status", old=failing)),
        ("scale subresource", review({"apiVersion": "autoscaling/v1", "kind": "Scale",
                                      "metadata": {"name": "web"}, "spec": {"replicas": 3}},
                                     op="UPDATE", sub="scale")),
        ("UPDATE removing finalizers of an object being deleted", review(
            dict(failing, metadata={"name": "web", "deletionTimestamp": "2026-11-29T10:00:00Z",
                                    "finalizers": []}),
            op="UPDATE", old=failing)),
        ("ConfigMap", review({"apiVersion": "v1", "kind": "ConfigMap",
                              "metadata": {"name": "x"}, "data": {"a": "b"}})),
        ("mirror pod", review(pod("static", [container("c")],
                                  annotations={"kubernetes.io/config.mirror": "abc"}))),
        ("Windows", review(pod("win", [container("iis", "mcr.microsoft.com/iis")],
                               os={"name": "windows"}))),
        ("annotation exemption", review(deployment(
            "legacy", [container("app")],
            annotations={"rootlock.io/exempt": "read-only-root-fs: writes its cache, ticket 42"}))),
        ("config exemption (namespace legacy)", review(failing, namespace="legacy")),
    ]:
        for endpoint in ("/validate", "/mutate"):
            r = send(c, endpoint, rv, "%s %s" % (endpoint, what))
            check(r and r["allowed"] is True, "%s: %s is allowed" % (endpoint, what))
            check(r and "patch" not in r, "%s: %s gets no patch" % (endpoint, what))

    # /mutate: the remedy as a JSON Patch, applied by python3-jsonpatch, then scanned again.
    mutable = [
        failing,
        pod("p", [container("c")], initContainers=[container("i", "busybox")]),
        # A volume named tmp already there (a configMap): the new one must not clash.
        deployment("clash", [container("app", "busybox")],
                   volumes=[{"name": "tmp", "configMap": {"name": "cfg"}}]),
        # securityContext present without the flag; volumeMounts present.
        deployment("partial", [dict(container("app", "busybox", runAsNonRoot=True),
                                    volumeMounts=[{"name": "cfg", "mountPath": "/etc/app"}])],
                   volumes=[{"name": "cfg", "configMap": {"name": "cfg"}}]),
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
         "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": tmpl}}}},
    ]
    for obj in mutable:
        what = "mutate %s %s" % (obj["kind"], obj["metadata"]["name"])
        for dry in (False, True):
            r = send(c, "/mutate", review(obj, dry_run=dry), what + (" (dryRun)" if dry else ""))
            ops = patch_of(r)
            if not check(ops, "%s: a patch" % what):
                continue
            check(r["allowed"] is True, "%s: mutation allows" % what)
            check(all(op["op"] == "add" for op in ops), "%s: only add operations" % what)
            try:
                patched = jsonpatch.apply_patch(copy.deepcopy(obj), ops)
            except Exception as e:  # noqa: BLE001 - any failure to apply is the finding
                check(False, "%s: the patch does not apply: %s" % (what, e))
                continue
            bad = rescan(patched, work)
            check(not bad, "%s: the patched object still fails: %r" % (what, bad))
            specs = [patched.get("spec", {}).get("template", {}).get("spec"),
                     patched.get("spec") if obj["kind"] == "Pod" else None,
                     patched["spec"].get("jobTemplate", {}).get("spec", {}).get(
                         "template", {}).get("spec") if obj["kind"] == "CronJob" else None]
            for spec in filter(None, specs):
                names = [v["name"] for v in spec.get("volumes", [])]
                check(len(names) == len(set(names)), "%s: volume names clash: %r" % (what, names))
            # Idempotent: the patched object gets no patch.
            r2 = send(c, "/mutate", review(patched), what + " again")
            check(r2 and "patch" not in r2, "%s: mutating the patched object patches nothing: %r"
                  % (what, patch_of(r2)))
    # A Pod's spec is immutable: no patch on UPDATE; a Deployment's UPDATE is patched.
    p1 = pod("p", [container("c")])
    r = send(c, "/mutate", review(p1, op="UPDATE", old=p1), "mutate Pod UPDATE")
    check(r and r["allowed"] is True and "patch" not in r, "a Pod is not mutated on UPDATE")
    r = send(c, "/mutate", review(failing, op="UPDATE", old=failing), "mutate Deployment UPDATE")
    check(patch_of(r), "a Deployment is mutated on UPDATE")

    # The config is re-read when it changes: the namespace exemption goes away.
    with open(config + ".new", "w") as f:
        f.write("exemptions: []\n")
    os.replace(config + ".new", config)
    check(enforce.wait_log("reloaded the config"), "the config is re-read after it changed")
    r = send(c, "/validate", review(failing, namespace="legacy"), "after config reload")
    check(r and r["allowed"] is False, "after the reload the namespace is no longer exempt")
    # A broken config keeps the previous one.
    with open(config + ".new", "w") as f:
        f.write("no_such_key: 1\n")
    os.replace(config + ".new", config)
    check(enforce.wait_log("kept the previous config"), "a broken config is refused and logged")
    r = send(c, "/validate", review(good), "after a broken config")
    check(r and r["allowed"] is True, "a broken config leaves the server answering")

    # Malformed: 400, never an allow; the server and the connection stay up.
    for what, body in [
        ("not JSON", b"{not json"),
        ("empty body", b""),
        ("a JSON array", b"[]"),
        ("v1beta1", json.dumps(dict(review(failing), apiVersion="admission.k8s.io/v1beta1"))),
        ("wrong kind", json.dumps(dict(review(failing), kind="AdmissionResponse"))),
        ("no request", json.dumps({"apiVersion": "admission.k8s.io/v1",
                                   "kind": "AdmissionReview"})),
        ("no uid", json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                               "request": {"operation": "CREATE", "object": failing}})),
        ("uid not a string", json.dumps({"apiVersion": "admission.k8s.io/v1",
                                         "kind": "AdmissionReview",
                                         "request": {"uid": 7, "operation": "CREATE",
                                                     "object": failing}})),
        ("no object on CREATE", json.dumps({"apiVersion": "admission.k8s.io/v1",
                                            "kind": "AdmissionReview",
                                            "request": {"uid": "u", "operation": "CREATE"}})),
        ("truncated", json.dumps(review(failing))[:-40]),
        ("two objects", json.dumps(review(failing)) + json.dumps(review(failing))),
    ]:
        for endpoint in ("/validate", "/mutate"):
            status, _, data = c.request("POST", endpoint, body)
            check(status == 400, "%s %s: HTTP %d, not 400: %r" % (endpoint, what, status,
                                                                  data[:100]))
    r = send(c, "/validate", review(good), "after malformed bodies")
    check(r and r["allowed"] is True, "the same connection answers after malformed bodies")

    # Health, readiness, unknown paths and methods.
    check(c.request("GET", "/healthz")[0] == 200, "/healthz is 200")
    check(c.request("GET", "/readyz")[0] == 200, "/readyz is 200")
    check(c.request("GET", "/nope")[0] == 404, "an unknown path is 404")
    check(c.request("GET", "/validate")[0] == 405, "GET /validate is 405")
    c.close()
    w.close()


def raw_tls(server, ca):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return tls_context(ca).wrap_socket(sock, server_hostname=HOST)


def read_all(sock, timeout, closed=None):
    """What comes until the server closes (or `timeout` passes); `closed` (a list) gets
    whether the server closed the connection, as opposed to our wait running out."""
    sock.settimeout(timeout)
    out = b""
    ended = False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                ended = True
                break
            out += chunk
    except (ssl.SSLError, ConnectionResetError):
        ended = True
    except socket.timeout:
        pass
    if closed is not None:
        closed.append(ended)
    return out


def run_transport(work, server, ca):
    good = review(deployment("good", [GOOD], volumes=GOOD_VOLUMES))
    # Keep-alive: a hundred reviews on one connection.
    c = Client(server, ca)
    first = c.conn.sock
    for i in range(100):
        r = send(c, "/validate", good, "keep-alive %d" % i)
        if not r:
            break
    check(c.conn.sock is first, "a hundred reviews share one connection")
    # Oversized: 413 and the server stays up. With Content-Length...
    big = json.dumps(review(deployment("big", [GOOD], volumes=GOOD_VOLUMES,
                                       annotations={"x": "y" * (9 << 20)})))
    status, headers, _ = c.request("POST", "/validate", big)
    check(status == 413, "a 9 MiB body is 413, not %d" % status)
    check(headers.get("connection", "").lower() == "close", "413 closes the connection")
    c.close()
    # ...and chunked, without one.
    s = raw_tls(server, ca)
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              b"Content-Type: application/json\r\n\r\n")
    chunk = b"a" * (1 << 20)
    try:
        for _ in range(10):
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        s.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        pass
    answer = read_all(s, 5)
    check(answer.startswith(b"HTTP/1.1 413"), "a chunked body over the limit is 413: %r"
          % answer[:40])
    s.close()
    c = Client(server, ca)
    r = send(c, "/validate", good, "after 413")
    check(r and r["allowed"], "the server answers after a 413")
    c.close()

    # Slow clients: a request whose body stops coming is dropped after --read-timeout (1s);
    # a connection that sends nothing after --idle-timeout (3s). Others are served meanwhile.
    slow_body = raw_tls(server, ca)
    slow_body.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
    silent = raw_tls(server, ca)
    start = time.time()
    c = Client(server, ca)
    r = send(c, "/validate", good, "while slow clients wait")
    check(r and r["allowed"], "a slow client does not hold up others")
    # Bounds are loose on purpose (a loaded machine, a sanitizer build): what is checked is
    # that the server closes each connection itself, and not before its timeout.
    closed = []
    read_all(slow_body, 30, closed)
    took = time.time() - start
    check(closed[-1], "a stalled body is dropped after the read timeout (not closed in %.1fs)"
          % took)
    read_all(silent, 30, closed)
    took = time.time() - start
    check(closed[-1] and took > 2.5,
          "a silent connection is closed after the idle timeout (closed: %s, took %.1fs)"
          % (closed[-1], took))
    slow_body.close()
    silent.close()
    # Garbage instead of HTTP.
    s = raw_tls(server, ca)
    s.sendall(b"\x00\x01 this is not HTTP\r\n\r\n")
    answer = read_all(s, 3)
    check(answer == b"" or answer.startswith(b"HTTP/1.1 400"), "garbage gets 400 or a close")
    s.close()
    # TLS below 1.2 is refused.
    ctx = ssl.create_default_context(cafile=ca)
    warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1: that is the point
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        ctx.wrap_socket(sock, server_hostname=HOST)
        check(False, "a TLS 1.1 handshake succeeds")
    except (ssl.SSLError, OSError):
        pass
    # A new connection: the one above has been idle for about --idle-timeout by now, and the
    # server may rightly have closed it (it did, on a loaded machine).
    c.close()
    c = Client(server, ca)
    r = send(c, "/validate", good, "after the transport checks")
    check(r and r["allowed"], "the server still answers after the transport checks")
    c.close()


def run_rotation(work, server, certs):
    """New certificate files: new connections get them, open ones keep working."""
    ca_old = os.path.join(certs, "ca.crt")
    c = Client(server, ca_old)
    good = review(deployment("good", [GOOD], volumes=GOOD_VOLUMES))
    send(c, "/validate", good, "before rotation")
    new = os.path.join(work, "certs-new")
    p = subprocess.run([ROOTLOCK, "webhook", "certs", "--out-dir", new], capture_output=True)
    check(p.returncode == 0, "webhook certs (second pair)")
    # As a Secret's volume does: the files are swapped by rename.
    for name in ("tls.key", "tls.crt"):
        shutil.copy(os.path.join(new, name), os.path.join(certs, name + ".tmp"))
    os.replace(os.path.join(certs, "tls.key.tmp"), os.path.join(certs, "tls.key"))
    os.replace(os.path.join(certs, "tls.crt.tmp"), os.path.join(certs, "tls.crt"))
    check(server.wait_log("reloaded the certificate and key"), "the certificate is re-read")
    r = send(c, "/validate", good, "the open connection after rotation")
    check(r and r["allowed"], "an open connection survives the rotation")
    c.close()
    try:
        n = Client(server, os.path.join(new, "ca.crt"))
        r = send(n, "/validate", good, "a new connection after rotation")
        check(r and r["allowed"], "a new connection is served with the new certificate")
        n.close()
    except ssl.SSLError as e:
        check(False, "the new certificate does not verify: %s" % e)
    try:
        Client(server, ca_old)
        check(False, "a new connection still gets the old certificate")
    except ssl.SSLError:
        pass
    # Put the first CA's pair back for the checks after this one.
    shutil.copy(os.path.join(new, "ca.crt"), ca_old)


def run_metrics(server, ca):
    c = Client(server, ca)
    status, headers, body = c.request("GET", "/metrics")
    c.close()
    text = body.decode()
    check(status == 200 and headers.get("content-type", "").startswith("text/plain"),
          "/metrics is Prometheus text")
    for pattern in [
        r'rootlock_webhook_requests_total\{endpoint="validate",operation="CREATE",'
        r'decision="denied"\} [1-9]',
        r'rootlock_webhook_requests_total\{endpoint="mutate",operation="CREATE",'
        r'decision="patched"\} [1-9]',
        r'rootlock_webhook_requests_total\{endpoint="validate",operation="DELETE",'
        r'decision="skipped"\} [1-9]',
        r'rootlock_webhook_rule_failures_total\{endpoint="validate",operation="CREATE",'
        r'decision="denied",rule="read-only-root-fs"\} [1-9]',
        r'rootlock_webhook_request_duration_seconds_bucket\{endpoint="validate",le="\+Inf"\} '
        r'[1-9]',
        r'rootlock_webhook_request_duration_seconds_count\{endpoint="validate"\} [1-9]',
        r'rootlock_webhook_http_responses_total\{endpoint="validate",code="413"\} [1-9]',
        r'rootlock_webhook_reloads_total\{what="tls",result="ok"\} 1',
        r'rootlock_webhook_in_flight_requests \d',
        r"# TYPE rootlock_webhook_request_duration_seconds histogram",
    ]:
        check(re.search(pattern, text), "/metrics has %s" % pattern)


def run_sigterm(work, certs, ca):
    """SIGTERM under load: readiness fails, every request sent gets its answer, exit 0."""
    server = Webhook(work, certs, "--threads", "2")
    good = json.dumps(review(deployment("good", [GOOD], volumes=GOOD_VOLUMES)))
    stop = threading.Event()
    counts = {"ok": 0, "lost": 0, "refused": 0, "after": 0}
    lock = threading.Lock()
    term_at = [None]

    def load():
        while not stop.is_set():
            try:
                c = Client(server, ca)
            except (ConnectionRefusedError, ssl.SSLError, OSError):
                with lock:
                    counts["refused"] += 1
                return
            while not stop.is_set():
                try:
                    c.conn.request("POST", "/validate", body=good,
                                   headers={"Content-Type": "application/json"})
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    break  # never sent: the server had closed this connection
                try:
                    r = c.conn.getresponse()
                    r.read()
                    with lock:
                        if r.status == 200:
                            counts["ok"] += 1
                            if term_at[0] is not None:
                                counts["after"] += 1
                        else:
                            counts["lost"] += 1
                    if r.getheader("Connection", "").lower() == "close":
                        break
                except (http.client.HTTPException, OSError) as e:
                    with lock:
                        counts["lost"] += 1
                    print("lost:", repr(e))
                    break
            c.close()

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    probe = Client(server, ca)
    term_at[0] = time.time()
    server.proc.send_signal(signal.SIGTERM)
    check(server.wait_log("SIGTERM"), "the server logs SIGTERM")
    status = probe.request("GET", "/readyz")[0]
    check(status == 503, "/readyz fails after SIGTERM (got %d)" % status)
    code = server.proc.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    print("sigterm: %(ok)d answered (%(after)d after SIGTERM), %(lost)d lost, "
          "%(refused)d refused after the listener closed" % counts)
    check(code == 0, "exit 0 after the drain, not %r" % code)
    check(counts["lost"] == 0, "no request lost during the drain: %d" % counts["lost"])
    check(counts["after"] > 0, "requests are still served during the drain")
    check(server.wait_log("stopped"), "the server says it stopped")


if __name__ == "__main__":
    sys.exit(main())
