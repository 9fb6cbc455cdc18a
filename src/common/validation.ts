import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { BadInput, FieldError, fieldError } from './errors';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from './validation-errors';

/**
 * The fields of a body, query or parameter holding text no rule may be handed: a lone UTF-16
 * surrogate (JSON can carry one as `\ud800`; validators such as isEmail throw on it) or a NUL
 * character (PostgreSQL refuses it in text). Keys are checked as well as values.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unreadableText(value: unknown, path = ''): FieldError[] {
  const name = (key: string) => (path ? `${path}.${key}` : key);
  const bad = (text: string) => LONE_SURROGATE.test(text) || text.includes('\u0000');
  const complaint = (field: string) =>
    fieldError(
      field || 'body',
      'encoding',
      `${field || 'body'} must be well-formed text without NUL characters`,
    );
  if (typeof value === 'string') return bad(value) ? [complaint(path)] : [];
  if (value === null || typeof value !== 'object') return [];
  const errors: FieldError[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (bad(key)) errors.push(complaint(path || 'body'));
    else errors.push(...unreadableText(item, name(key)));
  }
  return errors;
}

/**
 * The one validation setup: text that is not well formed is refused first, then unknown fields
 * are refused and bodies and queries become DTOs.
 */
class TextCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const errors = unreadableText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (errors.length > 0) throw new BadInput(errors);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new TextCheckingValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new BadInput(flattenValidationErrors(errors)),
  });
}
