// A local identity provider for tests: a JWKS endpoint on loopback and a token signer, with key rotation.
// Tokens are signed with real keys (jose), so the proxy verifies them exactly as it would a provider's.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

export interface SigningKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The public key as SPKI PEM: what an attacker can read from the JWKS (HS256 confusion tests). */
  publicPem: string;
}

export interface JwksServer {
  url: string;
  issuer: string;
  audience: string;
  /** How many times the JWKS has been fetched. */
  readonly fetches: number;
  /** The key that signs by default. */
  readonly current: SigningKey;
  /** A new key pair, not yet published in the JWKS. */
  newKey(alg?: SigningKey["alg"]): Promise<SigningKey>;
  /** Publishes `key` and makes it current; `retireOthers` drops the older keys from the JWKS. */
  rotateTo(key: SigningKey, options?: { retireOthers?: boolean }): void;
  /** Adds an extra raw JWK to the published set (e.g. a symmetric "oct" key an attacker hopes to use). */
  publishRaw(jwk: JWK): void;
  /** A signed JWT with sensible defaults (iss, aud, sub, iat, exp in 5 minutes), overridable claim by claim. */
  sign(
    claims?: JWTPayload,
    options?: { key?: SigningKey; omit?: string[]; header?: Record<string, unknown> },
  ): Promise<string>;
  close(): Promise<void>;
}

let kidCounter = 0;

export async function createSigningKey(alg: SigningKey["alg"] = "RS256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `test-key-${++kidCounter}-${alg}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export async function startJwksServer(options: { issuer?: string; audience?: string } = {}): Promise<JwksServer> {
  const issuer = options.issuer ?? "https://idp.test.example/";
  const audience = options.audience ?? "informix-grpc-proxy";
  let current = await createSigningKey("RS256");
  let published: JWK[] = [current.publicJwk];
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== "/.well-known/jwks.json") {
      response.writeHead(404).end();
      return;
    }
    fetches++;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    get fetches() {
      return fetches;
    },
    get current() {
      return current;
    },
    newKey: createSigningKey,
    rotateTo(key, rotateOptions = {}) {
      published = rotateOptions.retireOthers ? [key.publicJwk] : [...published, key.publicJwk];
      current = key;
    },
    publishRaw(jwk) {
      published = [...published, jwk];
    },
    async sign(claims = {}, signOptions = {}) {
      const key = signOptions.key ?? current;
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { iss: issuer, aud: audience, sub: "alice", iat: now, exp: now + 300, ...claims };
      for (const name of signOptions.omit ?? []) delete payload[name];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...signOptions.header })
        .sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
