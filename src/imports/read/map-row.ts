import { isChineseName, namesFromChinese } from '../../contacts/names';
import { countryCode } from './country';
import { languageTag } from './languages';
import { partnerKind } from './partner-kind';
import { isMobileHeader, type TargetField } from './targets';

export interface MappedRow {
  values: Record<TargetField, string>;
  extra: { header: string; value: string }[];
}

/** Forms of address written before a name ("Dr. Max Mustermann"). */
const SALUTATIONS = /^(herr|frau|hr|fr|dr|prof|mr|mrs|ms|miss|mx)\.?$/i;

/**
 * A whole name in one cell as its parts: a name in Chinese script becomes the native name with
 * its pinyin (the rule of contacts/names.ts); "Mustermann, Max" and "Max Mustermann" the family
 * and given name; a leading "Herr", "Dr." … the salutation.
 */
export function splitFullName(name: string): {
  familyName?: string;
  givenName?: string;
  nativeName?: string;
  salutation?: string;
} {
  const text = name.trim().replace(/\s+/g, ' ');
  const romanised = namesFromChinese(text);
  if (romanised) {
    return {
      nativeName: text.replace(/\s/g, ''),
      familyName: romanised.familyName,
      ...(romanised.givenName ? { givenName: romanised.givenName } : {}),
    };
  }
  const comma = text.indexOf(',');
  if (comma > 0) {
    const given = text.slice(comma + 1).trim();
    return { familyName: text.slice(0, comma).trim(), ...(given ? { givenName: given } : {}) };
  }
  const words = text.split(' ');
  const salutation: string[] = [];
  while (words.length > 1 && SALUTATIONS.test(words[0])) salutation.push(words.shift()!);
  const familyName = words.pop()!;
  return {
    familyName,
    ...(words.length ? { givenName: words.join(' ') } : {}),
    ...(salutation.length ? { salutation: salutation.join(' ') } : {}),
  };
}

/**
 * The items of a list cell (tags, languages, countries): split at commas, semicolons, line
 * breaks and Google's ` ::: `, trimmed, without Google's own labels (`* myContacts`, `* starred`)
 * and without repeats (case does not count).
 */
export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  const items: string[] = [];
  for (const part of value.split(/\s*(?:[,;\n]|:::)\s*/)) {
    const item = part.trim();
    if (!item || item.startsWith('* ') || seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    items.push(item);
  }
  return items;
}

/** A list target's items, each written as `item` says, joined by `, ` (absent when none). */
function listed(
  values: Record<TargetField, string>,
  target: TargetField,
  item: (value: string) => string,
): void {
  if (values[target] === undefined) return;
  const items = splitList(values[target]).map(item);
  if (items.length) values[target] = [...new Set(items)].join(', ');
  else delete values[target];
}

/**
 * A row's values by target: trimmed, empty → absent. Several columns on one target: the first
 * non-empty in column order wins (for `phone` a mobile column comes before the others), the
 * others are listed in `extra` (a second phone), which the importer appends to notes.
 * A `country` named in words becomes its ISO code when it is one ("China" → CN; else it stays
 * as written, for the validation to refuse); the lists (`tags`, `languages`, `branchCountries`)
 * are written `a, b` (splitList reads them), languages as tags ("Chinesisch" → zh) and
 * countries as codes where known; a partner's `kind` in words as its value ("Technologiepark"
 * → technology_park). A name in Chinese script in the name columns becomes the
 * nativeName; without a familyName, the name fields come from a nativeName in Chinese script
 * (romanised by contacts/names.ts) or else from a `fullName` column, which is never itself in
 * `values`.
 */
export function mapRow(
  mapping: (TargetField | null)[],
  headers: string[],
  cells: string[],
): MappedRow {
  const values: Record<TargetField, string> = {};
  const extra: { header: string; value: string }[] = [];
  const order = columnOrder(mapping, headers);
  for (const column of order) {
    const target = mapping[column];
    const value = cells[column]?.trim() ?? '';
    if (!target || !value) continue;
    if (values[target] === undefined) values[target] = value;
    else extra.push({ header: headers[column] ?? '', value });
  }

  if (values.country !== undefined) values.country = countryCode(values.country) ?? values.country;
  if (values.kind !== undefined) values.kind = partnerKind(values.kind) ?? values.kind;
  listed(values, 'tags', (tag) => tag);
  listed(values, 'languages', (language) => languageTag(language) ?? language);
  listed(values, 'branchCountries', (country) => countryCode(country) ?? country);
  const inChinese = (name: string | undefined) => name === undefined || isChineseName(name);
  if (
    values.nativeName === undefined &&
    (values.familyName ?? values.givenName) !== undefined &&
    inChinese(values.familyName) &&
    inChinese(values.givenName)
  ) {
    // 李 / 伟 in the name columns: the name in its own script, romanised below.
    values.nativeName = `${values.familyName ?? ''}${values.givenName ?? ''}`;
    delete values.familyName;
    delete values.givenName;
  } else if (isChineseName(values.nativeName) && isChineseName(values.familyName)) {
    delete values.familyName;
    delete values.givenName;
  }
  const whole = values.fullName;
  delete values.fullName;
  if (values.familyName === undefined) {
    // A name in Chinese script is romanised by the one rule; else a whole name is split.
    const parts = isChineseName(values.nativeName)
      ? splitFullName(values.nativeName)
      : whole !== undefined
        ? splitFullName(whole)
        : {};
    for (const [field, value] of Object.entries(parts))
      if (values[field] === undefined) values[field] = value;
  }
  return { values, extra };
}

const orders = new WeakMap<(TargetField | null)[], { headers: string[]; order: number[] }>();

/** The columns in the order their values are taken: mobile phone columns first among phones. */
function columnOrder(mapping: (TargetField | null)[], headers: string[]): number[] {
  const known = orders.get(mapping);
  if (known?.headers === headers) return known.order;
  const order = orderOf(mapping, headers);
  orders.set(mapping, { headers, order });
  return order;
}

function orderOf(mapping: (TargetField | null)[], headers: string[]): number[] {
  const columns = mapping.map((_target, column) => column);
  const mobile = columns.filter(
    (column) => mapping[column] === 'phone' && isMobileHeader(headers[column] ?? ''),
  );
  if (!mobile.length) return columns;
  return [...mobile, ...columns.filter((column) => !mobile.includes(column))];
}
