import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableActions, decide, rules, stages, type ActionKind, type CaseState, type LinkOfficerActor, type Stage } from '../../src/domain/case-lifecycle.ts';
import { roles, type Role } from '../../src/domain/vocabulary.ts';

const actions = Object.keys(rules) as ActionKind[];
const base: CaseState = { stage: 'assessment', ownerId: null, clockStopped: false, joint: false, pendingRemedies: 0 };

describe('case lifecycle', () => {
  it('takes a complaint from assessment to closure along the investigation path', () => {
    const manager = { id: 1, roles: ['team-manager'] as Role[] };
    const investigator = { id: 2, roles: ['investigator'] as Role[] };
    let state: CaseState = base;
    const step = (action: ActionKind, actor: { id: number; roles: Role[] }, patch: Partial<CaseState> = {}) => {
      const verdict = decide({ ...state, ...patch }, action, actor);
      if (!verdict.allowed) throw new Error(verdict.message);
      state = { ...state, ...patch, stage: verdict.to };
      return verdict.to;
    };
    expect(step('pass-for-investigation', { id: 3, roles: ['assessor'] })).toBe('awaiting-allocation');
    expect(step('allocate', manager)).toBe('investigation');
    state = { ...state, ownerId: investigator.id };
    expect(step('share-draft-decision', investigator)).toBe('draft-decision');
    expect(step('issue-final-decision', investigator, { pendingRemedies: 2 })).toBe('compliance');
    expect(step('record-compliance', investigator, { pendingRemedies: 1 })).toBe('compliance');
    expect(step('record-compliance', investigator, { pendingRemedies: 0 })).toBe('closed');
  });

  it('closes straight away when a final decision recommends no remedy', () => {
    const verdict = decide({ ...base, stage: 'draft-decision', ownerId: 2 }, 'issue-final-decision', { id: 2, roles: ['investigator'] });
    expect(verdict).toEqual({ allowed: true, to: 'closed' });
  });

  it('refuses a final decision before a draft has been shared, in words a caseworker understands', () => {
    const verdict = decide({ ...base, stage: 'investigation', ownerId: 2 }, 'issue-final-decision', { id: 2, roles: ['investigator'] });
    expect(verdict).toEqual({ allowed: false, reason: 'illegal', message: 'Share a draft decision with the parties before the final decision' });
  });

  it('lets only the investigator the case is allocated to act on it, but managers act on any', () => {
    const state: CaseState = { ...base, stage: 'investigation', ownerId: 2 };
    expect(decide(state, 'share-draft-decision', { id: 9, roles: ['investigator'] })).toMatchObject({ allowed: false, reason: 'forbidden' });
    expect(decide(state, 'share-draft-decision', { id: 2, roles: ['investigator'] })).toMatchObject({ allowed: true });
    expect(decide(state, 'share-draft-decision', { id: 7, roles: ['team-manager'] })).toMatchObject({ allowed: true });
  });

  it('does not let an administrator without a casework role touch cases', () => {
    for (const stage of stages) {
      expect(availableActions({ ...base, stage }, { id: 1, roles: ['admin'] })).toEqual([]);
    }
  });

  it('allows nothing on a closed case', () => {
    for (const role of roles.values) {
      expect(availableActions({ ...base, stage: 'closed' }, { id: 1, roles: [role] })).toEqual([]);
    }
  });

  it('refuses decisions while the clock is stopped, and stopping it twice', () => {
    const stopped: CaseState = { ...base, stage: 'draft-decision', ownerId: 2, clockStopped: true };
    expect(decide(stopped, 'issue-final-decision', { id: 2, roles: ['investigator'] })).toMatchObject({ allowed: false, message: 'Restart the clock first: it was stopped' });
    expect(decide(stopped, 'stop-clock', { id: 2, roles: ['investigator'] })).toMatchObject({ allowed: false, message: 'The clock is already stopped' });
    expect(decide(stopped, 'restart-clock', { id: 2, roles: ['investigator'] })).toMatchObject({ allowed: true, to: 'draft-decision' });
  });

  it('never moves a case backwards, never reopens it, and only closes it by a decision or the last remedy', () => {
    const order = (stage: Stage) => stages.indexOf(stage);
    const stateArb = fc.record({
      stage: fc.constantFrom(...stages),
      ownerId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
      clockStopped: fc.boolean(),
      joint: fc.boolean(),
      pendingRemedies: fc.integer({ min: 0, max: 3 }),
    });
    const actorArb = fc.record({ id: fc.integer({ min: 1, max: 3 }), roles: fc.subarray([...roles.values], { minLength: 1 }) });
    fc.assert(
      fc.property(stateArb, fc.constantFrom(...actions), actorArb, (state, action, actor) => {
        const verdict = decide(state, action, actor);
        if (!verdict.allowed) {
          expect(verdict.message.length).toBeGreaterThan(0);
          return;
        }
        expect(state.stage).not.toBe('closed');
        expect(order(verdict.to)).toBeGreaterThanOrEqual(order(state.stage));
        if (verdict.to === 'closed') {
          expect(['close-after-initial-enquiries', 'refer-back-for-local-resolution', 'issue-final-decision', 'record-compliance']).toContain(action);
        }
        if (!actor.roles.some((r) => rules[action].roles.includes(r))) throw new Error('allowed without a permitted role');
      }),
      { numRuns: 2000 },
    );
  });

  describe('a body’s link officer', () => {
    const officer: LinkOfficerActor = { kind: 'link-officer', linkOfficerId: 5, bodyId: 7 };

    it('may answer an enquiry on an open case and confirm a remedy, and nothing else', () => {
      expect(decide({ ...base, stage: 'investigation', ownerId: 2 }, 'record-enquiry-response', officer)).toEqual({ allowed: true, to: 'investigation' });
      expect(decide({ ...base, stage: 'compliance', ownerId: 2, pendingRemedies: 1 }, 'record-compliance', officer)).toEqual({ allowed: true, to: 'compliance' });
      expect(decide({ ...base, stage: 'compliance', ownerId: 2, pendingRemedies: 0 }, 'record-compliance', officer)).toEqual({ allowed: true, to: 'closed' });
      const theirs = (Object.keys(rules) as ActionKind[]).filter((action) => rules[action].linkOfficers);
      expect(theirs.sort()).toEqual(['record-compliance', 'record-enquiry-response']);
      for (const stage of stages) {
        expect(availableActions({ ...base, stage, ownerId: 2 }, officer).every((action) => theirs.includes(action))).toBe(true);
      }
    });

    it('is not the allocated investigator, yet is not refused for it; the stage rules still apply', () => {
      // The owner check is for investigators; a link officer's id is not a staff id and must never match one.
      const allocatedTo5: CaseState = { ...base, stage: 'draft-decision', ownerId: 5 };
      expect(decide(allocatedTo5, 'issue-final-decision', officer)).toMatchObject({ allowed: false, reason: 'forbidden' });
      expect(decide({ ...base, stage: 'draft-decision' }, 'record-compliance', officer)).toEqual({
        allowed: false, reason: 'illegal', message: 'Compliance can be recorded only after the final decision',
      });
      expect(decide({ ...base, stage: 'closed' }, 'record-enquiry-response', officer)).toMatchObject({ allowed: false, reason: 'illegal', message: 'The case is closed' });
    });

    it('is allowed only what a rule opens to link officers, never backwards, never reopening', () => {
      const order = (stage: Stage) => stages.indexOf(stage);
      const stateArb = fc.record({
        stage: fc.constantFrom(...stages),
        ownerId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        clockStopped: fc.boolean(),
        joint: fc.boolean(),
        pendingRemedies: fc.integer({ min: 0, max: 3 }),
      });
      const officerArb = fc.record({ kind: fc.constant('link-officer' as const), linkOfficerId: fc.integer({ min: 1, max: 3 }), bodyId: fc.integer({ min: 1, max: 3 }) });
      fc.assert(
        fc.property(stateArb, fc.constantFrom(...actions), officerArb, (state, action, actor) => {
          const verdict = decide(state, action, actor);
          if (!rules[action].linkOfficers) {
            expect(verdict).toMatchObject({ allowed: false, reason: 'forbidden' });
            return;
          }
          // Exactly what a manager (who has every right but ownership) would be allowed.
          const manager = decide(state, action, { id: 99, roles: ['team-manager'] });
          expect(verdict).toEqual(manager);
          if (verdict.allowed) {
            expect(state.stage).not.toBe('closed');
            expect(order(verdict.to)).toBeGreaterThanOrEqual(order(state.stage));
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
