"""Differential fuzz of the signer, half two: reads the JSON lines examples/sign_fuzz.rs prints
(random requests with volc-im's Authorization) and signs each again with the official Python
SDK's SignerV4.sign_only (PyPI volcengine, pinned in scripts/setup.sh), an implementation that
is not ours. Prints every mismatch with its seed and case number, then `N passed, N failed`.
Exit status 1 on any mismatch, or if fewer cases than --min arrived."""

import datetime
import json
import sys
from collections import OrderedDict

from volcengine.Credentials import Credentials
from volcengine.auth.SignParam import SignParam
from volcengine.auth.SignerV4 import SignerV4

minimum = int(sys.argv[sys.argv.index("--min") + 1]) if "--min" in sys.argv else 1
passed = failed = 0
for line in sys.stdin:
    case = json.loads(line)
    p = SignParam()
    p.set_method(case["method"])
    p.set_host(case["host"])
    p.set_path(case["path"])
    p.set_body(case["body"])
    query = OrderedDict()
    for k, v in case["query"]:
        query.setdefault(k, []).append(v)
    # A single value is passed as a string, several as a list, as the SDK's callers do.
    p.set_query(OrderedDict((k, v[0] if len(v) == 1 else v) for k, v in query.items()))
    headers = OrderedDict([("Host", case["host"])])
    headers.update((k, v) for k, v in case["headers"])
    p.set_header_list(headers)
    p.set_date(datetime.datetime.strptime(case["x_date"], "%Y%m%dT%H%M%SZ"))
    creds = Credentials(case["ak"], case["sk"], case["service"], case["region"], case["token"] or "")
    theirs = SignerV4.sign_only(p, creds).authorization
    if theirs == case["authorization"]:
        passed += 1
    else:
        failed += 1
        if failed <= 5:
            shown = {k: v for k, v in case.items() if k != "sk"}
            print(f"MISMATCH seed {case['seed']} case {case['n']}: {json.dumps(shown, ensure_ascii=False)}")
            print(f"  volc-im: {case['authorization']}")
            print(f"  python : {theirs}")
if passed + failed < minimum:
    print(f"only {passed + failed} cases arrived, expected at least {minimum}")
    failed += 1
print(f"signer differential fuzz: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
