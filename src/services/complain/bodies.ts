import { findBodyById, listBodies } from '../../data/repositories/bodies.ts';
import type { Body } from '../../data/schema.ts';
import type { ServiceDeps } from '../deps.ts';

/** The kinds of body the public can complain about online. */
const complainable = new Set<string>(['council', 'care-provider']);

/** Every council and care provider, by name, for the "Who is your complaint about?" select. */
export async function listComplainableBodies(deps: Pick<ServiceDeps, 'db'>): Promise<{ value: string; text: string }[]> {
  const [councils, careProviders] = await Promise.all([listBodies(deps.db, { kind: 'council' }), listBodies(deps.db, { kind: 'care-provider' })]);
  return [...councils, ...careProviders]
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.id - b.id)
    .map((b) => ({ value: String(b.id), text: b.fictional ? `${b.name} (fictional)` : b.name }));
}

/** The council or care provider with this id; undefined for any other body or none. */
export async function findComplainableBody(deps: Pick<ServiceDeps, 'db'>, id: number): Promise<Body | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) return undefined;
  const body = await findBodyById(deps.db, id);
  return body && complainable.has(body.kind) ? body : undefined;
}
