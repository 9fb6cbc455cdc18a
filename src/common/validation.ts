import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { BadInput, FieldError, fieldError } from './errors';
import { queryShapeProblem } from './request-limits';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from './validation-errors';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unreadable = (text: string) => LONE_SURROGATE.test(text) || text.includes('\u0000');

/**
 * Keys every object has (`constructor`, `toString`, `__proto__`, …). class-validator's whitelist
 * looks a key up in a plain object, finds these there and takes them as declared, and
 * class-transformer then drops them: they would pass silently instead of being refused.
 */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * What no rule may be handed, anywhere in a body, query or parameter, keys included:
 * - text that is not well formed (code `encoding`): a lone UTF-16 surrogate (JSON can carry one
 *   as `\ud800`; validators such as isEmail throw on it) or a NUL character (PostgreSQL refuses
 *   it in text);
 * - a key named like a member of every object (code `unknown`, as any field not allowed).
 * Iterative, so no nesting can exhaust the stack; the errors come in the order of the value.
 */
export function inputProblems(value: unknown, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  const encoding = (field: string) =>
    fieldError(
      field || 'body',
      'encoding',
      `${field || 'body'} must be well-formed text without NUL characters`,
    );
  // Each entry: a value at its path, or (badKey) a complaint about a key of the object at path.
  const todo: { value: unknown; path: string; badKey?: 'encoding' | 'unknown' }[] = [
    { value, path },
  ];
  for (let next = todo.pop(); next; next = todo.pop()) {
    if (next.badKey === 'encoding') errors.push(encoding(next.path));
    else if (next.badKey === 'unknown')
      errors.push(fieldError(next.path, 'unknown', `property ${next.path} should not exist`));
    else if (typeof next.value === 'string') {
      if (unreadable(next.value)) errors.push(encoding(next.path));
    } else if (next.value !== null && typeof next.value === 'object') {
      const entries = Object.entries(next.value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i];
        const at = next.path ? `${next.path}.${key}` : key;
        if (unreadable(key)) todo.push({ value: undefined, path: next.path, badKey: 'encoding' });
        else if (OBJECT_MEMBERS.has(key))
          todo.push({ value: undefined, path: at, badKey: 'unknown' });
        else todo.push({ value: item, path: at });
      }
    }
  }
  return errors;
}

/**
 * The one validation setup: a query string of too many fields (bodies are counted as they are
 * parsed) and what no rule may be handed are refused first, then unknown fields are refused and
 * bodies and queries become DTOs.
 */
class CheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') {
      const problem = queryShapeProblem(value);
      if (problem) throw problem;
    }
    // Values of custom decorators (the caller) are the app's own, not the client's.
    if (metadata.type !== 'custom') {
      const errors = inputProblems(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (errors.length > 0) throw new BadInput(errors);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new CheckingValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new BadInput(flattenValidationErrors(errors)),
  });
}
