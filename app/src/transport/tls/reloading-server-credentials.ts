// grpc-js ServerCredentials whose certificate can be replaced while the server runs: grpc-js hands every update
// to setSecureContext on its listening http2 server, so new handshakes use the new material and established
// connections keep theirs. grpc-js's own experimental certificate-provider credentials do the same but fix the
// server options (no minVersion) and drop all connections when a read fails; this subclass uses the protected
// updateSecureContextOptions hook that grpc-js provides for exactly this.
import type { SecureServerOptions } from "node:http2";
import type { SecureContextOptions } from "node:tls";
import { ServerCredentials } from "@grpc/grpc-js";

export interface ServerTlsOptions {
  minVersion: "TLSv1.2" | "TLSv1.3";
  /** Ask for a client certificate (mTLS configured). */
  requestClientCert: boolean;
  /** Refuse the handshake without a valid client certificate. */
  requireClientCert: boolean;
  /** Close a connection whose TLS handshake has not finished by then (Node's default: 120 s). */
  handshakeTimeoutMs?: number;
}

export class ReloadingServerCredentials extends ServerCredentials {
  constructor(options: ServerTlsOptions, initial: SecureContextOptions) {
    const serverOptions: SecureServerOptions = {
      minVersion: options.minVersion,
      requestCert: options.requestClientCert,
      rejectUnauthorized: options.requestClientCert && options.requireClientCert,
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeout: options.handshakeTimeoutMs }),
    };
    super(serverOptions, initial);
  }

  /** New handshakes use these options from now on. They must already be known to work (see tls-material.ts). */
  replace(options: SecureContextOptions): void {
    this.updateSecureContextOptions(options);
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}
