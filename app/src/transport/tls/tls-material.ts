// Loads and checks the server's TLS material as one unit: certificate chain, private key and optional client CA.
// A unit that does not hold together (key of another certificate, half-written file, bad PEM) is refused here,
// before it reaches the listening server, so a rotation caught midway keeps the previous certificate.
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import type { TlsConfig } from "../../config/security-schema.js";
import { describePemSource, readPem } from "../../secrets/pem-source.js";

type Env = Record<string, string | undefined>;

export interface TlsMaterial {
  /** Options for tls.createSecureContext / setSecureContext; minVersion included so a reload keeps it. */
  contextOptions: SecureContextOptions;
  /** sha256 over everything loaded: a change means new material. */
  digest: string;
  /** Safe to log: no key material. */
  summary: TlsMaterialSummary;
}

export interface TlsMaterialSummary {
  subject: string;
  issuer: string;
  subjectAltName: string | undefined;
  serialNumber: string;
  fingerprint256: string;
  validFrom: string;
  validTo: string;
  chainLength: number;
  clientCaSubjects: string[] | undefined;
}

export class TlsMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsMaterialError";
  }
}

export async function loadTlsMaterial(config: TlsConfig, env: Env): Promise<TlsMaterial> {
  const [cert, key, clientCa] = await Promise.all([
    readPem(config.cert, env),
    readPem(config.key, env),
    config.clientCa ? readPem(config.clientCa, env) : Promise.resolve(undefined),
  ]);
  const chain = parseCertificates(cert, `certificate ${describePemSource(config.cert)}`);
  const leaf = chain[0] as X509Certificate;
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // The parser's message could quote the input; say only where it came from.
    throw new TlsMaterialError(`private key ${describePemSource(config.key)} is not a readable unencrypted PEM key`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new TlsMaterialError(
      `private key ${describePemSource(config.key)} does not belong to certificate ${describePemSource(config.cert)}`,
    );
  }
  const caCertificates = clientCa
    ? parseCertificates(
        clientCa,
        `client CA ${describePemSource(config.clientCa as NonNullable<TlsConfig["clientCa"]>)}`,
      )
    : undefined;

  const contextOptions: SecureContextOptions = {
    cert,
    key,
    minVersion: config.minVersion,
    ...(clientCa ? { ca: clientCa } : {}),
  };
  try {
    // Exactly what the server will do with it: proves OpenSSL accepts the unit before it is swapped in.
    createSecureContext(contextOptions);
  } catch (error) {
    throw new TlsMaterialError(`TLS material refused by OpenSSL: ${(error as Error).message}`);
  }
  return {
    contextOptions,
    digest: createHash("sha256")
      .update(cert)
      .update("\0")
      .update(key)
      .update("\0")
      .update(clientCa ?? "")
      .digest("hex"),
    summary: {
      subject: leaf.subject,
      issuer: leaf.issuer,
      subjectAltName: leaf.subjectAltName,
      serialNumber: leaf.serialNumber,
      fingerprint256: leaf.fingerprint256,
      validFrom: leaf.validFromDate.toISOString(),
      validTo: leaf.validToDate.toISOString(),
      chainLength: chain.length,
      clientCaSubjects: caCertificates?.map((c) => c.subject),
    },
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function parseCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new TlsMaterialError(`${what} holds no PEM certificate`);
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new TlsMaterialError(`${what}: certificate #${index + 1} cannot be parsed`);
    }
  });
}
