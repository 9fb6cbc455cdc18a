import { keysToSetAside, loadOrder } from './load-order';

const key = (table: string, references: string) => ({ table, references });

describe('the order a backup loads its tables in', () => {
  it('puts every table after the tables it refers to', () => {
    const keys = [
      key('users', 'companies'),
      key('leads', 'companies'),
      key('leads', 'contacts'),
      key('contacts', 'companies'),
      key('contacts', 'users'),
    ];
    const order = loadOrder(['leads', 'contacts', 'users', 'companies', 'audit_events'], keys);
    expect(order).toEqual(['audit_events', 'companies', 'users', 'contacts', 'leads']);
    expect(keysToSetAside(order, keys)).toEqual([]);
  });

  it('breaks a cycle at one key and sets only that key aside', () => {
    const keys = [
      key('trips', 'agreements'),
      key('agreements', 'appointments'),
      key('appointments', 'trips'),
      key('accounts', 'trips'),
    ];
    const order = loadOrder(['accounts', 'trips', 'appointments', 'agreements'], keys);
    expect(order).toEqual(['agreements', 'trips', 'accounts', 'appointments']);
    expect(keysToSetAside(order, keys)).toEqual([key('agreements', 'appointments')]);
  });

  it('sets aside a table’s references to itself', () => {
    const keys = [key('companies', 'companies'), key('users', 'companies')];
    const order = loadOrder(['users', 'companies'], keys);
    expect(order).toEqual(['companies', 'users']);
    expect(keysToSetAside(order, keys)).toEqual([key('companies', 'companies')]);
  });
});
