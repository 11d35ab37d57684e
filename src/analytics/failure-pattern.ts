/**
 * How failing messages are grouped: numbers (integers, decimals, hex addresses) become "N", so
 * "grew by 82.42 MiB" and "grew by 80.1 MiB" count as one message. The SQL below and the function
 * (for the unit spec and for anyone reading the rule) must say the same thing.
 */
export const NUMBER_PATTERN_SQL = String.raw`0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?`;

export function failurePattern(message: string): string {
  return message.replace(new RegExp(NUMBER_PATTERN_SQL, 'g'), 'N');
}
