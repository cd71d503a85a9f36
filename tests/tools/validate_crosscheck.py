#!/usr/bin/env python3
"""Cross-checks apconn_json_validate against a strict reference built on
Python's json module (offline): a seeded corpus of mutated documents goes
through both, and every verdict must agree. Prints
"validate_crosscheck: N passed, N failed" (three corpus-wide properties).

The reference is json.loads made strict: input must be valid UTF-8
(Python's decoder refuses overlongs and surrogates), NaN/Infinity are
refused, strings (keys too) must not hold lone surrogates, and nesting
must stay within APCONN_JSON_MAX_DEPTH (16)."""
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check  # noqa: E402

MAX_DEPTH = 16
SEEDS = [b'{"id":"AbC","n":[1,-0.5e+3,true,false,null],"o":{"a":{}}}', b'[]', b'"\\u00e9\\ud83d\\ude00"',
         b'{"a":"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}', b'[[[[1]]],{"":""}]', b'-12.5E-7', b'{"k":"\\n\\t\\/"}',
         b'{"data":[{"id":"a","owner":{"id":"o","email":"e"},"projectIds":["p","q"],"metadata":{"k":[1]}},'
         b'{"id":"b","type":"OIDC","flowIds":[]}],"next":"n","previous":null}',
         b'{"id":"Ab","displayName":"\\u00e9","status":"ACTIVE","preSelectForNewProjects":true,"owner":null}',
         b'{"code":"ENTITY_NOT_FOUND","params":{"entityType":"AppConnection","entityId":"Ab"}}',
         b'{"statusCode":400,"code":"FST_ERR_VALIDATION","error":"Bad Request","message":"body/ Invalid input"}']
ALPHABET = [bytes([c]) for c in b'{}[],:"\\ \t\n\r0123456789-+.eEtruefalsnl/ux'] + \
    [b'\\u', b'\\uD800', b'\\uDC00', b'\xc3', b'\xa9', b'\xc0\x80', b'\xed\xa0\x80', b'\xf4\x90\x80\x80',
     b'\xf0\x9f\x98\x80', b'\x00', b'\x01', b'\x7f', b'\xff', b'NaN', b'Infinity', b'[' * 17, b']' * 17]


def bad_constant(name):
    raise ValueError(name)


def depth_and_scalars_ok(v):
    stack = [(v, 1)]
    while stack:
        x, d = stack.pop()
        if isinstance(x, (list, dict)):
            if d > MAX_DEPTH:
                return False
            items = list(x.values()) if isinstance(x, dict) else x
            if isinstance(x, dict):
                for k in x:
                    k.encode('utf-8')
            stack.extend((i, d + 1) for i in items)
        elif isinstance(x, str):
            x.encode('utf-8')
    return True


def reference(doc):
    try:
        text = doc.decode('utf-8')
        if text.startswith('\ufeff'):
            return False
        obj, end = json.JSONDecoder(parse_constant=bad_constant).raw_decode(text.lstrip(' \t\n\r'))
        if text.lstrip(' \t\n\r')[end:].strip(' \t\n\r'):
            return False
        if text.strip(' \t\n\r') != text.strip():  # other Unicode whitespace is not JSON whitespace
            return False
        return depth_and_scalars_ok(obj)
    except (ValueError, UnicodeError, RecursionError):
        return False


def mutate(rng, doc):
    for _ in range(rng.randint(1, 3)):
        i = rng.randint(0, len(doc))
        op = rng.random()
        if op < 0.4:
            doc = doc[:i] + rng.choice(ALPHABET) + doc[i:]
        elif op < 0.7 and doc:
            doc = doc[:i] + doc[i + 1:]
        else:
            doc = doc[:i] + rng.choice(ALPHABET) + doc[i + 1:]
    return doc


CORPUS, ANSWERS = [], []


# Three properties over the whole corpus, each one test: a document counts as
# evidence, not as a test of its own.
def test_every_valid_document_is_accepted():
    bad = [d for d, got in zip(CORPUS, ANSWERS) if reference(d) and got != b'1']
    check(bad == [], '%d documents, first: %r' % (len(bad), bad[:3]))


def test_every_invalid_document_is_rejected():
    bad = [d for d, got in zip(CORPUS, ANSWERS) if not reference(d) and got == b'1']
    check(bad == [], '%d documents, first: %r' % (len(bad), bad[:3]))


def test_driver_answers_every_document():
    check(len(ANSWERS) == len(CORPUS), '%d of %d' % (len(ANSWERS), len(CORPUS)))


def main():
    harness.usage(sys.argv, 1, 'VALIDATE_STDIN_BINARY')
    rng = random.Random(20261127)
    CORPUS.extend(SEEDS)
    for _ in range(20000):
        CORPUS.append(mutate(rng, rng.choice(SEEDS)))
    ANSWERS.extend(subprocess.run([sys.argv[1]], input=''.join(d.hex() + '\n' for d in CORPUS).encode(),
                                  capture_output=True, check=True).stdout.split())
    print('  %d documents, %d valid' % (len(CORPUS), sum(1 for doc in CORPUS if reference(doc))))
    return harness.run_suite('validate_crosscheck', harness.tests_in(globals()))


if __name__ == '__main__':
    sys.exit(main())
