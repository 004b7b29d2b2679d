// Who is calling: set by authentication (or the transport peer without it), read by policy, sessions and audit.
export interface Identity {
  /** Stable id used for session ownership, limits, logs and audit, e.g. "api_key:reporting", "jwt:alice". */
  id: string;
  /** How the caller was identified; "peer" when no authentication is configured. */
  method: "peer" | "api_key" | "jwt" | "mtls";
  /** Roles for authorization; empty for "peer" (no authorization without authentication). */
  roles: string[];
}
