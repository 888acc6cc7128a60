import { stat } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { System } from './system.ts';
import { CsvFormatError, DEFAULT_BATCH_SIZE, type CsvImportResult, type CsvProgress } from './services/imports/csv-import.ts';
import { CALL_COLUMNS, CASE_COLUMNS, CONTACT_COLUMNS, importCallsCsv, importCasesCsv, importContactsCsv } from './services/imports/history-imports.ts';
import { importRemediesCsv, REMEDY_COLUMNS } from './services/imports/remedies-import.ts';
import { forgetPublicStatistics } from './services/public-statistics/year-statistics.ts';

/** What src/cli.ts passes in: opens the system, runs the work, closes it. */
export type WithSystem = <T>(work: (system: System, config: Config, log: Logger) => Promise<T>) => Promise<T>;

type Kind = 'calls' | 'contacts' | 'cases' | 'remedies';
type Run = (system: System, file: string, options: { batchSize: number; onProgress: (progress: CsvProgress) => void }) => Promise<CsvImportResult>;

const kinds: Record<Kind, { columns: readonly string[]; description: string; run: Run }> = {
  calls: {
    columns: CALL_COLUMNS,
    description: 'calls presented to the intake team (telephony history)',
    run: (system, file, options) => importCallsCsv(system.database.db, file, options),
  },
  contacts: {
    columns: CONTACT_COLUMNS,
    description: 'intake contacts; contact_id is kept as the contact’s external id',
    run: (system, file, options) => importContactsCsv(system.database.db, file, options),
  },
  cases: {
    columns: CASE_COLUMNS,
    description: 'historic cases; an unknown body_code creates a body',
    run: async (system, file, options) => {
      const result = await importCasesCsv(system.database.db, file, { ...options, calendar: system.holidays.get() });
      // Cases change the published figures of every year they touch.
      if (result.imported + result.updated > 0) await forgetPublicStatistics(system.database);
      return result;
    },
  },
  remedies: {
    columns: REMEDY_COLUMNS,
    description: 'remedies of imported cases (kind financial is a financial payment); the published statistics are recomputed',
    run: (system, file, options) => importRemediesCsv(system.database.db, file, options),
  },
};

/** How many rejected rows the summary lists. */
const LISTED = 20;

/**
 * Adds `import calls FILE`, `import contacts FILE`, `import cases FILE` and `import remedies FILE`. Each shows its
 * progress on stderr and a summary on stdout, and exits 1 when a row was rejected (the good rows
 * are imported all the same) or the file could not be imported at all. Safe to run again.
 */
export function registerImportCommands(importCommand: Command, withSystem: WithSystem): void {
  for (const [kind, { columns, description, run }] of Object.entries(kinds) as [Kind, (typeof kinds)[Kind]][]) {
    importCommand
      .command(`${kind} <file>`)
      .description(`${description}: a CSV file with the header ${columns.join(',')}`)
      .option('--batch-size <rows>', 'rows a transaction', parsePositiveInteger, DEFAULT_BATCH_SIZE)
      .action(async (file: string, options: { batchSize: number }) => {
        const problem = await unreadable(file);
        if (problem) {
          process.stderr.write(`Cannot import ${kind}: ${problem}\n`);
          process.exitCode = 1;
          return;
        }
        await withSystem(async (system) => {
          const progress = progressReporter(kind, process.stderr);
          let result: CsvImportResult;
          try {
            result = await run(system, file, { batchSize: options.batchSize, onProgress: progress.update });
          } catch (error) {
            progress.stop();
            if (!(error instanceof CsvFormatError)) {
              process.stderr.write('The import stopped. Batches already written are kept; run the same command again to import the rest.\n');
              throw error;
            }
            process.stderr.write(`${error.message}\n`);
            process.exitCode = 1;
            return;
          }
          const seconds = progress.stop();
          process.stdout.write(summary(kind, file, result, seconds));
          if (result.rejectedCount > 0) process.exitCode = 1;
        });
      });
  }
}

function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new InvalidArgumentError('Give a whole number from 1 to 100000.');
  return value;
}

async function unreadable(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? undefined : `${file} is not a file`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `there is no file ${file}` : `cannot read ${file} (${code ?? String(error)})`;
  }
}

const number = (n: number) => n.toLocaleString('en-GB');

function rate(rows: number, seconds: number): string {
  return seconds > 0 ? `${number(Math.round(rows / seconds))} rows/s` : '';
}

function elapsed(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export function progressText(kind: string, progress: CsvProgress, seconds: number): string {
  return `Importing ${kind}: ${number(progress.rows)} rows read, ${number(progress.written)} written, ${number(progress.bad)} rejected; ` +
    `${rate(progress.rows, seconds) || '…'}, ${elapsed(seconds)} elapsed`;
}

/**
 * Shows the latest progress on stderr: redrawn in place (\r) a few times a second on a
 * terminal, one line every 5 seconds otherwise (logs, CI).
 */
export function progressReporter(kind: string, stream: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean })) {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let latest: CsvProgress | undefined;
  let width = 0;
  const seconds = () => (performance.now() - started) / 1000;
  const draw = () => {
    if (!latest) return;
    const line = progressText(kind, latest, seconds());
    if (tty) {
      stream.write(`\r${line.padEnd(width)}`);
      width = line.length;
    } else {
      stream.write(`${line}\n`);
    }
  };
  const timer = setInterval(draw, tty ? 250 : 5_000);
  timer.unref();
  return {
    update: (progress: CsvProgress) => {
      latest = progress;
    },
    /** Stops reporting, drawing the last figures on a terminal; returns the seconds taken. */
    stop: (): number => {
      clearInterval(timer);
      if (tty && latest) {
        draw();
        stream.write('\n');
      }
      return seconds();
    },
  };
}

export function summary(kind: string, file: string, result: CsvImportResult, seconds: number): string {
  const lines = [
    `Imported ${kind} from ${file} in ${seconds.toFixed(1)} s${seconds > 0 ? ` (${rate(result.rows, seconds)})` : ''}: ` +
      `${number(result.rows)} rows read; imported ${number(result.imported)} new, ${number(result.updated)} updated, ` +
      `${number(result.unchanged)} unchanged; rejected ${number(result.rejectedCount)}.`,
  ];
  if (result.rejectedCount > 0) {
    const listed = result.rejected.slice(0, LISTED);
    lines.push(result.rejectedCount > listed.length ? `The first ${listed.length} rejected rows:` : 'Rejected rows:');
    for (const row of listed) lines.push(`  line ${row.line}: ${row.reason}`);
    lines.push('Correct the rejected rows and import the file again: rows already imported are left unchanged or updated, never duplicated.');
  }
  return `${lines.join('\n')}\n`;
}
