import { z } from 'zod';
import { invalid } from '../errors.ts';

/**
 * The answers of an online complaint as stored in `complaint_drafts.answers` (jsonb). Every answer
 * is optional while the complaint is being written; `null` means "cleared". The web pages check
 * each answer's format with plain-English messages; `buildSubmission` checks the whole is complete.
 */
export const answersSchema = z.object({
  bodyId: z.number().int().positive().nullish(),
  /** The body's name when it was chosen, for showing back; the id is what counts. */
  bodyName: z.string().nullish(),
  bodyNotListed: z.boolean().nullish(),
  careProviderName: z.string().nullish(),
  whatHappened: z.string().nullish(),
  injustice: z.string().nullish(),
  desiredOutcome: z.string().nullish(),
  complainedToBody: z.enum(['yes', 'no']).nullish(),
  prematureReason: z.enum(['no-reply', 'urgent', 'other']).nullish(),
  prematureDetails: z.string().nullish(),
  complainingFor: z.enum(['myself', 'someone-else']).nullish(),
  affectedName: z.string().nullish(),
  relationship: z.string().nullish(),
  fullName: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  address: z.string().nullish(),
  contactPreference: z.enum(['email', 'sms', 'post']).nullish(),
  needsAdjustments: z.enum(['yes', 'no']).nullish(),
  adjustments: z.string().nullish(),
});
export type Answers = z.infer<typeof answersSchema>;
export type AnswerPatch = { [K in keyof Answers]?: Answers[K] | null };

/** Reads stored answers leniently: an answer of the wrong shape (an older form, say) is dropped, never fatal. */
export function readAnswers(json: unknown): Answers {
  const source = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const answers: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(answersSchema.shape)) {
    const parsed = schema.safeParse(source[key]);
    if (parsed.success && parsed.data !== null && parsed.data !== undefined) answers[key] = parsed.data;
  }
  return answers as Answers;
}

/** Why someone who has not complained to the body yet comes to us now. */
export const prematureReasons = {
  'no-reply': 'I have been in touch with them, but they have not replied within the time their complaints procedure allows',
  urgent: 'It is urgent: someone is at risk of harm, or will lose out if I wait',
  other: 'Another reason',
} as const;

export const contactPreferences = {
  email: 'Email',
  sms: 'Text message',
  post: 'Post',
} as const;

/** The longest answers the form accepts; together they fit the case summary (10,000 characters). */
export const limits = {
  name: 200,
  relationship: 100,
  whatHappened: 5_000,
  injustice: 1_500,
  desiredOutcome: 1_500,
  prematureDetails: 500,
  email: 320,
  phone: 40,
  address: 500,
  adjustments: 2_000,
} as const;

/**
 * Cases from the online form are not categorised by the public: the category and jurisdiction
 * follow from the kind of body, and assessors re-categorise when they assess.
 */
export function caseCategoryFor(kind: string): { category: string; subcategory: string; jurisdiction: string } {
  return kind === 'care-provider'
    ? { category: 'Adult care services', subcategory: 'Residential care', jurisdiction: 'private-social-care' }
    : { category: 'Corporate and other services', subcategory: 'Complaint handling', jurisdiction: 'local-government' };
}

export interface PersonDetails {
  fullName: string;
  email: string | null;
  phone: string | null;
  address: string | null;
}

/** A complete complaint, ready to record. */
export interface Submission {
  body: { id: number } | { careProviderName: string };
  /** The person the complaint is about: the form-filler, or the person they complain for. */
  complainant: PersonDetails;
  /** The form-filler when complaining for someone else. */
  representative: PersonDetails | null;
  /** The person who filled in the form: the one we reply to. */
  filler: PersonDetails & { contactPreference: 'email' | 'sms' | 'post' };
  summary: string;
  adjustments: string | null;
}

const text = (value: string | null | undefined) => (value ?? '').trim();

/** Turns complete answers into a submission; throws an `invalid` error naming every missing answer. */
export function buildSubmission(answers: Answers): Submission {
  const missing: Record<string, string> = {};
  const need = (key: keyof Answers, message: string) => {
    const value = answers[key];
    if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) missing[key] = message;
  };
  if (answers.bodyNotListed) need('careProviderName', 'Enter the name of the care provider');
  else need('bodyId', 'Select the council or care provider your complaint is about');
  need('whatHappened', 'Enter what happened');
  need('injustice', 'Enter how it affected you');
  need('desiredOutcome', 'Enter what you want to happen');
  need('complainedToBody', 'Select yes if you have already complained to the council or care provider');
  if (answers.complainedToBody === 'no') {
    need('prematureReason', 'Select why you are complaining to us now');
    if (answers.prematureReason === 'other') need('prematureDetails', 'Tell us your reason for complaining to us now');
  }
  need('complainingFor', 'Select who you are complaining for');
  if (answers.complainingFor === 'someone-else') {
    need('affectedName', 'Enter the full name of the person you are complaining for');
    need('relationship', 'Enter your relationship to the person you are complaining for');
  }
  need('fullName', 'Enter your full name');
  need('email', 'Enter your email address');
  need('contactPreference', 'Select how you would like us to contact you');
  need('needsAdjustments', 'Select yes if you need us to make any adjustments');
  if (answers.needsAdjustments === 'yes') need('adjustments', 'Describe the adjustments you need');
  if (Object.keys(missing).length > 0) throw invalid(missing);

  const filler: PersonDetails = {
    fullName: text(answers.fullName),
    email: text(answers.email) || null,
    phone: text(answers.phone) || null,
    address: text(answers.address) || null,
  };
  const forSomeoneElse = answers.complainingFor === 'someone-else';
  const complainant: PersonDetails = forSomeoneElse ? { fullName: text(answers.affectedName), email: null, phone: null, address: null } : filler;
  return {
    body: answers.bodyNotListed ? { careProviderName: text(answers.careProviderName) } : { id: answers.bodyId as number },
    complainant,
    representative: forSomeoneElse ? filler : null,
    filler: { ...filler, contactPreference: answers.contactPreference ?? 'email' },
    summary: composeSummary(answers),
    adjustments: answers.needsAdjustments === 'yes' ? text(answers.adjustments) || null : null,
  };
}

/** The case summary assessors read: the complainant's own words under the questions they answered. */
export function composeSummary(answers: Answers): string {
  const parts = [
    `What happened:\n${text(answers.whatHappened)}`,
    `The injustice or harm it caused:\n${text(answers.injustice)}`,
    `What they want to happen:\n${text(answers.desiredOutcome)}`,
  ];
  if (answers.complainedToBody === 'no') {
    const reason = answers.prematureReason ? prematureReasons[answers.prematureReason] : 'No reason given';
    const details = text(answers.prematureDetails);
    parts.push(`Complained to the council or care provider first: No.\nReason for coming to us now: ${reason}.${details ? `\n${details}` : ''}`);
  } else {
    parts.push('Complained to the council or care provider first: Yes.');
  }
  if (answers.complainingFor === 'someone-else') {
    parts.push(`Made on behalf of ${text(answers.affectedName)} by ${text(answers.fullName)} (relationship: ${text(answers.relationship)}).`);
  }
  if (answers.bodyNotListed) {
    parts.push(`The care provider was not on our list: the complainant named it as "${text(answers.careProviderName)}".`);
  }
  return parts.join('\n\n');
}
