/**
 * `ketch certs`: a CA, the API server's serving certificate and an admin client certificate
 * (CN admin, O system:masters) in one directory, made when missing (kubeadm's `certs` phase, in small).
 */
import { parseArgs } from 'node:util';
import { ensureCerts } from '../apiserver/index.js';

const HELP = `usage: ketch certs [--cert-dir DIR] [--hosts H1,H2]

Writes ca.crt/ca.key, apiserver.crt/apiserver.key and admin.crt/admin.key into DIR (default
./.ketch/pki) when they are missing or no longer fit (expiring, other CA, missing hosts).
The serving certificate covers localhost, 127.0.0.1, ::1, kubernetes.default.svc and --hosts.
`;

export async function runCertsCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { 'cert-dir': { type: 'string', default: '.ketch/pki' }, hosts: { type: 'string', default: '' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true }));
  } catch (err) {
    process.stderr.write(`ketch certs: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const hosts = values.hosts.split(',').map((h) => h.trim()).filter((h) => h !== '');
  const r = await ensureCerts(values['cert-dir'], { hosts });
  process.stdout.write(r.written.length === 0 ? `ketch certs: ${r.dir} is up to date\n` : `ketch certs: wrote ${r.written.join(', ')} in ${r.dir}\n`);
  return 0;
}
