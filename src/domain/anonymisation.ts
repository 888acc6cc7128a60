/**
 * The anonymisation check run on a decision statement before it may be published: what in the
 * text still identifies someone. Two sources of evidence:
 *
 * - the case's own personal details (the complainant's and representative's names, emails,
 *   phone numbers, street addresses and postcodes), found however they are spaced or cased;
 * - patterns that identify anyone, whoever they are: email addresses, UK phone numbers,
 *   postcodes, street addresses ("12 Acacia Avenue") and National Insurance numbers.
 *
 * The check warns; it does not decide. A person reads each finding and either removes it or
 * confirms it does not identify anyone (a council officer's job title, a street named in a
 * planning decision). Pure: no I/O, so it is tested exhaustively.
 */

export type IdentifierKind = 'name' | 'email' | 'phone' | 'address' | 'postcode' | 'national-insurance-number';

export const identifierKindLabels: Record<IdentifierKind, string> = {
  name: 'Name',
  email: 'Email address',
  phone: 'Phone number',
  address: 'Address',
  postcode: 'Postcode',
  'national-insurance-number': 'National Insurance number',
};

/** A person on the case whose details must not appear in a published statement. */
export interface CasePerson {
  /** How the person is described in a finding: "the complainant", "the representative". */
  role: string;
  fullName: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
}

export interface Identifier {
  kind: IdentifierKind;
  /** Exactly as it appears in the text: `text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  /** Why it was flagged, in words for the reviewer. */
  reason: string;
  /** True when it is one of this case's own personal details, not only a pattern. */
  known: boolean;
}

// Letters and digits in any script: a name or number must not be glued to its neighbours.
const NOT_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_AFTER = '(?![\\p{L}\\p{N}])';

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady', 'rev', 'revd', 'reverend', 'master']);
// Particles are parts of names but, alone, ordinary words: "de", "van", "la".
const PARTICLES = new Set(['de', 'da', 'di', 'del', 'della', 'der', 'den', 'van', 'von', 'la', 'le', 'du', 'st', 'bin', 'binti', 'ibn', 'al', 'el', 'y']);

const STREET_WORDS =
  'Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Court|Ct|Drive|Dr|Way|Crescent|Cres|Place|Pl|Gardens|Gdns|Terrace|Grove|Hill|Row|Square|Sq|Walk|Mews|Park|Green|Rise|View|Parade|Gate|Yard|Wharf|Cottages?|House|Lodge|Farm|Estate|Boulevard|Broadway|Circus|Hall|Manor|Mansions|Villas|Heights|End|Fields|Meadows?|Orchard|Passage|Path|Approach|Chase|Croft|Dene|Drove|Garth|Vale|Wynd';
const STREET_WORD_AT_END = new RegExp(`(?:^|\\s)(?:${STREET_WORDS})\\.?$`, 'iu');

/** UK postcodes, spaced or not: "SW1A 1AA", "m1 1ae", "EC1A1BB". */
const POSTCODE = `[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}`;
const POSTCODE_PATTERN = new RegExp(`${NOT_BEFORE}${POSTCODE}${NOT_AFTER}`, 'giu');

const EMAIL_PATTERN = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/**
 * UK phone numbers: a leading 0 (or +44 / 0044, with an optional "(0)") and 9 or 10 more digits,
 * with spaces, hyphens, dots or brackets between them: "01632 960 123", "(020) 7946 0000",
 * "+44 (0)7700 900123". Dates ("01/02/2020") and sums ("£1,050") do not match.
 */
