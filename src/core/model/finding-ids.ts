// Finding ids are `F1`, `F2`, … per PR, ordered by number (F2 before F10).

const FINDING_ID = /^F(\d+)$/;

export function findingNumber(id: string): number | undefined {
  const match = FINDING_ID.exec(id);
  return match ? Number(match[1]) : undefined;
}

export function findingId(n: number): string {
  return `F${n}`;
}

/** Numeric order; anything that is not `F<n>` sorts after, by text. */
export function compareFindingIds(a: string, b: string): number {
  const na = findingNumber(a);
  const nb = findingNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
