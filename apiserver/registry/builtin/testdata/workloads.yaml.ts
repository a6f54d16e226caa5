/** Workload manifests from the Kubernetes documentation and real `kubectl get -o yaml` output. */

export const nginxDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
`;

/** A pod with probes, lifecycle hooks, env sources, volumes of every common kind, resources, affinity. */
export const busyPod = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels: { app: web, tier: frontend }
  annotations: { example.com/owner: team-a }
  ownerReferences:
  - apiVersion: apps/v1
    kind: ReplicaSet
    name: web-5d4f8
    uid: 4f5b1a3c-0000-4000-8000-000000000001
    controller: true
    blockOwnerDeletion: true
  finalizers: [example.com/cleanup]
spec:
  serviceAccountName: web
  automountServiceAccountToken: false
  priorityClassName: high
  nodeSelector: { kubernetes.io/os: linux }
  hostAliases:
  - ip: 127.0.0.1
    hostnames: [foo.local, bar.local]
  dnsPolicy: None
  dnsConfig:
    nameservers: [1.2.3.4]
    searches: [ns1.svc.cluster-domain.example]
    options:
    - name: ndots
      value: "2"
    - name: edns0
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
    fsGroupChangePolicy: OnRootMismatch
    supplementalGroups: [4000]
    seccompProfile: { type: RuntimeDefault }
    sysctls:
    - name: net.ipv4.ip_local_port_range
      value: "32768 60999"
  imagePullSecrets:
  - name: regcred
  tolerations:
  - key: example.com/dedicated
    operator: Equal
    value: web
    effect: NoSchedule
  - key: node.kubernetes.io/not-ready
    operator: Exists
    effect: NoExecute
    tolerationSeconds: 300
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - key: topology.kubernetes.io/zone
            operator: In
            values: [antarctica-east1, antarctica-west1]
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 1
        preference:
          matchExpressions:
          - key: another-node-label-key
            operator: In
            values: [another-node-label-value]
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector:
            matchExpressions:
            - key: app
              operator: In
              values: [web]
          topologyKey: kubernetes.io/hostname
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector:
      matchLabels: { app: web }
    matchLabelKeys: [pod-template-hash]
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice; do echo waiting; sleep 2; done"]
  - name: log-shipper
    image: alpine:latest
    restartPolicy: Always
    command: ['sh', '-c', 'tail -F /opt/logs.txt']
    volumeMounts:
    - name: data
      mountPath: /opt
  containers:
  - name: app
    image: registry.example.com/web@sha256:0f5a3b2c
    imagePullPolicy: IfNotPresent
    args: ["--port=8080"]
    workingDir: /srv
    ports:
    - name: http
      containerPort: 8080
      protocol: TCP
    - containerPort: 9090
      hostPort: 9090
      hostIP: 0.0.0.0
    env:
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: CPU_LIMIT
      valueFrom:
        resourceFieldRef:
          containerName: app
          resource: limits.cpu
          divisor: 1m
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: { name: db, key: password, optional: false }
    - name: LOG_LEVEL
      valueFrom:
        configMapKeyRef: { name: settings, key: log-level }
    - name: GREETING
      value: hello
    envFrom:
    - configMapRef: { name: settings }
      prefix: CFG_
    - secretRef: { name: extra, optional: true }
    resources:
      requests: { cpu: 250m, memory: 64Mi, ephemeral-storage: 1Gi }
      limits: { cpu: "1", memory: 128Mi }
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
    readinessProbe:
      tcpSocket: { port: http }
      initialDelaySeconds: 15
      periodSeconds: 10
    startupProbe:
      exec:
        command: [cat, /tmp/healthy]
      failureThreshold: 30
      periodSeconds: 10
    lifecycle:
      postStart:
        exec:
          command: ["/bin/sh", "-c", "echo Hello > /usr/share/message"]
      preStop:
        sleep: { seconds: 5 }
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      capabilities:
        add: [NET_BIND_SERVICE]
        drop: [ALL]
    volumeMounts:
    - name: data
      mountPath: /data
    - name: config
      mountPath: /etc/config
      readOnly: true
    - name: secret
      mountPath: /etc/secret
    - name: host-logs
      mountPath: /var/log/host
      mountPropagation: HostToContainer
    - name: claim
      mountPath: /claim
      subPath: web
    - name: all-in-one
      mountPath: /projected
    - name: podinfo
      mountPath: /etc/podinfo
    - name: nfs
      mountPath: /mnt/nfs
    - name: cache
      mountPath: /cache
  - name: grpc
    image: registry.k8s.io/etcd:3.5.1-0
    livenessProbe:
      grpc: { port: 2379 }
      initialDelaySeconds: 10
  volumes:
  - name: data
    emptyDir: {}
  - name: cache
    emptyDir: { medium: Memory, sizeLimit: 500Mi }
  - name: config
    configMap:
      name: settings
      items:
      - key: game.properties
        path: game.properties
      defaultMode: 0644
  - name: secret
    secret: { secretName: db, optional: true }
  - name: host-logs
    hostPath: { path: /var/log, type: Directory }
  - name: claim
    persistentVolumeClaim: { claimName: web-data, readOnly: false }
  - name: all-in-one
    projected:
      sources:
      - secret:
          name: mysecret
          items:
          - key: username
            path: my-group/my-username
      - downwardAPI:
          items:
          - path: labels
            fieldRef: { fieldPath: metadata.labels }
      - configMap: { name: myconfigmap }
      - serviceAccountToken:
          audience: api
          expirationSeconds: 3600
          path: token
  - name: podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef: { fieldPath: metadata.labels }
      - path: cpu_limit
        resourceFieldRef: { containerName: app, resource: limits.cpu, divisor: 1m }
  - name: nfs
    nfs: { server: nfs.example.com, path: /exports, readOnly: true }
  - name: ebs
    awsElasticBlockStore: { volumeID: vol-0123, fsType: ext4 }
  - name: scratch
    ephemeral:
      volumeClaimTemplate:
        metadata:
          labels: { type: scratch }
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: fast
          resources:
            requests: { storage: 1Gi }
`;

