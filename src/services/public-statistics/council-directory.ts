import { listCouncils } from '../../data/repositories/body-statistics.ts';
import type { ServiceDeps } from '../deps.ts';
import { councilTypeName, councilTypeNames } from './council-page.ts';

/** A council in the "find a council" list. */
export interface CouncilListing {
  code: string;
  name: string;
  councilType: string | null;
  councilTypeName: string | null;
  region: string | null;
}

export interface CouncilSearch {
  /** Words that must all appear in the council's name (or its code). */
  q?: string;
  councilType?: string;
  region?: string;
}

/** Every council in jurisdiction, by name. */
export async function councilDirectory(deps: Pick<ServiceDeps, 'db'>): Promise<CouncilListing[]> {
  const rows = await listCouncils(deps.db);
  return rows.map((r) => ({ code: r.code, name: r.name, councilType: r.council_type, councilTypeName: councilTypeName(r.council_type), region: r.region }));
}

/** Lower case, "&" as "and", punctuation as spaces: "St Helens" finds "St. Helens". */
function words(text: string): string[] {
  return text.toLowerCase().replace(/&/g, ' and ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter(Boolean);
}

/** The councils matching every part of the search given; an empty search matches all. */
export function findCouncils(councils: readonly CouncilListing[], search: CouncilSearch): CouncilListing[] {
  const wanted = words(search.q ?? '');
  return councils.filter((c) => {
    if (search.councilType && c.councilType !== search.councilType) return false;
    if (search.region && c.region !== search.region) return false;
    if (wanted.length === 0) return true;
    const have = words(`${c.name} ${c.code}`);
    return wanted.every((w) => have.some((h) => h.startsWith(w)));
  });
}

/** The choices for the filters: council types in a fixed order, regions alphabetically; only those with councils. */
export function councilFilters(councils: readonly CouncilListing[]) {
  const types = new Set(councils.map((c) => c.councilType).filter((t): t is string => t !== null));
  const known = Object.keys(councilTypeNames).filter((t) => types.has(t));
  const others = [...types].filter((t) => !known.includes(t)).sort();
  return {
    councilTypes: [...known, ...others].map((value) => ({ value, text: councilTypeName(value) ?? value })),
    regions: [...new Set(councils.map((c) => c.region).filter((r): r is string => r !== null))].sort().map((value) => ({ value, text: value })),
  };
}
