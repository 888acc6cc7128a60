import type { FastifyInstance } from 'fastify';
import { authenticateStaff } from '../../services/staff-accounts.ts';
import type { AppDeps } from '../app.ts';
import { field, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';

function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/staff') && !value.startsWith('//') ? value : paths.staff.home;
}

export function authRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get(paths.staff.signIn, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      return reply.render('staff/sign-in.njk', { returnTo: safeReturnTo(query.returnTo), values: {} });
    });

    app.post(paths.staff.signIn, {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const email = field(body, 'email');
      const password = typeof body.password === 'string' ? body.password : '';
      const returnTo = safeReturnTo(field(body, 'returnTo'));
      const errors: Record<string, string> = {};
      if (!email) errors.email = 'Enter your email address';
      if (!password) errors.password = 'Enter your password';
      const staff = Object.keys(errors).length ? undefined : await authenticateStaff(deps.services, email, password);
      if (!staff) {
        if (!Object.keys(errors).length) errors.email = 'Enter a correct email address and password';
        return reply.code(400).render('staff/sign-in.njk', { errors, values: { email }, returnTo });
      }
      await request.session.regenerate();
      request.session.staffId = staff.id;
      return reply.redirect(returnTo, 303);
    });

    app.post(paths.staff.signOut, { preHandler: app.csrfProtection }, async (request, reply) => {
      await request.session.destroy();
      return reply.redirect(paths.staff.signIn, 303);
    });
  };
}
