/** Two-level complaint categories, after the LGSCO's published categories. */
export const categories: Record<string, readonly string[]> = {
  'Adult care services': ['Assessment and care plan', 'Charging', 'Safeguarding', 'Residential care', 'Domiciliary care', 'Direct payments'],
  'Benefits and tax': ['Council tax', 'Housing benefit', 'Council tax reduction', 'Business rates'],
  'Corporate and other services': ['Complaint handling', 'Data protection', 'Land', 'Leisure and culture'],
  'Education and children’s services': ['Special educational needs', 'Child protection', 'School transport', 'School admissions', 'Children in care'],
  'Environmental services and public protection': ['Refuse and recycling', 'Noise', 'Pollution', 'Antisocial behaviour'],
  'Highways and transport': ['Parking and enforcement', 'Highway repair', 'Public transport', 'Traffic management'],
  Housing: ['Homelessness', 'Allocations', 'Private housing', 'Disabled facilities grants'],
  'Planning and development': ['Planning applications', 'Enforcement', 'Building control'],
};

export const categoryNames = Object.keys(categories);

export function isCategory(category: string, subcategory: string): boolean {
  return categories[category]?.includes(subcategory) ?? false;
}

/** "Housing > Homelessness" */
export function categoryPath(category: string, subcategory: string): string {
  return `${category} > ${subcategory}`;
}

/** Parses "Housing > Homelessness" (as in imports and select values) into its two levels. */
export function parseCategoryPath(path: string): { category: string; subcategory: string } | undefined {
  const [category, subcategory, ...rest] = path.split('>').map((part) => part.trim());
  if (!category || !subcategory || rest.length > 0) return undefined;
  return { category, subcategory };
}

export function categoryOptions(): { value: string; text: string }[] {
  return categoryNames.flatMap((category) =>
    (categories[category] ?? []).map((sub) => ({ value: categoryPath(category, sub), text: categoryPath(category, sub) })),
  );
}
