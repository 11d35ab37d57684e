import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidInputError, type FieldProblem } from '../errors/domain-errors';

/** Flattens class-validator's tree into `field.path: reason` problems. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({
      field,
      // class-validator starts each message with the property name; the field says it already.
      reason: reason.startsWith(`${error.property} `) ? reason.slice(error.property.length + 1) : reason,
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** DTOs validate input at the edge: unknown fields are rejected, types are converted. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const problems = fieldProblems(errors);
      const message = problems.map((p) => `${p.field} ${p.reason}`).join('; ') || 'invalid input';
      return new InvalidInputError(message, problems);
    },
  });
}
