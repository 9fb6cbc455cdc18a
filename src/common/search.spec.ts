import {
  escapeLike,
  normalize,
  pinyinForms,
  searchCondition,
  searchKey,
  searchPrefixes,
} from './search';

describe('search keys', () => {
  it('drops case and accents', () => {
    expect(normalize('Müller-Lüdenscheidt')).toBe('muller ludenscheidt');
    expect(normalize('  Straße  ÉCOLE ')).toBe('strasse ecole');
    expect(normalize('Ørsted Łódź')).toBe('orsted lodz');
  });

  it('gives pinyin without tones, spaced and run together', () => {
    expect(pinyinForms('王芳')).toEqual(['wang fang', 'wangfang']);
    expect(pinyinForms('Wang')).toEqual([]);
  });

  it('finds 王芳 by every form staff remember', () => {
    const key = searchKey(['Wang', 'Fang', '王芳', 'wang.fang@tech-park.example.cn']);
    for (const term of ['wang fang', 'wangfang', '王芳', 'fang', 'tech-park']) {
      for (const word of normalize(term).split(' ')) expect(key).toContain(word);
    }
  });

  it('keeps one- and two-letter prefixes of every word', () => {
    expect(searchPrefixes('wang fang wangfang')).toEqual(['w', 'wa', 'f', 'fa']);
  });

  it('makes LIKE wildcards literal', () => {
    expect(escapeLike('100%_\\')).toBe('100\\%\\_\\\\');
    expect(searchCondition('c', 'a_b%c\\d').params).toEqual({
      search0: ['a'],
      search1: ['b'],
      search2: ['c'],
      search3: ['d'],
    });
    expect(searchCondition('c', '%').sql).toBe('FALSE');
  });

  it('uses trigrams for long words, and for short ones beside them a word beginning', () => {
    const condition = searchCondition('c', 'Wa Müller .x');
    expect(condition.sql).toBe(
      '(c.search_key ~ :search0 AND c.search_key LIKE :search1 AND c.search_key ~ :search2)',
    );
    expect(condition.params).toEqual({
      search0: '(^| )wa',
      search1: '%muller%',
      search2: '(^| )\\.x',
    });
  });

  it('looks an address up by its part before the @, and checks the whole address', () => {
    const condition = searchCondition('c', 'Anna.Schmidt@qq.com');
    expect(condition.sql).toBe(
      "((c.search_key LIKE :search0local AND (c.search_key || '') LIKE :search0))",
    );
    expect(condition.params).toEqual({
      search0: '%anna.schmidt@qq.com%',
      search0local: '%anna.schmidt@%',
    });
    // Too short a part before the @ to look up (or none): the whole word, as any other.
    expect(searchCondition('c', 'li@qq.com').sql).toBe('(c.search_key LIKE :search0)');
    expect(searchCondition('c', '@qq.com').sql).toBe('(c.search_key LIKE :search0)');
  });

  it('uses the prefix array for short words alone', () => {
    const condition = searchCondition('c', 'Wa f');
    expect(condition.sql).toBe(
      '(c.search_prefixes @> CAST(:search0 AS text[]) AND c.search_prefixes @> CAST(:search1 AS text[]))',
    );
    expect(condition.params).toEqual({ search0: ['wa'], search1: ['f'] });
  });

  it('ignores a term with nothing searchable, and caps the number of words', () => {
    expect(searchCondition('c', ' -- ; ').sql).toBe('FALSE');
    const many = searchCondition('c', Array.from({ length: 50 }, (_, i) => `word${i}`).join(' '));
    expect(Object.keys(many.params)).toHaveLength(8);
  });
});
