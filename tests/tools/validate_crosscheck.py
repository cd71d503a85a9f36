#!/usr/bin/env python3
"""Cross-checks apconn_json_validate against a strict reference built on
Python's json module (offline): a seeded corpus of mutated documents goes
through both, and every verdict must agree. Prints
"validate_crosscheck: N passed, N failed" (three corpus-wide properties).

The reference is json.loads made strict: input must be valid UTF-8
(Python's decoder refuses overlongs and surrogates), NaN/Infinity are
refused, strings (keys too) must not hold lone surrogates, and nesting
must stay within APCONN_JSON_MAX_DEPTH (16)."""
import json, random, subprocess, sys

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


def main():
    driver = sys.argv[1]
    rng = random.Random(20261127)
    corpus = list(SEEDS)
    for _ in range(20000):
        corpus.append(mutate(rng, rng.choice(SEEDS)))
    out = subprocess.run([driver], input=''.join(d.hex() + '\n' for d in corpus).encode(), capture_output=True,
                         check=True).stdout.split()
    # Three properties over the whole corpus, each one test: a document
    # counts as evidence, not as a test of its own.
    accepted = sum(1 for doc in corpus if reference(doc))
    wrong_rejects = [d for d, got in zip(corpus, out) if reference(d) and got != b'1']
    wrong_accepts = [d for d, got in zip(corpus, out) if not reference(d) and got == b'1']
    checks = [
        ('every_valid_document_is_accepted', wrong_rejects),
        ('every_invalid_document_is_rejected', wrong_accepts),
        ('driver_answers_every_document', [] if len(out) == len(corpus) else ['%d of %d' % (len(out), len(corpus))]),
    ]
    failed = 0
    for name, bad in checks:
        if bad:
            failed += 1
            print('  FAIL %s: %d documents, first: %r' % (name, len(bad), bad[:3]))
        else:
            print('  ok %s' % name)
    print('  %d documents, %d valid' % (len(corpus), accepted))
    print('validate_crosscheck: %d passed, %d failed' % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
