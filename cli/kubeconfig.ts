/**
 * A kubeconfig for a ketch API server, as kubectl and client libraries read it.
 */
export interface KubeconfigOptions {
  readonly server: string;
  readonly name?: string;
  readonly token?: string;
  readonly caData?: string;
  readonly clientCertData?: string;
  readonly clientKeyData?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

export function kubeconfig(opts: KubeconfigOptions): string {
  const name = opts.name ?? 'ketch';
  const cluster = [`    server: ${opts.server}`];
  if (opts.caData !== undefined) cluster.push(`    certificate-authority-data: ${b64(opts.caData)}`);
  // Over plain HTTP there is no certificate to check; client libraries (client-node) insist on this flag then.
  else if (opts.server.startsWith('http://')) cluster.push('    insecure-skip-tls-verify: true');
  const user: string[] = [];
  if (opts.token !== undefined) user.push(`    token: ${opts.token}`);
  if (opts.clientCertData !== undefined) user.push(`    client-certificate-data: ${b64(opts.clientCertData)}`);
  if (opts.clientKeyData !== undefined) user.push(`    client-key-data: ${b64(opts.clientKeyData)}`);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    ...cluster,
    'users:',
    `- name: ${name}-admin`,
    user.length > 0 ? '  user:' : '  user: {}',
    ...user,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    '    namespace: default',
    `current-context: ${name}`,
    '',
  ].join('\n');
}
