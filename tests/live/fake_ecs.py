#!/usr/bin/env python3
"""An ECS API on loopback for rootlock ecs: JSON 1.1 (POST /, X-Amz-Target), every request's
Signature V4 recomputed with botocore and checked, families paged two at a time, one family
denied, one throttled once. Writes its port to PORT_FILE and each request's operation (or
"BAD-SIGNATURE ...") to LOG. Clusters
and services too (ListClusters, ListServices paged five at a time, DescribeServices at most
ten), one service running an older revision than its family's latest, one cluster denied.
And credentials: the container endpoint (GET /container/creds, Authorization checked),
IMDSv2 (PUT /latest/api/token, then the role's credentials) and STS (AssumeRoleWithWebIdentity
and a signed AssumeRole, form in, XML out); ECS requests must carry a token it issued.

usage: fake_ecs.py PORT_FILE LOG
Bench mode (bench/ecs.sh): FAKE_ECS_FAMILIES=N serves N families of one container each (no
denied or throttled one), FAKE_ECS_LATENCY_MS adds that much to every answer, and
FAKE_ECS_VERIFY=0 leaves signatures unchecked (botocore's check costs the server CPU).
"""
import datetime
import http.server
import json
import os
import socketserver
import sys
import time
import urllib.parse

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

port_file, log = sys.argv[1], sys.argv[2]
KEY_ID, SECRET = "AKIDFAKEECS", "fake/secret+key"
REGION, ACCOUNT = "eu-west-1", "123456789012"


def task(family, revision, containers, tags=()):
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:{revision}"
    return {"taskDefinition": {"taskDefinitionArn": arn, "family": family, "revision": revision,
                               "status": "ACTIVE", "containerDefinitions": containers,
                               "volumes": [{"name": "tmp"}]},
            "tags": list(tags)}


