/**
 * Helpers for the "Complain online" tests: an application with the /complain routes registered
 * (as app.ts does), a browser that follows the journey, and readers for GOV.UK pages.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../src/data/db.ts';
import { ensureCareProvider } from '../../src/data/repositories/bodies.ts';
import { Browser, createTestApp, type TestApp } from '../helpers/app.ts';

export interface ComplainTestApp extends TestApp {
  councilId: number;
  councilName: string;
  careProviderId: number;
  careProviderName: string;
}

/** A test application with the public complaint form, one council and one care provider to choose. */
export async function createComplainApp(engine: Engine, now = new Date('2026-05-18T09:00:00Z')): Promise<ComplainTestApp> {
  const t = await createTestApp(engine, now, { publicUrl: 'https://complain.example.org' });
  const council = await t.database.db.selectFrom('bodies').select(['id', 'name']).where('name', '=', 'Sampleton District Council').executeTakeFirstOrThrow();
  const careProvider = await ensureCareProvider(t.database.db, 'Rosewood Care Home');
  return { ...t, councilId: council.id, councilName: council.name, careProviderId: careProvider.id, careProviderName: careProvider.name };
}

export type Form = Record<string, string>;

/** The answers of a complete complaint, page by page, as the forms send them. */
export function journeyAnswers(t: ComplainTestApp, overrides: Partial<Record<string, Form>> = {}): [string, Form][] {
  const pages: [string, Form][] = [
    ['who-is-it-about', { bodyId: String(t.councilId) }],
    ['what-happened', { whatHappened: 'The council did not repair the damp in my flat\r\nfor six months <despite> "promises" & letters.' }],
    ['injustice', { injustice: 'My children were ill and I lost two weeks of work.' }],
    ['desired-outcome', { desiredOutcome: 'Repair the damp and apologise.' }],
    ['complained-already', { complainedToBody: 'yes' }],
    ['who-for', { complainingFor: 'myself' }],
    ['contact-details', { fullName: 'Siobhán O’Connor-Smith', email: 'siobhan@example.com', phone: '', address: '', contactPreference: 'email' }],
    ['adjustments', { needsAdjustments: 'no' }],
  ];
  return pages.map(([page, form]) => [page, overrides[page] ?? form]);
}

/** Answers every page in order, expecting each to be accepted; returns the last response. */
export async function answerAll(browser: Browser, pages: [string, Form][]): Promise<LightMyRequestResponse> {
  let last: LightMyRequestResponse | undefined;
  for (const [page, form] of pages) {
    await browser.get(`/complain/${page}`);
    last = await browser.post(`/complain/${page}`, form);
    expect(last.statusCode, `${page}: ${errorSummaryOf(last.body).items.map((i) => i.text).join('; ')}`).toBe(303);
  }
  return last as LightMyRequestResponse;
}

export function locationOf(response: LightMyRequestResponse): string {
  return String(response.headers.location ?? '');
}

export function titleOf(body: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/.exec(body)?.[1]?.trim() ?? '';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The links in the GOV.UK error summary. */
export function errorSummaryOf(body: string): { present: boolean; items: { href: string; text: string }[] } {
  const start = body.indexOf('class="govuk-error-summary"');
  if (start < 0) return { present: false, items: [] };
  const end = body.indexOf('</ul>', start);
  const html = body.slice(start, end < 0 ? undefined : end);
  const items = [...html.matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1] as string, text: (m[2] as string).trim() }));
  return { present: true, items };
}

/** "Check your answers" as key -> value text, for every row. */
export function summaryRowsOf(body: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of body.matchAll(/<dt class="govuk-summary-list__key">\s*([\s\S]*?)\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*([\s\S]*?)\s*<\/dd>/g)) {
    rows.set(m[1] as string, (m[2] as string).replace(/<br \/>\s*/g, '\n'));
  }
  return rows;
}

/** The "Change" links of "Check your answers". */
export function changeLinksOf(body: string): string[] {
  return [...body.matchAll(/<a class="govuk-link" href="([^"]+)">Change<span class="govuk-visually-hidden">/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));
}

/** Expects a 400 page with the GOV.UK error summary linking each field to its message. */
export function expectErrors(response: LightMyRequestResponse, expected: Record<string, string>): void {
  expect(response.statusCode).toBe(400);
  expect(titleOf(response.body).startsWith('Error: ')).toBe(true);
  const summary = errorSummaryOf(response.body);
  expect(summary.present).toBe(true);
  expect(Object.fromEntries(summary.items.map((i) => [i.href.replace(/^#/, ''), i.text]))).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, escapeHtml(v)])));
  for (const message of Object.values(expected)) expect(response.body).toContain(`<span class="govuk-visually-hidden">Error:</span> ${escapeHtml(message)}`);
}
