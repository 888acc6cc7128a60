import type { z } from 'zod';
import type { AnswerPatch, Answers } from '../../../services/complain/answers.ts';
import type { FormBody } from '../../forms.ts';

/** Every page of the journey with a URL of its own under /complain. */
export type QuestionKey =
  | 'who-is-it-about'
  | 'what-happened'
  | 'injustice'
  | 'desired-outcome'
  | 'complained-already'
  | 'reason-for-complaining-now'
  | 'who-for'
  | 'person-affected'
  | 'contact-details'
  | 'adjustments';
export type PageKey = QuestionKey | 'start' | 'complain-to-them-first' | 'check-answers';

export type FormValues = Record<string, string>;

/** One row of "Check your answers". */
export interface AnswerRow {
  key: string;
  /** Shown as typed: line breaks kept, HTML escaped. */
  value: string;
  /** The page that changes it. */
  page: QuestionKey;
  /** Completes "Change" for screen reader users, e.g. "what happened". */
  changeText: string;
}

export interface BodyLookup {
  /** A council or care provider by id; undefined for anything else. */
  findBody(id: number): Promise<{ id: number; name: string; kind: string } | undefined>;
  /** Every council and care provider, as select options. */
  listBodies(): Promise<{ value: string; text: string }[]>;
}

export type ParseResult = { ok: true; patch: AnswerPatch } | { ok: false; errors: Record<string, string> };

/**
 * A question page: one thing per page, as in the GOV.UK Design System. The routes and "check your
 * answers" are derived from these, so adding a question means adding a module and listing it in
 * journey.ts.
 */
export interface QuestionPage {
  key: QuestionKey;
  /** The page title (and usually its heading). */
  title: string;
  /** The template under views/complain/pages/. */
  template: string;
  /** The form's input names, in page order. */
  fields: readonly string[];
  /** "Check your answers" section. */
  section: 'complaint' | 'you';
  /** Whether the page is part of this person's journey, given the answers so far. */
  applies(answers: Answers): boolean;
  /** The form as saved answers fill it in. */
  values(answers: Answers): FormValues;
  /** Checks a submitted form; returns the answers to save or the messages to show. */
  parse(values: FormValues, lookup: BodyLookup): Promise<ParseResult>;
  next(answers: Answers): PageKey;
  previous(answers: Answers): PageKey;
  rows(answers: Answers): AnswerRow[];
  /** Extra template context (such as the list of bodies). */
  context?(answers: Answers, lookup: BodyLookup): Promise<Record<string, unknown>>;
}

/** The page's inputs from a posted form: trimmed, Windows line breaks as one character (as the character count counts them). */
export function formValues(body: FormBody, names: readonly string[]): FormValues {
  const values: FormValues = {};
  for (const name of names) {
    const raw = body[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    values[name] = (value ?? '').replace(/\r\n?/g, '\n').trim();
  }
  return values;
}

/** Whether nothing at all was entered on the page. */
export function isBlank(values: FormValues): boolean {
  return Object.values(values).every((value) => value === '');
}

/** Validates with zod; every message keyed by its input's name, in the order of the page. */
export function check<S extends z.ZodType>(schema: S, values: FormValues): { ok: true; data: z.output<S> } | { ok: false; errors: Record<string, string> } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'form');
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}

/** A page is complete when its saved answers, put back into its form, would be accepted. */
export async function isComplete(page: QuestionPage, answers: Answers, lookup: BodyLookup): Promise<boolean> {
  return (await page.parse(page.values(answers), lookup)).ok;
}

export const notProvided = 'Not provided';

/** "5,000" */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}
