/**
 * Small SQL builders shared by the history generator's statements. Every random number is a
 * hash of (seed, stream, row number) (`hashint8extended`), not `random()` after `setseed`: a
 * row's values never depend on which connection wrote it or in which order the slices ran, so
 * the same N and seed always give the same rows, on PostgreSQL and on PGlite alike.
 */

/** A uniform number in [0, 1) for row `index` (an SQL expression) and the given stream. */
export function uniform(seed: number, stream: number, index = 'g.i'): string {
  return `((hashint8extended((${index})::bigint, ${seed * 10_000 + stream}) & 2147483647)::float8 / 2147483648.0)`;
}

/** The London instant of a date plus a whole number of seconds (or milliseconds) on the wall clock. */
export function londonAt(day: string, amount: string, unit: 'second' | 'millisecond' = 'second'): string {
  return `((${day}) + interval '1 ${unit}' * (${amount}))::timestamp at time zone 'Europe/London'`;
}

/** An SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `(array[...])[1 + floor(u * length)]`: one of the values, each as likely. */
export function pick(values: readonly string[], u: string): string {
  return `(array[${values.map(literal).join(', ')}])[1 + floor(${u} * ${values.length})::int]`;
}

/** One of the numbers (ids), each as likely. An empty list gives null. */
export function pickNumber(values: readonly number[], u: string): string {
  if (values.length === 0) return 'null::int';
  return `(array[${values.join(', ')}]::int[])[1 + floor(${u} * ${values.length})::int]`;
}

/** One of the values with the given weights (they need not add up to 1). */
export function weighted(entries: readonly (readonly [string, number])[], u: string): string {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let running = 0;
  const branches = entries.slice(0, -1).map(([value, w]) => {
    running += w;
    return `when ${u} < ${(running / total).toFixed(6)} then ${literal(value)}`;
  });
  const last = entries.at(-1);
  if (!last) throw new Error('weighted() needs at least one entry');
  return `(case ${branches.join(' ')} else ${literal(last[0])} end)`;
}

/** An ISO 8601 text of an instant, as JavaScript's toISOString writes it (what the services put in case event facts). */
export function isoText(instant: string): string {
  return `to_char((${instant}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
