import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { formatLondonDate, formatLondonDateTime, formatLondonTime } from '../../domain/london-time.ts';
import { caseEventLabel } from '../../domain/case-events.ts';
import { stageLabels, type Stage } from '../../domain/case-lifecycle.ts';
import { channels, closingReasons, complianceStatuses, contactOutcomes, jurisdictions, outcomes, remedyKinds, roles, teams } from '../../domain/vocabulary.ts';
import { reminderLabel, satisfactionOutcomes } from '../../domain/remedies.ts';
import { paths } from '../paths.ts';
import { approverRoles, drafterRoles } from '../../domain/publication.ts';
import { remedyListRoles } from '../../domain/remedies.ts';
import { letterRoles } from '../../services/letters/letter-access.ts';
import { linkOfficerAdminRoles } from '../../services/bodies/link-officer-admin.ts';

/** Who sees the link to each area of the workbench; the routes themselves check again. */
const areaRoles: Record<string, readonly string[]> = {
  remedies: remedyListRoles,
  publication: [...new Set([...drafterRoles, ...approverRoles])],
  letters: letterRoles,
  bodies: linkOfficerAdminRoles,
};

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const govukFrontendRoot = dirname(require.resolve('govuk-frontend/package.json'));
export const mojFrontendRoot = dirname(require.resolve('@ministryofjustice/frontend/package.json'));

// Made once: toLocaleString builds an Intl.NumberFormat on every call (the same output).
const numberFormat = new Intl.NumberFormat('en-GB');
const poundsFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One Nunjucks environment, compiled templates cached for the life of the process. */
export function createViewEnvironment(options: { production: boolean }): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader([join(here, '..', 'views'), join(govukFrontendRoot, 'dist'), mojFrontendRoot], {
    noCache: !options.production && process.env.NODE_ENV === 'development',
  });
  // Every GOV.UK component macro includes "./template.njk", and each include resolved that path
  // afresh (path.resolve per call, for each of the three folders): a few percent of a page's
  // rendering. The answer depends only on the two names, of which there are a few hundred.
  const resolved = new Map<string, string>();
  const resolve = loader.resolve.bind(loader);
  loader.resolve = (from: string, to: string) => {
    const key = `${from}\u0000${to}`;
    let path = resolved.get(key);
    if (path === undefined) resolved.set(key, (path = resolve(from, to)));
    return path;
  };
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  env.addFilter('govukDate', (value: Date | string | null | undefined) => (value ? formatLondonDate(value) : ''));
  env.addFilter('govukTime', (value: Date | null | undefined) => (value ? formatLondonTime(value) : ''));
  env.addFilter('govukDateTime', (value: Date | null | undefined) => (value ? formatLondonDateTime(value) : ''));
  env.addFilter('isoDateTime', (value: Date | null | undefined) => (value ? value.toISOString() : ''));
  env.addFilter('pounds', (pence: number | null | undefined) => (pence === null || pence === undefined ? '' : `£${poundsFormat.format(pence / 100)}`));
  env.addFilter('stageLabel', (stage: string) => stageLabels[stage as Stage] ?? stage);
  env.addFilter('eventLabel', caseEventLabel);
  env.addFilter('outcomeLabel', outcomes.label);
  env.addFilter('reasonLabel', closingReasons.label);
  env.addFilter('channelLabel', channels.label);
  env.addFilter('contactOutcomeLabel', contactOutcomes.label);
  env.addFilter('jurisdictionLabel', jurisdictions.label);
  env.addFilter('remedyKindLabel', remedyKinds.label);
  env.addFilter('complianceLabel', complianceStatuses.label);
  env.addFilter('satisfactionLabel', (value: string) => (satisfactionOutcomes as Record<string, string>)[value] ?? value);
  env.addFilter('reminderLabel', reminderLabel);
  env.addFilter('roleLabel', roles.label);
  env.addFilter('teamLabel', teams.label);
  env.addFilter('number', (n: number | null | undefined) => (n === null || n === undefined ? '' : numberFormat.format(Number(n))));
  /** Turns `{field: message}` into the error summary's list. */
  env.addFilter('errorList', (errors: Record<string, string> | undefined) =>
    Object.entries(errors ?? {}).map(([field, text]) => ({ text, href: `#${field.replace(/\./g, '-')}` })),
  );
  addComponentMacros(env);
  env.addGlobal('paths', paths);
  env.addGlobal('mayUse', (roles: readonly string[] | undefined, area: keyof typeof areaRoles) => (areaRoles[area] ?? []).some((role) => roles?.includes(role)));
  return env;
}

/**
 * Every GOV.UK and MoJ component macro (govukButton, mojSubNavigation...) as a global, imported
 * once when the environment is made. Importing them at the top of each layout ran all 23 macro
 * files again on every page rendered; templates now call them without importing them.
 */
/** Nunjucks' Template, with the method its type definitions leave out. */
interface ExportingTemplate {
  getExported(callback: (error: Error | null, exported: Record<string, unknown>) => void): void;
}

function addComponentMacros(env: nunjucks.Environment): void {
  const folders: [root: string, prefix: string][] = [
    [join(govukFrontendRoot, 'dist', 'govuk', 'components'), 'govuk/components'],
    [join(mojFrontendRoot, 'moj', 'components'), 'moj/components'],
  ];
  for (const [root, prefix] of folders) {
    for (const component of readdirSync(root, { withFileTypes: true })) {
      if (!component.isDirectory()) continue;
      let template: ExportingTemplate;
      try {
        template = env.getTemplate(`${prefix}/${component.name}/macro.njk`, true) as unknown as ExportingTemplate;
      } catch {
        continue; // a folder without a macro (shared partials)
      }
      let exported: Record<string, unknown> = {};
      // Synchronous for templates without async tags, as these are.
      template.getExported((error, names) => {
        if (error) throw error;
        exported = names;
      });
      for (const [name, macro] of Object.entries(exported)) if (typeof macro === 'function') env.addGlobal(name, macro);
    }
  }
}
