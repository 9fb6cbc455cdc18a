import type { EntityManager } from 'typeorm';
import { organisationKey } from './values';

export type OrganisationEntity = 'company' | 'partner';

export interface KnownOrganisation {
  entity: OrganisationEntity;
  id: string;
  name: string;
  /** The other name its contacts are found by: a company's legal name, a partner's native one. */
  other: string | null;
}

/**
 * The live companies and partners by normalised name (also by legal or native name), read once
 * per job: what a contact row's organisation is matched with, and a company or partner row's
 * duplicate. A company comes before a partner of the same name, a name before another name.
 */
export class Organisations {
  private readonly byKey = new Map<string, KnownOrganisation>();
  private readonly byEntity = {
    company: new Map<string, KnownOrganisation>(),
    partner: new Map<string, KnownOrganisation>(),
  };

  static async load(em: EntityManager): Promise<Organisations> {
    const organisations = new Organisations();
    const rows = (await em.query(
      `SELECT 'company' AS entity, id, name, legal_name AS other FROM companies WHERE deleted_at IS NULL
       UNION ALL
       SELECT 'partner', id, name, native_name FROM partners WHERE deleted_at IS NULL`,
    )) as KnownOrganisation[];
    for (const row of rows) organisations.add(row);
    for (const row of rows) if (row.other) organisations.remember(organisationKey(row.other), row);
    return organisations;
  }

  private remember(key: string, organisation: KnownOrganisation): void {
    if (!key) return;
    if (!this.byKey.has(key)) this.byKey.set(key, organisation);
    const own = this.byEntity[organisation.entity];
    if (!own.has(key)) own.set(key, organisation);
  }

  add(organisation: KnownOrganisation): void {
    const key = organisationKey(organisation.name);
    const known = this.byKey.get(key);
    // A company's name wins over a partner's and over any other name.
    if (
      known &&
      organisationKey(known.name) === key &&
      !(known.entity === 'partner' && organisation.entity === 'company')
    ) {
      const own = this.byEntity[organisation.entity];
      if (!own.has(key)) own.set(key, organisation);
      return;
    }
    this.byKey.set(key, organisation);
    const own = this.byEntity[organisation.entity];
    own.set(key, organisation);
  }

  /** The organisation a contact row names. */
  find(name: string): KnownOrganisation | undefined {
    return this.byKey.get(organisationKey(name));
  }

  /** The company (or partner) of this name: a company or partner row's duplicate. */
  findOf(entity: OrganisationEntity, name: string): KnownOrganisation | undefined {
    return this.byEntity[entity].get(organisationKey(name));
  }
}
