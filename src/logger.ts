import pino from 'pino';

/** Structured logs; personal data never goes in them (log ids and references, not names or text). */
export function createLogger(level: string) {
  return pino({ level, base: { service: 'redress' }, redact: ['req.headers.cookie', 'req.headers.authorization'] });
}
export type Logger = ReturnType<typeof createLogger>;
