#!/usr/bin/env python3
"""libvirt's own parser and formatter for <filter>, <filterbinding> and host <interface>,
called in-process through libvirt.so's private symbols (the nwfilter driver is absent from
the chroot; its XML code lives in libvirt.so). Prints one JSON line per file:
{"file", "ok", "xml" | "error"}; with --stdin, reads one JSON case a line
({"kind", "xml"}) and answers each in order. Run inside libvirt 12.9's chroot."""
import ctypes, json, sys

lib = ctypes.CDLL('libvirt.so.0')
lib.virInitialize()
P = ctypes.c_void_p
lib.virNWFilterDefParse.restype = P
lib.virNWFilterDefParse.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
lib.virNWFilterDefFormat.restype = P
lib.virNWFilterDefFormat.argtypes = [P]
lib.virNWFilterBindingDefParse.restype = P
lib.virNWFilterBindingDefParse.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
lib.virNWFilterBindingDefFormat.restype = P
lib.virNWFilterBindingDefFormat.argtypes = [P]
lib.virInterfaceDefParseString.restype = P
lib.virInterfaceDefParseString.argtypes = [ctypes.c_char_p, ctypes.c_uint]
lib.virInterfaceDefFormat.restype = P
lib.virInterfaceDefFormat.argtypes = [P]
lib.virGetLastErrorMessage.restype = ctypes.c_char_p
lib.virResetLastError.restype = None
libc = ctypes.CDLL('libc.so.6')
libc.free.argtypes = [P]


def roundtrip(kind, xml):
    lib.virResetLastError()
    b = xml.encode()
    if kind == 'filter':
        d = lib.virNWFilterDefParse(b, None, 0)
        fmt = lib.virNWFilterDefFormat
    elif kind == 'filterbinding':
        d = lib.virNWFilterBindingDefParse(b, None, 0)
        fmt = lib.virNWFilterBindingDefFormat
    else:
        d = lib.virInterfaceDefParseString(b, 0)
        fmt = lib.virInterfaceDefFormat
    if not d:
        return {'ok': False, 'error': (lib.virGetLastErrorMessage() or b'').decode()}
    s = fmt(d)
    if not s:
        return {'ok': False, 'error': 'format: ' + (lib.virGetLastErrorMessage() or b'').decode()}
    out = ctypes.string_at(s).decode()
    libc.free(s)
    return {'ok': True, 'xml': out}


def main():
    args = sys.argv[1:]
    if args == ['--stdin']:
        # one JSON case a line: {"kind": "filter"|"filterbinding"|"interface", "xml": "..."}; the answer keeps the line's order
        for line in sys.stdin:
            if not line.strip():
                continue
            c = json.loads(line)
            print(json.dumps(roundtrip(c['kind'], c['xml'])), flush=True)
        return
    kind = None
    if args and args[0].startswith('--kind='):
        kind = args.pop(0)[7:]
    for f in args:
        xml = open(f, encoding='utf-8').read()
        k = kind
        if k is None:
            root = xml.split('<', 2)
            k = 'filterbinding' if '<filterbinding' in xml[:200] else ('filter' if '<filter' in xml[:200] else 'interface')
        r = roundtrip(k, xml)
        r['file'] = f
        print(json.dumps(r), flush=True)


main()
