import { z } from 'zod';
import { contactPreferences, limits } from '../../../services/complain/answers.ts';
import { check, count, notProvided, type QuestionPage } from './page.ts';

const phoneFormat = 'Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192';
const isPhone = (value: string) => /^\+?[\d\s()-]+$/.test(value) && value.replace(/\D/g, '').length >= 10 && value.replace(/\D/g, '').length <= 15;

/** 7. Your contact details: the person filling in the form, whoever the complaint is for. */
export const contactDetails: QuestionPage = {
  key: 'contact-details',
  title: 'Your contact details',
  template: 'complain/pages/contact-details.njk',
  fields: ['fullName', 'email', 'phone', 'address', 'contactPreference'],
  section: 'you',
  applies: () => true,
  values: (answers) => ({
    fullName: answers.fullName ?? '', email: answers.email ?? '', phone: answers.phone ?? '', address: answers.address ?? '',
    contactPreference: answers.contactPreference ?? '',
  }),
  async parse(values) {
    const preference = values.contactPreference;
    const phone = z.string().max(limits.phone, `Phone number must be ${count(limits.phone)} characters or fewer`).refine((v) => v === '' || isPhone(v), phoneFormat);
    const address = z.string().max(limits.address, `Address must be ${count(limits.address)} characters or fewer`);
    const result = check(
      z.object({
        fullName: z.string().min(1, 'Enter your full name').max(limits.name, `Your name must be ${count(limits.name)} characters or fewer`),
        email: z
          .string()
          .min(1, 'Enter your email address')
          .max(limits.email, `Email address must be ${count(limits.email)} characters or fewer`)
          .pipe(z.email('Enter an email address in the correct format, like name@example.com')),
        phone: preference === 'sms' ? z.string().min(1, 'Enter a mobile phone number so that we can send you text messages').pipe(phone) : phone,
        address: preference === 'post' ? z.string().min(1, 'Enter your address so that we can write to you').pipe(address) : address,
        contactPreference: z.enum(['email', 'sms', 'post'], { message: 'Select how you would like us to contact you' }),
      }),
      values,
    );
    if (!result.ok) return result;
    const { fullName, email, phone: phoneNumber, address: postal, contactPreference } = result.data;
    return { ok: true, patch: { fullName, email, phone: phoneNumber || null, address: postal || null, contactPreference } };
  },
  next: () => 'adjustments',
  previous: (answers) => (answers.complainingFor === 'someone-else' ? 'person-affected' : 'who-for'),
  rows: (answers) => [
    { key: 'Your name', value: answers.fullName ?? '', page: 'contact-details', changeText: 'your name' },
    { key: 'Email address', value: answers.email ?? '', page: 'contact-details', changeText: 'your email address' },
    { key: 'Phone number', value: answers.phone || notProvided, page: 'contact-details', changeText: 'your phone number' },
    { key: 'Address', value: answers.address || notProvided, page: 'contact-details', changeText: 'your address' },
    {
      key: 'How we should contact you',
      value: answers.contactPreference ? contactPreferences[answers.contactPreference] : '',
      page: 'contact-details',
      changeText: 'how we should contact you',
    },
  ],
  context: async () => ({ preferences: contactPreferences }),
};
