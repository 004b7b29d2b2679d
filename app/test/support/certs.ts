// Certificates for tests, generated in-process (no openssl CLI assumed): a CA, server certificates with DNS/IP
// SANs, client certificates with a CN and an optional SAN URI (SPIFFE id). Keys are ECDSA P-256 (fast to make).
// Everything is PEM text; writePems puts it in a temp dir when a test needs files (TLS config, rotation).
import "reflect-metadata"; // @peculiar/x509 (through tsyringe) needs a Reflect polyfill loaded first
import { X509Certificate as NodeX509Certificate, webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** As Node reports it in getPeerCertificate().fingerprint256 ("AB:CD:..."). */
  fingerprint256: string;
}

export interface CertificateAuthority extends IssuedCertificate {
  name: string;
  /** Kept for signing; never leaves the test process. */
  readonly signingKey: CryptoKey;
  readonly certificate: x509.X509Certificate;
}

export interface ValidityOptions {
  /** Default: valid from one hour ago for 30 days. */
  notBefore?: Date;
  notAfter?: Date;
}

export interface ServerCertOptions extends ValidityOptions {
  dns?: string[];
  ip?: string[];
  cn?: string;
}

export interface ClientCertOptions extends ValidityOptions {
  cn: string;
  /** e.g. spiffe://example.org/ns/prod/sa/reporting; several allowed. */
  sanUri?: string | string[];
  /** Extra SAN DNS names (to test that only URI entries are taken). */
  dns?: string[];
}

export async function createCa(name: string, validity: ValidityOptions = {}): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const { notBefore, notAfter } = validityOf(validity);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${escapeDn(name)}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    name,
    signingKey: keys.privateKey,
    certificate,
    ...(await toPems(certificate, keys.privateKey)),
  };
}

export async function issueServerCert(
  ca: CertificateAuthority,
  options: ServerCertOptions = {},
): Promise<IssuedCertificate> {
  const names: x509.JsonGeneralNames = [
    ...(options.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(options.ip ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (names.length === 0) throw new Error("a server certificate needs at least one dns or ip name");
  return issue(
    ca,
    `CN=${escapeDn(options.cn ?? options.dns?.[0] ?? options.ip?.[0] ?? "server")}`,
    names,
    x509.ExtendedKeyUsage.serverAuth,
    options,
  );
}

export async function issueClientCert(
  ca: CertificateAuthority,
  options: ClientCertOptions,
): Promise<IssuedCertificate> {
  const uris = options.sanUri === undefined ? [] : [options.sanUri].flat();
  const names: x509.JsonGeneralNames = [
    ...(options.dns ?? []).map((value) => ({ type: "dns" as const, value })),
    ...uris.map((value) => ({ type: "url" as const, value })),
  ];
  return issue(ca, `CN=${escapeDn(options.cn)}`, names, x509.ExtendedKeyUsage.clientAuth, options);
}

/** Writes name -> PEM text into dir (a new temp dir by default), atomically per file; returns the paths. */
export function writePems<K extends string>(
  files: Record<K, string>,
  dir?: string,
): { dir: string; paths: Record<K, string> } {
  const target = dir ?? mkdtempSync(join(tmpdir(), "igp-certs-"));
  const paths = {} as Record<K, string>;
  for (const [name, pem] of Object.entries(files) as [K, string][]) {
    const path = join(target, name);
    // Write then rename, as cert-manager and most rotation tools do, so a reader never sees half a file.
    writeFileSync(`${path}.tmp`, pem, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    paths[name] = path;
  }
  return { dir: target, paths };
}

async function issue(
  ca: CertificateAuthority,
  subject: string,
  names: x509.JsonGeneralNames,
  usage: string,
  validity: ValidityOptions,
): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const { notBefore, notAfter } = validityOf(validity);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([usage], false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate, false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: ca.certificate.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return toPems(certificate, keys.privateKey);
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function toPems(certificate: x509.X509Certificate, privateKey: CryptoKey) {
  const certPem = certificate.toString("pem");
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", privateKey));
  const keyPem = x509.PemConverter.encode(pkcs8, "PRIVATE KEY");
  return {
    certPem: `${certPem}\n`,
    keyPem: `${keyPem}\n`,
    fingerprint256: new NodeX509Certificate(certPem).fingerprint256,
  };
}

function validityOf(options: ValidityOptions) {
  const notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  return { notBefore, notAfter: options.notAfter ?? new Date(notBefore.getTime() + 30 * DAY_MS) };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return Buffer.from(bytes).toString("hex");
}

function escapeDn(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}
