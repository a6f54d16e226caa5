import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { generateAdminCert, generateCa, generateClientCert, generateServerCert, ensureCerts, type PemPair } from './certs.js';
import { authenticateClientCertificate, peerCertificateInfo, type PeerCertificateInfo } from './client_certificate.js';
import { AuthErrorCode } from './errors.js';

let ca: PemPair;
let server: PemPair;
let admin: PemPair;

beforeAll(async () => {
  ca = await generateCa();
  server = await generateServerCert(ca, { hosts: ['ketch.example', '10.0.0.7'] });
  admin = await generateAdminCert(ca);
});

describe('generated certificates', () => {
  it('makes a 10-year self-signed CA', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    const years = (new Date(cert.validTo).getTime() - Date.now()) / (365 * 24 * 3600 * 1000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('signs a serving certificate with the default and extra SANs', () => {
    const cert = new X509Certificate(server.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    for (const host of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'ketch.example']) {
      expect(cert.checkHost(host), host).toBe(host);
    }
    for (const ip of ['127.0.0.1', '::1', '10.0.0.7']) expect(cert.checkIP(ip), ip).toBe(ip);
    expect(cert.checkHost('evil.example')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('makes the admin client certificate CN=admin, O=system:masters', () => {
    const cert = new X509Certificate(admin.certPem);
    expect(cert.subject.split('\n')).toEqual(['O=system:masters', 'CN=admin']);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('signs with an RSA CA key too (a kubeadm CA)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    // kubeadm writes PKCS#1 RSA CA keys; only the signing path matters here, so the issuer
    // certificate is ketch's EC CA and the signature must come from the RSA key
    const rsaCa = { certPem: ca.certPem, keyPem: rsaKeyPem };
    const leaf = await generateClientCert(rsaCa, { commonName: 'u' });
    const cert = new X509Certificate(leaf.certPem);
    // signed by the RSA key, so it verifies against its public key and not the EC CA's
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(false);
  });
});

/** A TLS server that records the peer-certificate facts of each connection. */
async function startTlsServer(): Promise<{ port: number; peers: PeerCertificateInfo[]; close: () => Promise<void> }> {
  const peers: PeerCertificateInfo[] = [];
  const srv = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (socket) => {
    const info = peerCertificateInfo(socket);
    if (info !== undefined) peers.push(info);
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return { port, peers, close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}

function tlsExchange(options: ConnectionOptions): Promise<{ authorized: boolean; error?: Error; data: string }> {
  return new Promise((resolve) => {
    let data = '';
    const socket: TLSSocket = connect(options);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve({ authorized: socket.authorized, data }));
    socket.on('error', (error) => resolve({ authorized: false, error, data }));
  });
}

describe('Node tls accepts the certificates', () => {
  let tlsServer: Awaited<ReturnType<typeof startTlsServer>>;
  beforeAll(async () => {
    tlsServer = await startTlsServer();
  });
  afterAll(async () => {
    await tlsServer.close();
  });

  it('verifies the server by the CA and the hostname localhost', async () => {
    const result = await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem });
    expect(result).toEqual({ authorized: true, data: 'hello\n' });
  });

  it('verifies the server by its IP SAN', async () => {
    const result = await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, ca: ca.certPem });
    expect(result.error).toBeUndefined();
    expect(result.authorized).toBe(true);
  });

  it('refuses a hostname the certificate does not name, and an unknown CA', async () => {
    const wrongHost = await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'evil.example', ca: ca.certPem });
    expect((wrongHost.error as NodeJS.ErrnoException | undefined)?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const other = await generateCa({ commonName: 'other' });
    const wrongCa = await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: other.certPem });
    expect(wrongCa.error).toBeDefined();
    expect(wrongCa.authorized).toBe(false);
  });

  it('presents the admin client certificate: the server reads CN and O and authenticates it', async () => {
    const before = tlsServer.peers.length;
    const result = await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem, key: admin.keyPem, cert: admin.certPem });
    expect(result.authorized).toBe(true);
    const peer = tlsServer.peers[before];
    expect(peer?.authorized).toBe(true);
    expect(peer?.certificate?.subject).toMatchObject({ CN: 'admin', O: 'system:masters' });
    expect(authenticateClientCertificate(peer)).toEqual({ kind: 'user', user: { name: 'admin', groups: ['system:masters'] } });
    expect(createAuthenticator().authenticate({}, peer)).toMatchObject({ method: 'x509', user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] } });
  });

  it('reads several organizations as several groups', async () => {
    const dev = await generateClientCert(ca, { commonName: 'dev', organizations: ['team-a', 'team-b'] });
    const before = tlsServer.peers.length;
    await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem, key: dev.keyPem, cert: dev.certPem });
    expect(authenticateClientCertificate(tlsServer.peers[before])).toEqual({ kind: 'user', user: { name: 'dev', groups: ['team-a', 'team-b'] } });
  });

  it('sees a client certificate from another CA as unverified (401), and no certificate as none', async () => {
    const rogueCa = await generateCa({ commonName: 'rogue' });
    const rogue = await generateAdminCert(rogueCa);
    const before = tlsServer.peers.length;
    await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem, key: rogue.keyPem, cert: rogue.certPem });
    await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem });
    expect(authenticateClientCertificate(tlsServer.peers[before])).toMatchObject({ kind: 'invalid' });
    expect(createAuthenticator().authenticate({}, tlsServer.peers[before])).toMatchObject({
      authenticated: false,
      error: { code: AuthErrorCode.INVALID_CLIENT_CERTIFICATE },
    });
    expect(authenticateClientCertificate(tlsServer.peers[before + 1])).toEqual({ kind: 'none' });
  });

  it('does not accept a serving certificate as a client certificate (no clientAuth usage)', async () => {
    const before = tlsServer.peers.length;
    await tlsExchange({ host: '127.0.0.1', port: tlsServer.port, servername: 'localhost', ca: ca.certPem, key: server.keyPem, cert: server.certPem });
    expect(authenticateClientCertificate(tlsServer.peers[before])).toMatchObject({ kind: 'invalid' });
  });

  it('serves HTTPS that a client verifying the CA can call', async () => {
    const srv = createHttpsServer({ key: server.keyPem, cert: server.certPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const port = (srv.address() as AddressInfo).port;
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: 'localhost', port, path: '/', ca: ca.certPem, lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]) }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('ok');
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });
});

