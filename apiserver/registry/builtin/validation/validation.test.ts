import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FieldError, KubeObject, ResourceDecl } from '../../types.js';
import { builtinResources } from '../index.js';
import * as core from '../testdata/core.yaml.js';
import * as more from '../testdata/more.yaml.js';
import * as workloads from '../testdata/workloads.yaml.js';

/** The validation rules users hit, with upstream's reasons, field paths and messages. */

const decl = (plural: string): ResourceDecl => builtinResources.find((d) => d.plural === plural)!;

/** Defaults then validation, as the REST layer runs them; `old` makes it an update. */
function check(plural: string, obj: KubeObject, old?: KubeObject): FieldError[] {
  const d = decl(plural);
  const o = structuredClone(obj);
  o.metadata = { name: 'x', namespace: 'default', uid: 'uid-1', ...o.metadata };
  d.strategy?.defaults?.(o);
  return d.strategy?.validate?.(o, old) ?? [];
}
const y = (text: string): KubeObject => parse(text) as KubeObject;
const brief = (errs: FieldError[]): string[] => errs.map((e) => `${e.reason} ${e.field}`);
const pod = (containers: string, extra = ''): KubeObject => y(`metadata: {name: p}\nspec:\n  containers: ${containers}\n${extra}`);

describe('pods', () => {
  it('needs at least one container', () => {
    expect(check('pods', y('spec: {containers: []}'))).toEqual([{ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }]);
  });

  it('checks container names: DNS-1123 labels, unique across containers and init containers', () => {
    const errs = check('pods', pod('[{name: Web_1, image: x}, {name: a, image: x}]', '  initContainers: [{name: a, image: x}]'));
    expect(brief(errs)).toEqual(['FieldValueInvalid spec.containers[0].name', 'FieldValueDuplicate spec.initContainers[0].name']);
    expect(errs[0]?.message).toBe(
      "Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
    expect(errs[1]?.message).toBe('Duplicate value: "a"');
  });

  it('requires an image', () => {
    expect(check('pods', pod('[{name: a}]'))).toEqual([{ reason: 'FieldValueRequired', field: 'spec.containers[0].image', message: 'Required value' }]);
  });

  it('checks ports: range, IANA names, duplicates, protocols', () => {
    const errs = check('pods', pod('[{name: a, image: x, ports: [{containerPort: 70000, name: http}, {containerPort: 80, name: http, protocol: ICMP}, {containerPort: 81, name: Bad--Name}]}]'));
    expect(errs).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].ports[0].containerPort', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' },
      { reason: 'FieldValueDuplicate', field: 'spec.containers[0].ports[1].name', message: 'Duplicate value: "http"' },
      { reason: 'FieldValueNotSupported', field: 'spec.containers[0].ports[1].protocol', message: 'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].ports[2].name', message: 'Invalid value: "Bad--Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].ports[2].name', message: 'Invalid value: "Bad--Name": must not contain consecutive hyphens' },
    ]);
  });

  it('checks volumes and mounts', () => {
    const errs = check(
      'pods',
      pod('[{name: a, image: x, volumeMounts: [{name: missing, mountPath: /a}, {name: v, mountPath: /a}]}]', '  volumes: [{name: v, emptyDir: {}}, {name: v, emptyDir: {}, hostPath: {path: /x}}]'),
    );
    expect(errs).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.volumes[1].hostPath', message: 'Forbidden: may not specify more than 1 volume type' },
      { reason: 'FieldValueDuplicate', field: 'spec.volumes[1].name', message: 'Duplicate value: "v"' },
      { reason: 'FieldValueNotFound', field: 'spec.containers[0].volumeMounts[0].name', message: 'Not found: "missing"' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].volumeMounts[1].mountPath', message: 'Invalid value: "/a": must be unique' },
    ]);
  });

  it('checks restartPolicy, requests against limits, probes and env sources', () => {
    const errs = check(
      'pods',
      pod(
        '[{name: a, image: x, restartPolicy: Always, resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}, livenessProbe: {exec: {command: [x]}, successThreshold: 2}, env: [{name: E, value: v, valueFrom: {fieldRef: {fieldPath: a}, secretKeyRef: {key: k}}}]}]',
        '  restartPolicy: Sometimes',
      ),
    );
    expect(errs).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.containers[0].restartPolicy', message: 'Forbidden: may not be set for non-init containers' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].env[0].valueFrom', message: 'Invalid value: "": may not have more than one field specified at a time' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].env[0].valueFrom', message: 'Invalid value: "": may not be specified when `value` is not empty' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].resources.requests', message: 'Invalid value: "2": must be less than or equal to cpu limit of 1' },
      { reason: 'FieldValueInvalid', field: 'spec.containers[0].livenessProbe.successThreshold', message: 'Invalid value: 2: must be 1' },
      { reason: 'FieldValueNotSupported', field: 'spec.restartPolicy', message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"' },
    ]);
  });

  it('accepts the realistic pods', () => {
    expect(check('pods', y(workloads.busyPod))).toEqual([]);
    expect(check('pods', y(workloads.runningPod))).toEqual([]);
  });

  it('on update allows a new image but no other spec change', () => {
    const old = y(workloads.runningPod);
    const newImage = structuredClone(old);
    (newImage['spec'] as { containers: Array<Record<string, unknown>> }).containers[0]!['image'] = 'nginx:1.25';
    expect(check('pods', newImage, old)).toEqual([]);
    const moved = structuredClone(old);
    (moved['spec'] as Record<string, unknown>)['nodeName'] = 'node-2';
    const errs = check('pods', moved, old);
    expect(brief(errs)).toEqual(['FieldValueForbidden spec']);
    expect(errs[0]?.message).toMatch(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});

describe('apps workloads', () => {
  const deployment = (patch: (spec: Record<string, unknown>) => void): KubeObject => {
    const d = y(workloads.nginxDeployment);
    patch(d['spec'] as Record<string, unknown>);
    return d;
  };

  it('accepts the documentation examples', () => {
    expect(check('deployments', y(workloads.nginxDeployment))).toEqual([]);
    expect(check('statefulsets', y(workloads.webStatefulSet))).toEqual([]);
    expect(check('daemonsets', y(workloads.fluentdDaemonSet))).toEqual([]);
  });

  it('requires the selector to match the template labels', () => {
    const errs = check('deployments', deployment((s) => ((s['template'] as { metadata: { labels: object } }).metadata.labels = { app: 'other' })));
    expect(errs).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`' },
    ]);
  });

  it('rejects an empty selector, a non-Always restartPolicy and a zero rolling update', () => {
    const errs = check(
      'deployments',
      deployment((s) => {
        s['selector'] = {};
        (s['template'] as { spec: Record<string, unknown> }).spec['restartPolicy'] = 'Never';
        s['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } };
      }),
    );
    expect(errs).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.selector', message: 'Invalid value: map[string]string{}: empty selector is invalid for deployment' },
      { reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Never": supported values: "Always"' },
      { reason: 'FieldValueInvalid', field: 'spec.strategy.rollingUpdate.maxUnavailable', message: 'Invalid value: 0: may not be 0 when `maxSurge` is 0' },
    ]);
  });

  it('keeps the selector immutable', () => {
    const old = y(workloads.nginxDeployment);
    const changed = deployment((s) => {
      s['selector'] = { matchLabels: { app: 'nginx', tier: 'web' } };
      (s['template'] as { metadata: { labels: object } }).metadata.labels = { app: 'nginx', tier: 'web' };
    });
    check('deployments', old);
    expect(brief(check('deployments', changed, (decl('deployments').strategy?.defaults?.(old), old)))).toEqual(['FieldValueInvalid spec.selector']);
    expect(brief(check('replicasets', { ...changed, kind: 'ReplicaSet' }, old))).toEqual(['FieldValueInvalid spec.selector']);
  });

  it('statefulset updates may only touch the updatable fields', () => {
    const old = y(workloads.webStatefulSet);
    decl('statefulsets').strategy?.defaults?.(old);
    const scaled = structuredClone(old);
    (scaled['spec'] as Record<string, unknown>)['replicas'] = 5;
    expect(check('statefulsets', scaled, old)).toEqual([]);
    const renamed = structuredClone(old);
    (renamed['spec'] as Record<string, unknown>)['serviceName'] = 'other';
    expect(brief(check('statefulsets', renamed, old))).toEqual(['FieldValueForbidden spec']);
  });

  it('statefulset mounts may name a volumeClaimTemplate, nothing else', () => {
    const sts = y(workloads.webStatefulSet.replace('- name: www\n          mountPath', '- name: wwww\n          mountPath'));
    expect(brief(check('statefulsets', sts))).toEqual(['FieldValueNotFound spec.template.spec.containers[0].volumeMounts[0].name']);
  });

  it('daemonset selectors must match too', () => {
    const ds = y(workloads.fluentdDaemonSet);
    (ds['spec'] as { selector: unknown }).selector = { matchLabels: { name: 'nope' } };
    expect(brief(check('daemonsets', ds))).toEqual(['FieldValueInvalid spec.template.metadata.labels']);
  });
});

describe('jobs', () => {
  it('requires restartPolicy OnFailure or Never in the template', () => {
    const job = y(workloads.piJob.replace('restartPolicy: Never', ''));
    expect(check('jobs', job)).toEqual([
      { reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' },
    ]);
  });

  it('checks a manual selector against the template and keeps the template immutable', () => {
    const manual = y(workloads.piJob.replace('backoffLimit: 4', 'backoffLimit: 4\n  manualSelector: true\n  selector: {matchLabels: {app: pi}}'));
    expect(brief(check('jobs', manual))).toEqual(['FieldValueInvalid spec.template.metadata.labels']);
    const old = y(workloads.piJob);
    old.metadata = { name: 'x', namespace: 'default', uid: 'uid-1' };
    decl('jobs').strategy?.defaults?.(old);
    const changed = structuredClone(old);
    (changed['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!['image'] = 'perl:5.36';
    expect(brief(check('jobs', changed, old))).toEqual(['FieldValueInvalid spec.template']);
  });
});

describe('services', () => {
  it('requires ports, names when there are several, valid numbers and protocols', () => {
    expect(brief(check('services', y('spec: {selector: {app: a}}')))).toEqual(['FieldValueRequired spec.ports']);
    const errs = check('services', y('spec: {type: ClusterIP, ports: [{port: 80, nodePort: 30001}, {port: 0, name: b, protocol: HTTP, targetPort: 99999}]}'));
    expect(brief(errs)).toEqual([
      'FieldValueRequired spec.ports[0].name',
      'FieldValueForbidden spec.ports[0].nodePort',
      'FieldValueInvalid spec.ports[1].port',
      'FieldValueNotSupported spec.ports[1].protocol',
      'FieldValueInvalid spec.ports[1].targetPort',
    ]);
  });

  it('ExternalName services need an externalName; types are checked', () => {
    expect(brief(check('services', y('spec: {type: ExternalName}')))).toEqual(['FieldValueRequired spec.externalName']);
    expect(check('services', y('spec: {type: Internal, ports: [{port: 80}]}'))[0]?.message).toBe(
      'Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
  });

  it('names are DNS-1035 labels; cluster IPs may not change once set', () => {
    expect(brief(check('services', y('metadata: {name: 1st}\nspec: {ports: [{port: 80}]}')))).toEqual(['FieldValueInvalid metadata.name']);
    const old = y('metadata: {name: s}\nspec: {clusterIP: 10.0.0.1, clusterIPs: [10.0.0.1], ports: [{port: 80}]}');
    const moved = y('metadata: {name: s}\nspec: {clusterIP: 10.0.0.2, clusterIPs: [10.0.0.2], ports: [{port: 80}]}');
    expect(check('services', moved, old)).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: 'Invalid value: "10.0.0.2": may not change once set' },
    ]);
    expect(check('services', y(core.myService))).toEqual([]);
  });
});

describe('config maps and secrets', () => {
  it('checks keys and duplicates between data and binaryData', () => {
    const errs = check('configmaps', y('data: {"bad key": a, "..x": b, dup: c}\nbinaryData: {dup: Yw==}'));
    expect(brief(errs)).toEqual([
      'FieldValueInvalid data[bad key]',
      'FieldValueInvalid data[..x]',
      'FieldValueInvalid data[dup]',
      'FieldValueInvalid binaryData[dup]',
    ]);
    expect(errs[1]?.message).toBe('Invalid value: "..x": must not start with \'..\'');
    expect(check('configmaps', y(core.gameConfig))).toEqual([]);
  });

  it('immutable config maps and secrets keep their data', () => {
    const old = y('immutable: true\ndata: {a: b}');
    expect(check('configmaps', y('immutable: true\ndata: {a: c}'), old)).toEqual([
      { reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' },
    ]);
    expect(brief(check('secrets', y('type: Opaque\ndata: {a: Yw==}'), y('type: Opaque\nimmutable: true\ndata: {a: Yg==}')))).toEqual([
      'FieldValueForbidden immutable',
      'FieldValueForbidden data',
    ]);
  });

  it('well-known secret types need their keys; the type is immutable', () => {
    expect(brief(check('secrets', y('type: kubernetes.io/tls\ndata: {tls.crt: YQ==}')))).toEqual(['FieldValueRequired data[tls.key]']);
    expect(brief(check('secrets', y('type: kubernetes.io/basic-auth')))).toEqual(['FieldValueRequired data[username]', 'FieldValueRequired data[password]']);
    expect(check('secrets', y('type: Opaque'), y('type: kubernetes.io/tls'))).toEqual([
      { reason: 'FieldValueInvalid', field: 'type', message: 'Invalid value: "Opaque": field is immutable' },
    ]);
    expect(check('secrets', y(core.tlsSecret))).toEqual([]);
  });
});

describe('leases, events, namespaces, nodes', () => {
  it('lease durations, strategies and preferred holders', () => {
    expect(check('leases', y(core.leaderLease))).toEqual([]);
    expect(check('leases', y('spec: {leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: me}'))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', message: 'Invalid value: 0: must be greater than 0' },
      { reason: 'FieldValueInvalid', field: 'spec.leaseTransitions', message: 'Invalid value: -1: must be greater than or equal to 0' },
      { reason: 'FieldValueForbidden', field: 'spec.preferredHolder', message: 'Forbidden: may only be specified if `strategy` is defined' },
    ]);
    expect(brief(check('leases', y('spec: {strategy: Newest}')))).toEqual(['FieldValueNotSupported spec.strategy']);
    expect(check('leases', y('spec: {strategy: example.com/mine, preferredHolder: me}'))).toEqual([]);
  });

  it('an event lives in the namespace of its object', () => {
    expect(check('events', y(core.scheduledEvent))).toEqual([]);
    expect(check('events', y('metadata: {namespace: other}\ninvolvedObject: {kind: Pod, name: p, namespace: default}'))).toEqual([
      { reason: 'FieldValueInvalid', field: 'involvedObject.namespace', message: 'Invalid value: "default": does not match event.namespace' },
    ]);
  });

  it('namespace finalizers are standard or qualified; taint effects are known', () => {
    expect(brief(check('namespaces', y('metadata: {name: n, namespace: ""}\nspec: {finalizers: [custom]}')))).toEqual(['FieldValueInvalid spec.finalizers[0]']);
    expect(brief(check('nodes', y('spec: {taints: [{key: k, effect: Never}]}')))).toEqual(['FieldValueNotSupported spec.taints[0].effect']);
    expect(check('nodes', y(core.kubeletNode))).toEqual([]);
  });
});

describe('custom resource definitions', () => {
  it('accepts the CronTab example', () => {
    expect(check('customresourcedefinitions', y(core.cronTabCRD))).toEqual([]);
  });

  it('checks the name, group, scope, versions and schemas', () => {
    const crd = y(`
metadata: {name: crontab.example}
spec:
  group: example
  scope: Global
  names: {plural: crontabs, kind: Cron_Tab, listKind: Cron_Tab}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: string}}}
  - {name: V2, served: true, storage: true}
`);
    expect(brief(check('customresourcedefinitions', crd))).toEqual([
      'FieldValueInvalid metadata.name',
      'FieldValueInvalid spec.group',
      'FieldValueNotSupported spec.scope',
      'FieldValueInvalid spec.versions[0].schema.openAPIV3Schema.type',
      'FieldValueInvalid spec.versions[1].name',
      'FieldValueRequired spec.versions[1].schema.openAPIV3Schema',
      'FieldValueInvalid spec.versions',
      // singular defaults to the lower-cased kind, which is invalid too
      'FieldValueInvalid spec.names.singular',
      'FieldValueInvalid spec.names.kind',
      'FieldValueInvalid spec.names.listKind',
      'FieldValueInvalid spec.names.listKind',
    ]);
    const errs = check('customresourcedefinitions', crd);
    expect(errs[0]?.message).toBe('Invalid value: "crontab.example": must be spec.names.plural+"."+spec.group');
    expect(errs[1]?.message).toBe('Invalid value: "example": should be a domain with at least one dot');
    expect(errs[6]?.message).toMatch(/must have exactly one version marked as storage version$/);
    expect(errs[8]?.message).toMatch(/^Invalid value: "Cron_Tab": may have mixed case, but should otherwise match: a DNS-1035 label/);
  });

  it('needs at least one version; group and scope are immutable', () => {
    const none = y(core.cronTabCRD);
    (none['spec'] as Record<string, unknown>)['versions'] = [];
    expect(brief(check('customresourcedefinitions', none))).toEqual(['FieldValueInvalid spec.versions', 'FieldValueRequired spec.versions']);
    const old = y(core.cronTabCRD);
    const moved = y(core.cronTabCRD);
    (moved['spec'] as Record<string, unknown>)['scope'] = 'Cluster';
    expect(brief(check('customresourcedefinitions', moved, old))).toEqual(['FieldValueInvalid spec.scope']);
  });
});

describe('rbac', () => {
  it('accepts the documentation examples', () => {
    const [role, clusterRole, binding, clusterBinding] = core.rbacObjects.map(y);
    expect(check('roles', role!)).toEqual([]);
    expect(check('clusterroles', clusterRole!)).toEqual([]);
    expect(check('rolebindings', binding!)).toEqual([]);
    expect(check('clusterrolebindings', clusterBinding!)).toEqual([]);
  });

  it('checks rules', () => {
    const errs = check('roles', y('rules: [{verbs: []}, {verbs: [get], nonResourceURLs: [/healthz]}]'));
    expect(errs).toEqual([
      { reason: 'FieldValueRequired', field: 'rules[0].verbs', message: 'Required value: verbs must contain at least one value' },
      { reason: 'FieldValueRequired', field: 'rules[0].apiGroups', message: 'Required value: resource rules must supply at least one api group' },
      { reason: 'FieldValueRequired', field: 'rules[0].resources', message: 'Required value: resource rules must supply at least one resource' },
      { reason: 'FieldValueInvalid', field: 'rules[1].nonResourceURLs', message: 'Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs' },
    ]);
  });

  it('checks role refs and subjects; roleRef cannot change', () => {
    const errs = check('clusterrolebindings', y('roleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: sa}, {kind: Robot, name: r2}]'));
    expect(errs).toEqual([
      { reason: 'FieldValueNotSupported', field: 'roleRef.kind', message: 'Unsupported value: "Role": supported values: "ClusterRole"' },
      { reason: 'FieldValueRequired', field: 'subjects[0].namespace', message: 'Required value' },
      { reason: 'FieldValueNotSupported', field: 'subjects[1].kind', message: 'Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"' },
    ]);
    const old = y(core.rbacObjects[2]!);
    const changed = y(core.rbacObjects[2]!.replace('name: pod-reader', 'name: pod-writer'));
    expect(brief(check('rolebindings', changed, old))).toEqual(['FieldValueInvalid roleRef']);
  });
});

describe('cronjobs', () => {
  it('checks the schedule as robfig/cron parses it, and forbids TZ in it', () => {
    const at = (schedule: string): FieldError[] => check('cronjobs', y(more.helloCronJob.replace('"0 3 * * *"', JSON.stringify(schedule))));
    expect(at('@hourly')).toEqual([]);
    expect(at('*/15 9-17 * jan-mar mon-fri')).toEqual([]);
    expect(at('@every 1h30m')).toEqual([]);
    expect(at('61 * * * *')).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.schedule', message: 'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61' }]);
    expect(at('* * *')).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.schedule', message: 'Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]' }]);
    expect(brief(at('TZ=UTC 0 3 * * *'))).toEqual(['FieldValueInvalid spec.schedule']);
    expect(at('TZ=UTC 0 3 * * *')[0]?.message).toMatch(/cannot use TZ or CRON_TZ in schedule, use timeZone field instead$/);
    expect(brief(at(''))).toEqual(['FieldValueRequired spec.schedule']);
  });

  it('checks the time zone, the policies, the name length and the job template', () => {
    const errs = check(
      'cronjobs',
      y(more.helloCronJob.replace('Europe/Paris', 'Mars/Olympus').replace('startingDeadlineSeconds: 200', 'startingDeadlineSeconds: -1\n  concurrencyPolicy: Sometimes').replace('OnFailure', 'Always')),
    );
    expect(errs).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.startingDeadlineSeconds', message: 'Invalid value: -1: must be greater than or equal to 0' },
      { reason: 'FieldValueNotSupported', field: 'spec.concurrencyPolicy', message: 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"' },
      { reason: 'FieldValueInvalid', field: 'spec.timeZone', message: 'Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus' },
      { reason: 'FieldValueNotSupported', field: 'spec.jobTemplate.spec.template.spec.restartPolicy', message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"' },
    ]);
    expect(brief(check('cronjobs', y(more.helloCronJob.replace('name: nightly', `name: ${'n'.repeat(53)}`))))).toEqual(['FieldValueInvalid metadata.name']);
  });
});

/** An object as the server stores it (defaulted), to be the old side of an update. */
function stored(plural: string, text: string): KubeObject {
  const o = y(text);
  o.metadata = { name: 'x', namespace: 'default', uid: 'uid-1', ...o.metadata };
  decl(plural).strategy?.defaults?.(o);
  return o;
}

describe('networking', () => {
  it('ingress: a backend or rules, hosts, path types, absolute paths, service ports', () => {
    expect(check('ingresses', y('spec: {}'))).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: null: either `defaultBackend` or `rules` must be specified' }]);
    const errs = check(
      'ingresses',
      y(`spec:
  rules:
  - host: 10.0.0.1
    http:
      paths:
      - {path: api, pathType: Prefix, backend: {service: {name: api, port: {number: 80, name: http}}}}
      - {path: /x, backend: {service: {name: Bad_Svc, port: {}}}}
      - {path: /y, pathType: Regex, backend: {}}`),
    );
    expect(brief(errs)).toEqual([
      'FieldValueInvalid spec.rules[0].host',
      'FieldValueInvalid spec.rules[0].http.paths[0].path',
      'FieldValueInvalid spec.rules[0].http.paths[0].backend.service.port',
      'FieldValueRequired spec.rules[0].http.paths[1].pathType',
      'FieldValueInvalid spec.rules[0].http.paths[1].backend.service.name',
      'FieldValueRequired spec.rules[0].http.paths[1].backend.service.port',
      'FieldValueNotSupported spec.rules[0].http.paths[2].pathType',
      'FieldValueInvalid spec.rules[0].http.paths[2].backend',
    ]);
    expect(errs[0]?.message).toBe('Invalid value: "10.0.0.1": must be a DNS name, not an IP address');
    expect(errs[3]?.message).toBe('Required value: pathType must be specified');
  });

  it('ingressclass: a domain-prefixed controller that cannot change, scoped parameters', () => {
    expect(brief(check('ingressclasses', y('spec: {controller: nginx}')))).toEqual(['FieldValueInvalid spec.controller']);
    const namespaced = check('ingressclasses', y('spec: {controller: example.com/c, parameters: {kind: K, name: n, scope: Namespace}}'));
    expect(namespaced).toEqual([{ reason: 'FieldValueRequired', field: 'spec.parameters.namespace', message: 'Required value: `parameters.scope` is set to Namespace' }]);
    const old = stored('ingressclasses', more.nginxIngressClass);
    expect(brief(check('ingressclasses', y(more.nginxIngressClass.replace('k8s.io/ingress-nginx', 'example.com/other')), old))).toEqual(['FieldValueInvalid spec.controller']);
  });

  it('networkpolicy: protocols, ports, peers, CIDRs and policy types', () => {
    expect(check('networkpolicies', y(more.dbNetworkPolicy))).toEqual([]);
    const errs = check(
      'networkpolicies',
      y(`spec:
  podSelector: {matchExpressions: [{key: a, operator: Maybe}]}
  ingress:
  - ports: [{protocol: ICMP, port: 70000}, {port: http, endPort: 90}]
    from: [{}, {ipBlock: {cidr: 10.0.0.0/33}, podSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8, except: [nope]}}]
  policyTypes: [Ingress, Sideways]`),
    );
    expect(brief(errs)).toEqual([
      'FieldValueInvalid spec.podSelector.matchExpressions[0].operator',
      'FieldValueNotSupported spec.ingress[0].ports[0].protocol',
      'FieldValueInvalid spec.ingress[0].ports[0].port',
      'FieldValueInvalid spec.ingress[0].ports[1].endPort',
      'FieldValueRequired spec.ingress[0].from[0]',
      'FieldValueForbidden spec.ingress[0].from[1]',
      'FieldValueInvalid spec.ingress[0].from[2].ipBlock.except[0]',
      'FieldValueNotSupported spec.policyTypes[1]',
    ]);
  });
});

describe('storage', () => {
  it('persistentvolumeclaim: access modes and a storage request; the spec is fixed but for requests and binding', () => {
    expect(check('persistentvolumeclaims', y('spec: {accessModes: [ReadWriteSometimes], resources: {requests: {storage: "0"}}, volumeMode: Tape}'))).toEqual([
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.accessModes',
        message: 'Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      },
      { reason: 'FieldValueInvalid', field: 'spec.resources[storage]', message: 'Invalid value: "0": must be greater than zero' },
      { reason: 'FieldValueNotSupported', field: 'spec.volumeMode', message: 'Unsupported value: "Tape": supported values: "Block", "Filesystem"' },
    ]);
    const old = stored('persistentvolumeclaims', more.claim);
    expect(check('persistentvolumeclaims', y(more.claim.replace('storage: 1Gi', 'storage: 2Gi').replace('storageClassName: slow', 'storageClassName: slow\n  volumeName: pv0001')), old)).toEqual([]);
    expect(brief(check('persistentvolumeclaims', y(more.claim.replace('storageClassName: slow', 'storageClassName: fast')), old))).toEqual(['FieldValueForbidden spec']);
  });

  it('persistentvolume: capacity, access modes, reclaim policy, exactly one source; the source is fixed', () => {
    expect(brief(check('persistentvolumes', y('spec: {capacity: {cpu: "1"}, accessModes: [ReadWriteOnce], persistentVolumeReclaimPolicy: Keep}')))).toEqual([
      'FieldValueNotSupported spec.capacity',
      'FieldValueNotSupported spec.persistentVolumeReclaimPolicy',
      'FieldValueRequired spec',
    ]);
    expect(brief(check('persistentvolumes', y('spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], nfs: {server: a, path: /}, local: {path: /mnt}}')))).toEqual([
      'FieldValueForbidden spec.nfs',
    ]);
    expect(brief(check('persistentvolumes', y('spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], local: {path: /mnt}}')))).toEqual([
      'FieldValueRequired spec.nodeAffinity',
    ]);
    const old = stored('persistentvolumes', more.hostPathVolume);
    expect(brief(check('persistentvolumes', y(more.hostPathVolume.replace('/data/pv0001', '/data/other')), old))).toEqual(['FieldValueForbidden spec.persistentvolumesource']);
  });

  it('storageclass: a qualified provisioner and known policies, none of which may change', () => {
    expect(check('storageclasses', y('provisioner: "bad provisioner"\nreclaimPolicy: Recycle'))).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'provisioner',
        message:
          "Invalid value: \"bad provisioner\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      },
      { reason: 'FieldValueNotSupported', field: 'reclaimPolicy', message: 'Unsupported value: "Recycle": supported values: "Delete", "Retain"' },
    ]);
    const old = stored('storageclasses', more.standardStorageClass);
    expect(check('storageclasses', y(more.standardStorageClass.replace('kubernetes.io/no-provisioner', 'example.com/other')), old)).toEqual([
      { reason: 'FieldValueForbidden', field: 'provisioner', message: 'Forbidden: updates to provisioner are forbidden.' },
    ]);
  });
});

describe('quotas, budgets, autoscalers and priorities', () => {
  it('resourcequota: standard resource names, non-negative amounts, whole counts, known scopes', () => {
    expect(check('resourcequotas', y(more.computeQuota))).toEqual([]);
    const errs = check('resourcequotas', y('spec: {hard: {cpu: "-1", pods: 1500m, widgets: "3"}, scopes: [Sometimes]}'));
    expect(errs).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.hard[cpu]', message: 'Invalid value: "-1": must be greater than or equal to 0' },
      { reason: 'FieldValueInvalid', field: 'spec.hard[pods]', message: 'Invalid value: "1500m": must be an integer' },
      { reason: 'FieldValueInvalid', field: 'spec.hard[widgets]', message: 'Invalid value: "widgets": must be a standard resource for quota' },
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.scopes',
        message: 'Unsupported value: "Sometimes": supported values: "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"',
      },
    ]);
  });

  it('limitrange: each type once, min at most max, no defaults for pods', () => {
    const errs = check('limitranges', y('spec: {limits: [{type: Pod, default: {cpu: "1"}}, {type: Container, min: {cpu: "2"}, max: {cpu: "1"}}, {type: Container}]}'));
    expect(errs).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.limits[0].default', message: "Forbidden: may not be specified when `type` is 'Pod'" },
      { reason: 'FieldValueInvalid', field: 'spec.limits[1].min[cpu]', message: 'Invalid value: "2": min value 2 is greater than max value 1' },
      { reason: 'FieldValueDuplicate', field: 'spec.limits[2].type', message: 'Duplicate value: "Container"' },
    ]);
  });

  it('poddisruptionbudget: not both bounds, counts or percents up to 100%', () => {
    expect(brief(check('poddisruptionbudgets', y('spec: {minAvailable: 1, maxUnavailable: 1}')))).toEqual(['FieldValueInvalid spec']);
    expect(check('poddisruptionbudgets', y('spec: {minAvailable: "120%"}'))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.minAvailable', message: 'Invalid value: "120%": must not be greater than 100%' },
    ]);
    expect(brief(check('poddisruptionbudgets', y('spec: {maxUnavailable: -1, unhealthyPodEvictionPolicy: Never}')))).toEqual([
      'FieldValueInvalid spec.maxUnavailable',
      'FieldValueNotSupported spec.unhealthyPodEvictionPolicy',
    ]);
  });

  it('horizontalpodautoscaler: a target, replica bounds, filled metric sources, bounded scaling policies', () => {
    expect(check('horizontalpodautoscalers', y(more.phpAutoscaler))).toEqual([]);
    const errs = check(
      'horizontalpodautoscalers',
      y('spec: {scaleTargetRef: {kind: Deployment}, minReplicas: 5, maxReplicas: 2, metrics: [{type: Pods}, {type: Magic}], behavior: {scaleUp: {policies: [{type: Pods, value: 0, periodSeconds: 3600}]}}}'),
    );
    expect(brief(errs)).toEqual([
      'FieldValueRequired spec.scaleTargetRef.name',
      'FieldValueInvalid spec.maxReplicas',
      'FieldValueRequired spec.metrics[0].pods',
      'FieldValueNotSupported spec.metrics[1].type',
      'FieldValueInvalid spec.behavior.scaleUp.policies[0].value',
      'FieldValueInvalid spec.behavior.scaleUp.policies[0].periodSeconds',
    ]);
    expect(errs[1]?.message).toBe('Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  it('priorityclass: user values up to 1e9, reserved system names, a value that cannot change', () => {
    expect(check('priorityclasses', y('metadata: {name: huge}\nvalue: 2000000000'))).toEqual([
      { reason: 'FieldValueForbidden', field: 'value', message: 'Forbidden: maximum allowed value of a user defined priority is 1000000000' },
    ]);
    expect(check('priorityclasses', y('metadata: {name: system-node-critical}\nvalue: 2000001000'))).toEqual([]);
    expect(check('priorityclasses', y('metadata: {name: system-mine}\nvalue: 1'))).toEqual([
      {
        reason: 'FieldValueForbidden',
        field: 'metadata.name',
        message: "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
      },
    ]);
    const old = stored('priorityclasses', more.highPriorityClass);
    expect(brief(check('priorityclasses', y(more.highPriorityClass.replace('1000000', '1000001')), old))).toEqual(['FieldValueForbidden value']);
  });
});
