// The kit's forms reach Nest through the layout's CSRF field; Jest cannot load Nest (ESM only).
jest.mock('@nestjs/common', () => ({ SetMetadata: () => () => undefined }));

import { choiceOptions, createBody, FieldSpec, fieldMessages, patchBody, valuesOf } from './forms';

const organisation: FieldSpec = {
  name: 'organisation',
  label: 'Organisation',
  type: 'select',
  blank: '–',
  choices: [
    { value: 'company:c1', label: 'Zwilling', group: 'Unternehmen' },
    { value: 'partner:p1', label: '3D-Campus', group: 'Partner' },
  ],
  fromApi: (r) =>
    r.companyId
      ? `company:${String(r.companyId)}`
      : r.partnerId
        ? `partner:${String(r.partnerId)}`
        : '',
  apiFields: (v) => {
    const [kind, id] = String(v.organisation ?? '').split(':');
    return { companyId: kind === 'company' ? id : null, partnerId: kind === 'partner' ? id : null };
  },
};
const city: FieldSpec = { name: 'city', label: 'Ort' };

describe('forms: one input for several API fields', () => {
  it('creates with the chosen field only, and leaves empty ones out', () => {
    expect(createBody([organisation, city], { organisation: 'partner:p1', city: '' })).toEqual({
      partnerId: 'p1',
    });
    expect(createBody([organisation], { organisation: '' })).toEqual({});
  });

  it('patches both fields when the choice changed (the other one to null), nothing otherwise', () => {
    const base = valuesOf([organisation, city], {
      companyId: 'c1',
      partnerId: null,
      city: 'Solingen',
    });
    expect(base).toEqual({ organisation: 'company:c1', city: 'Solingen' });
    expect(patchBody([organisation, city], { ...base, organisation: 'partner:p1' }, base)).toEqual({
      companyId: null,
      partnerId: 'p1',
    });
    expect(patchBody([organisation, city], { ...base, city: 'Haan' }, base)).toEqual({
      city: 'Haan',
    });
  });

  it('groups choices under their optgroup, in order', () => {
    const markup = choiceOptions(organisation.choices!, 'partner:p1').value;
    expect(markup).toBe(
      '<optgroup label="Unternehmen"><option value="company:c1">Zwilling</option></optgroup>' +
        '<optgroup label="Partner"><option value="partner:p1" selected>3D-Campus</option></optgroup>',
    );
    expect(choiceOptions([{ value: 'a', label: 'A' }], '').value).toBe(
      '<option value="a">A</option>',
    );
  });
});

describe("forms: the API's 400 beside the inputs", () => {
  it('puts an error on a field named like an object member under the form, not a crash', () => {
    const problem = {
      status: 400,
      detail: 'bad',
      errors: [
        { field: 'constructor', code: 'unknown', message: 'property constructor should not exist' },
        { field: 'city', code: 'maxLength', message: 'city is too long' },
      ],
    };
    const messages = fieldMessages('en', [city], problem, { companyId: 'organisation' });
    expect(Object.keys(messages).sort()).toEqual(['_form', 'city']);
  });
});
