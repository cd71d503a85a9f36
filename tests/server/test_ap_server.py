#!/usr/bin/env python3
"""Self-test of ap_server.py over a real socket: the C tests trust this server,
so the server behaviours it implements (README.md, "Server contract") are
checked here one by one.
Prints "server_selftest: N passed, N failed" (tests/tools/harness.py)."""

import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import ap_server  # noqa: E402
import harness  # noqa: E402

KEY = "sk-" + "a" * 61
P1, P2, P3 = ap_server.DEFAULT_PROJECTS
SLACK = "@activepieces/piece-slack"


def upsert_body(**over):
    body = {"displayName": "Acme Slack", "pieceName": SLACK, "type": "SECRET_TEXT",
            "value": {"type": "SECRET_TEXT", "secret_text": "xoxb-123"}, "scope": "PLATFORM",
            "projectIds": [P1], "externalId": "acme_slack"}
    body.update(over)
    return body


class ServerTest(harness.Case):
    faults = ()

    def setUp(self):
        self.logdir = tempfile.TemporaryDirectory()
        self.log = os.path.join(self.logdir.name, "log")
        self.app = ap_server.App([KEY])
        self.server = ap_server.Server(("127.0.0.1", 0), self.app, log_path=self.log, faults=self.faults)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=10)

    def tearDown(self):
        self.conn.close()
        self.server.shutdown()
        self.server.server_close()
        self.server.log_file.close()
        self.thread.join()
        self.logdir.cleanup()

    def call(self, method, path, body=None, key=KEY, headers=None, raw=None):
        h = dict(headers or {})
        if key is not None:
            h["Authorization"] = "Bearer " + key
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        self.conn.request(method, path, body=data, headers=h)
        resp = self.conn.getresponse()
        text = resp.read()
        self.last = resp
        return resp.status, (json.loads(text) if text else None)

    def create(self, **over):
        status, obj = self.call("POST", "/api/v1/global-connections", upsert_body(**over))
        self.assertEqual(status, 201, obj)
        return obj

    def log_lines(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]


