// Authenticates a caller by its client certificate. The TLS layer has already verified the certificate
// against server.tls.clientCa (grpc-js exposes only verified certificates as ctx.peerCertificate); this maps
// the certificate's name, a SAN URI such as a SPIFFE id or the subject CN, to a configured identity and roles.

import type { z } from "zod";
import type { MtlsAuthConfig } from "../config/security-schema.js";
import type { Authenticator, AuthOutcome, PresentedCredentials } from "./authenticator.js";
import { SubjectAltNameSyntaxError, sanUris } from "./subject-alt-names.js";

type Config = z.infer<typeof MtlsAuthConfig>;

export class MtlsAuthenticator implements Authenticator {
  readonly method = "mtls" as const;
  // A Map, not the config object: a certificate named "__proto__" or "constructor" must not find anything.
  private readonly roles: Map<string, string[]>;
  private readonly identityFrom: Config["identityFrom"];

  constructor(config: Config) {
    this.identityFrom = config.identityFrom;
    this.roles = new Map(Object.entries(config.identities));
  }

  async authenticate(ctx: PresentedCredentials): Promise<AuthOutcome> {
    const certificate = ctx.peerCertificate;
    if (!certificate) return { kind: "absent" };
    let names: string[];
    try {
      names =
        this.identityFrom === "san_uri" ? sanUris(certificate.subjectaltname) : commonNames(certificate.subject?.CN);
    } catch (error) {
      if (error instanceof SubjectAltNameSyntaxError)
        return { kind: "rejected", reason: `client certificate: ${error.message}` };
      throw error;
    }
    const part = this.identityFrom === "san_uri" ? "SAN URI" : "subject CN";
    if (names.length === 0) return { kind: "rejected", reason: `client certificate has no ${part}` };
    const listed = [...new Set(names.filter((name) => this.roles.has(name)))];
    if (listed.length === 0) {
      // Certificate names are not secrets; naming them tells the operator which caller to add or investigate.
      return {
        kind: "rejected",
        reason: `client certificate ${part} ${JSON.stringify(names)} is not a configured identity`,
      };
    }
    // Two configured identities in one certificate: refuse rather than guess which one the caller is.
    if (listed.length > 1)
      return { kind: "rejected", reason: `client certificate names ${listed.length} configured identities` };
    const identity = listed[0] as string;
    return {
      kind: "authenticated",
      identity: { id: `mtls:${identity}`, method: "mtls", roles: [...(this.roles.get(identity) ?? [])] },
    };
  }
}

/** Node gives a string, or an array when the subject holds several CNs. */
function commonNames(cn: string | string[] | undefined): string[] {
  if (cn === undefined) return [];
  return Array.isArray(cn) ? cn : [cn];
}

/** The authenticator for auth.mtls; undefined when mTLS authentication is not configured. */
export function createMtlsAuthenticator(config: Config | undefined): MtlsAuthenticator | undefined {
  return config ? new MtlsAuthenticator(config) : undefined;
}
