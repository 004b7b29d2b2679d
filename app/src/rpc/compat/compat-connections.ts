// The legacy API's connection ids. A legacy connection_id is a proxy session id; the earlier proxy accepted it
// from any TCP connection until Disconnect, so the id is what identifies later calls: each call acts as the
// identity that ran Connect (its roles, limits and audit name), and only that identity owns the session.
import type { Identity } from "../../core/identity.js";

export class CompatConnections {
  private readonly owners = new Map<string, Identity>();

  remember(connectionId: string, owner: Identity): void {
    this.owners.set(connectionId, owner);
  }

  ownerOf(connectionId: string): Identity | undefined {
    return this.owners.get(connectionId);
  }

  forget(connectionId: string): void {
    this.owners.delete(connectionId);
  }

  /** Drops ids whose session is gone (expired, closed at shutdown), so the table never outgrows the sessions. */
  prune(isOpen: (connectionId: string) => boolean): void {
    for (const id of this.owners.keys()) if (!isOpen(id)) this.owners.delete(id);
  }

  get size(): number {
    return this.owners.size;
  }
}
