#!/usr/bin/env python3
"""Generates apiserver/protobuf/tables/*.ts from a kubectl binary.

    python3 apiserver/protobuf/gen/gen_tables.py /path/to/kubectl apiserver/protobuf/tables

Why a binary: a Go program carries, for the runtime's reflection, every struct's fields in
declaration order with their Go types (pointer or not) and struct tags (json name, omitempty),
which is what encoding/json uses; and gogo-generated packages register their protobuf file
descriptors (gzipped FileDescriptorProto), which give the real field numbers and scalar kinds.
(The `protobuf:"..."` struct tags are not reliable for wire types: DeleteOptions.propagationPolicy
says varint and is a string.) kubectl links k8s.io/api and apimachinery, so one binary gives both
halves for exactly the versions that kubectl speaks. The generator joins them by Go type name ==
protobuf message name and proto field name == the tag's name=, and fails loudly on any mismatch:
a proto field without a Go field, a Go field without a proto field, a Go type that disagrees with
the proto type.

Standard library only; reads linux/amd64 Go 1.2x ELF binaries (abi.Type layout of Go 1.21-1.23).
"""
import json
import re
import struct
import subprocess
import sys
import zlib

# Which kinds to cover: module -> (Go package, apiVersion, root kinds). A module's messages are the
# closure of its roots within the package; references to other packages must be modules too.
MODULES = {
    'meta': ('k8s.io/apimachinery/pkg/apis/meta/v1', '*', ['DeleteOptions']),
    'core': ('k8s.io/api/core/v1', 'v1', [
        'Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Pod', 'PodTemplate',
        'ReplicationController', 'Endpoints', 'Event', 'Node', 'Binding', 'PersistentVolumeClaim',
        'PersistentVolume', 'ResourceQuota', 'LimitRange']),
    'apps': ('k8s.io/api/apps/v1', 'apps/v1', ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision']),
    'batch': ('k8s.io/api/batch/v1', 'batch/v1', ['Job', 'CronJob']),
    'coordination': ('k8s.io/api/coordination/v1', 'coordination.k8s.io/v1', ['Lease']),
    'rbac': ('k8s.io/api/rbac/v1', 'rbac.authorization.k8s.io/v1', ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']),
    'autoscaling': ('k8s.io/api/autoscaling/v1', 'autoscaling/v1', ['Scale', 'HorizontalPodAutoscaler']),
    'autoscalingv2': ('k8s.io/api/autoscaling/v2', 'autoscaling/v2', ['HorizontalPodAutoscaler']),
    'policy': ('k8s.io/api/policy/v1', 'policy/v1', ['Eviction', 'PodDisruptionBudget']),
    'networking': ('k8s.io/api/networking/v1', 'networking.k8s.io/v1', ['Ingress', 'IngressClass', 'NetworkPolicy']),
    'scheduling': ('k8s.io/api/scheduling/v1', 'scheduling.k8s.io/v1', ['PriorityClass']),
    'storage': ('k8s.io/api/storage/v1', 'storage.k8s.io/v1', ['StorageClass']),
    'events': ('k8s.io/api/events/v1', 'events.k8s.io/v1', ['Event']),
    'authentication': ('k8s.io/api/authentication/v1', 'authentication.k8s.io/v1', ['TokenRequest', 'SelfSubjectReview']),
    'authorization': ('k8s.io/api/authorization/v1', 'authorization.k8s.io/v1', ['SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview']),
}
CONST_NAMES = {
    'meta': 'metaV1', 'core': 'coreV1', 'apps': 'appsV1', 'batch': 'batchV1', 'coordination': 'coordinationV1',
    'rbac': 'rbacV1', 'autoscaling': 'autoscalingV1', 'autoscalingv2': 'autoscalingV2', 'policy': 'policyV1',
    'networking': 'networkingV1', 'scheduling': 'schedulingV1', 'storage': 'storageV1', 'events': 'eventsV1', 'authentication': 'authenticationV1',
    'authorization': 'authorizationV1',
}
# Files: core's pod tree gets its own file; the small groups share one.
OTHER_GROUPS = ['coordination', 'autoscaling', 'autoscalingv2', 'policy', 'networking', 'scheduling', 'storage', 'events', 'authentication', 'authorization']

# Fields left out of the tables (they decode as skipped fields): map[string]ExtraValue, a map of
# wrapped string lists no client request carries (the user's extra info of the review types).
SKIP_FIELDS = {'authentication.UserInfo.Extra', 'authorization.SubjectAccessReviewSpec.Extra'}

# Types with their own protobuf and JSON marshalling (see special.ts).
SPECIAL = {
    ('k8s.io/apimachinery/pkg/apis/meta/v1', 'Time'): 'time',
    ('k8s.io/apimachinery/pkg/apis/meta/v1', 'MicroTime'): 'mtime',
    ('k8s.io/apimachinery/pkg/apis/meta/v1', 'Duration'): 'dur',
    ('k8s.io/apimachinery/pkg/apis/meta/v1', 'FieldsV1'): 'fv1',
    ('k8s.io/apimachinery/pkg/util/intstr', 'IntOrString'): 'ios',
    ('k8s.io/apimachinery/pkg/api/resource', 'Quantity'): 'qty',
    ('k8s.io/apimachinery/pkg/runtime', 'RawExtension'): 'raw',
}
GO_SCALAR = {'string': 's', 'bool': 'b', 'int32': 'i32', 'int64': 'i64', 'uint32': 'u32', 'uint64': 'u64',
             'int': 'i64', 'float64': 'f64', 'float32': 'f32'}
# FieldDescriptorProto.Type for each table scalar; anything else must be TYPE_MESSAGE (11).
PROTO_TYPE = {'s': 9, 'b': 8, 'i32': 5, 'i64': 3, 'u32': 13, 'u64': 4, 'f64': 1, 'f32': 2, 'y': 12}
KIND = {1: 'bool', 2: 'int', 3: 'int8', 4: 'int16', 5: 'int32', 6: 'int64', 7: 'uint', 8: 'uint8', 9: 'uint16',
        10: 'uint32', 11: 'uint64', 12: 'uintptr', 13: 'float32', 14: 'float64', 17: 'array', 18: 'chan',
        19: 'func', 20: 'interface', 21: 'map', 22: 'ptr', 23: 'slice', 24: 'string', 25: 'struct'}
# Size of abi.Type plus the kind's own header, where an UncommonType (package path) follows.
UNCOMMON_AT = {'ptr': 56, 'slice': 56, 'array': 72, 'map': 88, 'struct': 80, 'interface': 80, 'chan': 64, 'func': 56}


class Binary:
    """Go runtime type metadata of a linux/amd64 ELF executable."""

    def __init__(self, path):
        self.data = open(path, 'rb').read()
        d = self.data
        shoff = struct.unpack_from('<Q', d, 0x28)[0]
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
        raw = [struct.unpack_from('<IIQQQQ', d, shoff + i * shentsize) for i in range(shnum)]
        strtab = raw[shstrndx][4]
        self.sections = {}
        for name, _typ, _flags, addr, off, size in raw:
            self.sections[d[strtab + name:d.index(b'\0', strtab + name)].decode()] = (addr, off, size)
        # moduledata starts with a pointer to the pclntab header.
        needle = struct.pack('<Q', self.sections['.gopclntab'][0])
        md = None
        for sec in ('.noptrdata', '.data'):
            addr, off, size = self.sections[sec]
            i = d.find(needle, off, off + size)
            while i >= 0 and (i - off) % 8:
                i = d.find(needle, i + 1, off + size)
            if i >= 0:
                md = addr + (i - off)
                break
        if md is None:
            raise SystemExit('no Go moduledata found')
        self.types_base = self.u64(md + 296)
        typelinks, ntypelinks = self.u64(md + 352), self.u64(md + 360)
        self.cache = {}
        for i in range(ntypelinks):
            self.type_at(self.types_base + self.i32(typelinks + 4 * i))

    def off(self, addr):
        for name, (base, off, size) in self.sections.items():
            if name not in ('.bss', '.noptrbss') and base <= addr < base + size:
                return addr - base + off
        raise ValueError('address %#x is in no section' % addr)

    def u64(self, a):
        return struct.unpack_from('<Q', self.data, self.off(a))[0]

    def i32(self, a):
        return struct.unpack_from('<i', self.data, self.off(a))[0]

    def varint(self, o):
        v = s = 0
        while True:
            b = self.data[o]
            o += 1
            v |= (b & 0x7f) << s
            s += 7
            if b < 0x80:
                return v, o

    def name(self, a):
        """(name, tag, flags) of an abi.Name."""
        o = self.off(a)
        flags = self.data[o]
        n, o = self.varint(o + 1)
        name = self.data[o:o + n].decode()
        tag = ''
        if flags & 2:
            tn, o2 = self.varint(o + n)
            tag = self.data[o2:o2 + tn].decode()
        return name, tag, flags

    def type_at(self, a):
        if a in self.cache:
            return self.cache[a]
        o = self.off(a)
        tflag, kind = self.data[o + 20], KIND.get(self.data[o + 23] & 31, '?')
        s = self.name(self.types_base + self.i32(a + 40))[0]
        if tflag & 2:  # TFlagExtraStar
            s = s[1:]
        t = {'kind': kind, 'str': s, 'named': bool(tflag & 4)}
        self.cache[a] = t
        if kind in ('ptr', 'slice', 'array'):
            t['elem'] = self.type_at(self.u64(a + 48))
        elif kind == 'map':
            t['key'] = self.type_at(self.u64(a + 48))
            t['elem'] = self.type_at(self.u64(a + 56))
        if tflag & 1 and kind in UNCOMMON_AT:  # TFlagUncommon: package path
            po = self.i32(a + UNCOMMON_AT[kind])
            if po:
                t['pkg'] = self.name(self.types_base + po)[0]
        if kind == 'struct':
            fp, fn = self.u64(a + 56), self.u64(a + 64)
            t['fields'] = []
            for i in range(fn):
                fa = fp + 24 * i
                n, tag, flags = self.name(self.u64(fa))
                t['fields'].append({'name': n, 'tag': tag, 'embedded': bool(flags & 8), 'type': self.type_at(self.u64(fa + 8))})
        return t

    def structs(self):
        out = {}
        for t in self.cache.values():
            if t['kind'] == 'struct' and t['named'] and 'pkg' in t:
                out[(t['pkg'], t['str'].split('.', 1)[1])] = t
        return out

    def proto_files(self):
        """package -> message name (nested as Outer.Inner) -> [field descriptors], from the registered gzipped descriptors."""
        files = {}
        magic = b'\x1f\x8b\x08\x00\x00\x00\x00\x00'
        i = self.data.find(magic)
        while i >= 0:
            try:
                raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(self.data[i:i + (4 << 20)])
                top = pb_fields(raw)
                name = [v for n, _w, v in top if n == 1]
                if name and name[0].endswith(b'generated.proto'):
                    pkg = [v for n, _w, v in top if n == 2][0].decode()
                    msgs = files.setdefault(pkg, {})
                    for n, _w, v in top:
                        if n == 4:
                            proto_message(msgs, '', v)
            except (zlib.error, ValueError, IndexError, UnicodeDecodeError):
                pass
            i = self.data.find(magic, i + 1)
        return files


def pb_fields(b):
    o, out = 0, []
    while o < len(b):
        k, o = pb_varint(b, o)
        n, w = k >> 3, k & 7
        if w == 0:
            v, o = pb_varint(b, o)
        elif w == 2:
            ln, o = pb_varint(b, o)
            v, o = b[o:o + ln], o + ln
        elif w == 1:
            v, o = b[o:o + 8], o + 8
        elif w == 5:
            v, o = b[o:o + 4], o + 4
        else:
            raise ValueError('wire type %d' % w)
        out.append((n, w, v))
    return out


def pb_varint(b, o):
    v = s = 0
    while True:
        x = b[o]
        o += 1
        v |= (x & 0x7f) << s
        s += 7
        if x < 0x80:
            return v, o


def proto_message(msgs, prefix, b):
    f = pb_fields(b)
    full = prefix + [v for n, _w, v in f if n == 1][0].decode()
    fields = []
    for n, _w, v in f:
        if n == 2:  # FieldDescriptorProto
            ff = pb_fields(v)
            g = lambda k: [x for nn, _ww, x in ff if nn == k]  # noqa: E731
            fields.append({'name': g(1)[0].decode(), 'number': g(3)[0], 'label': g(4)[0], 'type': g(5)[0],
                           'type_name': (g(6) or [b''])[0].decode()})
        elif n == 3:
            proto_message(msgs, full + '.', v)
    msgs[full] = fields


def tag_value(tag, key):
    m = re.search(r'(?:^| )' + key + r':"([^"]*)"', tag)
    return m.group(1) if m else None


class Generator:
    def __init__(self, binary):
        self.structs = binary.structs()
        self.protos = binary.proto_files()
        self.module_of = {pkg: mod for mod, (pkg, _v, _k) in MODULES.items()}
        self.tables = {mod: {} for mod in MODULES}
        self.queue = []
        self.seen = set()

    def want(self, pkg, name):
        if (pkg, name) not in self.seen:
            self.seen.add((pkg, name))
            self.queue.append((pkg, name))

    def type_token(self, t, pkg, where):
        if t['kind'] == 'struct':
            key = (t.get('pkg'), t['str'].split('.', 1)[1])
            if key in SPECIAL:
                return SPECIAL[key]
            if key[0] not in self.module_of:
                raise SystemExit('%s: type %s.%s is in no module' % (where, key[0], key[1]))
            self.want(*key)
            return key[1] if key[0] == pkg else self.module_of[key[0]] + '.' + key[1]
        if t['kind'] in GO_SCALAR:
            return GO_SCALAR[t['kind']]
        raise SystemExit('%s: unsupported Go type %s' % (where, t['str']))

    def run(self):
        for pkg, _v, kinds in MODULES.values():
            for k in kinds:
                self.want(pkg, k)
        while self.queue:
            pkg, name = self.queue.pop(0)
            self.tables[self.module_of[pkg]][name] = self.message(pkg, name)
        return self.tables

    def message(self, pkg, name):
        t = self.structs[(pkg, name)]
        proto = self.protos[pkg.replace('/', '.')][name]
        tokens, used = [], set()
        skipped_names = set()
        for f in t['fields']:
            where = '%s.%s.%s' % (self.module_of[pkg], name, f['name'])
            if where in SKIP_FIELDS:
                skipped_names.add(f['name'][:1].lower() + f['name'][1:])
                continue
            js, pb = tag_value(f['tag'], 'json'), tag_value(f['tag'], 'protobuf')
            if pb is None or pb == '-':
                if f['embedded'] and f['type']['str'] == 'v1.TypeMeta':
                    continue  # kind and apiVersion: from the envelope, not the message
                if js == '-':
                    continue
                raise SystemExit('%s: no protobuf tag (%s)' % (where, f['tag']))
            names = [p[5:] for p in pb.split(',') if p.startswith('name=')]
            pf = [x for x in proto if (x['name'] == names[0] if names else x['number'] == int(pb.split(',')[1]))]
            if len(pf) != 1:
                raise SystemExit('%s: no protobuf field for tag %s' % (where, pb))
            pf = pf[0]
            used.add(pf['number'])
            if js is None or js == '-':
                raise SystemExit('%s: a protobuf field without a json name' % where)
            jparts = js.split(',')
            omit, inline = 'omitempty' in jparts[1:], 'inline' in jparts[1:]
            ft, ptr = f['type'], False
            if ft['kind'] == 'ptr':
                ptr, ft = True, ft['elem']
            rep = pf['label'] == 3

            def check(tok, ptype):
                if PROTO_TYPE.get(tok, 11) != ptype:
                    raise SystemExit('%s: Go type %s but protobuf type %d' % (where, tok, ptype))

            if ft['kind'] == 'slice' and ft['elem']['kind'] == 'uint8':
                assert not rep, where
                ty = 'y'
                check(ty, pf['type'])
            elif ft['kind'] == 'slice':
                assert rep, where
                el = self.type_token(ft['elem'], pkg, where)
                check(el, pf['type'])
                ty = '[]' + el
            elif ft['kind'] == 'map':
                assert rep and pf['type'] == 11, where
                outer, inner = pf['type_name'].split('.')[-2:]
                entry = self.protos[pkg.replace('/', '.')][outer + '.' + inner]
                key = [x for x in entry if x['number'] == 1][0]
                val = [x for x in entry if x['number'] == 2][0]
                if ft['key']['kind'] != 'string' or key['type'] != 9:
                    raise SystemExit('%s: map keys must be strings' % where)
                vt = ft['elem']
                v = 'y' if vt['kind'] == 'slice' and vt['elem']['kind'] == 'uint8' else self.type_token(vt, pkg, where)
                check(v, val['type'])
                ty = '{}' + v
            else:
                assert not rep, where
                ty = self.type_token(ft, pkg, where)
                check(ty, pf['type'])
            if inline:
                if jparts[0] != '' or ptr or not ty[0].isupper():
                    raise SystemExit('%s: inline field must be a plain embedded struct' % where)
                tokens.append('@%d:%s' % (pf['number'], ty))
            else:
                tokens.append('%s=%d:%s%s%s' % (jparts[0], pf['number'], '*' if ptr else '', ty, '?' if omit else ''))
        missing = set(x['number'] for x in proto if x.get('name') not in skipped_names) - used
        if missing:
            raise SystemExit('%s.%s: protobuf fields %s have no Go field' % (pkg, name, sorted(missing)))
        return tokens


HEADER = '''// Generated by apiserver/protobuf/gen/gen_tables.py from the Go types compiled into kubectl {version}
// (reflect struct tags: json names, omitempty, pointers, field order) and the protobuf file
// descriptors registered in the same binary (field numbers, scalar kinds). Do not edit by hand;
// the token grammar is documented in ../descriptor.ts.
'''
WIDTH = 110


def refs(tables, mod, m):
    return {tok.split(':', 1)[1].lstrip('*[]{}').rstrip('?') for tok in tables[mod][m]} & set(tables[mod])


def ordered(tables, mod, names):
    """Roots first, then breadth-first by reference, so a message is found below its first user."""
    seen, queue = [], [k for k in MODULES[mod][2] if k in names]
    while queue:
        x = queue.pop(0)
        if x in seen or x not in names:
            continue
        seen.append(x)
        queue.extend(sorted(refs(tables, mod, x)))
    return seen + sorted(set(names) - set(seen))


def entries(tables, mod, names, indent):
    lines = []
    for m in names:
        text = ' '.join(tables[mod][m])
        one = "%s%s: '%s'," % (indent, m, text)
        if len(one) <= WIDTH:
            lines.append(one)
            continue
        lines.append('%s%s:' % (indent, m))
        chunks, cur = [], []
        for tok in tables[mod][m]:
            if cur and len(' '.join(cur + [tok])) + len(indent) + 8 > WIDTH:
                chunks.append(' '.join(cur))
                cur = [tok]
            else:
                cur.append(tok)
        chunks.append(' '.join(cur))
        for i, c in enumerate(chunks):
            last = i == len(chunks) - 1
            lines.append("%s  '%s%s'%s" % (indent, c, '' if last else ' ', ',' if last else ' +'))
    return lines


def module_lines(tables, mod, names, spread=None):
    _pkg, api_version, kinds = MODULES[mod]
    lines = ['export const %s: DescriptorModule = {' % CONST_NAMES[mod], "  module: '%s'," % mod,
             "  apiVersion: '%s'," % api_version]
    quoted = ["'%s'" % k for k in kinds]
    if len('  kinds: [%s],' % ', '.join(quoted)) <= WIDTH:
        lines.append('  kinds: [%s],' % ', '.join(quoted))
    else:
        lines += ['  kinds: ['] + ['    %s,' % q for q in quoted] + ['  ],']
    lines.append('  messages: {')
    if spread:
        lines.append('    ...%s,' % spread)
    return lines + entries(tables, mod, names, '    ') + ['  },', '};']


def write(out_dir, version, name, imports, lines):
    with open('%s/%s' % (out_dir, name), 'w') as f:
        f.write(HEADER.format(version=version) + '\n' + (imports + '\n' if imports else '') + '\n'.join(lines) + '\n')


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    binary = Binary(sys.argv[1])
    out_dir = sys.argv[2]
    version = json.loads(subprocess.run([sys.argv[1], 'version', '--client', '-o', 'json'], check=True,
                                        capture_output=True).stdout)['clientVersion']['gitVersion']
    tables = Generator(binary).run()
    imp = "import type { DescriptorModule } from '../descriptor.js';\n"
    pod, queue = set(), ['Pod']
    while queue:
        x = queue.pop()
        if x not in pod:
            pod.add(x)
            queue.extend(refs(tables, 'core', x))
    core_order = ordered(tables, 'core', set(tables['core']))
    write(out_dir, version, 'core_pod.ts', '', ['export const corePodMessages: Readonly<Record<string, string>> = {'] +
          entries(tables, 'core', [n for n in core_order if n in pod], '  ') + ['};'])
    write(out_dir, version, 'core.ts', imp + "import { corePodMessages } from './core_pod.js';\n",
          module_lines(tables, 'core', [n for n in core_order if n not in pod], 'corePodMessages'))
    for mod in ('meta', 'apps', 'batch', 'rbac'):
        write(out_dir, version, '%s.ts' % mod, imp, module_lines(tables, mod, ordered(tables, mod, set(tables[mod]))))
    lines = []
    for mod in OTHER_GROUPS:
        lines += module_lines(tables, mod, ordered(tables, mod, set(tables[mod]))) + ['']
    write(out_dir, version, 'other_groups.ts', imp, lines[:-1])
    for mod, msgs in tables.items():
        print('%-15s %3d messages %4d fields' % (mod, len(msgs), sum(len(v) for v in msgs.values())), file=sys.stderr)


if __name__ == '__main__':
    main()
