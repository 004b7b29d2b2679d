// Key matching shared by environment overrides and error suggestions.

/** Case-insensitive, underscores and dashes ignored: GRPC_PORT matches grpcPort. */
export function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, "").toLowerCase();
}

/** Edit distance where swapping two neighbours counts as one edit ("hots" -> "host"). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The valid key closest to a misspelt one, or undefined when nothing is plausibly meant. */
export function closestKey(wrong: string, valid: readonly string[]): string | undefined {
  const normalized = normalizeKey(wrong);
  const exact = valid.find((key) => normalizeKey(key) === normalized);
  if (exact) return exact;
  let best: { key: string; distance: number } | undefined;
  for (const key of valid) {
    const distance = editDistance(normalized, normalizeKey(key));
    if (!best || distance < best.distance) best = { key, distance };
  }
  // A third of the length: "prot" -> "port", "grpcprot" -> "grpcPort", but "colour" suggests nothing.
  if (best && best.distance <= Math.max(1, Math.floor(normalized.length / 3))) return best.key;
  return undefined;
}
