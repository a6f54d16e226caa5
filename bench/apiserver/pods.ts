/**
 * The pods the benchmark writes: small and realistic, like one replica of a web Deployment (one
 * container with an image, a named port, an env var, requests and limits), about 0.5 KiB of JSON as
 * sent and more as stored (the server adds uid, timestamps, defaults, status and managedFields).
 */

export interface PodObject {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: Record<string, unknown>;
  [field: string]: unknown;
}

/** Where the benchmark puts the client's send time of a write, in ms since the epoch (fractional). */
export const SENT_AT_ANNOTATION = 'bench.ketch.io/sent-at-ms';

/** Milliseconds since the epoch with sub-ms precision; comparable across this process only. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function benchPod(namespace: string, name: string, annotations?: Record<string, string>): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'bench-web', tier: 'frontend', 'pod-template-hash': '7d9c5b8f6d' },
      ...(annotations !== undefined ? { annotations } : {}),
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.k8s.io/nginx-slim:0.27',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function podsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${namespace}/pods${name === undefined ? '' : `/${name}`}`;
}

/** A label merge patch: the smallest realistic update. */
export function labelPatch(value: string): { metadata: { labels: Record<string, string> } } {
  return { metadata: { labels: { 'bench-rev': value } } };
}
