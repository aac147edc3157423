#!/usr/bin/env python3
"""Our SigV4 signer against botocore's (python3-botocore), on the requests rootlock will
send: ECS JSON 1.1 calls (with and without a session token), an STS query call, odd
paths and query strings. Both must produce the same Authorization header.

usage: sigv4_botocore_test.py SIGV4_TOOL       exit 0, 1, or 77 without botocore
"""
import datetime
import os
import subprocess
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("python3-botocore is not installed: skipped")
    sys.exit(77)

WHEN = datetime.datetime(2026, 11, 29, 21, 15, 7)
EPOCH = int(WHEN.replace(tzinfo=datetime.timezone.utc).timestamp())


class FixedClock(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return WHEN


# botocore reads the time when it signs: datetime.utcnow() in older releases (Debian 12's
# 1.29), get_current_datetime() in newer ones.
botocore.auth.datetime.datetime = FixedClock
if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = lambda *a, **k: WHEN

CASES = [
    ("ecs", "eu-west-1", "POST", "https://ecs.eu-west-1.amazonaws.com/", None,
     {"Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListTaskDefinitionFamilies"},
     b'{"status": "ACTIVE", "maxResults": 100}'),
    ("ecs", "cn-north-1", "POST", "https://ecs.cn-north-1.amazonaws.com.cn/", "FwoGZXIvYXdzEXAMPLE/+=",
     {"Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition"},
     b'{"taskDefinition": "checkout-api", "include": ["TAGS"]}'),
    ("sts", "us-east-1", "POST", "https://sts.amazonaws.com/", None,
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"),
    ("service", "us-west-2", "GET", "http://127.0.0.1:8080/a/b%20c/?b=2&a=1&a=0&e=%E2%9C%93&f",
     "tok", {"X-Custom": "  two   spaces  "}, b""),
]


def main():
    tool = sys.argv[1]
    problems = []
    for service, region, method, url, token, headers, body in CASES:
        creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        botocore.auth.SigV4Auth(creds, service, region).add_auth(request)
        theirs = request.headers["Authorization"]
        split = request.url.split("://", 1)[1]
        host, _, rest = split.partition("/")
        path, _, query = ("/" + rest).partition("?")
        args = [tool, method, path, query, region, service, str(EPOCH), f"Host: {host}"]
        args += [f"{k}: {v}" for k, v in headers.items()]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=creds.access_key, AWS_SECRET_ACCESS_KEY=creds.secret_key,
                   AWS_SESSION_TOKEN=token or "")
        out = subprocess.run(args, input=body, env=env, capture_output=True, check=True).stdout.decode()
        ours = dict(line.split(": ", 1) for line in out.splitlines())
        if ours.get("Authorization") != theirs:
            problems.append(f"{method} {url}:\n  botocore: {theirs}\n  rootlock: {ours.get('Authorization')}")
        if token and ours.get("X-Amz-Security-Token") != token:
            problems.append(f"{url}: session token not sent")
    for p in problems:
        print("FAIL:", p)
    print(f"sigv4: {len(CASES) - len(problems)} of {len(CASES)} requests signed as botocore signs them")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
