import type { GroupFigures as StatisticsGroup } from '../../domain/body-statistics.ts';
import type { CouncilFigures, GroupFigures, LetterFigures } from '../../domain/annual-letters.ts';
import { councilPage } from '../body-statistics.ts';
import type { ServiceDeps } from '../deps.ts';

/** Where a letter's figures come from: a council (by code) and a plan year. Tests pass their own. */
export type LetterFiguresSource = (deps: ServiceDeps, code: string, planYear: number) => Promise<LetterFigures>;

const councilFigures = (f: CouncilFigures): CouncilFigures => ({
  received: f.received,
  decisions: f.decisions,
  investigations: f.investigations,
  upheld: f.upheld,
  upheld_rate: f.upheld_rate,
  remedied_by_body: f.remedied_by_body,
  compliance: f.compliance,
});

const group = (g: StatisticsGroup): GroupFigures => ({ councils: g.bodies, ...councilFigures(g) });

/**
 * The published figures of the council's public page for the year (src/services/body-statistics.ts):
 * the letter says exactly what the page says. Personal remedies are counted by kind; only service
 * improvements (and procedure reviews and training) are described.
 */
export const publishedLetterFigures: LetterFiguresSource = async (deps, code, planYear) => {
  const page = await councilPage(deps, code, planYear);
  return {
    version: 1,
    planYear,
    period: { from: page.from, to: page.to },
    council: { code: page.body.code, name: page.body.name, councilType: page.body.council_type },
    figures: councilFigures(page.figures),
    similar: page.similar_bodies ? group(page.similar_bodies.figures) : null,
    england: group(page.england),
    remedies: {
      byKind: Object.entries(page.figures.remedies_by_kind).map(([kind, count]) => ({ kind, count })),
      serviceImprovements: page.service_improvements.map((improvement) => improvement.description),
    },
  };
};