describe('ensureCerts', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('writes the six files with private keys 0600, and reuses them on the next call', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ketch-certs-'));
    const first = await ensureCerts(join(dir, 'pki'), { hosts: ['node1.local'] });
    expect([...first.written].sort()).toEqual(['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key', 'ca.crt', 'ca.key']);
    for (const key of [first.caKey, first.serverKey, first.adminKey]) expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect((await stat(first.caCert)).mode & 0o777).toBe(0o644);
    const serving = new X509Certificate(await readFile(first.serverCert, 'utf8'));
    expect(serving.checkHost('node1.local')).toBe('node1.local');
    expect(serving.checkIssued(new X509Certificate(await readFile(first.caCert, 'utf8')))).toBe(true);

    const caBefore = await readFile(first.caCert, 'utf8');
    const second = await ensureCerts(join(dir, 'pki'), { hosts: ['node1.local'] });
    expect(second.written).toEqual([]);
    expect(await readFile(second.caCert, 'utf8')).toBe(caBefore);
  });

  it('regenerates a leaf that is missing, expiring or lacks a requested host, keeping the CA', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ketch-certs-'));
    const first = await ensureCerts(dir);
    const caPem = await readFile(first.caCert, 'utf8');
    await rm(first.adminKey);
    expect((await ensureCerts(dir)).written).toEqual(['admin.key', 'admin.crt']);
    expect((await ensureCerts(dir, { hosts: ['new.example'] })).written).toEqual(['apiserver.key', 'apiserver.crt']);
    const inElevenMonths = new Date(Date.now() + 340 * 24 * 3600 * 1000);
    expect([...(await ensureCerts(dir, { hosts: ['new.example'], now: inElevenMonths })).written].sort()).toEqual([
      'admin.crt',
      'admin.key',
      'apiserver.crt',
      'apiserver.key',
    ]);
    expect(await readFile(first.caCert, 'utf8')).toBe(caPem);
  });

  it('refuses a CA certificate without its key, and a file that is not PEM', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ketch-certs-'));
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    await expect(ensureCerts(dir)).rejects.toMatchObject({ code: AuthErrorCode.CERTIFICATE });
    await writeFile(join(dir, 'ca.key'), 'not a key');
    await expect(ensureCerts(dir)).rejects.toMatchObject({ code: AuthErrorCode.CERTIFICATE });
  });

  it('keeps a CA it did not make, and signs the leaves with it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ketch-certs-'));
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    await writeFile(join(dir, 'ca.key'), ca.keyPem, { mode: 0o600 });
    const result = await ensureCerts(dir);
    expect([...result.written].sort()).toEqual(['admin.crt', 'admin.key', 'apiserver.crt', 'apiserver.key']);
    expect(new X509Certificate(await readFile(result.adminCert, 'utf8')).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });
});
