import type { Type } from '@nestjs/common';
import { BadInput, FieldError } from '../common/errors';
import { normalize } from '../common/search';
import { createValidationPipe } from '../common/validation';
import { CreateCompanyDto } from '../companies/companies.dto';
import { CreateContactDto } from '../contacts/contacts.dto';
import { familyNameRequired, newContactNames } from '../contacts/names';
import { CreatePartnerDto } from '../partners/partners.dto';
import { mapRow, splitList, type ImportKind } from './read';
import type { RowError } from './rows';

/** The request a row of each kind is: the same DTO, rules and codes as the API's create. */
const CREATE_DTO: Record<ImportKind, Type<object>> = {
  contact: CreateContactDto,
  company: CreateCompanyDto,
  partner: CreatePartnerDto,
};

/** Targets that are lists in the request (a cell holds them separated by `,` `;` or lines). */
const LISTS = new Set(['languages', 'tags', 'branchCountries']);

/** Where the values of second columns on one target go (a second phone, a second e-mail). */
const NOTES: Record<ImportKind, string> = {
  contact: 'notes',
  company: 'description',
  partner: 'description',
};

/** The longest organisation name a contact row may give (the longest name a company takes). */
const ORGANISATION_MAX = 200;

/** A row read and checked: the request's values (as the API would store them) or its errors. */
export interface CheckedRow {
  /** The DTO's values after its transforms, plus `organisation`; the mapped text when invalid. */
  values: Record<string, unknown>;
  errors: RowError[] | null;
}

/** The key an organisation (or a company or partner of an import) is matched by. */
export const organisationKey = (name: string): string => normalize(name);

/**
 * One row of the file through the API's own validation: mapped (the reader's mapRow), lists
 * split, second values added to the notes, then the kind's create DTO and the app's validation
 * pipe; each error names the column of the file it came from.
 */
export class RowChecker {
  private readonly pipe = createValidationPipe();
  private readonly columnOf = new Map<string, string>();

  constructor(
    private readonly kind: ImportKind,
    private readonly headers: string[],
    private readonly mapping: (string | null)[],
  ) {
    mapping.forEach((target, i) => {
      if (target && !this.columnOf.has(target)) this.columnOf.set(target, headers[i] ?? target);
    });
    // The name fields a whole name or a name in Chinese script fills.
    const derived = this.columnOf.get('fullName') ?? this.columnOf.get('nativeName');
    for (const field of ['familyName', 'givenName', 'salutation'])
      if (derived && !this.columnOf.has(field)) this.columnOf.set(field, derived);
  }

  private column(field: string): string {
    return this.columnOf.get(field.split('.')[0]) ?? field;
  }

  private error(e: FieldError): RowError {
    return { column: this.column(e.field), field: e.field, code: e.code, message: e.message };
  }

  async check(cells: string[]): Promise<CheckedRow> {
    const { values, extra } = mapRow(this.mapping, this.headers, cells);
    const body: Record<string, unknown> = {};
    let organisation: string | undefined;
    for (const [field, value] of Object.entries(values)) {
      if (field === 'organisation') organisation = value;
      else body[field] = LISTS.has(field) ? splitList(value) : value;
    }
    if (extra.length) {
      const notes = NOTES[this.kind];
      body[notes] = [body[notes], ...extra.map((e) => `${e.header}: ${e.value}`)]
        .filter(Boolean)
        .join('\n');
    }
    const errors: RowError[] = [];
    let dto: Record<string, unknown> | undefined;
    try {
      dto = (await this.pipe.transform(body, {
        type: 'body',
        metatype: CREATE_DTO[this.kind],
      })) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      // One error per field and rule (a missing name breaks its length and its type).
      const seen = new Set<string>();
      for (const e of error.errors) {
        const key = `${e.field}\u0000${e.code}`;
        if (!seen.has(key)) errors.push(this.error(e));
        seen.add(key);
      }
    }
    if (organisation !== undefined && organisation.length > ORGANISATION_MAX)
      errors.push({
        column: this.column('organisation'),
        field: 'organisation',
        code: 'maxLength',
        message: `organisation must be shorter than or equal to ${ORGANISATION_MAX} characters`,
      });
    if (dto && this.kind === 'contact' && !newContactNames(dto))
      errors.push(this.error(familyNameRequired()));
    if (errors.length || !dto) return { values: { ...values }, errors };
    return {
      values: {
        ...JSON.parse(JSON.stringify(dto)),
        ...(organisation !== undefined && { organisation }),
      } as Record<string, unknown>,
      errors: null,
    };
  }
}
