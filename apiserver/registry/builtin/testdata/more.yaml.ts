/**
 * Manifests of the networking, storage, policy, autoscaling and scheduling types, after the
 * examples of the Kubernetes documentation.
 */

export const helloCronJob = `
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Paris
  startingDeadlineSeconds: 200
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: busybox:1.36, args: [date]}]
`;

export const nginxIngressClass = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
`;

export const webIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com], secretName: a-tls}]
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
  - host: "*.b.example.com"
    http:
      paths:
      - {path: /api, pathType: Exact, backend: {service: {name: api, port: {name: http}}}}
`;

export const dbNetworkPolicy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}}, {podSelector: {matchLabels: {role: frontend}}}]
    ports: [{protocol: TCP, port: 6379}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{port: 32000, endPort: 32768}]
`;

export const hostPathVolume = `
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv0001}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  persistentVolumeReclaimPolicy: Recycle
  storageClassName: slow
  mountOptions: [hard]
  hostPath: {path: /data/pv0001}
`;

export const claim = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim1}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: slow
  resources: {requests: {storage: 1Gi}}
  selector: {matchLabels: {release: stable}}
`;

export const computeQuota = `
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec:
  hard: {requests.cpu: "1", requests.memory: 1Gi, limits.cpu: "2", limits.memory: 2Gi, pods: "10", requests.nvidia.com/gpu: 4}
`;

export const memLimitRange = `
apiVersion: v1
kind: LimitRange
metadata: {name: mem}
spec:
  limits:
  - type: Container
    max: {memory: 1Gi}
    min: {memory: 100Mi}
  - type: PersistentVolumeClaim
    max: {storage: 2Gi}
`;

export const zkBudget = `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zk}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: zookeeper}}
`;

export const phpAutoscaler = `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: php}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: php-apache}
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Pods
    pods: {metric: {name: packets-per-second}, target: {type: AverageValue, averageValue: 1k}}
`;

export const highPriorityClass = `
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-priority}
value: 1000000
globalDefault: false
description: for XYZ service pods only
`;

export const standardStorageClass = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
allowedTopologies:
- matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [us-central-1a]}]
`;

/** Every manifest above, in an order a server-side apply of them all can create them. */
export const allMoreTypes: readonly string[] = [
  helloCronJob,
  nginxIngressClass,
  webIngress,
  dbNetworkPolicy,
  hostPathVolume,
  claim,
  computeQuota,
  memLimitRange,
  zkBudget,
  phpAutoscaler,
  highPriorityClass,
  standardStorageClass,
];
