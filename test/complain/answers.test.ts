import { describe, expect, it } from 'vitest';
import { registerContactSchema } from '../../src/services/intake.ts';
import { buildSubmission, caseCategoryFor, composeSummary, limits, readAnswers, type Answers } from '../../src/services/complain/answers.ts';
import { isCategory } from '../../src/domain/categories.ts';
import { jurisdictions } from '../../src/domain/vocabulary.ts';

const longest: Answers = {
  bodyId: 1, bodyNotListed: true, careProviderName: 'c'.repeat(limits.name),
  whatHappened: 'w'.repeat(limits.whatHappened), injustice: 'i'.repeat(limits.injustice), desiredOutcome: 'd'.repeat(limits.desiredOutcome),
  complainedToBody: 'no', prematureReason: 'no-reply', prematureDetails: 'p'.repeat(limits.prematureDetails),
  complainingFor: 'someone-else', affectedName: 'a'.repeat(limits.name), relationship: 'r'.repeat(limits.relationship),
  fullName: 'f'.repeat(limits.name), email: 'someone@example.com', contactPreference: 'post', address: 'x'.repeat(limits.address),
  needsAdjustments: 'yes', adjustments: 'j'.repeat(limits.adjustments),
};

describe('online complaint answers', () => {
  it('fits the longest answers the form accepts into a case summary the intake service accepts', () => {
    const summary = composeSummary(longest);
    expect(summary.length).toBeLessThanOrEqual(10_000);
    const submission = buildSubmission(longest);
    const parsed = registerContactSchema.safeParse({
      channel: 'web', receivedAt: new Date(), complainant: submission.complainant, representative: submission.representative, bodyIds: [1],
      summary: submission.summary, outcome: 'case-created', ...caseCategoryFor('care-provider'),
    });
    expect(parsed.success).toBe(true);
  });

  it('categorises by the kind of body, with a category and jurisdiction that exist', () => {
    for (const kind of ['council', 'care-provider']) {
      const c = caseCategoryFor(kind);
      expect(isCategory(c.category, c.subcategory)).toBe(true);
      expect(jurisdictions.has(c.jurisdiction)).toBe(true);
    }
    expect(caseCategoryFor('care-provider').jurisdiction).toBe('private-social-care');
    expect(caseCategoryFor('council').jurisdiction).toBe('local-government');
  });

  it('reads stored answers leniently: wrong shapes and nulls are dropped, the rest kept', () => {
    expect(readAnswers({ bodyId: 'seven', whatHappened: 'Kept', complainedToBody: 'perhaps', affectedName: null, extra: 1 })).toEqual({ whatHappened: 'Kept' });
    expect(readAnswers(null)).toEqual({});
    expect(readAnswers('text')).toEqual({});
  });

  it('maps complaining for yourself to a complainant, and for someone else to complainant and representative', () => {
    const mine = buildSubmission({ ...longest, complainingFor: 'myself', fullName: 'Me', email: 'me@example.com', phone: '01632 960 001', address: null, bodyNotListed: false, bodyId: 3, needsAdjustments: 'no' });
    expect(mine.complainant).toEqual({ fullName: 'Me', email: 'me@example.com', phone: '01632 960 001', address: null });
    expect(mine.representative).toBeNull();
    expect(mine.body).toEqual({ id: 3 });
    expect(mine.adjustments).toBeNull();
    const theirs = buildSubmission({ ...longest, affectedName: 'Them', fullName: 'Me', email: 'me@example.com', address: null });
    expect(theirs.complainant).toEqual({ fullName: 'Them', email: null, phone: null, address: null });
    expect(theirs.representative).toMatchObject({ fullName: 'Me', email: 'me@example.com' });
    expect(theirs.filler.contactPreference).toBe('post');
    expect(theirs.body).toEqual({ careProviderName: 'c'.repeat(limits.name) });
  });
});
