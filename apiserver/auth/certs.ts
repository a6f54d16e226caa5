import { X509Certificate as NodeX509Certificate, createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { basename, join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import { AuthError, AuthErrorCode } from './errors.js';
import { installReflectMetadata } from './reflect_metadata.js';

/**
 * The API server's certificates, made with @peculiar/x509 on Node's WebCrypto: a self-signed CA
 * (10 years) that signs the serving certificate (SANs for localhost, the in-cluster `kubernetes`
 * names, 127.0.0.1 and ::1, plus any extra hosts) and client certificates (CN is the user, O the
 * groups; the admin one is CN=admin, O=system:masters). The same CA is the client CA, so the admin
 * certificate authenticates through the x509 authenticator. New keys are ECDSA P-256 in PKCS#8 PEM;
 * an existing CA key may also be RSA (kubeadm's).
 */

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** How long generated certificates last. */
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;
/** ensureCerts regenerates a leaf certificate this close to its expiry. */
export const RENEW_BEFORE_DAYS = 30;
/** Backdating of notBefore, for clocks slightly behind ours. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_SERVER_DNS_NAMES: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
export const DEFAULT_SERVER_IPS: readonly string[] = ['127.0.0.1', '::1'];

export interface CertOptions {
  /** Default: CA_VALIDITY_DAYS for a CA, LEAF_VALIDITY_DAYS otherwise. */
  readonly validityDays?: number;
  /** The issue time (tests). Default: now. */
  readonly now?: Date;
}

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

let x509Module: Promise<typeof X509> | undefined;

/** @peculiar/x509, loaded after the Reflect metadata it needs exists (see reflect_metadata.ts). */
function loadX509(): Promise<typeof X509> {
  if (x509Module === undefined) {
    installReflectMetadata();
    x509Module = import('@peculiar/x509').then((m) => {
      m.cryptoProvider.set(webcrypto as unknown as Parameters<typeof m.cryptoProvider.set>[0]);
      return m;
    });
  }
  return x509Module;
}

/** A self-signed CA. */
export async function generateCa(options: CertOptions & { readonly commonName?: string } = {}): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validity(options, CA_VALIDITY_DAYS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: new x509.Name([{ CN: [options.commonName ?? 'ketch-ca'] }]),
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

export interface ServerCertOptions extends CertOptions {
  /** Extra DNS names and IP addresses, beyond the defaults. */
  readonly hosts?: readonly string[];
  readonly commonName?: string;
}

/** The DNS names and IPs a serving certificate covers: the defaults plus `hosts`. */
export function serverCertHosts(hosts: readonly string[] = []): { dnsNames: string[]; ips: string[] } {
  const dnsNames = [...DEFAULT_SERVER_DNS_NAMES];
  const ips = [...DEFAULT_SERVER_IPS];
  for (const raw of hosts) {
    const host = raw.trim();
    if (host === '') continue;
    const list = isIP(host) === 0 ? dnsNames : ips;
    if (!list.includes(host)) list.push(host);
  }
  return { dnsNames, ips };
}

/** A serving certificate signed by `ca`. */
export async function generateServerCert(ca: PemPair, options: ServerCertOptions = {}): Promise<PemPair> {
  const { dnsNames, ips } = serverCertHosts(options.hosts);
  const names = [...dnsNames.map((value) => ({ type: 'dns' as const, value })), ...ips.map((value) => ({ type: 'ip' as const, value }))];
  return issue(ca, options, [{ CN: [options.commonName ?? 'kube-apiserver'] }], 'serverAuth', names);
}

export interface ClientCertOptions extends CertOptions {
  /** The user name. */
  readonly commonName: string;
  /** The groups. */
  readonly organizations?: readonly string[];
}

/** A client certificate signed by `ca`: CN is the user, each O a group. */
export async function generateClientCert(ca: PemPair, options: ClientCertOptions): Promise<PemPair> {
  // Go's order: organizations before the common name
  const rdns = [...(options.organizations ?? []).map((o) => ({ O: [o] })), { CN: [options.commonName] }];
  return issue(ca, options, rdns, 'clientAuth', []);
}

/** The admin client certificate: CN=admin, O=system:masters. */
export function generateAdminCert(ca: PemPair, options: CertOptions = {}): Promise<PemPair> {
  return generateClientCert(ca, { ...options, commonName: 'admin', organizations: ['system:masters'] });
}

async function issue(
  ca: PemPair,
  options: CertOptions,
  subject: Array<Record<string, string[]>>,
  usage: 'serverAuth' | 'clientAuth',
  altNames: Array<{ type: 'dns' | 'ip'; value: string }>,
): Promise<PemPair> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await importSigningKey(ca.keyPem);
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validity(options, LEAF_VALIDITY_DAYS);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[usage]], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    caKeyId === undefined ? await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey) : new x509.AuthorityKeyIdentifierExtension(caKeyId),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: new x509.Name(subject),
    issuer: caCert.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

function validity(options: CertOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const now = (options.now ?? new Date()).getTime();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + (options.validityDays ?? defaultDays) * DAY_MS) };
}

