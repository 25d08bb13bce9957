import type { Compilable, Kysely } from 'kysely';

const SLOT = '\u0000compiled-query-slot:';

/** Stands for the `n`-th value of a query compiled once by `compileOnce`. */
export function slot<T>(n: number): T {
  return `${SLOT}${n}` as T;
}

/**
 * Builds and compiles a query once, and returns a function that runs it with new values
 * in the places marked with `slot(i)`. Kysely builds and compiles every query anew on
 * each call; on the lookups every request makes, that cost more than the lookup itself.
 */
export function compileOnce<Row>(
  db: Kysely<unknown>,
  query: Compilable<Row>,
): (values: readonly unknown[]) => Promise<Row[]> {
  const compiled = query.compile();
  const slots = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(SLOT) ? Number(value.slice(SLOT.length)) : -1,
  );
  if (!slots.some((n) => n >= 0)) throw new Error('compileOnce: the query has no slot');
  return async (values) => {
    const parameters = slots.map((n, i) => (n === -1 ? compiled.parameters[i] : values[n]));
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
