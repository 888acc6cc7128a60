/**
 * Case references in the ombudsman's style: two digits of the year of receipt, then a
 * six-digit sequence in two groups of three, e.g. "17 004 213".
 */
const REFERENCE = /^(\d{2})\s?(\d{3})\s?(\d{3})$/;

export function formatReference(year: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`A case reference sequence must be 1 to 999999, not ${sequence}`);
  }
  const yy = String(year % 100).padStart(2, '0');
  const digits = String(sequence).padStart(6, '0');
  return `${yy} ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** Accepts what people type ("17004213", "17 004 213", " 17 004213 ") and returns the canonical form. */
export function normaliseReference(input: string): string | undefined {
  const match = REFERENCE.exec(input.trim());
  if (!match) return undefined;
  return `${match[1]} ${match[2]} ${match[3]}`;
}
