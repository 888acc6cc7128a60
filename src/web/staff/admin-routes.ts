import type { FastifyInstance } from 'fastify';
import { listBankHolidays } from '../../data/repositories/bank-holidays.ts';
import { addBankHoliday, removeBankHoliday } from '../../services/bank-holidays.ts';
import { createStaffUser, listStaff } from '../../services/staff-accounts.ts';
import { AppError } from '../../services/errors.ts';
import { roles, teams } from '../../domain/vocabulary.ts';
import { londonDate } from '../../domain/london-time.ts';
import type { AppDeps } from '../app.ts';
import { dateInput, field, fields, typedValues, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { requireRole, signedIn } from './guards.ts';

export function adminRoutes(deps: AppDeps) {
  const admin = requireRole('admin');
  return async (app: FastifyInstance) => {
    const showUsers = async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply, values: Record<string, unknown> = {}, errors?: Record<string, string>) =>
      reply.code(errors ? 400 : 200).render('staff/admin/users.njk', {
        users: await listStaff(deps.services, signedIn(request)), roles: roles.options(), teams: teams.options(), values, errors,
        flash: (request.query as { created?: string }).created ? 'Account created' : undefined,
      });
    app.get(paths.staff.users, { preHandler: admin }, async (request, reply) => showUsers(request, reply));
    app.post(paths.staff.users, { preHandler: [admin, app.csrfProtection] }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const values = { email: field(body, 'email'), displayName: field(body, 'displayName'), roles: fields(body, 'roles'), team: field(body, 'team') };
      try {
        await createStaffUser(deps.services, signedIn(request), { ...values, password: typeof body.password === 'string' ? body.password : '', team: values.team || null });
        return reply.redirect(`${paths.staff.users}?created=1`, 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showUsers(request, reply, values, error.fields);
        throw error;
      }
    });

    const showHolidays = async (reply: import('fastify').FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, flash?: string) => {
      const thisYear = londonDate(deps.services.clock.now()).slice(0, 4);
      const holidays = (await listBankHolidays(deps.services.db)).filter((h) => h.date.slice(0, 4) >= String(Number(thisYear) - 1));
      return reply.code(errors ? 400 : 200).render('staff/admin/bank-holidays.njk', { holidays, values, errors, flash });
    };
    app.get(paths.staff.bankHolidays, { preHandler: admin }, async (_request, reply) => showHolidays(reply));
    app.post(paths.staff.bankHolidays, { preHandler: [admin, app.csrfProtection] }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const values = typedValues(body);
      try {
        let changed: number;
        if (field(body, 'remove')) {
          changed = await removeBankHoliday(deps.services.db, deps.holidays, deps.services.clock, signedIn(request), field(body, 'remove'));
        } else {
          const date = dateInput(body, 'date', 'the date of the bank holiday');
          if (date.error) throw new AppError('invalid', date.error, { date: date.error });
          changed = await addBankHoliday(deps.services.db, deps.holidays, deps.services.clock, signedIn(request), { date: date.value as string, name: field(body, 'name') });
        }
        return showHolidays(reply, {}, undefined, `Bank holidays updated. ${changed} open case deadline${changed === 1 ? '' : 's'} recalculated.`);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showHolidays(reply, values, error.fields);
        throw error;
      }
    });
  };
}
