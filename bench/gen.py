#!/usr/bin/env python3
"""Generates identical benchmark work for every tool: N GET requests, each with a
status check (200) and a JSONPath check ($.id equals the item number).

usage: gen.py N BASE_URL TOKEN OUTDIR
writes OUTDIR/suite-N.yaml (gauntlet), curl-N.cfg (curl -K), stepci-N.yaml,
newman-N.json (Postman collection)."""
import json, sys, os

n, base, token, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(out, exist_ok=True)

# A fault-heavy variant for the 100k-case memory run: N/8 scenarios, each the
# valid case plus 7 faulted cases (unauthenticated, invalid_token,
# token_in_query, unknown_path, malformed_auth x3).
with open(f"{out}/faulted-{n}.yaml", "w") as f:
    f.write(f"suite: bench-faulted\nbase_url: {base}\n")
    f.write("profile:\n  profile: bench\n  auth: {scheme: bearer, token: \"${BENCH_TOKEN}\"}\n")
    f.write("  faults: {default: [unauthenticated, invalid_token, token_in_query, unknown_path, malformed_auth]}\n")
    f.write("scenarios:\n")
    for i in range(n // 8):
        f.write(f"  - name: item {i}\n    request: {{method: GET, path: /items/{i}}}\n")
        f.write(f"    expect:\n      status: 200\n      jsonpath: {{$.id: {i}}}\n")

with open(f"{out}/suite-{n}.yaml", "w") as f:
    f.write(f"suite: bench\nbase_url: {base}\n")
    f.write("profile:\n  profile: bench\n  auth: {scheme: bearer, token: \"${BENCH_TOKEN}\"}\n")
    f.write("  faults: {default: []}\nscenarios:\n")
    for i in range(n):
        f.write(f"  - name: item {i}\n    request: {{method: GET, path: /items/{i}}}\n")
        f.write(f"    expect:\n      status: 200\n      jsonpath: {{$.id: {i}}}\n")

with open(f"{out}/curl-{n}.cfg", "w") as f:
    for i in range(n):
        f.write(f'url = "{base}/items/{i}"\nheader = "Authorization: Bearer {token}"\noutput = "/dev/null"\n')

with open(f"{out}/stepci-{n}.yaml", "w") as f:
    f.write("version: \"1.1\"\nname: bench\nenv:\n  host: " + base + "\ntests:\n  bench:\n    steps:\n")
    for i in range(n):
        f.write(f"      - name: item {i}\n        http:\n          url: ${{{{env.host}}}}/items/{i}\n"
                f"          method: GET\n          headers:\n            Authorization: Bearer {token}\n"
                f"          check:\n            status: 200\n            jsonpath:\n              $.id: {i}\n")

items = []
for i in range(n):
    items.append({
        "name": f"item {i}",
        "request": {"method": "GET", "header": [{"key": "Authorization", "value": f"Bearer {token}"}],
                    "url": f"{base}/items/{i}"},
        "event": [{"listen": "test", "script": {"exec": [
            "pm.test('status', () => pm.response.to.have.status(200));",
            f"pm.test('id', () => pm.expect(pm.response.json().id).to.eql({i}));"]}}],
    })
with open(f"{out}/newman-{n}.json", "w") as f:
    json.dump({"info": {"name": "bench", "schema":
               "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
               "item": items}, f)
