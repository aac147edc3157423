#!/usr/bin/env python3
"""rootlock webhook manifests (and the Helm chart under deploy/): what they install.

For each variant of the flags:
  1. `rootlock scan` passes every rule on the objects (the webhook is itself read-only,
     non-root, without privilege escalation);
  2. each object is valid against the Kubernetes API's models (python3-kubernetes: required
     fields, types, and no field the API does not know: an object that loses a field on the
     round trip through its model has a typo);
  3. the webhook configurations are what the issue asks: admissionReviewVersions [v1],
     sideEffects None, failurePolicy Ignore (Fail with --fail-closed), timeoutSeconds 3 (1 to
     mutate), reinvocationPolicy IfNeeded, pod-carrying kinds on CREATE and UPDATE without
     subresources, kube-system, the webhook's namespace and rootlock.io/ignore left out.
deploy/rootlock-webhook.yaml must be the default manifests, and `rootlock scan deploy/` pass.
usage: manifests_test.py ROOTLOCK   (from the repository root)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml is missing")
    sys.exit(77)
try:
    from kubernetes.client import ApiClient
except ImportError:
    # Debian's python3-kubernetes is in the system Python; CMake may have found another.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("SKIP: python3-kubernetes is missing")
    sys.exit(77)

ROOTLOCK = os.path.abspath(sys.argv[1])
failures = []

# Fields newer than python3-kubernetes 22.6 (Kubernetes 1.22) that the objects use on
# purpose: matchConditions (beta and on by default in 1.28, GA in 1.30) skip mirror pods.
NEWER_FIELDS = {("ValidatingWebhookConfiguration", "matchConditions"),
                ("MutatingWebhookConfiguration", "matchConditions")}

MODELS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "Service"): "V1Service",
    ("v1", "Secret"): "V1Secret",
    ("scheduling.k8s.io/v1", "PriorityClass"): "V1PriorityClass",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"):
        "V1ValidatingWebhookConfiguration",
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"):
        "V1MutatingWebhookConfiguration",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "V1ClusterRole",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "V1ClusterRoleBinding",
    ("batch/v1", "CronJob"): "V1CronJob",
}


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


class Response:
    def __init__(self, obj):
        self.data = json.dumps(obj)


def strip_newer(obj, kind):
    obj = json.loads(json.dumps(obj))
    for w in obj.get("webhooks", []):
        for k, f in NEWER_FIELDS:
            if k == kind:
                w.pop(f, None)
    return obj


def validate(obj, what):
    kind = obj.get("kind")
    key = (obj.get("apiVersion"), kind)
    if obj.get("apiVersion", "").startswith("cert-manager.io/"):
        return  # a CRD: no model here (the fields are cert-manager's v1 API)
    model = MODELS.get(key)
    if not check(model, "%s: no model for %r" % (what, key)):
        return
    client = ApiClient()
    mine = strip_newer(obj, kind)
    try:
        parsed = client.deserialize(Response(mine), model)
    except (ValueError, TypeError) as e:
        check(False, "%s: %s %s is not valid: %s" % (what, kind, obj["metadata"].get("name"), e))
        return
    back = client.sanitize_for_serialization(parsed)
    check(back == mine, "%s: %s has fields the API does not know: %s" % (
        what, kind, diff(mine, back)))


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                return path + "/" + k
            d = diff(a[k], b[k], path + "/" + k)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, "%s/%d" % (path, i))
            if d:
                return d
        return None if len(a) == len(b) else path
    return None if a == b else "%s (%r != %r)" % (path, a, b)


def scan_passes(text, what):
    p = subprocess.run([ROOTLOCK, "scan", "--no-config", "--format", "json", "-"], input=text,
                       capture_output=True, text=True)
    report = json.loads(p.stdout)
    # logging-enabled is not judged on Kubernetes (no per-container setting): n/a there.
    bad = [(f["resource"], f["container"], f["rule"], f["status"]) for f in report["findings"]
           if f["status"] != "pass" and not (f["rule"] == "logging-enabled" and
                                             f["status"] == "n/a")]
    check(p.returncode == 0 and not bad and report["findings"],
          "%s: rootlock scan of the manifests: exit %d, not passing: %r" % (what, p.returncode,
                                                                            bad))


def webhook_checks(docs, what, ns, fail_closed, mutate, cert_manager, ca):
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    expected = ["Namespace", "ServiceAccount", "PriorityClass", "Deployment",
                "PodDisruptionBudget", "Service", "ValidatingWebhookConfiguration"]
    if mutate:
        expected.append("MutatingWebhookConfiguration")
    if cert_manager:
        expected += ["Issuer", "Certificate"]
    for k in expected:
        check(k in by_kind, "%s: no %s" % (what, k))
    check(by_kind.get("Namespace", [{}])[0].get("metadata", {}).get("name") == ns,
          "%s: the namespace" % what)
    dep = by_kind.get("Deployment", [None])[0]
    if dep:
        spec = dep["spec"]["template"]["spec"]
        c = spec["containers"][0]
        check(dep["spec"]["replicas"] >= 1, "%s: replicas" % what)
        check("podAntiAffinity" in spec.get("affinity", {}), "%s: anti-affinity" % what)
        check(spec.get("priorityClassName") == "rootlock-webhook", "%s: priority class" % what)
        check(c["securityContext"]["readOnlyRootFilesystem"] is True, "%s: read-only" % what)
        check(c["securityContext"]["allowPrivilegeEscalation"] is False,
              "%s: no privilege escalation" % what)
        check(spec["securityContext"]["runAsNonRoot"] is True, "%s: non-root" % what)
        check(any(m["mountPath"] == "/tmp" for m in c["volumeMounts"]), "%s: /tmp" % what)
        check(c["readinessProbe"]["httpGet"]["path"] == "/readyz", "%s: readiness" % what)
        check(c["livenessProbe"]["httpGet"]["path"] == "/healthz", "%s: liveness" % what)
        check("requests" in c["resources"] and "limits" in c["resources"], "%s: resources" % what)
    # The periodic audit: rootlock k8s into PolicyReports, kubectl applies them; its RBAC
    # reads the pod-carrying kinds and writes only policyreports.
    cron = by_kind.get("CronJob", [None])[0]
    check(cron is not None, "%s: no audit CronJob" % what)
    if cron:
        pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        audit = pod["initContainers"][0]
        check(audit["args"][0] == "k8s" and "policyreport=/reports/policyreports.yaml" in
              audit["args"], "%s: the audit runs rootlock k8s into PolicyReports" % what)
        check(pod["containers"][0]["args"][0] == "apply", "%s: kubectl applies them" % what)
        check(pod["serviceAccountName"] == "rootlock-audit", "%s: the audit's account" % what)
    role = by_kind.get("ClusterRole", [None])[0]
    if check(role is not None, "%s: no audit ClusterRole" % what):
        for rule in role["rules"]:
            writes = set(rule["verbs"]) - {"get", "list"}
            check(not writes or rule["resources"] == ["policyreports"],
                  "%s: the audit writes only policyreports: %r" % (what, rule))
            check("secrets" not in rule["resources"] and "*" not in rule["resources"],
                  "%s: the audit reads no secrets: %r" % (what, rule))
    for kind, path, timeout in [("ValidatingWebhookConfiguration", "/validate", 3),
                                ("MutatingWebhookConfiguration", "/mutate", 1)]:
        for cfg in by_kind.get(kind, []):
            if cert_manager:
                check(cfg["metadata"].get("annotations", {}).get(
                    "cert-manager.io/inject-ca-from") == ns + "/rootlock-webhook",
                      "%s: %s: cert-manager.io/inject-ca-from" % (what, kind))
            for w in cfg["webhooks"]:
                check(w["admissionReviewVersions"] == ["v1"], "%s: %s: v1 only" % (what, kind))
                check(w["sideEffects"] == "None", "%s: %s: sideEffects" % (what, kind))
                check(w["failurePolicy"] == ("Fail" if fail_closed else "Ignore"),
                      "%s: %s: failurePolicy" % (what, kind))
                check(w["timeoutSeconds"] == timeout, "%s: %s: timeoutSeconds" % (what, kind))
                if kind.startswith("Mutating"):
                    check(w.get("reinvocationPolicy") == "IfNeeded",
                          "%s: reinvocationPolicy" % what)
                svc = w["clientConfig"]["service"]
                check(svc["path"] == path and svc["namespace"] == ns, "%s: %s: service" % (
                    what, kind))
                if ca:
                    check(w["clientConfig"].get("caBundle") == ca, "%s: %s: caBundle" % (
                        what, kind))
                resources = [r for rule in w["rules"] for r in rule["resources"]]
                for r in ["pods", "deployments", "replicasets", "statefulsets", "daemonsets",
                          "jobs", "cronjobs", "replicationcontrollers", "podtemplates"]:
                    check(r in resources, "%s: %s: rules cover %s" % (what, kind, r))
                check(not any("/" in r or r == "*" for r in resources),
                      "%s: %s: no subresources" % (what, kind))
                for rule in w["rules"]:
                    check(sorted(rule["operations"]) == ["CREATE", "UPDATE"],
                          "%s: %s: CREATE and UPDATE" % (what, kind))
                exprs = w["namespaceSelector"]["matchExpressions"]
                left_out = [v for e in exprs if e["operator"] == "NotIn" for v in e["values"]]
                check("kube-system" in left_out and ns in left_out,
                      "%s: %s: kube-system and %s left out" % (what, kind, ns))
                check({"key": "rootlock.io/ignore", "operator": "DoesNotExist"} in exprs,
                      "%s: %s: rootlock.io/ignore" % (what, kind))
                check(any("config.mirror" in m["expression"] for m in w.get("matchConditions", [])),
                      "%s: %s: mirror pods skipped" % (what, kind))


def main():
    work = tempfile.mkdtemp(prefix="rootlock-manifests-")
    certs = os.path.join(work, "certs")
    p = subprocess.run([ROOTLOCK, "webhook", "certs", "--out-dir", certs, "--namespace", "ops"],
                       capture_output=True, text=True)
    check(p.returncode == 0, "webhook certs")
    secret = list(yaml.safe_load_all(p.stdout))
    for d in secret:
        validate(d, "certs")
    import base64
    with open(os.path.join(certs, "ca.crt"), "rb") as f:
        ca = base64.b64encode(f.read()).decode()
    variants = [
        ("default", [], "rootlock", False, False, False, None),
        ("mutate", ["--mutate", "--ca-bundle", os.path.join(certs, "ca.crt"), "--namespace",
                    "ops"], "ops", False, True, False, ca),
        ("fail-closed", ["--fail-closed", "--mode", "warn", "--replicas", "5"], "rootlock", True,
         False, False, None),
        ("cert-manager", ["--cert-manager", "--mutate"], "rootlock", False, True, True, None),
    ]
    for what, args, ns, fail_closed, mutate, cm, cab in variants:
        p = subprocess.run([ROOTLOCK, "webhook", "manifests"] + args, capture_output=True,
                           text=True)
        if not check(p.returncode == 0, "%s: exit %d: %s" % (what, p.returncode, p.stderr)):
            continue
        docs = [d for d in yaml.safe_load_all(p.stdout) if d]
        for d in docs:
            validate(d, what)
        scan_passes(p.stdout, what)
        webhook_checks(docs, what, ns, fail_closed, mutate, cm, cab)
    p = subprocess.run([ROOTLOCK, "webhook", "manifests", "--no-audit"], capture_output=True,
                       text=True)
    kinds = [d["kind"] for d in yaml.safe_load_all(p.stdout) if d]
    check(p.returncode == 0 and "CronJob" not in kinds and "ClusterRole" not in kinds and
          "Deployment" in kinds, "--no-audit leaves the audit out: %r" % kinds)
    # Help, and every flag it names for manifests and certs is accepted.
    p = subprocess.run([ROOTLOCK, "webhook", "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.startswith("usage: rootlock webhook"), "webhook --help")
    for sub in ("manifests", "certs"):
        p = subprocess.run([ROOTLOCK, "webhook", sub, "--help"], capture_output=True, text=True)
        check(p.returncode == 0 and "usage: rootlock webhook" in p.stdout, sub + " --help")
    p = subprocess.run([ROOTLOCK, "--help"], capture_output=True, text=True)
    check("'rootlock webhook --help'" in p.stdout, "the main help names webhook's page")
    # Usage errors.
    for args in (["--namespace", "Bad_NS"], ["--replicas", "0"], ["--mode", "audit"],
                 ["--cert-manager", "--ca-bundle", os.path.join(certs, "ca.crt")]):
        p = subprocess.run([ROOTLOCK, "webhook", "manifests"] + args, capture_output=True)
        check(p.returncode == 2, "manifests %s: exit 2, not %d" % (args, p.returncode))

    # deploy/rootlock-webhook.yaml is the default manifests as shipped, and passes its scan.
    p = subprocess.run([ROOTLOCK, "webhook", "manifests"], capture_output=True, text=True)
    with open(os.path.join("deploy", "rootlock-webhook.yaml")) as f:
        check(f.read() == p.stdout, "deploy/rootlock-webhook.yaml is `rootlock webhook "
              "manifests` (regenerate it: rootlock webhook manifests > deploy/rootlock-webhook.yaml)")
    p = subprocess.run([ROOTLOCK, "scan", "--no-config", "deploy/"], capture_output=True,
                       text=True)
    check(p.returncode == 0, "rootlock scan deploy/: exit %d\n%s%s" % (
        p.returncode, p.stdout, p.stderr))
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("manifests: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
