/** Reading GOV.UK pages in tests: the title, escaped text as a page shows it, and the error summary. */

export function titleOf(body: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/.exec(body)?.[1]?.trim() ?? '';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The texts and links in the GOV.UK error summary. */
export function errorSummaryOf(body: string): { href: string; text: string }[] {
  const start = body.indexOf('class="govuk-error-summary"');
  if (start < 0) return [];
  const end = body.indexOf('</ul>', start);
  return [...body.slice(start, end).matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1] as string, text: (m[2] as string).trim() }));
}
