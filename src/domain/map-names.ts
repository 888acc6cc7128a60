/**
 * Joining boundary features to councils by name.
 *
 * The ONS boundary file names each district the way ONS does ("Adur", "Kingston upon Hull, City of");
 * the bodies table holds each council's official name ("Adur District Council", "Hull City Council").
 * Both are reduced to the same key by dropping the words that only say what kind of council it is,
 * so "London Borough of Harrow" and "Harrow" meet at "harrow". The few names that differ by more
 * than those words are listed in DOCUMENTED_ALTERNATIVE_NAMES (the reference data's README names them).
 */

/**
 * ONS names that are not the council's official name with or without its kind. The reference data's
 * README lists the first three (ONS puts "City of" and "County of" after a comma, and calls Hull
 * "Kingston upon Hull"); the bodies table keeps official names only, so Newcastle, whose council is
 * "Newcastle City Council", needs its full name too.
 */
export const DOCUMENTED_ALTERNATIVE_NAMES: Readonly<Record<string, string>> = {
  'Bristol, City of': 'Bristol',
  'Herefordshire, County of': 'Herefordshire',
  'Kingston upon Hull, City of': 'Hull',
  'Newcastle upon Tyne': 'Newcastle',
};

// Longest first, so "london borough of" goes before a bare "borough of" could leave "london".
const PREFIXES = [
  'council of the', 'metropolitan borough of', 'london borough of', 'royal borough of', 'borough council of',
  'city and county of the', 'city and county of', 'borough of', 'city of', 'county of', 'county', 'the',
];
const SUFFIXES = [
  'city and district council', 'metropolitan district council', 'metropolitan borough council', 'borough council',
  'district council', 'county council', 'city council', 'council', 'corporation', 'metropolitan district',
  'metropolitan borough', 'borough', 'district', 'county', 'city',
];

/**
 * The key two names of the same council share: lower case, no accents or punctuation ("&" is "and",
 * "King's" is "kings"), without the words saying what kind of council it is. An ONS "X, City of" is
 * read as "City of X". Never empty for a non-empty name: a name that is nothing but such words
 * keeps them.
 */
export function councilNameKey(name: string): string {
  const alternative = DOCUMENTED_ALTERNATIVE_NAMES[name.trim()];
  let text = (alternative ?? name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['\u2018\u2019`.]/g, '')
    .replace(/&/g, ' and ');
  const inverted = /^(.*),\s*(city|county) of\s*$/.exec(text);
  if (inverted) text = `${inverted[2]} of ${inverted[1]}`;
  const words = text.replace(/[^a-z0-9]+/g, ' ').trim();
  let key = words;
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of PREFIXES) {
      if (key.startsWith(`${prefix} `)) {
        key = key.slice(prefix.length + 1);
        changed = true;
      }
    }
    for (const suffix of SUFFIXES) {
      if (key.endsWith(` ${suffix}`)) {
        key = key.slice(0, -(suffix.length + 1));
        changed = true;
      }
    }
  }
  return key || words;
}

export interface NamedBody {
  code: string;
  name: string;
}

export type NameMatch<B extends NamedBody> =
  | { kind: 'matched'; body: B }
  | { kind: 'unmatched'; reason: string };

/**
 * Finds the body each feature name belongs to. A key shared by two bodies matches neither (and
 * says which), so a wrong join can never be made silently.
 */
export function nameMatcher<B extends NamedBody>(bodies: readonly B[]): (featureName: string) => NameMatch<B> {
  const byKey = new Map<string, B[]>();
  for (const body of bodies) {
    const key = councilNameKey(body.name);
    byKey.set(key, [...(byKey.get(key) ?? []), body]);
  }
  return (featureName) => {
    const candidates = byKey.get(councilNameKey(featureName)) ?? [];
    const [only] = candidates;
    if (candidates.length === 1 && only) return { kind: 'matched', body: only };
    if (candidates.length === 0) return { kind: 'unmatched', reason: 'no council of this name' };
    return { kind: 'unmatched', reason: `more than one council of this name: ${candidates.map((c) => `${c.name} (${c.code})`).join(', ')}` };
  };
}
