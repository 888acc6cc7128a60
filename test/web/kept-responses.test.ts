import Fastify from 'fastify';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { KeptResponses } from '../../src/web/public-pages/kept-responses.ts';
import { etagOf, publicHttpCaching } from '../../src/web/public-pages/http-cache.ts';
import { registerRenderShared } from '../../src/web/render-shared.ts';

describe('KeptResponses', () => {
  const counting = () => {
    const made: string[] = [];
    return { made, make: (body: string) => () => { made.push(body); return body; } };
  };

  it('makes a body once per version of a slot, and replaces the old version with a new one', async () => {
    const kept = new KeptResponses(10);
    const { made, make } = counting();
    expect((await kept.obtain('map:2024', 'v1', make('one'))).body).toBe('one');
    expect((await kept.obtain('map:2024', 'v1', make('again'))).body).toBe('one');
    const second = await kept.obtain('map:2024', 'v2', make('two'));
    expect(second).toEqual({ body: 'two', etag: etagOf('two') });
    expect(made).toEqual(['one', 'two']);
    // The old version is gone, not kept beside the new one.
    expect(kept.size).toBe(1);
  });

  it('keeps at most its limit of slots, dropping the least recently used', async () => {
    const kept = new KeptResponses(2);
    const { made, make } = counting();
    await kept.obtain('a', 'v', make('a'));
    await kept.obtain('b', 'v', make('b'));
    await kept.obtain('a', 'v', make('a again'));
    await kept.obtain('c', 'v', make('c'));
    expect(kept.size).toBe(2);
    // b was used least recently, so it went; a and c are still kept.
    await kept.obtain('a', 'v', make('a again'));
    await kept.obtain('c', 'v', make('c again'));
    await kept.obtain('b', 'v', make('b again'));
    expect(made).toEqual(['a', 'b', 'c', 'b again']);
    expect(kept.size).toBe(2);
  });

  it('shares one making between concurrent requests, and keeps nothing when making fails', async () => {
    const kept = new KeptResponses(5);
    let calls = 0;
    const slow = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 'page';
    };
    const bodies = await Promise.all([1, 2, 3].map(() => kept.obtain('s', 'v', slow)));
    expect(bodies.map((b) => b.body)).toEqual(['page', 'page', 'page']);
    expect(calls).toBe(1);

    await expect(kept.obtain('broken', 'v', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect((await kept.obtain('broken', 'v', () => 'recovered')).body).toBe('recovered');
  });

  it('refuses a limit below one', () => {
    expect(() => new KeptResponses(0)).toThrow('at least 1');
  });
});

describe('reply.renderShared', () => {
  async function appWith(limit: number) {
    const views = new nunjucks.Environment({ getSource: (name: string) => ({ src: '<p>{{ text }}</p><script nonce="{{ cspNonce }}"></script>', path: name, noCache: true }) });
    const app = Fastify();
    registerRenderShared(app, views, limit);
    const renders: string[] = [];
    await app.register(async (scope) => {
      publicHttpCaching(scope);
      scope.get('/page/:slot', async (request, reply) => {
        const { slot } = request.params as { slot: string };
        const { version } = request.query as { version?: string };
        return reply.header('cache-control', 'public, max-age=60').renderShared(slot, version ?? null, 'page.njk', async () => {
          renders.push(`${slot}@${version ?? 'none'}`);
          return { text: `${slot} ${version ?? 'unversioned'}` };
        });
      });
    });
    return { app, renders };
  }

  it('renders a page with no version for every request and keeps nothing', async () => {
    const { app, renders } = await appWith(5);
    for (let i = 0; i < 3; i++) expect((await app.inject('/page/council')).body).toContain('<p>council unversioned</p>');
    expect(renders).toEqual(['council@none', 'council@none', 'council@none']);
  });

  it('renders once per version, again for a new version, and within its limit', async () => {
    const { app, renders } = await appWith(2);
    await app.inject('/page/a?version=1');
    const again = await app.inject('/page/a?version=1');
    expect(again.body).toContain('<p>a 1</p>');
    expect((await app.inject('/page/a?version=2')).body).toContain('<p>a 2</p>');
    await app.inject('/page/b?version=1');
    await app.inject('/page/c?version=1');
    await app.inject('/page/a?version=2');
    expect(renders).toEqual(['a@1', 'a@2', 'b@1', 'c@1', 'a@2']);
  });

  it('sends the ETag made with the page, and 304 to a reader who has it', async () => {
    const { app } = await appWith(5);
    const first = await app.inject('/page/a?version=1');
    expect(first.headers.etag).toBe(etagOf(first.body));
    const again = await app.inject({ url: '/page/a?version=1', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const changed = await app.inject({ url: '/page/a?version=2', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });
});
