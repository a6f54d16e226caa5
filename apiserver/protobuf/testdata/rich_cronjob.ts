/**
 * A CronJob whose pod template uses most of the PodSpec tree. The fake API server returns it for
 * `kubectl create job --from=cronjob/rich`, which copies the job template into a Job and POSTs it
 * as protobuf: Go parses this JSON, marshals protobuf, and prints the same struct with
 * --dry-run=client -o json, so decoding the body must give back exactly that print.
 * Zero values behind pointers (runAsUser 0, suspend false, terminationGracePeriodSeconds 0) are
 * here on purpose: they must survive, while zero plain values must not appear.
 */
export const RICH_CRONJOB = {
  kind: 'CronJob',
  apiVersion: 'batch/v1',
  metadata: { name: 'rich', namespace: 'default', uid: '6c2b1a8e-0d3f-4f5e-9a7b-1c2d3e4f5a6b', resourceVersion: '42' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      metadata: { labels: { tier: 'batch' }, annotations: { note: 'rich' } },
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 600,
        backoffLimit: 0,
        backoffLimitPerIndex: 1,
        maxFailedIndexes: 2,
        completionMode: 'Indexed',
        suspend: false,
        ttlSecondsAfterFinished: 3600,
        podReplacementPolicy: 'Failed',
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [1, 42] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          ],
        },
        template: {
          metadata: { labels: { app: 'rich' }, annotations: { 'example.com/a': 'b' } },
          spec: {
            volumes: [
              { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              { name: 'empty', emptyDir: {} },
              { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: 'p', mode: 0o400 }], defaultMode: 0o644, optional: true } },
              { name: 'sec', secret: { secretName: 's', defaultMode: 0, optional: false } },
              { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
              { name: 'claim', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
              {
                name: 'proj',
                projected: {
                  defaultMode: 420,
                  sources: [
                    { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
                    { configMap: { name: 'cm2', items: [{ key: 'a', path: 'a' }] } },
                    { secret: { name: 's2' } },
                    { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
                  ],
                },
              },
              {
                name: 'down',
                downwardAPI: {
                  items: [
                    { path: 'name', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
                    { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' } },
                  ],
                },
              },
              { name: 'share', nfs: { server: 'nfs.example', path: '/exports', readOnly: false } },
            ],
            initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'], restartPolicy: 'Always' }],
            containers: [
              {
                name: 'main',
                image: 'registry.example/app:1.0',
                command: ['/app'],
                args: ['--flag', ''],
                workingDir: '/work',
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
                ],
                envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cm' } }, { secretRef: { name: 's', optional: false } }],
                env: [
                  { name: 'PLAIN', value: 'v' },
                  { name: 'EMPTY', value: '' },
                  { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                  { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
                  { name: 'FROMCM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } },
                  { name: 'FROMSEC', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
                ],
                resources: {
                  limits: { cpu: '2', memory: '1Gi', 'nvidia.com/gpu': '1' },
                  requests: { cpu: '250m', memory: '128974848', 'ephemeral-storage': '1G' },
                },
                volumeMounts: [
                  { name: 'scratch', mountPath: '/scratch' },
                  { name: 'cfg', mountPath: '/etc/cfg', readOnly: true, subPath: 'p', mountPropagation: 'HostToContainer' },
                ],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  successThreshold: 1,
                  failureThreshold: 3,
                  terminationGracePeriodSeconds: 0,
                },
                readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
                startupProbe: { exec: { command: ['cat', '/ready'] }, failureThreshold: 30 },
                lifecycle: {
                  postStart: { exec: { command: ['echo', 'hi'] } },
                  preStop: { httpGet: { path: '/stop', port: 'http', host: 'localhost' } },
                },
                securityContext: {
                  capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
                  privileged: false,
                  runAsUser: 0,
                  runAsGroup: 1000,
                  runAsNonRoot: false,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  seccompProfile: { type: 'RuntimeDefault' },
                  seLinuxOptions: { level: 's0:c1,c2' },
                },
                stdin: true,
                tty: true,
                terminationMessagePolicy: 'FallbackToLogsOnError',
                imagePullPolicy: 'IfNotPresent',
              },
              { name: 'sidecar', image: 'busybox', readinessProbe: { grpc: { port: 9090, service: 'health' } } },
            ],
            restartPolicy: 'OnFailure',
            terminationGracePeriodSeconds: 0,
            activeDeadlineSeconds: 900,
            dnsPolicy: 'None',
            nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' },
            serviceAccountName: 'runner',
            automountServiceAccountToken: false,
            hostNetwork: true,
            shareProcessNamespace: true,
            securityContext: {
              runAsUser: 1000,
              fsGroup: 2000,
              supplementalGroups: [0, 3000],
              fsGroupChangePolicy: 'OnRootMismatch',
              sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
            },
            imagePullSecrets: [{ name: 'reg' }],
            hostname: 'h',
            subdomain: 'sub',
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
                },
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 10, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] } },
                ],
              },
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['data'] },
                ],
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
                      topologyKey: 'zone',
                      matchLabelKeys: ['pod-template-hash'],
                    },
                  },
                ],
              },
            },
            schedulerName: 'custom',
            tolerations: [
              { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
              { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
            ],
            hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local', 'b.local'] }],
            priorityClassName: 'high',
            priority: 0,
            dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
            readinessGates: [{ conditionType: 'example.com/ready' }],
            runtimeClassName: 'gvisor',
            enableServiceLinks: false,
            preemptionPolicy: 'Never',
            overhead: { cpu: '100m' },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { app: 'rich' } },
                minDomains: 2,
                nodeAffinityPolicy: 'Honor',
              },
            ],
            setHostnameAsFQDN: false,
            os: { name: 'linux' },
            hostUsers: true,
            schedulingGates: [{ name: 'example.com/gate' }],
          },
        },
      },
    },
  },
};
