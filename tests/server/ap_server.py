#!/usr/bin/env python3
"""ap_server.py - an in-memory Activepieces-compatible server for global connections.

It speaks the server contract apconn relies on (README.md, "Server contract": the
four routes under /v1/global-connections and their field names) so that the
apconn CLI and its integration tests run against real sockets and real TLS without
an Activepieces install. Python 3 standard library only.

    python3 tests/server/ap_server.py --port 0 --api-key sk-... [--tls-cert C --tls-key K]

What it implements:
  - the four routes under /v1/global-connections, with or without the /api
    prefix (nginx strips it), trailing slashes ignored;
  - Fastify's order of checks: body parsing -> schema (params,
    body, querystring) -> authentication -> plan -> handler;
  - upsert (POST /v1/global-connections) with externalId matching by project
    containment, update (POST /v1/global-connections/{id}, 500 for an unknown
    id), list (GET, seek pagination with base64-in-base64 `next`/`previous`
    cursors), delete (DELETE /v1/global-connections/{id});
  - Fastify framing: Content-Length, Date, keep-alive, compact JSON.
Deliberate difference: page boundaries are compared at millisecond precision
and created times are strictly increasing, so no row is ever skipped (the real
server compares seconds); tests need determinism.

Test hooks: --log FILE (one JSON line per request, headers NOT redacted, with
the TCP connection number and client port), --fault MODE (see FAULTS).
Platform shapes: --seed N (small rows), --projects N (N more known projects,
project_id(i)), --seed-busy N (rows shaped like a busy platform: an owner with
every field, 50 projectIds, 20 flowIds, ~300 bytes of metadata and a display
name over 127 bytes, both with escapes and astral characters), and
--big-metadata I=BYTES / --many-flow-ids I=N to make seeded row I larger.
"""

import argparse
import base64
import binascii
import json
import os
import re
import secrets
import signal
import socket
import ssl
import string
import sys
import threading
import time
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, unquote_plus

ALNUM = string.ascii_letters + string.digits
ID_PATTERN = "^[0-9a-zA-Z]{21}$"
ID_RE = re.compile(ID_PATTERN)
CONN_TYPES = ("SECRET_TEXT", "BASIC_AUTH", "CUSTOM_AUTH", "OAUTH2", "CLOUD_OAUTH2",
              "PLATFORM_OAUTH2", "OIDC", "NO_AUTH")
