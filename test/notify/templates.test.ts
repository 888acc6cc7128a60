import { describe, expect, it } from 'vitest';
import { notificationTemplates, type NotificationTemplate } from '../../src/notify/notifier.ts';
import { placeholdersOf, renderLocally, stageInPlainWords, templateTexts } from '../../src/notify/templates.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';
import { stages } from '../../src/domain/case-lifecycle.ts';

describe('message texts', () => {
  it('has a subject and body for every message Redress sends, the subject being its title', () => {
    for (const name of Object.keys(notificationTemplates) as NotificationTemplate[]) {
      expect(templateTexts[name].subject).toBe(notificationTemplates[name]);
      expect(templateTexts[name].body.length).toBeGreaterThan(20);
    }
  });

  it('fills placeholders with the personalisation, leaving a missing one visible', () => {
    expect(renderLocally('draft-decision-ready', { name: 'Sam Example', reference: '26 000 001', commentsDueOn: '16 June 2026' })).toEqual({
      subject: 'Our draft decision is ready for your comments',
      body: 'Dear Sam Example\n\nOur draft decision on your complaint 26 000 001 is ready.\n\nPlease read it and send us any comments by 16 June 2026. We will think about what you say before we make our final decision.',
    });
    expect(renderLocally('stage-changed', { name: 'Sam' }).body).toContain('Your complaint ((reference)) has moved on. It is now ((stage)).');
    expect(renderLocally('new-message', { reference: '$& ((x))' }).body).toContain('complaint $& ((x)).');
  });

  it('lists each template’s placeholders', () => {
    expect(placeholdersOf('case-received')).toEqual(['name', 'reference', 'respondBy']);
    expect(placeholdersOf('sign-in-code')).toEqual(['code', 'minutes']);
    expect(placeholdersOf('new-message')).toEqual(['reference']);
    expect(placeholdersOf('draft-saved')).toEqual(['resumeUrl']);
  });

  it('words every stage so that it finishes “It is now …”', () => {
    for (const stage of stages) expect(stageInPlainWords[stage]).toMatch(/^[a-z]/);
  });

  it('has the local outbox refuse a message missing personalisation, as GOV.UK Notify does', async () => {
    const outbox = localOutbox();
    await expect(outbox.send({ id: 1, channel: 'email', recipient: 'a@example.com', template: 'decision-made', personalisation: { name: 'Sam', reference: '1' } })).resolves.toEqual({ providerReference: null });
    await expect(outbox.send({ id: 1, channel: 'email', recipient: 'a@example.com', template: 'decision-made', personalisation: { name: 'Sam' } })).rejects.toMatchObject({ message: 'Missing personalisation: reference', retryable: false });
  });
});
