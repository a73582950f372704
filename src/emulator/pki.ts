/**
 * @module emulator/pki
 *
 * The emulator's certificate authority: a CA, a serving certificate for 127.0.0.1/localhost and
 * client certificates (CN = user, O = groups), all ECDSA P-256 so both Go (kubectl) and Node
 * accept them. Generated with @peculiar/x509 on top of Node's WebCrypto.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateAuthority extends KeyPairPem {
  readonly signingKey: CryptoKey;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  // Positive, non-zero 16-byte serial.
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}

function dn(cn: string, orgs: readonly string[] = []): x509.JsonName {
  const name: x509.JsonName = [{ CN: [cn] }];
  for (const o of orgs) name.push({ O: [o] });
  return name;
}

/** A fresh self-signed CA ("omsm-kube-emulator-ca"). */
export async function createCa(): Promise<CertificateAuthority> {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: new x509.Name(dn('omsm-kube-emulator-ca')).toString(),
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: await keyPem(keys.privateKey),
    signingKey: keys.privateKey,
  };
}

/** Re-imports a CA written earlier (state file), so kubeconfigs stay valid across restarts. */
export async function loadCa(certPem: string, caKeyPem: string): Promise<CertificateAuthority> {
  const der = Buffer.from(caKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  return { certPem, keyPem: caKeyPem, signingKey };
}

async function issue(
  ca: CertificateAuthority,
  subject: x509.JsonName,
  usage: 'server' | 'client',
): Promise<KeyPairPem> {
  const keys = await keyPair();
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (usage === 'server') {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: new x509.Name(subject).toString(),
    issuer: caCert.subject,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** Serving certificate with SANs IP:127.0.0.1 and DNS:localhost. */
export function issueServingCert(ca: CertificateAuthority): Promise<KeyPairPem> {
  return issue(ca, dn('kube-emulator'), 'server');
}

/** Client certificate: CN = user, one O per group (how kube-apiserver reads identities). */
export function issueClientCert(
  ca: CertificateAuthority,
  user: string,
  groups: readonly string[] = [],
): Promise<KeyPairPem> {
  return issue(ca, dn(user, groups), 'client');
}
