import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  afterEdit,
  anonymisationProblem,
  availablePublicationActions,
  decidePublication,
  isPubliclyVisible,
  publicationStatus,
  type PublicationAction,
  type PublicationRecord,
} from '../../src/domain/publication.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import type { Identifier } from '../../src/domain/anonymisation.ts';

const DRAFTER = 1;
const OTHER = 2;
const at = new Date('2026-03-02T10:00:00Z');
const drafted: PublicationRecord = { draftedBy: DRAFTER, approvedBy: null, approvedAt: null, publishedAt: null, withdrawnAt: null, review: 'draft' };
const submitted: PublicationRecord = { ...drafted, review: 'submitted' };
const sentBack: PublicationRecord = { ...drafted, review: 'sent-back' };
const approved: PublicationRecord = { ...submitted, approvedBy: OTHER, approvedAt: at };
const published: PublicationRecord = { ...approved, publishedAt: at };
const withdrawn: PublicationRecord = { ...published, withdrawnAt: at };

const investigator = (id = DRAFTER) => ({ id, roles: ['investigator'] as Role[] });
const manager = (id = OTHER) => ({ id, roles: ['team-manager'] as Role[] });
const ombudsman = (id = 3) => ({ id, roles: ['ombudsman'] as Role[] });

describe('publication status', () => {
  it('reads the state of the record', () => {
    expect([undefined, drafted, submitted, sentBack, approved, published, withdrawn].map(publicationStatus)).toEqual([
      'not-started', 'draft', 'awaiting-approval', 'sent-back', 'approved', 'published', 'withdrawn',
    ]);
  });

  it('shows the public only approved, published and not withdrawn text', () => {
    expect([drafted, submitted, approved, published, withdrawn].map(isPubliclyVisible)).toEqual([false, false, false, true, false]);
    // A row published without approval (which the database refuses too) is still not shown.
    expect(isPubliclyVisible({ approvedAt: null, publishedAt: at, withdrawnAt: null })).toBe(false);
  });
});

describe('who may do what', () => {
  it('never lets the drafter approve their own text, even as a manager', () => {
    expect(decidePublication(submitted, 'approve', manager(DRAFTER))).toEqual({
      allowed: false, reason: 'forbidden', message: 'You drafted this decision, so a second person must approve it',
    });
    expect(decidePublication(submitted, 'approve', manager())).toEqual({ allowed: true });
    expect(decidePublication(submitted, 'approve', ombudsman())).toEqual({ allowed: true });
  });

  it('lets only managers and the Ombudsman approve, publish and withdraw', () => {
    expect(decidePublication(submitted, 'approve', investigator(9))).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(decidePublication(approved, 'publish', investigator(9))).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(decidePublication(published, 'withdraw', investigator(9))).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(decidePublication(undefined, 'edit', { id: 9, roles: ['intake', 'admin'] })).toMatchObject({ allowed: false, reason: 'forbidden' });
  });

  it('publishes only approved text, with the reason in words', () => {
    for (const record of [undefined, drafted, submitted, sentBack]) {
      expect(decidePublication(record, 'publish', manager())).toEqual({
        allowed: false, reason: 'illegal', message: 'A decision cannot be published until a second person has approved it',
      });
    }
    expect(decidePublication(approved, 'publish', manager())).toEqual({ allowed: true });
    expect(decidePublication(withdrawn, 'publish', manager())).toEqual({ allowed: true });
    expect(decidePublication(published, 'publish', manager())).toMatchObject({ allowed: false, message: 'This decision is already published' });
  });

  it('approves only what was submitted, and names the thing in messages', () => {
    expect(decidePublication(drafted, 'approve', manager(), 'report')).toMatchObject({ allowed: false, message: 'This report has not been submitted for approval' });
    expect(decidePublication(approved, 'approve', ombudsman())).toMatchObject({ allowed: false, message: 'This decision has already been approved' });
  });

  it('submits a draft or a sent-back text once', () => {
    expect(decidePublication(drafted, 'submit', investigator())).toEqual({ allowed: true });
    expect(decidePublication(sentBack, 'submit', investigator())).toEqual({ allowed: true });
    expect(decidePublication(submitted, 'submit', investigator())).toMatchObject({ allowed: false, message: 'This decision is already awaiting approval' });
    expect(decidePublication(undefined, 'submit', investigator())).toMatchObject({ allowed: false, reason: 'illegal' });
  });

  it('sends back only what awaits approval or is approved, and not by its drafter', () => {
    expect(decidePublication(submitted, 'send-back', manager())).toEqual({ allowed: true });
    expect(decidePublication(approved, 'send-back', manager(3))).toEqual({ allowed: true });
    expect(decidePublication(published, 'send-back', manager())).toMatchObject({ allowed: false, reason: 'illegal' });
    expect(decidePublication(submitted, 'send-back', manager(DRAFTER))).toMatchObject({ allowed: false, reason: 'illegal' });
  });

  it('withdraws only what is published', () => {
    expect(decidePublication(published, 'withdraw', manager())).toEqual({ allowed: true });
    expect(decidePublication(approved, 'withdraw', manager())).toMatchObject({ allowed: false, message: 'Only a published decision can be withdrawn' });
  });

  it('lists the actions open to a person', () => {
    expect(availablePublicationActions(submitted, manager())).toEqual(['edit', 'approve', 'send-back']);
    expect(availablePublicationActions(submitted, investigator())).toEqual(['edit']);
    expect(availablePublicationActions(sentBack, investigator())).toEqual(['edit', 'submit']);
    expect(availablePublicationActions(approved, manager())).toEqual(['edit', 'send-back', 'publish']);
  });
});

