import { listBodies } from '../data/repositories/bodies.ts';
import type { ServiceDeps } from './deps.ts';

/** Every body, councils first, for a select (enhanced into an autocomplete when JavaScript runs). */
export async function listBodiesForSelect(deps: Pick<ServiceDeps, 'db'>) {
  const bodies = await listBodies(deps.db, {});
  return bodies.map((b) => ({ value: String(b.id), text: b.fictional ? `${b.name} (fictional)` : b.name }));
}