/** 128 random bits, positive and without a leading zero byte (as DER wants and Go checks). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`;
}

/** A CA key in any PEM form Node reads (PKCS#8, SEC1, PKCS#1), as a WebCrypto signing key. */
async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.EcdsaParams | webcrypto.Algorithm }> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(pem);
  } catch (err) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `cannot read the CA private key: ${(err as Error).message}`, { cause: err });
  }
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  const type = keyObject.asymmetricKeyType;
  if (type === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (namedCurve === undefined) throw new AuthError(AuthErrorCode.CERTIFICATE, `unsupported CA key curve ${String(curve)}`);
    const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
    const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash } };
  }
  if (type === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  throw new AuthError(AuthErrorCode.CERTIFICATE, `unsupported CA key type ${String(type)}`);
}

export interface CertPaths {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
}

export interface EnsureCertsOptions extends CertOptions {
  /** Extra hosts for the serving certificate. */
  readonly hosts?: readonly string[];
  readonly renewBeforeDays?: number;
}

export interface EnsureCertsResult extends CertPaths {
  /** Files written by this call (file names), empty when everything was in place. */
  readonly written: readonly string[];
}

/**
 * The CA, serving and admin certificates in `dir` (ca.crt/ca.key, apiserver.crt/apiserver.key,
 * admin.crt/admin.key), created when absent; keys are written with mode 0600, certificates 0644.
 *
 * An existing CA is kept (it may be kubeadm's or any other); a CA certificate without its key, or
 * files that do not parse, are an AuthError CERTIFICATE rather than overwritten. Leaf certificates
 * are regenerated when missing, unreadable, not issued by the CA, not matching their key, within
 * `renewBeforeDays` of expiry, or (serving) not covering a requested host.
 */
export async function ensureCerts(dir: string, options: EnsureCertsOptions = {}): Promise<EnsureCertsResult> {
  const paths: CertPaths = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'apiserver.crt'),
    serverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
  };
  const written: string[] = [];
  const now = options.now ?? new Date();
  const issueOptions: CertOptions = options.validityDays === undefined ? { now } : { now, validityDays: options.validityDays };
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `cannot create certificate directory ${dir}: ${(err as Error).message}`, { cause: err });
  }

  const save = async (pair: PemPair, certPath: string, keyPath: string): Promise<void> => {
    await writeSecurely(keyPath, pair.keyPem, 0o600);
    await writeSecurely(certPath, pair.certPem, 0o644);
    written.push(basename(keyPath), basename(certPath));
  };

  // the CA: kept if present, created if absent
  const caCertPem = await readOptional(paths.caCert);
  const caKeyPem = await readOptional(paths.caKey);
  let ca: PemPair;
  if (caCertPem === undefined && caKeyPem === undefined) {
    ca = await generateCa({ now });
    await save(ca, paths.caCert, paths.caKey);
  } else if (caCertPem === undefined) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `${paths.caKey} exists without its certificate ${paths.caCert}`);
  } else if (caKeyPem === undefined) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `${paths.caCert} exists without its key ${paths.caKey}`);
  } else {
    ca = { certPem: caCertPem, keyPem: caKeyPem };
    const existing = parseCert(caCertPem, paths.caCert);
    if (!existing.checkPrivateKey(parseKey(caKeyPem, paths.caKey))) {
      throw new AuthError(AuthErrorCode.CERTIFICATE, `${paths.caKey} is not the key of ${paths.caCert}`);
    }
    if (new Date(existing.validTo).getTime() <= now.getTime()) {
      throw new AuthError(AuthErrorCode.CERTIFICATE, `the CA certificate ${paths.caCert} has expired`);
    }
  }
  const caCert = parseCert(ca.certPem, paths.caCert);
  const renewBeforeMs = (options.renewBeforeDays ?? RENEW_BEFORE_DAYS) * DAY_MS;
  const { dnsNames, ips } = serverCertHosts(options.hosts);

  const leafIsGood = async (certPath: string, keyPath: string, covers: (cert: NodeX509Certificate) => boolean): Promise<boolean> => {
    const certPem = await readOptional(certPath);
    const keyPem = await readOptional(keyPath);
    if (certPem === undefined || keyPem === undefined) return false;
    try {
      const cert = new NodeX509Certificate(certPem);
      return (
        cert.checkIssued(caCert) &&
        cert.verify(caCert.publicKey) &&
        cert.checkPrivateKey(createPrivateKey(keyPem)) &&
        new Date(cert.validTo).getTime() - renewBeforeMs > now.getTime() &&
        covers(cert)
      );
    } catch {
      return false;
    }
  };

  const coversHosts = (cert: NodeX509Certificate): boolean =>
    dnsNames.every((h) => cert.checkHost(h, { wildcards: false }) !== undefined) && ips.every((ip) => cert.checkIP(ip) !== undefined);
  if (!(await leafIsGood(paths.serverCert, paths.serverKey, coversHosts))) {
    await save(await generateServerCert(ca, { ...issueOptions, hosts: options.hosts ?? [] }), paths.serverCert, paths.serverKey);
  }
  if (!(await leafIsGood(paths.adminCert, paths.adminKey, () => true))) {
    await save(await generateAdminCert(ca, issueOptions), paths.adminCert, paths.adminKey);
  }
  return { ...paths, written };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AuthError(AuthErrorCode.CERTIFICATE, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function parseCert(pem: string, path: string): NodeX509Certificate {
  try {
    return new NodeX509Certificate(pem);
  } catch (err) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `${path} is not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
}

function parseKey(pem: string, path: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `${path} is not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
}

/** Write through a temporary file and a rename, so a crash never leaves half a key. */
async function writeSecurely(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, data, { mode });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    throw new AuthError(AuthErrorCode.CERTIFICATE, `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
