import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as casework from './migrations/2026-11-26-001-casework-core.ts';
import * as serviceStandards from './migrations/2026-11-26-002-service-standards.ts';
import * as portal from './migrations/2026-11-26-003-portal.ts';
import * as publicAccountability from './migrations/2026-11-26-004-public-accountability.ts';
import * as decisionDates from './migrations/2026-11-26-005-decision-dates.ts';
import * as representativeIndex from './migrations/2026-11-26-006-representative-index.ts';
import * as foreignKeyIndexes from './migrations/2026-11-26-007-foreign-key-indexes.ts';
import * as standardsCoveringIndexes from './migrations/2026-11-26-008-standards-covering-indexes.ts';

// Listed, not read from disk, so the same list works under tsx, in a build and in tests.
const migrations: Record<string, Migration> = {
  '2026-11-26-001-casework-core': casework,
  '2026-11-26-002-service-standards': serviceStandards,
  '2026-11-26-003-portal': portal,
  '2026-11-26-004-public-accountability': publicAccountability,
  '2026-11-26-005-decision-dates': decisionDates,
  '2026-11-26-006-representative-index': representativeIndex,
  '2026-11-26-007-foreign-key-indexes': foreignKeyIndexes,
  '2026-11-26-008-standards-covering-indexes': standardsCoveringIndexes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
