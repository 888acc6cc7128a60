/** Every URL of the service for bodies' link officers, built in one place for routes and views alike. */
const encodeRef = (reference: string) => encodeURIComponent(reference.replace(/\s/g, ''));

export const bodiesPaths = {
  home: '/bodies',
  signIn: '/bodies/sign-in',
  checkEmail: '/bodies/sign-in/check-email',
  newCode: '/bodies/sign-in/new-code',
  chooseBody: '/bodies/choose-body',
  signOut: '/bodies/sign-out',
  signedOut: '/bodies/signed-out',
  enquiry: (id: number | string) => `/bodies/enquiries/${id}`,
  remedy: (id: number | string) => `/bodies/remedies/${id}`,
  case: (reference: string) => `/bodies/cases/${encodeRef(reference)}`,
  document: (reference: string, id: number) => `/bodies/cases/${encodeRef(reference)}/documents/${id}`,
};

/** Where to go after signing in: only a page of this service that shows something, never elsewhere. */
export function safeBodiesReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/bodies(\/(enquiries|remedies|cases)\/[A-Za-z0-9%_-]+)?$/.test(value) ? value : bodiesPaths.home;
}
