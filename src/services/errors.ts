/**
 * Application errors carry a code; the web edge alone maps codes to HTTP statuses.
 * `fields` holds per-field messages for a form's error summary.
 */
export type ErrorCode = 'not-found' | 'forbidden' | 'illegal' | 'invalid' | 'conflict' | 'unauthenticated';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Page') => new AppError('not-found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('forbidden', message);
export const illegal = (message: string) => new AppError('illegal', message);
export const invalid = (fields: Record<string, string>) =>
  new AppError('invalid', Object.values(fields)[0] ?? 'Check your answers', fields);
