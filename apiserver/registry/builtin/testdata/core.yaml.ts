/** Core, coordination, RBAC and CRD manifests from the Kubernetes documentation and real clusters. */

export const myService = `
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: MyApp
  ports:
  - name: http
    protocol: TCP
    port: 80
    targetPort: 9376
    nodePort: 30007
  - name: https
    protocol: TCP
    port: 443
    targetPort: https
    appProtocol: https
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP: { timeoutSeconds: 10800 }
  externalTrafficPolicy: Local
  loadBalancerSourceRanges: [10.0.0.0/8]
  ipFamilyPolicy: PreferDualStack
  ipFamilies: [IPv4, IPv6]
  trafficDistribution: PreferClose
status:
  loadBalancer:
    ingress:
    - ip: 192.0.2.127
      ipMode: VIP
      ports:
      - port: 80
        protocol: TCP
`;

export const gameConfig = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
data:
  player_initial_lives: "3"
  ui_properties_file_name: "user-interface.properties"
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
binaryData:
  logo.png: iVBORw0KGgo=
immutable: false
`;

export const tlsSecret = `
apiVersion: v1
kind: Secret
metadata:
  name: secret-tls
type: kubernetes.io/tls
data:
  tls.crt: MIIC2DCCAcCgAwIBAgIBATANBgkqh
  tls.key: MIIEpgIBAAKCAQEA7yn3bRHQ5FHMQ
stringData:
  note: hello
`;

export const namespaceWithStatus = `
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels: { kubernetes.io/metadata.name: team-a }
spec:
  finalizers: [kubernetes]
status:
  phase: Terminating
  conditions:
  - type: NamespaceDeletionDiscoveryFailure
    status: "False"
    reason: ResourcesDiscovered
    message: All resources successfully discovered
    lastTransitionTime: "2024-05-01T11:00:00Z"
`;

export const serviceAccount = `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: build-robot
automountServiceAccountToken: false
imagePullSecrets:
- name: myregistrykey
secrets:
- name: build-robot-token
`;

export const endpointsObject = `
apiVersion: v1
kind: Endpoints
metadata:
  name: my-service
subsets:
- addresses:
  - ip: 192.0.2.42
    nodeName: node-1
    targetRef: { kind: Pod, name: web-0, namespace: default, uid: 1a2b }
  notReadyAddresses:
  - ip: 192.0.2.43
  ports:
  - name: http
    port: 9376
    protocol: TCP
    appProtocol: http
`;

export const scheduledEvent = `
apiVersion: v1
kind: Event
metadata:
  name: web-0.17c1d2e3f4a5b6c7
  namespace: default
involvedObject:
  apiVersion: v1
  kind: Pod
  name: web-0
  namespace: default
  resourceVersion: "1234"
  uid: 1a2b
  fieldPath: spec.containers{nginx}
reason: Pulled
message: Successfully pulled image "nginx:1.14.2" in 1.2s
source: { component: kubelet, host: node-1 }
firstTimestamp: "2024-05-01T11:00:01Z"
lastTimestamp: "2024-05-01T11:00:01Z"
count: 1
type: Normal
eventTime: null
reportingComponent: kubelet
reportingInstance: node-1
action: Pulling
series: { count: 2, lastObservedTime: "2024-05-01T11:00:02.000000Z" }
`;

export const kubeletNode = `
apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels:
    kubernetes.io/hostname: node-1
    node-role.kubernetes.io/control-plane: ""
spec:
  podCIDR: 10.244.0.0/24
  podCIDRs: [10.244.0.0/24]
  providerID: kind://docker/kind/node-1
  taints:
  - key: node-role.kubernetes.io/control-plane
    effect: NoSchedule
status:
  addresses:
  - type: InternalIP
    address: 172.18.0.2
  - type: Hostname
    address: node-1
  allocatable: { cpu: "8", ephemeral-storage: 100Gi, memory: 16Gi, pods: "110" }
  capacity: { cpu: "8", ephemeral-storage: 100Gi, memory: 16Gi, pods: "110" }
  conditions:
  - type: Ready
    status: "True"
    reason: KubeletReady
    message: kubelet is posting ready status
    lastHeartbeatTime: "2024-05-01T11:59:00Z"
    lastTransitionTime: "2024-05-01T11:00:00Z"
  daemonEndpoints:
    kubeletEndpoint: { Port: 10250 }
  features: { supplementalGroupsPolicy: true }
  images:
  - names: [registry.k8s.io/etcd:3.5.15-0]
    sizeBytes: 56909194
  nodeInfo:
    architecture: amd64
    bootID: 6c1d
    containerRuntimeVersion: containerd://1.7.18
    kernelVersion: 6.8.0
    kubeProxyVersion: v1.32.0
    kubeletVersion: v1.32.0
    machineID: 2e2c
    operatingSystem: linux
    osImage: Debian GNU/Linux 12 (bookworm)
    systemUUID: 9a8b
  runtimeHandlers:
  - name: runc
    features: { recursiveReadOnlyMounts: true, userNamespaces: true }
`;

export const leaderLease = `
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: kube-controller-manager
  namespace: kube-system
spec:
  acquireTime: "2024-05-01T11:00:00.000000Z"
  holderIdentity: node-1_3d2e
  leaseDurationSeconds: 15
  leaseTransitions: 2
  renewTime: "2024-05-01T11:59:58.123456Z"
`;

export const rbacObjects = [
  `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  namespace: default
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "watch", "list"]
`,
  `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
rules:
- nonResourceURLs: ["/healthz", "/healthz/*"]
  verbs: ["get", "post"]
`,
  `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: default
subjects:
- kind: User
  name: jane
  apiGroup: rbac.authorization.k8s.io
- kind: ServiceAccount
  name: default
  namespace: kube-system
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
`,
  `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-secrets-global
subjects:
- kind: Group
  name: manager
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: secret-reader
  apiGroup: rbac.authorization.k8s.io
`,
];

export const cronTabCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                cronSpec:
                  type: string
                  pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
              x-kubernetes-validations:
              - rule: "self.replicas <= 10"
                message: "replicas should be at most 10"
            status:
              type: object
              properties:
                replicas: { type: integer }
                labelSelector: { type: string }
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
          labelSelectorPath: .status.labelSelector
      additionalPrinterColumns:
      - name: Spec
        type: string
        description: The cron spec defining the interval a CronJob is run
        jsonPath: .spec.cronSpec
      - name: Replicas
        type: integer
        jsonPath: .spec.replicas
      - name: Age
        type: date
        jsonPath: .metadata.creationTimestamp
      selectableFields:
      - jsonPath: .spec.image
    - name: v1beta1
      served: true
      storage: false
      deprecated: true
      deprecationWarning: "stable.example.com/v1beta1 CronTab is deprecated"
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
    categories: [all]
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: ["v1", "v1beta1"]
      clientConfig:
        service:
          namespace: default
          name: example-conversion-webhook-server
          path: /crdconvert
        caBundle: Ci0tLS0tQkVHSU4gQ0VSVElGSUNBVEUtLS0tLQo=
`;
