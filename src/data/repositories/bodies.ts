import { createHash } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { BodiesTable, Body, Database } from '../schema.ts';

export type Db = Kysely<Database> | Transaction<Database>;
export type NewBody = Omit<Insertable<BodiesTable>, 'id' | 'created_at'>;
export type BodyKind = BodiesTable['kind'];

export interface UpsertCounts {
  inserted: number;
  updated: number;
  /** Rows already holding exactly these values: left alone, so a re-import rewrites nothing. */
  unchanged: number;
}

// 9 parameters a row keeps a batch far below PostgreSQL's 65,535 bind parameters.
const BATCH_SIZE = 500;

/** Inserts new bodies and updates known ones, matched by code. Safe to repeat. */
export async function upsertBodies(db: Db, bodies: readonly NewBody[]): Promise<UpsertCounts> {
  // One statement cannot touch a row twice, so a repeated code keeps its last version.
  const byCode = new Map(bodies.map((body) => [body.code, body]));
  const rows = [...byCode.values()].map(toRow);
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const batch = rows.slice(start, start + BATCH_SIZE);
    const written = await db
      .insertInto('bodies')
      .values(batch)
      .onConflict((oc) =>
        oc
          .column('code')
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            kind: eb.ref('excluded.kind'),
            council_type: eb.ref('excluded.council_type'),
            region: eb.ref('excluded.region'),
            county_code: eb.ref('excluded.county_code'),
            combined_authority: eb.ref('excluded.combined_authority'),
            population: eb.ref('excluded.population'),
            fictional: eb.ref('excluded.fictional'),
          }))
          .where(sql<boolean>`(bodies.name, bodies.kind, bodies.council_type, bodies.region, bodies.county_code,
            bodies.combined_authority, bodies.population, bodies.fictional)
            is distinct from (excluded.name, excluded.kind, excluded.council_type, excluded.region, excluded.county_code,
            excluded.combined_authority, excluded.population, excluded.fictional)`),
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

function toRow(body: NewBody) {
  return {
    code: body.code,
    name: body.name,
    kind: body.kind,
    council_type: body.council_type ?? null,
    region: body.region ?? null,
    county_code: body.county_code ?? null,
    combined_authority: body.combined_authority ?? null,
    population: body.population ?? null,
    fictional: body.fictional ?? false,
  };
}

export async function findBodyByCode(db: Db, code: string): Promise<Body | undefined> {
  return db.selectFrom('bodies').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findBodyById(db: Db, id: number): Promise<Body | undefined> {
  return db.selectFrom('bodies').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Bodies whose name contains the text (any case) or whose code is the text; councils, then prefix matches, first. */
export async function searchBodies(db: Db, text: string, limit = 20): Promise<Body[]> {
  const needle = text.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!needle) return [];
  const escaped = needle.replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .selectFrom('bodies')
    .selectAll()
    .where((eb) => eb.or([eb(sql<string>`lower(name)`, 'like', `%${escaped}%`), eb('code', '=', needle.toUpperCase())]))
    .orderBy(sql`kind = 'council'`, 'desc')
    .orderBy(sql`lower(name) like ${`${escaped}%`}`, 'desc')
    .orderBy('name')
    .orderBy('id')
    .limit(Math.min(Math.max(Math.trunc(limit), 1), 100))
    .execute();
}

export async function listBodies(db: Db, filter: { kind?: BodyKind } = {}): Promise<Body[]> {
  let query = db.selectFrom('bodies').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  return query.orderBy('name').orderBy('id').execute();
}

export async function countBodies(db: Db, filter: { kind?: BodyKind } = {}): Promise<number> {
  let query = db.selectFrom('bodies').select((eb) => eb.fn.countAll<number>().as('n'));
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The care provider with this name (any case), created with a code of its own when there is none. */
export async function ensureCareProvider(db: Db, name: string): Promise<Body> {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (!clean) throw new Error('A care provider needs a name');
  const sameName = (body: Body | undefined) =>
    body?.kind === 'care-provider' && body.name.toLowerCase() === clean.toLowerCase() ? body : undefined;
  const existing = await db
    .selectFrom('bodies')
    .selectAll()
    .where('kind', '=', 'care-provider')
    .where(sql<string>`lower(name)`, '=', sql<string>`lower(${clean})`)
    .orderBy('id')
    .executeTakeFirst();
  if (existing) return existing;
  const base = `CP-${slugify(clean)}`;
  // A taken code belongs either to a concurrent request for the same provider or to a
  // different name with the same slug; the first is the answer, the second needs a suffix.
  for (let attempt = 1; attempt <= 50; attempt++) {
    const code = attempt === 1 ? base : `${base}-${attempt}`;
    const created = await insertIfAbsent(db, { code, name: clean, kind: 'care-provider' });
    if (created) return created;
    const holder = sameName(await findBodyByCode(db, code));
    if (holder) return holder;
  }
  throw new Error(`Could not find a free code for care provider "${clean}"`);
}

/** The body with this code; an unknown code (from a later import) is recorded as kind 'other'. */
export async function ensureBodyByCode(db: Db, code: string, name?: string): Promise<Body> {
  const clean = code.trim();
  if (!clean) throw new Error('A body needs a code');
  const existing = await findBodyByCode(db, clean);
  if (existing) return existing;
  const created = await insertIfAbsent(db, { code: clean, name: name?.trim() || clean, kind: 'other' });
  if (created) return created;
  // Nothing inserted means a concurrent request created it between the two statements.
  const raced = await findBodyByCode(db, clean);
  if (!raced) throw new Error(`Body ${clean} could be neither created nor found`);
  return raced;
}

async function insertIfAbsent(db: Db, body: NewBody): Promise<Body | undefined> {
  return db
    .insertInto('bodies')
    .values(toRow(body))
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  // A name with no Latin letters or digits still needs a stable code.
  return slug || createHash('sha256').update(name.toLowerCase()).digest('hex').slice(0, 12);
}