TASKS = {
    "api": task("api", 7, [{"name": "app", "image": "api:1", "readonlyRootFilesystem": True,
                            "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]}]),
    "web": task("web", 12, [{"name": "nginx", "image": "nginx:1.25"}],
                [{"key": "team", "value": "storefront"}]),
    "busy": task("busy", 3, [{"name": "worker", "image": "worker:2",
                              "readonlyRootFilesystem": False}]),
    "secret": None,  # AccessDenied
    "batch": task("batch", 1, [{"name": "job", "image": "job:1"}],
                  [{"key": "rootlock.io/exempt", "value": "read-only-root-fs: writes reports"}]),
}
# Older revisions, described only by a service that still runs them (by ARN).
OLD = {"checkout-api:11": task("checkout-api", 11, [{"name": "api", "image": "checkout:11"}])}
TASKS["checkout-api"] = task("checkout-api", 12, [
    {"name": "api", "image": "checkout:12", "readonlyRootFilesystem": True,
     "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]}])
# Clusters and their services: "prod" runs checkout-api:11 (PRIMARY) while :12 rolls out
# (ACTIVE), and web:12; "batch" has 12 services (two DescribeServices calls, three pages of
# ListServices); "locked" cannot be listed.
CLUSTERS = {
    "prod": [("checkout", [("PRIMARY", "checkout-api:11"), ("ACTIVE", "checkout-api:12")]),
             ("web", [("PRIMARY", "web:12")])],
    "batch": [(f"job-{i:02d}", [("PRIMARY", "api:7")]) for i in range(12)],
    "locked": None,
}
throttled = set()
# Credentials it hands out (container endpoint, IMDSv2, STS) and the secrets each wants.
ISSUED = {"session-token-value"}
CONTAINER_AUTH = "container-auth-token"
IMDS_TOKEN = "imds-session-token-for-requests"
WEB_IDENTITY_TOKEN = "web-identity-token-value"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/rootlock-audit"
BENCH_FAMILIES = int(os.environ.get("FAKE_ECS_FAMILIES", "0"))
LATENCY = int(os.environ.get("FAKE_ECS_LATENCY_MS", "0")) / 1000.0
VERIFY = os.environ.get("FAKE_ECS_VERIFY", "1") != "0"
def arn_of(kind, name):
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:{kind}/{name}"


def find_task(name):
    """A family (its latest ACTIVE revision), family:revision, or a revision's ARN."""
    name = name.split(":task-definition/")[-1]
    if name in TASKS:
        return TASKS[name]
    if name in OLD:
        return OLD[name]
    family, _, rev = name.partition(":")
    t = TASKS.get(family)
    if t and str(t["taskDefinition"]["revision"]) == rev:
        return t
    return None


if BENCH_FAMILIES:
    TASKS = {f"svc-{i:05d}": task(f"svc-{i:05d}", 1 + i % 7,
                                  [{"name": "app", "image": f"app:{i}",
                                    "readonlyRootFilesystem": i % 3 == 0}])
             for i in range(BENCH_FAMILIES)}


class FixedClock(datetime.datetime):
    now_value = None

    @classmethod
    def utcnow(cls):
        return cls.now_value


def signature_ok(handler, body, service="ecs"):
    date = handler.headers.get("X-Amz-Date", "")
    when = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ")
    FixedClock.now_value = when
    botocore.auth.datetime.datetime = FixedClock
    if hasattr(botocore.auth, "get_current_datetime"):
        botocore.auth.get_current_datetime = lambda *a, **k: when
    signed = [h.strip() for h in handler.headers.get("Authorization", "").split(
        "SignedHeaders=")[-1].split(",")[0].split(";")]
    headers = {k: v for k, v in handler.headers.items() if k.lower() in signed
               and k.lower() not in ("x-amz-date", "x-amz-security-token")}
    host = handler.headers.get("Host")
    request = AWSRequest(method="POST", url=f"http://{host}/", data=body, headers=headers)
    token = handler.headers.get("X-Amz-Security-Token")
    # The region the client signed for (its credential scope): one endpoint, every region.
    scope = handler.headers.get("Authorization", "").split("Credential=")[-1].split("/")
    region = scope[2] if len(scope) > 2 else REGION
    botocore.auth.SigV4Auth(Credentials(KEY_ID, SECRET, token), service, region).add_auth(request)
    return request.headers["Authorization"] == handler.headers.get("Authorization")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

    def log_message(self, *args):
        pass

    def reply(self, status, body, error_type=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def region(self):
        """The region the request was signed for."""
        scope = self.headers.get("Authorization", "").split("Credential=")[-1].split("/")
        return scope[2] if len(scope) > 2 else REGION

    def note(self, what):
        with open(log, "a") as f:
            f.write(what + "\n")

    def send_text(self, status, text, content_type="text/plain"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def credentials(self, token, seconds, **extra):
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
            seconds=seconds)
        ISSUED.add(token)
        return dict(extra, AccessKeyId=KEY_ID, SecretAccessKey=SECRET, Token=token,
                    Expiration=expires.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def do_PUT(self):
        # IMDSv2's session token.
        if self.path == "/latest/api/token" and \
                self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            self.note("IMDS-TOKEN")
            return self.send_text(200, IMDS_TOKEN)
        self.send_text(400, "bad request")

    def do_GET(self):
        # The container credentials endpoint: ECS tasks, EKS Pod Identity.
        if self.path in ("/container/creds", "/container/short-creds"):
            if self.headers.get("Authorization") != CONTAINER_AUTH:
                self.note("CONTAINER-DENIED")
                return self.send_text(401, "unauthorized")
            self.note("CONTAINER-CREDS")
            # The short ones expire inside the clients' refresh window: fetched at every use.
            seconds = 600 if self.path.endswith("short-creds") else 3600
            return self.reply(200, self.credentials("container-session-token", seconds))
        # IMDSv2: nothing without the session token.
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.send_text(401, "")
            role = self.path.rsplit("/", 1)[-1]
            if not role:
                return self.send_text(200, "rootlock-role\n")
            self.note("IMDS-CREDS")
            return self.reply(200, self.credentials(
                "imds-session-token", 3600, Code="Success", Type="AWS-HMAC",
                LastUpdated="2026-11-29T00:00:00Z"))
        self.reply(400, {"__type": "UnknownOperationException"})

    def sts(self, body):
        """STS's query protocol: a form in, XML out."""
        form = urllib.parse.parse_qs(body.decode())
        action = form.get("Action", [""])[0]
        if action == "AssumeRoleWithWebIdentity":
            ok = form.get("WebIdentityToken") == [WEB_IDENTITY_TOKEN] and \
                form.get("RoleArn") == [ROLE_ARN] and form.get("RoleSessionName")
            token = "sts-web-session-token"
        elif action == "AssumeRole":
            ok = signature_ok(self, body, "sts") and form.get("RoleArn") == [ROLE_ARN] and \
                self.headers.get("X-Amz-Security-Token") is None
            token = "sts-role-session-token"
        else:
            ok, token = False, ""
        self.note(f"STS-{action}" if ok else f"STS-DENIED {action}")
        if not ok:
            return self.send_text(403, "<ErrorResponse><Error><Type>Sender</Type><Code>"
                                       "AccessDenied</Code><Message>Not authorized</Message>"
                                       "</Error></ErrorResponse>", "text/xml")
        c = self.credentials(token, 3600)
        self.send_text(200, f"""<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <Credentials>
      <AccessKeyId>{c["AccessKeyId"]}</AccessKeyId>
      <SecretAccessKey>{c["SecretAccessKey"]}</SecretAccessKey>
      <SessionToken>{c["Token"]}</SessionToken>
      <Expiration>{c["Expiration"]}</Expiration>
    </Credentials>
  </{action}Result>
</{action}Response>""", "text/xml")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        op = target.rsplit(".", 1)[-1]
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.sts(body)
        if LATENCY:
            time.sleep(LATENCY)
        with open(log, "a") as f:
            token = self.headers.get("X-Amz-Security-Token")
            if VERIFY and token is not None and token not in ISSUED:
                f.write(f"BAD-TOKEN {op}\n")
                return self.reply(403, {"__type": "UnrecognizedClientException",
                                        "message": "The security token included in the "
                                                   "request is invalid."})
            if VERIFY and not signature_ok(self, body):
                f.write(f"BAD-SIGNATURE {op}\n")
                return self.reply(403, {"__type": "InvalidSignatureException",
                                        "message": "The request signature we calculated does "
                                                   "not match the signature you provided."})
            f.write(op + "\n")
        if not target.startswith("AmazonEC2ContainerServiceV20141113.") or \
                self.headers.get("Content-Type") != "application/x-amz-json-1.1":
            return self.reply(400, {"__type": "SerializationException"})
        req = json.loads(body or b"{}")
        if op == "ListTaskDefinitionFamilies":
            names = sorted(f for f in TASKS if f.startswith(req.get("familyPrefix", "")))
            start = int(req.get("nextToken", "0"))
            size = 100 if BENCH_FAMILIES else 2  # the API's maximum, 100, in bench mode
            page = {"families": names[start:start + size]}
            if start + size < len(names):
                page["nextToken"] = str(start + size)
            return self.reply(200, page)
        if op == "DescribeTaskDefinition":
            family = req["taskDefinition"]
            if req.get("include") != ["TAGS"]:
                return self.reply(400, {"__type": "InvalidParameterException",
                                        "message": "tags not asked for"})
            if family == "secret":
                return self.reply(400, {"__type": "com.amazonaws.ecs#AccessDeniedException",
                                        "message": "User is not authorized to perform "
                                                   "ecs:DescribeTaskDefinition"})
            if family == "busy" and family not in throttled:
                throttled.add(family)
                return self.reply(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
            if find_task(family):
                answer = find_task(family)
                if self.region() != REGION:
                    # Another region: its own ARNs, and one revision ahead of eu-west-1's.
                    answer = json.loads(json.dumps(answer).replace(
                        f":{REGION}:", f":{self.region()}:"))
                    td = answer["taskDefinition"]
                    td["revision"] += 1
                    td["taskDefinitionArn"] = td["taskDefinitionArn"].rsplit(":", 1)[0] + \
                        f":{td['revision']}"
                return self.reply(200, answer)
            return self.reply(400, {"__type": "ClientException", "message": "not found"})
        if op == "ListClusters":
            return self.reply(200, {"clusterArns": [arn_of("cluster", c) for c in CLUSTERS]})
        if op == "ListServices":
            cluster = req.get("cluster", "default").rsplit("/", 1)[-1]
            if cluster not in CLUSTERS:
                return self.reply(400, {"__type": "ClusterNotFoundException",
                                        "message": "Cluster not found."})
            if CLUSTERS[cluster] is None:
                return self.reply(400, {"__type": "AccessDeniedException",
                                        "message": "User is not authorized to perform "
                                                   "ecs:ListServices"})
            names = [arn_of("service", f"{cluster}/{name}") for name, _ in CLUSTERS[cluster]]
            start = int(req.get("nextToken", "0"))
            size = min(5, int(req.get("maxResults", 10)))  # pages smaller than asked for
            page = {"serviceArns": names[start:start + size]}
            if start + size < len(names):
                page["nextToken"] = str(start + size)
            return self.reply(200, page)
        if op == "DescribeServices":
            cluster = req.get("cluster", "default").rsplit("/", 1)[-1]
            wanted = req.get("services", [])
            if not 1 <= len(wanted) <= 10:
                return self.reply(400, {"__type": "InvalidParameterException",
                                        "message": "services must hold 1 to 10 names"})
            known = {name: deps for name, deps in CLUSTERS.get(cluster) or []}
            services, failures = [], []
            for w in wanted:
                name = w.rsplit("/", 1)[-1]
                if name not in known:
                    failures.append({"arn": w, "reason": "MISSING"})
                    continue
                deps = [{"id": f"ecs-svc/{i}", "status": status,
                         "taskDefinition": arn_of("task-definition", td)}
                        for i, (status, td) in enumerate(known[name])]
                services.append({"serviceArn": arn_of("service", f"{cluster}/{name}"),
                                 "serviceName": name,
                                 "clusterArn": arn_of("cluster", cluster),
                                 "status": "ACTIVE",
                                 "taskDefinition": deps[-1]["taskDefinition"],
                                 "deployments": deps})
            return self.reply(200, {"services": services, "failures": failures})
        return self.reply(400, {"__type": "UnknownOperationException"})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
