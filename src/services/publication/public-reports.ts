import { publicDecisionIdsOfCases } from '../../data/repositories/published-decisions.ts';
import { countPublishedReports, findPublishedReportBySlug, listPublishedReports, reportCasesForPublic, type ReportKind } from '../../data/repositories/reports.ts';
import { readerOf, type ServiceDeps } from '../deps.ts';
import { notFound } from '../errors.ts';

/** The public's reports: published ones only, newest first, each with the cases it covers. */

export const REPORTS_PER_PAGE = 20;

export async function listPublicReports(deps: ServiceDeps, kind: ReportKind | undefined, page: number) {
  const db = readerOf(deps);
  const total = await countPublishedReports(db, kind);
  const pageCount = Math.max(1, Math.ceil(total / REPORTS_PER_PAGE));
  const current = Math.min(Math.max(1, page), pageCount);
  const reports = await listPublishedReports(db, kind, (current - 1) * REPORTS_PER_PAGE, REPORTS_PER_PAGE);
  return { reports, total, page: current, pageCount };
}

export type TextBlock = { kind: 'heading' | 'paragraph'; text: string };

/**
 * A report's plain text as headings and paragraphs: paragraphs are separated by a blank line,
 * and a paragraph starting "## " is a heading. Nothing else is interpreted, so no markup can
 * reach the page.
 */
export function textBlocks(text: string): TextBlock[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => (block.startsWith('## ') ? { kind: 'heading' as const, text: block.slice(3).trim() } : { kind: 'paragraph' as const, text: block }));
}

export async function getPublicReport(deps: ServiceDeps, slug: string) {
  const db = readerOf(deps);
  const report = slug.length <= 200 ? await findPublishedReportBySlug(db, slug) : undefined;
  if (!report) throw notFound('Report');
  const cases = await reportCasesForPublic(db, report.id);
  const decisionIds = await publicDecisionIdsOfCases(db, cases.map((c) => c.id));
  return {
    report,
    blocks: textBlocks(report.body_text),
    cases: cases.map(({ id, ...shown }) => ({ ...shown, decisionId: decisionIds.get(id) ?? null })),
  };
}
