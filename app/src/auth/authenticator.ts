// One way of authenticating a call (API key, JWT, client certificate). The authentication interceptor asks
// each configured authenticator in turn.
import type { PeerCertificate } from "node:tls";
import type { Metadata } from "@grpc/grpc-js";
import type { Identity } from "../core/identity.js";

/** What the caller presented on this call: metadata (bearer tokens) and the verified client certificate. */
export interface PresentedCredentials {
  readonly metadata: Metadata;
  /** The verified client certificate on an mTLS connection. */
  readonly peerCertificate: PeerCertificate | undefined;
}

export type AuthOutcome =
  /** This method found valid credentials. */
  | { kind: "authenticated"; identity: Identity }
  /** This method's credentials are absent from the call (try the next method). */
  | { kind: "absent" }
  /** Credentials of this method were presented and are invalid. The reason is logged, never sent to the client. */
  | { kind: "rejected"; reason: string };

export interface Authenticator {
  readonly method: Identity["method"];
  authenticate(ctx: PresentedCredentials): Promise<AuthOutcome>;
}
