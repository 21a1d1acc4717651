"""Flows a Python client makes with `requests` (Debian python3-requests, run
by Debian's /usr/bin/python3), audited by `gauntlet serve` in clientaudit.c.

    requests_flows.py MODE BASE_URL   (API_TOKEN: the bearer token)

Modes (BASE_URL is the suite's base, e.g. http://127.0.0.1:PORT/v1):
  buddybuild   list apps, read one, trigger a build with a JSON body, read it
  query_token  the token in the query (access_token) instead of the header
  retry        read an app through a Session that retries 503 and dropped
               connections (urllib3 Retry(total=3), Retry-After honoured,
               no backoff)
  retry_post   trigger a build through a Session whose Retry also covers POST
               (allowed_methods=None; IDEMPOTENCY_KEY: sent as Idempotency-Key)
  botanalytics log one message (POST /messages) with the token as bearer
Prints each answer's status; exit 0 when every answer was what the flow
expects of a conformant server, 1 otherwise.
"""
import os
import sys

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

APP = "5730b3c9e5a5ad0100fd6a9f"  # seeded by the buddybuild suite


def check(resp, want):
    print(resp.request.method, resp.request.path_url, "->", resp.status_code)
    if resp.status_code != want:
        print("  unexpected status, want", want, ":", resp.text[:200])
        return False
    return True


def main():
    mode, base = sys.argv[1], sys.argv[2]
    token = os.environ["API_TOKEN"]
    auth = {"Authorization": "Bearer " + token}
    ok = True
    if mode == "buddybuild":
        s = requests.Session()
        s.headers.update(auth)
        ok &= check(s.get(base + "/apps"), 200)
        ok &= check(s.get(base + "/apps/" + APP), 200)
        r = s.post(base + "/apps/" + APP + "/build", json={"branch": "main"})
        ok &= check(r, 201)
        if r.status_code == 201:
            ok &= check(s.get(base + "/builds/" + r.json()["build_id"]), 200)
    elif mode == "query_token":
        ok &= check(requests.get(base + "/apps", params={"access_token": token}), 401)
    elif mode == "retry":
        s = requests.Session()
        retry = Retry(total=3, status_forcelist=[503], allowed_methods=None,
                      respect_retry_after_header=True, backoff_factor=0)
        s.mount("http://", HTTPAdapter(max_retries=retry))
        s.headers.update(auth)
        ok &= check(s.get(base + "/apps/" + APP), 200)
    elif mode == "retry_post":
        s = requests.Session()
        retry = Retry(total=2, allowed_methods=None, backoff_factor=0)
        s.mount("http://", HTTPAdapter(max_retries=retry))
        s.headers.update(auth)
        if os.environ.get("IDEMPOTENCY_KEY"):
            s.headers["Idempotency-Key"] = os.environ["IDEMPOTENCY_KEY"]
        ok &= check(s.post(base + "/apps/" + APP + "/build", json={"branch": "main"}), 201)
    elif mode == "botanalytics":
        message = {"id": "m-1", "conversation": {"id": "c-1"},
                   "timestamp": 1795420800000,
                   "sender": {"id": "u-1", "type": "user"},
                   "content": {"texts": [{"text": "hello from requests"}]}}
        ok &= check(requests.post(base + "/messages", json={"messages": [{"message": message}]},
                                  headers=auth), 200)
    else:
        print("unknown mode", mode)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
