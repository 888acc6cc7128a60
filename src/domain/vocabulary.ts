/**
 * The closed vocabularies of casework, each value with the words people see.
 * Values are stable identifiers (stored, imported, exported); labels can change.
 */
function vocabulary<const T extends Record<string, string>>(labels: T) {
  const values = Object.keys(labels) as (keyof T & string)[];
  return {
    values,
    labels,
    label: (value: string): string => (labels as Record<string, string>)[value] ?? value,
    has: (value: unknown): value is keyof T & string => typeof value === 'string' && Object.hasOwn(labels, value),
    options: () => values.map((value) => ({ value, text: labels[value] as string })),
  };
}

export const channels = vocabulary({
  phone: 'Phone call',
  email: 'Email',
  letter: 'Letter',
  web: 'Online form',
  'in-person': 'In person',
});
export type Channel = (typeof channels.values)[number];
export const writtenChannels: readonly Channel[] = ['email', 'letter', 'web'];

export const contactOutcomes = vocabulary({
  'advice-given': 'Advice given',
  signposted: 'Signposted to another organisation',
  premature: 'Premature: referred to the body’s own complaints procedure',
  'case-created': 'Registered as a complaint',
});
export type ContactOutcome = (typeof contactOutcomes.values)[number];

export const jurisdictions = vocabulary({
  'local-government': 'Local government',
  'adult-social-care': 'Adult social care',
  'private-social-care': 'Privately funded social care',
});
export type Jurisdiction = (typeof jurisdictions.values)[number];

export const closingReasons = vocabulary({
  'out-of-jurisdiction': 'Out of jurisdiction',
  'no-worthwhile-outcome': 'No worthwhile outcome achievable',
  'not-enough-injustice': 'Not enough injustice to warrant investigation',
  'late-complaint': 'Complaint made too late',
  'court-or-tribunal-remedy': 'Remedy available in a court or tribunal',
  'body-remedied': 'Body has already provided a suitable remedy',
  'withdrawn': 'Withdrawn by the complainant',
  other: 'Other reason',
});
export type ClosingReason = (typeof closingReasons.values)[number];

export const outcomes = vocabulary({
  'upheld-fault-injustice': 'Upheld: fault and injustice',
  'upheld-fault-no-injustice': 'Upheld: fault, no injustice',
  'upheld-remedied-by-body': 'Upheld: fault, body had already offered a satisfactory remedy',
  'not-upheld': 'Not upheld: no fault',
  'closed-after-initial-enquiries': 'Closed after initial enquiries',
  'referred-back-for-local-resolution': 'Referred back for local resolution',
  'advice-given': 'Advice given',
  'incomplete-or-invalid': 'Incomplete or invalid',
});
export type Outcome = (typeof outcomes.values)[number];
export const finalDecisionOutcomes: readonly Outcome[] = [
  'upheld-fault-injustice',
  'upheld-fault-no-injustice',
  'upheld-remedied-by-body',
  'not-upheld',
];

export const remedyKinds = vocabulary({
  apology: 'Apology',
  'financial-payment': 'Financial payment',
  'service-improvement': 'Service improvement',
  'procedure-review': 'Procedure review',
  training: 'Staff training',
  other: 'Other remedy',
});
export type RemedyKind = (typeof remedyKinds.values)[number];

export const complianceStatuses = vocabulary({
  pending: 'Awaiting compliance',
  'complied-on-time': 'Complied on time',
  'complied-late': 'Complied late',
  'not-complied': 'Not complied',
});
export type ComplianceStatus = (typeof complianceStatuses.values)[number];

export const roles = vocabulary({
  intake: 'Intake officer',
  assessor: 'Assessor',
  investigator: 'Investigator',
  'team-manager': 'Team manager',
  ombudsman: 'Ombudsman',
  admin: 'Administrator',
});
export type Role = (typeof roles.values)[number];

export const teams = vocabulary({
  assessment: 'Assessment',
  investigation: 'Investigation',
  joint: 'Joint working team',
});
export type Team = (typeof teams.values)[number];
