#!/usr/bin/env python3
"""Reads GCC's -fcallgraph-info=su output (.ci files) for apconn's objects.

  callgraph.py --check-no-recursion FILE.ci...   fails on any call cycle or
                                                 dynamic (VLA/alloca) frame
  callgraph.py --stack-report FILE.ci...         worst-case stack of every
                                                 public apconn_ function

Build the .ci at -O0 for the recursion check (inlining and tail calls can hide
a cycle at -O2); build it with the real flags (-Os) for the stack report.
Indirect calls (the transport callbacks, log hook) are not followed: their
stack belongs to the platform layer and is reported as "+ callbacks".
"""
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def load(paths):
    frames, kinds, edges = {}, {}, {}
    for path in paths:
        with open(path) as f:
            for line in f:
                m = NODE.search(line)
                if m:
                    title, label = m.groups()
                    sm = re.search(r'\\n(\d+) bytes \(([\w,]+)\)', label)
                    if sm:
                        frames[title] = int(sm.group(1))
                        kinds[title] = sm.group(2)
                    continue
                m = EDGE.search(line)
                if m:
                    edges.setdefault(m.group(1), set()).add(m.group(2))
    return frames, kinds, edges


def short(name):
    return name.split(':')[-1]


def find_cycle(edges):
    """Iterative DFS with colours; returns one cycle as a list, or None."""
    colour = {}
    for root in list(edges):
        if colour.get(root):
            continue
        stack = [(root, iter(sorted(edges.get(root, ()))))]
        path = [root]
        colour[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
                continue
            c = colour.get(nxt, 0)
            if c == 1:
                return path[path.index(nxt):] + [nxt]
            if c == 0:
                colour[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
    return None


def worst_all(frames, edges):
    """Deepest frame sum below every function (the graph is acyclic: checked
    first). Iterative post-order, so a deep call graph cannot recurse here."""
    memo = {}
    for root in frames:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node in memo:
                continue
            kids = edges.get(node, ())
            if expanded:
                memo[node] = (frames.get(node, 0) + max((memo[c][0] for c in kids), default=0),
                              '__indirect_call' in kids or any(memo[c][1] for c in kids))
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in kids if c not in memo)
    return memo


def main():
    mode, paths = sys.argv[1], sys.argv[2:]
    frames, kinds, edges = load(paths)
    cycle = find_cycle(edges)
    # "dynamic" alone is a VLA or alloca; "dynamic,bounded" is a bounded
    # adjustment such as arguments pushed for a call with many parameters.
    dynamic = sorted(short(n) for n, k in kinds.items() if k == 'dynamic')
    if mode == '--check-no-recursion':
        ok = True
        if cycle:
            print('recursion: ' + ' -> '.join(short(n) for n in cycle))
            ok = False
        if dynamic:
            print('dynamic stack frames (VLA/alloca): ' + ', '.join(dynamic))
            ok = False
        print('no recursion, no dynamic frames: %d functions checked' % len(frames) if ok else 'FAILED')
        return 0 if ok else 1
    if cycle:
        print('cannot bound the stack: recursion ' + ' -> '.join(short(n) for n in cycle))
        return 1
    memo = worst_all(frames, edges)
    rows = [(memo[fn][0], fn, memo[fn][1]) for fn in frames
            if fn.startswith('apconn_') and ':' not in fn]
    print('%-34s %8s' % ('worst-case stack (bytes)', ''))
    for depth, fn, indirect in sorted(rows, reverse=True):
        print('%-34s %8d%s' % (fn, depth, '  + callbacks' if indirect else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