/** A pod as the server returns it: defaulted, scheduled, running, with managed fields. */
export const runningPod = `
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2024-05-01T11:00:00Z"
  generateName: nginx-deployment-86dcfdf4c6-
  labels:
    app: nginx
    pod-template-hash: 86dcfdf4c6
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata:
        f:generateName: {}
        f:labels:
          .: {}
          f:app: {}
      f:spec:
        f:containers:
          k:{"name":"nginx"}:
            .: {}
            f:image: {}
    manager: kube-controller-manager
    operation: Update
    time: "2024-05-01T11:00:00Z"
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:status:
        f:conditions: {}
    manager: kubelet
    operation: Update
    subresource: status
    time: "2024-05-01T11:00:05Z"
  name: nginx-deployment-86dcfdf4c6-7xvzl
  namespace: default
  resourceVersion: "1234"
  uid: 0b6e7c2e-8f0a-4c6b-9d6c-1d2b3c4d5e6f
spec:
  containers:
  - image: nginx:1.14.2
    imagePullPolicy: IfNotPresent
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-abcde
      readOnly: true
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: node-1
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: kube-api-access-abcde
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T11:00:03Z"
    status: "True"
    type: PodReadyToStartContainers
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T11:00:00Z"
    status: "True"
    type: Initialized
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T11:00:03Z"
    status: "True"
    type: Ready
  containerStatuses:
  - containerID: containerd://1c2d
    image: docker.io/library/nginx:1.14.2
    imageID: docker.io/library/nginx@sha256:f7988fb6c02e
    lastState: {}
    name: nginx
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2024-05-01T11:00:02Z"
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-abcde
      readOnly: true
      recursiveReadOnly: Disabled
  hostIP: 10.0.0.11
  hostIPs:
  - ip: 10.0.0.11
  phase: Running
  podIP: 10.244.1.7
  podIPs:
  - ip: 10.244.1.7
  qosClass: BestEffort
  startTime: "2024-05-01T11:00:00Z"
`;

export const webStatefulSet = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 3
  minReadySeconds: 10
  ordinals: { start: 0 }
  persistentVolumeClaimRetentionPolicy: { whenDeleted: Retain, whenScaled: Delete }
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: { partition: 0, maxUnavailable: 1 }
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`;

export const fluentdDaemonSet = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: { maxUnavailable: 10%, maxSurge: 0 }
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

export const piJob = `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  backoffLimit: 4
  ttlSecondsAfterFinished: 100
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: pi
        operator: In
        values: [42]
    - action: Ignore
      onPodConditions:
      - type: DisruptionTarget
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
`;