class Upsert(ServerTest):
    def test_create_returns_201_and_the_connection_without_value(self):
        obj = self.create()
        self.assertRegex(obj["id"], ap_server.ID_PATTERN)
        self.assertNotIn("value", obj)
        self.assertRegex(obj["created"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual((obj["status"], obj["scope"], obj["projectIds"]), ("ACTIVE", "PLATFORM", [P1]))

    def test_same_external_id_and_contained_projects_updates_in_place_with_201(self):
        first = self.create(projectIds=[P1, P2])
        second = self.create(projectIds=[P2], displayName="Renamed")
        self.assertEqual(second["id"], first["id"])
        self.assertEqual(second["displayName"], "Renamed")
        self.assertNotEqual(second["updated"], first["updated"])

    def test_empty_project_ids_match_any_row_with_the_external_id(self):
        first = self.create()
        self.assertEqual(self.create(projectIds=[])["id"], first["id"])

    def test_projects_not_contained_insert_a_new_row(self):
        first = self.create(projectIds=[P1])
        self.assertNotEqual(self.create(projectIds=[P2])["id"], first["id"])

    def test_missing_external_id_gets_a_random_one(self):
        body = upsert_body()
        del body["externalId"]
        status, obj = self.call("POST", "/v1/global-connections", body)
        self.assertEqual(status, 201)
        self.assertRegex(obj["externalId"], ap_server.ID_PATTERN)

    def test_empty_secret_text_names_the_field(self):
        status, obj = self.call("POST", "/v1/global-connections",
                                upsert_body(value={"type": "SECRET_TEXT", "secret_text": ""}))
        self.assertEqual(status, 400)
        self.assertEqual(obj, {"statusCode": 400, "code": "FST_ERR_VALIDATION", "error": "Bad Request",
                               "message": "body/value/secret_text Too small: expected string to have >=1 characters"})

    def test_value_type_mismatch_is_only_invalid_input(self):
        status, obj = self.call("POST", "/v1/global-connections",
                                upsert_body(value={"type": "BASIC_AUTH", "secret_text": "x"}))
        self.assertEqual((status, obj["message"]), (400, "body/ Invalid input"))

    def test_missing_scope_is_only_invalid_input(self):
        body = upsert_body()
        del body["scope"]
        status, obj = self.call("POST", "/v1/global-connections", body)
        self.assertEqual((status, obj["message"]), (400, "body/ Invalid input"))

    def test_bad_grant_type_is_only_invalid_input(self):
        value = {"type": "OAUTH2", "client_id": "c", "client_secret": "s", "code": "x", "redirect_url": "r",
                 "scope": "", "grant_type": "password"}
        status, obj = self.call("POST", "/v1/global-connections", upsert_body(type="OAUTH2", value=value))
        self.assertEqual((status, obj["message"]), (400, "body/ Invalid input"))

    def test_unknown_project_is_404_project(self):
        status, obj = self.call("POST", "/v1/global-connections", upsert_body(projectIds=["X" * 21]))
        self.assertEqual((status, obj), (404, {"code": "ENTITY_NOT_FOUND", "params": {"entityType": "Project"}}))

    def test_duplicate_project_is_404_project(self):
        status, obj = self.call("POST", "/v1/global-connections", upsert_body(projectIds=[P1, P1]))
        self.assertEqual((status, obj["params"]), (404, {"entityType": "Project"}))

    def test_unknown_piece_is_404(self):
        status, obj = self.call("POST", "/v1/global-connections", upsert_body(pieceName="@x/nope"))
        self.assertEqual((status, obj["code"]), (404, "ENTITY_NOT_FOUND"))
        self.assertIn("piece_metadata_not_found name=@x/nope", obj["params"]["message"])

    def test_invalid_piece_version_is_409_validation(self):
        status, obj = self.call("POST", "/v1/global-connections", upsert_body(pieceVersion="1.2"))
        self.assertEqual((status, obj), (409, {"code": "VALIDATION", "params": {"message": "Invalid piece version"}}))

    def test_bad_body_without_key_is_400_not_401(self):
        status, obj = self.call("POST", "/v1/global-connections", {"type": "NOPE"}, key=None)
        self.assertEqual((status, obj["code"]), (400, "FST_ERR_VALIDATION"))

    def test_unknown_keys_are_ignored(self):
        obj = self.create(color="red", value={"type": "SECRET_TEXT", "secret_text": "x", "extra": 1})
        self.assertNotIn("color", obj)


class Auth(ServerTest):
    def test_missing_authorization_is_403(self):
        status, obj = self.call("GET", "/v1/global-connections", key=None)
        self.assertEqual((status, obj["code"]), (403, "AUTHORIZATION"))

    def test_unknown_api_key_is_401_authentication(self):
        status, obj = self.call("GET", "/v1/global-connections", key="sk-" + "b" * 61)
        self.assertEqual((status, obj), (401, {"code": "AUTHENTICATION", "params": {"message": "invalid api key"}}))

    def test_other_bearer_is_401_invalid_bearer_token(self):
        status, obj = self.call("GET", "/v1/global-connections", key="eyJhbGciOi")
        self.assertEqual((status, obj["code"]), (401, "INVALID_BEARER_TOKEN"))


class Update(ServerTest):
    def test_update_returns_200_and_changes_name_and_projects(self):
        obj = self.create()
        status, upd = self.call("POST", "/v1/global-connections/" + obj["id"],
                                {"displayName": "New", "projectIds": [P2, P3]})
        self.assertEqual((status, upd["displayName"], upd["projectIds"], upd["id"]), (200, "New", [P2, P3], obj["id"]))

    def test_update_without_project_ids_keeps_them(self):
        obj = self.create()
        _, upd = self.call("POST", "/v1/global-connections/" + obj["id"], {"displayName": "New"})
        self.assertEqual(upd["projectIds"], [P1])

    def test_update_persists_metadata_and_preselect(self):
        obj = self.create()
        _, upd = self.call("POST", "/v1/global-connections/" + obj["id"],
                           {"displayName": "x", "metadata": {"a": 1}, "preSelectForNewProjects": True})
        self.assertEqual((upd["metadata"], upd["preSelectForNewProjects"]), ({"a": 1}, True))

    def test_update_with_unknown_project_is_404_project(self):
        obj = self.create()
        status, err = self.call("POST", "/v1/global-connections/" + obj["id"],
                                {"displayName": "x", "projectIds": ["Q" * 21]})
        self.assertEqual((status, err["params"]), (404, {"entityType": "Project"}))

    def test_unknown_id_is_plain_500(self):
        status, obj = self.call("POST", "/v1/global-connections/" + "A" * 21, {"displayName": "x"})
        self.assertEqual(status, 500)
        self.assertEqual(sorted(obj), ["error", "message", "statusCode"])

    def test_empty_display_name_is_400_with_path(self):
        obj = self.create()
        status, err = self.call("POST", "/v1/global-connections/" + obj["id"], {"displayName": ""})
        self.assertEqual((status, err["message"]), (400, "body/displayName " + ap_server.TOO_SMALL))

    def test_bad_id_is_400_params_id(self):
        status, obj = self.call("POST", "/v1/global-connections/short", {"displayName": "x"})
        self.assertEqual((status, obj["message"]),
                         (400, "params/id Invalid string: must match pattern /^[0-9a-zA-Z]{21}$/"))


class Delete(ServerTest):
    def test_delete_is_204_without_body_type_or_length(self):
        obj = self.create()
        status, body = self.call("DELETE", "/api/v1/global-connections/" + obj["id"])
        self.assertEqual((status, body), (204, None))
        self.assertIsNone(self.last.getheader("Content-Type"))
        self.assertIsNone(self.last.getheader("Content-Length"))

    def test_delete_unknown_is_404_app_connection(self):
        status, obj = self.call("DELETE", "/v1/global-connections/" + "B" * 21)
        self.assertEqual((status, obj), (404, {"code": "ENTITY_NOT_FOUND",
                                               "params": {"entityType": "AppConnection", "entityId": "B" * 21}}))

    def test_json_content_type_without_body_is_400_and_closes(self):
        status, obj = self.call("DELETE", "/v1/global-connections/" + "B" * 21,
                                headers={"Content-Type": "application/json"})
        self.assertEqual((status, obj["code"]), (400, "FST_ERR_CTP_EMPTY_JSON_BODY"))
        self.assertEqual(self.last.getheader("Connection"), "close")


class Parsing(ServerTest):
    def test_invalid_json_is_400_and_closes(self):
        status, obj = self.call("POST", "/v1/global-connections", raw=b"{nope",
                                headers={"Content-Type": "application/json"})
        self.assertEqual((status, obj["code"]), (400, "FST_ERR_CTP_INVALID_JSON_BODY"))
        self.assertEqual(self.last.getheader("Connection"), "close")

    def test_json_with_charset_parameter_is_parsed(self):
        status, _ = self.call("POST", "/v1/global-connections", upsert_body(),
                              headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(status, 201)

    def test_body_without_content_type_is_415(self):
        status, obj = self.call("POST", "/v1/global-connections", raw=b"{}")
        self.assertEqual((status, obj["code"]), (415, "FST_ERR_CTP_INVALID_MEDIA_TYPE"))

    def test_xml_is_415(self):
        status, obj = self.call("POST", "/v1/global-connections", raw=b"<a/>", headers={"Content-Type": "text/xml"})
        self.assertEqual((status, obj["code"]), (415, "FST_ERR_CTP_INVALID_MEDIA_TYPE"))

    def test_wrong_method_is_404_route_not_found(self):
        status, obj = self.call("PUT", "/v1/global-connections")
        self.assertEqual((status, obj["message"]), (404, "Route not found"))

    def test_trailing_slash_is_ignored(self):
        status, _ = self.call("GET", "/api/v1/global-connections/")
        self.assertEqual(status, 200)

    def test_framing_headers_are_fastify_like(self):
        self.call("GET", "/v1/global-connections")
        h = self.last
        self.assertEqual(h.getheader("Content-Type"), "application/json; charset=utf-8")
        self.assertEqual((h.getheader("Connection"), h.getheader("Keep-Alive")), ("keep-alive", "timeout=72"))
        self.assertIsNotNone(h.getheader("Date"))
        self.assertIsNotNone(h.getheader("Content-Length"))


class List(ServerTest):
    def setUp(self):
        super().setUp()
        self.app.seed(25)

    def ids(self, query):
        status, page = self.call("GET", "/v1/global-connections" + query)
        self.assertEqual(status, 200, page)
        return page

    def test_default_limit_is_10_and_oldest_first(self):
        page = self.ids("")
        self.assertEqual([r["displayName"] for r in page["data"]], ["Seed %d" % i for i in range(10)])
        self.assertIsNone(page["previous"])
        self.assertIsNotNone(page["next"])

    def test_cursor_is_base64_of_next_and_base64_created(self):
        outer = base64.b64decode(self.ids("?limit=1")["next"]).decode()
        self.assertTrue(outer.startswith("next_"))
        self.assertEqual(base64.b64decode(outer[5:]).decode(), "created:1735787045000")

    def test_following_next_visits_every_row_once(self):
        seen, cursor = [], ""
        while True:
            page = self.ids("?limit=7&cursor=" + cursor)
            seen += [r["displayName"] for r in page["data"]]
            if page["next"] is None:
                break
            cursor = page["next"]
        self.assertEqual(seen, ["Seed %d" % i for i in range(25)])

    def test_previous_returns_the_page_before(self):
        second = self.ids("?limit=5&cursor=" + self.ids("?limit=5")["next"])
        back = self.ids("?limit=5&cursor=" + second["previous"])
        self.assertEqual([r["displayName"] for r in back["data"]], ["Seed %d" % i for i in range(5)])

    def test_limit_zero_is_100_and_minus_one_is_all(self):
        self.assertEqual(len(self.ids("?limit=0")["data"]), 25)
        page = self.ids("?limit=-1")
        self.assertEqual((len(page["data"]), page["next"], page["previous"]), (25, None, None))

    def test_repeated_status_keys_are_ored(self):
        statuses = {r["status"] for r in self.ids("?limit=-1&status=MISSING&status=ERROR")["data"]}
        self.assertEqual(statuses, {"MISSING", "ERROR"})

    def test_bracket_status_works(self):
        page = self.ids("?limit=-1&status[]=ERROR")
        self.assertEqual({r["status"] for r in page["data"]}, {"ERROR"})

    def test_indexed_status_works(self):
        page = self.ids("?limit=-1&status[0]=ERROR&status[1]=MISSING")
        self.assertEqual({r["status"] for r in page["data"]}, {"ERROR", "MISSING"})

    def test_scope_and_unknown_keys_are_ignored(self):
        self.assertEqual(len(self.ids("?limit=-1&scope=PROJECT&projectId=x")["data"]), 25)

    def test_bad_scope_is_400(self):
        self.assertEqual(self.call("GET", "/v1/global-connections?scope=ALL")[0], 400)

    def test_comma_status_is_400(self):
        status, obj = self.call("GET", "/v1/global-connections?status=ACTIVE,ERROR")
        self.assertEqual((status, obj["message"]),
                         (400, 'querystring/status/0 Invalid option: expected one of "ACTIVE"|"MISSING"|"ERROR"'))

    def test_empty_status_is_400(self):
        self.assertEqual(self.call("GET", "/v1/global-connections?status=")[0], 400)
        self.assertEqual(self.call("GET", "/v1/global-connections?status[]=")[0], 400)

    def test_non_number_limit_is_400(self):
        status, obj = self.call("GET", "/v1/global-connections?limit=ten")
        self.assertEqual((status, obj["message"]), (400, "querystring/limit Invalid input: expected number, received NaN"))

    def test_display_name_is_case_insensitive_substring_with_plus_as_space(self):
        page = self.ids("?limit=-1&displayName=sEED+1")
        self.assertEqual(len(page["data"]), 11)  # Seed 1, Seed 10..19

    def test_piece_name_is_exact(self):
        self.assertEqual(self.ids("?pieceName=%40activepieces%2Fpiece-slac")["data"], [])
        self.assertEqual(len(self.ids("?limit=-1&pieceName=%40activepieces%2Fpiece-slack")["data"]), 25)

    def test_malformed_cursor_is_500_and_empty_cursor_is_none(self):
        self.assertEqual(self.call("GET", "/v1/global-connections?cursor=!!!")[0], 500)
        self.assertEqual(self.call("GET", "/v1/global-connections?cursor=" + base64.b64encode(b"next_x").decode())[0], 500)
        self.assertEqual(len(self.ids("?cursor=")["data"]), 10)

    def test_list_items_carry_owner_and_flow_ids(self):
        item = self.ids("?limit=1")["data"][0]
        self.assertEqual((item["owner"]["email"], item["flowIds"]), ("admin@acme.io", []))


class BusyPlatform(ServerTest):
    def setUp(self):
        super().setUp()
        self.app.seed(2)
        self.app.seed_busy(30)

    def page(self, query):
        status, page = self.call("GET", "/v1/global-connections" + query)
        self.assertEqual(status, 200, page)
        return page

    def test_busy_rows_follow_the_small_ones_in_created_order(self):
        rows = self.page("?limit=-1")["data"]
        self.assertEqual(len(rows), 32)
        self.assertEqual([r["displayName"] for r in rows[:2]], ["Seed 0", "Seed 1"])
        self.assertEqual(sorted(r["created"] for r in rows), [r["created"] for r in rows])
        self.assertEqual(len({r["created"] for r in rows}), 32)

    def test_a_busy_row_has_every_field_and_is_large(self):
        item = self.page("?limit=3")["data"][2]
        self.assertEqual(len(item["projectIds"]), ap_server.BUSY_PROJECTS)
        self.assertEqual(len(item["flowIds"]), ap_server.BUSY_FLOWS)
        for ident in item["projectIds"] + item["flowIds"] + [item["owner"]["id"]]:
            self.assertRegex(ident, ap_server.ID_PATTERN)
        self.assertEqual(len(set(item["flowIds"])), ap_server.BUSY_FLOWS)
        self.assertGreater(len(ap_server.compact(item["metadata"])), 300)
        name = item["displayName"]
        self.assertGreater(len(name.encode("utf-8")), 127)
        for ch in ('"', "\\", "\t", "\n", "\u0001", "\U0001F600"):
            self.assertIn(ch, name)
        self.assertTrue(all(v is not None for v in item["owner"].values()), item["owner"])
        self.assertEqual(len(item["owner"]), 12)

    def test_a_busy_row_fits_apconn_defaults(self):
        # 4 KB work buffer and 160 tokens (APCONN_WORK_BUFFER_SIZE / APCONN_TOKEN_COUNT) read one
        def tokens(v):  # jsmn: one token per value and per object key
            if isinstance(v, dict):
                return 1 + sum(1 + tokens(x) for x in v.values())
            return 1 + sum(tokens(x) for x in v) if isinstance(v, list) else 1
        rows = self.page("?limit=-1")["data"][2:]
        self.assertLessEqual(max(tokens(r) for r in rows), 155)
        self.assertLessEqual(max(len(ap_server.compact(r)) for r in rows), 3072)
        self.assertGreater(min(len(ap_server.compact(r)) for r in rows), 2048)

    def test_busy_rows_are_shared_with_known_projects(self):
        item = self.page("?limit=3")["data"][2]
        obj = self.create(projectIds=item["projectIds"], externalId="shared")
        self.assertEqual(obj["projectIds"], item["projectIds"])

    def test_ten_thousand_generated_projects_can_share_one_connection(self):
        self.app.add_projects(10000)
        ids = [ap_server.project_id(i) for i in range(10000)]
        obj = self.create(projectIds=ids)
        self.assertEqual(obj["projectIds"], ids)
        self.assertEqual(self.call("POST", "/api/v1/global-connections",
                                   upsert_body(projectIds=[ap_server.project_id(10000)]))[0], 404)

    def test_enlarge_grows_metadata_and_flow_ids_of_one_row(self):
        self.app.enlarge(3, metadata_bytes=5000, flow_ids=3000)
        rows = self.page("?limit=5")["data"]
        self.assertEqual(len(rows[3]["metadata"]["blob"]), 5000)
        self.assertEqual(len(set(rows[3]["flowIds"])), 3000)
        self.assertEqual(len(rows[4]["flowIds"]), ap_server.BUSY_FLOWS)
        self.assertRaises(IndexError, self.app.enlarge, 32, metadata_bytes=1)


class Log(ServerTest):
    def test_log_records_headers_unredacted_and_one_connection_for_keep_alive(self):
        self.call("GET", "/v1/global-connections")
        self.call("GET", "/v1/global-connections?limit=2")
        lines = self.log_lines()
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0]["conn"], lines[1]["conn"])
        self.assertIn(["Authorization", "Bearer " + KEY], lines[0]["headers"])
        self.assertEqual(lines[1]["query"], "limit=2")


class ChunkedFault(ServerTest):
    faults = (("chunked", None),)

    def test_chunked_fault_sends_a_chunked_body(self):
        status, page = self.call("GET", "/v1/global-connections")
        self.assertEqual((status, page["data"]), (200, []))
        self.assertEqual(self.last.getheader("Transfer-Encoding"), "chunked")


class CloseAfterFault(ServerTest):
    faults = (("close-after", 1),)

    def test_close_after_one_closes_the_connection_after_the_response(self):
        import socket
        sock = socket.create_connection(("127.0.0.1", self.server.server_address[1]), timeout=10)
        sock.sendall(b"GET /v1/global-connections HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     KEY.encode() + b"\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        sock.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertIn(b"Connection: keep-alive", data)  # silent close: the header still says keep-alive


class StallFault(ServerTest):
    faults = (("stall-ms", 400),)

    def test_stall_sends_half_the_body_then_waits(self):
        import socket
        self.app.seed(5)
        sock = socket.create_connection(("127.0.0.1", self.server.server_address[1]), timeout=10)
        sock.sendall(b"GET /v1/global-connections HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     KEY.encode() + b"\r\n\r\n")
        data, t0 = b"", time.monotonic()
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")][0][15:])
        while len(body) < length // 2:
            body += sock.recv(65536)
        first = time.monotonic() - t0
        while len(body) < length:
            body += sock.recv(65536)
        sock.close()
        self.assertLess(first, 0.3)
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)
        self.assertEqual(len(json.loads(body)["data"]), 5)


class BadItemFault(ServerTest):
    faults = (("bad-item", 2),)

    def test_bad_item_breaks_the_nth_item_of_a_page_only(self):
        self.app.seed(3)
        status, page = self.call("GET", "/v1/global-connections")
        self.assertEqual([r["projectIds"] for r in page["data"]], [[P1], 5, [P1]])
        self.assertEqual(self.log_lines()[0]["response"]["data"][1]["projectIds"], [P1])  # the log: as it was
        self.assertEqual(self.create()["projectIds"], [P1])  # not a page: untouched


class MalformedFault(ServerTest):
    faults = (("malformed", None),)

    def test_malformed_fault_truncates_success_json(self):
        self.conn.request("GET", "/v1/global-connections", headers={"Authorization": "Bearer " + KEY})
        text = self.conn.getresponse().read()
        self.assertRaises(ValueError, json.loads, text)


class CommandLine(harness.Case):
    """The server as the tests start it: a subprocess that reports its port."""

    def start(self, *args, read_port=True):
        server = harness.ServerProcess([sys.executable, ap_server.__file__, "--port", "0", "--api-key", KEY] + list(args),
                                       read_port=read_port)
        self.addCleanup(server.stop)
        return server

    def get(self, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/global-connections", headers={"Authorization": "Bearer " + KEY})
        status = conn.getresponse().status
        conn.close()
        return status

    def test_port_zero_prints_the_chosen_port_first(self):
        server = self.start("--seed", "2")
        self.assertEqual(self.get(server.port), 200)

    def test_port_file_receives_the_port(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "port")
            self.start("--port-file", path, read_port=False)
            for _ in range(100):
                if os.path.exists(path):
                    break
                time.sleep(0.05)
            with open(path) as f:
                self.assertEqual(self.get(int(f.read())), 200)

    def test_platform_shape_options(self):
        port = self.start("--seed", "1", "--seed-busy", "3", "--projects", "60", "--big-metadata", "2=4000",
                          "--many-flow-ids", "3=70").port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/global-connections", headers={"Authorization": "Bearer " + KEY})
        rows = json.loads(conn.getresponse().read())["data"]
        conn.close()
        self.assertEqual(len(rows), 4)
        self.assertEqual((rows[0]["flowIds"], len(rows[1]["flowIds"])), ([], ap_server.BUSY_FLOWS))
        self.assertEqual((len(rows[2]["metadata"]["blob"]), len(rows[3]["flowIds"])), (4000, 70))

    def test_enlarging_a_row_that_does_not_exist_is_refused(self):
        for args in (["--seed", "2", "--big-metadata", "2=10"], ["--many-flow-ids", "1=0"],
                     ["--big-metadata", "x=1"]):
            proc = subprocess.run([sys.executable, ap_server.__file__, "--port", "0"] + args, capture_output=True)
            self.assertEqual(proc.returncode, 2, args)

    def test_unknown_fault_is_refused(self):
        proc = subprocess.run([sys.executable, ap_server.__file__, "--fault", "nope"], capture_output=True)
        self.assertEqual(proc.returncode, 2)


def main():
    return harness.run_suite("server_selftest", harness.tests_in(globals()))


if __name__ == "__main__":
    sys.exit(main())