describe('editing', () => {
  it('clears the approval and takes the text off the public site when the words change', () => {
    expect(afterEdit(published, 3, true, 'submitted')).toEqual({ draftedBy: 3, approvedBy: null, approvedAt: null, publishedAt: null, withdrawnAt: null, review: 'submitted' });
  });

  it('keeps the approval when the same words are saved again', () => {
    expect(afterEdit(published, 3, false, 'draft')).toBe(published);
    expect(afterEdit(drafted, 3, false, 'submitted')).toEqual(submitted);
  });

  it('makes the editor the drafter, who may then not approve', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(undefined, drafted, submitted, sentBack, approved, published, withdrawn),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<PublicationRecord['review']>('draft', 'submitted'),
        (record, editor, review) => {
          const edited = afterEdit(record, editor, true, review);
          expect(isPubliclyVisible(edited)).toBe(false);
          expect(decidePublication(edited, 'approve', manager(editor)).allowed).toBe(false);
          expect(decidePublication(edited, 'publish', manager(editor === 5 ? 4 : 5)).allowed).toBe(false);
        },
      ),
    );
  });
});

describe('the four-eyes rule holds along any sequence of actions', () => {
  it('publishes only text approved by someone other than its last editor', () => {
    const actions: PublicationAction[] = ['edit', 'submit', 'approve', 'send-back', 'publish', 'withdraw'];
    const people = [investigator(1), manager(2), ombudsman(3), manager(4)];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...actions), fc.constantFrom(...people)), { maxLength: 30 }), (steps) => {
        let record: PublicationRecord | undefined;
        for (const [action, person] of steps) {
          if (!decidePublication(record, action, person).allowed) continue;
          const now = new Date(at.getTime() + 1000);
          if (action === 'edit') record = afterEdit(record, person.id, true, 'draft');
          else if (record && action === 'submit') record = { ...record, review: 'submitted' };
          else if (record && action === 'approve') record = { ...record, approvedBy: person.id, approvedAt: now };
          else if (record && action === 'send-back') record = { ...record, approvedBy: null, approvedAt: null, review: 'sent-back' };
          else if (record && action === 'publish') record = { ...record, publishedAt: now, withdrawnAt: null };
          else if (record && action === 'withdraw') record = { ...record, withdrawnAt: now };
          if (record && isPubliclyVisible(record)) {
            expect(record.approvedBy).not.toBeNull();
            expect(record.approvedBy).not.toBe(record.draftedBy);
          }
        }
      }),
    );
  });
});

describe('the anonymisation check before approval', () => {
  const finding: Identifier = { kind: 'name', text: 'Smith', start: 0, end: 5, reason: 'Part of the complainant’s name', known: true };
  it('blocks a text with personal details unless the drafter confirms they do not identify anyone', () => {
    expect(anonymisationProblem([], false)).toBeUndefined();
    expect(anonymisationProblem([finding], true)).toBeUndefined();
    expect(anonymisationProblem([finding], false)).toBe('The check found a personal detail that may identify someone: remove them, or confirm they do not identify anyone');
    expect(anonymisationProblem([finding, finding], false)).toMatch(/^The check found 2 personal details/);
  });
});