const PHONE_PATTERN = /(?<![\p{L}\p{N}+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)(?:[\s().-]{0,2}\d){9,10}(?![\p{L}\p{N}])/gu;

/** "12 Acacia Avenue", "3a Mill Lane", "221B Baker Street": a number then capitalised words ending in a street word. */
const STREET_ADDRESS_PATTERN = new RegExp(
  `${NOT_BEFORE}\\d{1,4}[A-Za-z]?,?\\s+(?:\\p{Lu}[\\p{L}'’-]*\\s+){0,3}(?:${STREET_WORDS})\\.?${NOT_AFTER}`,
  'gu',
);

/** "QQ 12 34 56 C": two letters, six digits, a letter A to D. */
const NI_NUMBER_PATTERN = new RegExp(`${NOT_BEFORE}[A-Z]{2}\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[A-D]${NOT_AFTER}`, 'gu');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A literal phrase matched whatever its spacing, with straight and curly apostrophes alike. */
function phrasePattern(phrase: string): string {
  return phrase
    .trim()
    .split(/\s+/)
    .map((word) => escapeRegExp(word).replace(/['’]/g, "['’]"))
    .join('\\s+');
}

function* matchesOf(pattern: RegExp, text: string): Generator<{ text: string; start: number; end: number }> {
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  global.lastIndex = 0;
  for (const match of text.matchAll(global)) {
    if (match[0].length === 0) continue;
    yield { text: match[0], start: match.index, end: match.index + match[0].length };
  }
}

/** The parts of a name worth looking for alone: not titles, initials or particles. */
export function nameParts(fullName: string): string[] {
  const parts = new Set<string>();
  for (const word of fullName.trim().split(/\s+/)) {
    const cleaned = word.replace(/^[("'‘“]+|[)"'’”.,;:]+$/g, '');
    const pieces = cleaned.includes('-') ? [cleaned, ...cleaned.split('-')] : [cleaned];
    for (const piece of pieces) {
      const lower = piece.toLowerCase();
      if (piece.length < 2 || TITLES.has(lower) || PARTICLES.has(lower) || !/\p{L}/u.test(piece)) continue;
      parts.add(piece);
    }
  }
  return [...parts];
}

/** Phone digits compared as UK numbers: "+44 (0)7700 900123" and "07700900123" are the same. */
export function phoneDigits(phone: string): string {
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, '');
  const international = trimmed.startsWith('+') ? digits : trimmed.startsWith('00') ? digits.slice(2) : undefined;
  if (international?.startsWith('44')) {
    digits = international.slice(2);
    if (!digits.startsWith('0')) digits = `0${digits}`;
  } else if (international !== undefined) {
    digits = international;
  }
  return digits;
}

function normalisedPostcode(postcode: string): string {
  return postcode.replace(/\s+/g, '').toUpperCase();
}

/** The street-level lines of an address (house and street, not the town) and its postcodes. */
export function addressParts(address: string): { streets: string[]; postcodes: string[] } {
  const postcodes = [...matchesOf(POSTCODE_PATTERN, address)].map((m) => m.text);
  const streets = new Set<string>();
  for (const rawLine of address.split(/[,\n\r;]+/)) {
    const line = rawLine.replace(POSTCODE_PATTERN, '').replace(/\s+/g, ' ').trim();
    if (line.length < 3 || /^(?:flat|apartment|unit|room)?\s*\d+[a-z]?$/i.test(line)) continue;
    const hasNumber = /\d/.test(line);
    if (!hasNumber && !STREET_WORD_AT_END.test(line)) continue; // a town or county: public already
    streets.add(line);
    // "12 Acacia Avenue" also appears as "Acacia Avenue".
    const withoutNumber = line.replace(/^(?:(?:flat|apartment|unit)\s+)?\d+[a-z]?,?\s+/i, '').trim();
    if (withoutNumber !== line && STREET_WORD_AT_END.test(withoutNumber) && withoutNumber.split(' ').length >= 2) streets.add(withoutNumber);
  }
  return { streets: [...streets], postcodes };
}

function possessive(role: string): string {
  return `${role}’s`;
}

/**
 * Everything in `text` that may identify someone: this case's people's details and the generic
 * patterns, without overlaps (a known detail wins over a pattern, then the longer finding), in
 * the order they appear.
 */
export function findIdentifiers(text: string, people: readonly CasePerson[]): Identifier[] {
  const candidates: Identifier[] = [];
  const add = (kind: IdentifierKind, pattern: RegExp, reason: string, known: boolean, accept: (found: string) => boolean = () => true) => {
    for (const m of matchesOf(pattern, text)) if (accept(m.text)) candidates.push({ kind, ...m, reason, known });
  };

  for (const person of people) {
    const whose = possessive(person.role);
    if (person.fullName?.trim()) {
      add('name', new RegExp(`${NOT_BEFORE}${phrasePattern(person.fullName)}${NOT_AFTER}`, 'giu'), `The name of ${person.role}`, true);
      for (const part of nameParts(person.fullName)) {
        // A name alone counts when written as a name: "Will" is flagged, "will" is not.
        add('name', new RegExp(`${NOT_BEFORE}${phrasePattern(part)}${NOT_AFTER}`, 'giu'), `Part of ${whose} name`, true, (found) => /^\p{Lu}/u.test(found));
      }
    }
    if (person.email?.trim()) {
      add('email', new RegExp(`${NOT_BEFORE}${escapeRegExp(person.email.trim())}${NOT_AFTER}`, 'giu'), `${capitalise(whose)} email address`, true);
    }
    if (person.phone?.trim()) {
      const wanted = phoneDigits(person.phone);
      if (wanted.length >= 6) {
        const national = wanted.startsWith('0') ? wanted.slice(1) : wanted;
        const digits = national.split('').join('[\\s().-]{0,2}');
        const pattern = new RegExp(`(?<![\\p{L}\\p{N}+])(?:(?:\\+|00)\\d{1,3}\\s?(?:\\(0\\)\\s?)?|\\(?0)?${digits}(?![\\p{L}\\p{N}])`, 'gu');
        add('phone', pattern, `${capitalise(whose)} phone number`, true, (found) => phoneDigits(found).endsWith(national));
      }
    }
    if (person.address?.trim()) {
      const { streets, postcodes } = addressParts(person.address);
      for (const street of streets) {
        add('address', new RegExp(`${NOT_BEFORE}${phrasePattern(street)}${NOT_AFTER}`, 'giu'), `${capitalise(whose)} address`, true);
      }
      const known = new Set(postcodes.map(normalisedPostcode));
      add('postcode', POSTCODE_PATTERN, `${capitalise(whose)} postcode`, true, (found) => known.has(normalisedPostcode(found)));
    }
  }

  add('email', EMAIL_PATTERN, 'Looks like an email address', false);
  add('phone', PHONE_PATTERN, 'Looks like a UK phone number', false);
  add('postcode', POSTCODE_PATTERN, 'Looks like a postcode', false);
  add('address', STREET_ADDRESS_PATTERN, 'Looks like a street address', false);
  add('national-insurance-number', NI_NUMBER_PATTERN, 'Looks like a National Insurance number', false);

  return withoutOverlaps(candidates);
}

function withoutOverlaps(candidates: Identifier[]): Identifier[] {
  const byPriority = [...candidates].sort(
    (a, b) => Number(b.known) - Number(a.known) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Identifier[] = [];
  for (const candidate of byPriority) {
    if (kept.some((k) => candidate.start < k.end && k.start < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** What each kind of identifier becomes in a suggested anonymised text, after the LGSCO's "Mrs X". */
export const placeholders: Record<IdentifierKind, string> = {
  name: 'X',
  email: '[email address removed]',
  phone: '[phone number removed]',
  address: '[address removed]',
  postcode: '[postcode removed]',
  'national-insurance-number': '[National Insurance number removed]',
};

/**
 * The text with each identifier replaced by its placeholder: a suggestion for the reviewer, who
 * still reads the result (a name may need "the complainant" rather than "X" to read well).
 */
export function redact(text: string, identifiers: readonly Identifier[]): string {
  let result = '';
  let cursor = 0;
  for (const identifier of [...identifiers].sort((a, b) => a.start - b.start)) {
    if (identifier.start < cursor) continue;
    result += text.slice(cursor, identifier.start) + placeholders[identifier.kind];
    cursor = identifier.end;
  }
  // A name replaced inside "X X" (first name and surname found apart) reads as one "X".
  return (result + text.slice(cursor)).replace(/\bX(?:\s+X\b)+/g, 'X');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The text cut into plain pieces and flagged pieces, so a page can show each finding in place. */
export function markIdentifiers(text: string, identifiers: readonly Identifier[]): { text: string; identifier?: Identifier }[] {
  const pieces: { text: string; identifier?: Identifier }[] = [];
  let cursor = 0;
  for (const identifier of [...identifiers].sort((a, b) => a.start - b.start)) {
    if (identifier.start < cursor) continue;
    if (identifier.start > cursor) pieces.push({ text: text.slice(cursor, identifier.start) });
    pieces.push({ text: text.slice(identifier.start, identifier.end), identifier });
    cursor = identifier.end;
  }
  if (cursor < text.length) pieces.push({ text: text.slice(cursor) });
  return pieces;
}

/**
 * A caseworker's wording made fit to publish without a reviewer (a service improvement on a
 * council's public page): the case's own people's details, and anything that looks like personal
 * data, replaced by their placeholders. Cautious on purpose: a false alarm costs a word, a miss
 * publishes someone's name.
 */
export function publishableText(text: string, people: readonly CasePerson[]): string {
  return redact(text, findIdentifiers(text, people));
}
