/** Every URL the staff workbench links to, built in one place for routes and views alike. */
const encodeRef = (reference: string) => encodeURIComponent(reference.replace(/\s/g, ''));

export const paths = {
  home: '/',
  health: '/health',
  staff: {
    signIn: '/staff/sign-in',
    signOut: '/staff/sign-out',
    home: '/staff',
    newContact: '/staff/contacts/new',
    queue: (name: string) => `/staff/queues/${name}`,
    myCases: '/staff/my-cases',
    team: '/staff/team',
    ageBand: (key: string) => `/staff/team/age/${key}`,
    search: '/staff/search',
    users: '/staff/admin/users',
    bankHolidays: '/staff/admin/bank-holidays',
    serviceStandards: '/staff/service-standards',
    standardsAtRisk: '/staff/service-standards/at-risk',
    serviceStandard: (id: string) => `/staff/service-standards/${encodeURIComponent(id)}`,
    outbox: '/staff/outbox',
    case: (reference: string) => `/staff/cases/${encodeRef(reference)}`,
    caseAction: (reference: string, action: string) => `/staff/cases/${encodeRef(reference)}/${action}`,
    document: (reference: string, id: number) => `/staff/cases/${encodeRef(reference)}/documents/${id}`,
    enquiryResponse: (reference: string, id: number) => `/staff/cases/${encodeRef(reference)}/enquiries/${id}/response`,
    compliance: (reference: string, id: number) => `/staff/cases/${encodeRef(reference)}/remedies/${id}/compliance`,
  },
};
