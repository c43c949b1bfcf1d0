/** How many tenants stand at one set of heads. */
export interface CensusEntry {
  readonly heads: readonly string[];
  readonly tenants: number;
  /** Whether these are the graph's heads. */
  readonly isHead: boolean;
}

/**
 * Groups tenants by the heads they stand at: most common first; on a tie the group at the graph's heads
 * comes first, then the others by revision id, so the order never depends on the tenants' listing.
 *
 * @param graphHeads - the stream's heads in the revision graph.
 * @param tenantHeads - each tenant's heads afterwards; null for a tenant whose heads are unknown (left out).
 */
export function census(graphHeads: Iterable<string>, tenantHeads: readonly (readonly string[] | null)[]): CensusEntry[] {
  const headKey = [...graphHeads].sort().join();
  const groups = new Map<string, { heads: readonly string[]; tenants: number }>();
  for (const heads of tenantHeads) {
    if (heads === null) continue;
    const key = [...heads].sort().join();
    const group = groups.get(key) ?? { heads, tenants: 0 };
    group.tenants += 1;
    groups.set(key, group);
  }
  return [...groups]
    .map(([key, group]) => ({ key, heads: group.heads, tenants: group.tenants, isHead: key === headKey }))
    .sort((x, y) => y.tenants - x.tenants || Number(y.isHead) - Number(x.isHead) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map(({ heads, tenants, isHead }) => ({ heads, tenants, isHead }));
}
