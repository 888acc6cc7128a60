import type { FastifyInstance } from 'fastify';
import { categoryOptions, parseCategoryPath } from '../../domain/categories.ts';
import { londonDate, londonDateTime } from '../../domain/london-time.ts';
import { channels, contactOutcomes, jurisdictions } from '../../domain/vocabulary.ts';
import { AppError } from '../../services/errors.ts';
import { registerContact, registerContactSchema } from '../../services/intake.ts';
import { listBodiesForSelect } from '../../services/bodies.ts';
import type { AppDeps } from '../app.ts';
import { dateInput, field, parseId, timeInput, typedValues, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { requireRole, signedIn } from './guards.ts';

export function intakeRoutes(deps: AppDeps) {
  const intake = requireRole('intake', 'assessor', 'team-manager', 'ombudsman');

  async function renderForm(reply: import('fastify').FastifyReply, values: Record<string, string>, errors?: Record<string, string>) {
    return reply.code(errors ? 400 : 200).render('staff/new-contact.njk', {
      values,
      errors,
      channels: channels.options(),
      outcomes: contactOutcomes.options(),
      jurisdictions: jurisdictions.options(),
      categories: categoryOptions(),
      bodies: await listBodiesForSelect(deps.services),
    });
  }

  return async (app: FastifyInstance) => {
    app.get(paths.staff.newContact, { preHandler: intake }, async (_request, reply) => {
      const today = londonDate(deps.services.clock.now()).split('-');
      return renderForm(reply, { 'received-year': today[0] ?? '', 'received-month': String(Number(today[1])), 'received-day': String(Number(today[2])) });
    });

    app.post(paths.staff.newContact, { preHandler: [intake, app.csrfProtection] }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const values = typedValues(body);
      const errors: Record<string, string> = {};
      const date = dateInput(body, 'received', 'the date the contact arrived');
      if (date.error) errors['received'] = date.error;
      const time = timeInput(field(body, 'receivedTime') || '09:00');
      if (!time) errors['receivedTime'] = 'Enter a real time, like 9:30am or 14:15';
      const category = parseCategoryPath(field(body, 'category'));
      const bodyId = parseId(field(body, 'bodyId'));
      const hasRepresentative = field(body, 'representativeName') !== '';
      const input = {
          channel: field(body, 'channel'),
          receivedAt: date.value ? londonDateTime(date.value, time ?? '09:00') : (undefined as unknown as Date),
          complainant: { fullName: field(body, 'fullName'), email: field(body, 'email') || null, phone: field(body, 'phone') || null, address: field(body, 'address') || null },
          representative: hasRepresentative ? { fullName: field(body, 'representativeName'), email: field(body, 'representativeEmail') || null } : null,
          bodyIds: bodyId ? [bodyId] : [],
          summary: field(body, 'summary'),
          outcome: field(body, 'outcome'),
          category: category?.category,
          subcategory: category?.subcategory,
          jurisdiction: field(body, 'jurisdiction'),
      };
      try {
        if (Object.keys(errors).length) {
          // Report every mistake at once: the form's own date and time errors and the rest.
          // A placeholder date, so an unreadable one does not hide the checks that depend on the rest.
          const others = registerContactSchema.safeParse({ ...input, receivedAt: input.receivedAt ?? new Date(0) });
          const fields = others.success ? {} : Object.fromEntries(others.error.issues.map((i) => [i.path.map(String).join('.'), i.message]).reverse());
          throw new AppError('invalid', 'Check the form', fields);
        }
        const result = await registerContact(deps.services, signedIn(request), input);
        if (result.reference) return reply.redirect(`${paths.staff.case(result.reference)}?registered=1`, 303);
        return reply.render('staff/contact-recorded.njk', { outcome: field(body, 'outcome') });
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') {
          return renderForm(reply, values, inFormOrder({ ...renameFields(error.fields), ...errors }));
        }
        throw error;
      }
    });
  };
}

const FORM_ORDER = ['channel', 'received', 'receivedTime', 'fullName', 'email', 'phone', 'address', 'representativeName', 'representativeEmail', 'bodyId', 'summary', 'outcome', 'category', 'jurisdiction'];

/** The error summary lists mistakes in the order the fields appear on the page. */
function inFormOrder(errors: Record<string, string>): Record<string, string> {
  const rank = (field: string) => (FORM_ORDER.includes(field) ? FORM_ORDER.indexOf(field) : FORM_ORDER.length);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

/** Maps the service's field paths to the form's input names, so each message links to its input. */
function renameFields(errors: Record<string, string>): Record<string, string> {
  const names: Record<string, string> = {
    'complainant.fullName': 'fullName', 'complainant.email': 'email', 'complainant.phone': 'phone', 'complainant.address': 'address',
    'representative.fullName': 'representativeName', 'representative.email': 'representativeEmail', bodyIds: 'bodyId', receivedAt: 'received',
  };
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [names[k] ?? k, v]));
}
