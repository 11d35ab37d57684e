import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but when it is given it must be valid: unlike @IsOptional(), a
 * null is validated (and refused) rather than waved through to a NOT NULL column.
 */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);
