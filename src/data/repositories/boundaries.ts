import { sql } from 'kysely';
import type { Db, UpsertCounts } from './bodies.ts';

/** A GeoJSON Polygon or MultiPolygon in WGS84 longitude/latitude. */
export interface BoundaryGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

export interface NewBoundary {
  bodyId: number;
  geometry: BoundaryGeometry;
}

/** A council that can have a boundary of its own: every council except a county (drawn from its districts). */
export interface BoundaryCandidate {
  id: number;
  code: string;
  name: string;
}

export async function councilsWithOwnBoundary(db: Db): Promise<BoundaryCandidate[]> {
  return db
    .selectFrom('bodies')
    .select(['id', 'code', 'name'])
    .where('kind', '=', 'council')
    .where((eb) => eb.or([eb('council_type', 'is', null), eb('council_type', '<>', 'county')]))
    .orderBy('code')
    .execute();
}

/**
 * Stores each body's boundary, replacing an older one. A boundary already holding exactly this
 * geometry is left alone (its imported_at too), so running an import again rewrites nothing and
 * the map's cached drawing stays valid.
 */
export async function upsertBoundaries(db: Db, boundaries: readonly NewBoundary[], source: string, importedAt: Date): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  // One geometry can be large (a coastline); a few dozen a statement keeps each one modest.
  const BATCH = 25;
  for (let start = 0; start < boundaries.length; start += BATCH) {
    const batch = boundaries.slice(start, start + BATCH);
    const written = await db
      .insertInto('body_boundaries')
      .values(batch.map((b) => ({ body_id: b.bodyId, geometry: JSON.stringify(b.geometry), source, imported_at: importedAt })))
      .onConflict((oc) =>
        oc
          .column('body_id')
          .doUpdateSet((eb) => ({ geometry: eb.ref('excluded.geometry'), source: eb.ref('excluded.source'), imported_at: eb.ref('excluded.imported_at') }))
          .where(sql<boolean>`body_boundaries.geometry is distinct from excluded.geometry`),
      )
      // A freshly inserted row version has no xmax; one rewritten by ON CONFLICT carries the locker's.
      .returning(sql<boolean>`xmax::text = '0'`.as('inserted'))
      .execute();
    const inserted = written.filter((row) => row.inserted).length;
    counts.inserted += inserted;
    counts.updated += written.length - inserted;
    counts.unchanged += batch.length - written.length;
  }
  return counts;
}

/**
 * What the drawing of the map depends on: it changes whenever a boundary is added, replaced or
 * removed, so a drawing cached under it is never stale.
 */
export async function boundariesVersion(db: Db): Promise<string> {
  const row = await db
    .selectFrom('body_boundaries')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('imported_at').as('latest'), sql<number>`coalesce(sum(body_id), 0)`.as('ids')])
    .executeTakeFirstOrThrow();
  const latest = row.latest ? new Date(row.latest as unknown as string | Date).toISOString() : 'none';
  return `${Number(row.n)}:${Number(row.ids)}:${latest}`;
}

export interface StoredBoundary {
  code: string;
  geometry: BoundaryGeometry;
}

export async function listBoundaries(db: Db): Promise<StoredBoundary[]> {
  const rows = await db
    .selectFrom('body_boundaries')
    .innerJoin('bodies', 'bodies.id', 'body_boundaries.body_id')
    .select(['bodies.code', 'body_boundaries.geometry'])
    .orderBy('bodies.code')
    .execute();
  return rows.map((row) => ({ code: row.code, geometry: row.geometry as unknown as BoundaryGeometry }));
}

/** A council as the map needs it. */
export interface MapCouncil {
  code: string;
  name: string;
  councilType: string | null;
  countyCode: string | null;
  population: number | null;
  hasBoundary: boolean;
}

export async function listMapCouncils(db: Db): Promise<MapCouncil[]> {
  const rows = await db
    .selectFrom('bodies')
    .leftJoin('body_boundaries', 'body_boundaries.body_id', 'bodies.id')
    .select(['bodies.code', 'bodies.name', 'bodies.council_type', 'bodies.county_code', 'bodies.population', sql<boolean>`body_boundaries.body_id is not null`.as('has_boundary')])
    .where('bodies.kind', '=', 'council')
    .orderBy('bodies.name')
    .orderBy('bodies.code')
    .execute();
  return rows.map((r) => ({
    code: r.code, name: r.name, councilType: r.council_type, countyCode: r.county_code,
    population: r.population === null ? null : Number(r.population), hasBoundary: Boolean(r.has_boundary),
  }));
}
