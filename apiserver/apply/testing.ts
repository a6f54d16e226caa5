/**
 * Small pod-like, deployment-like and custom-resource-like schemas for the tests of this package,
 * with the list and map types the real built-ins use (the real built-in schemas live in the
 * registry). Not part of the public surface.
 */
import type { Schema } from '../registry/schema.js';
import type { KubeObject } from '../registry/types.js';
import { objectMetaSchema } from './object_meta.js';

const STRING: Schema = { type: 'string' };
const INTEGER: Schema = { type: 'integer' };
const INT_OR_STRING: Schema = { 'x-kubernetes-int-or-string': true };
const QUANTITIES: Schema = { type: 'object', additionalProperties: INT_OR_STRING };

export const containerSchema: Schema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: STRING,
    image: STRING,
    imagePullPolicy: STRING,
    args: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: STRING },
    // No list type and no strategy: atomic.
    command: { type: 'array', items: STRING },
    // Strategic-merge annotations only, as many built-in fields carry: a map keyed by name.
    env: {
      type: 'array',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      items: { type: 'object', properties: { name: STRING, value: STRING } },
    },
    ports: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'containerPort',
      items: {
        type: 'object',
        properties: { name: STRING, containerPort: INTEGER, protocol: { type: 'string', default: 'TCP' } },
      },
    },
    resources: { type: 'object', properties: { limits: QUANTITIES, requests: QUANTITIES } },
  },
};

export const podSpecSchema: Schema = {
  type: 'object',
  properties: {
    containers: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      items: containerSchema,
    },
    nodeName: STRING,
    restartPolicy: STRING,
    nodeSelector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: STRING },
    // Strategic merge on a list of primitives: a set.
    hostnames: { type: 'array', 'x-kubernetes-patch-strategy': 'merge', items: STRING },
    tolerations: { type: 'array', items: { type: 'object', properties: { key: STRING, operator: STRING, effect: STRING } } },
    terminationGracePeriodSeconds: INTEGER,
  },
};

export const podSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: STRING,
    kind: STRING,
    // No properties: the field manager types it as ObjectMeta.
    metadata: { type: 'object' },
    spec: podSpecSchema,
    status: {
      type: 'object',
      properties: {
        phase: STRING,
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: { type: 'object', properties: { type: STRING, status: STRING } },
        },
      },
    },
  },
};

export const deploymentSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: STRING,
    kind: STRING,
    metadata: objectMetaSchema,
    spec: {
      type: 'object',
      properties: {
        replicas: INTEGER,
        paused: { type: 'boolean' },
        selector: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          properties: { matchLabels: { type: 'object', additionalProperties: STRING } },
        },
        strategy: {
          type: 'object',
          properties: {
            type: STRING,
            rollingUpdate: { type: 'object', properties: { maxSurge: INT_OR_STRING, maxUnavailable: INT_OR_STRING } },
          },
        },
        template: { type: 'object', properties: { metadata: objectMetaSchema, spec: podSpecSchema } },
      },
    },
    status: { type: 'object', properties: { replicas: INTEGER, readyReplicas: INTEGER } },
  },
};

/** A custom resource whose spec keeps anything (x-kubernetes-preserve-unknown-fields). */
export const widgetSchema: Schema = {
  type: 'object',
  properties: {
    apiVersion: STRING,
    kind: STRING,
    metadata: { type: 'object' },
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { size: INTEGER } },
  },
};

export const T0 = new Date('2024-05-01T10:00:00.000Z');
export const T1 = new Date('2024-05-01T10:05:00.000Z');
export const T2 = new Date('2024-05-01T10:10:00.000Z');

/** The nginx deployment of the Kubernetes docs, as a client would send it. */
export function nginxDeployment(overrides: { replicas?: number; image?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      replicas: overrides.replicas ?? 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: overrides.image ?? 'nginx:1.14.2' }] },
      },
    },
  };
}

/** What the store adds on create. */
export function stored<T extends KubeObject>(obj: T): T {
  const copy = structuredClone(obj);
  copy.metadata = { ...copy.metadata, uid: 'u-1', resourceVersion: '1', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' };
  return copy;
}
