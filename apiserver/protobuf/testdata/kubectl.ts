/**
 * Captures what the real kubectl sends: each command is run once against the fake API server
 * (recording its protobuf POST body) and once with `--dry-run=client -o json` (the object the
 * generator built, as encoding/json writes it). Test support only; kubectl comes from $KUBECTL
 * or PATH.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer } from './fake_apiserver.js';

export interface CaptureCommand {
  readonly name: string;
  readonly args: readonly string[];
}

export const CAPTURE_COMMANDS: readonly CaptureCommand[] = [
  { name: 'configmap', args: ['create', 'configmap', 'c', '--from-literal=a=1', '--from-literal=b=2'] },
  { name: 'deployment', args: ['create', 'deployment', 'd', '--image=nginx:1.27', '--replicas=3', '--port=80'] },
  { name: 'namespace', args: ['create', 'namespace', 'n'] },
  { name: 'secret', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'] },
  { name: 'service', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'] },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'] },
  { name: 'role', args: ['create', 'role', 'r', '--verb=get', '--resource=pods'] },
  { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'b', '--clusterrole=view', '--user=alice'] },
  { name: 'job', args: ['create', 'job', 'j', '--image=busybox'] },
  // kubectl run builds an unstructured object and sends it as JSON, not protobuf.
  { name: 'pod', args: ['run', 'p', '--image=nginx', '--labels=app=p', '--env=A=1', '--port=80'] },
  // Beyond the brief's list: commands whose objects carry the special types.
  { name: 'configmap-binary', args: ['create', 'configmap', 'bin', '--from-file={dir}/blob.bin', '--from-file={dir}/note.txt'] },
  { name: 'secret-docker', args: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'] },
  { name: 'quota', args: ['create', 'quota', 'q', '--hard=cpu=1500m,memory=2Gi,pods=10', '--scopes=NotBestEffort'] },
  { name: 'pdb', args: ['create', 'poddisruptionbudget', 'pdb', '--selector=app=a', '--min-available=50%'] },
  { name: 'priorityclass', args: ['create', 'priorityclass', 'high', '--value=1000', '--global-default', '--description=d'] },
  { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'] },
  { name: 'ingress', args: ['create', 'ingress', 'ing', '--rule=example.com/path*=svc:8080', '--class=nginx'] },
  { name: 'service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080'] },
  { name: 'deployment-multi', args: ['create', 'deployment', 'dm', '--image=nginx', '--image=busybox:1.36'] },
  { name: 'clusterrole', args: ['create', 'clusterrole', 'cr', '--verb=get,list', '--resource=deployments.apps,pods', '--resource-name=x'] },
  // A Job copied from testdata/rich_cronjob.ts: most of the PodSpec tree, marshalled by Go.
  { name: 'job-from-cronjob', args: ['create', 'job', 'from-rich', '--from=cronjob/rich'] },
  { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--serviceaccount=default:sa', '--group=devs'] },
  // The other generators of the served types, with the flags that fill more of their messages.
  { name: 'pdb-count', args: ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=x', '--max-unavailable=1'] },
  { name: 'ingress-tls', args: ['create', 'ingress', 'secure', '--class=nginx', '--default-backend=default:80', '--rule=foo.com/bar*=svc1:http,tls=my-cert', '--annotation=a=b'] },
  { name: 'cronjob-never', args: ['create', 'cronjob', 'cj2', '--image=busybox', '--schedule=@hourly', '--restart=Never', '--', 'echo', 'hi'] },
  { name: 'priorityclass-never', args: ['create', 'priorityclass', 'low', '--value=10', '--preemption-policy=Never'] },
];

/** Files the commands read, written into the capture's scratch directory ({dir} in args). */
const INPUT_FILES: Readonly<Record<string, Uint8Array>> = {
  'blob.bin': Uint8Array.of(0xff, 0x00, 0x01, 0xfe, 0x80),
  'note.txt': new TextEncoder().encode('hello\n'),
};

export interface Capture {
  readonly name: string;
  readonly args: readonly string[];
  /** Path and query of the POST. */
  readonly url: string;
  readonly contentType: string;
  /** The User-Agent of the POST: the kubectl that actually ran (the dispatcher may pick another build). */
  readonly userAgent: string;
  readonly body: Buffer;
  /** `--dry-run=client -o json` output, re-serialized compactly (key order kept). */
  readonly dryRunJson: string;
}

export function kubectlBinary(): string {
  return process.env['KUBECTL'] ?? 'kubectl';
}

const KUBECTL_TIMEOUT_MS = 30_000;

function run(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, [...args], { env, timeout: KUBECTL_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${binary} ${args.join(' ')} failed: ${String(err)}\n${stderr}`, { cause: err }));
      else resolve({ stdout, stderr });
    });
  });
}

/** `kubectl version --client` output, or undefined when there is no kubectl to run. */
export async function kubectlClientVersion(binary = kubectlBinary()): Promise<string | undefined> {
  try {
    const { stdout } = await run(binary, ['version', '--client', '-o', 'json'], process.env);
    const parsed = JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } };
    return parsed.clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

/** `args` with `flags` added before a `--` (after which everything is the container's command). */
function withFlags(args: readonly string[], flags: readonly string[]): string[] {
  const dashes = args.indexOf('--');
  return dashes < 0 ? [...args, ...flags] : [...args.slice(0, dashes), ...flags, ...args.slice(dashes)];
}

/** Runs every command of `commands` against a fresh fake API server and returns what kubectl sent. */
export async function captureWithKubectl(commands: readonly CaptureCommand[], binary = kubectlBinary()): Promise<Capture[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ketch-pb-kubectl-'));
  const server = await startFakeApiServer();
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${server.url}"}}]`,
        'users: [{name: fake, user: {}}]',
        'contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: default}}]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    // A private HOME and cache dir: nothing of the user's kubectl setup leaks in or is touched.
    for (const [name, data] of Object.entries(INPUT_FILES)) await writeFile(join(dir, name), data);
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir };
    const common = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')];
    const captures: Capture[] = [];
    for (const command of commands) {
      const args = command.args.map((a) => a.replaceAll('{dir}', dir));
      const before = server.requests.length;
      await run(binary, [...common, ...args], env);
      const posts = server.requests.slice(before).filter((r) => r.method === 'POST');
      if (posts.length !== 1) throw new Error(`${command.name}: expected one POST, saw ${posts.length}`);
      const post = posts[0] as (typeof posts)[number];
      const { stdout } = await run(binary, [...common, ...withFlags(args, ['--dry-run=client', '-o', 'json'])], env);
      captures.push({
        name: command.name,
        args: command.args,
        url: post.url,
        contentType: post.contentType,
        userAgent: post.userAgent,
        body: post.body,
        dryRunJson: JSON.stringify(JSON.parse(stdout)),
      });
    }
    return captures;
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
