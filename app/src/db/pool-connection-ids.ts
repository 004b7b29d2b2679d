// Process-wide connection ids, shared by every driver so that logs and leak reports name one
// connection unambiguously whichever database it belongs to.
let lastConnectionId = 0;

export function nextConnectionId(): number {
  lastConnectionId += 1;
  return lastConnectionId;
}
