#!/usr/bin/env python3
"""rootlock k8s against tests/live/fake_k8s.py on loopback, over HTTPS with a CA made here
with openssl: bearer token, client certificate (KUBECONFIG of two files merged, relative
paths, tls-server-name), a token file, basic auth, an exec plugin (run once, again after a
401 or once expired), a CONNECT proxy, a label selector, a limited user (a namespace stays
unreadable: exit 2, the rest judged); every workload once by its top owner; paging with a
410 mid-list; discovery of a custom resource with a pod template; only GET requests; no
secret in any output; the same verdicts as `rootlock scan` gives the same objects as YAML
and as kubectl prints them from the same server with the same kubeconfig.

usage: k8s_live_test.py ROOTLOCK_BINARY    exit 0, 1, or 77 without openssl or PyYAML
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []
SECRETS = ("good-token", "limited-token", "exec-token-", "file-token", "s3cret-pw",
           "PRIVATE KEY")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def sh(*args, **kw):
    subprocess.run(args, check=True, capture_output=True, **kw)


def make_certs(d):
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/ca.key",
       "-out", f"{d}/ca.crt", "-days", "2", "-subj", "/CN=rootlock-test-ca")
    ext = f"{d}/san.ext"
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,DNS:api.internal\n")  # no IP: see 4.

    for name, cn, extfile in (("server", "kube-apiserver", ext), ("alice", "alice", None)):
        sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/{name}.key",
           "-out", f"{d}/{name}.csr", "-subj", f"/CN={cn}")
        cmd = ["openssl", "x509", "-req", "-in", f"{d}/{name}.csr", "-CA", f"{d}/ca.crt",
               "-CAkey", f"{d}/ca.key", "-CAcreateserial", "-out", f"{d}/{name}.crt",
               "-days", "2"]
        if extfile:
            cmd += ["-extfile", extfile]
        sh(*cmd)


def kubeconfig(server, user_yaml, cluster_extra="", ca="certificate-authority: ca.crt",
               name="test"):
    return (f"apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n"
            f"    server: {server}\n    {ca}\n{cluster_extra}"
            f"users:\n- name: {name}-user\n  user:\n{user_yaml}"
            f"contexts:\n- name: {name}\n  context:\n    cluster: {name}\n"
            f"    user: {name}-user\ncurrent-context: {name}\n")


class ConnectProxy:
    """An HTTP CONNECT proxy on loopback that records each tunnel's target."""

    def __init__(self):
        import socket
        import threading
        self.targets = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import threading
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.tunnel, args=(client,), daemon=True).start()

    def tunnel(self, client):
        import select
        import socket
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                return client.close()
            head += chunk
        method, target = head.split(b" ")[:2]
        if method != b"CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return client.close()
        self.targets.append(target.decode())
        host, port = target.decode().rsplit(":", 1)
        upstream = socket.create_connection(("127.0.0.1", int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        socks = [client, upstream]
        while True:
            ready, _, _ = select.select(socks, [], [], 30)
            if not ready:
                break
            for s in ready:
                data = s.recv(65536)
                if not data:
                    client.close()
                    upstream.close()
                    return
                (upstream if s is client else client).sendall(data)

    def close(self):
        self.sock.close()


def verdicts(report):
    return {(f["kind"], f.get("namespace", ""), f["name"], f["container"], f["rule"]):
            f["status"] for f in report["findings"]}


def main():
    binary = os.path.abspath(sys.argv[1])
    if not shutil.which("openssl"):
        print("openssl is not installed: skipped")
        sys.exit(77)
    try:
        import yaml  # noqa: F401  (the server dumps the objects as YAML)
    except ImportError:
        print("python3-yaml is not installed: skipped")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        certs = os.path.join(tmp, ".kube")
        os.makedirs(certs)
        make_certs(certs)
        port_file, log = os.path.join(tmp, "port"), os.path.join(tmp, "log")
        top = os.path.join(tmp, "top.yaml")
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_k8s.py"), certs,
                                   port_file, log, "--dump-top", top])
        try:
            deadline = time.time() + 30
            while not os.path.exists(port_file):
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the fake API server did not start")
                time.sleep(0.05)
            port = open(port_file).read()
            run_all(binary, tmp, certs, f"https://localhost:{port}", port, log, top)
        finally:
            server.terminate()
            server.wait()
    if failures:
        print(f"{len(failures)} failures", file=sys.stderr)
        sys.exit(1)
    print("k8s.live: ok")


