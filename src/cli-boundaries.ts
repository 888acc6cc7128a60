import type { Command } from 'commander';
import type { WithSystem } from './cli-imports.ts';
import { BOUNDARIES_ATTRIBUTION, BOUNDARIES_FILE_NAME, BoundariesSourceError, importBoundaries, type ImportBoundariesResult } from './services/reference-data/boundaries-import.ts';

/** How many unmatched boundaries and councils without one the summary lists. */
const LISTED = 20;

/**
 * Adds `import boundaries [FILE]`: council boundaries for the map, from FILE, else the reference
 * folder's copy, else the ONS Open Geography Portal. Progress goes to stderr, the summary to
 * stdout; exits 1 when the boundaries could not be had at all or some could not be joined to a council.
 */
export function registerBoundaryCommands(importCommand: Command, withSystem: WithSystem): void {
  importCommand
    .command('boundaries [file]')
    .description(`council boundaries for the map (GeoJSON, WGS84): a file, REDRESS_REFERENCE_DIR/${BOUNDARIES_FILE_NAME}, or the ONS Open Geography Portal; import bodies first`)
    .action((file: string | undefined) =>
      withSystem(async (system, config) => {
        let result: ImportBoundariesResult;
        try {
          result = await importBoundaries({
            db: system.database.db, file, referenceDir: config.referenceDir, now: system.services.clock.now(),
            onProgress: (message) => process.stderr.write(`${message}\n`),
          });
        } catch (error) {
          if (!(error instanceof BoundariesSourceError)) throw error;
          process.stderr.write(`Cannot import boundaries: ${error.message}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(boundariesSummary(result));
        if (result.unmatched.length > 0) process.exitCode = 1;
      }),
    );
}

export function boundariesSummary(result: ImportBoundariesResult): string {
  const lines = [
    `Imported boundaries from ${result.source}: ${result.features} read, ${result.matched} matched to a council, ${result.unmatched.length} unmatched; ` +
      `${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged.`,
  ];
  if (result.councilsKnown === 0) lines.push('There are no councils to join the boundaries to: run `npx redress import bodies` first.');
  else if (result.unmatched.length > 0) {
    lines.push('Boundaries not joined to any council:');
    for (const u of result.unmatched.slice(0, LISTED)) lines.push(`  feature ${u.position} "${u.name}": ${u.reason}`);
    if (result.unmatched.length > LISTED) lines.push(`  and ${result.unmatched.length - LISTED} more`);
  }
  if (result.councilsWithoutBoundary.length > 0) {
    lines.push(`${result.councilsWithoutBoundary.length} councils (other than counties, which are drawn from their districts) have no boundary in this file:`);
    for (const c of result.councilsWithoutBoundary.slice(0, LISTED)) lines.push(`  ${c.code} ${c.name}`);
    if (result.councilsWithoutBoundary.length > LISTED) lines.push(`  and ${result.councilsWithoutBoundary.length - LISTED} more`);
  }
  lines.push(BOUNDARIES_ATTRIBUTION);
  return `${lines.join('\n')}\n`;
}
