/**
 * Lists libvirt keeps in fixed slots (one field or array index per name) and
 * so writes in its own order whatever order they were read in.
 */

/**
 * A `beforeFormat` hook writing the items of list `listKey` ordered by
 * their `nameKey` in `names` (stable; unknown names last). Returns the value
 * itself when it is already in order.
 */
export function writeInOrder(listKey: string, nameKey: string, names: readonly string[]) {
  const rank = new Map<string, number>(names.map((n, i) => [n, i]));
  const r = (x: Record<string, unknown>) => rank.get(x[nameKey] as string) ?? names.length;
  return <T extends Record<string, unknown>>(v: T): T => {
    const items = v[listKey] as Array<Record<string, unknown>> | undefined;
    if (!items || items.every((x, i) => i === 0 || r(items[i - 1]!) <= r(x))) return v;
    return { ...v, [listKey]: items.slice().sort((a, b) => r(a) - r(b)) };
  };
}
