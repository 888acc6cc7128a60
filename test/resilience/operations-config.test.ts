import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

/** The settings for running Redress in production that docs/operations.md describes. */
describe('operations settings', () => {
  it('has defaults that need no configuration', () => {
    const config = loadConfig({});
    expect({ readUrl: config.databaseReadUrl, pool: config.databasePoolSize, grace: config.shutdownGraceMs, notify: config.notifyBaseUrl }).toEqual({
      readUrl: undefined, pool: 10, grace: 25_000, notify: undefined,
    });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://primary/redress', DATABASE_READ_URL: 'postgres://replica/redress', DATABASE_POOL_SIZE: '25', SHUTDOWN_GRACE_SECONDS: '8.5' });
    expect({ readUrl: config.databaseReadUrl, pool: config.databasePoolSize, grace: config.shutdownGraceMs }).toEqual({ readUrl: 'postgres://replica/redress', pool: 25, grace: 8_500 });
  });

  it('refuses values that would fail later in a worse way', () => {
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow('DATABASE_POOL_SIZE must be a positive number, not "0"');
    expect(() => loadConfig({ SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow('SHUTDOWN_GRACE_SECONDS must be a positive number, not "soon"');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://replica/redress' })).toThrow('set DATABASE_URL too');
  });
});
