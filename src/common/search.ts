/** Makes `%`, `_` and `\` literal in a LIKE/ILIKE pattern (PostgreSQL's default escape is `\`). */
export const escapeLike = (term: string): string => term.replace(/[\\%_]/g, (c) => `\\${c}`);
