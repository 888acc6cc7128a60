/** Every URL of the complainant portal, built in one place for routes and views alike. */
const encodeRef = (reference: string) => encodeURIComponent(reference.replace(/\s/g, ''));

export const portalPaths = {
  signIn: '/sign-in',
  checkEmail: '/sign-in/check-email',
  newCode: '/sign-in/new-code',
  signOut: '/sign-out',
  signedOut: '/signed-out',
  complaints: '/complaints',
  complaint: (reference: string) => `/complaints/${encodeRef(reference)}`,
  messages: (reference: string) => `/complaints/${encodeRef(reference)}/messages`,
  documents: (reference: string) => `/complaints/${encodeRef(reference)}/documents`,
  document: (reference: string, id: number) => `/complaints/${encodeRef(reference)}/documents/${id}`,
  decision: (reference: string) => `/complaints/${encodeRef(reference)}/decision`,
};

/** Where to go after signing in: only somewhere inside the portal's complaints pages. */
export function safePortalReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/complaints(\/[A-Za-z0-9%/_-]*)?$/.test(value) ? value : portalPaths.complaints;
}