STATUSES = ("ACTIVE", "MISSING", "ERROR")
# semver.valid() without the loose option: optional leading "v" or "=".
SEMVER_RE = re.compile(
    r"^[v=]?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
DEFAULT_PROJECTS = ("Kp3Wn8ZrQa1Lm5Tx7Vb2C", "Pr0jectB0000000000000", "Pr0jectC0000000000000")
DEFAULT_PIECES = {"@activepieces/piece-slack": "0.9.1", "@activepieces/piece-github": "0.4.2",
                  "@activepieces/piece-openai": "0.5.0", "@activepieces/piece-http": "0.6.1",
                  "@activepieces/piece-gmail": "0.8.3"}
PLATFORM_ID = "Pl4tF0rmId000000000aa"
OWNER = {"id": "U5er0000000000000000a", "email": "admin@acme.io", "firstName": "Ada",
         "lastName": "Li", "status": "ACTIVE", "platformRole": "ADMIN", "externalId": None,
         "platformId": PLATFORM_ID, "created": "2024-06-01T00:00:00.000Z",
         "updated": "2024-06-01T00:00:00.000Z"}
TOO_SMALL = "Too small: expected string to have >=1 characters"
OVERSIZED_PADDING = 4 << 20  # bytes the "oversized" fault adds: more than the CLI's 1 MiB buffer
BUSY_PROJECTS = 50  # projectIds of a --seed-busy row
BUSY_FLOWS = 20     # flowIds of a --seed-busy row
FAULTS = {
    "chunked": "send every response body with Transfer-Encoding: chunked",
    "close-after=N": "close the TCP connection silently after N responses on it",
    "delay-ms=N": "wait N ms before every response",
    "stall-ms=N": "send the first half of every success body, wait N ms, then the rest",
    "unavailable-first=N": "the first N requests get 503 with Retry-After: 0",
    "malformed": "success responses carry truncated JSON",
    "bad-item=N": "the N-th item (1-based) of every list page has a number as its projectIds",
    "oversized": "success responses carry a ~4 MB body (an unknown member with a long string)",
    "html-502": "every request gets nginx's HTML 502 page",
    "text-plain": "success responses say Content-Type: text/plain",
    "truncate": "Content-Length promises more bytes than are sent, then close",
    "cut": "like truncate, but the TCP connection ends without TLS close_notify",
    "unframed": "no Content-Length: the body ends when the connection closes (with close_notify)",
    "cut-unframed": "no Content-Length, whole body sent, then TCP ends without close_notify",
    "silent": "read the request, never answer",
    "silent-tcp": "accept TCP connections and never speak (not even TLS)",
    "plan-disabled": "every authenticated call gets 402 FEATURE_DISABLED",
    "old-server": "connections lack usingSecretManager and pieceVersion, platformId is null",
}


class Response:
    """One HTTP response: status, JSON-able body or None, and whether to close."""

    def __init__(self, status, body=None, close=False):
        self.status, self.body, self.close = status, body, close


class Reject(Exception):
    """Raised by a check; carries the response that ends the request."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def fastify_error(status, code, message, close=False):
    body = {"statusCode": status}
    if code is not None:
        body["code"] = code
    body["error"] = HTTPStatus(status).phrase
    body["message"] = message
    return Reject(Response(status, body, close))


def ap_error(status, code, params):
    return Reject(Response(status, {"code": code, "params": params}))


def validation_error(issues):
    return fastify_error(400, "FST_ERR_VALIDATION", ", ".join(issues))


def js_type(v):
    """The type name zod prints in 'received ...'."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object" if isinstance(v, dict) else "undefined"


def new_id():
    return "".join(secrets.choice(ALNUM) for _ in range(21))


def project_id(i):
    """The i-th generated project id (--projects, --seed-busy): 21 letters and digits."""
    return "Pj%019d" % i


def flow_id(i):
    return "F1ow%017d" % i


def busy_display_name(i):
    """Over 127 bytes of UTF-8, with every kind of JSON escape and astral characters."""
    name = ('Busy #%04d "Acme" ops\\eu\ttab\nline \u0001 Zürich 東京 \U0001F600\U0001D11E '
            'shared by a busy platform' % i)
    return name + " ." * max(0, (140 - len(name.encode("utf-8"))) // 2)


def busy_metadata(i):
    """Over 300 bytes of compact JSON, with nested values, escapes and astral characters, in
    few tokens: a busy row takes under 160 tokens and 3 KB, so apconn's defaults read it."""
    return {"team": "platform-%d" % (i % 7), "cost_center": "CC-%05d" % i,
            "notes": 'rotated by "ops"\\vault on 2024-06-01;\tescalate\nvia pager \U0001F4DF to the '
                     'on-call owner (ada@acme.io, then grace@acme.io) in eu-west-1/zone-b',
            "tags": ["prod", "tier-%d" % (i % 3), "\u00e9t\u00e9"],
            "limits": {"rpm": 600 + i, "burst": 1.5e3, "enabled": i % 2 == 0, "fallback": None}, "rev": i}


def busy_owner(i, ms):
    """An owner with every field set (a UserWithMetaInformation: a list item's `owner`)."""
    return {"id": "U5erBusy%013d" % i, "email": "owner.%d+ops@acme.io" % i, "firstName": "Ådä \"Q\"",
            "lastName": "Lovelace-%d" % i, "status": ("ACTIVE", "INACTIVE")[i % 2],
            "platformRole": ("ADMIN", "MEMBER", "OPERATOR")[i % 3], "externalId": "ext-owner-%d" % i,
            "platformId": PLATFORM_ID, "lastActiveDate": iso_ms(ms), "imageUrl":
            "https://cdn.acme.io/u/%d.png?size=128&v=2" % i, "created": iso_ms(ms - 86400000),
            "updated": iso_ms(ms)}


def iso_ms(epoch_ms):
    dt = datetime.fromtimestamp(epoch_ms / 1000.0, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (epoch_ms % 1000)


# ---- upsert body: a union of 8 variants, one per `type` ---------------------
# Field kinds: "str1" string min 1, "str" any string, "obj" object, tuple = enum.
AUTH_METHODS = ("HEADER", "BODY")
OAUTH_OPTIONAL = {"code_challenge": "str", "authorization_method": AUTH_METHODS, "props": "obj"}
VALUE_SCHEMAS = {
    "SECRET_TEXT": ({"secret_text": "str1"}, {}),
    "BASIC_AUTH": ({"username": "str1", "password": "str1"}, {}),
    "CUSTOM_AUTH": ({"props": "obj"}, {}),
    "OIDC": ({"props": "obj"}, {}),
    "NO_AUTH": ({}, {}),
    "OAUTH2": ({"client_id": "str1", "client_secret": "str1", "code": "str1", "redirect_url": "str1",
                "scope": "str"},
               dict(OAUTH_OPTIONAL, grant_type=("authorization_code", "client_credentials"))),
    "CLOUD_OAUTH2": ({"client_id": "str1", "code": "str1", "scope": "str"}, OAUTH_OPTIONAL),
    "PLATFORM_OAUTH2": ({"client_id": "str1", "code": "str1", "scope": "str", "redirect_url": "str1"},
                        OAUTH_OPTIONAL),
}


def kind_ok(kind, v):
    """Structural check only (type / enum); min-length is reported separately."""
    if isinstance(kind, tuple):
        return isinstance(v, str) and v in kind
    if kind in ("str", "str1"):
        return isinstance(v, str)
    if kind == "obj":
        return isinstance(v, dict)
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "strlist":
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    raise AssertionError(kind)


UPSERT_REQUIRED = {"displayName": "str", "pieceName": "str", "projectIds": "strlist"}
UPSERT_OPTIONAL = {"externalId": "str", "metadata": "obj", "pieceVersion": "str",
                   "preSelectForNewProjects": "bool"}


def fields_ok(obj, required, optional):
    for name, kind in required.items():
        if name not in obj or not kind_ok(kind, obj[name]):
            return False
    return all(kind_ok(kind, obj[name]) for name, kind in optional.items() if name in obj)


def validate_upsert(body):
    """zod union semantics: a variant that fails structurally is 'aborted'; when every
    variant aborts the message is only 'body/ Invalid input' (Fastify's error body). When the one
    matching variant has only min-length issues, those are reported with their path."""
    invalid = validation_error(["body/ Invalid input"])
    if not isinstance(body, dict) or body.get("type") not in VALUE_SCHEMAS:
        raise invalid
    ctype = body["type"]
    value = body.get("value")
    if not fields_ok(body, UPSERT_REQUIRED, UPSERT_OPTIONAL) or body.get("scope") != "PLATFORM":
        raise invalid
    if not isinstance(value, dict) or value.get("type") != ctype:
        raise invalid
    required, optional = VALUE_SCHEMAS[ctype]
    if not fields_ok(value, required, optional):
        raise invalid
    short = ["body/value/%s %s" % (n, TOO_SMALL) for n, k in required.items() if k == "str1" and value[n] == ""]
    if short:
        raise validation_error(short)


def validate_update(body):
    """The update body is a plain object schema: every issue is listed with its path."""
    if not isinstance(body, dict):
        raise validation_error(["body/ Invalid input: expected object, received %s" % js_type(body)])
    issues = []
    name = body.get("displayName")
    if not isinstance(name, str):
        issues.append("body/displayName Invalid input: expected string, received %s"
                      % ("undefined" if "displayName" not in body else js_type(name)))
    elif name == "":
        issues.append("body/displayName " + TOO_SMALL)
    if "projectIds" in body:
        ids = body["projectIds"]
        if not isinstance(ids, list):
            issues.append("body/projectIds Invalid input: expected array, received %s" % js_type(ids))
        else:
            issues += ["body/projectIds/%d Invalid input: expected string, received %s" % (i, js_type(x))
                       for i, x in enumerate(ids) if not isinstance(x, str)]
    if "metadata" in body and not isinstance(body["metadata"], dict):
        issues.append("body/metadata Invalid input: expected record, received %s" % js_type(body["metadata"]))
    if "preSelectForNewProjects" in body and not isinstance(body["preSelectForNewProjects"], bool):
        issues.append("body/preSelectForNewProjects Invalid input: expected boolean, received %s"
                      % js_type(body["preSelectForNewProjects"]))
    if issues:
        raise validation_error(issues)


# ---- list query strings: qs.parse with default options ------------------
QS_BRACKET = re.compile(r"^([^\[\]]+)\[(\d*)\]$")
QS_ARRAY_LIMIT = 20  # qs turns indices above this into object keys


def parse_query(raw):
    out = {}
    for part in raw.split("&"):
        if not part:
            continue
        key, _, val = part.partition("=")
        key, val = unquote_plus(key), unquote_plus(val)
        m = QS_BRACKET.match(key)
        if m and m.group(2) and int(m.group(2)) > QS_ARRAY_LIMIT:
            obj = out.get(m.group(1))
            out[m.group(1)] = dict(obj) if isinstance(obj, dict) else {}
            out[m.group(1)][m.group(2)] = val
            continue
        base = m.group(1) if m else key
        old = out.get(base)
        if old is None:
            out[base] = [val] if m else val
        elif isinstance(old, list):
            old.append(val)
        elif isinstance(old, str):
            out[base] = [old, val]
    return out


JS_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def js_number(v):
    """Number(v) as z.coerce.number() does it; None for NaN."""
    if not isinstance(v, str):
        return None
    s = v.strip()
    if s == "":
        return 0
    if JS_NUMBER.match(s):
        return float(s)
    if re.match(r"^0[xX][0-9a-fA-F]+$", s):
        return float(int(s, 16))
    return None


def validate_list_query(q):
    issues = []
    for name in ("pieceName", "displayName"):
        if name in q and not isinstance(q[name], str):
            issues.append("querystring/%s Invalid input: expected string, received %s" % (name, js_type(q[name])))
    if "status" in q:
        st = q["status"]
        st = [st] if isinstance(st, str) else st
        if isinstance(st, dict):
            issues.append("querystring/status Invalid input: expected array, received object")
        else:
            issues += ['querystring/status/%d Invalid option: expected one of "ACTIVE"|"MISSING"|"ERROR"' % i
                       for i, s in enumerate(st) if s not in STATUSES]
    if "scope" in q and q["scope"] not in ("PROJECT", "PLATFORM"):
        issues.append('querystring/scope Invalid option: expected one of "PROJECT"|"PLATFORM"')
    if "cursor" in q and not isinstance(q["cursor"], str):
        issues.append("querystring/cursor Invalid input: expected string, received %s" % js_type(q["cursor"]))
    if "limit" in q and js_number(q["limit"]) is None:
        issues.append("querystring/limit Invalid input: expected number, received NaN")
    if issues:
        raise validation_error(issues)


# ---- cursors: base64("next_"|"prev_" + base64("created:<epoch-ms>")) ---------
def encode_cursor(direction, created_ms):
    inner = base64.b64encode(("created:%d" % created_ms).encode()).decode()
    return base64.b64encode((direction + "_" + inner).encode()).decode()


def decode_cursor(cursor):
    """(direction, epoch-ms); raises a plain 500 like the server's paginator."""
    bad = fastify_error(500, None, "Invalid cursor")
    try:
        outer = base64.b64decode(cursor, validate=True).decode("ascii")
        direction, _, inner = outer.partition("_")
        marker = base64.b64decode(inner, validate=True).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    m = re.match(r"^created:(\d{1,15})$", marker)
    if direction not in ("next", "prev") or not m:
        raise bad
    return direction, int(m.group(1))


def seek_page(rows, limit, cursor):
    """TypeORM-style seek pagination on `created` ascending (`cursor`, `next`, `previous`)."""
    if limit < 0:
        return rows, None, None
    limit = 100 if limit == 0 else limit
    if not cursor:
        page = rows[:limit]
        nxt = encode_cursor("next", page[-1]["_ms"]) if len(rows) > limit else None
        return page, nxt, None
    direction, ms = decode_cursor(cursor)
    if direction == "next":
        after = [r for r in rows if r["_ms"] > ms]
        page = after[:limit]
        nxt = encode_cursor("next", page[-1]["_ms"]) if len(after) > limit else None
        prev = encode_cursor("prev", page[0]["_ms"]) if page else None
        return page, nxt, prev
    before = [r for r in rows if r["_ms"] < ms]
    page = before[-limit:]
    prev = encode_cursor("prev", page[0]["_ms"]) if len(before) > limit else None
    nxt = encode_cursor("next", page[-1]["_ms"]) if page else None
    return page, nxt, prev


# ---- the application: routes, checks, store ----------------------------------
class App:
    def __init__(self, api_keys=(), projects=DEFAULT_PROJECTS, pieces=None, prefix="/api",
                 plan_enabled=True):
        self.api_keys = set(api_keys)
        self.projects = set(projects)
        self.pieces = dict(DEFAULT_PIECES if pieces is None else pieces)
        self.prefix = prefix.rstrip("/")
        self.plan_enabled = plan_enabled
        self.rows = []  # insertion order == created order
        self.lock = threading.Lock()
        self.last_ms = 0

    # time: strictly increasing created/updated values, in epoch ms
    def now_ms(self):
        ms = max(int(time.time() * 1000), self.last_ms + 1)
        self.last_ms = ms
        return ms

    def handle(self, method, path, query, headers, body):
        """headers: dict with lower-case names; body: bytes (b"" when none)."""
        try:
            with self.lock:
                return self.dispatch(method, path, query, headers, body)
        except Reject as r:
            return r.response

    def route(self, method, path):
        p = path
        if self.prefix and (p == self.prefix or p.startswith(self.prefix + "/")):
            p = p[len(self.prefix):]
        p = p.rstrip("/")
        if p == "/v1/global-connections":
            return {"POST": ("upsert", None), "GET": ("list", None)}.get(method)
        m = re.match(r"^/v1/global-connections/([^/]+)$", p)
        if m:
            handler = {"POST": "update", "DELETE": "delete"}.get(method)
            return (handler, unquote(m.group(1))) if handler else None
        return None

    def dispatch(self, method, path, query, headers, body):
        found = self.route(method, path)
        if not found:
            raise fastify_error(404, None, "Route not found")
        name, ident = found
        parsed = parse_body(method, headers, body)
        if ident is not None and not ID_RE.match(ident):
            raise validation_error(["params/id Invalid string: must match pattern /%s/" % ID_PATTERN])
        q = parse_query(query)
        if name == "upsert":
            validate_upsert(parsed)
        elif name == "update":
            validate_update(parsed)
        elif name == "list":
            validate_list_query(q)
        self.authenticate(headers.get("authorization"))
        if not self.plan_enabled:
            raise ap_error(402, "FEATURE_DISABLED", {"message": "Feature is disabled"})
        return getattr(self, name)(ident, parsed, q)

    def authenticate(self, header):
        if header is None:
            raise ap_error(403, "AUTHORIZATION", {"message": "principal is not allowed for this route"})
        token = header[7:] if header.startswith("Bearer ") else ""
        if token.startswith("sk-"):
            if token not in self.api_keys:
                raise ap_error(401, "AUTHENTICATION", {"message": "invalid api key"})
            return
        raise ap_error(401, "INVALID_BEARER_TOKEN", {"message": "invalid access token or session expired"})

    def check_projects(self, ids):
        # The server compares a count, so a duplicate id fails like an unknown one.
        if len(set(ids)) != len(ids) or not set(ids) <= self.projects:
            raise ap_error(404, "ENTITY_NOT_FOUND", {"entityType": "Project"})

    def upsert(self, _ident, b, _q):
        self.check_projects(b["projectIds"])
        version = b.get("pieceVersion")
        if version is not None and not SEMVER_RE.match(version):
            raise ap_error(409, "VALIDATION", {"message": "Invalid piece version"})
        if b["pieceName"] not in self.pieces:
            raise ap_error(404, "ENTITY_NOT_FOUND", {"message": "piece_metadata_not_found name=%s version=%s"
                                                     % (b["pieceName"], "undefined" if version is None else version)})
        ext = b.get("externalId")
        ms = self.now_ms()
        row = None
        if ext is not None:
            row = next((r for r in self.rows
                        if r["externalId"] == ext and set(b["projectIds"]) <= set(r["projectIds"])), None)
        if row is None:
            row = {"id": new_id(), "_ms": ms, "created": iso_ms(ms), "externalId": ext or new_id(),
                   "metadata": b.get("metadata"),
                   "pieceVersion": (version or self.pieces[b["pieceName"]]).lstrip("v="),
                   "preSelectForNewProjects": b.get("preSelectForNewProjects", False)}
            self.rows.append(row)
        # In place: exactly these fields (an upsert that matches by externalId).
        row.update({"updated": iso_ms(ms), "displayName": b["displayName"], "type": b["type"],
                    "pieceName": b["pieceName"], "projectIds": list(b["projectIds"]),
                    "ownerId": OWNER["id"], "status": "ACTIVE", "_value": b["value"]})
        return Response(201, public_connection(row, False))

    def update(self, ident, b, _q):
        if "projectIds" in b:
            self.check_projects(b["projectIds"])
        row = self.find(ident)
        if row is None:
            raise fastify_error(500, None, 'Could not find any entity of type "AppConnection" matching: '
                                '{"id":"%s","platformId":"%s","scope":"PLATFORM"}' % (ident, PLATFORM_ID))
        row["displayName"] = b["displayName"]
        for key in ("projectIds", "metadata", "preSelectForNewProjects"):
            if key in b:
                row[key] = b[key]
        row["updated"] = iso_ms(self.now_ms())
        return Response(200, public_connection(row, False))

    def list(self, _ident, _b, q):
        rows = self.rows
        if "pieceName" in q:
            rows = [r for r in rows if r["pieceName"] == q["pieceName"]]
        if q.get("displayName"):
            needle = q["displayName"].lower()
            rows = [r for r in rows if needle in r["displayName"].lower()]
        if "status" in q:
            wanted = [q["status"]] if isinstance(q["status"], str) else q["status"]
            rows = [r for r in rows if r["status"] in wanted]
        limit = int(js_number(q["limit"])) if "limit" in q else 10
        page, nxt, prev = seek_page(rows, limit, q.get("cursor"))
        return Response(200, {"data": [public_connection(r, True) for r in page], "next": nxt, "previous": prev})

    def delete(self, ident, _b, _q):
        row = self.find(ident)
        if row is None:
            raise ap_error(404, "ENTITY_NOT_FOUND", {"entityType": "AppConnection", "entityId": ident})
        self.rows.remove(row)
        return Response(204)

    def find(self, ident):
        return next((r for r in self.rows if r["id"] == ident), None)

    def add_projects(self, count):
        """count more known projects: project_id(0) .. project_id(count - 1)."""
        self.projects.update(project_id(i) for i in range(count))

    def seed_busy(self, count):
        """Rows shaped like a busy platform, created one second apart after any earlier row.
        Row i is shared with the BUSY_PROJECTS projects from project_id(i) on (made known
        here), used by BUSY_FLOWS flows, and has an owner of its own."""
        self.add_projects(count + BUSY_PROJECTS)
        base = max(self.last_ms, 1735787045000 - 1000) + 1000
        for i in range(count):
            ms = base + i * 1000
            self.last_ms = max(self.last_ms, ms)
            self.rows.append({"id": new_id(), "_ms": ms, "created": iso_ms(ms), "updated": iso_ms(ms + 7),
                              "externalId": "busy_%d" % i, "displayName": busy_display_name(i),
                              "type": CONN_TYPES[i % len(CONN_TYPES)], "pieceName": "@activepieces/piece-github",
                              "projectIds": [project_id(i + j) for j in range(BUSY_PROJECTS)],
                              "ownerId": "U5erBusy%013d" % i, "status": STATUSES[i % 3],
                              "metadata": busy_metadata(i), "pieceVersion": "0.4.%d" % (i % 10),
                              "preSelectForNewProjects": i % 2 == 1,
                              "flowIds": [flow_id(i * BUSY_FLOWS + j) for j in range(BUSY_FLOWS)],
                              "_owner": busy_owner(i, ms), "_value": {"type": "NO_AUTH"}})

    def enlarge(self, index, metadata_bytes=0, flow_ids=0):
        """Makes row `index` (0 = oldest) larger: metadata with a string of metadata_bytes
        bytes, and/or flow_ids flowIds. Raises IndexError when there is no such row."""
        row = self.rows[index]
        if metadata_bytes:
            row["metadata"] = {"blob": "x" * metadata_bytes}
        if flow_ids:
            row["flowIds"] = [flow_id(1000000000 + j) for j in range(flow_ids)]

    def seed(self, count):
        """Rows for list tests, one second apart, statuses cycling ACTIVE/MISSING/ERROR."""
        base = 1735787045000
        for i in range(count):
            ms = base + i * 1000
            self.last_ms = max(self.last_ms, ms)
            self.rows.append({"id": new_id(), "_ms": ms, "created": iso_ms(ms), "updated": iso_ms(ms),
                              "externalId": "seed_%d" % i, "displayName": "Seed %d" % i, "type": "SECRET_TEXT",
                              "pieceName": "@activepieces/piece-slack", "projectIds": [DEFAULT_PROJECTS[0]],
                              "ownerId": OWNER["id"], "status": STATUSES[i % 3], "metadata": None,
                              "pieceVersion": "0.9.1", "preSelectForNewProjects": False,
                              "_value": {"type": "SECRET_TEXT", "secret_text": "seed"}})


def public_connection(row, listed):
    """AppConnectionWithoutSensitiveData (a list item, an upsert or update answer): never the value."""
    out = {"id": row["id"], "created": row["created"], "updated": row["updated"],
           "externalId": row["externalId"], "displayName": row["displayName"], "type": row["type"],
           "pieceName": row["pieceName"], "projectIds": row["projectIds"], "platformId": PLATFORM_ID,
           "scope": "PLATFORM", "status": row["status"], "ownerId": row["ownerId"]}
    if listed:
        out["owner"] = row.get("_owner", OWNER)
    out["metadata"] = row["metadata"]
    if listed:
        out["flowIds"] = row.get("flowIds", [])
    out.update({"pieceVersion": row["pieceVersion"], "preSelectForNewProjects": row["preSelectForNewProjects"],
                "usingSecretManager": False})
    return out


def old_server_shape(obj):
    """An older server's serializer: fields missing, platformId null."""
    def one(conn):
        out = {k: v for k, v in conn.items() if k not in ("usingSecretManager", "pieceVersion")}
        if "platformId" in out:
            out["platformId"] = None
        return out
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        return dict(obj, data=[one(c) for c in obj["data"]])
    return one(obj) if isinstance(obj, dict) and "id" in obj else obj


def is_json_type(content_type):
    return content_type.split(";")[0].strip().lower() == "application/json"


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def parse_body(method, headers, body):
    """Fastify's content-type parsing; returns the parsed body or None."""
    ctype = headers.get("content-type")
    if ctype is not None and is_json_type(ctype):
        if body == b"":
            raise fastify_error(400, "FST_ERR_CTP_EMPTY_JSON_BODY",
                                "Body cannot be empty when content-type is set to 'application/json'", close=True)
        try:
            return json.loads(body.decode("utf-8"), parse_constant=reject_constant)
        except (ValueError, UnicodeDecodeError):
            raise fastify_error(400, "FST_ERR_CTP_INVALID_JSON_BODY",
                                "Body is not valid JSON but content-type is set to 'application/json'",
                                close=True) from None
    if body != b"" or (ctype is not None and method == "POST"):
        raise fastify_error(415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type")
    return None


# ---- HTTP plumbing ------------------------------------------------------------
def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 72  # Fastify's keepAliveTimeout, in seconds

    def setup(self):
        super().setup()
        self.conn_id = self.server.next_connection_id()
        self.served = 0

    def log_message(self, fmt, *args):  # quiet; the JSON log says everything
        if self.server.verbose:
            sys.stderr.write("ap_server: " + (fmt % args) + "\n")

    def do_any(self):
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        body, too_large = self.read_body(headers)
        if too_large:
            resp = Response(413, {"statusCode": 413, "code": "FST_ERR_CTP_BODY_TOO_LARGE",
                                  "error": "Payload Too Large", "message": "Request body is too large"}, True)
        elif self.server.has_fault("html-502"):
            resp = Response(502)
        elif self.server.count_request() <= (self.server.fault_arg("unavailable-first") or 0):
            resp = Response(503, {"statusCode": 503, "error": "Service Unavailable", "message": "try again"})
        else:
            resp = self.server.app.handle(self.command, path, query, headers, body)
            if self.server.has_fault("old-server"):
                resp.body = old_server_shape(resp.body)
        self.server.log_request_line(self, path, query, body, resp)
        if self.server.has_fault("silent"):
            self.wait_for_close()
            return
        if self.server.has_fault("delay-ms"):
            time.sleep(self.server.fault_arg("delay-ms") / 1000.0)
        self.send(resp)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = do_any

    def read_body(self, headers):
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self.read_chunked(), False
        length = int(headers.get("content-length", "0") or "0")
        if length > self.server.body_limit:
            self.close_connection = True
            return b"", True
        return self.rfile.read(length) if length > 0 else b"", False

    def read_chunked(self):
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def wait_for_close(self):
        self.close_connection = True
        try:
            while self.connection.recv(4096):
                pass
        except OSError:
            pass

    def payload(self, resp):
        """(content type, body bytes) after fault modes; (None, b"") for 204."""
        if resp.status == 502:
            return "text/html", NGINX_502
        if resp.body is None:
            return None, b""
        body = compact(resp.body)
        ctype = "application/json; charset=utf-8"

        bad = self.server.fault_arg("bad-item")
        if resp.status < 300 and bad and isinstance(resp.body, dict) and len(resp.body.get("data") or ()) >= bad:
            data = list(resp.body["data"])
            data[bad - 1] = dict(data[bad - 1], projectIds=5)
            body = compact(dict(resp.body, data=data))
        if resp.status < 300 and self.server.has_fault("malformed"):
            body = body[: max(1, len(body) // 2)]
        if resp.status < 300 and self.server.has_fault("oversized"):
            body = compact(dict(resp.body, padding="x" * OVERSIZED_PADDING))
        if resp.status < 300 and self.server.has_fault("text-plain"):
            ctype = "text/plain; charset=utf-8"
        return ctype, body

    def send(self, resp):
        self.served += 1
        ctype, body = self.payload(resp)
        chunked = self.server.has_fault("chunked") and body
        cut = (self.server.has_fault("cut") or self.server.has_fault("cut-unframed")) and body
        truncate = (self.server.has_fault("truncate") or self.server.has_fault("cut")) and body
        unframed = (self.server.has_fault("unframed") or self.server.has_fault("cut-unframed")) and body
        close_after = self.server.fault_arg("close-after")
        close = resp.close or truncate or unframed or self.close_connection
        self.send_response_only(resp.status)
        if ctype:
            self.send_header("Content-Type", ctype)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif not unframed:
                self.send_header("Content-Length", str(len(body) + (10 if truncate else 0)))
        self.send_header("Date", self.date_time_string())
        if resp.status == 503:
            self.send_header("Retry-After", "0")
        self.send_header("Connection", "close" if close else "keep-alive")
        if not close:
            self.send_header("Keep-Alive", "timeout=72")
        self.end_headers()
        if chunked:
            body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 16]), body[i:i + 16])
                            for i in range(0, len(body), 16)) + b"0\r\n\r\n"
        stall = self.server.fault_arg("stall-ms") if resp.status < 300 else None
        if stall:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(stall / 1000.0)
            body = body[len(body) // 2:]
        self.wfile.write(body)
        self.wfile.flush()
        if cut:
            # SSLSocket.shutdown ends TCP without close_notify (unwrap would send it):
            # what an attacker who cuts the connection produces (RFC 8446 section 6.1).
            self.connection.shutdown(socket.SHUT_RDWR)
        if close or (close_after is not None and self.served >= close_after):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, app, tls_context=None, log_path=None, faults=(), body_limit=25 << 20,
                 verbose=False):
        self.app, self.tls_context, self.faults = app, tls_context, dict(faults)
        self.body_limit, self.verbose = body_limit, verbose
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None
        self.counter_lock = threading.Lock()
        self.connections = 0
        self.requests = 0
        super().__init__(addr, Handler)

    def has_fault(self, name):
        return name in self.faults

    def fault_arg(self, name):
        return self.faults.get(name)

    def count_request(self):
        with self.counter_lock:
            self.requests += 1
            return self.requests

    def next_connection_id(self):
        with self.counter_lock:
            self.connections += 1
            return self.connections

    def finish_request(self, request, client_address):
        # Runs in the per-connection thread, so a slow TLS handshake blocks nobody.
        if self.has_fault("silent-tcp"):
            hold_silently(request)
            return
        if self.tls_context is not None:
            request.settimeout(10)
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                if self.verbose:
                    sys.stderr.write("ap_server: TLS handshake failed: %s\n" % e)
                return
            request.settimeout(None)
        try:
            super().finish_request(request, client_address)
        finally:
            if self.tls_context is not None:
                close_tls(request)

    def log_request_line(self, handler, path, query, body, resp):
        if self.log_file is None:
            return
        entry = {"conn": handler.conn_id, "client_port": handler.client_address[1],
                 "method": handler.command, "path": path, "query": query,
                 "headers": [[k, v] for k, v in handler.headers.items()],
                 "body": body.decode("utf-8", "replace"), "status": resp.status, "response": resp.body}
        with self.counter_lock:
            self.log_file.write(json.dumps(entry) + "\n")
            self.log_file.flush()


def close_tls(sock):
    """Close TLS in order (close_notify, RFC 8446 section 6.1) as Node and nginx do, so a
    client sees EOF, not a cut connection, when this server closes."""
    try:
        sock.settimeout(1)
        sock = sock.unwrap()
    except (ssl.SSLError, OSError, ValueError):
        pass
    sock.close()


def hold_silently(sock):
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass


def parse_fault(text):
    name, _, arg = text.partition("=")
    if name in ("bad-item", "close-after", "delay-ms", "stall-ms", "unavailable-first"):
        if not arg.isdigit() or int(arg) < 1:
            raise argparse.ArgumentTypeError("%s needs =N with N >= 1" % name)
        return name, int(arg)
    if name not in FAULTS:
        raise argparse.ArgumentTypeError("unknown fault %r (known: %s)" % (text, ", ".join(FAULTS)))
    return name, None


def index_arg(text):
    """I=N with I >= 0 and N >= 1."""
    index, _, value = text.partition("=")
    if not index.isdigit() or not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError("needs I=N (I >= 0, N >= 1)")
    return int(index), int(value)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="faults: " + "; ".join("%s: %s" % kv for kv in FAULTS.items()))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the port here instead of stdout")
    ap.add_argument("--prefix", default="/api", help="path prefix also accepted (nginx strips it)")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--api-key", action="append", default=[])
    ap.add_argument("--project", action="append", help="known project id (repeatable)")
    ap.add_argument("--piece", action="append", help="known piece name (repeatable; adds to defaults)")
    ap.add_argument("--seed", type=int, default=0, help="pre-create N connections")
    ap.add_argument("--projects", type=int, default=0, help="N more known projects: project_id(0..N-1)")
    ap.add_argument("--seed-busy", type=int, default=0,
                    help="then pre-create N connections shaped like a busy platform (see seed_busy)")
    ap.add_argument("--big-metadata", action="append", default=[], type=index_arg,
                    help="I=BYTES: seeded row I gets metadata holding a string of BYTES bytes")
    ap.add_argument("--many-flow-ids", action="append", default=[], type=index_arg,
                    help="I=N: seeded row I gets N flowIds")
    ap.add_argument("--log", help="append one JSON line per request")
    ap.add_argument("--fault", action="append", default=[], type=parse_fault)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    pieces = dict(DEFAULT_PIECES, **{p: "0.1.0" for p in args.piece or ()})
    faults = dict(args.fault)
    app = App(args.api_key, args.project or DEFAULT_PROJECTS, pieces, args.prefix,
              plan_enabled="plan-disabled" not in faults)
    app.seed(args.seed)
    app.seed_busy(args.seed_busy)
    app.add_projects(args.projects)
    try:
        for index, size in args.big_metadata:
            app.enlarge(index, metadata_bytes=size)
        for index, count in args.many_flow_ids:
            app.enlarge(index, flow_ids=count)
    except IndexError:
        ap.error("--big-metadata / --many-flow-ids: no seeded row with that index")
    ctx = None
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
    server = Server((args.host, args.port), app, ctx, args.log, faults.items(), verbose=args.verbose)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    else:
        print(port, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever(poll_interval=0.1)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
