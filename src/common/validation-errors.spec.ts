import { plainToInstance } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, validate } from 'class-validator';
import { FieldError, SERVICE_ERROR_CODES } from './errors';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from './validation-errors';

class Sample {
  @IsString()
  @Length(1, 20)
  name: string;

  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(30)
  email?: string;

  @IsOptional()
  @IsIn(['low', 'high'])
  priority?: string;
}

/** What the validation pipe answers for a body, as the pipe validates it. */
const errorsOf = async (body: object): Promise<FieldError[]> =>
  flattenValidationErrors(await validate(plainToInstance(Sample, body), VALIDATOR_OPTIONS));

describe('field error codes of the validation pipe', () => {
  it('names the constraint a value broke', async () => {
    expect(await errorsOf({ name: 'x', email: 'not-an-email', priority: 'urgent' })).toEqual([
      { field: 'email', code: 'isEmail', message: 'email must be an email address' },
      { field: 'priority', code: 'isIn', message: expect.stringContaining('priority') },
    ]);
    expect(await errorsOf({ name: 'x'.repeat(21) })).toEqual([
      { field: 'name', code: 'isLength', message: expect.any(String) },
    ]);
  });

  it('says unknown for a field that is not allowed', async () => {
    expect(await errorsOf({ name: 'x', isAdmin: true })).toEqual([
      { field: 'isAdmin', code: 'unknown', message: 'property isAdmin should not exist' },
    ]);
  });

  it('says required for a missing or null value, keeping each message', async () => {
    for (const body of [{}, { name: null }]) {
      const errors = await errorsOf(body);
      expect(errors.map((e) => [e.field, e.code])).toEqual([
        ['name', 'required'],
        ['name', 'required'],
      ]);
      expect(errors.map((e) => e.message).sort()).toEqual([
        'name must be a string',
        'name must be longer than or equal to 1 characters',
      ]);
    }
  });

  it('lists the codes of the services once each', () => {
    expect(new Set(SERVICE_ERROR_CODES).size).toBe(SERVICE_ERROR_CODES.length);
    expect(SERVICE_ERROR_CODES).toEqual(
      expect.arrayContaining(['required', 'unknown', 'reference', 'order', 'range']),
    );
  });
});
