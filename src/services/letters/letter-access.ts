import type { Actor } from '../../domain/case-lifecycle.ts';
import type { Role } from '../../domain/vocabulary.ts';
import { forbidden } from '../errors.ts';

/** Who works on annual letters: the Ombudsman, team managers and administrators. */
export const letterRoles: readonly Role[] = ['ombudsman', 'team-manager', 'admin'];

export type LetterActor = Actor;

export function mayWorkOnLetters(actor: LetterActor): boolean {
  return actor.roles.some((role) => letterRoles.includes(role));
}

export function requireLetterRole(actor: LetterActor): void {
  if (!mayWorkOnLetters(actor)) throw forbidden('You do not have permission to work on annual letters');
}
