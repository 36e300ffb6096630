"""The official Python SDK (PyPI volcengine, pinned in scripts/setup.sh) as a client of the
simulator, used the way its users call an OpenAPI action: base.Service.json with a ServiceInfo
and an ApiInfo. Not our code on either side of the signature: the SDK signs, the simulator's
own verifier checks.

Run by tests/conformance/run.sh with SIM_URL set to a simulator started with sim-config.json."""

import json
import os
import unittest
from urllib.parse import urlparse

from volcengine.ApiInfo import ApiInfo
from volcengine.Credentials import Credentials
from volcengine.ServiceInfo import ServiceInfo
from volcengine.base.Service import Service

SIM = urlparse(os.environ["SIM_URL"])
AK, SK = "AKLTsimulator", "c2ltdWxhdG9yLXNlY3JldC1rZXk="


class ImService(Service):
    """What an IM service class of the SDK looks like: one API, P2PSendMessage."""

    def __init__(self, ak=AK, sk=SK, token=""):
        creds = Credentials(ak, sk, "rtc", "cn-north-1", token)
        info = ServiceInfo(SIM.netloc, {"Accept": "application/json"}, creds, 5, 5, scheme="http")
        api = {
            "P2PSendMessage": ApiInfo(
                "POST", "/", {"Action": "P2PSendMessage", "Version": "2020-12-01"}, {}, {}
            )
        }
        super().__init__(info, api)
        self.statuses = []
        self.session.hooks["response"].append(lambda r, *a, **k: self.statuses.append(r.status_code))

    def send(self, body):
        """(status, parsed envelope). The SDK returns the text on 200 and raises with it otherwise."""
        try:
            text = self.json("P2PSendMessage", {}, json.dumps(body))
        except Exception as e:  # the SDK's way of reporting a non-200
            text = e.args[0].decode("utf-8") if isinstance(e.args[0], bytes) else e.args[0]
        return self.statuses[-1], json.loads(text)


def body(**over):
    b = {
        "AppId": 666675,
        "Sender": 10008,
        "ConversationShortId": 7221856821303361536,
        "MsgType": 10013,
        "Content": json.dumps({"type": 1000}),
    }
    b.update(over)
    return b


class OfficialPythonSdk(unittest.TestCase):
    def error(self, status, envelope, code, code_n, want_status):
        self.assertEqual(status, want_status, envelope)
        err = envelope["ResponseMetadata"]["Error"]
        self.assertEqual((err["Code"], err.get("CodeN")), (code, code_n), envelope)
        self.assertNotIn("Result", envelope)
        self.assertNotIn(SK, json.dumps(envelope))

    def test_p2p_message_accepted_and_result_exact(self):
        status, env = ImService().send(body(ReceiverUserId=[9007199254740993, 10001]))
        self.assertEqual(status, 200, env)
        self.assertNotIn("Error", env["ResponseMetadata"])
        rows = env["Result"]["P2PResult"]
        # Python ints are exact: the id above 2**53 comes back digit for digit.
        self.assertEqual([r["UserId"] for r in rows], [9007199254740993, 10001])
        self.assertEqual({r["Code"] for r in rows}, {"NOT_ONLINE"})

    def test_sts_credentials(self):
        status, env = ImService("AKTPsimulator", "c2ltdWxhdG9yLXN0cy1zZWNyZXQ=", "STS2simulator-token").send(body())
        self.assertEqual(status, 200, env)

    def test_wrong_secret(self):
        status, env = ImService(sk="wrong-secret").send(body())
        self.error(status, env, "SignatureDoesNotMatch", 100010, 401)

    def test_non_member_sender(self):
        status, env = ImService().send(body(Sender=424242))
        self.error(status, env, "ParticipantNotInConversation", 200005, 403)

    def test_unknown_conversation(self):
        status, env = ImService().send(body(ConversationShortId=1))
        self.error(status, env, "ConversationNotFound", 200004, 404)

    def test_over_the_apps_qps(self):
        svc = ImService()
        b = body(AppId=777, ConversationShortId=900002)
        results = [svc.send(b) for _ in range(3)]
        self.assertEqual(results[0][0], 200, results[0][1])
        status, env = results[-1]
        self.error(status, env, "FlowLimitExceeded", 100018, 429)


if __name__ == "__main__":
    unittest.main(verbosity=2)
