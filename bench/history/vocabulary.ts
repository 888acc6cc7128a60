/**
 * The words and proportions of the generated history, after the LGSCO's published figures
 * (2017-18: about half of contacts dealt with at intake; about a quarter of decisions made after a
 * detailed investigation, 57% of those upheld; compliance with recommendations near 99%).
 */
import { categories } from '../../src/domain/categories.ts';

/** Local government categories and how often each is complained about (adult care is its own jurisdiction). */
const LOCAL_GOVERNMENT: readonly (readonly [string, number])[] = [
  ['Education and children’s services', 0.21],
  ['Planning and development', 0.15],
  ['Housing', 0.14],
  ['Highways and transport', 0.12],
  ['Environmental services and public protection', 0.12],
  ['Benefits and tax', 0.11],
  ['Corporate and other services', 0.09],
];
export const ADULT_CARE = 'Adult care services';
export const EDUCATION = 'Education and children’s services';

/** "category|subcategory" with weights, each category's weight shared among its subcategories. */
export const localGovernmentSubjects: readonly (readonly [string, number])[] = LOCAL_GOVERNMENT.flatMap(([category, weight]) => {
  const subs = categories[category] ?? [];
  return subs.map((sub) => [`${category}|${sub}`, weight / subs.length] as const);
});
export const adultCareSubjects: readonly (readonly [string, number])[] = (categories[ADULT_CARE] ?? []).map((sub) => [`${ADULT_CARE}|${sub}`, 1] as const);
export const privateCareSubjects: readonly (readonly [string, number])[] = [
  [`${ADULT_CARE}|Residential care`, 0.5],
  [`${ADULT_CARE}|Domiciliary care`, 0.3],
  [`${ADULT_CARE}|Charging`, 0.2],
];

export { ISSUES } from '../../src/services/demo-seed.ts';

/** Outcomes of cases closed at assessment. */
export const ASSESSMENT_OUTCOMES: readonly (readonly [string, number])[] = [
  ['closed-after-initial-enquiries', 0.52],
  ['referred-back-for-local-resolution', 0.38],
  ['incomplete-or-invalid', 0.06],
  ['advice-given', 0.04],
];
/** Outcomes of detailed investigations: 57% upheld. */
export const INVESTIGATION_OUTCOMES: readonly (readonly [string, number])[] = [
  ['upheld-fault-injustice', 0.45],
  ['upheld-fault-no-injustice', 0.05],
  ['upheld-remedied-by-body', 0.07],
  ['not-upheld', 0.43],
];
export const CLOSING_REASONS: readonly (readonly [string, number])[] = [
  ['not-enough-injustice', 0.24],
  ['no-worthwhile-outcome', 0.22],
  ['out-of-jurisdiction', 0.14],
  ['late-complaint', 0.1],
  ['court-or-tribunal-remedy', 0.1],
  ['body-remedied', 0.1],
  ['withdrawn', 0.06],
  ['other', 0.04],
];
export const CLOSING_EXPLANATION = 'We will not investigate this complaint, for the reasons explained in our decision statement.';
export const REFERRED_BACK = 'The body has not yet had the chance to deal with this complaint through its own complaints procedure. We have referred it back.';

export const DECISION_REASONS: Record<string, string> = {
  'upheld-fault-injustice': 'There was fault by the body which caused the complainant injustice. The body should take the action set out to remedy it.',
  'upheld-remedied-by-body': 'There was fault by the body, but it has already taken suitable action to remedy the injustice caused.',
  'upheld-fault-no-injustice': 'There was fault by the body, but it did not change the outcome for the complainant.',
  'not-upheld': 'We have found no fault in the way the body dealt with the matter.',
};

/**
 * The remedies a final decision can recommend, one slot each (remedy id = case id × 8 + slot).
 * `days`: working days allowed; the chance applies to decisions upheld with fault and injustice.
 */
export const REMEDY_SLOTS = [
  { slot: 1, kind: 'apology', days: 20, chance: 0.75, text: 'Apologise in writing to the complainant for the faults identified.' },
  { slot: 2, kind: 'financial-payment', days: 20, chance: 0.55, text: 'Pay the complainant for the distress and uncertainty caused.' },
  { slot: 3, kind: 'service-improvement', days: 60, chance: 0.3, text: 'Review how it handles cases like this and tell us what it has changed.' },
  { slot: 4, kind: 'procedure-review', days: 60, chance: 0.2, text: 'Review its procedure to prevent the fault happening again and send us the revised procedure.' },
  { slot: 5, kind: 'training', days: 60, chance: 0.08, text: 'Remind relevant staff of the law and guidance, and provide training where needed.' },
] as const;
/** Payments in pence, each as likely. */
export const PAYMENTS_PENCE = [10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 50_000, 75_000, 100_000, 150_000, 200_000];

export const QUESTIONS = [
  'Please send a copy of your final response to the complainant and any records of the complaint.',
  'Please send the case records, your policy and a chronology of events, and answer the questions attached.',
  'Please explain why the decision took as long as it did and send any notes of the meetings held.',
];
export const RESPONSES = [
  'The council sent its records and a chronology, and answered our questions.',
  'The body sent a partial response; further documents to follow.',
  'The council’s response with supporting documents was received by email.',
];
export const NOTES = [
  'Called the complainant to clarify what they want to achieve.',
  'Complainant sent further documents by email; added to the file.',
  'Complainant called asking for an update; explained the next steps.',
  'Spoke to the council’s complaints officer, who will send the case records.',
  'Checked the council’s published policy on this.',
];
export const COMPLAINANT_MESSAGES = [
  'Thank you for your letter. I have attached the council’s final response as you asked.',
  'Could you tell me when I can expect to hear about my complaint?',
  'I have found more emails from the council which I think are relevant.',
];
export const STAFF_MESSAGES = [
  'Thank you. We have added this to your complaint and will be in touch.',
  'We have asked the council for its records and expect them within four weeks.',
  'Your complaint is with an investigator, who will contact you shortly.',
];
/** [file name, content type], for documents' metadata (the files themselves are not generated). */
export const DOCUMENTS: readonly (readonly [string, string])[] = [
  ['complaint-letter.pdf', 'application/pdf'],
  ['council-final-response.pdf', 'application/pdf'],
  ['photo-of-damage.jpg', 'image/jpeg'],
  ['care-plan.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['email-chain.pdf', 'application/pdf'],
  ['invoice.png', 'image/png'],
];
/** What happens to contacts that do not become cases. */
export const INTAKE_OUTCOMES: readonly (readonly [string, number])[] = [
  ['premature', 0.45],
  ['advice-given', 0.35],
  ['signposted', 0.2],
];
