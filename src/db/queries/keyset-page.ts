/**
 * The page of a keyset-paged query that asked for `limit + 1` rows: the first `limit` rows and,
 * when the extra row came back, the key of the page's last row (where the next page starts).
 */
export function keysetPage<R, K>(
  found: readonly R[],
  limit: number,
  keyOf: (last: R) => K,
): { rows: R[]; next: K | null } {
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  return { rows, next: found.length > limit && last !== undefined ? keyOf(last) : null };
}
