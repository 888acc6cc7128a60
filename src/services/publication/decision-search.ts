import {
  bodiesOfCase,
  bodiesWithPublishedDecisions,
  countPublishedDecisions,
  findBodyByCode,
  findPublishedDecision,
  MATCH_END,
  MATCH_START,
  searchPublishedDecisions,
  wordsAreSearchable,
  type DecisionSearch,
} from '../../data/repositories/published-decisions.ts';
import { categories, parseCategoryPath } from '../../domain/categories.ts';
import { addCalendarDays, londonMidnight } from '../../domain/london-time.ts';
import { finalDecisionOutcomes, outcomes } from '../../domain/vocabulary.ts';
import { readerOf, type ServiceDeps } from '../deps.ts';
import { invalid, notFound } from '../errors.ts';

/**
 * The public's search of published decisions: by words (PostgreSQL full text search, ranked),
 * body, category, outcome and decision date, a page at a time. Reads from the replica when
 * there is one. Nothing here returns personal data: only published, approved statements.
 */

export const RESULTS_PER_PAGE = 20;
export const MAX_WORDS = 200;
/** Deeper pages are refused: nobody reads them, and crawlers should not make us count that far. */
export const MAX_PAGE = 500;

export interface DecisionFilter {
  words: string;
  /** A body's code, e.g. an ONS code "E07000123". */
  body: string;
  /** "Housing" or "Housing > Homelessness". */
  category: string;
  outcome: string;
  /** ISO dates, both ends included (London dates). */
  from?: string;
  to?: string;
  page: number;
}

export interface SearchResultPage {
  results: (Awaited<ReturnType<typeof searchPublishedDecisions>>[number] & { extractParts: { text: string; match: boolean }[] })[];
  total: number;
  page: number;
  pageCount: number;
  /** True when the words were all too common to search by (like "the"), so they were ignored. */
  wordsIgnored: boolean;
}

/** Splits a headline marked by ts_headline into plain and matched parts, so a view can escape and mark them. */
export function extractParts(extract: string | null): { text: string; match: boolean }[] {
  if (!extract) return [];
  const parts: { text: string; match: boolean }[] = [];
  for (const [index, piece] of extract.split(MATCH_START).entries()) {
    if (index === 0) {
      if (piece) parts.push({ text: piece, match: false });
      continue;
    }
    const [matched, rest] = piece.split(MATCH_END);
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

/** Reads the filter into a repository search, or throws `invalid` with a message for each field. */
async function searchOf(deps: ServiceDeps, filter: DecisionFilter): Promise<DecisionSearch> {
  const errors: Record<string, string> = {};
  const search: DecisionSearch = {};
  const db = readerOf(deps);
  if (filter.words.length > MAX_WORDS) errors.words = `Search words must be ${MAX_WORDS} characters or fewer`;
  else if (filter.words) search.words = filter.words;
  if (filter.body) {
    const body = filter.body.length <= 50 ? await findBodyByCode(db, filter.body) : undefined;
    if (body) search.bodyId = body.id;
    else errors.body = 'Select a council or care provider from the list';
  }
  if (filter.category) {
    const path = parseCategoryPath(filter.category);
    if (path && categories[path.category]?.includes(path.subcategory)) Object.assign(search, { category: path.category, subcategory: path.subcategory });
    else if (categories[filter.category]) search.category = filter.category;
    else errors.category = 'Select a category from the list';
  }
  if (filter.outcome) {
    if ((finalDecisionOutcomes as readonly string[]).includes(filter.outcome)) search.outcome = filter.outcome;
    else errors.outcome = 'Select an outcome from the list';
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.to = 'The ‘to’ date must be the same as or after the ‘from’ date';
  if (filter.from) search.decidedFrom = londonMidnight(filter.from);
  if (filter.to) search.decidedBefore = londonMidnight(addCalendarDays(filter.to, 1));
  if (Object.keys(errors).length > 0) throw invalid(errors);
  return search;
}

export async function searchDecisions(deps: ServiceDeps, filter: DecisionFilter): Promise<SearchResultPage> {
  const search = await searchOf(deps, filter);
  const db = readerOf(deps);
  let wordsIgnored = false;
  if (search.words && !(await wordsAreSearchable(db, search.words))) {
    delete search.words;
    wordsIgnored = true;
  }
  const total = await countPublishedDecisions(db, search);
  const pageCount = Math.max(1, Math.min(MAX_PAGE, Math.ceil(total / RESULTS_PER_PAGE)));
  const page = Math.max(1, Math.trunc(filter.page));
  // A page past the end (an old link, a hand-typed URL) shows no results rather than an error.
  const rows = page <= pageCount ? await searchPublishedDecisions(db, search, (page - 1) * RESULTS_PER_PAGE, RESULTS_PER_PAGE) : [];
  return { results: rows.map((row) => ({ ...row, extractParts: extractParts(row.extract) })), total, page, pageCount, wordsIgnored };
}

/** The options of the search form's selects. */
export async function decisionFilterOptions(deps: ServiceDeps) {
  const bodies = await bodiesWithPublishedDecisions(readerOf(deps));
  return {
    bodies: bodies.map((b) => ({ value: b.code, text: b.name })),
    categories: Object.entries(categories).flatMap(([category, subs]) => [
      { value: category, text: category },
      ...subs.map((sub) => ({ value: `${category} > ${sub}`, text: `${category}: ${sub}` })),
    ]),
    outcomes: finalDecisionOutcomes.map((value) => ({ value, text: outcomes.label(value) })),
  };
}

/** One published decision for the public, or not found (never published, withdrawn, or not approved). */
export async function getPublishedDecision(deps: ServiceDeps, id: number) {
  const db = readerOf(deps);
  const decision = await findPublishedDecision(db, id);
  if (!decision) throw notFound('Decision');
  const bodies = await bodiesOfCase(db, decision.case_id);
  const { case_id: _caseId, ...shown } = decision;
  return { decision: shown, bodies };
}
