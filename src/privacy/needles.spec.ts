import { erasurePattern, linkedPattern, PersonValues } from './needles';

const person = (o: Partial<PersonValues>): PersonValues => ({
  family_name: null,
  given_name: null,
  native_name: null,
  email: null,
  phone: null,
  phone_key: null,
  wechat_id: null,
  ...o,
});

describe('erasurePattern', () => {
  it('holds every spelling of the name, the e-mail, the phone’s forms and the WeChat id', () => {
    const pattern = erasurePattern([
      person({
        family_name: 'Wang',
        given_name: 'Fang',
        native_name: '王芳',
        email: 'wang.fang@example.cn',
        phone: '+86 10 1234 5678',
        phone_key: '+861012345678',
        wechat_id: 'wf_88',
      }),
    ])!;
    expect(pattern).toContain('Wang\\s+Fang');
    expect(pattern).toContain('Fang\\s+Wang');
    expect(pattern).toContain('王芳');
    expect(pattern).toContain('wang\\.fang@example\\.cn');
    expect(pattern).toContain('wf_88');
    // E.164's digits in any grouping, and the national number after a trunk prefix.
    expect(pattern).toContain('8[\\s().\\/-]*6[\\s().\\/-]*1[\\s().\\/-]*0');
    expect(pattern).toContain('(?:0[\\s().\\/-]*)?1[\\s().\\/-]*0[\\s().\\/-]*1');
  });

  it('leaves out what is too short to name one person, and is null when nothing is left', () => {
    expect(erasurePattern([person({ family_name: 'Li' })])).toBeNull();
    expect(erasurePattern([person({ family_name: 'Li', given_name: 'Na' })])).toContain('Li\\s+Na');
  });

  it('escapes what HTML escapes too, for kept mails', () => {
    expect(erasurePattern([person({ family_name: "O'Neill", given_name: 'Ann' })])).toContain(
      'O&#39;Neill',
    );
  });

  it('for the person’s own records, adds the family and the given name alone', () => {
    const own = linkedPattern([person({ family_name: 'Xiaoqiao', given_name: 'Tianlan' })])!;
    expect(own).toContain('(?<![[:alnum:]_])Xiaoqiao(?![[:alnum:]_])');
    expect(own).toContain('(?<![[:alnum:]_])Tianlan(?![[:alnum:]_])');
    expect(
      erasurePattern([person({ family_name: 'Xiaoqiao', given_name: 'Tianlan' })]),
    ).not.toContain('(?<![[:alnum:]_])Xiaoqiao(?![[:alnum:]_])');
  });
});