def run(binary, env, *args):
    p = subprocess.run([binary, "k8s", *args], env=env, capture_output=True, text=True,
                       timeout=120)
    for secret in SECRETS:
        check(secret not in p.stdout and secret not in p.stderr,
              f"{secret!r} reached the output of {args}")
    return p


def run_all(binary, tmp, certs, server, port, log, top):
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith("KUBE") and k not in ("HTTPS_PROXY", "https_proxy",
                                                           "HTTP_PROXY", "http_proxy")}
    base_env.update(HOME=tmp, NO_COLOR="1", SOURCE_DATE_EPOCH="1700000000")

    # 1. A bearer token, the kubeconfig in ~/.kube/config (CA relative to it).
    with open(os.path.join(certs, "config"), "w") as f:
        f.write(kubeconfig(server, "    token: good-token\n"))
    open(log, "w").close()
    p = run(binary, base_env, "--format", "json", "--min-ratio", "0")
    check(p.returncode == 0, f"token: exit {p.returncode}: {p.stderr}")
    requests = [line.split() for line in open(log).read().splitlines()]
    check(all(r[0] == "GET" for r in requests), f"not only GET: {requests}")
    check(any(r[1].startswith("/apis/apps/v1/daemonsets") and r[3] == "403" for r in requests) and
          any(r[1].startswith("/apis/apps/v1/namespaces/default/daemonsets") for r in requests),
          "daemonsets: no namespace-by-namespace fallback after the cluster-wide 403")
    check("daemonsets.apps: the cluster-wide list is forbidden" in p.stderr and
          "4 of 4 namespaces" in p.stderr, f"the fallback note: {p.stderr!r}")
    pods = [r for r in requests if r[1].startswith("/api/v1/pods")]
    check([r[3] for r in pods].count("410") == 1 and len(pods) >= 5 and
          pods[-1][3] == "200" and "continue=" not in pods[pods.index(
              next(r for r in pods if r[3] == "410")) + 1][1],
          f"pods: paging, one 410 then a restart from the start: {pods}")
    check(all("limit=500" in r[1] for r in requests if "/namespaces" in r[1] or
              r[1].split("?")[0].endswith(("pods", "deployments", "jobs"))),
          "lists without limit=500")
    if p.returncode != 0:
        return
    report = json.loads(p.stdout)
    got = verdicts(report)
    names = {(k, ns, n) for (k, ns, n, _, _) in got}
    want = {("Deployment", "shop", "web"), ("Deployment", "shop", "api"),
            ("Deployment", "default", "iis"), ("Deployment", "vault", "secrets-app"),
            ("StatefulSet", "shop", "orders-db"), ("DaemonSet", "default", "node-agent"),
            ("ReplicationController", "default", "legacy"),
            ("CronJob", "batch", "nightly-report"), ("Job", "batch", "migrate"),
            ("Rollout", "shop", "canary"), ("Pod", "default", "debug-shell"),
            ("Pod", "default", "kube-apiserver-node1")}
    check(names == want, f"top owners: extra {names - want}, missing {want - names}")
    rule = "read-only-root-fs"
    check(got.get(("Deployment", "shop", "web", "nginx", rule)) == "fail", "web/nginx")
    check(got.get(("Deployment", "shop", "web", "setup", rule)) == "pass", "web's init container")
    check(got.get(("Deployment", "shop", "api", "api", rule)) == "pass", "api")
    check(got.get(("Deployment", "default", "iis", "iis", rule)) == "n/a", "windows")
    check(got.get(("StatefulSet", "shop", "orders-db", "postgres", rule)) == "n/a", "database")
    check(got.get(("ReplicationController", "default", "legacy", "legacy", rule)) == "n/a",
          "the exemption annotation")
    check(got.get(("Pod", "default", "debug-shell", "debugger-abc", rule)) == "fail",
          "the ephemeral container")
    check(got.get(("DaemonSet", "default", "node-agent", "agent", "no-host-pid")) == "fail",
          "hostPID")
    check(got.get(("Rollout", "shop", "canary", "app", rule)) == "fail", "the Rollout")
    web = next(f for f in report["findings"] if f["name"] == "web" and f["container"] == "nginx")
    check(web["file"] == "test/shop" and web["line"] == 0 and web["platform"] == "kubernetes",
          f"the location: {web}")

    # A label selector goes with every list.
    p2 = run(binary, base_env, "--format", "json", "--min-ratio", "0", "-l", "tier=front")
    check(p2.returncode == 0 and {(k, ns, n) for (k, ns, n, _, _) in
                                  verdicts(json.loads(p2.stdout))} ==
          {("Deployment", "shop", "web")}, f"-l tier=front: {p2.stdout[:300]} {p2.stderr}")

    # The same run is the same bytes (stable order), whatever --jobs.
    p1 = run(binary, base_env, "--format", "json", "--min-ratio", "0", "-j", "1")
    check(p1.stdout == p.stdout, "the report differs with -j 1")

    # 2. Equivalence: the same objects as YAML through rootlock scan.
    s = subprocess.run([binary, "scan", "--format", "json", "--min-ratio", "0", top],
                       capture_output=True, text=True, env=base_env)
    check(s.returncode == 0, f"scan: {s.stderr}")
    scanned = verdicts(json.loads(s.stdout))
    check(scanned == got, "scan and k8s disagree: " +
          str(set(scanned.items()) ^ set(got.items())))

    # 3. kubectl with the same kubeconfig, against the same server.
    kubectl = shutil.which("kubectl")
    if kubectl:
        k = subprocess.run([kubectl, "get", "deployments", "-A", "-o", "name"],
                           capture_output=True, text=True, env=base_env, timeout=60)
        check(k.returncode == 0 and "deployment.apps/web" in k.stdout,
              f"kubectl get deployments -A: {k.returncode} {k.stdout} {k.stderr}")
        kinds = "deployments,statefulsets,cronjobs,replicationcontrollers,rollouts"
        k = subprocess.run([kubectl, "get", kinds, "-A", "-o", "json"], capture_output=True,
                           text=True, env=base_env, timeout=60)
        check(k.returncode == 0, f"kubectl get {kinds}: {k.stderr}")
        s = subprocess.run([binary, "scan", "--format", "json", "--min-ratio", "0", "-"],
                           input=k.stdout, capture_output=True, text=True, env=base_env)
        via_kubectl = verdicts(json.loads(s.stdout))
        mine = {key: v for key, v in got.items()
                if key[0] in ("Deployment", "StatefulSet", "CronJob", "ReplicationController",
                              "Rollout")}
        check(via_kubectl == mine, "kubectl | scan and k8s disagree: " +
              str(set(via_kubectl.items()) ^ set(mine.items())))

    # 4. A client certificate, KUBECONFIG of two files: the first defines the context but
    # not its user; paths relative to each file; the server by its IP address, which its
    # certificate does not name: tls-server-name says the name to check (without it, exit 2).
    os.makedirs(os.path.join(tmp, "a"))
    for tls_name in ("", "api.internal"):
        with open(os.path.join(tmp, "a", "config"), "w") as f:
            f.write(f"clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:{port}\n"
                    f"    certificate-authority: ../.kube/ca.crt\n"
                    + (f"    tls-server-name: {tls_name}\n" if tls_name else "") +
                    "contexts:\n- name: cert\n  context: {cluster: c, user: alice}\n"
                    "current-context: cert\n")
        with open(os.path.join(certs, "users"), "w") as f:
            f.write("users:\n- name: alice\n  user:\n    client-certificate: alice.crt\n"
                    "    client-key: alice.key\n- name: c\n  user: {token: wrong}\n")
        env = dict(base_env, KUBECONFIG=f"{tmp}/a/config:{certs}/users")
        if not tls_name:
            p = run(binary, env)
            check(p.returncode == 2 and len(p.stderr.splitlines()) == 1,
                  f"an IP its certificate does not name: {p.returncode} {p.stderr!r}")
    open(log, "w").close()
    p = run(binary, env, "--format", "json", "--min-ratio", "0")
    check(p.returncode == 0, f"client certificate: exit {p.returncode}: {p.stderr}")
    users = {line.split()[2] for line in open(log).read().splitlines()}
    check(users == {"alice"}, f"client certificate: users {users}")
    if p.returncode == 0:
        check(verdicts(json.loads(p.stdout)) == {
            (k, ns, n, c, r): v for (k, ns, n, c, r), v in got.items()},
            "client certificate: other verdicts")
    # The same with the -data forms, inline.
    import base64
    b64 = lambda f: base64.b64encode(open(os.path.join(certs, f), "rb").read()).decode()
    with open(os.path.join(tmp, "inline"), "w") as f:
        f.write(kubeconfig(server, f"    client-certificate-data: {b64('alice.crt')}\n"
                                   f"    client-key-data: {b64('alice.key')}\n",
                           ca=f"certificate-authority-data: {b64('ca.crt')}"))
    p = run(binary, base_env, "--kubeconfig", os.path.join(tmp, "inline"), "--format", "json",
            "--min-ratio", "0", "-n", "shop")
    check(p.returncode == 0, f"inline data: exit {p.returncode}: {p.stderr}")
    if p.returncode == 0:
        shop = {key for key in verdicts(json.loads(p.stdout))}
        check(shop and all(key[1] == "shop" for key in shop), f"-n shop: {shop}")

    # 5. An exec plugin (v1, provideClusterInfo): its first token is refused with 401, its
    # second has already expired when it comes, its third lasts: it runs exactly three times
    # for the whole run, whatever the parallel requests.
    plugin = os.path.join(certs, "plugin.py")
    count = os.path.join(tmp, "exec-count")
    with open(plugin, "w") as f:
        f.write(f"""#!{sys.executable}
import json, os, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
assert info["spec"]["cluster"]["server"] == "{server}", info
assert os.environ["PLUGIN_MODE"] == "test" and sys.argv[1:] == ["get-token", "--fast"]
path = "{count}"
n = int(open(path).read()) + 1 if os.path.exists(path) else 1
open(path, "w").write(str(n))
print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {{"token": "exec-token-%d" % n,
                             "expirationTimestamp": "2000-01-01T00:00:00.5+02:00" if n == 2
                                                    else "2099-01-01T00:00:00Z"}}}}))
""")
    os.chmod(plugin, 0o755)
    with open(os.path.join(certs, "exec-config"), "w") as f:
        f.write(kubeconfig(server,
                           "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                           "      command: ./plugin.py\n      args: [get-token, --fast]\n"
                           "      env:\n      - {name: PLUGIN_MODE, value: test}\n"
                           "      interactiveMode: Never\n      provideClusterInfo: true\n"))
    open(log, "w").close()
    p = run(binary, base_env, "--kubeconfig", os.path.join(certs, "exec-config"), "--format",
            "json", "--min-ratio", "0", "-j", "4")
    check(p.returncode == 0, f"exec: exit {p.returncode}: {p.stderr}")
    check(open(count).read() == "3", f"exec plugin ran {open(count).read()} times, not 3")
    if p.returncode == 0:
        check(verdicts(json.loads(p.stdout)) == got, "exec: other verdicts")
    if kubectl:
        k = subprocess.run([kubectl, "--kubeconfig", os.path.join(certs, "exec-config"), "get",
                            "cronjobs", "-A", "-o", "name"], capture_output=True, text=True,
                           env=base_env, timeout=60)
        check(k.returncode == 0 and "nightly-report" in k.stdout,
              f"kubectl with the exec plugin: {k.stderr}")

    # A plugin that never answers is killed at the run's deadline: one line, exit 2.
    hang = os.path.join(certs, "hang.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nexec sleep 600\n")
    os.chmod(hang, 0o755)
    with open(os.path.join(certs, "hang-config"), "w") as f:
        f.write(kubeconfig(server,
                           "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                           "      command: ./hang.sh\n"))
    p = run(binary, base_env, "--kubeconfig", os.path.join(certs, "hang-config"),
            "--timeout", "1s")
    check(p.returncode == 2 and "did not answer before the deadline" in p.stderr and
          len(p.stderr.splitlines()) == 1, f"a hanging plugin: {p.returncode} {p.stderr!r}")

    # 6. A user who may not read deployments in one namespace: one error line, exit 2, the
    # rest judged.
    with open(os.path.join(certs, "config"), "w") as f:
        f.write(kubeconfig(server, "    token: limited-token\n"))
    open(log, "w").close()
    p = run(binary, base_env, "--format", "json", "--min-ratio", "0")
    limited_requests = [line.split() for line in open(log).read().splitlines()]
    check(p.returncode == 2, f"limited: exit {p.returncode}, expected 2")
    err = [line for line in p.stderr.splitlines() if "error" in line]
    check(len(err) == 1 and "deployments.apps" in err[0] and '"vault"' in err[0],
          f"limited: {p.stderr!r}")
    # A custom kind it may not list is a note, and not asked for namespace by namespace.
    check("rollouts.argoproj.io is forbidden to this user" in p.stderr, f"limited: {p.stderr!r}")
    check(not any(r[1].startswith("/apis/argoproj.io/v1alpha1/namespaces/")
                  for r in limited_requests), "limited: rollouts asked per namespace")
    if p.stdout:
        limited = verdicts(json.loads(p.stdout))
        check(not any(key[2] == "secrets-app" for key in limited) and
              any(key[2] == "web" for key in limited), "limited: what was judged")

    # 7. A token file (relative to the kubeconfig), and basic auth.
    with open(os.path.join(certs, "token"), "w") as f:
        f.write("file-token\n")
    for user, who in (("    tokenFile: token\n", "file-user"),
                      ("    username: admin\n    password: s3cret-pw\n", "basic-user")):
        with open(os.path.join(certs, "config"), "w") as f:
            f.write(kubeconfig(server, user))
        open(log, "w").close()
        p = run(binary, base_env, "-q", "--min-ratio", "0")
        users = {line.split()[2] for line in open(log).read().splitlines()}
        check(p.returncode == 0 and users == {who}, f"{who}: {p.returncode} {p.stderr!r} {users}")

    # 8. Through a proxy: the cluster's proxy-url, else HTTPS_PROXY (NO_PROXY honoured).
    with open(os.path.join(certs, "config"), "w") as f:
        f.write(kubeconfig(server, "    token: good-token\n"))
    proxy = ConnectProxy()
    try:
        with open(os.path.join(tmp, "proxied"), "w") as f:
            f.write(kubeconfig(server, "    token: good-token\n",
                               f"    proxy-url: http://127.0.0.1:{proxy.port}\n",
                               ca=f"certificate-authority: {certs}/ca.crt"))
        p = run(binary, base_env, "--kubeconfig", os.path.join(tmp, "proxied"), "-q",
                "--min-ratio", "0")
        check(p.returncode == 0 and proxy.targets and
              all(t == f"localhost:{port}" for t in proxy.targets),
              f"proxy-url: {p.returncode} {p.stderr!r} {proxy.targets}")
        proxy.targets.clear()
        env = dict(base_env, HTTPS_PROXY=f"http://127.0.0.1:{proxy.port}")
        p = run(binary, env, "-q", "--min-ratio", "0")
        check(p.returncode == 0 and proxy.targets, f"HTTPS_PROXY: {p.stderr!r} {proxy.targets}")
        proxy.targets.clear()
        p = run(binary, dict(env, NO_PROXY="localhost"), "-q", "--min-ratio", "0")
        check(p.returncode == 0 and not proxy.targets, f"NO_PROXY: {p.stderr!r} {proxy.targets}")
    finally:
        proxy.close()

    # 9. Nothing that could be reached: one line, exit 2; a bad token: 401, exit 2.
    with open(os.path.join(certs, "config"), "w") as f:
        f.write(kubeconfig(server, "    token: wrong\n"))
    p = run(binary, base_env)
    check(p.returncode == 2 and "401" in p.stderr and len(p.stderr.splitlines()) == 1,
          f"401: {p.returncode} {p.stderr!r}")
    with open(os.path.join(certs, "config"), "w") as f:
        f.write(kubeconfig(server, "    token: good-token\n", ca="certificate-authority: none"))
    p = run(binary, base_env)
    check(p.returncode == 2 and len(p.stderr.splitlines()) == 1, f"no CA: {p.stderr!r}")


if __name__ == "__main__":
    main()
